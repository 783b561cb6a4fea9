"""Ratio nodes: the GII's Innovation Efficiency Ratio (output sub-index / input sub-index) on the
PII demonstration (SIMULATED data), declared in the metadata table as
``aggregation = ratio(numerator=OUT, denominator=IN)``."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

import compindex as ci
from compindex import datasets
from compindex import uncertainty as ua
from compindex.cli import main
from compindex.errors import DataError, SpecError

RATIO_CELL = "ratio(numerator=OUT, denominator=IN)"


def pii_table() -> pd.DataFrame:
    """The embedded PII metadata table, as read from its CSV."""
    return datasets.load_pii_framework().meta.reset_index()


def with_ratio(cell: str = RATIO_CELL, code: str = "EFF", parent: str = "PII", **extra: str) -> pd.DataFrame:
    t = pii_table()
    t["aggregation"] = ""
    row = {c: "" for c in t.columns}
    row.update(code=code, parent=parent, name="Innovation efficiency ratio", aggregation=cell, **extra)
    return pd.concat([t, pd.DataFrame([row])], ignore_index=True)


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return datasets.load_pii_demo(2023)


@pytest.fixture(scope="module")
def scored(demo: pd.DataFrame) -> tuple[ci.Result, ci.Result]:
    plain = ci.score(datasets.load_pii_framework(), demo)
    res = ci.score(ci.Framework.from_frame(with_ratio()), demo)
    return plain, res


def test_ratio_equals_out_over_in_and_ranks_like_any_node(scored: tuple[ci.Result, ci.Result]) -> None:
    plain, res = scored
    s = res.scores
    expected = s["OUT"].to_numpy() / s["IN"].to_numpy()  # computed here, independently
    assert np.isfinite(expected).all() and len(expected) == 63
    np.testing.assert_allclose(s["EFF"].to_numpy(), expected, rtol=1e-14, atol=0)
    # Higher is better; ties share the best place: scipy's "min" ranking of the negated ratio.
    np.testing.assert_array_equal(res.ranks["EFF"].to_numpy(dtype=float), rankdata(-expected, method="min"))
    # The ratio is not in its parent's aggregate: every other score and rank is unchanged.
    pd.testing.assert_frame_equal(s.drop(columns="EFF"), plain.scores)
    pd.testing.assert_frame_equal(res.ranks.drop(columns="EFF"), plain.ranks)
    # ... and the root is still the mean of IN and OUT alone (the PII rule).
    np.testing.assert_allclose(s["PII"], (s["IN"] + s["OUT"]) / 2, rtol=1e-13)
    # ranking() shows it next to the root's children; to_long() has its rows.
    table = res.ranking()
    assert list(table.columns[-3:]) == ["IN", "OUT", "EFF"]
    np.testing.assert_allclose(table["EFF"].to_numpy(), (table["OUT"] / table["IN"]).to_numpy(), rtol=1e-14)
    long = res.to_long()
    eff = long[long["code"] == "EFF"].set_index("unit")
    np.testing.assert_allclose(eff["score"].reindex(res.units).to_numpy(), expected, rtol=1e-14)
    assert res.data("aggregated").columns[-1] == "EFF"


def test_framework_accessors(scored: tuple[ci.Result, ci.Result]) -> None:
    fw = scored[1].framework
    assert fw.ratios == {"EFF": ("OUT", "IN")}
    assert fw.is_ratio("EFF") and not fw.is_ratio("IN") and not fw.is_indicator("EFF")
    assert fw.children("PII") == ["IN", "OUT"]
    assert fw.children("EFF") == []
    assert fw.parents["EFF"] == "PII"
    assert fw.levels["EFF"] == fw.levels["IN"] == fw.levels["OUT"]
    assert len(fw.indicators) == 52 and "EFF" in fw.aggregates
    assert fw.descendant_indicators("EFF") == fw.indicators  # IN and OUT together cover all 52
    assert fw.effective_weights()["EFF"] == 0.0 and fw.weights["EFF"] == 0.0
    np.testing.assert_allclose(fw.effective_weights()[fw.indicators].sum(), 1.0, rtol=1e-12)
    assert "aggregation" not in fw.method_cells("aggregation") and fw.method_cells("aggregation") == {}
    assert "1 ratio node" in repr(fw)
    # to_frame writes the declaration back; reading it again gives the same framework and scores.
    back = ci.Framework.from_frame(fw.to_frame().drop(columns=["level", "effective_weight"]).reset_index())
    assert back.ratios == fw.ratios and back.codes == fw.codes
    assert fw.to_frame().loc["EFF", "aggregation"] == RATIO_CELL
    # Pickling keeps it.
    again = pickle.loads(pickle.dumps(fw))
    assert again.ratios == fw.ratios and again.is_ratio("EFF")


def test_other_declarations(demo: pd.DataFrame, scored: tuple[ci.Result, ci.Result]) -> None:
    expected = scored[1].scores["EFF"]
    for cell, extra in (("ratio(OUT, IN)", {}), ("RATIO( numerator = 'OUT' , denominator = \"IN\" )", {}),
                        ("ratio(denominator=IN, numerator=OUT)", {"kind": "ratio"})):
        t = with_ratio(cell, **extra)
        res = ci.score(ci.Framework.from_frame(t), demo)
        np.testing.assert_allclose(res.scores["EFF"], expected, rtol=0, atol=0)
    # No parent: not a second root, shown in ranking() too. Its weight cell is not read.
    fw = ci.Framework.from_frame(with_ratio(parent="", weight="-3"))
    assert fw.root == "PII" and fw.parents["EFF"] == ""
    assert "EFF" in ci.score(fw, demo).ranking().columns


@pytest.mark.parametrize("cell, extra, fragments", [
    ("ratio(numerator=OUTPUT, denominator=IN)", {}, ["'EFF'", "numerator 'OUTPUT'", "not a node"]),
    ("ratio(numerator=OUT, denominator=EFF)", {}, ["'EFF'", "denominator is the node itself"]),
    ("ratio(numerator=IN, denominator=IN)", {}, ["'EFF'", "same node 'IN'"]),
    ("ratio(numerator=OUT)", {}, ["'EFF'", "no denominator"]),
    ("ratio(top=OUT, denominator=IN)", {}, ["'EFF'", "unknown argument 'top'"]),
    (RATIO_CELL, {"kind": "aggregate"}, ["'EFF'", "ratio"]),
    ("", {"kind": "ratio"}, ["'EFF'", "ratio(numerator=..., denominator=...)"]),
])
def test_declaration_errors_name_the_node(cell: str, extra: dict[str, str], fragments: list[str]) -> None:
    with pytest.raises(SpecError) as e:
        ci.Framework.from_frame(with_ratio(cell, **extra))
    for f in fragments:
        assert f in str(e.value)


def test_ratio_parent_must_be_an_aggregate() -> None:
    with pytest.raises(SpecError, match=r"ratio node 'EFF': its parent '1\.1\.1' is an indicator"):
        ci.Framework.from_frame(with_ratio(parent="1.1.1"))


def test_zero_denominator_names_the_unit(demo: pd.DataFrame) -> None:
    # A ratio over an indicator: min-max scaling puts the unit with the lowest value at 0.
    fw = ci.Framework.from_frame(with_ratio("ratio(numerator=OUT, denominator=1.1.1)"))
    assert fw.directions["1.1.1"] == 1
    col = demo["1.1.1"]
    lowest = col.idxmin()  # the first unit in data order with the lowest value (4 units share it)
    assert (col == col.min()).sum() > 1 and col.index.get_loc(lowest) == int(np.argmax((col == col.min()).to_numpy()))
    with pytest.raises(DataError) as e:
        ci.score(fw, demo)
    msg = str(e.value)
    assert "ratio node 'EFF'" in msg and f"unit '{lowest}'" in msg and "zero denominator" in msg


def test_negative_scores_and_per_node_methods_are_errors(demo: pd.DataFrame) -> None:
    fw = ci.Framework.from_frame(with_ratio())
    with pytest.raises(DataError, match=r"ratio node 'EFF': unit '.*' has a negative"):
        ci.score(fw, demo, normalization="z_score")
    with pytest.raises(SpecError, match=r"'EFF' is a ratio node"):
        ci.score(fw, demo, aggregation_by_node={"EFF": "geometric_mean"})
    with pytest.raises(SpecError, match=r"'EFF' is a ratio node"):
        ci.score(fw, demo, coverage_by_node={"EFF": 0.5})
    # A per-indicator method cell on the ratio node is refused as on any non-indicator.
    t = with_ratio()
    t["normalization"] = ""
    t.loc[t["code"] == "EFF", "normalization"] = "z_score"
    with pytest.raises(SpecError, match="EFF"):
        ci.Framework.from_frame(t)


def test_uncertainty_analysis_thread_invariant_and_root_unchanged(demo: pd.DataFrame) -> None:
    fw = ci.Framework.from_frame(with_ratio())
    plain = datasets.load_pii_framework()
    # z-scores would make the ratio undefined: the analysis ranks the root and must not fail on it.
    factors = [ua.Weights(spread=0.3), ua.Normalization(["min_max", "z_score"])]
    one = ua.uncertainty_analysis(fw, demo, factors, n=64, seed=11, threads=1)
    two = ua.uncertainty_analysis(fw, demo, factors, n=64, seed=11, threads=2)
    ref = ua.uncertainty_analysis(plain, demo, factors, n=64, seed=11, threads=2)
    pd.testing.assert_frame_equal(one.ranks, two.ranks)
    pd.testing.assert_frame_equal(one.ranks, ref.ranks)
    pd.testing.assert_frame_equal(one.summary, ref.summary)
    assert len(one.failures) == 0
    with pytest.raises(SpecError, match="'EFF' is a ratio node"):
        ua.uncertainty_analysis(fw, demo, [ua.Weights(nodes=["EFF"])], n=8, seed=1)
    # Sensitivity analysis and leave-one-out: the same numbers with or without the ratio node.
    sa = ua.sensitivity_analysis(fw, demo, factors, n=16, seed=5, threads=2, n_bootstrap=50)
    sa_ref = ua.sensitivity_analysis(plain, demo, factors, n=16, seed=5, threads=1, n_bootstrap=50)
    np.testing.assert_array_equal(sa.y, sa_ref.y)
    pd.testing.assert_frame_equal(sa.indices, sa_ref.indices)
    loo = ua.leave_one_out(fw, demo, ["IN", "1.1.1"])
    loo_ref = ua.leave_one_out(plain, demo, ["IN", "1.1.1"])
    pd.testing.assert_frame_equal(loo.ranks, loo_ref.ranks)
    with pytest.raises(SpecError, match="'EFF' is a ratio node"):
        ua.leave_one_out(fw, demo, ["EFF"])


def test_cli_score_writes_the_ratio(tmp_path: Path, demo: pd.DataFrame, scored: tuple[ci.Result, ci.Result],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    meta = tmp_path / "meta.csv"
    data = tmp_path / "data.csv"
    out = tmp_path / "out.csv"
    with_ratio().to_csv(meta, index=False)
    demo.reset_index().to_csv(data, index=False)
    assert main(["score", "--framework", str(meta), "--data", str(data), "--out", str(out)]) == 0
    got = pd.read_csv(out, dtype={"unit": str, "code": str})
    eff = got[got["code"] == "EFF"].set_index("unit")
    res = scored[1]
    np.testing.assert_allclose(eff["score"].reindex(res.units).to_numpy(),
                               (res.scores["OUT"] / res.scores["IN"]).to_numpy(), rtol=1e-9)
    np.testing.assert_array_equal(eff["rank"].reindex(res.units).to_numpy(dtype=float),
                                  res.ranks["EFF"].to_numpy(dtype=float))
    assert "EFF" in capsys.readouterr().out
