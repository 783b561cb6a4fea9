"""The WeightSets uncertainty factor: each replication scores with one of several weight sets,
chosen as floor(u L) from its variate; its ranks equal a direct score with that set; it combines
with Weights (perturbing the chosen set) and with the other factors, is thread-count invariant,
and works in Sobol sensitivity analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.uncertainty import Aggregation, Normalization, Weights, WeightSets
from compindex.weighting import ahp

# I -> x, y. Min-max: A (1, 0), B (0, 1), C (0.6, 0.6).
#   nominal (1, 1):      A .5, B .5, C .6 -> ranks A 2, B 2, C 1
#   x_heavy (0.9, 0.1):  A .9, B .1, C .6 -> ranks A 1, B 3, C 2
#   y_heavy (0.1, 0.9):  A .1, B .9, C .6 -> ranks A 3, B 1, C 2
EXPECTED = {"nominal": [2, 2, 1], "x_heavy": [1, 3, 2], "y_heavy": [3, 1, 2]}
SETS = ["nominal", "x_heavy", "y_heavy"]


@pytest.fixture()
def small() -> tuple[ci.Framework, pd.DataFrame]:
    fw = ci.Framework.from_nodes([{"code": "I"}, {"code": "x", "parent": "I"}, {"code": "y", "parent": "I"}])
    fw.add_weight_set("x_heavy", {"x": 0.9, "y": 0.1})
    fw.add_weight_set("y_heavy", {"x": 0.1, "y": 0.9})
    data = pd.DataFrame({"x": [10.0, 0.0, 6.0], "y": [0.0, 10.0, 6.0]}, index=["A", "B", "C"])
    return fw, data


@pytest.mark.parametrize("sampler", ["sobol", "monte_carlo"])
def test_each_replication_uses_one_set(small, sampler):
    fw, data = small
    ua = ci.uncertainty_analysis(fw, data, [WeightSets(SETS)], n=90, seed=3, sampler=sampler)
    chosen = ua.choices["weight_sets"]
    u = ua.inputs["weight_sets"]
    # The set of replication i is floor(u_i L).
    assert list(chosen) == [SETS[int(np.floor(v * 3))] for v in u]
    # Each replication's ranks are those of a direct score with its set (and the hand-worked ranks).
    direct = {s: ci.score(fw, data, weights=None if s == "nominal" else s).ranks["I"].astype(float) for s in SETS}
    for s in SETS:
        assert list(direct[s]) == EXPECTED[s]
    for rep, s in chosen.items():
        np.testing.assert_array_equal(ua.ranks.loc[rep].to_numpy(), direct[s].to_numpy())
        assert ua.weights.loc[rep, "x"] == fw.weight_set("" if s == "nominal" else s)["x"]
    # The rank distribution follows the shares of the sets.
    share = chosen.value_counts(normalize=True)
    assert (ua.ranks["A"] == 1).mean() == pytest.approx(share.get("x_heavy", 0))
    if sampler == "sobol":
        assert chosen.value_counts().between(29, 31).all()  # the Sobol points fill the thirds evenly


def test_thread_count_invariance_and_other_factors(small):
    fw, data = small
    factors = [WeightSets(SETS), Normalization(["min_max", "percentile_rank"]), Aggregation(["arithmetic_mean", "geometric_mean"])]
    a = ci.uncertainty_analysis(fw, data, factors, n=128, seed=11, threads=1, range=(1, 100))
    b = ci.uncertainty_analysis(fw, data, factors, n=128, seed=11, threads=2, range=(1, 100))
    np.testing.assert_array_equal(a.scores.to_numpy(), b.scores.to_numpy())
    pd.testing.assert_frame_equal(a.choices, b.choices)
    # A replication equals a direct score with its set, normalization and aggregation.
    for rep in [0, 17, 64, 127]:
        c = a.choices.loc[rep]
        s = c["weight_sets"]
        direct = ci.score(fw, data, weights=None if s == "nominal" else s, normalization=c["normalization"],
                          aggregation=c["aggregation"], range=(1, 100))
        assert a.scores.loc[rep].to_numpy() == pytest.approx(direct.scores["I"].to_numpy(), rel=1e-12)


def test_weights_perturb_the_chosen_set(small):
    fw, data = small
    ua = ci.uncertainty_analysis(fw, data, [Weights(spread=0.5, nodes=["x"]), WeightSets(SETS)], n=64, seed=2,
                                 sampler="monte_carlo")
    base = {s: fw.weight_set("" if s == "nominal" else s) for s in SETS}
    for rep, s in ua.choices["weight_sets"].items():
        u = ua.inputs.loc[rep, "weights:x"]
        assert ua.weights.loc[rep, "x"] == pytest.approx(base[s]["x"] * (1 + 0.5 * (2 * u - 1)), rel=1e-15)
        assert ua.weights.loc[rep, "y"] == base[s]["y"]
    # Dirichlet weights are drawn around the chosen set's shares, keeping its sibling total.
    ud = ci.uncertainty_analysis(fw, data, [WeightSets(SETS), Weights(distribution="dirichlet", concentration=400)], n=300,
                                 seed=4, sampler="monte_carlo")
    w = ud.weights
    chosen = ud.choices["weight_sets"]
    total = {s: base[s]["x"] + base[s]["y"] for s in SETS}
    np.testing.assert_allclose(w["x"] + w["y"], [total[s] for s in chosen], rtol=1e-12)
    share = w["x"] / (w["x"] + w["y"])
    for s, expected_share in {"nominal": 0.5, "x_heavy": 0.9, "y_heavy": 0.1}.items():
        # Beta(400 p, 400 (1 - p)): sd <= 0.025, so the mean of ~100 draws is within 0.01.
        assert share[chosen == s].mean() == pytest.approx(expected_share, abs=0.01)


def test_sensitivity_analysis_and_errors(small):
    fw, data = small
    sa = ci.sensitivity_analysis(fw, data, [WeightSets(SETS), Aggregation(["arithmetic_mean", "arithmetic_mean"], name="same")],
                                 output="A", n=64, n_bootstrap=50)
    idx = sa.indices
    assert idx.loc["same", "total_order"] == 0.0
    assert idx.loc["weight_sets", "total_order"] > 0.5
    with pytest.raises(ci.SpecError, match=r"factor 'weight_sets': unknown weight set 'pca'"):
        ci.uncertainty_analysis(fw, data, [WeightSets(["nominal", "pca"])], n=8)
    with pytest.raises(ci.SpecError, match="list of weight-set names"):
        ci.uncertainty_analysis(fw, data, [WeightSets("x_heavy")], n=8)
    with pytest.raises(ci.SpecError, match="only one weight-sets factor"):
        ci.uncertainty_analysis(fw, data, [WeightSets(SETS), WeightSets(["nominal"], name="other")], n=8)


def test_a_set_from_experts(small):
    fw, data = small
    # One expert judges y three times as important as x: weights 0.25, 0.75 -> B .75, A .25, C .6.
    fw2 = ahp(fw, pd.DataFrame({"node": ["I"], "child_a": ["y"], "child_b": ["x"], "value": [3.0]})).apply(fw, name="experts")
    ua = ci.uncertainty_analysis(fw2, data, [WeightSets(["x_heavy", "experts"])], n=16)
    for rep, s in ua.choices["weight_sets"].items():
        assert list(ua.ranks.loc[rep]) == (EXPECTED["x_heavy"] if s == "x_heavy" else [3, 1, 2])
