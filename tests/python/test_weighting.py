"""Weights from data (compindex.weighting): hand-computed 4 x 3 cases, numpy's eigh as the oracle
for PCA and factor analysis, a grid search for the varimax rotation, COINr's ASEM data for PCA and
optimized weights, named weight sets in metadata tables, and errors."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex import weighting as W
from compindex.errors import CompindexWarning, DataError, SpecError

from _reference import ASEM

UNITS = pd.Index(["AUT", "BEL", "CZE", "DNK"], name="unit")


def one_node(weights=(1, 2, 1, 1)) -> ci.Framework:
    return ci.Framework.from_frame(pd.DataFrame({"code": ["P", "a", "b", "c"], "parent": ["", "P", "P", "P"],
                                                 "weight": list(weights)}))


def scored(a, b, c, **spec) -> ci.Result:
    data = pd.DataFrame({"a": a, "b": b, "c": c}, index=UNITS, dtype=float)
    return ci.score(one_node(), data, normalization="none", **spec)


# -- entropy ------------------------------------------------------------------------------------
def test_entropy_with_a_zero_cell_by_hand():
    # a = 1 2 3 4: p = .1 .2 .3 .4; b = 0 1 1 2: p = 0 .25 .25 .5 (0 ln 0 = 0), e_b = 1.5 ln 2 / ln 4 = 0.75;
    # c = 2 2 2 4: p = .2 .2 .2 .4. e = -sum p ln p / ln 4, d = 1 - e, w = d / sum d.
    ea = -(0.1 * math.log(0.1) + 0.2 * math.log(0.2) + 0.3 * math.log(0.3) + 0.4 * math.log(0.4)) / math.log(4)
    eb = 0.75
    ec = -(3 * 0.2 * math.log(0.2) + 0.4 * math.log(0.4)) / math.log(4)
    d = np.array([1 - ea, 1 - eb, 1 - ec])
    r = W.entropy(scored([1, 2, 3, 4], [0, 1, 1, 2], [2, 2, 2, 4]))
    assert r.method == "entropy"
    np.testing.assert_allclose(r.weights[["a", "b", "c"]], d / d.sum(), rtol=1e-12)
    np.testing.assert_allclose(r.weights[["a", "b"]], [0.20989, 0.68340], atol=1e-5)  # the same, as numbers
    t = r.tables["children"].set_index("child")
    assert t.loc["b", "entropy"] == pytest.approx(0.75, rel=1e-12)
    assert r.diagnostics.loc["P", "n_units"] == 4


def test_entropy_with_missing_values_uses_each_childs_available_units():
    # c = 2 NaN 2 4: its 3 units, p = .25 .25 .5, e_c = 1.5 ln 2 / ln 3; a and b as above over 4 units.
    ea = -(0.1 * math.log(0.1) + 0.2 * math.log(0.2) + 0.3 * math.log(0.3) + 0.4 * math.log(0.4)) / math.log(4)
    ec = 1.5 * math.log(2) / math.log(3)
    d = np.array([1 - ea, 0.25, 1 - ec])
    r = W.entropy(scored([1, 2, 3, 4], [0, 1, 1, 2], [2, np.nan, 2, 4]))
    np.testing.assert_allclose(r.weights[["a", "b", "c"]], d / d.sum(), rtol=1e-12)
    t = r.tables["children"].set_index("child")
    assert t.loc["c", "n_units"] == 3 and t.loc["a", "n_units"] == 4
    assert r.diagnostics.loc["P", "n_dropped"] == 1


def test_entropy_errors_name_node_child_and_unit():
    with pytest.raises(DataError, match=r"node 'P', child 'b', unit 'BEL'.*negative"):
        W.entropy(scored([1, 2, 3, 4], [0, -1, 1, 2], [2, 2, 2, 4]))
    with pytest.raises(DataError, match=r"node 'P', child 'c'.*constant"):
        W.entropy(scored([1, 2, 3, 4], [0, 1, 1, 2], [3, 3, 3, 3]))


# -- CRITIC -------------------------------------------------------------------------------------
def test_critic_with_perfectly_correlated_children_by_hand():
    # a = 1 2 3 4 and b = 2 4 6 8: r_ab = 1; c = 4 1 3 2: r_ac = r_bc = -2/5 (centered products -2,
    # sums of squares 5 and 5). Conflict sums: a: 0 + 1.4, b: 1.4, c: 1.4 + 1.4 = 2.8. The min-max
    # normalized children all take the values 0 1/3 2/3 1, so s is the same: w = .25 .25 .5.
    r = W.critic(scored([1, 2, 3, 4], [2, 4, 6, 8], [4, 1, 3, 2]))
    np.testing.assert_allclose(r.weights[["a", "b", "c"]], [0.25, 0.25, 0.5], rtol=1e-12)
    t = r.tables["children"].set_index("child")
    np.testing.assert_allclose(t["conflict"], [1.4, 1.4, 2.8], rtol=1e-12)
    np.testing.assert_allclose(t["sd"], [math.sqrt(5 / 27)] * 3, rtol=1e-12)


def test_critic_against_numpy_with_listwise_deletion():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 3)) @ np.array([[1, 0.5, 0.2], [0, 1, 0.3], [0, 0, 1]])
    x[5, 1] = np.nan
    x[9, 2] = np.nan
    fw = one_node()
    data = pd.DataFrame(x, columns=["a", "b", "c"], index=pd.Index([f"u{i}" for i in range(40)], name="unit"))
    r = W.critic(ci.score(fw, data, normalization="none"))
    ok = ~np.isnan(x).any(axis=1)
    xc = x[ok]
    z = (xc - xc.min(0)) / (xc.max(0) - xc.min(0))
    s = z.std(0, ddof=1)
    c = s * (1 - np.corrcoef(xc, rowvar=False)).sum(0)
    np.testing.assert_allclose(r.weights[["a", "b", "c"]], c / c.sum(), rtol=1e-10)
    assert r.diagnostics.loc["P", "n_dropped"] == 2 and r.diagnostics.loc["P", "n_units"] == 38


# -- PCA and factor analysis --------------------------------------------------------------------
def latent_data(n=200, seed=1):
    # Two latent factors: x1..x3 load on f1, x4..x6 on f2, x7 on both.
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 2))
    load = np.array([[0.9, 0.1], [0.8, 0.0], [0.7, 0.2], [0.1, 0.8], [0.0, 0.9], [0.2, 0.7], [0.5, 0.5]])
    return f @ load.T + 0.5 * rng.normal(size=(n, 7))


def framework_of(q: int) -> ci.Framework:
    return ci.Framework.from_frame(pd.DataFrame({"code": ["P"] + [f"x{j + 1}" for j in range(q)],
                                                 "parent": [""] + ["P"] * q}))


def result_of(x: np.ndarray) -> ci.Result:
    q = x.shape[1]
    data = pd.DataFrame(x, columns=[f"x{j + 1}" for j in range(q)],
                        index=pd.Index([f"u{i}" for i in range(len(x))], name="unit"))
    return ci.score(framework_of(q), data, normalization="none")


def first_component(x: np.ndarray):
    x = x[~np.isnan(x).any(axis=1)]
    val, vec = np.linalg.eigh(np.corrcoef(x, rowvar=False))
    v = vec[:, -1]
    return (v if v.sum() > 0 else -v), val[::-1]


def test_pca_against_numpy_eigh():
    x = latent_data()
    x[3, 2] = np.nan  # listwise: this unit is dropped
    r = W.pca(result_of(x))
    v, ev = first_component(x)
    codes = [f"x{j + 1}" for j in range(7)]
    np.testing.assert_allclose(r.weights[codes], v / v.sum(), rtol=1e-9)
    assert r.diagnostics.loc["P", "explained_variance"] == pytest.approx(ev[0] / 7, rel=1e-10)
    assert r.diagnostics.loc["P", "n_dropped"] == 1
    e = r.tables["eigenvalues"]
    np.testing.assert_allclose(e["eigenvalue"], ev, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(r.tables["loadings"]["loading"], v, rtol=1e-9)


def test_pca_negative_loading_is_an_error_or_a_warning():
    # c reversed: r_ac = -1, so c's loading is negative once the loadings sum positive.
    res = scored([1, 2, 3, 4], [1, 3, 2, 4], [4, 3, 2, 1])
    with pytest.raises(DataError, match=r"pca: node 'P', child 'c': negative loading"):
        W.pca(res)
    with pytest.warns(CompindexWarning, match=r"child 'c': negative loading"):
        r = W.pca(res, rule="absolute")
    v, _ = first_component(np.array([[1, 1, 4], [2, 3, 3], [3, 2, 2], [4, 4, 1]], dtype=float))
    np.testing.assert_allclose(r.weights[["a", "b", "c"]], np.abs(v) / np.abs(v).sum(), rtol=1e-10)
    assert r.method == "pca(rule=absolute)"
    assert "child 'c'" in r.diagnostics.loc["P", "warnings"]


def varimax_by_grid(l: np.ndarray) -> np.ndarray:
    """Two-factor varimax by brute force: the Kaiser-normalized criterion over a grid of angles
    (step 1e-5 over a period of pi/2), then the angle refined by scipy's bounded scalar search."""
    from scipy.optimize import minimize_scalar

    h = np.sqrt((l ** 2).sum(1))
    z = l / h[:, None]

    def rot(phi):
        return np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])

    def crit(phi):
        z2 = (z @ rot(phi)) ** 2
        return (z2 ** 2).sum() - (z2.sum(0) ** 2).sum() / len(z)

    grid = np.arange(0, np.pi / 2, 1e-4)
    best = grid[np.argmax([crit(p) for p in grid])]
    phi = minimize_scalar(lambda p: -crit(p), bounds=(best - 2e-4, best + 2e-4), method="bounded",
                          options={"xatol": 1e-12}).x
    return (z @ rot(phi)) * h[:, None]


