"""Spatial patterns of scores: spatial weights, global Moran's I and Geary's C, local Moran (LISA).

The statistics run in the compiled core (``compindex/spatial.hpp``); this module builds the
weights (from coordinates or from a neighbour list), aligns the scores with them and returns
pandas objects. Conventions follow PySAL's ``esda`` (the tests' oracle): see ``docs/spatial.md``.

Islands (units without neighbours) follow PySAL's convention: they stay in the data with a zero
spatial lag, so they count in the mean and the variance of the global statistics but contribute no
cross-product; their local statistic is 0 with no p-value (cluster ``"island"``). A
:class:`compindex.CompindexWarning` names them.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import _core
from ..errors import CompindexWarning, DataError, SpecError
from ..pipeline import Result

__all__ = ["GearyResult", "MoranResult", "SpatialWeights", "geary", "local_moran", "moran"]

#: Mean Earth radius in km (IUGG), for great-circle distances.
EARTH_RADIUS_KM = 6371.0088

_LAT = ("latitude", "lat")
_LON = ("longitude", "lon", "lng")
_QUADRANTS = {0: "island", 1: "HH", 2: "LH", 3: "LL", 4: "HL"}


def _column(coords: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lower = {str(c).lower(): c for c in coords.columns}
    for n in names:
        if n in lower:
            return lower[n]
    return None


def _points(coords: pd.DataFrame, metric: str) -> tuple[pd.Index, np.ndarray]:
    """Units and an (n, 2) array: (lat, lon) in degrees for haversine, (x, y) for euclidean."""
    if not isinstance(coords, pd.DataFrame):
        raise SpecError("coordinates must be a DataFrame indexed by unit (columns latitude and longitude, or x and y)")
    if metric == "haversine":
        lat, lon = _column(coords, _LAT), _column(coords, _LON)
        if lat is None or lon is None:
            raise SpecError(f"coordinates need columns 'latitude' and 'longitude' (got {list(coords.columns)}); "
                            "pass metric='euclidean' for projected x, y coordinates")
        cols = [lat, lon]
    elif metric == "euclidean":
        if {"x", "y"} <= set(coords.columns):
            cols = ["x", "y"]
        elif coords.shape[1] >= 2:
            cols = list(coords.columns[:2])
        else:
            raise SpecError("coordinates need two columns (x and y) for metric='euclidean'")
    else:
        raise SpecError(f"metric must be 'haversine' or 'euclidean', got {metric!r}")
    units = pd.Index([str(u) for u in coords.index], name="unit")
    if units.has_duplicates:
        raise SpecError(f"coordinates list a unit twice: {sorted(set(units[units.duplicated()]))}")
    pts = coords[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(pts).all(axis=1)
    if bad.any():
        raise DataError(f"unit(s) without coordinates: {', '.join(units[bad])}; give every unit a position "
                        "or leave the unit out of the analysis")
    if metric == "haversine" and ((np.abs(pts[:, 0]) > 90).any() or (np.abs(pts[:, 1]) > 180).any()):
        raise DataError("latitude must lie in [-90, 90] and longitude in [-180, 180] degrees")
    if len(units) < 3:
        raise DataError(f"spatial weights need at least 3 units, got {len(units)}")
    return units, pts


def _unit_sphere(latlon: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(latlon[:, 0]), np.radians(latlon[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _pair_distances(pts: np.ndarray, i: np.ndarray, j: np.ndarray, metric: str) -> np.ndarray:
    """Distances of the pairs (i[k], j[k]): great-circle km (haversine) or euclidean."""
    a, b = pts[i], pts[j]
    if metric == "euclidean":
        return np.sqrt(((a - b) ** 2).sum(axis=1))
    la, lb = np.radians(a[:, 0]), np.radians(b[:, 0])
    h = np.sin((lb - la) / 2) ** 2 + np.cos(la) * np.cos(lb) * np.sin(np.radians(b[:, 1] - a[:, 1]) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _distances(pts: np.ndarray, metric: str) -> np.ndarray:
    """Dense n x n distances: great-circle km (haversine) or euclidean."""
    if metric == "euclidean":
        d = pts[:, None, :] - pts[None, :, :]
        return np.sqrt((d * d).sum(axis=2))
    lat, lon = np.radians(pts[:, 0]), np.radians(pts[:, 1])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class SpatialWeights:
    """Spatial weights between units: who neighbours whom, and with what weight.

    Stored sparsely: for each unit, its neighbours and the weights ``w_ij`` (row-standardized
    weights sum to 1 over each unit's neighbours). Build them with :meth:`from_coordinates` or
    :meth:`from_neighbours`.

    Parameters
    ----------
    units
        The unit codes, in order.
    neighbours
        ``{unit: [neighbour, ...]}``; a unit missing from the mapping has no neighbours (an island).
    weights
        ``{unit: [w, ...]}`` aligned with ``neighbours``; ``None`` gives every link weight 1.
    row_standardize
        Divide each unit's weights by their sum (default ``True``, PySAL's ``transform="r"``).
    description
        How the weights were built (shown in reprs and plots).

    Raises
    ------
    SpecError
        A neighbour that is not a unit, a unit its own neighbour or listed twice, a weight that
        is not finite and positive, or fewer weights than neighbours.
    DataError
        Fewer than 3 units.

    Warns
    -----
    CompindexWarning
        When some units have no neighbours (islands), naming them.
    """

    def __init__(self, units: Any, neighbours: Mapping[Any, Any], weights: Mapping[Any, Any] | None = None, *,
                 row_standardize: bool = True, description: str = "user neighbours") -> None:
        self.units = pd.Index([str(u) for u in units], name="unit")
        if self.units.has_duplicates:
            raise SpecError(f"spatial weights: unit(s) listed twice: {sorted(set(self.units[self.units.duplicated()]))}")
        if len(self.units) < 3:
            raise DataError(f"spatial weights need at least 3 units, got {len(self.units)}")
        known = set(self.units)
        nb = {str(k): [str(j) for j in v] for k, v in neighbours.items()}
        unknown_focal = sorted(set(nb) - known)
        unknown = sorted({j for v in nb.values() for j in v} - known)
        if unknown_focal or unknown:
            names = ", ".join(sorted(set(unknown_focal) | set(unknown)))
            raise SpecError(f"the neighbour list names unknown unit(s): {names} (not among the {len(self.units)} units)")
        wmap = {str(k): v for k, v in weights.items()} if weights is not None else {}
        wt: dict[str, list[float]] = {}
        for u in self.units:
            n_u = nb.get(u, [])
            w_u = [float(x) for x in wmap[u]] if u in wmap else [1.0] * len(n_u)
            if len(w_u) != len(n_u):
                raise SpecError(f"spatial weights: unit {u!r} has {len(n_u)} neighbours but {len(w_u)} weights")
            for j, x in zip(n_u, w_u):
                if not (math.isfinite(x) and x > 0):
                    raise SpecError(f"spatial weights: the weight of {u!r} -> {j!r} must be finite and > 0, got {x!r}")
            nb[u] = n_u
            wt[u] = w_u
        self._raw_weights = wt
        self.row_standardized = bool(row_standardize)
        if row_standardize:
            wt = {u: ([x / sum(w) for x in w] if w else []) for u, w in wt.items()}
        self.neighbours: dict[str, list[str]] = {u: nb[u] for u in self.units}
        self.weights: dict[str, list[float]] = {u: wt[u] for u in self.units}
        self.description = description
        self.s0, self.s1, self.s2 = _core.spatial_weights_check(*self._csr())
        self.islands: list[str] = [u for u in self.units if not self.neighbours[u]]
        if self.islands:
            warnings.warn(f"{len(self.islands)} unit(s) without neighbours (islands): {', '.join(self.islands)}; they "
                          "keep a zero spatial lag (PySAL's convention) and get no local p-value", CompindexWarning,
                          stacklevel=2)

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def from_coordinates(cls, coords: pd.DataFrame, method: str = "knn", *, k: int = 4, threshold: float | None = None,
                         power: float = 1.0, metric: str = "haversine", row_standardize: bool = True) -> SpatialWeights:
        """Weights from unit positions.

        Parameters
        ----------
        coords
            Indexed by unit; columns ``latitude`` and ``longitude`` in degrees (``metric="haversine"``)
            or ``x`` and ``y`` (or the first two columns) in one planar unit (``metric="euclidean"``).
        method
            ``"knn"``: each unit's ``k`` nearest units (weight 1; not symmetric in general);
            ``"distance_band"``: every unit within ``threshold`` (weight 1);
            ``"inverse_distance"``: every unit within ``threshold`` (all units when ``None``) with
            weight ``d_ij ** -power``.
        k
            Neighbours per unit for ``"knn"`` (1 <= k < number of units).
        threshold
            Distance band in km (haversine) or coordinate units (euclidean). For
            ``"distance_band"``, ``None`` takes the smallest band that leaves no unit without a
            neighbour (the largest nearest-neighbour distance).
        power
            Exponent of the inverse distance (``> 0``).
        metric
            ``"haversine"`` (great-circle distance in km on a sphere of radius 6371.0088 km) or
            ``"euclidean"`` (projected coordinates).
        row_standardize
            Divide each unit's weights by their sum (default).

        Returns
        -------
        SpatialWeights

        Raises
        ------
        SpecError
            An unknown method or metric, a ``k`` out of range, a non-positive threshold or power,
            missing coordinate columns, a unit listed twice.
        DataError
            A unit without coordinates (its codes are named), coincident units under inverse
            distance, or fewer than 3 units.
        """
        units, pts = _points(coords, metric)
        n = len(units)
        if threshold is not None and not (math.isfinite(threshold) and threshold > 0):
            raise SpecError(f"threshold must be a finite distance > 0, got {threshold!r}")
        if method == "knn":
            if not (isinstance(k, (int, np.integer)) and 1 <= k < n):
                raise SpecError(f"k must be an integer from 1 to {n - 1} (the number of units minus one), got {k!r}")
            from scipy.spatial import cKDTree

            xyz = _unit_sphere(pts) if metric == "haversine" else pts
            # On the unit sphere the chord length grows with the great-circle distance: same order.
            _, idx = cKDTree(xyz).query(xyz, k=int(k) + 1)
            nb = {}
            for i, row in enumerate(idx):
                others = [int(j) for j in row if j != i][: int(k)]
                nb[units[i]] = [units[j] for j in others]
            desc = f"{k} nearest neighbours ({metric})"
            return cls(units, nb, None, row_standardize=row_standardize, description=desc)
        if method not in ("distance_band", "inverse_distance"):
            raise SpecError(f"method must be 'knn', 'distance_band' or 'inverse_distance', got {method!r}")
        if method == "inverse_distance" and not (math.isfinite(power) and power > 0):
            raise SpecError(f"power must be a finite number > 0, got {power!r}")
        if threshold is None and method == "inverse_distance":
            # every pair: dense n x n distances
            ii, jj = np.nonzero(~np.eye(n, dtype=bool))
            dist = _distances(pts, metric)[ii, jj]
        else:
            # a k-d tree finds the pairs within the band (on the unit sphere for haversine, with the
            # chord of the band slightly enlarged); the exact distances then decide
            from scipy.spatial import cKDTree

            xyz = _unit_sphere(pts) if metric == "haversine" else pts
            tree = cKDTree(xyz)
            if threshold is None:
                _, nn = tree.query(xyz, k=2)
                first = np.where(nn[:, 0] == np.arange(n), nn[:, 1], nn[:, 0])
                threshold = float(_pair_distances(pts, np.arange(n), first, metric).max())
            radius = (2 * math.sin(min(threshold / (2 * EARTH_RADIUS_KM), math.pi / 2)) if metric == "haversine"
                      else threshold) * (1 + 1e-9) + 1e-12
            pairs = tree.query_pairs(radius, output_type="ndarray")
            ii = np.concatenate([pairs[:, 0], pairs[:, 1]]) if len(pairs) else np.zeros(0, dtype=int)
            jj = np.concatenate([pairs[:, 1], pairs[:, 0]]) if len(pairs) else np.zeros(0, dtype=int)
            dist = _pair_distances(pts, ii, jj, metric)
            keep = dist <= threshold
            ii, jj, dist = ii[keep], jj[keep], dist[keep]
        if method == "inverse_distance" and (dist == 0).any():
            k0 = int(np.flatnonzero(dist == 0)[0])
            raise DataError(f"units {units[ii[k0]]!r} and {units[jj[k0]]!r} have the same position: inverse distance "
                            "is infinite")
        order = np.lexsort((jj, ii))
        ii, jj, dist = ii[order], jj[order], dist[order]
        starts = np.searchsorted(ii, np.arange(n + 1))
        nb, wt = {}, {}
        for i in range(n):
            js, ds = jj[starts[i]:starts[i + 1]], dist[starts[i]:starts[i + 1]]
            nb[units[i]] = [units[j] for j in js]
            wt[units[i]] = (ds ** -power).tolist() if method == "inverse_distance" else [1.0] * len(js)
        unit = "km" if metric == "haversine" else "units"
        band_txt = "all pairs" if threshold is None else f"within {threshold:.6g} {unit}"
        desc = (f"distance band {band_txt} ({metric})" if method == "distance_band"
                else f"inverse distance^{power:g}, {band_txt} ({metric})")
        return cls(units, nb, wt, row_standardize=row_standardize, description=desc)

    @classmethod
    def from_neighbours(cls, neighbours: Mapping[Any, Any] | pd.DataFrame, *, units: Any = None, symmetric: bool = False,
                        row_standardize: bool = True) -> SpatialWeights:
        """Weights from a neighbour list the user gives.

        Parameters
        ----------
        neighbours
            ``{unit: [neighbour, ...]}``, or a DataFrame of pairs with columns ``unit`` and
            ``neighbour`` (and optionally ``weight``; otherwise every link weighs 1).
        units
            All units, in order (needed to include islands, which a pair list cannot show);
            default: the units the list names, in order of appearance.
        symmetric
            Add the reverse of every link that is listed in one direction only (same weight).
        row_standardize
            Divide each unit's weights by their sum (default).

        Returns
        -------
        SpatialWeights

        Raises
        ------
        SpecError
            A neighbour that is not among ``units``, a self-link, a repeated link, missing columns.
        """
        wts: dict[str, list[float]] | None = None
        if isinstance(neighbours, pd.DataFrame):
            missing = {"unit", "neighbour"} - set(neighbours.columns)
            if missing:
                raise SpecError(f"a neighbour table needs the columns 'unit' and 'neighbour' (missing {sorted(missing)})")
            nb: dict[str, list[str]] = {}
            wts = {}
            for row in neighbours.itertuples(index=False):
                u, j = str(row.unit), str(row.neighbour)
                nb.setdefault(u, []).append(j)
                wts.setdefault(u, []).append(float(row.weight) if "weight" in neighbours.columns else 1.0)
        else:
            nb = {str(u): [str(j) for j in v] for u, v in neighbours.items()}
        if units is None:
            seen: dict[str, None] = {}
            for u, v in nb.items():
                seen.setdefault(u)
                for j in v:
                    seen.setdefault(j)
            units = list(seen)
        for u, v in nb.items():
            if u in v:
                raise SpecError(f"unit {u!r} is listed as its own neighbour")
        if symmetric:
            nb = {u: list(v) for u, v in nb.items()}
            wts = {u: list(v) for u, v in wts.items()} if wts is not None else None
            for u, v in list(nb.items()):
                for pos, j in enumerate(list(v)):
                    if u not in nb.get(j, []):
                        nb.setdefault(j, []).append(u)
                        if wts is not None:
                            wts.setdefault(j, []).append(wts[u][pos])
        return cls(units, nb, wts, row_standardize=row_standardize,
                   description="user neighbours" + (" (symmetrized)" if symmetric else ""))

    # -- views ----------------------------------------------------------------------------------
    def _csr(self) -> tuple[int, list[int], list[int], list[float], list[str]]:
        pos = {u: i for i, u in enumerate(self.units)}
        offsets, cols, vals = [0], [], []
        for u in self.units:
            cols.extend(pos[j] for j in self.neighbours[u])
            vals.extend(self.weights[u])
            offsets.append(len(cols))
        return len(self.units), offsets, cols, vals, list(self.units)

    @property
    def n(self) -> int:
        """Number of units."""
        return len(self.units)

    def cardinalities(self) -> pd.Series:
        """Number of neighbours of each unit.

        Returns
        -------
        pandas.Series
            Indexed by unit.
        """
        return pd.Series([len(self.neighbours[u]) for u in self.units], index=self.units, name="neighbours")

    def lag(self, values: Any) -> pd.Series:
        """The spatial lag ``sum_j w_ij y_j`` of each unit (0 for an island).

        Parameters
        ----------
        values
            A Series indexed by the weights' units (or an array in the units' order).

        Returns
        -------
        pandas.Series
            Indexed by unit.

        Raises
        ------
        DataError
            Values missing for some units.
        """
        y = values.reindex(self.units) if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=float),
                                                                                          index=self.units)
        if y.isna().any():
            raise DataError(f"spatial lag: no value for unit(s) {', '.join(y.index[y.isna()])}")
        pos = {u: i for i, u in enumerate(self.units)}
        v = y.to_numpy(dtype=float)
        out = [sum(w * v[pos[j]] for j, w in zip(self.neighbours[u], self.weights[u])) for u in self.units]
        return pd.Series(np.asarray(out, dtype=float), index=self.units, name="lag")

    def to_dense(self) -> pd.DataFrame:
        """The full n x n weights matrix.

        Returns
        -------
        pandas.DataFrame
            Rows and columns are the units; entry (i, j) is ``w_ij`` (0 where j is not a neighbour).
        """
        pos = {u: i for i, u in enumerate(self.units)}
        m = np.zeros((self.n, self.n))
        for i, u in enumerate(self.units):
            for j, w in zip(self.neighbours[u], self.weights[u]):
                m[i, pos[j]] = w
        return pd.DataFrame(m, index=self.units, columns=self.units)

    def to_pairs(self) -> pd.DataFrame:
        """The links as a table.

        Returns
        -------
        pandas.DataFrame
            Columns ``unit``, ``neighbour``, ``weight``, one row per link.
        """
        rows = [(u, j, w) for u in self.units for j, w in zip(self.neighbours[u], self.weights[u])]
        return pd.DataFrame(rows, columns=["unit", "neighbour", "weight"])

    def __repr__(self) -> str:
        links = sum(len(v) for v in self.neighbours.values())
        std = ", row-standardized" if self.row_standardized else ""
        isl = f", {len(self.islands)} island(s)" if self.islands else ""
        return f"SpatialWeights({self.n} units, {links} links, {self.description}{std}{isl})"


# -- statistics ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _GlobalResult:
    value: float
    expected: float
    var_norm: float
    var_rand: float
    z_norm: float
    z_rand: float
    p_norm: float
    p_rand: float
    permutations: int
    p_sim: float
    mean_sim: float
    sd_sim: float
    sims: np.ndarray = field(repr=False)
    n: int
    node: str | None
    seed: int
    islands: tuple[str, ...]

    def to_series(self) -> pd.Series:
        """The result as a labelled series.

        Returns
        -------
        pandas.Series
            Every scalar field by name.
        """
        keys = ["value", "expected", "var_norm", "var_rand", "z_norm", "z_rand", "p_norm", "p_rand", "permutations",
                "p_sim", "mean_sim", "sd_sim", "n"]
        return pd.Series({k: getattr(self, k) for k in keys}, name=type(self).__name__)


@dataclass(frozen=True)
class MoranResult(_GlobalResult):
    """Global Moran's I of one score with its inference (see :func:`moran`).

    Attributes
    ----------
    value
        Moran's I (also :attr:`I`).
    expected
        E[I] = -1 / (n - 1).
    var_norm, var_rand
        Variance of I under normality and under randomization (Cliff and Ord 1981); ``var_rand``
        is NaN when n < 4 (undefined; a warning says so).
    z_norm, z_rand
        (I - E[I]) / sqrt(var).
    p_norm, p_rand
        Two-sided normal p-values (esda's default for Moran).
    permutations
        R, the number of random permutations (0: none).
    p_sim
        Folded pseudo p-value (min(M, R - M) + 1) / (R + 1), M = #{I_sim >= I} (esda's p_sim).
    mean_sim, sd_sim
        Mean and standard deviation (divisor R) of the simulated statistics.
    sims
        The R simulated statistics (permutation r at position r).
    n
        Number of units.
    node
        The scored node, when the input was a :class:`compindex.Result`.
    seed
        The generator's seed.
    islands
        Units without neighbours.
    """

    @property
    def I(self) -> float:  # noqa: E743
        """Moran's I."""
        return self.value


@dataclass(frozen=True)
class GearyResult(_GlobalResult):
    """Global Geary's C of one score with its inference (see :func:`geary`).

    The attributes not listed here (``permutations``, ``p_sim``, ``mean_sim``, ``sd_sim``, ``sims``,
    ``n``, ``node``, ``seed``, ``islands``) are as in :class:`MoranResult`.

    Attributes
    ----------
    value
        Geary's C (also :attr:`C`); E[C] = 1, C < 1 means positive autocorrelation.
    expected
        1.
    var_norm, var_rand
        Variance of C under normality and under randomization (Cliff and Ord 1981).
    z_norm, z_rand
        (C - 1) / sqrt(var).
    p_norm, p_rand
        Two-sided normal p-values (esda reports one-sided ones for Geary: half of these).
    """

    @property
    def C(self) -> float:
        """Geary's C."""
        return self.value


def _values(values: Result | pd.Series, weights: SpatialWeights, node: str | None) -> tuple[np.ndarray, str | None]:
    if not isinstance(weights, SpatialWeights):
        raise SpecError("weights must be a compindex.analysis.SpatialWeights")
    if isinstance(values, Result):
        fw = values.framework
        node = fw.root if node is None else node
        if node not in fw.codes:
            raise SpecError(f"unknown node {node!r}")
        s = values.scores[node]
    elif isinstance(values, pd.Series):
        if node is not None:
            raise SpecError("node= applies to a Result; pass the series of the node's scores instead")
        s = values
    else:
        raise SpecError("values must be a compindex Result or a pandas Series indexed by unit")
    s = pd.Series(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float), index=[str(u) for u in s.index])
    if s.index.has_duplicates:
        raise SpecError(f"the values list a unit twice: {sorted(set(s.index[s.index.duplicated()]))}")
    known, given = set(weights.units), set(s.index)
    extra = [u for u in s.index if u not in known]
    if extra:
        raise DataError(f"unit(s) not in the spatial weights (no coordinates or neighbours): {', '.join(extra)}; "
                        "build the weights on the same units")
    absent = [u for u in weights.units if u not in given]
    if absent:
        raise DataError(f"the spatial weights have unit(s) without a value: {', '.join(absent)}; "
                        "build the weights on the same units")
    s = s.reindex(weights.units)
    missing = list(s.index[~np.isfinite(s.to_numpy())])
    if missing:
        what = f"node {node!r}" if node is not None else "the values"
        raise DataError(f"{what}: unit(s) without a score: {', '.join(missing)}; drop them and build the weights "
                        "on the scored units")
    return s.to_numpy(dtype=float), node


