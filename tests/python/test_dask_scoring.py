"""Scoring a Dask DataFrame (compindex.score with a Dask DataFrame; compindex score --data FOLDER):
scores and ranks equal to the in-memory run bit for bit, on a LocalCluster with 10 partitions.

The oracle is compindex.score on the same data in memory (a pandas DataFrame): the partitioned run
must give the same scores to the last bit (compared as 64-bit patterns, so -0.0 and 0.0 differ)
and the same ranks.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.cli import main

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

N_PARTS = 10


@pytest.fixture(scope="module")
def client() -> Any:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as c:
            yield c


def bits(a: np.ndarray) -> np.ndarray:
    """The 64-bit patterns of float64 values, every NaN folded to one pattern."""
    a = np.array(a, dtype=np.float64)
    a[np.isnan(a)] = np.nan
    return a.view(np.uint64)


def same_as_in_memory(fw: ci.Framework, data: pd.DataFrame, nparts: int = N_PARTS, **spec: Any) -> Any:
    """Score both ways; assert scores bit for bit and ranks equal; return both results."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        mem = ci.score(fw, data, **spec)
        res = ci.score(fw, dd.from_pandas(data, npartitions=nparts, sort=False), **spec)
    assert isinstance(res, ci.PartitionedResult)
    scores = res.scores.compute()
    ranks = res.ranks.compute()
    assert list(scores.index) == list(mem.scores.index)
    assert list(scores.columns) == list(mem.scores.columns)
    np.testing.assert_array_equal(bits(scores.to_numpy()), bits(mem.scores.to_numpy()))
    assert list(ranks.index) == list(mem.ranks.index)
    pd.testing.assert_frame_equal(ranks, mem.ranks.astype("Int32"), check_index_type=False)
    return mem, res


def synthetic(n: int = 1500, seed: int = 7) -> tuple[ci.Framework, pd.DataFrame]:
    """3 pillars of 4 indicators: missing cells, inverse indicators, a heavy tail that the GII
    winsorizes, one it log-transforms, ties, +-0, and a region column."""
    rng = np.random.default_rng(seed)
    nodes = [{"code": "IDX", "parent": "", "weight": 1}]
    for p in range(3):
        nodes.append({"code": f"P{p}", "parent": "IDX", "weight": 1 + p})
        for k in range(4):
            nodes.append({"code": f"x{p}{k}", "parent": f"P{p}", "weight": 1 + (k % 2),
                          "direction": -1 if k == 1 else 1})
    fw = ci.Framework.from_nodes(nodes)
    cols = {}
    for p in range(3):
        for k in range(4):
            x = rng.normal(50, 10, n)
            if (p, k) == (0, 0):
                x[rng.choice(n, 3, replace=False)] = [400.0, 350.0, 300.0]  # a few outliers: winsorized
            if (p, k) == (1, 2):
                x = rng.lognormal(0, 1.5, n) + 2  # a heavy tail: the log fallback
            if (p, k) == (2, 3):
                x = np.round(rng.normal(0, 2, n))  # many ties, zeros
                x[rng.random(n) < 0.2] = -0.0
            x[rng.random(n) < 0.05] = np.nan
            cols[f"x{p}{k}"] = x
    data = pd.DataFrame(cols, index=pd.Index([f"u{i:05d}" for i in range(n)], name="unit"))
    data["region"] = rng.choice(["north", "south", "east", "west"], n)
    return fw, data


@pytest.fixture(scope="module")
def pii() -> tuple[ci.Framework, pd.DataFrame]:
    return ci.datasets.load_pii_framework(), ci.datasets.load_pii_demo(2024)


@pytest.mark.parametrize("spec", [
    {},
    {"normalization": "z_score"},
    {"treatment": "gii"},
    {"imputation": "mean", "normalization": "percentile_rank"},
    {"normalization": "goalposts(lower=0, upper=100)", "aggregation": "geometric_mean"},
])
def test_pii_demo_same_as_in_memory(client: Any, pii: Any, spec: dict[str, Any]) -> None:
    fw, data = pii
    same_as_in_memory(fw, data, **spec)