def handbook_weights(l: np.ndarray) -> np.ndarray:
    sq = l ** 2
    var = sq.sum(0)
    scaled = sq / var
    k = scaled.argmax(1)
    w = var[k] / var.sum() * scaled[np.arange(len(l)), k]
    return w / w.sum()


def test_factor_analysis_against_numpy_and_a_grid_varimax():
    x = latent_data()
    r = W.factor_analysis(result_of(x))
    val, vec = np.linalg.eigh(np.corrcoef(x, rowvar=False))
    val, vec = val[::-1], vec[:, ::-1]
    assert (val > 1).sum() == 2 and val[:2].sum() / 7 > 0.6  # two factors by both rules
    l = vec[:, :2] * np.sqrt(val[:2])
    rotated = varimax_by_grid(l)
    codes = [f"x{j + 1}" for j in range(7)]
    np.testing.assert_allclose(r.weights[codes], handbook_weights(rotated), rtol=1e-6)
    d = r.diagnostics.loc["P"]
    assert d["n_factors"] == 2
    assert d["cumulative_variance"] == pytest.approx(val[:2].sum() / 7, rel=1e-10)
    got_var = sorted([d["factor_1_variance"], d["factor_2_variance"]])
    np.testing.assert_allclose(got_var, sorted((rotated ** 2).sum(0) / 7), rtol=1e-6)
    # x1..x3 on one factor, x4..x6 on the other.
    f = r.tables["children"].set_index("child")["factor"]
    assert len(set(f[["x1", "x2", "x3"]])) == 1 and len(set(f[["x4", "x5", "x6"]])) == 1
    assert f["x1"] != f["x4"]


