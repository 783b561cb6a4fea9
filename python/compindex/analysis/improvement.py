"""What to improve: the effect of an indicator on a unit's score and rank."""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import _core
from ..errors import ComputationError, DataError, SpecError
from ..framework import Framework
from ..pipeline import Result, make_spec
from ._common import _check_node, _check_unit, _n_ranked, rank_text, unactionable


class _Rescorer:
    """Re-scores a result with one raw value of one unit changed, exactly (the whole pipeline),
    through compindex._core on numpy arrays."""

    def __init__(self, result: Result, unit: str, node: str) -> None:
        fw = result.framework
        self.fw = fw
        pooled = getattr(result, "_pooled", None)
        upos = int(result.units.get_loc(unit))
        if pooled is not None:
            self.base = pooled.dataset
            self.population = np.asarray(pooled.rows)
        else:
            self.base = result._dataset
            self.population = np.arange(len(result.units))
        self.row = int(self.population[upos])
        self.pos = upos
        self.plan = _core.Plan(fw._core, make_spec(fw, **result.spec))
        self.values = np.array(self.base.values, dtype=float, order="F", copy=True)
        k = fw.codes.index(node)
        if fw.is_indicator(node):
            self.kind, self.col = "normalized", fw.indicators.index(node)
        else:
            self.kind, self.col = "aggregated", fw.aggregates.index(node)
        self.calls = 0
        s0, r0 = self.evaluate(0, float(self.values[self.row, 0]))
        if not (np.isclose(s0, float(result.scores.iat[upos, k]), rtol=0, atol=1e-9) or
                (math.isnan(s0) and math.isnan(float(result.scores.iat[upos, k])))):
            raise ComputationError(f"re-scoring {unit!r} does not reproduce its {node!r} score ({s0} against "
                                   f"{result.scores.iat[upos, k]}): was the result scored with keywords other than result.spec?")
        self.base_score, self.base_rank = s0, r0

    def evaluate(self, col: int, value: float) -> tuple[float, float]:
        """(score, rank) of the unit at the node with raw value ``value`` in indicator column ``col``."""
        old = self.values[self.row, col]
        self.values[self.row, col] = value
        try:
            ds = _core.dataset_with_values(self.base, self.values)
            res = _core.run(self.plan, ds)
        finally:
            self.values[self.row, col] = old
        self.calls += 1
        m = np.asarray(res.normalized if self.kind == "normalized" else res.aggregated)
        s = m[self.population, self.col]
        su = s[self.pos]
        if math.isnan(su):
            return math.nan, math.nan
        return float(su), float(1 + np.count_nonzero(s[~np.isnan(s)] > su))

    def population_values(self, col: int) -> np.ndarray:
        v = self.values[self.population, col]
        return v[~np.isnan(v)]


def _indicators_under(fw: Framework, node: str) -> list[str]:
    return fw.descendant_indicators(node)