@pytest.mark.parametrize("spec", [
    {},
    {"normalization": "z_score(mean=100, sd=10)", "imputation": "group_mean(group=region)"},
    {"treatment": "gii", "imputation": "mean"},
    {"treatment": "gii(skew_threshold=2, max_winsorized=3)", "normalization": "distance_to_max", "coverage": 0.75},
    {"imputation": "group_median(group=region)", "transform_by_indicator": {"x12": "log", "x00": "sqrt"}, "normalization": "rank",
     "aggregation": "owa(orness=0.3)"},
    {"normalization": "borda", "aggregation_by_node": {"P1": "mean_min(alpha=0.5, beta=1)"}},
    {"normalization_by_indicator": {"x00": "z_score", "x11": "percentile_rank"}, "range": (1, 10)},
])
def test_synthetic_same_as_in_memory(client: Any, spec: dict[str, Any]) -> None:
    fw, data = synthetic()
    same_as_in_memory(fw, data, **spec)


def test_treatment_report_and_imputed_counts_match(client: Any) -> None:
    fw, data = synthetic()
    mem, res = same_as_in_memory(fw, data, treatment="gii", imputation="mean")
    # The synthetic data were made so that both treatments happen (a test that cannot fail is useless).
    assert set(res.treatment["action"]) >= {"winsorized", "log_transformed"}
    pd.testing.assert_frame_equal(res.treatment.sort_index(), mem.treatment.sort_index(), check_dtype=False)
    expected = mem.imputed.sum()
    assert (res.imputed.reindex(expected.index) == expected).all()
    assert expected.sum() > 0


def test_ties_share_the_best_place_across_partitions(client: Any) -> None:
    # 40 units, two indicators whose values repeat in every partition: equal index scores share a
    # place however the partitions split them.
    fw = ci.Framework.from_nodes([{"code": "I", "parent": ""}, {"code": "a", "parent": "I"},
                                  {"code": "b", "parent": "I"}])
    a = np.tile([1.0, 2.0, 3.0, 4.0], 10)
    data = pd.DataFrame({"a": a, "b": a[::-1].copy()}, index=pd.Index([f"u{i:02d}" for i in range(40)], name="unit"))
    data.iloc[5, 0] = np.nan
    mem, res = same_as_in_memory(fw, data)
    r = res.ranks.compute()
    # a = 4 for 10 units: rank 1, shared (by hand: 10 units tie at the top of 'a').
    assert (r.loc[data["a"] == 4.0, "a"] == 1).all()
    assert r.loc["u05", "a"] is pd.NA


def test_uneven_partitions_and_a_unit_column(client: Any, pii: Any) -> None:
    fw, data = pii
    flat = data.reset_index()  # the unit codes as a column, as a CSV has them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        mem = ci.score(fw, data, treatment="gii")
        res = ci.score(fw, dd.from_pandas(flat, npartitions=7, sort=False), treatment="gii")
    np.testing.assert_array_equal(bits(res.scores.compute().to_numpy()), bits(mem.scores.to_numpy()))
    assert res.n_units == len(data)


def test_unsupported_methods_raise_naming_the_method(client: Any) -> None:
    fw, data = synthetic(200)
    ddf = dd.from_pandas(data, npartitions=4)
    with pytest.raises(ci.SpecError, match="imputation 'em'.*in memory"):
        ci.score(fw, ddf, imputation="em")
    with pytest.raises(ci.SpecError, match="aggregation 'topsis' \\(node 'IDX'\\).*in memory"):
        ci.score(fw, ddf, aggregation_by_node={"IDX": "topsis"})
    with pytest.raises(ci.SpecError, match="aggregation 'copeland'"):
        ci.score(fw, ddf, aggregation="copeland")
    with pytest.raises(ci.SpecError, match="groups="):
        ci.score(fw, ddf, groups={"r": data["region"]})
    with pytest.raises(ci.SpecError, match="unknown keyword 'normalisation'"):
        ci.score(fw, ddf, normalisation="z_score")


