"""The rough edges a new user found (issue #17): exact CSV numbers, fraction_of_max at zero,
"did you mean" suggestions, clearer metadata messages, levels and depths, pairwise Cronbach's
alpha, and text that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex import analysis as an
from compindex import uncertainty as un
from compindex._safe_text import neutralize_formula, safe_frame
from compindex.cli import main


# ---------------------------------------------------------------- helpers
def small_meta() -> pd.DataFrame:
    return pd.DataFrame({"code": ["Index", "P1", "P2", "a", "b", "c"],
                         "parent": ["", "Index", "Index", "P1", "P1", "P2"],
                         "weight": [1, 1, 2, 1, 3, 1], "direction": [1, 1, 1, 1, -1, 1]})


def small_data(units: list[str] | None = None) -> pd.DataFrame:
    units = units or ["u1", "u2", "u3", "u4"]
    # Values chosen so that scores have long decimal expansions (thirds, sevenths).
    return pd.DataFrame({"unit": units, "a": [1.0, 2.0, 4.0, 8.0], "b": [3.0, 7.0, 5.0, 11.0],
                         "c": [0.1, 0.7, 0.3, 0.9]})


def write(tmp_path: Path, meta: pd.DataFrame, data: pd.DataFrame) -> tuple[Path, Path]:
    m, d = tmp_path / "meta.csv", tmp_path / "data.csv"
    meta.to_csv(m, index=False)
    data.to_csv(d, index=False)
    return m, d


def cli(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


# ---------------------------------------------------------------- 1. exact numbers
def test_score_csv_round_trips_exactly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    m, d = write(tmp_path, small_meta(), small_data())
    out = tmp_path / "out.csv"
    status, _, err = cli(capsys, "score", "--framework", m, "--data", d, "--out", out)
    assert status == 0, err
    res = ci.score(ci.Framework.from_csv(m), pd.read_csv(d, dtype=str, keep_default_na=False))
    # Read every score back with Python's float() (correctly rounded): each equals the result's.
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4 * 6
    long_digits = 0
    for r in rows:
        got, want = float(r["score"]), float(res.scores.at[r["unit"], r["code"]])
        assert got == want, (r, want)
        long_digits += len(r["score"].replace("-", "").replace(".", "").lstrip("0")) > 10
    assert long_digits > 0  # some score needs more than the old 10 digits (else this test proves nothing)
    # And through pandas, as a table.
    back = pd.read_csv(out, dtype={"unit": str, "code": str})
    table = back.pivot(index="unit", columns="code", values="score")[res.scores.columns]
    assert (table.to_numpy() == res.scores.loc[table.index].to_numpy()).all()


def test_score_precision_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    m, d = write(tmp_path, small_meta(), small_data())
    out = tmp_path / "out.csv"
    status, _, err = cli(capsys, "score", "--framework", m, "--data", d, "--out", out, "--precision", 4)
    assert status == 0, err
    res = ci.score(ci.Framework.from_csv(m), pd.read_csv(d, dtype=str, keep_default_na=False))
    with open(out, newline="") as f:
        for r in csv.DictReader(f):
            want = float(res.scores.at[r["unit"], r["code"]])
            assert r["score"] == f"{want:.4g}"


@pytest.mark.parametrize("bad", ["0", "18", "x"])
def test_score_precision_option_rejects_bad_values(capsys: pytest.CaptureFixture[str], tmp_path: Path, bad: str) -> None:
    m, d = write(tmp_path, small_meta(), small_data())
    with pytest.raises(SystemExit) as e:
        main(["score", "--framework", str(m), "--data", str(d), "--out", str(tmp_path / "o.csv"), "--precision", bad])
    assert e.value.code == 2
    assert "--precision" in capsys.readouterr().err


# ---------------------------------------------------------------- 2. fraction_of_max at zero
def fm_framework(direction_b: int = 1) -> ci.Framework:
    return ci.Framework.from_frame(pd.DataFrame({"code": ["Index", "a", "b"], "parent": ["", "Index", "Index"],
                                                 "direction": [1, 1, direction_b]}))


def test_fraction_of_max_allows_zero_for_positive_direction() -> None:
    data = pd.DataFrame({"a": [0.0, 2.0, 8.0], "b": [1.0, 2.0, 4.0]}, index=pd.Index(["A", "B", "C"], name="unit"))
    res = ci.score(fm_framework(), data, normalization="fraction_of_max")
    # a: x / 8 * 100 = 0, 25, 100 ; b: x / 4 * 100 = 25, 50, 100
    assert res.data("normalized")["a"].tolist() == [0.0, 25.0, 100.0]
    assert res.data("normalized")["b"].tolist() == [25.0, 50.0, 100.0]
    # Index: the mean, (0 + 25)/2, (25 + 50)/2, 100
    assert res.index.tolist() == [12.5, 37.5, 100.0]


def test_fraction_of_max_inverse_zero_names_the_unit() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 8.0], "b": [1.0, 0.0, 4.0]}, index=pd.Index(["A", "B", "C"], name="unit"))
    with pytest.raises(ci.DataError, match=r"indicator 'b'.*min / x.*unit 'B' has 0"):
        ci.score(fm_framework(-1), data, normalization="fraction_of_max")
    # b inverse without the zero: min / x = 1/1, 1/2, 1/4 -> 100, 50, 25
    data.loc["B", "b"] = 2.0
    res = ci.score(fm_framework(-1), data, normalization="fraction_of_max")
    assert res.data("normalized")["b"].tolist() == [100.0, 50.0, 25.0]


def test_fraction_of_max_rejects_negative_values_and_all_zeros() -> None:
    data = pd.DataFrame({"a": [1.0, -2.0, 8.0], "b": [1.0, 2.0, 4.0]}, index=pd.Index(["A", "B", "C"], name="unit"))
    with pytest.raises(ci.DataError, match=r"indicator 'a'.*unit 'B' has -2"):
        ci.score(fm_framework(), data, normalization="fraction_of_max")
    data["a"] = 0.0
    with pytest.raises(ci.DataError, match=r"indicator 'a'.*every value is 0"):
        ci.score(fm_framework(), data, normalization="fraction_of_max")


# ---------------------------------------------------------------- 3. did you mean
def scored_inputs() -> tuple[ci.Framework, pd.DataFrame]:
    return ci.Framework.from_frame(small_meta()), small_data()


def test_unknown_method_suggests() -> None:
    fw, data = scored_inputs()
    with pytest.raises(ci.SpecError, match=r"unknown method 'minmax': did you mean 'min_max'\?"):
        ci.score(fw, data, normalization="minmax")
    with pytest.raises(ci.SpecError, match=r"unknown method 'geometric_maen': did you mean 'geometric_mean'\?"):
        ci.score(fw, data, aggregation="geometric_maen")
    # Nothing close: no suggestion, the list of methods.
    with pytest.raises(ci.SpecError) as e:
        ci.score(fw, data, normalization="qqqqq")
    assert "did you mean" not in str(e.value) and "min_max" in str(e.value)


def test_bad_method_parameter_suggests() -> None:
    fw, data = scored_inputs()
    with pytest.raises(ci.SpecError, match=r"'sdd': did you mean 'sd'\?"):
        ci.score(fw, data, normalization="z_score(mean=100, sdd=10)")


def test_unknown_keyword_is_a_spec_error_with_a_suggestion() -> None:
    fw, data = scored_inputs()
    with pytest.raises(ci.SpecError, match=r"unknown keyword 'normalisation': did you mean 'normalization'\?") as e:
        ci.score(fw, data, normalisation="z_score")
    assert not isinstance(e.value, TypeError)
    assert "make_spec" not in str(e.value)
    with pytest.raises(ci.SpecError, match=r"unknown keyword 'aggregation_by_nodes': did you mean 'aggregation_by_node'"):
        ci.score(fw, data, aggregation_by_nodes={"P1": "geometric_mean"})


def test_unknown_node_codes_suggest() -> None:
    fw, data = scored_inputs()
    with pytest.raises(ci.SpecError, match=r"aggregation_by_node: unknown node 'p1': did you mean 'P1'\?"):
        ci.score(fw, data, aggregation_by_node={"p1": "geometric_mean"})
    with pytest.raises(ci.SpecError, match=r"normalization_by_indicator: unknown indicator 'aa': did you mean 'a'\?"):
        ci.score(fw, data, normalization_by_indicator={"aa": "z_score"})
    with pytest.raises(ci.SpecError, match=r"weights: unknown node code 'P3': did you mean 'P1' or 'P2'\?"):
        ci.score(fw, data, weights={"P3": 2})
    with pytest.raises(ci.SpecError, match=r"weights: unknown node 'P22'"):
        fw.effective_weights({"P22": 2})
    with pytest.raises(ci.SpecError, match=r"unknown weight set 'expret': did you mean 'expert'\?"):
        fw2 = ci.Framework.from_frame(small_meta().assign(weight_expert=[1, 1, 1, 1, 1, 1]))
        ci.score(fw2, data, weights="expret")


def test_unknown_stage_and_node_names_suggest() -> None:
    fw, data = scored_inputs()
    res = ci.score(fw, data)
    with pytest.raises(ci.SpecError, match=r"unknown stage 'normalised': did you mean 'normalized'\?"):
        res.data("normalised")
    with pytest.raises(ci.SpecError, match=r"got 'treatd': did you mean 'treated'\?"):
        res.stage_changed("treatd")
    with pytest.raises(ci.SpecError, match=r"unknown node 'Indx': did you mean 'Index'\?"):
        fw.level_of("Indx")


def test_analysis_names_suggest() -> None:
    fw, data = scored_inputs()
    res = ci.score(fw, data.assign(region=["North", "North", "South", "South"]))
    with pytest.raises(ci.SpecError, match=r"unknown unit group 'regoin': did you mean 'region'\?"):
        res.group_ranks("regoin")
    with pytest.raises(ci.SpecError, match=r"unknown unit group 'regoin': did you mean 'region'\?"):
        an._common._group_labels(res, "regoin")
    with pytest.raises(ci.SpecError, match=r"unknown node 'P4': did you mean 'P1' or 'P2'\?"):
        an._common._check_node(fw, "P4")
    with pytest.raises(ci.SpecError, match=r"unit 'u5' is not among the 4 scored units: did you mean 'u1', 'u2' or 'u3'\?"):
        an._common._check_unit(res, "u5")


def test_missing_indicator_column_suggests() -> None:
    fw, data = scored_inputs()
    with pytest.raises(ci.DataError, match=r"no column for indicator\(s\) 'c': did you mean 'C'\?"):
        ci.score(fw, data.rename(columns={"c": "C"}))


# ---------------------------------------------------------------- 4. metadata messages
def test_unknown_parent_names_the_row(tmp_path: Path) -> None:
    meta = small_meta()
    meta.loc[5, "parent"] = "P3"  # row 7 of the CSV (the header is row 1)
    m, _ = write(tmp_path, meta, small_data())
    with pytest.raises(ci.SpecError, match=r"meta\.csv, row 7, column 'parent': node 'c': unknown parent 'P3'"):
        ci.Framework.from_csv(m)
    with pytest.raises(ci.SpecError, match=r"metadata, row 6, column 'parent'.*did you mean 'P1' or 'P2'\?"):
        ci.Framework.from_frame(meta)


def test_not_a_number_says_how_to_write_a_missing_value(tmp_path: Path) -> None:
    fw, data = scored_inputs()
    data["a"] = data["a"].astype(object)
    data.loc[1, "a"] = "missing"
    with pytest.raises(ci.DataError, match=r"'missing' is not a number \(write a missing value as an empty cell"):
        ci.score(fw, data)
    meta = small_meta().assign(lower=["", "", "", "low", "", ""])
    with pytest.raises(ci.DataError, match=r"column 'lower': 'low' is not a number \(for no value, leave the cell empty\)"):
        ci.Framework.from_frame(meta)


# ---------------------------------------------------------------- 6. levels and depths
def mixed_meta() -> pd.DataFrame:
    # Index <- P1 <- S1 <- (i1, i2); P1 <- i3; Index <- i4 (an indicator right under the root).
    return pd.DataFrame({"code": ["Index", "P1", "S1", "i1", "i2", "i3", "i4"],
                         "parent": ["", "Index", "P1", "S1", "S1", "P1", "Index"]})


def test_levels_and_depths_on_a_mixed_depth_tree() -> None:
    fw = ci.Framework.from_frame(mixed_meta())
    # From the leaves: indicators 1; S1 = 1 + 1; P1 = 1 + max(S1 = 2, i3 = 1) = 3; Index = 1 + 3.
    assert fw.levels.to_dict() == {"Index": 4, "P1": 3, "S1": 2, "i1": 1, "i2": 1, "i3": 1, "i4": 1}
    # From the root: Index 0, P1 and i4 1, S1 and i3 2, i1 and i2 3.
    assert fw.depths.to_dict() == {"Index": 0, "P1": 1, "S1": 2, "i1": 3, "i2": 3, "i3": 2, "i4": 1}
    assert fw.nodes_at(1) == ["i1", "i2", "i3", "i4"]
    assert fw.nodes_at(depth=1) == ["P1", "i4"]
    assert fw.level_of("i4") == 1 and fw.depth_of("i4") == 1
    with pytest.raises(ci.SpecError):
        fw.nodes_at(1, depth=1)


def test_depth_of_ratio_nodes() -> None:
    meta = mixed_meta()
    extra = pd.DataFrame({"code": ["R", "R2"], "parent": ["", "P1"],
                          "aggregation": ["ratio(numerator=S1, denominator=i4)", "ratio(numerator=i1, denominator=i2)"]})
    fw = ci.Framework.from_frame(pd.concat([meta.assign(aggregation=""), extra], ignore_index=True))
    # R under no node: the shallower of S1 (2) and i4 (1); R2 shown under P1: 1 + 1.
    assert fw.depths["R"] == 1 and fw.depths["R2"] == 2
    # Levels keep their rule: the higher level of the operands (S1 = 2, i4 = 1; i1 = i2 = 1).
    assert fw.levels["R"] == 2 and fw.levels["R2"] == 1


def test_ranking_by_level_and_by_depth() -> None:
    fw = ci.Framework.from_frame(mixed_meta())
    data = pd.DataFrame({"i1": [1.0, 2.0, 3.0], "i2": [3.0, 1.0, 2.0], "i3": [2.0, 3.0, 1.0], "i4": [1.0, 3.0, 2.0]},
                        index=pd.Index(["A", "B", "C"], name="unit"))
    res = ci.score(fw, data)
    by_level = res.ranking(level=3)
    by_depth = res.ranking(depth=1)
    assert [c for c in by_level.columns if c in fw.codes] == ["P1"]
    assert [c for c in by_depth.columns if c in fw.codes] == ["P1", "i4"]
    with pytest.raises(ci.SpecError):
        res.ranking(level=1, depth=1)


def test_uncertainty_factors_take_a_depth(monkeypatch: pytest.MonkeyPatch) -> None:
    # Record the nodes each factor hands to the core.
    seen: list[list[str]] = []

    def recorder(**kw: Any) -> None:
        seen.append(list(kw["nodes"]))

    monkeypatch.setattr(un._U, "WeightsFactor", recorder)
    monkeypatch.setattr(un._U, "AggregationFactor", recorder)
    fw = ci.Framework.from_frame(mixed_meta())
    un.Weights(depth=2)._core(fw)
    un.Weights(level=1)._core(fw)
    un.Aggregation(["geometric_mean"], depth=1)._core(fw)
    assert seen == [["S1", "i3"], ["i1", "i2", "i3", "i4"], ["P1"]]
    with pytest.raises(ci.SpecError):
        un.Weights(level=1, depth=1)._core(fw)
    with pytest.raises(ci.SpecError, match="no node at depth 7"):
        un.Weights(depth=7)._core(fw)


# ---------------------------------------------------------------- 7. Cronbach's alpha
def alpha_by_hand(cov: np.ndarray) -> float:
    q = cov.shape[0]
    return q / (q - 1) * (1 - np.trace(cov) / cov.sum())


def test_cronbach_alpha_complete_and_pairwise() -> None:
    fw = ci.Framework.from_frame(pd.DataFrame({"code": ["Index", "x", "y", "z"], "parent": ["", "Index", "Index", "Index"]}))
    raw = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "y": [2.0, 1.0, 4.0, np.nan, 6.0, 5.0],
                        "z": [1.0, 3.0, np.nan, 2.0, 5.0, 6.0]}, index=pd.Index(list("ABCDEF"), name="unit"))
    res = ci.score(fw, raw, normalization="none")
    x = raw.to_numpy()
    complete = x[~np.isnan(x).any(axis=1)]  # A, B, E, F
    want_complete = alpha_by_hand(np.cov(complete, rowvar=False, ddof=1))
    # Pairwise: each entry on the rows where both columns have a value.
    pw = np.empty((3, 3))
    for i in range(3):
        for j in range(3):
            ok = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            pw[i, j] = np.cov(x[ok, i], x[ok, j], ddof=1)[0, 1]
    want_pairwise = alpha_by_hand(pw)
    assert not math.isclose(want_complete, want_pairwise)  # the options differ on this data
    a = an.cronbach_alpha(res)
    assert a.at["Index", "alpha"] == pytest.approx(want_complete, rel=1e-12)
    assert a.at["Index", "missing"] == "complete"
    assert a.at["Index", "n_complete"] == 4 and a.at["Index", "n_pairs_min"] == 4  # (y, z) share A, B, E, F
    p = an.cronbach_alpha(res, missing="pairwise")
    assert p.at["Index", "alpha"] == pytest.approx(want_pairwise, rel=1e-12)
    assert p.at["Index", "missing"] == "pairwise"
    with pytest.raises(ci.SpecError, match="did you mean 'pairwise'"):
        an.cronbach_alpha(res, missing="pairwse")


def test_cronbach_alpha_options_agree_without_missing_values() -> None:
    fw = ci.Framework.from_frame(pd.DataFrame({"code": ["Index", "x", "y"], "parent": ["", "Index", "Index"]}))
    raw = pd.DataFrame({"x": [1.0, 2.0, 4.0, 3.0], "y": [2.0, 1.0, 5.0, 4.0]}, index=pd.Index(list("ABCD"), name="unit"))
    res = ci.score(fw, raw, normalization="none")
    # var x = var y = 5/3, cov = 4/3 (sums of products 5, 5, 4 over 3): alpha = 2 (1 - 10/3 / 6) = 8/9
    for missing in ("complete", "pairwise"):
        assert an.cronbach_alpha(res, missing=missing).at["Index", "alpha"] == pytest.approx(8 / 9, rel=1e-12)


# ---------------------------------------------------------------- 8. formulas in CSV text
HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("text, safe", [(HYPERLINK, "'" + HYPERLINK), ("+1", "'+1"), ("@SUM(A1)", "'@SUM(A1)"),
                                        ("-A1+B1", "'-A1+B1"), ("\tx", "'\tx"), ("-1.5", "-1.5"), ("-5", "-5"),
                                        ("a=b", "a=b"), ("", ""), (-1.5, -1.5), (None, None)])
def test_neutralize_formula(text: Any, safe: Any) -> None:
    assert neutralize_formula(text) == safe


def test_safe_frame_leaves_numbers_alone() -> None:
    df = pd.DataFrame({"unit": [HYPERLINK, "+1", "ok"], "score": [-1.5, 2.0, 3.0]})
    out = safe_frame(df)
    assert out["unit"].tolist() == ["'" + HYPERLINK, "'+1", "ok"]
    assert out["score"].tolist() == [-1.5, 2.0, 3.0] and out["score"].dtype == float
    assert df["unit"].iloc[0] == HYPERLINK  # the input is not changed


def test_score_csv_writes_formulas_as_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    m, d = write(tmp_path, small_meta(), small_data([HYPERLINK, "+1", "u3", "u4"]))
    out = tmp_path / "out.csv"
    status, _, err = cli(capsys, "score", "--framework", m, "--data", d, "--out", out, "--normalization", "z_score")
    assert status == 0, err
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    units = {r["unit"] for r in rows}
    assert units == {"'" + HYPERLINK, "'+1", "u3", "u4"}
    # z-scores are negative for some units: written as numbers, never quoted.
    negative = [r["score"] for r in rows if r["score"].startswith("-")]
    assert negative and all(float(s) < 0 for s in negative)
    assert not any(r["score"].startswith("'") for r in rows)


def test_weights_csv_writes_formulas_as_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    meta = small_meta().assign(name=["Index", "@cmd", "P2", "a", "b", "c"], lower=["", "", "", "-5", "", ""])
    m, d = write(tmp_path, meta, small_data())
    out = tmp_path / "meta_out.csv"
    status, _, err = cli(capsys, "weights", "--method", "equal", "--framework", m, "--out", out)
    assert status == 0, err
    back = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("code")
    assert back.at["P1", "name"] == "'@cmd"
    assert back.at["a", "lower"] == "-5"  # a number written as text stays a number
    assert ci.Framework.from_csv(out).meta.at["a", "lower"] == "-5"
