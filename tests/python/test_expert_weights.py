"""Weights from experts from Python: AHP against Saaty's published drinks example and numpy's eigen
decomposition, several experts (geometric mean of judgements), the geometric method, consistency
warnings; budget allocation by hand; bad tables give typed errors naming node, expert and cell."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.weighting import WeightResult, ahp, ahp_matrix, budget, random_index

DRINKS = ["coffee", "wine", "tea", "beer", "sodas", "milk", "water"]
# Saaty (2008), "Decision making with the analytic hierarchy process", Int. J. Services Sciences
# 1(1):83-98, Table 2: "Which drink is consumed more in the U.S.?" (upper triangle, row vs column).
DRINKS_UPPER = {
    ("coffee", "wine"): 9, ("coffee", "tea"): 5, ("coffee", "beer"): 2, ("coffee", "sodas"): 1, ("coffee", "milk"): 1,
    ("coffee", "water"): 1 / 2, ("wine", "tea"): 1 / 3, ("wine", "beer"): 1 / 9, ("wine", "sodas"): 1 / 9,
    ("wine", "milk"): 1 / 9, ("wine", "water"): 1 / 9, ("tea", "beer"): 1 / 3, ("tea", "sodas"): 1 / 4,
    ("tea", "milk"): 1 / 3, ("tea", "water"): 1 / 9, ("beer", "sodas"): 1 / 2, ("beer", "milk"): 1,
    ("beer", "water"): 1 / 3, ("sodas", "milk"): 2, ("sodas", "water"): 1 / 2, ("milk", "water"): 1 / 3,
}
# The published derived scale and consistency ratio.
DRINKS_PUBLISHED = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
DRINKS_CR = 0.022


def drinks_framework() -> ci.Framework:
    return ci.Framework.from_nodes([{"code": "Consumption"}] + [{"code": d, "parent": "Consumption"} for d in DRINKS])


def tree() -> ci.Framework:
    # Index -> P1 (a, b, c, g), P2 (d, e), P3 (f)
    nodes = [{"code": "Index"}, {"code": "P1", "parent": "Index", "weight": 2}, {"code": "P2", "parent": "Index"},
             {"code": "P3", "parent": "Index"}]
    nodes += [{"code": c, "parent": "P1"} for c in "abcg"]
    nodes += [{"code": "d", "parent": "P2", "weight": 3}, {"code": "e", "parent": "P2"}, {"code": "f", "parent": "P3"}]
    return ci.Framework.from_nodes(nodes)


def full_matrix(upper: dict[tuple[str, str], float], names: list[str]) -> np.ndarray:
    a = np.eye(len(names))
    for (x, y), v in upper.items():
        i, j = names.index(x), names.index(y)
        a[i, j], a[j, i] = v, 1 / v
    return a


def numpy_eigen(a: np.ndarray) -> tuple[np.ndarray, float]:
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = vectors[:, k].real
    return w / w.sum(), float(values[k].real)


def judgements(upper: dict[tuple[str, str], float], node: str, expert: str | None = None) -> pd.DataFrame:
    df = pd.DataFrame([{"node": node, "child_a": a, "child_b": b, "value": v} for (a, b), v in upper.items()])
    if expert is not None:
        df["expert"] = expert
    return df


def test_saaty_drinks_published_weights_and_consistency_ratio():
    fw = drinks_framework()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # consistent: no warning
        res = ahp(fw, judgements(DRINKS_UPPER, "Consumption"))
    assert isinstance(res, WeightResult)
    assert list(res.weights.index) == DRINKS
    np.testing.assert_allclose(res.weights.to_numpy(), DRINKS_PUBLISHED, atol=0.0005)
    combined = res.diagnostics[res.diagnostics["combined"]].iloc[0]
    assert combined["cr"] == pytest.approx(DRINKS_CR, abs=0.0005)
    # numpy's eigen decomposition as the oracle.
    w, lam = numpy_eigen(full_matrix(DRINKS_UPPER, DRINKS))
    np.testing.assert_allclose(res.weights.to_numpy(), w, rtol=1e-10)
    assert combined["lambda_max"] == pytest.approx(lam, rel=1e-12)
    assert combined["ci"] == pytest.approx((lam - 7) / 6, rel=1e-9)
    assert combined["ri"] == 1.32
    assert combined["cr"] == pytest.approx((lam - 7) / 6 / 1.32, rel=1e-9)
    assert bool(combined["consistent"])
    # The combined matrix is in the tables, reciprocal.
    m = res.tables["matrix:Consumption"]
    assert m.loc["coffee", "wine"] == 9 and m.loc["wine", "coffee"] == pytest.approx(1 / 9)
    np.testing.assert_allclose(m.to_numpy() * m.to_numpy().T, 1.0, rtol=1e-14)
    # Saaty's 2005 table only changes RI and CR.
    res05 = ahp(fw, judgements(DRINKS_UPPER, "Consumption"), random_index="saaty2005")
    c05 = res05.diagnostics.iloc[-1]
    assert c05["ri"] == 1.35 and c05["cr"] == pytest.approx((lam - 7) / 6 / 1.35, rel=1e-9)
    assert res05.method == "ahp(method=eigenvector, random_index=saaty2005)"


def test_an_inconsistent_matrix_warns_naming_node_and_expert():
    fw = tree()
    # a > b (9), b > c (9), but c > a (9): wildly intransitive.
    upper = {("a", "b"): 9, ("b", "c"): 9, ("c", "a"): 9, ("a", "g"): 1, ("b", "g"): 1, ("c", "g"): 1}
    with pytest.warns(ci.CompindexWarning, match=r"node 'P1', expert 'ann': consistency ratio"):
        res = ahp(fw, judgements(upper, "P1", "ann"))
    w, lam = numpy_eigen(full_matrix(upper, list("abcg")))
    np.testing.assert_allclose(res.weights.loc[list("abcg")].to_numpy(), w, rtol=1e-10)
    row = res.diagnostics.iloc[0]
    assert row["expert"] == "ann" and not row["consistent"]
    assert row["cr"] == pytest.approx((lam - 4) / 3 / 0.90, rel=1e-9)
    assert row["cr"] > 0.1


def test_two_children_one_child_and_unjudged_nodes():
    fw = tree()
    tbl = pd.DataFrame({"node": ["P2", "P3"], "child_a": ["e", "f"], "child_b": ["d", "f"], "value": [1 / 3, 1]})
    res = ahp(fw, tbl)
    # d is 3 times e: 0.75, 0.25; f alone: 1. P1 was not judged: not in the weights.
    assert res.weights.to_dict() == pytest.approx({"d": 0.75, "e": 0.25, "f": 1.0})
    assert (res.diagnostics["cr"] == 0).all() and (res.diagnostics["ci"] == 0).all()
    # Applied, the unjudged nodes keep their nominal weights.
    fw2 = res.apply(fw, name="ahp")
    s = fw2.weight_set("ahp")
    assert s["d"] == 0.75 and s["f"] == 1.0 and s["a"] == 1.0 and s["P1"] == 2.0
    assert fw2.weights["d"] == 3.0  # nominal unchanged


def test_several_experts_geometric_mean_against_numpy():
    fw = tree()
    names = list("abcg")
    experts = {
        "ann": {("a", "b"): 3, ("a", "c"): 5, ("a", "g"): 7, ("b", "c"): 2, ("b", "g"): 3, ("c", "g"): 2},
        "bob": {("a", "b"): 1, ("a", "c"): 3, ("a", "g"): 5, ("b", "c"): 3, ("b", "g"): 5, ("c", "g"): 1},
        "cid": {("b", "a"): 2, ("a", "c"): 1, ("g", "a"): 1 / 4, ("b", "c"): 4, ("b", "g"): 6, ("c", "g"): 3},
    }
    tbl = pd.concat([judgements(u, "P1", e) for e, u in experts.items()], ignore_index=True)
    res = ahp(fw, tbl)
    mats = {e: full_matrix(u, names) for e, u in experts.items()}
    combined = np.exp(np.mean([np.log(m) for m in mats.values()], axis=0))
    w, lam = numpy_eigen(combined)
    np.testing.assert_allclose(res.weights.loc[names].to_numpy(), w, rtol=1e-10)
    np.testing.assert_allclose(res.tables["matrix:P1"].to_numpy(), combined, rtol=1e-12)
    d = res.diagnostics
    assert list(d["expert"].iloc[:3]) == ["ann", "bob", "cid"] and pd.isna(d["expert"].iloc[3])
    assert list(d["combined"]) == [False, False, False, True]
    assert d["lambda_max"].iloc[3] == pytest.approx(lam, rel=1e-12)
    # Each expert's own weights.
    ew = res.tables["expert_weights"]
    for e, m in mats.items():
        we, le = numpy_eigen(m)
        got = ew[ew["expert"] == e].set_index("child")["weight"].loc[names].to_numpy()
        np.testing.assert_allclose(got, we, rtol=1e-10)
        assert d.set_index("expert").loc[e, "cr"] == pytest.approx((le - 4) / 3 / 0.90, rel=1e-9)
    # The geometric method: normalized row geometric means of the combined matrix; and the GCI
    # (Aguarón & Moreno-Jiménez 2003) of the combined matrix.
    g = np.exp(np.log(combined).mean(axis=1))
    g /= g.sum()
    rg = ahp(fw, tbl, method="geometric")
    np.testing.assert_allclose(rg.weights.loc[names].to_numpy(), g, rtol=1e-12)
    gci = 2 / (3 * 2) * sum(np.log(combined[i, j] * g[j] / g[i]) ** 2 for i in range(4) for j in range(i + 1, 4))
    assert rg.diagnostics["gci"].iloc[3] == pytest.approx(gci, rel=1e-10)
    assert rg.diagnostics["lambda_max"].iloc[3] == pytest.approx(lam, rel=1e-12)  # a property of the matrix


def test_ahp_matrix_and_random_index():
    a = full_matrix(DRINKS_UPPER, DRINKS)
    s = ahp_matrix(pd.DataFrame(a, index=DRINKS, columns=DRINKS))
    w, lam = numpy_eigen(a)
    np.testing.assert_allclose(s.to_numpy(), w, rtol=1e-10)
    assert list(s.index) == DRINKS and s.attrs["lambda_max"] == pytest.approx(lam)
    assert [random_index(n) for n in range(1, 11)] == [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]
    assert [random_index(n, "saaty2005") for n in range(3, 8)] == [0.52, 0.89, 1.11, 1.25, 1.35]
    with pytest.raises(ci.SpecError, match="15"):
        random_index(16)
    with pytest.raises(ci.SpecError, match="random_index"):
        random_index(3, "dd")


@pytest.mark.parametrize("rows, error, message", [
    # Not reciprocal.
    ([("P2", "d", "e", 3, "ann"), ("P2", "e", "d", 3, "ann")], ci.DataError,
     r"node 'P2', expert 'ann', pair \('d', 'e'\): the judgements are not reciprocal"),
    # Outside 1/9..9, zero, negative.
    ([("P2", "d", "e", 12, "ann")], ci.DataError, r"node 'P2', expert 'ann', pair \('d', 'e'\).*between 1/9 and 9"),
    ([("P2", "d", "e", 0, "bob")], ci.DataError, r"node 'P2', expert 'bob', pair \('d', 'e'\).*between 1/9 and 9"),
    ([("P2", "d", "e", -3, "bob")], ci.DataError, r"expert 'bob'.*between 1/9 and 9"),
    # A missing pair.
    ([("P1", "a", "b", 3, "cid"), ("P1", "a", "c", 3, "cid"), ("P1", "a", "g", 3, "cid"), ("P1", "b", "c", 1, "cid"),
      ("P1", "b", "g", 1, "cid")], ci.DataError, r"node 'P1', expert 'cid'.*no judgement for the pair \('c', 'g'\)"),
    # Unknown node, indicator as node, child of another node.
    ([("P7", "d", "e", 3, "ann")], ci.SpecError, r"row 1: unknown node 'P7'"),
    ([("d", "d", "e", 3, "ann")], ci.SpecError, r"node 'd' is an indicator"),
    ([("P2", "d", "a", 3, "ann")], ci.SpecError, r"'a' is not a child of node 'P2'"),
])
def test_bad_judgements(rows, error, message):
    tbl = pd.DataFrame(rows, columns=["node", "child_a", "child_b", "value", "expert"])
    with pytest.raises(error, match=message):
        ahp(tree(), tbl)


def test_bad_tables_and_options():
    fw = tree()
    with pytest.raises(ci.SpecError, match="missing column.*'value'"):
        ahp(fw, pd.DataFrame({"node": ["P2"], "child_a": ["d"], "child_b": ["e"]}))
    with pytest.raises(ci.DataError, match="row 2: the value must be a number"):
        ahp(fw, pd.DataFrame({"node": ["P2", "P2"], "child_a": ["d", "e"], "child_b": ["e", "d"], "value": [3, "x"]}))
    with pytest.raises(ci.DataError, match="row 1: the expert is missing"):
        ahp(fw, pd.DataFrame({"node": ["P2"], "child_a": ["d"], "child_b": ["e"], "value": [3], "expert": [None]}))
    with pytest.raises(ci.SpecError, match="method"):
        ahp(fw, judgements({("d", "e"): 3}, "P2"), method="power")
    with pytest.raises(ci.SpecError, match="DataFrame"):
        ahp(fw, [("P2", "d", "e", 3)])
    with pytest.raises(ci.SpecError, match="missing column.*'points'"):
        budget(fw, pd.DataFrame({"node": ["P2"], "child": ["d"]}))
    with pytest.raises(ci.SpecError, match="statistic"):
        budget(fw, pd.DataFrame({"node": ["P2", "P2"], "child": ["d", "e"], "points": [1, 1]}), statistic="mode")


def test_budget_allocation_by_hand():
    fw = tree()
    # P2: ann 70/30, bob 40/60, cid 1/3 (of 4). Shares d: .7, .4, .25; e: .3, .6, .75.
    # Mean: d 1.35/3 = .45, e 1.65/3 = .55. Median: d .4, e .6 (sum 1).
    # SD of d: deviations .25, -.05, -.2: var = (.0625 + .0025 + .04)/2 = .0525.
    tbl = pd.DataFrame({"node": ["P2"] * 6, "child": ["d", "e"] * 3, "points": [70, 30, 40, 60, 1, 3],
                        "expert": ["ann", "ann", "bob", "bob", "cid", "cid"]})
    res = budget(fw, tbl)
    assert res.weights.to_dict() == pytest.approx({"d": 0.45, "e": 0.55})
    spread = res.tables["spread"].set_index("child")
    assert spread.loc["d", "sd"] == pytest.approx(np.sqrt(0.0525))
    assert spread.loc["d", "min"] == pytest.approx(0.25) and spread.loc["d", "max"] == pytest.approx(0.7)
    assert spread.loc["e", "n_experts"] == 3
    shares = res.tables["shares"]
    assert shares[(shares["expert"] == "cid") & (shares["child"] == "e")]["share"].item() == pytest.approx(0.75)
    diag = res.diagnostics.set_index("expert")
    assert diag.loc["cid", "total"] == 4 and diag.loc["ann", "max_deviation"] == pytest.approx(0.25)
    med = budget(fw, tbl, statistic="median")
    assert med.weights.to_dict() == pytest.approx({"d": 0.4, "e": 0.6})
    assert med.method == "budget(statistic=median)"
    # Median shares that do not sum to 1 are renormalized: P1 with three experts.
    # Shares a, b, c, g: ann .4 .3 .2 .1, bob .1 .1 .4 .4, cid .25 .25 .25 .25 -> medians .25 .25 .25 .25.
    # Add dan .0 .5 .5 .0 -> medians (of 4) a .175, b .275, c .325, g .175 (sum .95).
    rows = []
    for e, pts in {"ann": [4, 3, 2, 1], "bob": [1, 1, 4, 4], "cid": [1, 1, 1, 1], "dan": [0, 5, 5, 0]}.items():
        rows += [("P1", c, p, e) for c, p in zip("abcg", pts)]
    r4 = budget(fw, pd.DataFrame(rows, columns=["node", "child", "points", "expert"]), statistic="median")
    expected = np.array([0.175, 0.275, 0.325, 0.175]) / 0.95
    np.testing.assert_allclose(r4.weights.loc[list("abcg")].to_numpy(), expected, rtol=1e-12)
    # One expert, no expert column: the shares; no spread.
    one = budget(fw, pd.DataFrame({"node": ["P2", "P2"], "child": ["d", "e"], "points": [0, 5]}))
    assert one.weights.to_dict() == {"d": 0.0, "e": 1.0}
    assert np.isnan(one.tables["spread"]["sd"]).all()


@pytest.mark.parametrize("rows, message", [
    ([("P2", "d", 5, "ann")], r"node 'P2', expert 'ann', child 'e': no allocation"),
    ([("P2", "d", -1, "ann"), ("P2", "e", 5, "ann")], r"node 'P2', expert 'ann', child 'd': points must be a non-negative"),
    ([("P2", "d", 0, "bob"), ("P2", "e", 0, "bob")], r"node 'P2', expert 'bob': the points sum to 0"),
    ([("P2", "d", float("nan"), "bob"), ("P2", "e", 1, "bob")], r"expert 'bob', child 'd': points must be"),
])
def test_bad_allocations(rows, message):
    with pytest.raises(ci.DataError, match=message):
        budget(tree(), pd.DataFrame(rows, columns=["node", "child", "points", "expert"]))


def test_expert_weights_score_like_any_weight_set():
    fw = tree()
    res = ahp(fw, judgements({("d", "e"): 4}, "P2"))
    fw2 = res.apply(fw, name="ahp")
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.uniform(1, 10, size=(6, 7)), columns=list("abcgdef"), index=[f"u{i}" for i in range(6)])
    r = ci.score(fw2, data, weights="ahp")
    norm = r.data("normalized")
    assert r.scores["P2"].to_numpy() == pytest.approx((0.8 * norm["d"] + 0.2 * norm["e"]).to_numpy())


def test_random_reciprocal_matrices_against_numpy():
    # 200 random matrices of 3..15 elements on Saaty's scale, many of them badly inconsistent.
    rng = np.random.default_rng(2026)
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9])
    for _ in range(200):
        n = int(rng.integers(3, 16))
        a = np.eye(n)
        for i in range(n):
            for j in range(i + 1, n):
                a[i, j] = rng.choice(scale)
                a[j, i] = 1 / a[i, j]
        s = ahp_matrix(a)
        w, lam = numpy_eigen(a)
        np.testing.assert_allclose(s.to_numpy(), w, rtol=1e-8)
        assert s.attrs["lambda_max"] == pytest.approx(lam, rel=1e-10)
        assert s.attrs["cr"] == pytest.approx(max(0.0, (lam - n) / (n - 1)) / random_index(n), rel=1e-8, abs=1e-12)


def test_weighted_experts():
    fw = tree()
    # ann (weight 3) says d = 8 e, bob (weight 1) d = 2 e: a_de = (8^3 * 2)^(1/4) = 2^2.5.
    tbl = pd.DataFrame({"node": ["P2", "P2"], "child_a": ["d", "d"], "child_b": ["e", "e"], "value": [8, 2],
                        "expert": ["ann", "bob"]})
    res = ahp(fw, tbl, expert_weights={"ann": 3, "bob": 1})
    a = 2 ** 2.5
    assert res.weights["d"] == pytest.approx(a / (a + 1))
    with pytest.raises(ci.SpecError, match="expert 'bob' has no weight"):
        ahp(fw, tbl, expert_weights={"ann": 3})
    with pytest.raises(ci.SpecError, match="must be a number"):
        ahp(fw, tbl, expert_weights={"ann": "x", "bob": 1})
    # Budget: ann .7/.3 (weight 3), bob .4/.6 (weight 1): d = (3 * .7 + .4) / 4 = .625.
    al = pd.DataFrame({"node": ["P2"] * 4, "child": ["d", "e"] * 2, "points": [7, 3, 4, 6], "expert": ["ann", "ann", "bob", "bob"]})
    assert budget(fw, al, expert_weights={"ann": 3, "bob": 1}).weights["d"] == pytest.approx(0.625)
    with pytest.raises(ci.SpecError, match="mean only"):
        budget(fw, al, statistic="median", expert_weights={"ann": 3, "bob": 1})
