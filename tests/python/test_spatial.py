"""Spatial weights, Moran's I, Geary's C and local Moran against PySAL (esda, libpysal) on the same
weights; the PII capitals' coordinates; bad input.

esda and libpysal are test-only dependencies (the "test" extra): the statistics are computed by
compindex's C++ core and checked here against esda 2.x to 1e-10. Permutation p-values cannot match
esda's numpy random numbers: they are compared within Monte Carlo error, and checked identical
for a seed across thread counts.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.analysis import SpatialWeights, geary, local_moran, moran
from compindex.datasets import load_pii_coordinates, load_pii_provinces

from _pii_fixtures import pii_result

esda = pytest.importorskip("esda")
libpysal = pytest.importorskip("libpysal")

TOL = 1e-10


def pysal_w(w: SpatialWeights):
    """A libpysal W with exactly compindex's neighbours and weights."""
    return libpysal.weights.W({u: list(w.neighbours[u]) for u in w.units},
                              {u: list(w.weights[u]) for u in w.units}, id_order=list(w.units), silence_warnings=True)


def coords63() -> pd.DataFrame:
    return load_pii_coordinates("2023")


def pii_index() -> pd.Series:
    return pii_result(2024).index  # SIMULATED demo data


def random_case(seed: int, n: int = 40) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    units = [f"u{i:02d}" for i in range(n)]
    xy = pd.DataFrame({"x": rng.uniform(0, 100, n), "y": rng.uniform(0, 100, n)}, index=units)
    y = pd.Series(rng.normal(size=n) + xy["x"].to_numpy() / 50, index=units)
    return xy, y


