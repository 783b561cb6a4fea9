"""Regional comparison: disparities and their decompositions, convergence (sigma, beta, rank
mobility), peer groups, and their charts.

Values are checked by hand on small cases (the arithmetic is in the comments) and against
independent implementations: brute-force O(n^2) sums, statsmodels' OLS (coefficients, HC0-HC3
standard errors, t, p, R²), scipy.stats (Spearman, Kendall tau-b, linregress),
scipy.cluster.hierarchy (Ward) and scikit-learn's KMeans called directly with the same seed.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import stats

import compindex as ci
from compindex import analysis as an
from compindex import plots
from conftest import UNITS

sm = pytest.importorskip("statsmodels.api")


# -- fixtures ----------------------------------------------------------------------------------

@pytest.fixture
def result(framework: ci.Framework, data: pd.DataFrame) -> ci.Result:
    return ci.score(framework, data)


def _two_years(data: pd.DataFrame) -> pd.DataFrame:
    d1 = data.copy()
    d1["year"] = 2020
    d2 = data.copy()
    d2["year"] = 2022
    num = [c for c in data.columns if c.startswith("i")]
    d2[num] = d2[num] * np.linspace(0.9, 1.3, len(d2))[:, None]
    return pd.concat([d1, d2], ignore_index=True)


@pytest.fixture
def panel(framework: ci.Framework, data: pd.DataFrame) -> an.Panel:
    return an.score_years(framework, _two_years(data), pooled=True)


def _random(n: int = 60, seed: int = 3) -> tuple[pd.Series, pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    units = [f"u{i:03d}" for i in range(n)]
    x = pd.Series(rng.lognormal(3.0, 0.5, n), index=units)
    g = pd.Series(rng.choice(["A", "B", "C", "D"], n), index=units)
    w = pd.Series(rng.uniform(0.5, 5.0, n), index=units)
    return x, g, w


# -- single measures, by hand ----------------------------------------------------------------

def test_gini_by_hand() -> None:
    # [1, 2, 3, 4]: mean 2.5; sum over unordered pairs of |xi - xj| = 1+2+3+1+2+1 = 10, ordered 20;
    # G = 20 / (2 * 4^2 * 2.5) = 0.25
    assert an.gini(pd.Series([1.0, 2, 3, 4], index=list("abcd"))) == pytest.approx(0.25, abs=1e-15)
    # equal values: 0; one unit has everything: (n-1)/n = 0.75
    assert an.gini(pd.Series([5.0, 5, 5], index=list("abc"))) == 0.0
    assert an.gini(pd.Series([0.0, 0, 0, 8], index=list("abcd"))) == pytest.approx(0.75, abs=1e-15)


def test_weighted_gini_is_the_gini_of_replicated_units() -> None:
    # weights (2, 1, 1) on (1, 2, 3) = the values 1, 1, 2, 3: mean 7/4; unordered |diffs|
    # 0+1+2+1+2+1 = 7, ordered 14; G = 14 / (2 * 16 * 7/4) = 0.25
    x = pd.Series([1.0, 2, 3], index=list("abc"))
    assert an.gini(x, weights={"a": 2, "b": 1, "c": 1}) == pytest.approx(0.25, abs=1e-15)


def test_gini_matches_the_double_sum() -> None:
    x, _, w = _random(200)
    p = (w / w.sum()).to_numpy()
    xv = x.to_numpy()
    brute = (p[:, None] * p[None, :] * np.abs(xv[:, None] - xv[None, :])).sum() / (2 * float(p @ xv))
    assert an.gini(x, weights=w) == pytest.approx(brute, rel=1e-12)
    pu = np.full(len(x), 1 / len(x))
    brute_u = (pu[:, None] * pu[None, :] * np.abs(xv[:, None] - xv[None, :])).sum() / (2 * xv.mean())
    assert an.gini(x) == pytest.approx(brute_u, rel=1e-12)


def test_theil_ge_and_cv_by_hand() -> None:
    x = pd.Series([1.0, 2, 3, 4], index=list("abcd"))
    mu = 2.5
    t = sum((v / mu) * math.log(v / mu) for v in (1, 2, 3, 4)) / 4
    ell = math.log(2.5) - math.log(24) / 4  # -(1/4) sum ln(x/2.5) = ln 2.5 - ln(1*2*3*4)/4
    cv = math.sqrt(1.25) / 2.5  # population variance of 1..4 is 1.25
    assert an.theil_t(x) == pytest.approx(t, abs=1e-15)
    assert an.theil_l(x) == pytest.approx(ell, abs=1e-15)
    assert an.coefficient_of_variation(x) == pytest.approx(cv, abs=1e-15)
    assert an.generalized_entropy(x, 2) == pytest.approx(cv ** 2 / 2, abs=1e-15)
    # GE(-1) = (1/2) (mean of (mu/x)) - 1/2 = ((2.5 + 1.25 + 0.8333.. + 0.625)/4 - 1) / 2
    assert an.generalized_entropy(x, -1) == pytest.approx(((2.5 + 1.25 + 2.5 / 3 + 0.625) / 4 - 1) / 2, abs=1e-15)
    # continuity at alpha = 1 and 0
    assert an.generalized_entropy(x, 1 + 1e-7) == pytest.approx(t, rel=1e-5)
    assert an.generalized_entropy(x, 1e-7) == pytest.approx(ell, rel=1e-5)


def test_theil_t_allows_a_zero_value() -> None:
    # 0 ln 0 = 0: x = (0, 2) over 3 units (0, 2, 1): mu = 1; T = (2 ln 2 + 1 ln 1)/3
    x = pd.Series([0.0, 2.0, 1.0], index=list("abc"))
    assert an.theil_t(x) == pytest.approx(2 * math.log(2) / 3, abs=1e-15)


def test_measures_on_a_result_use_the_node(result: ci.Result) -> None:
    s = result.scores["P2"]
    assert an.gini(result, node="P2") == pytest.approx(an.gini(s), abs=1e-15)
    assert an.theil_t(result) == pytest.approx(an.theil_t(result.scores["Index"]), abs=1e-15)


# -- decompositions ----------------------------------------------------------------------------

@pytest.mark.parametrize("measure,alpha", [("gini", None), ("theil_t", None), ("theil_l", None), ("cv2", None),
                                           ("ge", 0.5), ("ge", -1.0), ("ge", 3.0)])
@pytest.mark.parametrize("weighted", [False, True])
def test_decompositions_add_up(measure: str, alpha: float | None, weighted: bool) -> None:
    x, g, w = _random()
    d = an.decompose(x, g, measure, alpha=alpha, weights=w if weighted else None)
    assert d.total == pytest.approx(d.between + d.within + d.overlap, abs=1e-12)
    assert d.groups["contribution"].sum() == pytest.approx(d.within, abs=1e-12)
    assert d.groups["population_share"].sum() == pytest.approx(1.0, abs=1e-12)
    assert d.groups["score_share"].sum() == pytest.approx(1.0, abs=1e-12)
    if measure != "gini":
        assert d.overlap == 0.0


def test_theil_decomposition_against_its_parts() -> None:
    # Theil T: within = sum_g s_g T_g (s_g the group's share of the total), between = T of the
    # group means with the groups' population weights; Theil L: within = sum_g v_g L_g.
    x, g, w = _random()
    d = an.decompose(x, g, "theil_t", weights=w)
    dl = an.decompose(x, g, "theil_l", weights=w)
    total = float((w * x).sum())
    within_t = within_l = 0.0
    means, sizes = {}, {}
    for label in sorted(set(g)):
        m = g == label
        within_t += float((w[m] * x[m]).sum()) / total * an.theil_t(x[m], weights=w[m])
        within_l += float(w[m].sum() / w.sum()) * an.theil_l(x[m], weights=w[m])
        means[label] = float((w[m] * x[m]).sum() / w[m].sum())
        sizes[label] = float(w[m].sum())
    assert d.within == pytest.approx(within_t, abs=1e-13)
    assert dl.within == pytest.approx(within_l, abs=1e-13)
    assert d.between == pytest.approx(an.theil_t(pd.Series(means), weights=sizes), abs=1e-13)
    assert d.total == pytest.approx(an.theil_t(x, weights=w), abs=1e-15)


def test_gini_decomposition_by_hand() -> None:
    # A = (1, 3), B = (5, 7): mean 4; the groups do not overlap, so the residual is 0.
    # Total: unordered |diffs| 2+4+6+2+4+2 = 20, G = 40/(2*16*4) = 0.3125.
    # Within: G_A = 2*2/(2*4*2) = 0.25 (pairs |1-3| both ways = 4, /(2 * 2^2 * 2)), G_B = 4/(2*4*6) = 1/12;
    #   v = 1/2 each, s_A = 4/16 = 1/4, s_B = 12/16 = 3/4: within = 1/2*1/4*1/4 + 1/2*3/4*1/12 = 1/32 + 1/32 = 1/16.
    # Between: (2, 2, 6, 6): ordered |diffs| 4 pairs of 4 twice = 32, G = 32/(2*16*4) = 0.25.
    x = pd.Series([1.0, 3, 5, 7], index=list("abcd"))
    g = pd.Series(list("AABB"), index=list("abcd"))
    d = an.decompose(x, g, "gini")
    assert (d.total, d.between, d.within) == pytest.approx((0.3125, 0.25, 0.0625), abs=1e-15)
    assert d.overlap == pytest.approx(0.0, abs=1e-15)
    # Interleaved groups A = (1, 5), B = (3, 7): same total, between = G(3, 3, 5, 5) = 16/(2*16*4) = 0.125,
    # within = 1/2*(6/16)*G(1,5) + 1/2*(10/16)*G(3,7) = 1/2*3/8*1/3 + 1/2*5/8*1/5 = 1/16 + 1/16 = 0.125,
    # overlap = 0.3125 - 0.125 - 0.125 = 0.0625 > 0.
    g2 = pd.Series(list("ABAB"), index=list("abcd"))
    d2 = an.decompose(x, g2, "gini")
    assert (d2.total, d2.between, d2.within, d2.overlap) == pytest.approx((0.3125, 0.125, 0.125, 0.0625), abs=1e-15)


def test_disparities_table_on_a_result(result: ci.Result) -> None:
    tab = an.disparities(result, group="region", nodes="pillars", weights=None, alphas=(2,))
    assert list(tab.index.get_level_values("node").unique()) == ["Index", "P1", "P2", "P3"]
    assert list(tab.loc["Index"].index) == ["gini", "theil_t", "theil_l", "cv", "cv2", "ge(2)"]
    row = tab.loc[("P2", "theil_t")]
    d = an.decompose(result, "region", "theil_t", node="P2")
    assert (row["total"], row["between"], row["within"]) == pytest.approx((d.total, d.between, d.within), abs=1e-15)
    assert tab.loc[("Index", "cv2"), "total"] == pytest.approx(2 * tab.loc[("Index", "ge(2)"), "total"], abs=1e-15)
    assert "cv2" in tab.loc[("Index", "cv"), "note"] and math.isnan(tab.loc[("Index", "cv"), "between"])
    # a pillar where some unit scores 0 (min-max: the worst unit on every indicator of it) has no Theil L
    zero = [c for c in ["Index", "P1", "P2", "P3"] if (result.scores[c] <= 0).any()]
    for c in zero:
        assert math.isnan(tab.loc[(c, "theil_l"), "total"]) and "needs values > 0" in tab.loc[(c, "theil_l"), "note"]


def test_weights_from_a_group_column(framework: ci.Framework, data: pd.DataFrame) -> None:
    pop = pd.Series(np.arange(1, 21, dtype=float), index=UNITS)
    res = ci.score(framework, data, groups=pd.DataFrame({"population": pop.astype(str)}))
    assert an.gini(res, weights="population") == pytest.approx(an.gini(res.scores["Index"], weights=pop), abs=1e-15)


def test_weights_column_with_a_negative_or_missing_value(framework: ci.Framework, data: pd.DataFrame) -> None:
    pop = pd.Series(np.arange(1, 21, dtype=float), index=UNITS)
    bad = pop.copy()
    bad["U04"] = -5.0
    res = ci.score(framework, data, groups=pd.DataFrame({"population": bad}))
    with pytest.raises(ci.DataError, match="unit 'U04' has no valid weight"):
        an.disparities(res, group="region", weights="population")
    bad["U04"] = np.nan
    res = ci.score(framework, data, groups=pd.DataFrame({"population": bad}))
    with pytest.raises(ci.DataError, match="unit 'U04' has no valid weight"):
        an.decompose(res, "region", "gini", weights="population")
    with pytest.raises(ci.SpecError, match="no column 'pop' for the weights"):
        an.gini(res, weights="pop")


def test_sigma_convergence_weighted_by_a_group_column(framework: ci.Framework, data: pd.DataFrame) -> None:
    pop = pd.Series(np.arange(1, 21, dtype=float), index=UNITS)
    p = an.score_years(framework, _two_years(data), pooled=True, groups=pd.DataFrame({"population": pop}))
    sig = an.sigma_convergence(p, weights="population", measures=("gini",))
    assert sig.by_year.at[2022, "gini"] == pytest.approx(an.gini(p[2022], weights=pop), abs=1e-15)


def test_lorenz_curve() -> None:
    x = pd.Series([4.0, 1, 3, 2], index=list("abcd"))
    lz = an.lorenz(x)
    # sorted 1, 2, 3, 4 of 10: cumulative shares 0, .1, .3, .6, 1
    assert lz["score_share"].tolist() == pytest.approx([0, 0.1, 0.3, 0.6, 1.0], abs=1e-15)
    assert lz["population_share"].tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1.0], abs=1e-15)
    assert lz["unit"].tolist() == ["", "b", "d", "c", "a"]
    # Gini = 1 - 2 * area under the curve (trapezoids)
    area = float(np.trapezoid(lz["score_share"], lz["population_share"])) if hasattr(np, "trapezoid") else \
        float(np.trapz(lz["score_share"], lz["population_share"]))
    assert lz.attrs["gini"] == pytest.approx(1 - 2 * area, abs=1e-15)


# -- disparities: bad input ----------------------------------------------------------------------

def test_disparities_bad_input() -> None:
    x = pd.Series([1.0, 2, 3, 4], index=list("abcd"))
    with pytest.raises(ci.DataError, match="2 unit.*at least 3"):
        an.gini(x.iloc[:2])
    with pytest.raises(ci.DataError, match="unit 'b' has the value 0.*Theil L"):
        an.theil_l(pd.Series([1.0, 0, 3], index=list("abc")))
    with pytest.raises(ci.DataError, match="unit 'b' has the value 0"):
        an.generalized_entropy(pd.Series([1.0, 0, 3], index=list("abc")), -0.5)
    with pytest.raises(ci.DataError, match="unit 'c' has a negative value"):
        an.gini(pd.Series([1.0, 2, -3], index=list("abc")))
    with pytest.raises(ci.DataError, match="unit 'c' has no valid weight.*-1"):
        an.gini(x, weights={"a": 1, "b": 1, "c": -1, "d": 1})
    with pytest.raises(ci.DataError, match="unit 'd' has no valid weight"):
        an.gini(x, weights={"a": 1, "b": 1, "c": 1})
    with pytest.raises(ci.DataError, match="unit 'a' has no valid weight"):
        an.gini(x, weights=pd.Series([np.nan, 1, 1, 1], index=list("abcd")))
    with pytest.raises(ci.DataError, match="unit 'd' has no group label"):
        an.decompose(x, {"a": "A", "b": "A", "c": "B"})
    with pytest.raises(ci.SpecError, match="unknown inequality measure 'theil'.*did you mean"):
        an.decompose(x, {"a": "A", "b": "A", "c": "B", "d": "B"}, "theil")
    with pytest.raises(ci.SpecError, match="needs alpha"):
        an.decompose(x, {"a": "A", "b": "A", "c": "B", "d": "B"}, "ge")
    with pytest.raises(ci.DataError, match="mean is 0"):
        an.gini(pd.Series([0.0, 0, 0], index=list("abc")))
    with pytest.raises(ci.SpecError, match="expected a compindex.Result or a pandas Series"):
        an.gini([1, 2, 3])


def test_a_group_with_one_unit_warns_and_has_no_within_inequality() -> None:
    x = pd.Series([1.0, 2, 3, 4], index=list("abcd"))
    with pytest.warns(ci.CompindexWarning, match="'B' have one unit"):
        d = an.decompose(x, {"a": "A", "b": "A", "c": "A", "d": "B"}, "theil_t")
    assert d.groups.at["B", "inequality"] == 0.0
    assert d.total == pytest.approx(d.between + d.within, abs=1e-15)


def test_units_without_a_score_are_left_out_and_counted() -> None:
    x = pd.Series([1.0, 2, np.nan, 4], index=list("abcd"))
    tab = an.disparities(x)
    assert (tab["n_units"] == 3).all() and tab["note"].str.contains("1 unit").all()
    assert tab.loc[("value", "gini"), "total"] == pytest.approx(an.gini(x.dropna()), abs=1e-15)


# -- OLS and HC standard errors against statsmodels -------------------------------------------

@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "HC1", "HC2", "HC3"])
def test_ols_matches_statsmodels(cov_type: str) -> None:
    rng = np.random.default_rng(11)
    n = 45
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.uniform(size=n)})
    y = 0.5 + 2 * X["a"] - X["b"] + rng.normal(size=n) * (0.5 + np.abs(X["a"]))  # heteroskedastic
    f = an.ols(y, X, cov_type=cov_type)
    r = sm.OLS(y, sm.add_constant(X)).fit(cov_type=cov_type, use_t=True)
    for mine, theirs in ((f.params, r.params), (f.bse, r.bse), (f.tvalues, r.tvalues), (f.pvalues, r.pvalues)):
        assert np.allclose(mine.to_numpy(), theirs.to_numpy(), rtol=1e-10, atol=1e-14)
    assert list(f.params.index) == ["const", "a", "b"]
    assert f.rsquared == pytest.approx(r.rsquared, abs=1e-12)
    assert f.rsquared_adj == pytest.approx(r.rsquared_adj, abs=1e-12)
    assert np.allclose(f.conf_int.to_numpy(), r.conf_int().to_numpy(), rtol=1e-10)
    assert np.allclose(f.cov_params.to_numpy(), r.cov_params().to_numpy(), rtol=1e-10, atol=1e-15)
    assert f.df_resid == n - 3 and f.nobs == n


def test_ols_errors() -> None:
    X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8]})
    with pytest.raises(ci.ComputationError, match="collinear"):
        an.ols(pd.Series([1.0, 2, 3, 5]), X)
    with pytest.raises(ci.SpecError, match="cov_type"):
        an.ols(pd.Series([1.0, 2, 3, 5]), X[["a"]], cov_type="HC4")
    # a dummy that isolates one observation gives it leverage 1: HC2/HC3 undefined, HC1 fine
    Xd = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "d": [0.0, 0, 0, 0, 1]}, index=list("pqrst"))
    y = pd.Series([1.0, 2.5, 2.9, 4.2, 7.0], index=list("pqrst"))
    with pytest.raises(ci.ComputationError, match="'t' has leverage 1"):
        an.ols(y, Xd, cov_type="HC3")
    assert math.isfinite(an.ols(y, Xd, cov_type="HC1").bse["a"])
    with pytest.raises(ci.DataError, match="no residual degree of freedom"):
        an.ols(pd.Series([1.0, 2]), pd.DataFrame({"a": [1.0, 3]}))


# -- sigma-convergence ---------------------------------------------------------------------------

def _wide(n: int = 30, years: tuple[int, ...] = (2018, 2019, 2020, 2021, 2022), seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y0 = rng.uniform(20, 80, n)
    cols = {years[0]: y0}
    prev = y0
    for y in years[1:]:
        prev = prev * np.exp(0.08 - 0.015 * np.log(prev) + rng.normal(0, 0.01, n))
        cols[y] = prev
    return pd.DataFrame(cols, index=[f"p{i:02d}" for i in range(n)])


def test_sigma_convergence_values_and_trend() -> None:
    wide = _wide()
    sig = an.sigma_convergence(wide, measures=("sd", "cv", "gini", "theil_t", "theil_l"))
    for y in wide.columns:
        x = wide[y].to_numpy()
        assert sig.by_year.at[y, "sd"] == pytest.approx(np.std(x), rel=1e-13)
        assert sig.by_year.at[y, "cv"] == pytest.approx(np.std(x) / x.mean(), rel=1e-13)
        assert sig.by_year.at[y, "gini"] == pytest.approx(an.gini(wide[y]), rel=1e-13)
        assert sig.by_year.at[y, "theil_l"] == pytest.approx(an.theil_l(wide[y]), rel=1e-13)
    lr = stats.linregress(np.array(wide.columns, dtype=float), sig.by_year["cv"].to_numpy())
    tr = sig.trend.loc["cv"]
    assert (tr["slope"], tr["se"], tr["p"], tr["r2"]) == pytest.approx((lr.slope, lr.stderr, lr.pvalue, lr.rvalue ** 2), rel=1e-9)
    assert tr["converging"] == (lr.slope < 0)
    assert sig.comparable


def test_sigma_convergence_with_two_years(panel: an.Panel) -> None:
    sig = an.sigma_convergence(panel)
    wide = panel.scores()
    assert list(sig.by_year.index) == [2020, 2022]
    tr = sig.trend.loc["sd"]
    assert tr["slope"] == pytest.approx((np.std(wide[2022]) - np.std(wide[2020])) / 2, rel=1e-12)
    assert math.isnan(tr["se"]) and "two years" in tr["note"]


def test_sigma_convergence_warns_on_a_panel_normalized_year_by_year(framework: ci.Framework, data: pd.DataFrame) -> None:
    per_year = an.score_years(framework, _two_years(data))
    with pytest.warns(ci.CompindexWarning, match="normalized year by year"):
        an.sigma_convergence(per_year)


# -- beta-convergence ----------------------------------------------------------------------------

def test_absolute_beta_convergence_matches_statsmodels() -> None:
    wide = _wide()
    b = an.beta_convergence(wide, 2018, 2022)
    T = 4
    g = np.log(wide[2022] / wide[2018]) / T
    r = sm.OLS(g, sm.add_constant(pd.DataFrame({"log_y0": np.log(wide[2018])}))).fit(cov_type="HC1", use_t=True)
    assert b.beta == pytest.approx(r.params["log_y0"], rel=1e-10)
    assert b.se == pytest.approx(r.bse["log_y0"], rel=1e-10)
    assert b.p == pytest.approx(r.pvalues["log_y0"], rel=1e-9)
    assert b.fit.rsquared == pytest.approx(r.rsquared, rel=1e-10)
    assert b.years == T and not b.conditional and b.fit.cov_type == "HC1"
    lam = -math.log(1 + b.beta * T) / T
    assert b.speed == pytest.approx(lam, rel=1e-14)
    assert b.half_life == pytest.approx(math.log(2) / lam, rel=1e-14)
    assert b.beta < 0 and b.speed > 0  # the simulated units converge


@pytest.mark.parametrize("cov_type", ["HC0", "HC2", "HC3"])
def test_conditional_beta_convergence_with_groups_and_covariates(cov_type: str) -> None:
    wide = _wide()
    rng = np.random.default_rng(2)
    groups = pd.Series(rng.choice(["North", "South", "East"], len(wide)), index=wide.index)
    cov = pd.DataFrame({"density": rng.uniform(size=len(wide))}, index=wide.index)
    b = an.beta_convergence(wide, group=groups, covariates=cov, cov_type=cov_type)
    g = np.log(wide[2022] / wide[2018]) / 4
    X = pd.DataFrame({"log_y0": np.log(wide[2018])})
    X = X.join(pd.get_dummies(groups, drop_first=True, dtype=float)).join(cov)  # East is the reference
    r = sm.OLS(g, sm.add_constant(X)).fit(cov_type=cov_type, use_t=True)
    assert b.reference == "East"
    assert list(b.fit.params.index) == ["const", "log_y0", "group[North]", "group[South]", "density"]
    assert np.allclose(b.fit.params.to_numpy(), r.params.to_numpy(), rtol=1e-10)
    assert np.allclose(b.fit.bse.to_numpy(), r.bse.to_numpy(), rtol=1e-10)
    assert b.conditional


def test_beta_convergence_on_a_panel_with_region_dummies(panel: an.Panel) -> None:
    b = an.beta_convergence(panel, group="region")
    assert b.start == 2020 and b.end == 2022 and b.years == 2
    assert "one growth period (2020-2022, 2 years) only" in b.note
    assert b.reference == "East"
    assert b.data["growth"].to_numpy() == pytest.approx(
        (np.log(panel.scores()[2022] / panel.scores()[2020]) / 2).to_numpy(), rel=1e-14)


def test_covariates_by_column_name(framework: ci.Framework, data: pd.DataFrame) -> None:
    dens = pd.Series(np.linspace(1.0, 3.0, 20) ** 2, index=UNITS)
    p = an.score_years(framework, _two_years(data), pooled=True, groups=pd.DataFrame({"density": dens}))
    by_name = an.beta_convergence(p, covariates=["density"])
    by_frame = an.beta_convergence(p, covariates=pd.DataFrame({"density": dens}))
    assert np.allclose(by_name.fit.params.to_numpy(), by_frame.fit.params.to_numpy(), rtol=1e-13)
    assert list(by_name.fit.params.index) == ["const", "log_y0", "density"]
    with pytest.raises(ci.SpecError, match="covariate column\\(s\\) 'area' are not unit-group columns"):
        an.beta_convergence(p, covariates=["area"])


def test_convergence_bad_input(panel: an.Panel) -> None:
    wide = _wide(n=6, years=(2020, 2021, 2023))
    with pytest.raises(ci.SpecError, match="no scores for the year 2022 \\(years: 2020, 2021, 2023\\)"):
        an.beta_convergence(wide, 2020, 2022)
    with pytest.raises(ci.SpecError, match="must come after"):
        an.rank_mobility(wide, 2023, 2020)
    holes = wide.copy()
    holes.loc["p03", 2021] = np.nan
    with pytest.raises(ci.DataError, match="unit 'p03' has no score in 2021"):
        an.sigma_convergence(holes)
    with pytest.warns(ci.CompindexWarning, match="1 unit.*left out.*p03"):
        sig = an.sigma_convergence(holes, drop_incomplete=True)
    assert (sig.by_year["n_units"] == 5).all()
    gone = wide.copy()
    gone[2021] = np.nan
    with pytest.raises(ci.DataError, match="no unit has a score in 2021"):
        an.beta_convergence(gone)
    zero = wide.copy()
    zero.loc["p02", 2020] = 0.0
    with pytest.raises(ci.DataError, match="unit 'p02' has the score 0 in 2020; growth rates need scores > 0"):
        an.beta_convergence(zero)
    with pytest.raises(ci.DataError, match="at least 3"):
        an.rank_mobility(wide.iloc[:2])
    with pytest.raises(ci.SpecError, match="column 'x' is not a year"):
        an.sigma_convergence(wide.rename(columns={2021: "x"}))
    with pytest.raises(ci.DataError, match="1 year"):
        an.sigma_convergence(wide[[2020]])
    with pytest.raises(ci.DataError, match="covariate 'c' has no numeric value for unit 'p05'"):
        an.beta_convergence(wide, covariates=pd.DataFrame({"c": [1.0] * 5}, index=wide.index[:5]))
    with pytest.raises(ci.DataError, match="unit 'p01' has no valid weight"):
        an.sigma_convergence(wide, weights={u: (-1.0 if u == "p01" else 1.0) for u in wide.index})


def test_a_unit_missing_in_one_year_of_a_panel(framework: ci.Framework, data: pd.DataFrame) -> None:
    both = _two_years(data)
    both = both[~((both["unit"] == "U05") & (both["year"] == 2022))]
    p = an.score_years(framework, both, pooled=True)
    with pytest.raises(ci.DataError, match="unit 'U05' has no score in 2022"):
        an.beta_convergence(p)


# -- rank mobility -------------------------------------------------------------------------------

def test_rank_mobility_by_hand() -> None:
    # 2 classes of 4 units: 2020 scores 1, 2, 3, 4 -> classes 1, 1, 2, 2;
    # 2021 scores 3, 1, 4, 2 -> classes 2, 1, 2, 1. a moves up, d down, b and c stay.
    # P = [[1/2, 1/2], [1/2, 1/2]]: trace 1, Shorrocks (2 - 1)/(2 - 1) = 1.
    wide = pd.DataFrame({2020: [1.0, 2, 3, 4], 2021: [3.0, 1, 4, 2]}, index=list("abcd"))
    m = an.rank_mobility(wide, classes=2)
    assert m.transition.to_numpy().tolist() == [[1, 1], [1, 1]]
    assert m.shares.to_numpy().tolist() == [[0.5, 0.5], [0.5, 0.5]]
    assert (m.up, m.down, m.stayed, m.shorrocks) == (0.25, 0.25, 0.5, 1.0)
    assert m.units["move"].tolist() == ["up", "stayed", "stayed", "down"]
    # ranks (1 = best): 2020 a4 b3 c2 d1, 2021 a2 b4 c1 d3; change = from - to
    assert m.units["rank_from"].tolist() == [4, 3, 2, 1] and m.units["rank_change"].tolist() == [2, -1, 1, -2]
    # nobody changes class: identity, Shorrocks 0
    still = an.rank_mobility(pd.DataFrame({2020: [1.0, 2, 3, 4], 2021: [2.0, 1, 4, 3]}, index=list("abcd")), classes=2)
    assert still.shorrocks == 0.0 and still.stayed == 1.0


def test_rank_mobility_correlations_match_scipy() -> None:
    wide = _wide(n=40)
    wide.loc["p03", 2022] = wide.loc["p04", 2022]  # a tie, for tau-b
    m = an.rank_mobility(wide, 2018, 2022, classes=5)
    rho = stats.spearmanr(wide[2018], wide[2022])
    tau = stats.kendalltau(wide[2018], wide[2022], variant="b")
    assert (m.spearman, m.spearman_p) == pytest.approx((rho.statistic, rho.pvalue), rel=1e-12)
    assert (m.kendall, m.kendall_p) == pytest.approx((tau.statistic, tau.pvalue), rel=1e-12)
    assert m.transition.to_numpy().sum() == 40 and (m.transition.sum(axis=1) == 8).all()  # quintiles of 40
    P = m.shares.to_numpy()
    assert m.shorrocks == pytest.approx((5 - np.trace(P)) / 4, abs=1e-15)
    assert m.up + m.down + m.stayed == pytest.approx(1.0)
    with pytest.raises(ci.SpecError, match="classes must be between 2 and"):
        an.rank_mobility(wide, classes=41)


# -- peer groups ---------------------------------------------------------------------------------

def _partition(labels: pd.Series | np.ndarray, index: pd.Index) -> set[frozenset[str]]:
    s = pd.Series(np.asarray(labels), index=index)
    return {frozenset(s.index[s == v]) for v in s.unique()}


@pytest.mark.parametrize("standardize", [False, True])
def test_ward_clusters_match_scipy(result: ci.Result, standardize: bool) -> None:
    from scipy.cluster.hierarchy import fcluster, linkage

    pg = an.peer_groups(result, 3, standardize=standardize)
    prof = result.scores[["P1", "P2", "P3"]]
    Z = prof.to_numpy()
    if standardize:
        Z = (Z - Z.mean(axis=0)) / Z.std(axis=0)
    ref = fcluster(linkage(Z, "ward"), 3, "maxclust")
    assert _partition(pg.clusters["cluster"], prof.index) == _partition(ref, prof.index)
    assert np.allclose(pg.linkage, linkage(Z, "ward"))
    # cluster 1 has the highest mean index score; profiles are the member means
    means = pg.profiles["mean_score"]
    assert list(means) == sorted(means, reverse=True)
    for c in pg.sizes.index:
        members = pg.members(c)
        assert pg.sizes[c] == len(members)
        assert np.allclose(pg.profiles.loc[c, ["P1", "P2", "P3"]].to_numpy(), prof.loc[members].mean().to_numpy())


def test_kmeans_clusters_match_sklearn(result: ci.Result) -> None:
    KMeans = pytest.importorskip("sklearn.cluster").KMeans
    pg = an.peer_groups(result, 4, method="kmeans", seed=7, n_init=5)
    prof = result.scores[["P1", "P2", "P3"]]
    km = KMeans(n_clusters=4, n_init=5, random_state=7).fit(prof.to_numpy())
    assert _partition(pg.clusters["cluster"], prof.index) == _partition(km.labels_, prof.index)
    assert pg.inertia == pytest.approx(km.inertia_, rel=1e-9)
    assert pg.linkage is None


def test_peer_groups_by_hand() -> None:
    # two obvious groups on a 2-pillar profile: (0,0), (1,0), (0,1) and (10,10), (11,10)
    meta = pd.DataFrame({"code": ["I", "A", "B"], "parent": ["", "I", "I"], "name": ["I", "A", "B"],
                         "weight": 1.0, "direction": 1})
    fw = ci.Framework.from_frame(meta)
    data = pd.DataFrame({"A": [0.0, 1, 0, 10, 11], "B": [0.0, 0, 1, 10, 10]}, index=list("vwxyz"))
    res = ci.score(fw, data, normalization="none")
    pg = an.peer_groups(res, 2)
    assert set(pg.members(1)) == {"y", "z"} and set(pg.members(2)) == {"v", "w", "x"}
    near = an.most_similar(res, "v", n=2)
    assert list(near.index) == ["w", "x"]  # both at distance 1 (ties in unit order)
    assert near["distance"].tolist() == pytest.approx([1.0, 1.0])


def test_most_similar_matches_numpy(result: ci.Result) -> None:
    prof = result.scores[["P1", "P2", "P3"]]
    near = an.most_similar(result, "U07", n=4)
    d = np.sqrt(((prof - prof.loc["U07"]) ** 2).sum(axis=1)).drop("U07").sort_values(kind="stable")
    assert list(near.index) == list(d.index[:4])
    assert near["distance"].to_numpy() == pytest.approx(d.to_numpy()[:4], rel=1e-13)
    u = near.index[0]
    assert near.at[u, "gap P2"] == pytest.approx(prof.at[u, "P2"] - prof.at["U07", "P2"], abs=1e-12)
    assert near.at[u, "score_gap"] == pytest.approx(result.scores.at[u, "Index"] - result.scores.at["U07", "Index"])
    assert near.at[u, "rank"] == result.ranks.at[u, "Index"]
    cb = an.most_similar(result, "U07", n=3, metric="cityblock", node="P1")  # profile: S11, S12
    sub = result.scores[["S11", "S12"]]
    dc = (sub - sub.loc["U07"]).abs().sum(axis=1).drop("U07").sort_values(kind="stable")
    assert list(cb.index) == list(dc.index[:3])


def test_peers_bad_input(result: ci.Result) -> None:
    with pytest.raises(ci.SpecError, match="unit 'U99' is not among"):
        an.most_similar(result, "U99")
    with pytest.raises(ci.SpecError, match="k must be between 2"):
        an.peer_groups(result, 20)
    with pytest.raises(ci.SpecError, match="method must be one of ward, kmeans"):
        an.peer_groups(result, 3, method="single")
    with pytest.raises(ci.SpecError, match="unknown metric"):
        an.most_similar(result, "U01", metric="nope")
    with pytest.raises(ci.DataError, match="unit 'U03' has no 'i02' score"):
        an.most_similar(result, "U01", nodes=["i01", "i02"])
    with pytest.raises(ci.SpecError, match="is an indicator"):
        an.peer_groups(result, 2, node="i01")


# -- charts --------------------------------------------------------------------------------------

def test_charts(result: ci.Result, panel: an.Panel, tmp_path: Path) -> None:
    fig = plots.lorenz_chart(result)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and len(ax.lines[0].get_xdata()) == 21  # origin + 20 units; the diagonal
    assert "Gini = " in ax.get_legend().get_texts()[0].get_text()
    fig.savefig(tmp_path / "lorenz.png")
    wide = _wide()
    fig = plots.dispersion_chart(an.sigma_convergence(wide), "gini")
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[0].lines[0].get_xdata()) == 5
    fig.savefig(tmp_path / "sigma.png")
    fig = plots.beta_convergence_chart(an.beta_convergence(wide), label=2)
    ax = fig.axes[0]
    assert len(ax.collections) == 1 and len(ax.collections[0].get_offsets()) == 30
    assert len(ax.lines) == 2  # the fit and the zero line
    assert len(ax.texts) == 2
    fig.savefig(tmp_path / "beta.png")
    fig = plots.dendrogram_chart(an.peer_groups(result, 3))
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert sorted(labels) == sorted(UNITS)
    fig.savefig(tmp_path / "tree.png")
    for name in ("lorenz", "sigma", "beta", "tree"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ci.SpecError, match="method='ward'"):
        plots.dendrogram_chart(an.peer_groups(result, 3, method="kmeans"))
    with pytest.raises(ci.SpecError, match="no measure 'theil_l'"):
        plots.dispersion_chart(an.sigma_convergence(wide), "theil_l")


def test_public_names_have_docstrings() -> None:
    names = ["Decomposition", "coefficient_of_variation", "decompose", "disparities", "generalized_entropy", "gini",
             "lorenz", "theil_l", "theil_t", "BetaConvergence", "OLSFit", "RankMobility", "SigmaConvergence",
             "beta_convergence", "ols", "rank_mobility", "sigma_convergence", "PeerGroups", "most_similar", "peer_groups"]
    for n in names:
        assert n in an.__all__
        doc = getattr(an, n).__doc__ or ""
        assert doc.strip(), n
        if callable(getattr(an, n)) and not isinstance(getattr(an, n), type):
            assert "Returns" in doc, n
    for n in ("lorenz_chart", "dispersion_chart", "beta_convergence_chart", "dendrogram_chart"):
        assert n in plots.__all__ and "Returns" in (getattr(plots, n).__doc__ or "")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert an.peer_groups.__module__ == "compindex.analysis.peers"