def test_errors_are_the_in_memory_errors(client: Any) -> None:
    fw, data = synthetic(300)
    bad = data.copy()
    bad["x01"] = 3.5  # a constant column under min-max
    with pytest.raises(ci.DataError) as mem:
        ci.score(fw, bad)
    with pytest.raises(ci.DataError) as part:
        ci.score(fw, dd.from_pandas(bad, npartitions=5))
    assert str(part.value) == str(mem.value)
    assert "x01" in str(part.value) and "constant" in str(part.value)
    bad["x01"] = np.nan  # no data at all
    with pytest.raises(ci.DataError) as mem:
        ci.score(fw, bad)
    with pytest.raises(ci.DataError) as part:
        ci.score(fw, dd.from_pandas(bad, npartitions=5))
    assert str(part.value) == str(mem.value)
    bad = data.copy()
    bad.iloc[250, 2] = np.inf  # an infinite value: named with its unit, as in memory
    with pytest.raises(ci.DataError, match="u00250.*infinite"):
        ci.score(fw, dd.from_pandas(bad, npartitions=5))


def test_workdir_is_removed_on_close_unless_given(client: Any, tmp_path: Path) -> None:
    fw, data = synthetic(100)
    res = ci.score(fw, dd.from_pandas(data, npartitions=3))
    wd = res.workdir
    assert os.path.isdir(wd)
    res.close()
    assert not os.path.exists(wd)
    with ci.score(fw, dd.from_pandas(data, npartitions=3), workdir=tmp_path / "run") as res:
        assert res.scores.npartitions == 3
    assert (tmp_path / "run" / "scores" / "part.0.parquet").exists()


def test_ranking_and_tidy_table(client: Any, pii: Any) -> None:
    fw, data = pii
    mem, res = same_as_in_memory(fw, data)
    top = res.ranking(5)
    expected = mem.ranking().head(len(top))
    assert list(top.index) == list(expected.index)
    np.testing.assert_array_equal(top[fw.root].to_numpy(), expected["score"].to_numpy())
    long = pd.concat(list(res.iter_long(units_per_chunk=4)), ignore_index=True)  # chunks within partitions
    ref = mem.to_long()
    key = ["unit", "code"]
    merged = long.merge(ref, on=key, suffixes=("", "_mem"))
    assert len(merged) == len(ref) == len(long)
    np.testing.assert_array_equal(bits(merged["score"].to_numpy()), bits(merged["score_mem"].to_numpy()))
    assert (merged["rank"].fillna(0).astype(int) == merged["rank_mem"].fillna(0).astype(int)).all()


def test_processes_cluster_same_as_in_memory(pii: Any) -> None:
    # Worker processes: the partition tasks, the framework and the spec travel pickled.
    fw, data = pii
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with distributed.Client(cluster):
            same_as_in_memory(fw, data, treatment="gii", normalization="z_score")