def _warn_small(n: int, what: str) -> None:
    if n < 4:
        warnings.warn(f"{what}: with {n} units the variance under randomization is undefined (needs n >= 4); "
                      "var_rand, z_rand and p_rand are NaN", CompindexWarning, stacklevel=3)


def _global(stat: str, values: Any, weights: SpatialWeights, node: str | None, permutations: int, seed: int,
            threads: int) -> dict[str, Any]:
    y, node = _values(values, weights, node)
    if int(permutations) < 0:
        raise SpecError(f"permutations must be >= 0, got {permutations}")
    d = _core.spatial_global(stat, np.ascontiguousarray(y), *weights._csr(), int(permutations), int(seed), int(threads))
    _warn_small(len(y), "Moran's I" if stat == "moran" else "Geary's C")
    return dict(value=float(d["statistic"]), expected=float(d["expected"]), var_norm=float(d["var_norm"]),
                var_rand=float(d["var_rand"]), z_norm=float(d["z_norm"]), z_rand=float(d["z_rand"]),
                p_norm=float(d["p_norm"]), p_rand=float(d["p_rand"]), permutations=int(d["permutations"]),
                p_sim=float(d["p_sim"]), mean_sim=float(d["mean_sim"]), sd_sim=float(d["sd_sim"]),
                sims=np.asarray(d["sims"]), n=len(y), node=node, seed=int(seed), islands=tuple(weights.islands))


