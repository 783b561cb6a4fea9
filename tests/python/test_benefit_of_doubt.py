"""Benefit of the Doubt from Python: scores against scipy's HiGHS (``linprog``) on random small
problems, with and without share restrictions; a hand-solved 3-unit case through names, metadata
and details; missing values; typed errors; uncertainty analysis invariant to the thread count."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex import _core
from compindex.uncertainty import Aggregation, Weights

linprog = pytest.importorskip("scipy.optimize").linprog

pytestmark = pytest.mark.skipif(not _core.aggregation.has_lp_solver(),
                                reason="compindex was built without COIN-OR CLP")


def flat_index(k: int) -> ci.Framework:
    return ci.Framework.from_nodes([{"code": "I"}] + [{"code": f"x{j}", "parent": "I"} for j in range(k)])


def oracle(y: np.ndarray, lower: np.ndarray | None = None, upper: np.ndarray | None = None) -> np.ndarray:
    """BoD scores by scipy's HiGHS: for unit i, max y_i.w s.t. Y w <= 1, w >= 0, and with share
    bounds w_j y_ij - L_j y_i.w >= 0 (only where y_ij > 0, as compindex documents) and
    w_j y_ij - U_j y_i.w <= 0."""
    n, k = y.shape
    out = np.empty(n)
    for i in range(n):
        a_ub, b_ub = [y], [np.ones(n)]
        if lower is not None:
            for j in range(k):
                if lower[j] > 0 and y[i, j] > 0:
                    row = -lower[j] * y[i]
                    row[j] += y[i, j]
                    a_ub.append(-row[None, :])
                    b_ub.append([0.0])
        if upper is not None:
            for j in range(k):
                if upper[j] < 1:
                    row = -upper[j] * y[i]
                    row[j] += y[i, j]
                    a_ub.append(row[None, :])
                    b_ub.append([0.0])
        res = linprog(-y[i], A_ub=np.vstack(a_ub), b_ub=np.concatenate(b_ub), bounds=[(0, None)] * k, method="highs")
        assert res.status == 0
        out[i] = -res.fun
    return out


def random_problem(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(5, 13)), int(rng.integers(2, 6))
    y = rng.uniform(0, 10, size=(n, k))
    y[rng.random((n, k)) < 0.08] = 0.0  # some zeros
    return y


def check_weights(y: np.ndarray, w: np.ndarray, eff: np.ndarray, peers: list[list[int]]) -> None:
    """The returned weights are feasible, attain the score, and the peers are the binding units."""
    assert (w >= 0).all()
    totals = w @ y.T  # units x units: row i is unit i's weights applied to every unit
    assert (totals <= 1 + 1e-9).all()
    np.testing.assert_allclose(np.diag(totals), eff, rtol=0, atol=1e-9)
    for i, p in enumerate(peers):
        if eff[i] > 0:
            assert p == list(np.flatnonzero(totals[i] >= 1 - 1e-9))


@pytest.mark.parametrize("seed", range(20))
def test_random_problems_against_highs(seed):
    y = random_problem(seed)
    k = y.shape[1]
    fw = flat_index(k)
    data = pd.DataFrame(y, columns=[f"x{j}" for j in range(k)], index=[f"u{i}" for i in range(len(y))])
    res = ci.score(fw, data, normalization="none", aggregation="benefit_of_doubt")
    want = oracle(y)
    np.testing.assert_allclose(res.scores["I"].to_numpy() / 100, want, rtol=0, atol=1e-7)
    d = res.details("I")
    eff = d.per_unit["efficiency"].to_numpy()
    np.testing.assert_allclose(eff, want, rtol=0, atol=1e-7)
    peers = [[int(u[1:]) for u in p] for p in d.peers]
    check_weights(y, d.unit_weights.to_numpy(), eff, peers)
    # With share restrictions (per child, the same bounds as the solver's list form).
    lower = np.full(k, 0.1)
    upper = np.full(k, 0.6)
    res_r = ci.score(fw, data, normalization="none", aggregation="benefit_of_doubt(share_lower=0.1, share_upper=0.6)")
    want_r = oracle(y, lower, upper)
    np.testing.assert_allclose(res_r.scores["I"].to_numpy() / 100, want_r, rtol=0, atol=1e-7)
    e, w, p = _core.aggregation.solve_benefit_of_doubt(y, share_lower=list(lower), share_upper=list(upper))
    np.testing.assert_allclose(e, want_r, rtol=0, atol=1e-7)
    check_weights(y, w, e, p)
    # The shares of the weights returned respect the bounds.
    s = w * y
    tot = s.sum(axis=1, keepdims=True)
    ok = tot[:, 0] > 0
    shares = s[ok] / tot[ok]
    assert (shares <= 0.6 + 1e-7).all()
    assert ((shares >= 0.1 - 1e-7) | (y[ok] == 0)).all()


def test_per_child_bounds_against_highs():
    y = random_problem(101)
    k = y.shape[1]
    lower = np.linspace(0.0, 0.2, k)
    upper = np.linspace(0.9, 0.5, k)
    e, w, p = _core.aggregation.solve_benefit_of_doubt(y, share_lower=list(lower), share_upper=list(upper))
    np.testing.assert_allclose(e, oracle(y, lower, upper), rtol=0, atol=1e-7)
    check_weights(y, w, e, p)
    # Warm starts (from the previous unit's basis) give the same scores.
    e2, _, _ = _core.aggregation.solve_benefit_of_doubt(y, share_lower=list(lower), share_upper=list(upper), warm_start=True)
    np.testing.assert_allclose(e2, e, rtol=0, atol=1e-8)


ABC = pd.DataFrame({"x": [4.0, 1.0, 2.0], "y": [1.0, 4.0, 2.0]}, index=["A", "B", "C"])


def test_three_units_by_hand_names_and_details():
    # See tests/cpp/test_benefit_of_doubt.cpp for the LPs solved by hand: A, B on the frontier,
    # C = 0.8 at w = (0.2, 0.2) with peers A and B; with both shares >= 0.4, A and B fall to 4/7.
    fw = ci.Framework.from_nodes([{"code": "I"}, {"code": "x", "parent": "I"}, {"code": "y", "parent": "I"}])
    res = ci.score(fw, ABC, normalization="none", aggregation_by_node={"I": "benefit_of_doubt"})
    np.testing.assert_allclose(res.scores["I"], [100, 100, 80], atol=1e-9)
    d = res.details("I")
    assert d.method == "benefit_of_doubt"
    assert d.peers["C"] == ["A", "B"]
    np.testing.assert_allclose(d.unit_weights.loc["C"], [0.2, 0.2], atol=1e-9)
    assert list(d.unit_weights.columns) == ["x", "y"]
    assert d.scalars["frontier_units"] == 2
    r = ci.score(fw, ABC, normalization="none", aggregation="benefit_of_doubt(share_lower=0.4, lo=0, hi=1)")
    np.testing.assert_allclose(r.scores["I"], [4 / 7, 4 / 7, 0.8], atol=1e-9)
    assert r.details("I").peers["A"] == ["B"]
    assert r.ranks["I"].tolist() == [2, 2, 1]
    # The metadata's aggregation column takes the same names.
    meta = pd.DataFrame({"code": ["I", "x", "y"], "parent": ["", "I", "I"],
                         "aggregation": ["benefit_of_doubt(nominal_spread=0.2)", "", ""]})
    r2 = ci.score(ci.Framework.from_frame(meta), ABC, normalization="none")
    np.testing.assert_allclose(r2.scores["I"], [400 / 7, 400 / 7, 80], atol=1e-9)


def test_method_object_repr_pickle_and_names():
    b = ci.aggregation.BenefitOfDoubt(share_lower=0.05, share_upper=[0.5, 0.6], lo=1)
    assert repr(b) == "BenefitOfDoubt(share_lower=0.05, share_upper=[0.5, 0.6], lo=1, hi=100)"
    assert pickle.loads(pickle.dumps(b)) == b
    assert b.nominal_spread is None and b.share_upper == [0.5, 0.6]
    assert ci.aggregation.BenefitOfDoubt(nominal_spread=0.5).nominal_spread == 0.5
    assert ci._methods.aggregation("benefit_of_doubt(share_lower=0.05, share_upper=0.5)") == \
        ci.aggregation.BenefitOfDoubt(share_lower=[0.05], share_upper=0.5)
    assert "benefit_of_doubt" in ci._methods.NAMES["aggregation"]
    with pytest.raises(ci.SpecError, match="bad parameters for 'benefit_of_doubt'.*share_lower"):
        ci._methods.aggregation("benefit_of_doubt(floor=1)")


def test_missing_values_and_coverage():
    # D's missing x counts as 0: max 2b with b <= 1/4 (B's row 1a + 4b <= 1) -> 0.5, peer B.
    data = pd.concat([ABC, pd.DataFrame({"x": [np.nan], "y": [2.0]}, index=["D"])])
    fw = ci.Framework.from_nodes([{"code": "I"}, {"code": "x", "parent": "I"}, {"code": "y", "parent": "I"}])
    res = ci.score(fw, data, normalization="none", aggregation="benefit_of_doubt")
    np.testing.assert_allclose(res.scores["I"], [100, 100, 80, 50], atol=1e-9)
    assert res.details("I").peers["D"] == ["B"]
    with pytest.warns(ci.CompindexWarning):
        res1 = ci.score(fw, data, normalization="none", aggregation="benefit_of_doubt", coverage=1.0)
    assert np.isnan(res1.scores.loc["D", "I"])
    assert res1.details("I").unit_weights.loc["D"].isna().all()


def test_typed_errors_name_node_unit_and_child():
    fw = ci.Framework.from_nodes([{"code": "I"}, {"code": "x", "parent": "I"}, {"code": "y", "parent": "I"}])
    bad = ABC.copy()
    bad.loc["B", "y"] = -2.0
    with pytest.raises(ci.DataError, match=r"node 'I'.*non-negative.*unit 'B'.*-2.*'y'"):
        ci.score(fw, bad, normalization="none", aggregation="benefit_of_doubt")
    # z-scores are negative for half the units: the message says how to fix it.
    with pytest.raises(ci.DataError, match="min_max"):
        ci.score(fw, ABC, normalization="z_score", aggregation="benefit_of_doubt")
    with pytest.raises(ci.SpecError, match=r"node 'I'.*infeasible.*lower bounds add up to 1.4"):
        ci.score(fw, ABC, normalization="none", aggregation="benefit_of_doubt(share_lower=0.7)")
    with pytest.raises(ci.SpecError, match=r"node 'I'.*'x'.*infeasible"):
        ci.score(fw, ABC, normalization="none",
                 aggregation=ci.aggregation.BenefitOfDoubt(share_lower=[0.5, 0.1], share_upper=0.4))
    with pytest.raises(ci.SpecError, match="share_lower must be None, a number or a list"):
        ci.aggregation.BenefitOfDoubt(share_lower="high")


@pytest.fixture(scope="module")
def index() -> tuple[ci.Framework, pd.DataFrame]:
    rng = np.random.default_rng(8)
    nodes = [{"code": "I"}] + [{"code": f"P{p}", "parent": "I"} for p in range(3)]
    nodes += [{"code": f"x{j}", "parent": f"P{j // 3}"} for j in range(9)]
    data = pd.DataFrame(rng.lognormal(size=(14, 9)), columns=[f"x{j}" for j in range(9)],
                        index=[f"u{i:02d}" for i in range(14)])
    return ci.Framework.from_nodes(nodes), data


def test_uncertainty_with_bod_is_thread_count_invariant(index):
    fw, data = index
    factors = [Weights(spread=0.3), Aggregation(["arithmetic_mean", "benefit_of_doubt(share_lower=0.05)"])]
    a = ci.uncertainty_analysis(fw, data, factors, n=128, seed=4, threads=1)
    b = ci.uncertainty_analysis(fw, data, factors, n=128, seed=4, threads=2)
    np.testing.assert_array_equal(a.scores.to_numpy(), b.scores.to_numpy())
    assert a.failures.empty
    bod_name = "benefit_of_doubt(share_lower=0.05)"
    assert set(a.choices["aggregation"]) == {"arithmetic_mean", bod_name}
    # In the replications that chose BoD at every aggregate, the best unit scores 100.
    bod = (a.choices["aggregation"] == bod_name).to_numpy()
    assert 0 < bod.sum() < len(bod)
    assert np.allclose(a.scores.to_numpy()[bod].max(axis=1), 100)


def test_command_line(tmp_path, capsys):
    from compindex.cli import main

    (tmp_path / "meta.csv").write_text("code,parent\nI,\nx,I\ny,I\n")
    ABC.rename_axis("unit").to_csv(tmp_path / "data.csv")
    out = tmp_path / "scores.csv"
    args = ["score", "--framework", tmp_path / "meta.csv", "--data", tmp_path / "data.csv", "--out", out,
            "--normalization", "none", "--aggregation", "benefit_of_doubt(share_lower=0.4)"]
    assert main([str(a) for a in args]) == 0
    got = pd.read_csv(out).query("code == 'I'").set_index("unit")["score"]
    np.testing.assert_allclose(got.loc[["A", "B", "C"]], [400 / 7, 400 / 7, 80], atol=1e-6)
    # Negative (z-score) data: one error line naming the node, unit and child; exit status 2.
    args[args.index("none")] = "z_score"
    assert main([str(a) for a in args]) == 2
    err = capsys.readouterr().err
    assert "node 'I': benefit_of_doubt needs non-negative values" in err and "unit 'B'" in err
