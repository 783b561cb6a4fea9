"""Extreme values through the Python API and the command line (issue #16).

Values and weights near the limits of double precision give finite, correct results or a clear
compindex error; a method parameter that is not a number is a SpecError naming the method and the
parameter (and, from a metadata cell, the file, row and column), and the command line prints it
on one line without a traceback. Expected values are computed by hand in the comments.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.cli import main


def framework(weights: tuple[float, float] = (1.0, 1.0), **columns: dict[str, str]) -> ci.Framework:
    rows = [{"code": "Index", "parent": "", "weight": 1.0}, {"code": "a", "parent": "Index", "weight": weights[0]},
            {"code": "b", "parent": "Index", "weight": weights[1]}]
    for name, cells in columns.items():
        for r in rows:
            r[name] = cells.get(r["code"], "")
    return ci.Framework.from_frame(pd.DataFrame(rows))


def table(a: list[float], b: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"a": a, "b": b}, index=pd.Index([f"u{i}" for i in range(len(a))], name="unit"))


def score(fw: ci.Framework, data: pd.DataFrame, **spec: Any) -> ci.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        return ci.score(fw, data, **spec)


# ---------------------------------------------------------------- values and weights


@pytest.mark.parametrize("w", [1e300, 1.7e308, 1e-300, 5e-324])
def test_equal_weights_of_any_size_give_the_plain_mean(w: float) -> None:
    data = table([10, 20, 30], [30, 20, 10])
    res = score(framework((w, w)), data, normalization="none")
    # (10 + 30)/2 = 20 for every unit.
    np.testing.assert_allclose(res.index.to_numpy(), [20, 20, 20], rtol=1e-15)


def test_min_max_of_a_span_that_overflows() -> None:
    # a = -1e308, 0, 1e308: max - min = 2e308 overflows; min_max is 0, 50, 100 (range 0..100).
    res = score(framework(), table([-1e308, 0, 1e308], [1, 2, 3]))
    np.testing.assert_allclose(res.scores["a"].to_numpy(), [0, 50, 100], rtol=1e-15)
    assert np.isfinite(res.scores.to_numpy()).all()


def test_z_scores_of_huge_values() -> None:
    # [1e200, 2e200, 3e200]: mean 2e200, sd 1e200 (its squares overflow): -1, 0, 1.
    res = score(framework(), table([1e200, 2e200, 3e200], [1.77e308, 1.46e308, 1.6e308]), normalization="z_score")
    np.testing.assert_allclose(res.scores["a"].to_numpy(), [-1, 0, 1], atol=1e-15)
    # [1.77, 1.46, 1.6] x 1e308 (the sum overflows): the z-scores of [1.77, 1.46, 1.6] (scale-free).
    b = np.array([1.77, 1.46, 1.6])
    np.testing.assert_allclose(res.scores["b"].to_numpy(), (b - b.mean()) / b.std(ddof=1), rtol=1e-12)


def test_mean_imputation_of_huge_values() -> None:
    # [1e308, 1.5e308, missing]: imputed with 1.25e308 (the sum 2.5e308 overflows).
    res = score(framework(), table([1e308, 1.5e308, np.nan], [1, 2, 3]), imputation="mean")
    assert res.data("imputed").loc["u2", "a"] == pytest.approx(1.25e308, rel=1e-15)


def test_generalized_mean_at_large_and_tiny_powers() -> None:
    data = table([100, 50, 20], [50, 100, 20])
    # p = 200 on 100 and 50 (none normalization): 100 (1/2)^(1/200); 20 and 20: 20.
    res = score(framework(), data, normalization="none", aggregation="generalized_mean(p=200)")
    np.testing.assert_allclose(res.index.to_numpy(), [100 * 0.5 ** (1 / 200)] * 2 + [20], rtol=1e-13)
    # p = 1e-9: the geometric mean sqrt(5000) (to about 6e-11), and 20.
    res = score(framework(), data, normalization="none", aggregation="generalized_mean(p=1e-9)")
    np.testing.assert_allclose(res.index.to_numpy(), [math.sqrt(5000)] * 2 + [20], rtol=1e-9)


def test_a_box_cox_that_overflows_is_a_computation_error() -> None:
    fw = framework(transform={"a": "box_cox(lmbda=2)"})
    with pytest.raises(ci.ComputationError, match=r"indicator 'a': transform 'box_cox' of the value 1e\+200 of unit 'u1'"):
        score(fw, table([1, 1e200, 3], [1, 2, 3]))


def test_goalposts_the_transform_maps_to_one_value() -> None:
    fw = framework(transform={"a": "box_cox(lmbda=-40)"})
    with pytest.raises(ci.SpecError, match=r"indicator 'a': the goalposts 10 and 60 are both 0\.025"):
        score(fw, table([20, 30, 40], [1, 2, 3]), normalization="goalposts(lower=10, upper=60)")


def test_a_z_score_sd_below_the_precision_of_its_mean() -> None:
    # mean 1e300 + sd 1e-300 z rounds to 1e300 for every unit: an error, not a silent tie.
    with pytest.raises(ci.SpecError, match=r"indicator 'a': z_score\(mean=1e\+300, sd=1e-300\) has an sd too small"):
        score(framework(), table([1, 2, 3], [3, 1, 2]), normalization="z_score(mean=1e300, sd=1e-300)")
    # sd = |mean| x 1e-6 is fine: 1e6 + z with z = -1, 0, 1 for a = 1, 2, 3.
    res = score(framework(), table([1, 2, 3], [3, 1, 2]), normalization="z_score(mean=1e6, sd=1)")
    np.testing.assert_allclose(res.scores["a"].to_numpy(), [1e6 - 1, 1e6, 1e6 + 1], rtol=1e-15)


def test_a_range_whose_span_overflows_is_a_spec_error() -> None:
    with pytest.raises(ci.SpecError, match=r"range: the range \(-1\.7e\+308, 1\.7e\+308\) has a span beyond the largest double"):
        score(framework(), table([1, 2, 3], [3, 1, 2]), range=(-1.7e308, 1.7e308))


# ---------------------------------------------------------------- parameters that are not numbers

PARAMETER_ERRORS = [
    ("transform", "box_cox(lmbda=abc)", "transform: box_cox's lmbda must be a number, got 'abc'"),
    ("treatment", "gii(skew_threshold=abc)", "treatment: gii's skew_threshold must be a number, got 'abc'"),
    ("treatment", "gii(kurtosis_threshold=x1)", "treatment: gii's kurtosis_threshold must be a number, got 'x1'"),
    ("treatment", "gii(max_winsorized=2.5)", "treatment: gii's max_winsorized must be a whole number, got 2.5"),
    ("normalization", "z_score(mean=abc)", "normalization: bad parameters for 'z_score' (mean='abc')"),
]


@pytest.mark.parametrize("keyword,spec,message", PARAMETER_ERRORS)
def test_a_parameter_that_is_not_a_number_is_a_spec_error(keyword: str, spec: str, message: str) -> None:
    with pytest.raises(ci.SpecError) as e:
        score(framework(), table([1, 2, 3], [3, 1, 2]), **{keyword: spec})
    assert message in str(e.value)


def run_cli(tmp_path: Path, meta: str, *options: str) -> tuple[int, str]:
    (tmp_path / "meta.csv").write_text(meta)
    (tmp_path / "data.csv").write_text("unit,a,b\nu1,1,3\nu2,2,1\nu3,3,2\n")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["score", "--framework", str(tmp_path / "meta.csv"), "--data", str(tmp_path / "data.csv"),
                       "--out", str(tmp_path / "out.csv"), *options])
    return status, err.getvalue()


META = "code,parent,weight\nIndex,,1\na,Index,1\nb,Index,1\n"


@pytest.mark.parametrize("keyword,spec,message", [p for p in PARAMETER_ERRORS if p[0] != "transform"])
def test_the_command_line_prints_one_line(tmp_path: Path, keyword: str, spec: str, message: str) -> None:
    status, err = run_cli(tmp_path, META, f"--{keyword}", spec)
    assert status == 2
    assert err.startswith(f"compindex: error: {message}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_metadata_cell_names_the_file_row_and_column(tmp_path: Path) -> None:
    meta = "code,parent,weight,transform\nIndex,,1,\na,Index,1,box_cox(lmbda=abc)\nb,Index,1,\n"
    status, err = run_cli(tmp_path, meta)
    assert status == 2
    assert err.startswith("compindex: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "meta.csv, row 3, column 'transform': box_cox's lmbda must be a number, got 'abc'" in err
    with pytest.raises(ci.SpecError, match=r"row 3, column 'transform': box_cox's lmbda must be a number, got 'abc'"):
        score(ci.Framework.from_csv(tmp_path / "meta.csv"), table([1, 2, 3], [3, 1, 2]))


def test_the_command_line_rejects_a_range_whose_span_overflows(tmp_path: Path) -> None:
    # argparse reads "-1.7e308" as an option; a plain decimal is read as a number.
    big = "17" + "0" * 307
    status, err = run_cli(tmp_path, META, "--range", "-" + big, big)
    assert status == 2
    assert "has a span beyond the largest double" in err and err.count("\n") == 1


def test_uncertainty_with_huge_weights_matches_unit_weights() -> None:
    data = table([10, 20, 35, 40, 7], [30, 25, 10, 12, 50])
    factors = [ci.uncertainty.Weights(spread=0.3)]
    # Weights (w, 2w) renormalize to (1/3, 2/3) whatever w: the replications equal those of (1, 2).
    ref = ci.uncertainty.uncertainty_analysis(framework((1.0, 2.0)), data, factors, n=32, seed=1, threads=1)
    for w in (1e300, 1e-300):
        got = ci.uncertainty.uncertainty_analysis(framework((w, 2 * w)), data, factors, n=32, seed=1, threads=1)
        assert np.isfinite(got.scores.to_numpy()).all()
        np.testing.assert_allclose(got.scores.to_numpy(), ref.scores.to_numpy(), rtol=1e-12)
        np.testing.assert_array_equal(got.ranks.to_numpy(), ref.ranks.to_numpy())


def _subnormal_weight_index() -> tuple[ci.Framework, pd.DataFrame]:
    # Found by the random specifications: a pillar whose weight (5e-324, the smallest subnormal)
    # is 1e324 times smaller than its siblings', over min-max scores onto (1e-300, 2e-300).
    fw = ci.Framework.from_nodes([
        {"code": "Index"}, {"code": "i1", "parent": "Index", "weight": 2.0},
        {"code": "N2", "parent": "Index", "weight": 5e-324}, {"code": "i3", "parent": "N2"},
        {"code": "N4", "parent": "Index", "weight": 0.5}, {"code": "i5", "parent": "N4"}])
    data = pd.DataFrame({"i1": [1.0, np.nan, 0.0], "i3": [np.nan, 0.0, 1.0], "i5": [np.nan, 1.0, 0.0]},
                        index=["u0", "u1", "u2"])
    return fw, data


def test_a_power_mean_far_below_its_largest_child_stays_between_its_children() -> None:
    fw, data = _subnormal_weight_index()
    res = ci.score(fw, data, normalization="min_max", range=(1e-300, 2e-300), coverage=0.0,
                   aggregation_by_node={"Index": "generalized_mean(p=50)"})
    # u2: i1 = 1e-300 (share 0.8), N2 = 2e-300 (share ~1e-324), N4 = 1e-300 (share 0.2): the mean
    # is 1e-300 to the last digits (the 2e-300 child's share adds (1e-324 * 2^50)^(1/50) ~ 1e-6 %).
    assert res.scores.loc["u2", "Index"] == pytest.approx(1e-300, rel=1e-12)
    assert res.scores.loc["u2", "Index"] >= 1e-300 * (1 - 1e-15)


def test_a_unit_whose_only_child_has_a_subnormal_share_scores_as_that_child() -> None:
    fw, data = _subnormal_weight_index()
    data["i3"] = [np.nan, 1.0, 0.0]
    data["i5"] = [1.0, np.nan, 0.0]  # u1 keeps only N2 (i3 = 1, its best), whose share underflows to 0
    res = ci.score(fw, data, normalization="min_max", range=(0, 100), coverage=0.0)
    assert res.scores.loc["u1", "N2"] == 100.0
    assert res.scores.loc["u1", "Index"] == 100.0  # not NaN: the one child present scores the unit
    # u0: i1 = 100 (weight 2), N4 = 100 (0.5); u2: every child 0
    assert res.scores.loc["u0", "Index"] == 100.0 and res.scores.loc["u2", "Index"] == 0.0
