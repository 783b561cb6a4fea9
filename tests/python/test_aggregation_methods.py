"""Aggregation beyond weighted means (issue #12) from Python: OWA, mean-min, MPI, AMPI, TOPSIS and
the Wroclaw taxonomy against independent numpy computations of their published formulas, their
limits, details in ``Result.details``, the name forms, typed errors naming node, unit and child,
and thread invariance in uncertainty analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex import _methods
from compindex.uncertainty import Aggregation, Weights

CHILDREN = ["x1", "x2", "x3", "x4"]


def flat(weights=(1, 1, 1, 1), directions=(1, 1, 1, 1), codes=CHILDREN, root="I") -> ci.Framework:
    nodes = [{"code": root}]
    nodes += [{"code": c, "parent": root, "weight": w, "direction": d} for c, w, d in zip(codes, weights, directions)]
    return ci.Framework.from_nodes(nodes)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(12)
    x = rng.lognormal(mean=1.0, sigma=0.5, size=(9, 4))
    return pd.DataFrame(x, columns=CHILDREN, index=[f"u{i}" for i in range(9)])


def score(fw, data, aggregation, **kw):
    # normalization "none": the method sees the raw values, so numpy can recompute it from them
    return ci.score(fw, data, normalization="none", aggregation=aggregation, **kw)


# -- OWA ----------------------------------------------------------------------------------------

def test_owa_orness_limits_are_min_mean_max(data):
    fw = flat(weights=(1, 2, 3, 4))  # importance weights do not enter OWA
    x = data.to_numpy()
    np.testing.assert_allclose(score(fw, data, "owa(orness=0)").scores["I"], x.min(axis=1), rtol=1e-13)
    np.testing.assert_allclose(score(fw, data, "owa(orness=0.5)").scores["I"], x.mean(axis=1), rtol=1e-13)
    np.testing.assert_allclose(score(fw, data, "owa(orness=1)").scores["I"], x.max(axis=1), rtol=1e-13)


def test_owa_explicit_and_quantifier_weights(data):
    fw = flat()
    x = data.to_numpy()
    w = np.array([0.4, 0.3, 0.2, 0.1])
    res = score(fw, data, "owa(weights=0.4;0.3;0.2;0.1)")
    np.testing.assert_allclose(res.scores["I"], np.sort(x, axis=1)[:, ::-1] @ w, rtol=1e-13)
    d = res.details("I")
    assert d.method == "owa"
    # orness = sum_j w_j (n - j)/(n - 1) = (0.4*3 + 0.3*2 + 0.2*1)/3 = 2/3
    assert d.scalars["orness"] == pytest.approx(2 / 3)
    # orness 0.3: weights from Q(r) = r^a; the reported orness is 0.3 and the score uses those weights
    res = score(fw, data, "owa(orness=0.3)")
    d = res.details("I")
    a = d.scalars["quantifier_exponent"]
    q = (np.arange(5) / 4) ** a
    wq = np.diff(q)
    assert wq @ (3 - np.arange(4)) / 3 == pytest.approx(0.3, abs=1e-9)
    assert d.scalars["orness"] == pytest.approx(0.3, abs=1e-9)
    np.testing.assert_allclose([d.scalars[f"weight_{j}"] for j in range(1, 5)], wq, rtol=1e-9)
    np.testing.assert_allclose(res.scores["I"], np.sort(x, axis=1)[:, ::-1] @ wq, rtol=1e-9)
    np.testing.assert_allclose(ci.aggregation.owa_weights(0.3, 4), wq, rtol=1e-9)


def test_owa_bad_weights_are_spec_errors_naming_the_node(data):
    with pytest.raises(ci.SpecError, match=r"node 'I'.*sum to 1"):
        score(flat(), data, "owa(weights=0.4;0.3;0.2;0.2)")
    with pytest.raises(ci.SpecError, match=r"node 'I'.*4 children"):
        score(flat(), data, "owa(weights=0.5;0.5)")
    with pytest.raises(ci.SpecError, match=r"node 'I'.*orness"):
        score(flat(), data, "owa(orness=1.5)")
    with pytest.raises(ci.SpecError, match=r"owa's weights must be a number"):
        _methods.aggregation("owa(weights=0.5;x)")


# -- mean-min -----------------------------------------------------------------------------------

def test_mean_min_limits_and_formula(data):
    w = np.array([1.0, 2.0, 3.0, 4.0])
    fw = flat(weights=w)
    x = data.to_numpy()
    m = x @ w / w.sum()
    np.testing.assert_allclose(score(fw, data, "mean_min(alpha=0, beta=3)").scores["I"], m, rtol=1e-13)
    np.testing.assert_allclose(score(fw, data, "mean_min(alpha=1, beta=0)").scores["I"], x.min(axis=1), rtol=1e-12)
    res = score(fw, data, "mean_min(alpha=0.4, beta=1.5)")
    pen = 0.4 * (np.sqrt((m - x.min(axis=1)) ** 2 + 1.5 ** 2) - 1.5)
    np.testing.assert_allclose(res.scores["I"], m - pen, rtol=1e-13)
    np.testing.assert_allclose(res.details("I").per_unit["penalty"], pen, rtol=1e-12)
    with pytest.raises(ci.SpecError, match=r"node 'I'.*alpha"):
        score(fw, data, "mean_min(alpha=2)")


# -- MPI and AMPI -------------------------------------------------------------------------------

def mpi_numpy(x: np.ndarray, sign: int, ddof: int) -> tuple[np.ndarray, np.ndarray]:
    z = 100 + 10 * (x - np.nanmean(x, axis=0)) / np.nanstd(x, axis=0, ddof=ddof)
    m = np.nanmean(z, axis=1)
    s = np.nanstd(z, axis=1, ddof=ddof)
    pen = s * (s / m)
    return m + sign * pen, pen


@pytest.mark.parametrize("penalty,sign", [("negative", -1), ("positive", 1), ("-1", -1), ("+1", 1)])
@pytest.mark.parametrize("sd,ddof", [("population", 0), ("sample", 1)])
def test_mpi_against_numpy(data, penalty, sign, sd, ddof):
    res = score(flat(weights=(1, 5, 1, 1)), data, f"mpi(penalty={penalty}, sd={sd})")  # weights do not enter
    want, pen = mpi_numpy(data.to_numpy(), sign, ddof)
    np.testing.assert_allclose(res.scores["I"], want, rtol=1e-12)
    d = res.details("I")
    np.testing.assert_allclose(d.per_unit["penalty"], pen, rtol=1e-10)
    np.testing.assert_allclose(d.per_child["sd"], data.std(ddof=ddof), rtol=1e-12)


def test_mpi_missing_values(data):
    x = data.copy()
    x.iloc[2, 1] = np.nan  # u2 lacks x2: x2's mean and sd come from the other units
    res = score(flat(), x, "mpi")
    want, _ = mpi_numpy(x.to_numpy(), -1, 0)
    np.testing.assert_allclose(res.scores["I"], want, rtol=1e-12)
    with pytest.warns(ci.CompindexWarning, match="u2"):
        res = score(flat(), x, "mpi", coverage=1.0)
    assert np.isnan(res.scores.loc["u2", "I"]) and res.scores["I"].drop("u2").notna().all()


def ampi_numpy(x: np.ndarray, ref, delta, sign: int) -> np.ndarray:
    r = 70 + 60 * (x - (ref - delta)) / (2 * delta)
    m = r.mean(axis=1)
    s = r.std(axis=1)
    return m + sign * s * s / m


def test_ampi_against_numpy(data):
    x = data.to_numpy()
    ref, delta = x.mean(axis=0), (x.max(axis=0) - x.min(axis=0)) / 2  # defaults: the paper's and Compind's
    res = score(flat(), data, "ampi")
    np.testing.assert_allclose(res.scores["I"], ampi_numpy(x, ref, delta, -1), rtol=1e-12)
    res = score(flat(), data, "ampi(penalty=positive)")
    np.testing.assert_allclose(res.scores["I"], ampi_numpy(x, ref, delta, 1), rtol=1e-12)
    d = res.details("I")
    np.testing.assert_allclose(d.per_child["lower_goalpost"], ref - delta, rtol=1e-12)
    # Fixed goalposts (normalized data on 0..100, goalposts 0..100): comparable across years.
    res = ci.score(flat(), data, aggregation="ampi(reference=50, range=50)")
    norm = res.data("normalized").to_numpy()
    np.testing.assert_allclose(res.scores["I"], ampi_numpy(norm, 50.0, 50.0, -1), rtol=1e-12)


def test_ampi_goalposts_must_contain_the_data(data):
    # min-max data lie on 0..100; goalposts 50 -/+ 40 leave out each child's minimum and maximum
    with pytest.raises(ci.DataError, match=r"node 'I'.*unit 'u\d'.*for 'x1'.*outside the goalposts 10\.\.90"):
        ci.score(flat(), data, aggregation="ampi(reference=50, range=40)")
    with pytest.raises(ci.SpecError, match=r"node 'I'.*range"):
        score(flat(), data, "ampi(range=-1)")


# -- TOPSIS -------------------------------------------------------------------------------------

def topsis_numpy(x: np.ndarray, w: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """The textbook steps (Hwang and Yoon 1981): vector normalization, weighting, ideal and
    anti-ideal per attribute (max/min for a benefit, min/max for a cost), Euclidean distances."""
    v = x / np.sqrt((x ** 2).sum(axis=0)) * w
    ideal = np.where(benefit, v.max(axis=0), v.min(axis=0))
    anti = np.where(benefit, v.min(axis=0), v.max(axis=0))
    dp = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    dm = np.sqrt(((v - anti) ** 2).sum(axis=1))
    return dm / (dp + dm)


def test_topsis_fighter_aircraft_textbook_example():
    # Hwang and Yoon (1981): four fighter aircraft; maximum speed, ferry range, maximum payload,
    # purchasing cost (lower is better), reliability, maneuverability; weights .2 .1 .1 .1 .2 .3.
    # Published ranking A1 > A3 > A4 > A2.
    codes = ["speed", "range", "payload", "cost", "reliability", "maneuver"]
    x = np.array([[2.0, 1500, 20000, 5.5, 5, 9], [2.5, 2700, 18000, 6.5, 3, 5],
                  [1.8, 2000, 21000, 4.5, 7, 7], [2.2, 1800, 20000, 5.0, 5, 5]])
    w = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.3])
    fw = flat(weights=w, directions=(1, 1, 1, -1, 1, 1), codes=codes, root="Aircraft")
    data = pd.DataFrame(x, columns=codes, index=["A1", "A2", "A3", "A4"])
    res = ci.score(fw, data, normalization="none", aggregation="topsis(normalize=vector, lower=0, upper=1)")
    want = topsis_numpy(x, w, np.array([1, 1, 1, 0, 1, 1], bool))
    np.testing.assert_allclose(res.scores["Aircraft"], want, rtol=1e-12)
    np.testing.assert_allclose(want, [0.643, 0.268, 0.614, 0.312], atol=5e-4)
    assert list(res.ranks["Aircraft"].sort_values().index) == ["A1", "A3", "A4", "A2"]
    d = res.details("Aircraft")
    assert set(d.per_unit.columns) >= {"distance_to_ideal", "distance_to_anti_ideal", "closeness"}
    np.testing.assert_allclose(d.per_unit["closeness"], want, rtol=1e-12)


def test_topsis_without_vector_normalization(data):
    w = np.array([1.0, 2.0, 3.0, 2.0])
    x = data.to_numpy()
    res = score(flat(weights=w), data, "topsis")  # default normalize=none, 0..100
    v = x * w / w.sum()
    dp = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    dm = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    np.testing.assert_allclose(res.scores["I"], 100 * dm / (dp + dm), rtol=1e-12)


# -- Wroclaw taxonomy ---------------------------------------------------------------------------

@pytest.mark.parametrize("sd,ddof", [("population", 0), ("sample", 1)])
def test_wroclaw_against_numpy(data, sd, ddof):
    x = data.to_numpy()
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=ddof)
    d = np.sqrt(((z - z.max(axis=0)) ** 2).sum(axis=1))
    d0 = d.mean() + 2 * d.std(ddof=ddof)
    res = score(flat(), data, f"wroclaw(sd={sd})")
    np.testing.assert_allclose(res.scores["I"], 100 * (1 - d / d0), rtol=1e-12)
    det = res.details("I")
    assert det.scalars["d0"] == pytest.approx(d0, rel=1e-12)
    np.testing.assert_allclose(det.per_unit["distance"], d, rtol=1e-12)
    np.testing.assert_allclose(det.per_unit["distance_ratio"], d / d0, rtol=1e-12)  # Compind's ci_wroclaw value


# -- everywhere a method goes -------------------------------------------------------------------

ALL = ["owa(orness=0.3)", "mean_min(alpha=0.5, beta=10)", "mpi(penalty=negative)", "ampi", "topsis", "wroclaw"]


def test_names_round_trip_and_bad_parameters():
    for s in ALL:
        m = _methods.aggregation(s)
        assert m.name == s.split("(")[0]
    with pytest.raises(ci.SpecError, match="mpi: penalty"):
        _methods.aggregation("mpi(penalty=sideways)")
    with pytest.raises(ci.SpecError, match="topsis: normalize"):
        _methods.aggregation("topsis(normalize=l1)")
    with pytest.raises(ci.SpecError, match="bad parameters for 'wroclaw'"):
        _methods.aggregation("wroclaw(alpha=1)")


def test_per_node_in_metadata_and_details():
    rng = np.random.default_rng(4)
    nodes = [{"code": "I", "aggregation": "topsis"}]
    nodes += [{"code": "P1", "parent": "I", "aggregation": "owa(weights=0.5;0.3;0.2)"},
              {"code": "P2", "parent": "I", "aggregation": "mpi(penalty=positive)"}]
    nodes += [{"code": f"x{j}", "parent": "P1" if j < 3 else "P2"} for j in range(6)]
    fw = ci.Framework.from_nodes(nodes)
    data = pd.DataFrame(rng.lognormal(size=(8, 6)), columns=[f"x{j}" for j in range(6)], index=[f"u{i}" for i in range(8)])
    res = ci.score(fw, data, aggregation_by_node={"P2": "wroclaw"})
    assert res.details("I").method == "topsis"
    assert res.details("P1").scalars["orness"] == pytest.approx((0.5 * 2 + 0.3) / 2)
    assert res.details("P2").method == "wroclaw"
    norm = res.data("normalized")[["x0", "x1", "x2"]].to_numpy()
    np.testing.assert_allclose(res.scores["P1"], np.sort(norm, axis=1)[:, ::-1] @ [0.5, 0.3, 0.2], rtol=1e-12)


def test_uncertainty_thread_invariance_with_every_method():
    rng = np.random.default_rng(3)
    nodes = [{"code": "I"}] + [{"code": f"P{p}", "parent": "I"} for p in range(3)]
    nodes += [{"code": f"x{j}", "parent": f"P{j // 3}"} for j in range(9)]
    fw = ci.Framework.from_nodes(nodes)
    data = pd.DataFrame(rng.lognormal(size=(15, 9)), columns=[f"x{j}" for j in range(9)],
                        index=[f"u{i:02d}" for i in range(15)])
    factors = [Weights(spread=0.3), Aggregation(ALL + ["owa(weights=0.5;0.3;0.2)"], level=2)]
    a = ci.uncertainty_analysis(fw, data, factors, n=128, seed=9, threads=1, range=(1, 100))
    b = ci.uncertainty_analysis(fw, data, factors, n=128, seed=9, threads=2, range=(1, 100))
    assert a.failures.empty and a.n_successful == 128
    np.testing.assert_array_equal(a.scores.to_numpy(), b.scores.to_numpy())
    assert set(a.choices["aggregation"]) == set(ALL + ["owa(weights=0.5;0.3;0.2)"])
    # A bad alternative fails before any replication, naming a node.
    with pytest.raises(ci.SpecError, match=r"node 'P\d'.*sum to 1"):
        ci.uncertainty_analysis(fw, data, [Aggregation(["owa(weights=0.5;0.3;0.1)"], level=2)], n=8)


def test_mpi_and_wroclaw_do_not_depend_on_an_affine_normalization(data):
    # Both standardize each child themselves, so min-max (0..100 or 1..100) and z-score inputs give
    # the raw data's result (docs/aggregation.md).
    for m in ["mpi", "mpi(sd=sample)", "wroclaw", "ampi"]:
        raw = score(flat(), data, m).scores["I"]
        for norm in [{"normalization": "min_max"}, {"normalization": "min_max", "range": (1, 100)},
                     {"normalization": "z_score(mean=100, sd=10)"}]:
            np.testing.assert_allclose(ci.score(flat(), data, aggregation=m, **norm).scores["I"], raw, rtol=1e-10)


def test_objects_pickle_and_compare():
    import pickle

    for s in ALL + ["owa(weights=0.5;0.3;0.2)", "ampi(reference=50, range=50, penalty=positive, sd=sample)",
                    "topsis(normalize=vector, lower=1, upper=10)", "wroclaw(sd=sample, lower=1)"]:
        m = _methods.aggregation(s)
        assert pickle.loads(pickle.dumps(m)) == m, s
    assert _methods.aggregation("mpi(penalty=+1)") == ci.aggregation.Mpi(penalty="positive")
    assert _methods.aggregation("mpi") != ci.aggregation.Mpi(penalty=1)
    assert repr(ci.aggregation.Owa(weights=[0.5, 0.5])) == "Owa(weights=[0.5, 0.5])"


def test_has_lp_solver_is_public_and_matches_the_build() -> None:
    from compindex import aggregation

    assert "has_lp_solver" in aggregation.__all__
    assert aggregation.has_lp_solver() is bool(ci._core.aggregation.has_lp_solver())