def weight_cases():
    xy, y = random_case(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        return [
            ("pii knn4 r", SpatialWeights.from_coordinates(coords63(), "knn", k=4), pii_index()),
            ("pii knn6 binary", SpatialWeights.from_coordinates(coords63(), "knn", k=6, row_standardize=False), pii_index()),
            ("pii band", SpatialWeights.from_coordinates(coords63(), "distance_band"), pii_index()),
            ("random invdist 40 binary", SpatialWeights.from_coordinates(xy, "inverse_distance", threshold=40, metric="euclidean",
                                                                         row_standardize=False), y),
            ("random invdist all r", SpatialWeights.from_coordinates(xy, "inverse_distance", power=2, metric="euclidean"), y),
            ("random knn3", SpatialWeights.from_coordinates(xy, "knn", k=3, metric="euclidean"), y),
        ]


CASES = weight_cases()


# -- statistics against esda ---------------------------------------------------------------------
@pytest.mark.parametrize("name,w,y", CASES, ids=[c[0] for c in CASES])
def test_moran_matches_esda(name, w, y):
    ours = moran(y, w, permutations=0)
    ref = esda.Moran(y.reindex(w.units).to_numpy(), pysal_w(w), transformation="o", permutations=0)
    assert ours.I == pytest.approx(ref.I, abs=TOL)
    assert ours.expected == pytest.approx(ref.EI, abs=TOL)
    assert ours.var_norm == pytest.approx(ref.VI_norm, abs=TOL)
    assert ours.var_rand == pytest.approx(ref.VI_rand, abs=TOL)
    assert ours.z_norm == pytest.approx(ref.z_norm, abs=1e-8)
    assert ours.z_rand == pytest.approx(ref.z_rand, abs=1e-8)
    assert ours.p_norm == pytest.approx(ref.p_norm, abs=TOL)  # both two-sided
    assert ours.p_rand == pytest.approx(ref.p_rand, abs=TOL)


@pytest.mark.parametrize("name,w,y", CASES, ids=[c[0] for c in CASES])
def test_geary_matches_esda(name, w, y):
    ours = geary(y, w, permutations=0)
    ref = esda.Geary(y.reindex(w.units).to_numpy(), pysal_w(w), transformation="o", permutations=0)
    assert ours.C == pytest.approx(ref.C, abs=TOL)
    assert ours.var_norm == pytest.approx(ref.VC_norm, abs=TOL)
    assert ours.var_rand == pytest.approx(ref.VC_rand, abs=TOL)
    assert ours.z_norm == pytest.approx(ref.z_norm, abs=1e-8)
    assert ours.z_rand == pytest.approx(ref.z_rand, abs=1e-8)
    # esda's Geary p-values are one-sided; compindex reports two-sided ones
    assert ours.p_norm == pytest.approx(2 * ref.p_norm, abs=TOL)
    assert ours.p_rand == pytest.approx(2 * ref.p_rand, abs=TOL)


@pytest.mark.parametrize("name,w,y", CASES, ids=[c[0] for c in CASES])
def test_local_moran_matches_esda(name, w, y):
    ours = local_moran(y, w, permutations=0)
    ref = esda.Moran_Local(y.reindex(w.units).to_numpy(), pysal_w(w), transformation="o", permutations=0)
    np.testing.assert_allclose(ours["I"].to_numpy(), ref.Is, atol=TOL, rtol=0)
    np.testing.assert_allclose(ours["z"].to_numpy(), ref.z, atol=TOL, rtol=0)
    np.testing.assert_array_equal(ours["quadrant"].to_numpy(), ref.q)
    assert set(ours["cluster"]) == {"ns"}  # no permutations, no significance


def test_global_p_sim_within_monte_carlo_error_of_esda():
    w = SpatialWeights.from_coordinates(coords63(), "knn", k=4)
    y = pii_index()
    R = 4999
    np.random.seed(12345)
    ref_m = esda.Moran(y.reindex(w.units).to_numpy(), pysal_w(w), transformation="o", permutations=R)
    ref_g = esda.Geary(y.reindex(w.units).to_numpy(), pysal_w(w), transformation="o", permutations=R)
    m, g = moran(y, w, permutations=R, seed=5), geary(y, w, permutations=R, seed=5)
    for ours, ref in ((m, ref_m), (g, ref_g)):
        p = max(ref.p_sim, 1.0 / (R + 1))
        sd = math.sqrt(2 * p * (1 - p) / R)  # difference of two independent estimates
        assert abs(ours.p_sim - ref.p_sim) <= 5 * sd + 2.0 / (R + 1)
    # the simulated distribution's spread agrees with the randomization variance
    assert m.sd_sim == pytest.approx(math.sqrt(m.var_rand), rel=0.1)
    assert m.mean_sim == pytest.approx(m.expected, abs=0.02)


def test_local_p_sim_within_monte_carlo_error_of_esda():
    w = SpatialWeights.from_coordinates(coords63(), "knn", k=4)
    y = pii_index()
    R = 2999
    ours = local_moran(y, w, permutations=R, seed=9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # esda's notice on its future two-sided default
        ref = esda.Moran_Local(y.reindex(w.units).to_numpy(), pysal_w(w), transformation="o", permutations=R, seed=9,
                               n_jobs=1)
    p = np.maximum(ref.p_sim, 1.0 / (R + 1))
    sd = np.sqrt(2 * p * (1 - p) / R)
    diff = np.abs(ours["p_sim"].to_numpy() - ref.p_sim)
    assert (diff <= 5 * sd + 2.0 / (R + 1)).all(), diff.max()
    # the conditional-randomization moments of esda (Sokal et al. 1998) against our simulations
    np.testing.assert_allclose(ours["mean_sim"].to_numpy(), ref.EIc, atol=0.05)


def test_permutations_reproducible_and_thread_count_invariant():
    w = SpatialWeights.from_coordinates(coords63(), "knn", k=5)
    y = pii_index()
    a = moran(y, w, permutations=999, seed=3, threads=1)
    b = moran(y, w, permutations=999, seed=3, threads=4)
    assert a.p_sim == b.p_sim and np.array_equal(a.sims, b.sims)
    la = local_moran(y, w, permutations=499, seed=3, threads=1)
    lb = local_moran(y, w, permutations=499, seed=3, threads=3)
    pd.testing.assert_frame_equal(la, lb)
    assert not np.array_equal(moran(y, w, permutations=999, seed=4).sims, a.sims)


def test_global_p_sim_exact_on_enumerable_case():
    # 5 units on a path with unequal edge weights: all 120 orders of the values give the exact folded
    # permutation p-value; p_sim with many permutations estimates it.
    units = list("abcde")
    nb = {"a": ["b"], "b": ["a", "c"], "c": ["b", "d"], "d": ["c", "e"], "e": ["d"]}
    wt = {"a": [1], "b": [1, 2], "c": [2, 3], "d": [3, 4], "e": [4]}
    w = SpatialWeights(units, nb, wt, row_standardize=False)
    y = pd.Series([3.0, 1.0, 4.0, 1.5, 9.0], index=units)
    obs = moran(y, w, permutations=0).I
    dense = w.to_dense().to_numpy()

    def stat(v):
        z = np.asarray(v) - np.mean(v)
        return len(v) / dense.sum() * (z @ dense @ z) / (z @ z)

    sims = np.array([stat(p) for p in itertools.permutations(y.to_numpy())])
    above = int((sims >= obs - 1e-12).sum())
    exact = min(above, len(sims) - above) / len(sims)
    est = moran(y, w, permutations=50000, seed=1).p_sim
    assert abs(est - exact) < 0.01


def test_cluster_classes():
    w = SpatialWeights.from_coordinates(coords63(), "knn", k=4)
    out = local_moran(pii_index(), w, permutations=999, seed=0, alpha=0.05)
    labels = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
    for _, r in out.iterrows():
        assert r["quadrant_label"] == labels[r["quadrant"]]
        assert r["cluster"] == (r["quadrant_label"] if r["p_sim"] <= 0.05 else "ns")
    # quadrant by hand from z and lag
    hh = (out["z"] > 0) & (out["lag"] > 0)
    assert (out.loc[hh, "quadrant"] == 1).all()
    assert out.attrs["alpha"] == 0.05 and out.attrs["permutations"] == 999


def test_result_input_uses_node():
    res = pii_result(2024)
    w = SpatialWeights.from_coordinates(coords63(), "knn", k=4)
    a = moran(res, w, permutations=0)
    b = moran(res.scores["PII"], w, permutations=0)
    assert a.I == b.I and a.node == "PII"
    c = moran(res, w, node="IN", permutations=0)
    assert c.I == pytest.approx(moran(res.scores["IN"], w, permutations=0).I, abs=0)


# -- weights against libpysal --------------------------------------------------------------------
def _sets(w_nb: dict) -> dict:
    return {str(k): set(map(str, v)) for k, v in w_nb.items()}


def test_knn_matches_libpysal_on_the_unit_sphere():
    c = coords63()
    w = SpatialWeights.from_coordinates(c, "knn", k=4)
    lat, lon = np.radians(c["latitude"].to_numpy()), np.radians(c["longitude"].to_numpy())
    xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    ref = libpysal.weights.KNN(xyz, k=4, ids=list(c.index))
    assert _sets(w.neighbours) == _sets(ref.neighbors)
    assert all(abs(sum(v) - 1) < 1e-15 for v in w.weights.values())


def test_distance_band_and_inverse_distance_match_libpysal():
    xy, _ = random_case(2)
    pts = xy[["x", "y"]].to_numpy()
    ids = list(xy.index)
    w = SpatialWeights.from_coordinates(xy, "distance_band", threshold=25, metric="euclidean", row_standardize=False)
    ref = libpysal.weights.DistanceBand(pts, threshold=25, binary=True, ids=ids, silence_warnings=True)
    assert _sets(w.neighbours) == _sets(ref.neighbors)
    wi = SpatialWeights.from_coordinates(xy, "inverse_distance", threshold=25, power=1.5, metric="euclidean",
                                         row_standardize=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # libpysal raises the zero diagonal to a negative power
        refi = libpysal.weights.DistanceBand(pts, threshold=25, binary=False, alpha=-1.5, ids=ids, silence_warnings=True)
    dense_ref = pd.DataFrame(refi.full()[0], index=ids, columns=ids)
    np.testing.assert_allclose(wi.to_dense().to_numpy(), dense_ref.to_numpy(), rtol=1e-12, atol=0)


def test_haversine_distances_against_scikit_learn():
    from sklearn.metrics.pairwise import haversine_distances

    from compindex.analysis.spatial import EARTH_RADIUS_KM, _distances

    c = coords63()
    ll = c[["latitude", "longitude"]].to_numpy()
    np.testing.assert_allclose(_distances(ll, "haversine"), haversine_distances(np.radians(ll)) * EARTH_RADIUS_KM,
                               rtol=1e-9, atol=1e-6)
    # Ha Noi - Ho Chi Minh City is about 1,140 km in a straight line
    d = _distances(ll, "haversine")[list(c.index).index("01"), list(c.index).index("79")]
    assert 1100 < d < 1180


def test_default_distance_band_leaves_no_island():
    w = SpatialWeights.from_coordinates(coords63(), "distance_band")
    assert w.islands == [] and w.cardinalities().min() >= 1


def test_from_neighbours_dict_and_pairs():
    pairs = pd.DataFrame({"unit": ["a", "b", "c"], "neighbour": ["b", "c", "d"], "weight": [1.0, 2.0, 3.0]})
    w = SpatialWeights.from_neighbours(pairs, symmetric=True, row_standardize=False)
    assert w.neighbours == {"a": ["b"], "b": ["c", "a"], "c": ["d", "b"], "d": ["c"]}
    assert w.weights["b"] == [2.0, 1.0]
    dense = w.to_dense()
    assert (dense.to_numpy() == dense.to_numpy().T).all()
    r = SpatialWeights.from_neighbours({"a": ["b", "c"], "b": ["a"], "c": ["a"]})
    assert r.weights["a"] == [0.5, 0.5]
    assert "3 units" in repr(r)


# -- coordinates ---------------------------------------------------------------------------------
def test_coordinates_of_the_63_provinces():
    c = load_pii_coordinates("2023")
    prov = load_pii_provinces()
    assert sorted(c.index) == sorted(prov.index) and len(c) == 63
    assert c["latitude"].between(8.5, 23.5).all() and c["longitude"].between(102, 110).all()
    assert c.loc["01", "latitude"] == pytest.approx(21.03, abs=0.1)   # Ha Noi, 21.03 N 105.85 E
    assert c.loc["01", "longitude"] == pytest.approx(105.85, abs=0.1)
    assert c.loc["79", "latitude"] == pytest.approx(10.78, abs=0.1)   # Ho Chi Minh City, 10.78 N 106.70 E
    assert c.loc["79", "longitude"] == pytest.approx(106.70, abs=0.1)
    assert (c["source"].str.len() > 10).all()
    # north of Ha Noi is north: Ha Giang above Ha Noi above Ho Chi Minh City above Ca Mau
    assert c.loc["02", "latitude"] > c.loc["01", "latitude"] > c.loc["79", "latitude"] > c.loc["96", "latitude"]


def test_coordinates_of_the_34_units_of_2025():
    c = load_pii_coordinates("2025")
    prov = load_pii_provinces()
    assert sorted(c.index) == sorted(set(prov["unit_2025"])) and len(c) == 34
    assert c["latitude"].between(8.5, 23.5).all() and c["longitude"].between(102, 110).all()
    # each unit's centre is the seat of the member province whose code it keeps
    old = load_pii_coordinates("2023")
    assert (c[["latitude", "longitude"]] == old.loc[c.index, ["latitude", "longitude"]]).all().all()
    with pytest.raises(ci.SpecError, match="2023"):
        load_pii_coordinates("1999")


# -- bad input -----------------------------------------------------------------------------------
def test_fewer_than_three_units():
    with pytest.raises(ci.DataError, match="at least 3 units"):
        SpatialWeights.from_coordinates(coords63().iloc[:2], "knn", k=1)
    with pytest.raises(ci.DataError, match="at least 3 units"):
        SpatialWeights.from_neighbours({"a": ["b"], "b": ["a"]})


def test_unit_without_coordinates():
    c = coords63().copy()
    c.loc["04", "latitude"] = np.nan
    with pytest.raises(ci.DataError, match="without coordinates: 04"):
        SpatialWeights.from_coordinates(c)


def test_neighbour_list_naming_unknown_units():
    with pytest.raises(ci.SpecError, match="unknown unit.*zz"):
        SpatialWeights.from_neighbours({"a": ["b", "zz"], "b": ["a"], "c": ["a"]}, units=["a", "b", "c"])
    with pytest.raises(ci.SpecError, match="own neighbour"):
        SpatialWeights.from_neighbours({"a": ["a"], "b": ["c"], "c": ["b"]})
    bad = pd.DataFrame({"unit": ["a", "b", "c"], "neighbour": ["b", "c", "a"], "weight": [1.0, -1.0, 1.0]})
    with pytest.raises(ci.SpecError, match="'b' -> 'c' must be finite and > 0"):
        SpatialWeights.from_neighbours(bad)
    with pytest.raises(ci.SpecError, match="twice"):
        SpatialWeights.from_neighbours({"a": ["b", "b"], "b": ["c"], "c": ["b"]})


def test_island_is_warned_and_kept_with_zero_lag():
    nb = {"a": ["b"], "b": ["a", "c"], "c": ["b"], "d": []}
    with pytest.warns(ci.CompindexWarning, match=r"islands\): d"):
        w = SpatialWeights.from_neighbours(nb, units=list("abcd"))
    y = pd.Series([1.0, 2.0, 4.0, 8.0], index=list("abcd"))
    out = local_moran(y, w, permutations=99)
    assert out.loc["d", "cluster"] == "island" and math.isnan(out.loc["d", "p_sim"]) and out.loc["d", "I"] == 0
    # the global statistic keeps the island in the mean and the variance, as esda does
    ref = esda.Moran(y.to_numpy(), pysal_w(w), transformation="o", permutations=0)
    assert moran(y, w, permutations=0).I == pytest.approx(ref.I, abs=TOL)


def test_values_not_matching_the_weights():
    w = SpatialWeights.from_coordinates(coords63(), "knn", k=4)
    y = pii_index()
    with pytest.raises(ci.DataError, match="without a value: 01"):
        moran(y.drop("01"), w)
    y2 = y.copy()
    y2["XX"] = 1.0
    with pytest.raises(ci.DataError, match="not in the spatial weights.*XX"):
        geary(y2, w)
    y3 = y.copy()
    y3["04"] = np.nan
    with pytest.raises(ci.DataError, match="without a score: 04"):
        local_moran(y3, w)
    with pytest.raises(ci.DataError, match="values are equal"):
        moran(pd.Series(1.0, index=w.units), w)


def test_bad_parameters():
    c = coords63()
    with pytest.raises(ci.SpecError, match="k must be"):
        SpatialWeights.from_coordinates(c, "knn", k=63)
    with pytest.raises(ci.SpecError, match="method must be"):
        SpatialWeights.from_coordinates(c, "queen")
    with pytest.raises(ci.SpecError, match="latitude"):
        SpatialWeights.from_coordinates(c[["name"]])
    w = SpatialWeights.from_coordinates(c, "knn", k=4)
    with pytest.raises(ci.SpecError, match="alpha"):
        local_moran(pii_index(), w, alpha=1.5)
    with pytest.raises(ci.SpecError, match="permutations"):
        moran(pii_index(), w, permutations=-1)


def test_three_units_warns_about_randomization_variance():
    w = SpatialWeights.from_neighbours({"a": ["b"], "b": ["a", "c"], "c": ["b"]})
    with pytest.warns(ci.CompindexWarning, match="undefined"):
        r = moran(pd.Series([1.0, 2.0, 4.0], index=list("abc")), w, permutations=0)
    assert math.isnan(r.var_rand) and not math.isnan(r.var_norm)


# -- plots ---------------------------------------------------------------------------------------
def test_moran_scatterplot_artists(tmp_path):
    from matplotlib.figure import Figure

    from compindex import plots

    w = SpatialWeights.from_coordinates(coords63(), "knn", k=4)
    res = pii_result(2024)
    lisa = local_moran(res, w, permutations=199, seed=0)
    fig = plots.moran_scatterplot(res, w, lisa=lisa, labels=True)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    # one scatter collection per cluster class present, holding 63 points in all
    n_points = sum(len(c.get_offsets()) for c in ax.collections)
    assert n_points == 63
    assert len(ax.collections) == lisa["cluster"].nunique()
    # the slope line has slope Moran's I (row-standardized weights, no island)
    line = [ln for ln in ax.lines if "slope" in str(ln.get_label())][0]
    x, y = line.get_data()
    m = moran(res, w, permutations=0)
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(m.I, abs=1e-12)
    # the points are z and the lag of z (esda's z with divisor n)
    off = np.concatenate([c.get_offsets() for c in ax.collections])
    z = lisa["z"].to_numpy()
    assert sorted(off[:, 0]) == pytest.approx(sorted(z), abs=1e-12)
    assert len(ax.texts) >= 63  # the labels
    assert any("SIMULATED" in t.get_text() for t in fig.texts)
    fig.savefig(tmp_path / "moran.png")
    assert (tmp_path / "moran.png").stat().st_size > 1000


def test_dot_map_by_score_and_by_class(tmp_path):
    from compindex import plots

    c = coords63()
    res = pii_result(2024)
    fig = plots.dot_map(c, res.index, labels=True)
    ax = fig.axes[0]
    assert len(fig.axes) == 2  # the map and its colorbar
    pts = ax.collections[0].get_offsets()
    assert len(pts) == 63
    assert sorted(pts[:, 0]) == pytest.approx(sorted(c["longitude"]))
    assert np.allclose(sorted(ax.collections[0].get_array()), sorted(res.index))
    assert ax.get_aspect() == pytest.approx(1 / math.cos(math.radians(c["latitude"].mean())))
    fig.savefig(tmp_path / "dots.png")
    w = SpatialWeights.from_coordinates(c, "knn", k=4)
    lisa = local_moran(res, w, permutations=199)
    fig2 = plots.dot_map(c, classes=lisa["cluster"])
    assert any("SIMULATED" in t.get_text() for t in fig2.texts)  # the note travels with the LISA table
    legend = fig2.axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert sum(int(t.split("(")[1].rstrip(")")) for t in texts) == 63
    ns = [col for col in fig2.axes[0].collections if len(col.get_offsets()) == (lisa["cluster"] == "ns").sum()]
    assert ns
    fig2.savefig(tmp_path / "lisa.png")
    assert (tmp_path / "lisa.png").stat().st_size > 1000
    with pytest.raises(ci.SpecError, match="exactly one"):
        plots.dot_map(c)
    with pytest.raises(ci.DataError, match="without coordinates: XX"):
        plots.dot_map(c, pd.Series({"XX": 1.0, "01": 2.0}))


def test_haversine_band_against_brute_force():
    from sklearn.metrics.pairwise import haversine_distances

    from compindex.analysis.spatial import EARTH_RADIUS_KM

    c = coords63()
    d = haversine_distances(np.radians(c[["latitude", "longitude"]].to_numpy())) * EARTH_RADIUS_KM
    np.fill_diagonal(d, np.inf)
    ids = list(c.index)
    for thr in (60.0, 150.0, 400.0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ci.CompindexWarning)  # small bands leave islands
            w = SpatialWeights.from_coordinates(c, "distance_band", threshold=thr)
        expect = {u: {ids[j] for j in np.flatnonzero(d[i] <= thr)} for i, u in enumerate(ids)}
        assert _sets(w.neighbours) == expect
    # default band: the largest nearest-neighbour distance
    w = SpatialWeights.from_coordinates(c, "distance_band")
    assert f"{d.min(axis=1).max():.6g} km" in w.description
    # inverse distance on every pair, weights d^-2 before row standardization
    wi = SpatialWeights.from_coordinates(c, "inverse_distance", power=2, row_standardize=False)
    dense = wi.to_dense().to_numpy()
    np.fill_diagonal(d, 1.0)
    ref = d ** -2.0
    np.fill_diagonal(ref, 0.0)
    np.testing.assert_allclose(dense, ref, rtol=1e-9)
    # the sparse lag equals the dense product
    y = pii_index()
    np.testing.assert_allclose(wi.lag(y).to_numpy(), dense @ y.reindex(wi.units).to_numpy(), rtol=1e-12)
