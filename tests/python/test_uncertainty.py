"""Uncertainty and sensitivity analysis from Python: statistics checked against the replications,
invariance to threads and to Dask chunking, zero sensitivity for identical alternatives, failures
reported, leave-one-out by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.uncertainty import Aggregation, Exclusion, Normalization, Treatment, Weights


@pytest.fixture(scope="module")
def index() -> tuple[ci.Framework, pd.DataFrame]:
    rng = np.random.default_rng(3)
    nodes = [{"code": "I"}] + [{"code": f"P{p}", "parent": "I"} for p in range(4)]
    nodes += [{"code": f"x{j}", "parent": f"P{j // 3}"} for j in range(12)]
    fw = ci.Framework.from_nodes(nodes)
    data = pd.DataFrame(rng.lognormal(size=(15, 12)), columns=[f"x{j}" for j in range(12)],
                        index=[f"u{i:02d}" for i in range(15)])
    return fw, data


FACTORS = [Weights(spread=0.3), Normalization(["min_max", "percentile_rank"]),
           Aggregation(["arithmetic_mean", "geometric_mean"]), Treatment([None, "gii"])]


def test_summary_matches_the_replications(index):
    fw, data = index
    ua = ci.uncertainty_analysis(fw, data, FACTORS, n=400, seed=5, range=(1, 100))
    ranks = ua.ranks
    assert ranks.shape == (400, 15)
    s = ua.summary.loc[ranks.columns]
    np.testing.assert_allclose(s["median_rank"], ranks.median().to_numpy())
    np.testing.assert_allclose(s["mean_rank"], ranks.mean().to_numpy())
    np.testing.assert_allclose(s["p05_rank"], ranks.quantile(0.05).to_numpy())
    np.testing.assert_allclose(s["p95_rank"], ranks.quantile(0.95).to_numpy())
    nominal = ci.score(fw, data, range=(1, 100)).ranks["I"].astype(float)
    np.testing.assert_array_equal(s["nominal_rank"], nominal.loc[ranks.columns].to_numpy())
    shift = (ranks - nominal.loc[ranks.columns].to_numpy()).abs().mean(axis=1)
    np.testing.assert_allclose(ua.mean_abs_shift, shift)
    p = ua.outrank_probability
    assert p.loc["u00", "u01"] == pytest.approx((ranks["u00"] < ranks["u01"]).mean())
    assert p.loc["u00", "u01"] + p.loc["u01", "u00"] == pytest.approx(1 - (ranks["u00"] == ranks["u01"]).mean())
    # Inputs and choices are recorded per replication.
    assert list(ua.choices.columns) == ["normalization", "aggregation", "treatment"]
    assert set(ua.choices["aggregation"]) == {"arithmetic_mean", "geometric_mean"}
    assert ua.inputs.shape == (400, 16 + 3)  # 16 weights (every node but the root) + 3 choices
    assert ua.weights.shape == (400, 17)
    assert ua.failures.empty and ua.n_successful == 400


def test_same_seed_same_bits_whatever_the_threads(index):
    fw, data = index
    a = ci.uncertainty_analysis(fw, data, FACTORS, n=200, seed=9, threads=1, range=(1, 100))
    b = ci.uncertainty_analysis(fw, data, FACTORS, n=200, seed=9, threads=2, range=(1, 100))
    np.testing.assert_array_equal(a.scores.to_numpy(), b.scores.to_numpy())
    c = ci.uncertainty_analysis(fw, data, FACTORS, n=200, seed=10, threads=2, range=(1, 100))
    assert not np.array_equal(a.scores.to_numpy(), c.scores.to_numpy())
    m1 = ci.uncertainty_analysis(fw, data, FACTORS, n=50, sampler="monte_carlo", threads=1, range=(1, 100))
    m2 = ci.uncertainty_analysis(fw, data, FACTORS, n=50, sampler="monte_carlo", threads=2, range=(1, 100))
    np.testing.assert_array_equal(m1.ranks.to_numpy(), m2.ranks.to_numpy())


def test_dask_gives_the_local_result(index):
    distributed = pytest.importorskip("dask.distributed")
    fw, data = index
    local = ci.uncertainty_analysis(fw, data, FACTORS, n=120, seed=2, range=(1, 100))
    local_sa = ci.sensitivity_analysis(fw, data, FACTORS, n=32, seed=2, range=(1, 100), n_bootstrap=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cluster's own start-up chatter
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            for chunks in (2, 5):
                remote = ci.uncertainty_analysis(fw, data, FACTORS, n=120, seed=2, range=(1, 100), client=client, chunks=chunks)
                np.testing.assert_array_equal(remote.scores.to_numpy(), local.scores.to_numpy())
                pd.testing.assert_frame_equal(remote.summary, local.summary)
            remote_sa = ci.sensitivity_analysis(fw, data, FACTORS, n=32, seed=2, range=(1, 100), n_bootstrap=50,
                                                client=client, chunks=3)
    pd.testing.assert_frame_equal(remote_sa.indices, local_sa.indices)


def test_identical_alternatives_have_zero_sensitivity(index):
    fw, data = index
    factors = [Weights(spread=0.4), Normalization(["min_max", "min_max"], name="same")]
    for output in ("mean_abs_rank_shift", "u03"):
        sa = ci.sensitivity_analysis(fw, data, factors, output=output, n=128, range=(1, 100), n_bootstrap=100)
        assert sa.indices.loc["same", "first_order"] == 0.0
        assert sa.indices.loc["same", "total_order"] == 0.0
        assert sa.indices.loc["weights", "total_order"] > 0.0
        assert len(sa.y) == 128 * 4


def test_sensitivity_result_and_plots(index):
    fw, data = index
    sa = ci.sensitivity_analysis(fw, data, FACTORS, n=256, range=(1, 100), n_bootstrap=200)
    df = sa.indices
    assert list(df.index) == ["weights", "normalization", "aggregation", "treatment"]
    assert (df["first_low"] <= df["first_order"] + 1e-12).all() and (df["first_order"] <= df["first_high"] + 1e-12).all()
    assert set(sa.convergence) == {"max_change", "max_half_width", "n"}
    assert isinstance(sa.converged, bool)
    fig = sa.plot()
    assert len(fig.axes[0].patches) == 8  # two bars per factor
    ua = ci.uncertainty_analysis(fw, data, FACTORS, n=64, range=(1, 100))
    fig2 = ua.plot(top=10)
    assert len(fig2.axes[0].get_yticks()) == 10
    assert "Uncertainty analysis" in ua._repr_html_()
    import matplotlib.pyplot as plt

    plt.close("all")


def test_failures_are_reported_never_dropped(index):
    fw, data = index
    # Min-max onto 0-100 has zeros, which the geometric mean refuses.
    with pytest.warns(ci.CompindexWarning, match="replications failed"):
        ua = ci.uncertainty_analysis(fw, data, [Aggregation(["arithmetic_mean", "geometric_mean"])], n=64)
    f = ua.failures
    assert len(f) + ua.n_successful == 64 and len(f) > 0
    assert f["reason"].str.contains("geometric_mean needs positive values").all()
    assert (ua.choices.loc[f["replication"], "aggregation"] == "geometric_mean").all()
    assert ua.ranks.loc[f["replication"]].isna().all().all()
    with pytest.raises(ci.ComputationError, match="replications failed"):
        ci.sensitivity_analysis(fw, data, [Aggregation(["arithmetic_mean", "geometric_mean"])], n=16)


def test_leave_one_out_by_hand():
    fw = ci.Framework.from_nodes([{"code": "I"}, {"code": "P", "parent": "I"}, {"code": "Q", "parent": "I"},
                                  {"code": "x", "parent": "P"}, {"code": "y", "parent": "Q"}])
    data = pd.DataFrame({"x": [10, 0, 4], "y": [0, 10, 8]}, index=["A", "B", "C"])
    # Nominal: A (100 + 0)/2 = 50, B 50, C (40 + 80)/2 = 60. Without Q: A 100, B 0, C 40.
    loo = ci.leave_one_out(fw, data, ["Q"])
    assert loo.ranks.loc["Q"].tolist() == [1.0, 3.0, 2.0]
    assert loo.rank_change.loc["Q"].tolist() == [1.0, -1.0, -1.0]
    assert loo.mean_abs_change["Q"] == 1.0
    ua = ci.uncertainty_analysis(fw, data, [Exclusion(["Q", "x"])], n=30)
    expected_a = {"none": 2.0, "Q": 1.0, "x": 3.0}
    for rep, choice in ua.choices["exclusion"].items():
        assert ua.ranks.loc[rep, "A"] == expected_a[choice]


def test_bad_factors(index):
    fw, data = index
    with pytest.raises(ci.SpecError, match="no factors"):
        ci.uncertainty_analysis(fw, data, [], n=10)
    with pytest.raises(ci.SpecError, match="n must be positive"):
        ci.uncertainty_analysis(fw, data, FACTORS, n=0)
    with pytest.raises(ci.SpecError, match="unknown method 'minmax'"):
        ci.uncertainty_analysis(fw, data, [Normalization(["minmax"])], n=10)
    with pytest.raises(ci.SpecError, match="spread must be in"):
        ci.uncertainty_analysis(fw, data, [Weights(spread=1.5)], n=10)
    with pytest.raises(ci.SpecError, match="Dirichlet"):
        ci.sensitivity_analysis(fw, data, [Weights(distribution="dirichlet")], n=16)
    with pytest.raises(ci.SpecError, match="unknown unit 'nobody'"):
        ci.sensitivity_analysis(fw, data, FACTORS, output="nobody", n=16, range=(1, 100))
    with pytest.raises(ci.SpecError, match="no node at level 9"):
        ci.uncertainty_analysis(fw, data, [Weights(level=9)], n=10)