def test_factor_analysis_adds_components_to_reach_the_cumulative_share():
    x = latent_data()
    with pytest.warns(CompindexWarning, match="more kept to reach it"):
        r = W.factor_analysis(result_of(x), min_cumulative=0.95)
    val = np.linalg.eigvalsh(np.corrcoef(x, rowvar=False))[::-1]
    k = int(np.argmax(np.cumsum(val) / 7 >= 0.95)) + 1
    assert r.diagnostics.loc["P", "n_factors"] == k
    assert r.method == "factor_analysis(min_cumulative=0.95)"


def test_core_varimax_matches_the_grid():
    from compindex import _core

    l0 = np.array([[0.8, 0.1], [0.7, 0.0], [0.1, 0.8], [0.0, 0.6], [0.5, 0.4]])
    got, t = _core.varimax(l0, 1e-12, 1000)
    want = varimax_by_grid(l0)
    # The same up to the order and sign of the factors.
    for k in range(2):
        match = [j for j in range(2) if np.allclose(np.abs(got[:, j]), np.abs(want[:, k]), atol=1e-6)]
        assert match, (got, want)
    np.testing.assert_allclose(t.T @ t, np.eye(2), atol=1e-12)


# -- errors, equal, derive ------------------------------------------------------------------------
def test_errors_name_the_node_and_child():
    with pytest.raises(DataError, match=r"pca: node 'P': needs at least 3 units.*got 2"):
        W.pca(scored([1, np.nan, 3, 4], [1, 3, np.nan, 4], [2, 0, 0, 2]))
    with pytest.raises(DataError, match=r"critic: node 'P', child 'b': constant"):
        W.critic(scored([1, 2, 3, 4], [5, 5, 5, 5], [2, 0, 0, 2]))
    res = scored([1, 2, 3, 4], [1, 3, 2, 4], [2, 0, 0, 2])
    with pytest.raises(SpecError, match="'a' is an indicator"):
        W.pca(res, nodes=["a"])
    with pytest.raises(SpecError, match="Z"):
        W.critic(res, nodes="Z")
    with pytest.raises(SpecError, match="unknown method 'foo'"):
        W.derive(res, "foo")
    with pytest.raises(SpecError, match="expected a compindex.Result"):
        W.entropy(pd.DataFrame())