def improvement_potential(result: Result, unit: str, *, node: str | None = None, step: float = 1.0,
                          share: float = 0.10, by: str | None = None) -> pd.DataFrame:
    """Index points a unit gains per improvement of each indicator, by exact re-scoring.

    For every indicator below ``node`` (default: the root), the unit's raw value is improved
    (raised, or lowered for an inverse indicator) by ``step`` raw units and, separately, by
    ``share`` (10%) of its absolute value; the whole pipeline is re-run (compindex._core on numpy
    arrays: treatment, normalization bounds and aggregation all react) and the change of the
    unit's score at ``node`` is reported. Exact finite differences, not derivatives: a step that
    carries the unit past the best observed value moves the min-max bounds, and a change can alter
    an outlier-treatment decision.

    Columns: ``name``, ``direction``, ``raw``, ``score`` (normalized), ``rank_text``,
    ``effective_weight``, ``change_per_unit`` (the raw change, ±step), ``gain_per_unit``,
    ``rank_after_unit``, ``change_10pct``, ``gain_10pct``, ``rank_after_10pct``, optionally the
    ``by`` column, and ``note`` (why a gain is missing, or that the changed value lies beyond the
    best observed value). ``attrs`` holds the base ``score`` and ``rank``.

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`).
    unit : str
        The unit's code.
    node : str, optional
        The node whose score gain is reported (default: the root).
    step : float
        The improvement in raw units.
    share : float
        The relative improvement (0.1: 10 % of the absolute value).
    by : str, optional
        A metadata column copied into the table (e.g. ``lead_agency``).

    Returns
    -------
    pandas.DataFrame
        One row per indicator.
    """
    fw = result.framework
    unit = _check_unit(result, unit)
    node = _check_node(fw, node)
    rs = _Rescorer(result, unit, node)
    inds = _indicators_under(fw, node)
    n_ranked = _n_ranked(result)
    eff = result.effective_weights
    rows = []
    for code in inds:
        col = fw.indicators.index(code)
        d = int(fw.directions[code])
        x = float(rs.values[rs.row, col])
        obs = rs.population_values(col)
        best = (obs.max() if d > 0 else obs.min()) if obs.size else math.nan
        rec: dict[str, Any] = {"indicator": code, "name": fw.names[code], "direction": d, "raw": x,
                               "score": float(result.scores.at[unit, code]),
                               "rank_text": rank_text(result.ranks.at[unit, code], n_ranked[code]),
                               "effective_weight": float(eff[code])}
        notes = []
        if math.isnan(x):
            rec.update(change_per_unit=math.nan, gain_per_unit=math.nan, rank_after_unit=math.nan,
                       change_10pct=math.nan, gain_10pct=math.nan, rank_after_10pct=math.nan)
            notes.append("no value for this unit")
        else:
            du = d * step
            s1, r1 = rs.evaluate(col, x + du)
            rec.update(change_per_unit=du, gain_per_unit=s1 - rs.base_score, rank_after_unit=r1)
            if (x + du - best) * d > 0:
                notes.append("a one-unit change passes the best observed value")
            if x == 0:
                rec.update(change_10pct=0.0, gain_10pct=math.nan, rank_after_10pct=math.nan)
                notes.append("the value is 0, so a share of it is no change")
            else:
                dp = d * share * abs(x)
                s2, r2 = rs.evaluate(col, x + dp)
                rec.update(change_10pct=dp, gain_10pct=s2 - rs.base_score, rank_after_10pct=r2)
                if (x + dp - best) * d > 0:
                    notes.append(f"a {share:.0%} change passes the best observed value")
        if by is not None:
            v = fw.column(by).get(code, "")
            rec[by] = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        rec["note"] = "; ".join(notes)
        rows.append(rec)
    out = pd.DataFrame(rows).set_index("indicator")
    for c in ("rank_after_unit", "rank_after_10pct"):
        out[c] = out[c].astype("Int64")
    out.attrs.update(unit=unit, node=node, score=rs.base_score, rank=rs.base_rank)
    return out