def write_parts(data: pd.DataFrame, folder: Path, kind: str, n: int = N_PARTS) -> None:
    folder.mkdir()
    flat = data.reset_index()
    for k, idx in enumerate(np.array_split(np.arange(len(flat)), n)):
        part = flat.iloc[idx]
        if kind == "csv":
            part.to_csv(folder / f"part{k}.csv", index=False)
        else:
            part.to_parquet(folder / f"part{k}.parquet", index=False)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_cli_on_a_folder_of_parts(client: Any, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    fw, data = synthetic(600)
    meta = tmp_path / "meta.csv"
    fw.meta.reset_index().to_csv(meta, index=False)
    whole = tmp_path / "data.csv"
    data.reset_index().to_csv(whole, index=False)
    write_parts(data, tmp_path / "parts", kind)
    opts = ["--treatment", "gii", "--imputation", "group_mean(group=region)"]
    assert main(["score", "--framework", str(meta), "--data", str(whole), "--out", str(tmp_path / "mem.csv"), *opts]) == 0
    assert main(["score", "--framework", str(meta), "--data", str(tmp_path / "parts"), "--out",
                 str(tmp_path / "parts.csv"), *opts]) == 0
    out = capsys.readouterr().out
    assert f"in {N_PARTS} parts" in out
    # The same file, byte for byte: every number written in full.
    assert (tmp_path / "parts.csv").read_bytes() == (tmp_path / "mem.csv").read_bytes()


def test_cli_folder_with_no_parts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fw, _ = synthetic(10)
    meta = tmp_path / "meta.csv"
    fw.meta.reset_index().to_csv(meta, index=False)
    (tmp_path / "empty").mkdir()
    status = main(["score", "--framework", str(meta), "--data", str(tmp_path / "empty"), "--out", str(tmp_path / "o.csv")])
    assert status == 2
    assert "no CSV or Parquet files" in capsys.readouterr().err


def test_a_unit_in_two_partitions_is_an_error(client: Any) -> None:
    fw, data = synthetic(200)
    dup = data.copy()
    dup.index = [*data.index[:150], "u00003", *data.index[151:]]  # row 151 repeats u00003 (row 4)
    dup.index.name = "unit"
    with pytest.raises(ci.DataError, match="unit 'u00003' already appears"):
        ci.score(fw, dup)
    with pytest.raises(ci.DataError, match=r"unit 'u00003' appears in partition 0 \(row 4\) and in partition 3 \(row 1\)"):
        ci.score(fw, dd.from_pandas(dup, npartitions=4, sort=False))


def test_an_empty_partition_is_skipped(client: Any) -> None:
    fw, data = synthetic(300)
    frames = [data.iloc[:100], data.iloc[:0], data.iloc[100:]]
    ddf = dd.from_map(lambda f: f, frames, meta=data.iloc[:0], enforce_metadata=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        mem = ci.score(fw, data, normalization="z_score")
        res = ci.score(fw, ddf, normalization="z_score")
    assert res.scores.npartitions == 3
    np.testing.assert_array_equal(bits(res.scores.compute().to_numpy()), bits(mem.scores.to_numpy()))
    pd.testing.assert_frame_equal(res.ranks.compute(), mem.ranks.astype("Int32"), check_index_type=False)


def test_normalize_with_summary_is_the_in_memory_min_max() -> None:
    # The binding each partition calls: a slice normalized with the whole column's summary equals
    # the slice of the whole column's min-max (by hand: (x - 1) / (9 - 1) * 100 on 1, 5, 9).
    from compindex import _core

    x = np.array([5.0, np.nan, 9.0, 1.0, -0.0, 3.0])
    r = _core.Range(0.0, 100.0)
    whole = _core.normalize_with_summary(_core.normalization.MinMax(), r, x, 1, 5, -0.0, 9.0, "a")
    part = _core.normalize_with_summary(_core.normalization.MinMax(), r, x[2:], 1, 5, -0.0, 9.0, "a")
    np.testing.assert_array_equal(bits(part), bits(whole[2:]))
    np.testing.assert_array_equal(whole[[0, 2, 3]], [500 / 9, 100.0, 100 / 9])
    inverse = _core.normalize_with_summary(_core.normalization.MinMax(), r, x, -1, 5, -0.0, 9.0, "a")
    np.testing.assert_array_equal(inverse[[2, 3]], [0.0, 800 / 9])
    with pytest.raises(ci.SpecError, match="'z_score' of indicator 'a' needs more"):
        _core.normalize_with_summary(_core.normalization.ZScore(), r, x, 1, 5, -0.0, 9.0, "a")
    with pytest.raises(ci.DataError, match="'a' is constant"):
        _core.normalize_with_summary(_core.normalization.MinMax(), r, x, 1, 5, 2.0, 2.0, "a")


@pytest.mark.parametrize("batch", [1, 5, 100])
def test_column_batches_and_denominators_do_not_change_the_scores(client: Any, batch: int) -> None:
    fw, data = synthetic(400)
    data = data.assign(pop=np.random.default_rng(3).uniform(1.0, 50.0, len(data)))
    spec = {"denominators": {"x00": "pop", "x21": ("pop", 1000.0)}, "normalization": "z_score", "treatment": "gii"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        mem = ci.score(fw, data, **spec)
        res = ci.score(fw, dd.from_pandas(data, npartitions=N_PARTS, sort=False), column_batch=batch, **spec)
    np.testing.assert_array_equal(bits(res.scores.compute().to_numpy()), bits(mem.scores.to_numpy()))
    pd.testing.assert_frame_equal(res.ranks.compute(), mem.ranks.astype("Int32"), check_index_type=False)


def test_normalizations_with_parameters(client: Any) -> None:
    fw, data = synthetic(500)
    ref = data.index[data["x00"].notna() & (data["x00"] > data["x00"].min())][0]
    spec = {"normalization_by_indicator": {"x12": "fraction_of_max", "x00": f"distance_to_reference(unit={ref})",
                                           "x01": "distance_to_target(target=40)", "x02": "goalposts(lower=20, upper=80)"}}
    same_as_in_memory(fw, data, **spec)
