"""Optimized weights (COINr's ``get_opt_weights``, "balance"): the weights of one node's children
that bring each child's correlation with the node's score as close as possible to a target share.

The objective (each child's Pearson correlation with the node re-aggregated under candidate
weights, using the node's own aggregation method and coverage from the result's spec) is computed
in the C++ core (``_core.CorrelationObjective``); the search is scipy's Nelder–Mead over the
parametrization weights = |theta| / sum |theta|, so every candidate is a valid set of
non-negative weights summing to 1 and a weight can reach 0 (a softmax parametrization cannot, and
stalls when the best weights lie on that boundary). scipy is needed by this method only.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import _core
from ..errors import ComputationError, SpecError
from ._result import WeightResult

__all__ = ["optimized"]


def _scipy_optimize() -> Any:
    try:
        from scipy import optimize
    except ImportError:  # pragma: no cover - scipy is installed where the tests run
        raise ImportError("compindex.weighting.optimized needs scipy: pip install scipy "
                          "(or pip install compindex[weights])") from None
    return optimize


def _target(target: Any, children: list[str], node: str) -> np.ndarray:
    if target is None:
        t = np.ones(len(children))
    elif isinstance(target, Mapping):
        unknown = sorted(set(map(str, target)) - set(children))
        if unknown:
            raise SpecError(f"optimized: node {node!r}: target names {', '.join(map(repr, unknown))}, not children of "
                            f"{node!r} ({', '.join(children)})")
        t = np.array([float(target.get(c, 0.0)) for c in children])
    else:
        t = np.asarray(list(target), dtype=float)
        if t.shape != (len(children),):
            raise SpecError(f"optimized: node {node!r}: target needs one value per child ({len(children)}), got {t.size}")
    if not np.all(np.isfinite(t)) or np.any(t < 0) or not t.sum() > 0:
        raise SpecError(f"optimized: node {node!r}: target shares must be finite, non-negative and not all 0")
    return t / t.sum()


def optimized(result: Any, node: str, target: Mapping[str, float] | Sequence[float] | None = None, *,
              max_iterations: int = 2000, tolerance: float = 1e-10) -> WeightResult:
    """Weights of ``node``'s children such that each child's correlation with the node's score,
    as a share of the sum of the correlations, is as close as possible to ``target`` (shares per
    child; default equal). Minimizes mean((target_j - c_j / sum_k c_k)^2) with Nelder–Mead
    (scipy) over positive weights summing to 1, from two starts (the result's weights and equal
    weights), each restarted from its end point while it improves; the best end point wins.
    Exact balance may not exist (the objective then stays above 0: see ``objective``).

    Diagnostics: the objective at the start and at the end, iterations, convergence; the
    ``children`` table gives the weights, targets and correlations before and after.

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`): the children's normalized scores or aggregate scores are used.
    node : str
        The aggregate whose children are weighted.
    target : mapping of str to float or sequence of float, optional
        Each child's target share of the correlations (default: equal shares).
    max_iterations : int
        The most Nelder–Mead iterations per start.
    tolerance : float
        The convergence tolerance of the objective.

    Returns
    -------
    WeightResult
    """
    from ..pipeline import Result, make_spec

    if not isinstance(result, Result):
        raise SpecError(f"optimized: expected a compindex.Result (from compindex.score), got {type(result).__name__}")
    optimize = _scipy_optimize()
    fw = result.framework
    node = str(node)
    if node not in fw.codes:
        raise SpecError(f"optimized: unknown node {node!r}")
    if fw.is_indicator(node):
        raise SpecError(f"optimized: {node!r} is an indicator; weights are derived for the children of aggregates")
    children = fw.children(node)
    if len(children) < 2:
        raise SpecError(f"optimized: node {node!r} has one child; there is nothing to optimize")
    t = _target(target, children, node)
    codes = fw.codes
    cols = [codes.index(c) for c in children]
    values = np.asfortranarray(np.asarray(result._core.scores(fw._core), dtype=float)[:, cols])
    spec = make_spec(fw, **result.spec)
    method = spec.aggregation_by_node.get(node, spec.aggregation)
    coverage = float(spec.coverage_by_node.get(node, spec.coverage))
    obj = _core.CorrelationObjective(node, children, [str(u) for u in result.units], values, method, coverage)

    def loss(c: np.ndarray) -> float:
        s = c.sum()
        if not np.all(np.isfinite(c)) or not s > 0:
            return 1e6  # undefined correlations: worse than any valid point (the loss is at most 1)
        return float(np.mean((t - c / s) ** 2))

    def weights_of(theta: np.ndarray) -> np.ndarray:
        z = np.abs(theta)
        total = z.sum()
        return z / total if total > 0 else np.full(len(theta), 1.0 / len(theta))

    def f(theta: np.ndarray) -> float:
        return loss(np.asarray(obj.correlations(weights_of(theta))))

    w0 = np.asarray(result._core.weights, dtype=float)[cols]
    w0 = w0 / w0.sum()
    theta0 = w0.copy()
    c0 = np.asarray(obj.correlations(w0))
    options = {"maxiter": int(max_iterations), "xatol": 1e-9, "fatol": float(tolerance), "adaptive": len(children) > 4}
    # Two starts (the result's weights and equal weights), each restarted from its end point while
    # that still improves the objective (Nelder–Mead's simplex can collapse early); the best wins.
    best = None
    iterations = evaluations = 0
    for start_theta in (theta0, np.full(len(children), 1.0 / len(children))):
        x = start_theta
        previous = np.inf
        for _ in range(5):
            res = optimize.minimize(f, x, method="Nelder-Mead", options=options)
            iterations += int(res.nit)
            evaluations += int(res.nfev)
            x = np.asarray(res.x)
            if not res.fun < previous - float(tolerance):
                break
            previous = float(res.fun)
        if best is None or res.fun < best.fun:
            best = res
    res = best
    w = weights_of(np.asarray(res.x))
    c = np.asarray(obj.correlations(w))
    if not np.all(np.isfinite(c)):
        raise ComputationError(f"optimized: node {node!r}: no weights with defined correlations were found")
    label = "optimized"
    weights = pd.Series(dict(zip(children, map(float, w))), name="weight", dtype=float).rename_axis("code")
    diagnostics = pd.DataFrame([{
        "node": node, "method": label, "n_children": len(children), "n_units": int(obj.n_units),
        "objective_start": loss(c0), "objective": loss(c), "iterations": iterations, "evaluations": evaluations,
        "converged": bool(res.success), "message": str(res.message)}]).set_index("node")
    table = pd.DataFrame({"node": node, "child": children, "weight": w, "start_weight": w0, "target": t,
                          "correlation": c, "start_correlation": c0})
    return WeightResult(label, weights, diagnostics, {"children": table})