def improvement_to_rank(result: Result, unit: str, target_rank: int | Sequence[int], *, node: str | None = None,
                        best: Mapping[str, float] | None = None, grid: int = 12, tol: float = 1e-6,
                        by: str | None = None) -> pd.DataFrame:
    """For each indicator alone, the smallest change of the unit's raw value that lifts it to
    ``target_rank`` at ``node`` (default: the root), found by exact re-scoring.

    Method: the raw value moves from its current value towards the *best plausible value* (by
    default the best value observed among the ranked units, the maximum, or the minimum for an
    inverse indicator; ``best`` overrides it per indicator). The unit is first re-scored at the
    best value: if even that does not reach the target, the indicator is ``not reachable by this
    indicator alone``. Otherwise the path is scanned at ``grid`` equal steps, and the first step
    that reaches the target is refined by bisection until the bracket is narrower than ``tol``
    times the path (the returned value is one that was re-scored and reaches the target; ties
    count as reaching, since tied units share the better rank). Every evaluation re-runs the whole
    pipeline, so the min-max bounds move when the unit becomes the best, and outlier treatment
    reacts. The rank is assumed not to worsen along the path between grid points.

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`).
    unit : str
        The unit's code.
    target_rank
        A rank better than the current one, or several (one table for all, indexed by
        (target_rank, indicator)).
    node : str, optional
        The node whose rank is targeted (default: the root).
    best : mapping of str to float, optional
        Indicator code to its best plausible raw value (default: the best observed value).
    grid : int
        Equal steps of the scan along the path before bisection.
    tol : float
        Bisection stops when the bracket is narrower than ``tol`` times the path.
    by : str, optional
        A metadata column copied into the table (e.g. ``lead_agency``).

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator (or (target_rank, indicator)): ``name``, ``direction``,
        ``current``, ``best_value``, ``value`` (needed), ``change``, ``change_pct`` (of the current
        value), ``share_of_range`` (the absolute change / (max − min observed)), ``rank_at_value``,
        ``score_at_value``, ``rank_at_best``, optionally ``by``, and ``status``: ``reached``,
        ``already at or above the target``, ``not reachable by this indicator alone``, ``already the
        best value``, ``no value for this unit``. Numbers that do not apply are NaN with that status.
        ``attrs`` holds the base ``rank`` and ``score``, and ``evaluations`` (re-scorings run).
    """
    fw = result.framework
    unit = _check_unit(result, unit)
    node = _check_node(fw, node)
    single = isinstance(target_rank, (int, np.integer))
    targets = [int(target_rank)] if single else [int(t) for t in target_rank]  # type: ignore[union-attr]
    if not targets:
        raise SpecError("improvement_to_rank: no target rank")
    if grid < 1 or not (0 < tol < 1):
        raise SpecError("improvement_to_rank: grid must be >= 1 and 0 < tol < 1")
    rs = _Rescorer(result, unit, node)
    n = len(rs.population)
    for t in targets:
        if not 1 <= t <= n:
            raise SpecError(f"improvement_to_rank: target rank {t} is outside 1..{n}")
    if math.isnan(rs.base_rank):
        raise DataError(f"unit {unit!r} has no {node!r} score, so it has no rank to improve")
    best = {str(k): float(v) for k, v in (best or {}).items()}
    for k in best:
        if k not in fw.indicators:
            raise SpecError(f"improvement_to_rank: best names {k!r}, which is not an indicator")
    rows = []
    for code in _indicators_under(fw, node):
        col = fw.indicators.index(code)
        d = int(fw.directions[code])
        x = float(rs.values[rs.row, col])
        obs = rs.population_values(col)
        lo_obs, hi_obs = (float(obs.min()), float(obs.max())) if obs.size else (math.nan, math.nan)
        b = best.get(code, hi_obs if d > 0 else lo_obs)
        span = hi_obs - lo_obs
        base = {"name": fw.names[code], "direction": d, "current": x, "best_value": b}
        if by is not None:
            v = fw.column(by).get(code, "")
            base[by] = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        cache: dict[float, tuple[float, float]] = {}

        def at(v: float, _col: int = col, _cache: dict[float, tuple[float, float]] = cache) -> tuple[float, float]:
            if v not in _cache:
                _cache[v] = rs.evaluate(_col, v)
            return _cache[v]

        for t in targets:
            rec = dict(base, target_rank=t, indicator=code, value=math.nan, change=math.nan, change_pct=math.nan,
                       share_of_range=math.nan, rank_at_value=math.nan, score_at_value=math.nan, rank_at_best=math.nan)
            if rs.base_rank <= t:
                rec.update(status="already at or above the target", value=x, change=0.0, change_pct=0.0,
                           share_of_range=0.0, rank_at_value=rs.base_rank, score_at_value=rs.base_score)
            elif math.isnan(x):
                rec["status"] = "no value for this unit"
            elif math.isnan(b) or (b - x) * d <= 0:
                rec["status"] = "already the best value"
            else:
                sb, rb = at(b)
                rec["rank_at_best"] = rb
                if math.isnan(rb) or rb > t:
                    rec["status"] = "not reachable by this indicator alone"
                else:
                    path = [x + (b - x) * k / grid for k in range(1, grid)] + [b]
                    lo, hi = x, b
                    for v in path:
                        if at(v)[1] <= t:
                            hi = v
                            break
                        lo = v
                    width = abs(b - x) * tol
                    while abs(hi - lo) > width:
                        mid = 0.5 * (lo + hi)
                        if mid in (lo, hi):
                            break
                        if at(mid)[1] <= t:
                            hi = mid
                        else:
                            lo = mid
                    s, r = at(hi)
                    change = hi - x
                    rec.update(status="reached", value=hi, change=change,
                               change_pct=100.0 * change / abs(x) if x != 0 else math.nan,
                               share_of_range=abs(change) / span if span > 0 else math.nan,
                               rank_at_value=r, score_at_value=s)
                    if x == 0:
                        rec["status"] = "reached (current value 0: no percentage)"
            rows.append(rec)
    out = pd.DataFrame(rows)
    cols = ["name", "direction", "current", "best_value", "value", "change", "change_pct", "share_of_range",
            "rank_at_value", "score_at_value", "rank_at_best"] + ([by] if by else []) + ["status"]
    out = out.set_index("indicator")[cols] if single else out.set_index(["target_rank", "indicator"])[cols]
    for c in ("rank_at_value", "rank_at_best"):
        out[c] = out[c].astype("Int64")
    out.attrs.update(unit=unit, node=node, rank=rs.base_rank, score=rs.base_score, evaluations=rs.calls)
    return out


