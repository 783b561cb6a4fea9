"""Multivariate imputation (issue #13) against independent computations.

* EM against the closed-form maximum-likelihood estimates of a bivariate normal sample with a
  monotone missing pattern (Anderson 1957): mu1 and s11 from all n units, the regression of y2 on
  y1 from the complete cases, mu2 = b0 + b1 mu1, s12 = b1 s11, s22 = s22.1 + b1^2 s11.
* kNN against scikit-learn's KNNImputer on the data standardized by StandardScaler.
* Chained regressions against scikit-learn's IterativeImputer with LinearRegression / Ridge.
* The pipeline, the CLI, diagnostics and bad inputs.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex import _core
from compindex.imputation import Chained, Em, EmDraw, Knn

sklearn = pytest.importorskip("sklearn")
from sklearn.experimental import enable_iterative_imputer  # noqa: E402,F401
from sklearn.impute import IterativeImputer, KNNImputer  # noqa: E402
from sklearn.linear_model import LinearRegression, Ridge  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

impute_block = _core.imputation.impute_block


def _data(n: int = 80, p: int = 5, share: float = 0.12, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(p, p))
    x = rng.normal(size=(n, p)) @ a + rng.normal(size=p) * 10
    x[:, 0] *= 100.0  # different scales: standardization matters for kNN
    mask = rng.random((n, p)) < share
    x[mask] = np.nan
    return x


def _names(p: int) -> list[str]:
    return [f"x{j}" for j in range(p)]


# -- EM ---------------------------------------------------------------------------------------------
def test_em_matches_andersons_closed_form():
    rng = np.random.default_rng(7)
    n, n_cc = 200, 140
    y1 = rng.normal(5.0, 2.0, n)
    y2 = 1.0 + 0.8 * y1 + rng.normal(0.0, 1.5, n)
    x = np.column_stack([y1, y2])
    x[n_cc:, 1] = np.nan  # monotone: y2 missing for the last 60 units
    # Anderson (1957): factor the likelihood into f(y1) (all n) and f(y2 | y1) (complete cases).
    mu1, s11 = y1.mean(), y1.var()
    c1, c2 = y1[:n_cc], y2[:n_cc]
    s11c, s12c, s22c = c1.var(), np.mean((c1 - c1.mean()) * (c2 - c2.mean())), c2.var()
    b1 = s12c / s11c
    b0 = c2.mean() - b1 * c1.mean()
    s22_1 = s22c - s12c**2 / s11c
    mu2 = b0 + b1 * mu1
    s12 = b1 * s11
    s22 = s22_1 + b1**2 * s11
    out, rep = impute_block(Em(tolerance=1e-12, max_iterations=100000), x, ["y1", "y2"])
    assert rep.converged
    np.testing.assert_allclose(rep.mean, [mu1, mu2], rtol=1e-7)
    np.testing.assert_allclose(rep.covariance, [[s11, s12], [s12, s22]], rtol=1e-6)
    # The imputed values are the conditional means b0 + b1 y1 at the estimates.
    np.testing.assert_allclose(out[n_cc:, 1], b0 + b1 * y1[n_cc:], rtol=1e-7)
    np.testing.assert_array_equal(out[:n_cc], x[:n_cc])
    # Observed-data log-likelihood at the estimates: log f(y1) over all n + log f(y2|y1) over the complete cases.
    from scipy.stats import norm
    ll = norm.logpdf(y1, mu1, np.sqrt(s11)).sum() + norm.logpdf(c2, b0 + b1 * c1, np.sqrt(s22_1)).sum()
    assert rep.log_likelihood == pytest.approx(ll, rel=1e-9)
    assert sorted(rep.cells) == [(i, 1) for i in range(n_cc, n)]


def test_em_unit_missing_every_indicator_gets_the_mean_and_clamp_keeps_the_range():
    x = _data(60, 3, 0.1, seed=3)
    x[5, :] = np.nan
    out, rep = impute_block(Em(), x, _names(3))
    np.testing.assert_allclose(out[5], rep.mean, rtol=1e-12)
    # clamp: every imputed value within the observed [min, max] of its indicator
    x2 = x.copy()
    x2[:, 1] = np.where(np.arange(60) < 30, np.nan, x2[:, 1])
    out2, _ = impute_block(Em(clamp=True), x2, _names(3))
    lo, hi = np.nanmin(x2, axis=0), np.nanmax(x2, axis=0)
    assert ((out2 >= lo - 1e-12) & (out2 <= hi + 1e-12)).all()


def test_em_singular_covariance_is_a_clear_error_and_ridge_fixes_it():
    x = _data(40, 3, 0.1, seed=4)
    x[:, 2] = 5.0  # constant: zero variance
    x[0, 2] = np.nan
    with pytest.raises(ci.ComputationError, match="block 'B'.*singular.*ridge"):
        impute_block(Em(), x, _names(3), "B")
    out, rep = impute_block(Em(ridge=0.01), x, _names(3), "B")
    assert np.isfinite(out).all()


def test_em_draw_is_deterministic_for_a_seed_and_a_stream_and_centred_on_the_conditional_mean():
    x = _data(50, 3, 0.15, seed=5)
    a, _ = impute_block(EmDraw(seed=9), x, _names(3))
    b, _ = impute_block(EmDraw(seed=9), x, _names(3))
    c, _ = impute_block(EmDraw(seed=10), x, _names(3))
    np.testing.assert_array_equal(a, b)
    miss = np.isnan(x)
    assert (a[miss] != c[miss]).all()
    # The draws of many streams average to the conditional means.
    mean, _ = impute_block(Em(), x, _names(3))
    draws = []
    for s in range(400):
        m = EmDraw(seed=1)
        m.stream = s
        draws.append(impute_block(m, x, _names(3))[0][miss])
    draws = np.array(draws)
    se = draws.std(axis=0) / np.sqrt(len(draws))
    assert (np.abs(draws.mean(axis=0) - mean[miss]) < 5 * se + 1e-9).all()


# -- kNN --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("k,weights", [(1, "uniform"), (3, "uniform"), (5, "distance"), (200, "uniform")])
def test_knn_matches_sklearn_on_standardized_data(k, weights):
    x = _data(80, 5, 0.12, seed=11)
    x[7, :] = np.nan  # no distance to anyone: both use the mean
    ours, rep = impute_block(Knn(k=k, weights=weights), x, _names(5))
    sc = StandardScaler().fit(x)
    z = KNNImputer(n_neighbors=k, weights=weights).fit_transform(sc.transform(x))
    theirs = sc.inverse_transform(z)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)
    assert sorted(rep.fallback_cells) == [(7, j) for j in range(5)]


def test_knn_by_group_uses_donors_of_the_same_group():
    x = _data(60, 4, 0.1, seed=12)
    groups = [i % 2 for i in range(60)]
    ours, rep = impute_block(Knn(k=3, group="g"), x, _names(4), "B", groups)
    sc = StandardScaler().fit(x)
    for g in (0, 1):
        rows = np.array([i for i in range(60) if groups[i] == g])
        sub = x[rows]
        # sklearn on the group alone, standardized with the whole block's mean and sd (as ours)
        z = KNNImputer(n_neighbors=3).fit_transform(sc.transform(sub))
        np.testing.assert_allclose(ours[rows], sc.inverse_transform(z), rtol=1e-9, atol=1e-9)


# -- chained regressions ----------------------------------------------------------------------------
@pytest.mark.parametrize("ridge", [0.0, 2.5])
@pytest.mark.parametrize("max_iter,tol", [(1, 1e-3), (10, 1e-3), (25, 1e-6)])
def test_chained_matches_sklearn_iterative_imputer(ridge, max_iter, tol):
    x = _data(90, 5, 0.1, seed=21)
    ours, rep = impute_block(Chained(max_iterations=max_iter, tolerance=tol, ridge=ridge), x, _names(5))
    est = LinearRegression() if ridge == 0 else Ridge(alpha=ridge)
    imp = IterativeImputer(estimator=est, initial_strategy="mean", imputation_order="ascending", max_iter=max_iter, tol=tol,
                           sample_posterior=False, skip_complete=True)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = imp.fit_transform(x)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-8)
    assert rep.iterations == imp.n_iter_


# -- bad inputs -------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", [Em(), Knn(), Chained(), EmDraw()])
def test_an_indicator_missing_for_every_unit_is_a_data_error_naming_it(method):
    x = _data(30, 3, 0.1, seed=2)
    x[:, 1] = np.nan
    with pytest.raises(ci.DataError, match="indicator 'x1' has no data"):
        impute_block(method, x, _names(3))


@pytest.mark.parametrize("text,match", [
    ("knn(k=0)", "k must be at least 1"),
    ("knn(weights=gaussian)", "weights must be 'uniform' or 'distance'"),
    ("em(tolerance=0)", "tolerance must be a positive number"),
    ("chained(max_iterations=0)", "max_iterations must be at least 1"),
    ("em(ridge=-1)", "ridge must be a finite number >= 0"),
    ("em(scope=continent)", "scope 'continent'"),
    ("knn(k=2.5)", "k must be an integer"),
    ("em(clamp=maybe)", "clamp must be true or false"),
])
def test_bad_parameters_are_spec_errors(pii, text, match):
    fw, data = pii
    with pytest.raises(ci.SpecError, match=match):
        ci.score(fw, data, imputation=text)


# -- the pipeline -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pii():
    return ci.datasets.load_pii_framework(), ci.datasets.load_pii_demo(2024)


@pytest.mark.parametrize("method", ["em", "knn", "knn(k=2, weights=distance)", "chained", "em_draw(seed=4)", "chained(scope=2, ridge=1)"])
def test_pipeline_imputes_each_pillar_as_a_block(pii, method):
    fw, data = pii
    res = ci.score(fw, data, imputation=method)
    raw = res.data("denominated")
    imp = res.data("imputed")
    assert not imp.isna().any().any()
    obj = ci._methods.imputation(method)
    parents = fw.parents
    scope = getattr(obj, "scope", "pillar")
    levels = fw.levels
    for b in res._core.imputation_blocks:
        cols = list(b.indicators)
        if scope == "pillar":
            assert {parents[c] for c in cols} == {b.block}
        else:  # level 2: the indicators under the block's aggregate
            assert int(levels[b.block]) == 2
        expected, _ = impute_block(obj, raw[cols].to_numpy(), cols, b.block)
        np.testing.assert_allclose(imp[cols].to_numpy(), expected, rtol=1e-12)
    cells = ci.imputation.imputed_cells(res)
    assert len(cells) == int(raw.isna().sum().sum())
    assert (cells["value"].to_numpy() == np.array([imp.at[u, c] for u, c in zip(cells["unit"], cells["indicator"])])).all()
    assert cells["method"].str.startswith(obj.name).all()
    mo = ci.imputation.models(res)
    assert mo["cells"].sum() == len(cells)


@pytest.mark.filterwarnings("ignore::compindex.CompindexWarning")  # 1.1.x1 alone in its block: kNN falls back to the mean
def test_pipeline_mixes_per_indicator_and_multivariate_methods(pii):
    fw, data = pii
    ind = fw.indicators[0]
    res = ci.score(fw, data, imputation="knn(k=3)", imputation_by_indicator={ind: "median"})
    cells = ci.imputation.imputed_cells(res)
    mine = cells[cells["indicator"] == ind]
    if len(mine):
        assert (mine["method"] == "median").all()
        assert np.allclose(mine["value"], data[ind].median())
    assert (cells.loc[cells["indicator"] != ind, "method"].str.startswith("knn(k=3")).all()


def test_knn_group_in_the_pipeline_and_a_unit_missing_a_whole_block(pii):
    fw, data = pii
    d = data.copy()
    pillar = fw.parents[fw.indicators[0]]
    block = [c for c in fw.indicators if fw.parents[c] == pillar]
    d.loc[d.index[0], block] = np.nan
    with pytest.warns(ci.CompindexWarning, match="imputation fallback"):
        res = ci.score(fw, d, imputation="knn")
    imp = res.data("imputed")
    for c in block:
        assert imp.iloc[0][c] == pytest.approx(pd.to_numeric(d[c], errors="coerce").mean())


def test_compare_methods(pii):
    fw, data = pii
    out = ci.imputation.compare(fw, data, ["mean", "em", "knn(k=3)", "chained"])
    assert list(out["values"].columns) == ["mean", "em", "knn(k=3)", "chained"]
    assert len(out["values"]) == int(data[fw.indicators].isna().sum().sum())
    res = ci.score(fw, data, imputation="em")
    pd.testing.assert_series_equal(out["ranks"]["em"], res.ranks[fw.root], check_names=False)
    with pytest.raises(ci.SpecError, match="at least one"):
        ci.imputation.compare(fw, data, [])


def test_cli_accepts_the_new_methods(pii, tmp_path, capsys):
    from compindex.cli import main
    fw, data = pii
    meta = tmp_path / "meta.csv"
    fw.to_frame().rename_axis("code").reset_index().to_csv(meta, index=False)
    dpath = tmp_path / "data.csv"
    data.reset_index().to_csv(dpath, index=False)
    out = tmp_path / "out.csv"
    assert main(["score", "--framework", str(meta), "--data", str(dpath), "--out", str(out), "--imputation", "knn(k=3, weights=distance)"]) == 0
    res = ci.score(fw, data, imputation="knn(k=3, weights=distance)")
    table = pd.read_csv(out, dtype={"unit": str, "code": str})
    root = table[table["code"] == fw.root].set_index("unit")["score"]
    np.testing.assert_allclose(root.loc[res.index.index.astype(str)].to_numpy(), res.index.to_numpy(), rtol=1e-9)


# -- uncertainty analysis ---------------------------------------------------------------------------
METHODS = ["mean", "em", "knn(k=3)", "chained", "em_draw(seed=2)"]


def _ua_checks(fw, data, groups=None, n=64, **spec):
    from compindex.uncertainty import Imputation, uncertainty_analysis
    for m in METHODS:
        # One method as the only alternative: every replication uses it; its deterministic
        # replications equal the nominal run with that method; em_draw's vary.
        ua = uncertainty_analysis(fw, data, [Imputation([m])], n=n, seed=3, groups=groups, sampler="monte_carlo", **spec)
        assert not ua._core.runs.failures
        nominal = ci.score(fw, data, imputation=m, groups=groups, **spec).ranks[fw.root].astype(float)
        ranks = ua.ranks
        if m.startswith("em_draw"):
            assert (ranks.nunique(axis=0) > 1).any()  # imputation noise widens some rank intervals
            # one draw per replication: the same replication is the same whatever the thread count
            ua2 = uncertainty_analysis(fw, data, [Imputation([m])], n=n, seed=3, groups=groups, sampler="monte_carlo",
                                       threads=1, **spec)
            np.testing.assert_array_equal(ua2.ranks.to_numpy(), ranks.to_numpy())
        else:
            np.testing.assert_array_equal(ranks.to_numpy(), np.tile(nominal.loc[ranks.columns].to_numpy(), (n, 1)))
    # All methods as the alternatives of one factor.
    ua = uncertainty_analysis(fw, data, [Imputation(METHODS)], n=n, seed=5, groups=groups, **spec)
    assert not ua._core.runs.failures and ua.summary["interval_width"].notna().all()


def test_uncertainty_analysis_with_each_method_on_the_pii_demo(pii):
    fw, data = pii
    _ua_checks(fw, data)


def test_uncertainty_analysis_with_each_method_on_coinr_asem():
    from _reference import ASEM
    from compindex import exchange as ex
    if not os.path.exists(os.path.join(ASEM, "iMeta.csv")):
        pytest.skip(f"no COINr ASEM tables in {ASEM}")
    asem = ex.read_coinr(os.path.join(ASEM, "iMeta.csv"), os.path.join(ASEM, "iData.csv"))
    _ua_checks(asem.framework, asem.data, groups=asem.groups, n=48)


def test_knn_group_from_a_text_column_of_the_data(pii):
    fw, data = pii
    d = data.copy()
    d["region"] = ["north" if i % 3 else "south" for i in range(len(d))]
    res = ci.score(fw, d, imputation="knn(k=2, group=region)")
    raw = res.data("denominated")
    ids = [0 if r == "north" else 1 for r in d["region"]]
    for b in res._core.imputation_blocks:
        cols = list(b.indicators)
        expected, _ = impute_block(Knn(k=2, group="region"), raw[cols].to_numpy(), cols, b.block, ids)
        np.testing.assert_allclose(res.data("imputed")[cols].to_numpy(), expected, rtol=1e-12)
    with pytest.raises(ci.SpecError, match="unknown unit group 'continent'"):
        ci.score(fw, d, imputation="knn(group=continent)")


@pytest.mark.parametrize("text", ["em(scope=all, clamp=true, ridge=0.5)", "em_draw(seed=7, max_iterations=20)",
                                  "knn(k=3, weights=distance, group=region)", "chained(tolerance=1e-4, ridge=2, scope=2)"])
def test_methods_parse_pickle_and_compare_equal(text):
    import pickle
    m = ci._methods.imputation(text)
    assert pickle.loads(pickle.dumps(m)) == m
    assert m.name == text.split("(")[0]
    assert ci._methods.imputation(repr(m).replace("Em(", "em(").replace("EmDraw(", "em_draw(").replace("Knn(", "knn(")
                                  .replace("Chained(", "chained(").replace("'", "")) == m
