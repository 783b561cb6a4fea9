"""Weights from experts: the Analytic Hierarchy Process and budget allocation.

Both read a tidy table (one row per judgement or allocation, per expert) and return a
:class:`WeightResult` for the aggregates the table names; the other aggregates keep their weights
when the result is applied. The computation is in the C++ core (``compindex/expert_weights.hpp``).
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import _core
from ..errors import CompindexWarning, DataError, SpecError
from ..framework import Framework
from ._result import WeightResult

__all__ = ["ahp", "ahp_matrix", "budget", "random_index"]

_E = _core.expert


def _columns(table: Any, required: tuple[str, ...], what: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise SpecError(f"{what}: expected a DataFrame with columns {', '.join(required)} (and optionally expert), "
                        f"got {type(table).__name__}")
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise SpecError(f"{what}: missing column(s) {', '.join(repr(c) for c in missing)}; the table needs "
                        f"{', '.join(required)} and optionally expert (got {', '.join(map(str, table.columns))})")
    return table.reset_index(drop=True)


def _text(table: pd.DataFrame, column: str, what: str) -> list[str]:
    out = []
    for i, v in enumerate(table[column]):
        if v is None or (isinstance(v, float) and math.isnan(v)) or (not isinstance(v, str) and pd.isna(v)):
            raise DataError(f"{what} row {i + 1}: the {column} is missing")
        out.append(str(v).strip())
    return out


def _numbers(table: pd.DataFrame, column: str, what: str) -> list[float]:
    out = []
    for i, v in enumerate(table[column]):
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise DataError(f"{what} row {i + 1}: the {column} must be a number, got {v!r}") from None
        out.append(x)
    return out


def _experts(table: pd.DataFrame, what: str) -> list[str]:
    if "expert" not in table.columns:
        return [""] * len(table)
    return _text(table, "expert", what)


def ahp(framework: Framework, judgements: pd.DataFrame, method: str = "eigenvector", random_index: str = "saaty", *,
        tolerance: float = 0.05, cr_threshold: float = 0.1, expert_weights: Mapping[str, float] | None = None) -> WeightResult:
    """Weights by the Analytic Hierarchy Process (Saaty) from pairwise judgements.

    ``judgements`` has one row per judgement: ``node`` (an aggregate), ``child_a``, ``child_b``
    (two of its children), ``value`` (``child_a`` is ``value`` times as important as ``child_b``,
    on Saaty's scale 1/9..9) and, optionally, ``expert``. Each pair of a node's children is judged
    once by each expert, in either order (``a_ba = 1/a_ab``; both orders are accepted when they are
    reciprocal within ``tolerance``). Several experts' matrices are combined by their element-wise
    geometric mean.

    Parameters
    ----------
    framework : Framework
        The index tree (the judged nodes and their children).
    judgements : pandas.DataFrame
        The judgements, as above.
    method
        ``"eigenvector"`` (the principal eigenvector, Saaty) or ``"geometric"`` (row geometric means).
    random_index
        ``"saaty"`` (Saaty 1980: RI(3) = 0.58, RI(4) = 0.90, ...) or ``"saaty2005"`` (Saaty 2005:
        0.52, 0.89, ...), for the consistency ratio CR = CI / RI.
    tolerance
        Relative tolerance of the reciprocity and scale checks (0.33 is accepted for 1/3).
    cr_threshold
        A matrix whose CR exceeds it raises a :class:`~compindex.CompindexWarning` naming the node
        and the expert.
    expert_weights
        Expert name -> relative weight in the combined matrix (a weighted geometric mean,
        renormalized over the experts of each node); default: experts count equally.

    Returns
    -------
    WeightResult
        ``weights`` for the children of every judged node; ``diagnostics`` one row per node and
        expert plus a combined row per node (``lambda_max``, ``ci``, ``ri``, ``cr``, ``gci``,
        ``consistent``); ``tables``: ``"expert_weights"`` (node, expert, child, weight: each
        expert's own weights) and ``"matrix:<node>"`` (the combined comparison matrix of a node).
    """
    what = "AHP judgement"
    t = _columns(judgements, ("node", "child_a", "child_b", "value"), "AHP judgements")
    core = _E.ahp(framework._core, _text(t, "node", what), _text(t, "child_a", what), _text(t, "child_b", what),
                  _numbers(t, "value", what), _experts(t, what), method=str(method), random_index=str(random_index),
                  tolerance=float(tolerance), cr_threshold=float(cr_threshold),
                  expert_weights=_expert_weights(expert_weights))
    for d in core.diagnostics:
        warnings.warn(f"AHP: {d.message}", CompindexWarning, stacklevel=2)
    weights = _weights(framework, core.nodes, np.asarray(core.weights))
    rows, expert_rows, tables = [], [], {}
    for m in core.matrices:
        n = len(m.children)
        rows.append({"node": m.node, "expert": None if m.combined else m.expert, "combined": bool(m.combined), "n": n,
                     "lambda_max": float(m.lambda_max), "ci": float(m.ci), "ri": float(m.ri), "cr": float(m.cr),
                     "gci": float(m.gci), "consistent": bool(m.consistent)})
        if m.combined:
            tables[f"matrix:{m.node}"] = pd.DataFrame(np.asarray(m.comparisons), index=pd.Index(list(m.children), name="child_a"),
                                                      columns=pd.Index(list(m.children), name="child_b"))
        else:
            expert_rows += [{"node": m.node, "expert": m.expert, "child": c, "weight": float(w)}
                            for c, w in zip(m.children, np.asarray(m.weights))]
    diagnostics = pd.DataFrame(rows, columns=["node", "expert", "combined", "n", "lambda_max", "ci", "ri", "cr", "gci", "consistent"])
    tables = {"expert_weights": pd.DataFrame(expert_rows, columns=["node", "expert", "child", "weight"]), **tables}
    return WeightResult(f"ahp(method={method}, random_index={random_index})", weights, diagnostics, tables)


def ahp_matrix(comparisons: Any, method: str = "eigenvector", random_index: str = "saaty", *,
               cr_threshold: float = 0.1) -> pd.Series:
    """The weights and consistency of one complete positive reciprocal matrix (a DataFrame with the
    elements as index and columns, or an array): a Series of weights with ``lambda_max``, ``ci``,
    ``ri``, ``cr``, ``gci`` and ``consistent`` in its ``attrs``.

    Parameters
    ----------
    comparisons : pandas.DataFrame or array_like
        The square reciprocal matrix: element ``[a, b]`` is how many times ``a`` is as important as ``b``.
    method : str
        ``"eigenvector"`` or ``"geometric"``, as in :func:`ahp`.
    random_index : str
        ``"saaty"`` or ``"saaty2005"``, as in :func:`ahp`.
    cr_threshold : float
        A consistency ratio above it warns (:class:`~compindex.CompindexWarning`).

    Returns
    -------
    pandas.Series
        The weights, summing to 1.
    """
    labels = list(comparisons.index) if isinstance(comparisons, pd.DataFrame) else None
    a = np.asarray(comparisons, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.size == 0:
        raise SpecError(f"AHP: the comparison matrix must be square and non-empty, got shape {a.shape}")
    m = _E.ahp_matrix(np.asfortranarray(a), method=str(method), random_index=str(random_index), cr_threshold=float(cr_threshold))
    s = pd.Series(np.asarray(m.weights), index=labels, name="weight")
    s.attrs.update(lambda_max=float(m.lambda_max), ci=float(m.ci), ri=float(m.ri), cr=float(m.cr), gci=float(m.gci),
                   consistent=bool(m.consistent))
    return s


def random_index(n: int, table: str = "saaty") -> float:
    """The random index RI(n) of Saaty's 1980 table (``"saaty"``) or of his 2005 table
    (``"saaty2005"``), n = 1..15.

    Parameters
    ----------
    n : int
        The matrix order, 1..15.
    table : str
        ``"saaty"`` or ``"saaty2005"``.

    Returns
    -------
    float
    """
    return float(_E.random_index(int(n), str(table)))


def budget(framework: Framework, allocations: pd.DataFrame, statistic: str = "mean", *,
           expert_weights: Mapping[str, float] | None = None) -> WeightResult:
    """Weights by budget allocation: experts share points among the children of a node.

    ``allocations`` has one row per expert and child: ``node`` (an aggregate), ``child``, ``points``
    (non-negative; 0 allowed) and, optionally, ``expert``. Every expert who allocates at a node gives
    points to each of its children. Each expert's points become shares of their total; a child's
    weight is the ``"mean"`` (default) or the ``"median"`` of its shares (medians renormalized to
    sum 1). ``expert_weights`` (expert name -> relative weight; mean only) weights the experts in the
    mean; the spread stays unweighted.

    Parameters
    ----------
    framework : Framework
        The index tree (the allocated nodes and their children).
    allocations : pandas.DataFrame
        The points, as above.
    statistic : str
        ``"mean"`` or ``"median"`` of the experts' shares.
    expert_weights : mapping of str to float, optional
        Expert name to relative weight (mean only; default: experts count equally).

    Returns
    -------
    WeightResult
        ``weights`` for the children of every allocated node; ``diagnostics`` one row per node and
        expert (``total`` points, ``max_deviation``: the largest absolute difference share - weight over the node's
        children); ``tables``: ``"shares"`` (node, expert, child, share) and ``"spread"`` (node,
        child, weight, sd, min, max, n_experts; sd is the sample standard deviation, NaN for one
        expert).
    """
    what = "budget allocation"
    t = _columns(allocations, ("node", "child", "points"), "budget allocations")
    nodes, children, points, experts = (_text(t, "node", what), _text(t, "child", what), _numbers(t, "points", what),
                                        _experts(t, what))
    core = _E.budget(framework._core, nodes, children, points, experts, statistic=str(statistic),
                     expert_weights=_expert_weights(expert_weights))
    weights = _weights(framework, core.nodes, np.asarray(core.weights))
    totals: dict[tuple[str, str], float] = {}
    for n, e, p in zip(nodes, experts, points):
        totals[(n, e)] = totals.get((n, e), 0.0) + p
    share_rows, spread_rows, diag_rows = [], [], []
    for d in core.details:
        shares = np.asarray(d.shares)
        w = np.asarray(d.weights)
        for k, e in enumerate(d.experts):
            share_rows += [{"node": d.node, "expert": e, "child": c, "share": float(shares[k, j])} for j, c in enumerate(d.children)]
            diag_rows.append({"node": d.node, "expert": e, "total": totals[(d.node, e)],
                              "max_deviation": float(np.max(np.abs(shares[k] - w)))})
        sd, lo, hi = np.asarray(d.sd), np.asarray(d.min), np.asarray(d.max)
        spread_rows += [{"node": d.node, "child": c, "weight": float(w[j]), "sd": float(sd[j]), "min": float(lo[j]),
                         "max": float(hi[j]), "n_experts": len(d.experts)} for j, c in enumerate(d.children)]
    tables = {"shares": pd.DataFrame(share_rows, columns=["node", "expert", "child", "share"]),
              "spread": pd.DataFrame(spread_rows, columns=["node", "child", "weight", "sd", "min", "max", "n_experts"])}
    diagnostics = pd.DataFrame(diag_rows, columns=["node", "expert", "total", "max_deviation"])
    return WeightResult(f"budget(statistic={statistic})", weights, diagnostics, tables)


def _expert_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return {}
    out = {}
    for k, v in dict(weights).items():
        try:
            out[str(k).strip()] = float(v)
        except (TypeError, ValueError):
            raise SpecError(f"the weight of expert {k!r} must be a number, got {v!r}") from None
    return out


def _weights(framework: Framework, nodes: list[str], all_weights: np.ndarray) -> pd.Series:
    codes = framework.codes
    position = {c: i for i, c in enumerate(codes)}
    kids = [c for n in nodes for c in framework.children(n)]
    return pd.Series([float(all_weights[position[c]]) for c in kids], index=pd.Index(kids, name="code"), name="weight",
                     dtype=float)