def lift_actions(result: Result, unit: str, targets: int | Sequence[int] = 3, *, by: str | None = None,
                 documented: str | None = "documented", node: str | None = None) -> pd.DataFrame:
    """The actions that lift a unit to the next ranks, one indicator at a time, grouped by ``by``.

    ``targets`` is a count (the next 1, 2, ... ranks above the unit's own, as many as exist) or a
    list of target ranks. For each target, :func:`improvement_to_rank` finds each indicator's
    smallest change that reaches it, bounded by the best value observed among the units (a change
    beyond what some unit already achieves is not proposed). Placeholder indicators (see
    :func:`unactionable`, metadata column ``documented``) are left out.

    Returns one row per (target_rank, indicator) that reaches its target: the columns of
    :func:`improvement_to_rank` and ``group`` (the ``by`` value, ``""`` without one), sorted by
    target (nearest first), group (groups with the most actions first, ``""`` last) and share of
    the observed range. ``attrs``: ``unit``, ``rank``, ``targets`` (the ranks tried),
    ``unreachable`` (targets no single indicator reaches), ``excluded`` (placeholders left out).

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`).
    unit : str
        The unit's code.
    targets : int or sequence of int
        How many ranks above the unit's own, or the target ranks.
    by : str, optional
        A metadata column to group the actions by (e.g. ``lead_agency``).
    documented : str, optional
        The metadata column that marks placeholder indicators (None: keep every indicator).
    node : str, optional
        The node whose rank is targeted (default: the root).

    Returns
    -------
    pandas.DataFrame
    """
    fw = result.framework
    unit = _check_unit(result, unit)
    node = _check_node(fw, node)
    rank = result.ranks.at[unit, node]
    if pd.isna(rank):
        raise DataError(f"unit {unit!r} has no {node!r} score, so it has no rank to improve")
    rank = int(rank)
    if isinstance(targets, (int, np.integer)):
        if targets < 0:
            raise SpecError(f"lift_actions: targets must be a count >= 0 or a list of ranks, got {targets}")
        wanted = list(range(rank - 1, max(0, rank - 1 - int(targets)), -1))
    else:
        wanted = [int(t) for t in targets]
    excluded = unactionable(fw, documented)
    cols = ["name", "direction", "current", "best_value", "value", "change", "change_pct", "share_of_range",
            "rank_at_value", "score_at_value", "rank_at_best"] + ([by] if by else []) + ["status", "group"]
    empty = pd.DataFrame(columns=cols, index=pd.MultiIndex.from_arrays([[], []], names=["target_rank", "indicator"]))
    if not wanted:
        empty.attrs.update(unit=unit, rank=rank, targets=[], unreachable=[], excluded=excluded)
        return empty
    t = improvement_to_rank(result, unit, wanted, node=node, by=by)
    ind = t.index.get_level_values("indicator")
    keep = t[(~ind.isin(excluded)) & t["status"].str.startswith("reached")].copy()
    keep["group"] = keep[by].astype(str) if by else ""
    sizes = keep.groupby([keep.index.get_level_values("target_rank"), keep["group"]]).size()
    keep["_n"] = [-sizes[(tr, g)] if g else 1 for tr, g in zip(keep.index.get_level_values("target_rank"), keep["group"])]
    keep["_t"] = -keep.index.get_level_values("target_rank")
    keep = keep.sort_values(["_t", "_n", "group", "share_of_range"]).drop(columns=["_t", "_n"])
    reached = set(keep.index.get_level_values("target_rank"))
    keep.attrs.update(unit=unit, rank=rank, targets=wanted, unreachable=[w for w in wanted if w not in reached],
                      excluded=excluded)
    return keep