def test_equal_and_derive_by_name():
    fw = one_node()
    r = W.equal(fw)
    np.testing.assert_allclose(r.weights[["a", "b", "c"]], [1 / 3] * 3)
    res = scored([1, 2, 3, 4], [1, 3, 2, 4], [2, 0, 0, 2])
    # The hand case of pca: R = [[1 .8 0] [.8 1 0] [0 0 1]], first component (1 1 0)/sqrt 2.
    np.testing.assert_allclose(W.derive(res, "pca").weights[["a", "b", "c"]], [0.5, 0.5, 0.0], atol=1e-12)
    sq = W.derive(res, "pca(rule=squared)")
    assert sq.method == "pca(rule=squared)"
    np.testing.assert_allclose(W.derive(res, "factor_analysis(min_cumulative=0.5)").weights[["a", "b", "c"]],
                               [0.5, 0.5, 0.0], atol=1e-12)
    with pytest.raises(SpecError, match="does not take"):
        W.derive(res, "entropy(p=2)")


# -- named weight sets in metadata tables ---------------------------------------------------------
def test_weight_set_columns_round_trip_and_score():
    res = scored([1, 2, 3, 4], [2, 4, 6, 8], [4, 1, 3, 2])
    fw = W.critic(res).apply(one_node(), name="critic")
    table = fw.to_frame().reset_index()
    assert "weight_critic" in table.columns
    back = ci.Framework.from_frame(table)
    assert back.weight_sets == ["critic"]
    np.testing.assert_allclose(back.weight_set("critic")[["a", "b", "c"]], [0.25, 0.25, 0.5])
    np.testing.assert_allclose(back.weights[["a", "b", "c"]], [2, 1, 1])  # nominal unchanged
    data = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 4, 6, 8], "c": [4, 1, 3, 2]}, index=UNITS, dtype=float)
    s = ci.score(back, data, normalization="none", weights="critic").scores["P"]
    np.testing.assert_allclose(s, 0.25 * data["a"] + 0.25 * data["b"] + 0.5 * data["c"])
    # An empty cell is the node's nominal weight.
    t2 = pd.DataFrame({"code": ["P", "a", "b", "c"], "parent": ["", "P", "P", "P"], "weight": [1, 2, 1, 1],
                       "weight_alt": ["", "", "3", ""]})
    np.testing.assert_allclose(ci.Framework.from_frame(t2).weight_set("alt")[["a", "b", "c"]], [2, 3, 1])