def moran(values: Result | pd.Series, weights: SpatialWeights, node: str | None = None, *, permutations: int = 999,
          seed: int = 0, threads: int = 1) -> MoranResult:
    """Global Moran's I of a score (Moran 1950) with analytic and permutation inference.

    ``I = n / S0 * sum_ij w_ij z_i z_j / sum_i z_i^2`` with ``z = y - mean(y)``.

    Parameters
    ----------
    values
        A :class:`compindex.Result` (the scores of ``node``, default the index) or a Series of
        values indexed by unit. Its units must be exactly the weights' units.
    weights
        The spatial weights.
    node
        The node to test, for a Result.
    permutations
        R random permutations of the values for ``p_sim`` (0: none).
    seed
        Seed of the counter-based generator: permutation r uses stream r, so the result depends on
        (seed, permutations) and not on ``threads``.
    threads
        Threads for the permutations (0: one per hardware thread).

    Returns
    -------
    MoranResult

    Raises
    ------
    SpecError
        An unknown node, a negative number of permutations.
    DataError
        Fewer than 3 units, a unit without a score, units that differ from the weights', all
        values equal, weights without any link.
    """
    return MoranResult(**_global("moran", values, weights, node, permutations, seed, threads))


def geary(values: Result | pd.Series, weights: SpatialWeights, node: str | None = None, *, permutations: int = 999,
          seed: int = 0, threads: int = 1) -> GearyResult:
    """Global Geary's C of a score (Geary 1954) with analytic and permutation inference.

    ``C = (n - 1) sum_ij w_ij (y_i - y_j)^2 / (2 S0 sum_i z_i^2)``; E[C] = 1, values below 1
    mean similar neighbours.

    Parameters
    ----------
    values
        A :class:`compindex.Result` (the scores of ``node``) or a Series indexed by unit.
    weights
        The spatial weights.
    node
        The node to test, for a Result (default: the index).
    permutations
        R random permutations for ``p_sim`` (0: none).
    seed
        Seed of the counter-based generator (results do not depend on ``threads``).
    threads
        Threads for the permutations (0: one per hardware thread).

    Returns
    -------
    GearyResult

    Raises
    ------
    SpecError
        An unknown node, a negative number of permutations.
    DataError
        As :func:`moran`.
    """
    return GearyResult(**_global("geary", values, weights, node, permutations, seed, threads))


