"""Disparities between units: Gini, Theil T and L, generalized entropy GE(alpha), coefficient of
variation, each with its decomposition into between-group and within-group inequality.

Every measure takes population weights (e.g. provincial population) when given: a unit with
weight ``w_i`` counts as ``w_i`` people who all have the unit's score. Without weights every unit
counts once. The formulas and sources are in ``docs/regional.md``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import CompindexWarning, DataError, SpecError
from ..pipeline import Result
from ._common import _check_node, _group_labels

#: The measures :func:`disparities` reports by default, in this order.
MEASURES = ("gini", "theil_t", "theil_l", "cv", "cv2")
_KNOWN = ("gini", "theil_t", "theil_l", "cv", "cv2", "ge")
_MIN_UNITS = 3


# -- inputs ------------------------------------------------------------------------------------

def _values(data: Any, node: str | None, where: str) -> tuple[pd.Series, Result | None]:
    """Values by unit (float, index of unit codes as text) from a Result (scores at ``node``,
    default the root) or a Series."""
    if isinstance(data, Result):
        node = _check_node(data.framework, node)
        s = data.scores[node].astype(float)
        s.name = node
        return s, data
    if isinstance(data, pd.Series):
        if node is not None:
            raise SpecError(f"{where}: node= applies to a Result; got a Series")
        try:
            s = pd.to_numeric(data, errors="raise").astype(float)
        except (TypeError, ValueError) as exc:
            raise DataError(f"{where}: the values must be numeric ({exc})") from None
        s = s.copy()
        s.index = pd.Index([str(u).strip() for u in s.index], name="unit")
        if s.index.duplicated().any():
            raise DataError(f"{where}: unit {s.index[s.index.duplicated()][0]!r} appears twice")
        return s, None
    raise SpecError(f"{where}: expected a compindex.Result or a pandas Series of values by unit, got {type(data).__name__}")


def _by_unit(obj: Any, units: pd.Index, what: str, where: str) -> pd.Series:
    if isinstance(obj, Mapping):
        obj = pd.Series(dict(obj))
    if not isinstance(obj, pd.Series):
        raise SpecError(f"{where}: {what} must be a column name, a Series or a mapping by unit, got {type(obj).__name__}")
    s = obj.copy()
    s.index = pd.Index([str(u).strip() for u in s.index])
    return s.reindex(units)


def _labels(group: Any, result: Result | None, units: pd.Index, where: str) -> pd.Series:
    if isinstance(group, str):
        if result is None:
            raise SpecError(f"{where}: group={group!r} names a unit-group column of a Result; with a Series pass the labels "
                            "as a Series by unit")
        labels = _group_labels(result, group).reindex(units)
    else:
        labels = _by_unit(group, units, "group", where).map(
            lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    missing = labels.isna() | (labels == "")
    if missing.any():
        u = labels.index[missing.to_numpy()][0]
        raise DataError(f"{where}: unit {u!r} has no group label" + (f" in {group!r}" if isinstance(group, str) else ""))
    return labels.astype(str)


def _weights(weights: Any, result: Result | None, units: pd.Index, where: str) -> np.ndarray | None:
    if weights is None:
        return None
    if isinstance(weights, str):
        if result is None or weights not in result.groups.columns:
            have = ", ".join(map(str, result.groups.columns)) if result is not None else "none (a Series has no columns)"
            raise SpecError(f"{where}: no column {weights!r} for the weights (columns: {have}); pass a Series by unit")
        w = pd.to_numeric(result.groups[weights].reindex(units), errors="coerce")
    else:
        w = pd.to_numeric(_by_unit(weights, units, "weights", where), errors="coerce")
    bad = w.isna() | ~np.isfinite(w.to_numpy(dtype=float)) | (w < 0)
    if bad.any():
        u = w.index[bad.to_numpy()][0]
        got = weights[u] if isinstance(weights, (pd.Series, Mapping)) and u in weights else w[u]
        raise DataError(f"{where}: unit {u!r} has no valid weight (needs a finite number >= 0, got {got!r})")
    arr = w.to_numpy(dtype=float)
    if arr.sum() <= 0:
        raise DataError(f"{where}: the weights sum to 0")
    return arr


@dataclass
class _Prepared:
    x: np.ndarray
    p: np.ndarray  # population shares (sum 1)
    units: pd.Index
    labels: pd.Series | None
    name: str
    dropped: list[str]


def _prepare(data: Any, *, node: str | None, group: Any, weights: Any, where: str) -> _Prepared:
    s, result = _values(data, node, where)
    dropped = [str(u) for u in s.index[s.isna().to_numpy()]]
    s = s.dropna()
    if not np.isfinite(s.to_numpy()).all():
        u = s.index[~np.isfinite(s.to_numpy())][0]
        raise DataError(f"{where}: unit {u!r} has an infinite value")
    if len(s) < _MIN_UNITS:
        raise DataError(f"{where}: {len(s)} unit(s) with a value; a disparity needs at least {_MIN_UNITS}")
    neg = s < 0
    if neg.any():
        u = s.index[neg.to_numpy()][0]
        raise DataError(f"{where}: unit {u!r} has a negative value ({s[u]:g}); inequality measures need values >= 0")
    w = _weights(weights, result, s.index, where)
    p = np.full(len(s), 1.0 / len(s)) if w is None else w / w.sum()
    if float(np.dot(p, s.to_numpy())) <= 0:
        raise DataError(f"{where}: the (weighted) mean is 0; inequality is undefined")
    labels = _labels(group, result, s.index, where) if group is not None else None
    return _Prepared(s.to_numpy(dtype=float), p, s.index, labels, str(s.name or "value"), dropped)


# -- the measures on arrays ------------------------------------------------------------------

def _gini(x: np.ndarray, p: np.ndarray) -> float:
    # G = sum_i p_i x_i (2 C_(i-1) + p_i - 1) / mu over x sorted ascending, C the cumulative
    # population share before i: the mean absolute difference over 2 mu, in O(n log n).
    order = np.argsort(x, kind="stable")
    xs, ps = x[order], p[order]
    before = np.cumsum(ps) - ps
    mu = float(np.dot(ps, xs))
    # centring on mu changes nothing (the factors sum to 0 against p) but keeps equal values at 0
    return max(0.0, float(np.dot(ps * (xs - mu), 2.0 * before + ps - 1.0) / mu))


def _ge(x: np.ndarray, p: np.ndarray, alpha: float, units: pd.Index | None = None, where: str = "") -> float:
    mu = float(np.dot(p, x))
    r = x / mu
    if alpha <= 0 and (x <= 0).any():
        i = int(np.flatnonzero(x <= 0)[0])
        u = units[i] if units is not None else f"#{i}"
        what = "Theil L (GE(0))" if alpha == 0 else f"GE({alpha:g})"
        raise DataError(f"{where}: unit {u!r} has the value {x[i]:g}; {what} needs values > 0 "
                        "(use the Gini, Theil T or the CV, or shift the scale)")
    if alpha == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)  # 0 ln 0 = 0
        return float(np.dot(p, t))
    if alpha == 0:
        return float(-np.dot(p, np.log(r)))
    return float((np.dot(p, r ** alpha) - 1.0) / (alpha * (alpha - 1.0)))


def _cv(x: np.ndarray, p: np.ndarray) -> float:
    mu = float(np.dot(p, x))
    return float(math.sqrt(float(np.dot(p, (x - mu) ** 2))) / mu)


# -- public single measures ------------------------------------------------------------------

def gini(data: Any, *, node: str | None = None, weights: Any = None) -> float:
    """The Gini coefficient of scores (or of any non-negative values).

    :math:`G = \\frac{1}{2\\mu}\\sum_i\\sum_j p_i p_j |x_i - x_j|` with population shares
    :math:`p_i` (``1/n`` without weights): the population Gini, without the ``n/(n-1)``
    small-sample correction; 0 for equal values, at most ``1 - min p_i``. Computed in
    O(n log n) on the sorted values.

    Parameters
    ----------
    data
        A :class:`compindex.Result` (the scores at ``node``) or a Series of values by unit.
    node
        The node of a Result (default the root).
    weights
        Population weights: a unit-group column of the Result (e.g. ``"population"``), or a
        Series / mapping by unit.

    Returns
    -------
    float

    Raises
    ------
    DataError
        Fewer than 3 units with a value, a negative value, a zero mean, a missing or negative weight.
    """
    d = _prepare(data, node=node, group=None, weights=weights, where="gini")
    return _gini(d.x, d.p)


def generalized_entropy(data: Any, alpha: float, *, node: str | None = None, weights: Any = None) -> float:
    """The generalized entropy index GE(alpha) (Shorrocks 1980).

    :math:`GE(\\alpha) = \\frac{1}{\\alpha(\\alpha-1)}\\sum_i p_i[(x_i/\\mu)^\\alpha - 1]`;
    ``alpha=1`` is Theil's T :math:`\\sum_i p_i (x_i/\\mu)\\ln(x_i/\\mu)`, ``alpha=0`` Theil's L
    (mean log deviation) :math:`-\\sum_i p_i \\ln(x_i/\\mu)`, ``alpha=2`` half the squared CV.

    Parameters
    ----------
    data
        A :class:`compindex.Result` or a Series of values by unit.
    alpha
        The sensitivity parameter (any real number; small alpha weighs the bottom more).
    node
        The node of a Result (default the root).
    weights
        Population weights (a unit-group column of the Result, a Series or a mapping by unit).

    Returns
    -------
    float

    Raises
    ------
    DataError
        A value <= 0 when ``alpha <= 0`` (named unit), a negative value, fewer than 3 units.
    """
    d = _prepare(data, node=node, group=None, weights=weights, where=f"generalized_entropy({alpha:g})")
    return _ge(d.x, d.p, float(alpha), d.units, f"generalized_entropy({alpha:g})")


def theil_t(data: Any, *, node: str | None = None, weights: Any = None) -> float:
    """Theil's T index, GE(1) (Theil 1967). See :func:`generalized_entropy`.

    Parameters
    ----------
    data
        A :class:`compindex.Result` or a Series of values by unit.
    node
        The node of a Result (default the root).
    weights
        Population weights.

    Returns
    -------
    float
    """
    return generalized_entropy(data, 1.0, node=node, weights=weights)


def theil_l(data: Any, *, node: str | None = None, weights: Any = None) -> float:
    """Theil's L index (mean log deviation), GE(0). Needs values > 0. See :func:`generalized_entropy`.

    Parameters
    ----------
    data
        A :class:`compindex.Result` or a Series of values by unit.
    node
        The node of a Result (default the root).
    weights
        Population weights.

    Returns
    -------
    float

    Raises
    ------
    DataError
        A unit with a value <= 0 (named).
    """
    return generalized_entropy(data, 0.0, node=node, weights=weights)


def coefficient_of_variation(data: Any, *, node: str | None = None, weights: Any = None) -> float:
    """The coefficient of variation, :math:`\\sigma/\\mu` with the population (``ddof=0``),
    weighted standard deviation; its square is ``2 GE(2)``.

    Parameters
    ----------
    data
        A :class:`compindex.Result` or a Series of values by unit.
    node
        The node of a Result (default the root).
    weights
        Population weights.

    Returns
    -------
    float
    """
    d = _prepare(data, node=node, group=None, weights=weights, where="coefficient_of_variation")
    return _cv(d.x, d.p)


# -- decompositions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Decomposition:
    """One inequality measure split by a unit group (from :func:`decompose`).

    ``total = between + within + overlap``; ``overlap`` is 0 for the GE family and the squared
    CV (exactly decomposable) and is the Gini's residual term (units of different groups whose
    ranks interleave).

    Attributes
    ----------
    measure
        ``gini``, ``theil_t``, ``theil_l``, ``cv2`` or ``ge(alpha)``.
    total, between, within, overlap
        The measure and its three parts.
    groups
        One row per group: ``n_units``, ``population_share`` (:math:`v_g`), ``mean``,
        ``score_share`` (:math:`s_g = v_g\\mu_g/\\mu`), ``inequality`` (the measure within the
        group), ``weight`` (its weight in ``within``), ``contribution`` (weight x inequality;
        the contributions sum to ``within``).
    """

    measure: str
    total: float
    between: float
    within: float
    overlap: float
    groups: pd.DataFrame

    @property
    def between_share(self) -> float:
        """``between / total`` (NaN when the total is 0)."""
        return self.between / self.total if self.total else math.nan


def _measure_alpha(measure: str, alpha: float | None) -> tuple[str, float | None]:
    m = str(measure).strip().lower()
    if m not in _KNOWN:
        from .._methods import did_you_mean

        raise SpecError(f"unknown inequality measure {measure!r}{did_you_mean(m, _KNOWN)} (expected one of {', '.join(_KNOWN)})")
    if m == "ge":
        if alpha is None:
            raise SpecError("measure='ge' needs alpha= (e.g. 0, 1, 2)")
        return f"ge({float(alpha):g})", float(alpha)
    if alpha is not None:
        raise SpecError(f"alpha= applies to measure='ge', not {m!r}")
    return m, {"theil_t": 1.0, "theil_l": 0.0, "cv2": 2.0}.get(m)


def _decompose(d: _Prepared, measure: str, alpha: float | None, where: str) -> Decomposition:
    assert d.labels is not None
    x, p = d.x, d.p
    mu = float(np.dot(p, x))
    labels = d.labels.to_numpy()
    cats_arr, code = np.unique(labels, return_inverse=True)
    cats = [str(c) for c in cats_arr]
    counts = np.bincount(code, minlength=len(cats))
    single = [g for g, c in zip(cats, counts) if c == 1]
    if single:
        warnings.warn(f"{where}: group(s) {', '.join(map(repr, single))} have one unit: their within-group inequality is 0",
                      CompindexWarning, stacklevel=3)
    v = np.bincount(code, weights=p, minlength=len(cats))
    with np.errstate(divide="ignore", invalid="ignore"):
        mg = np.where(v > 0, np.bincount(code, weights=p * x, minlength=len(cats)) / v, math.nan)
    s = v * mg / mu
    # every unit gets its group's mean: the between-group distribution
    xb = mg[code]
    if measure == "gini":
        total = _gini(x, p)
        ineq = np.array([_gini(x[labels == g], p[labels == g] / v[i]) if v[i] > 0 else 0.0 for i, g in enumerate(cats)])
        weight = v * s
        between = _gini(xb, p)
    else:
        a = float(alpha)  # type: ignore[arg-type]
        scale = 2.0 if measure == "cv2" else 1.0
        total = scale * _ge(x, p, a, d.units, where)
        ineq = np.array([scale * _ge(x[labels == g], p[labels == g] / v[i], a, d.units[labels == g], where) if v[i] > 0 else 0.0
                         for i, g in enumerate(cats)])
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = np.where(v > 0, v ** (1.0 - a) * s ** a, 0.0)
        between = scale * _ge(xb, p, a, d.units, where)
    within = float(np.dot(weight, ineq))
    overlap = total - between - within if measure == "gini" else 0.0
    table = pd.DataFrame({"n_units": counts.astype(int), "population_share": v, "mean": mg,
                          "score_share": s, "inequality": ineq, "weight": weight, "contribution": weight * ineq},
                         index=pd.Index(cats, name="group"))
    return Decomposition(measure, total, between, within, overlap, table)


def decompose(data: Any, group: Any, measure: str = "theil_t", *, alpha: float | None = None, node: str | None = None,
              weights: Any = None) -> Decomposition:
    """Split an inequality measure into between-group, within-group and (Gini) overlap parts.

    GE(alpha), Theil T (``alpha=1``), Theil L (``alpha=0``) and the squared CV (``2 GE(2)``)
    decompose exactly (Shorrocks 1980): ``within`` is :math:`\\sum_g v_g^{1-\\alpha} s_g^\\alpha
    GE_g` (:math:`v_g` the group's population share, :math:`s_g` its share of the total score),
    ``between`` is the measure of the distribution where every unit has its group's mean, and
    ``overlap`` is 0. The Gini decomposes as Bhattacharya and Mahalanobis (1967) and Pyatt
    (1976) do (the form of Lambert and Aronson 1993): ``within`` :math:`= \\sum_g v_g s_g G_g`,
    ``between`` the Gini of the group means (population-weighted), and ``overlap`` the residual
    ``total - between - within`` (>= 0; 0 when the groups' ranges do not overlap).

    Parameters
    ----------
    data
        A :class:`compindex.Result` (the scores at ``node``) or a Series of values by unit.
    group
        A unit-group column of the Result (e.g. ``"region"``) or a Series / mapping unit -> label.
    measure
        ``"gini"``, ``"theil_t"``, ``"theil_l"``, ``"cv2"`` (the squared coefficient of variation)
        or ``"ge"`` (with ``alpha``).
    alpha
        The GE parameter for ``measure="ge"``.
    node
        The node of a Result (default the root).
    weights
        Population weights (a unit-group column of the Result, a Series or a mapping by unit).

    Returns
    -------
    Decomposition

    Raises
    ------
    DataError
        A unit without a group label or a valid weight, a negative value (or a value <= 0 for
        GE(alpha <= 0)), fewer than 3 units. A group with one unit gives a
        :class:`compindex.CompindexWarning` (its within-group inequality is 0).
    SpecError
        An unknown measure or group column.
    """
    m, a = _measure_alpha(measure, alpha)
    d = _prepare(data, node=node, group=group, weights=weights, where=f"decompose({m})")
    return _decompose(d, m, a, f"decompose({m})")


def disparities(data: Any, *, group: Any = None, nodes: str | Sequence[str] | None = None, weights: Any = None,
                measures: Sequence[str] = MEASURES, alphas: Sequence[float] = ()) -> pd.DataFrame:
    """Inequality of the scores at one or more nodes, decomposed by a unit group when given.

    Parameters
    ----------
    data
        A :class:`compindex.Result` or a Series of values by unit.
    group
        Optional unit-group column of the Result (e.g. ``"region"``) or labels by unit.
    nodes
        A node or a list of nodes of a Result (default the root); ``"pillars"`` for the root
        and the pillars.
    weights
        Population weights (a unit-group column of the Result, a Series or a mapping by unit).
    measures
        Among ``gini``, ``theil_t``, ``theil_l``, ``cv`` and ``cv2`` (default all five).
    alphas
        Extra GE(alpha) rows, e.g. ``(-1, 0.5, 2)``.

    Returns
    -------
    DataFrame
        Indexed by (``node``, ``measure``) with ``n_units``, ``total`` and, with ``group``,
        ``between``, ``within``, ``overlap`` (the Gini's residual; 0 for the others) and
        ``between_share``. ``cv`` is not additively decomposable: its row has the total only and
        the ``note`` says to read ``cv2``. Units without a score are left out and counted in
        ``note``; a measure that needs values > 0 (Theil L, GE(alpha <= 0)) on a node with a
        zero score is left NaN with the reason in ``note`` (the single functions raise instead).

    Raises
    ------
    DataError
        Fewer than 3 units, a negative value, a unit without a label or a valid weight.
    """
    if isinstance(data, Result):
        from ._common import pillars

        if nodes is None:
            codes = [data.framework.root]
        elif isinstance(nodes, str) and nodes == "pillars":
            codes = [data.framework.root] + pillars(data.framework)
        else:
            codes = [nodes] if isinstance(nodes, str) else list(nodes)
    else:
        if nodes is not None:
            raise SpecError("disparities: nodes= applies to a Result; got a Series")
        codes = [None]  # type: ignore[list-item]
    wanted = [_measure_alpha(m, None) for m in measures] + [_measure_alpha("ge", a) for a in alphas]
    rows = []
    for code in codes:
        where = f"disparities({code})" if code else "disparities"
        d = _prepare(data, node=code, group=group, weights=weights, where=where)
        node = code or d.name
        base_note = f"{len(d.dropped)} unit(s) without a score left out" if d.dropped else ""
        for m, a in wanted:
            rec: dict[str, Any] = {"node": node, "measure": m, "n_units": len(d.x)}
            note = base_note
            try:
                if m == "cv":
                    rec["total"] = _cv(d.x, d.p)
                    if group is not None:
                        note = "; ".join(filter(None, [note, "the CV is not additively decomposable: see cv2 (= CV^2)"]))
                elif group is None:
                    rec["total"] = _gini(d.x, d.p) if m == "gini" else (2.0 if m == "cv2" else 1.0) * _ge(d.x, d.p, a, d.units, where)  # type: ignore[arg-type]
                else:
                    dec = _decompose(d, m, a, where)
                    rec.update(total=dec.total, between=dec.between, within=dec.within, overlap=dec.overlap,
                               between_share=dec.between_share)
            except DataError as exc:
                if a is None or a > 0:
                    raise
                rec["total"] = math.nan
                note = "; ".join(filter(None, [note, str(exc)]))
            rec["note"] = note
            rows.append(rec)
    cols = ["node", "measure", "n_units", "total"] + (["between", "within", "overlap", "between_share"] if group is not None else []) + ["note"]
    out = pd.DataFrame(rows).reindex(columns=cols).set_index(["node", "measure"])
    out.attrs = dict(getattr(data, "attrs", None) or {})
    return out


def lorenz(data: Any, *, node: str | None = None, weights: Any = None) -> pd.DataFrame:
    """The Lorenz curve: cumulative population share against cumulative score share, from
    (0, 0) to (1, 1), units sorted by score ascending.

    Parameters
    ----------
    data
        A :class:`compindex.Result` or a Series of values by unit.
    node
        The node of a Result (default the root).
    weights
        Population weights.

    Returns
    -------
    DataFrame
        ``unit`` ("" on the first row), ``population_share`` and ``score_share`` (cumulative),
        ``n + 1`` rows; ``attrs["gini"]`` is the Gini (twice the area between the curve and the
        diagonal).
    """
    d = _prepare(data, node=node, group=None, weights=weights, where="lorenz")
    order = np.argsort(d.x, kind="stable")
    xs, ps = d.x[order], d.p[order]
    cum_p = np.concatenate([[0.0], np.cumsum(ps)])
    cum_s = np.concatenate([[0.0], np.cumsum(ps * xs) / float(np.dot(ps, xs))])
    out = pd.DataFrame({"unit": [""] + [str(u) for u in d.units[order]], "population_share": cum_p, "score_share": cum_s})
    out.attrs = dict(getattr(data, "attrs", None) or {})
    out.attrs["gini"] = _gini(d.x, d.p)
    out.attrs["node"] = d.name
    return out