def test_weight_set_column_errors_name_row_and_column():
    base = {"code": ["P", "a", "b", "c"], "parent": ["", "P", "P", "P"]}
    with pytest.raises(DataError, match=r"row 3, column 'weight_x'.*not a number"):
        ci.Framework.from_frame(pd.DataFrame({**base, "weight_x": ["", "1", "abc", ""]}))
    with pytest.raises(SpecError, match=r"row 2, column 'weight_x'.*node 'a'.*non-negative"):
        ci.Framework.from_frame(pd.DataFrame({**base, "weight_x": ["", "-1", "", ""]}))
    with pytest.raises(SpecError, match=r"column 'weight_x'"):
        ci.Framework.from_frame(pd.DataFrame({**base, "weight_x": ["", "0", "0", "0"]}))
    with pytest.raises(SpecError, match="needs a name"):
        ci.Framework.from_frame(pd.DataFrame({**base, "weight_": ["", "1", "", ""]}))


# -- COINr's ASEM ---------------------------------------------------------------------------------
def _asem_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(os.path.join(ASEM, name), na_values=["NA"], keep_default_na=False)


@pytest.fixture(scope="module")
def asem() -> ci.Result:
    if not os.path.isdir(ASEM):
        pytest.skip("COINr ASEM reference data not present")
    meta = _asem_csv("iMeta.csv")
    meta = meta[meta["Type"].isin(["Indicator", "Aggregate"])]
    # The normalized data are already direction-adjusted: score them as they are.
    fw = ci.Framework.from_frame(pd.DataFrame({"code": meta["iCode"], "parent": meta["Parent"].fillna(""),
                                               "weight": meta["Weight"]}))
    norm = _asem_csv("normalised.csv").set_index("uCode").rename_axis("unit")
    return ci.score(fw, norm[fw.indicators], normalization="none")


def test_asem_scores_match_coinr(asem):
    agg = _asem_csv("aggregated.csv").set_index("uCode")
    np.testing.assert_allclose(asem.scores["Index"].to_numpy(), agg["Index"].to_numpy(), rtol=1e-9)


def test_asem_pca_at_the_pillar_level_against_coinr_convention(asem):
    # COINr's get_PCA at the pillar level: prcomp(scale = TRUE) of each sub-index's pillars on the
    # complete units; its weights are the first rotation column (unit length, arbitrary sign).
    # compindex: the same vector signed to sum positive, normalized to sum 1.
    agg = _asem_csv("aggregated.csv").set_index("uCode")
    fw = asem.framework
    # Sust's Social pillar loads negatively (-0.65): an error by default, a warning with rule=absolute.
    with pytest.raises(DataError, match="node 'Sust', child 'Social': negative loading"):
        W.pca(asem, nodes=["Sust"])
    with pytest.warns(CompindexWarning, match="child 'Social'"):
        r = W.pca(asem, nodes=["Conn", "Sust"], rule="absolute")
    for node in ["Conn", "Sust"]:
        kids = fw.children(node)
        x = agg[kids].dropna().to_numpy()
        xs = (x - x.mean(0)) / x.std(0, ddof=1)
        _, _, vt = np.linalg.svd(xs, full_matrices=False)  # prcomp's rotation = right singular vectors
        coinr = vt[0]
        v = coinr if coinr.sum() > 0 else -coinr
        np.testing.assert_allclose(r.weights[kids], np.abs(v) / np.abs(v).sum(), rtol=1e-8)
        np.testing.assert_allclose(np.abs(r.tables["loadings"].query("node == @node")["loading"]), np.abs(coinr), rtol=1e-8)