def local_moran(values: Result | pd.Series, weights: SpatialWeights, node: str | None = None, *,
                permutations: int = 999, seed: int = 0, alpha: float = 0.05, threads: int = 1) -> pd.DataFrame:
    """Local Moran's I_i (Anselin 1995) with conditional permutation p-values and cluster classes.

    ``I_i = (n - 1) z_i lag_i / sum_k z_k^2`` with ``z`` the values standardized by the
    population standard deviation and ``lag_i = sum_j w_ij z_j`` (esda's scaling). For each
    unit, each permutation draws the unit's number of neighbours from the other n - 1 values.

    Parameters
    ----------
    values
        A :class:`compindex.Result` (the scores of ``node``) or a Series indexed by unit.
    weights
        The spatial weights.
    node
        The node, for a Result (default: the index).
    permutations
        R conditional permutations per unit (0: no p-values; every cluster is then ``"ns"``).
    seed
        Seed of the counter-based generator: unit i's permutation r uses stream ``i * R + r``, so
        the result does not depend on ``threads``.
    alpha
        Significance level of the cluster classes.
    threads
        Threads (0: one per hardware thread).

    Returns
    -------
    pandas.DataFrame
        Indexed by unit: ``value``, ``z``, ``lag`` (of z), ``I``, ``p_sim`` (folded pseudo
        p-value, NaN for an island), ``mean_sim``, ``sd_sim``, ``quadrant`` (esda's q: 1 HH,
        2 LH, 3 LL, 4 HL; 0 island), ``quadrant_label`` and ``cluster`` (the quadrant label where
        ``p_sim <= alpha``, ``"ns"`` otherwise, ``"island"`` for an island). ``attrs`` holds
        ``alpha``, ``permutations``, ``seed``, ``node``.

    Raises
    ------
    SpecError
        An unknown node, an alpha outside (0, 1), a negative number of permutations.
    DataError
        As :func:`moran`.
    """
    if not (0 < float(alpha) < 1):
        raise SpecError(f"alpha must lie in (0, 1), got {alpha!r}")
    if int(permutations) < 0:
        raise SpecError(f"permutations must be >= 0, got {permutations}")
    y, node = _values(values, weights, node)
    d = _core.spatial_local_moran(np.ascontiguousarray(y), *weights._csr(), int(permutations), int(seed), int(threads))
    q = np.asarray(d["quadrant"], dtype=int)
    p = np.asarray(d["p_sim"], dtype=float)
    labels = [_QUADRANTS[int(v)] for v in q]
    cluster = [lab if lab == "island" else (lab if (not math.isnan(pv) and pv <= alpha) else "ns")
               for lab, pv in zip(labels, p)]
    out = pd.DataFrame({"value": y, "z": np.asarray(d["z"]), "lag": np.asarray(d["lag"]), "I": np.asarray(d["I"]),
                        "p_sim": p, "mean_sim": np.asarray(d["mean_sim"]), "sd_sim": np.asarray(d["sd_sim"]),
                        "quadrant": q, "quadrant_label": labels, "cluster": cluster}, index=weights.units)
    src_attrs = getattr(values, "attrs", None) or {}
    out.attrs.update({k: src_attrs[k] for k in ("note", "simulated") if k in src_attrs})  # e.g. the SIMULATED label
    out.attrs.update(alpha=float(alpha), permutations=int(permutations), seed=int(seed), node=node)
    return out