def test_asem_optimized_weights_reach_equal_correlations(asem):
    pytest.importorskip("scipy")
    # Sust (3 pillars): nominal correlations 0.52, 0.69, 0.28 with the sub-index; equal ones exist.
    node = "Sust"
    r = W.optimized(asem, node)
    t = r.tables["children"].set_index("child")
    share = t["correlation"] / t["correlation"].sum()
    start = t["start_correlation"] / t["start_correlation"].sum()
    assert np.abs(share - 1 / 3).max() < 1e-4  # equal correlations
    assert np.abs(share - 1 / 3).max() < np.abs(start - 1 / 3).max()
    assert r.diagnostics.loc[node, "objective"] < r.diagnostics.loc[node, "objective_start"]
    assert r.weights.sum() == pytest.approx(1.0)
    # The reported correlations are those of the node re-scored with the weights.
    fw = r.apply(asem.framework, "opt")
    norm = asem.data("normalized")
    again = ci.score(fw, norm, normalization="none", weights="opt").scores
    for c in fw.children(node):
        assert np.corrcoef(again[c], again[node])[0, 1] == pytest.approx(t.loc[c, "correlation"], rel=1e-9)
    with pytest.raises(SpecError, match="one value per child"):
        W.optimized(asem, node, target=[1, 2])


def test_asem_pca_at_the_indicator_level_listwise(asem):
    # COINr's get_PCA at Level 1: each pillar's indicators, complete units only (rows with NA
    # dropped). Oracle: numpy's SVD of the standardized complete rows of normalised.csv.
    norm = _asem_csv("normalised.csv").set_index("uCode")
    fw = asem.framework
    pillars = [a for a in fw.aggregates if fw.level_of(a) == 2]
    with pytest.warns(CompindexWarning) as caught:
        r = W.pca(asem, nodes=pillars, rule="absolute")
    flagged = sorted(str(w.message).split("child '")[1].split("'")[0] for w in caught)
    assert flagged == ["Forest", "NEET", "RDExp", "TBTs"]  # loadings still negative after signing
    for node in pillars:
        kids = fw.children(node)
        x = norm[kids].dropna().to_numpy()
        assert r.diagnostics.loc[node, "n_dropped"] == len(norm) - len(x)
        xs = (x - x.mean(0)) / x.std(0, ddof=1)
        v = np.linalg.svd(xs, full_matrices=False)[2][0]
        v = v if v.sum() > 0 else -v
        np.testing.assert_allclose(r.weights[kids], np.abs(v) / np.abs(v).sum(), rtol=1e-8)


def test_optimized_targets_and_errors(asem):
    pytest.importorskip("scipy")
    # A target of shares 2:1:1 over Sust's pillars: the achieved shares follow it.
    r = W.optimized(asem, "Sust", target={"Environ": 2, "Social": 1, "SusEcFin": 1})
    t = r.tables["children"].set_index("child")
    np.testing.assert_allclose(t["target"], [0.5, 0.25, 0.25])
    np.testing.assert_allclose(t["correlation"] / t["correlation"].sum(), [0.5, 0.25, 0.25], atol=1e-6)
    assert r.diagnostics.loc["Sust", "objective"] < r.diagnostics.loc["Sust", "objective_start"]
    assert W.derive(asem, "optimized", nodes="Sust").method == "optimized"
    with pytest.raises(SpecError, match="exactly one node"):
        W.derive(asem, "optimized")
    with pytest.raises(SpecError, match="not children of 'Sust'"):
        W.optimized(asem, "Sust", target={"LPI": 1})
    with pytest.raises(SpecError, match="is an indicator"):
        W.optimized(asem, "LPI")
