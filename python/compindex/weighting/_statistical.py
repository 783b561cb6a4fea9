"""Weights from data: equal, PCA, factor analysis, entropy and CRITIC (computed in the C++ core).

Each function takes a scored :class:`compindex.Result` and weights the children of the chosen
aggregates (default: every aggregate) from the children's values in it: normalized indicators
under the lowest aggregates, aggregate scores above them. See docs/weighting.md.
"""

from __future__ import annotations

import warnings
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .. import _core, _methods
from ..errors import CompindexWarning, SpecError
from ..framework import Framework
from ._result import WeightResult

__all__ = ["equal", "pca", "factor_analysis", "entropy", "critic", "derive", "METHODS"]

#: The data-driven methods :func:`derive` knows (optimized weights need a node: see :func:`optimized`).
METHODS = ("equal", "pca", "factor_analysis", "entropy", "critic", "optimized")


def _nodes(nodes: str | Iterable[str] | None) -> list[str]:
    if nodes is None:
        return []
    if isinstance(nodes, str):
        return [nodes]
    return [str(n) for n in nodes]


def _check_result(result: Any, what: str) -> None:
    from ..pipeline import Result

    if not isinstance(result, Result):
        raise SpecError(f"{what}: expected a compindex.Result (from compindex.score), got {type(result).__name__}")


def _label(method: str, params: dict[str, Any], defaults: dict[str, Any]) -> str:
    given = {k: v for k, v in params.items() if v != defaults.get(k)}
    if not given:
        return method
    return f"{method}({', '.join(f'{k}={v:g}' if isinstance(v, float) else f'{k}={v}' for k, v in given.items())})"


def _run(framework: Framework, values: np.ndarray, method: str, nodes: list[str], units: list[str],
         base: np.ndarray, label: str, **params: Any) -> WeightResult:
    core = _core.derive_weights(framework._core, values, method, nodes, units, base, **params)
    return _to_result(core, label)


def _to_result(core: Any, label: str) -> WeightResult:
    weights: dict[str, float] = {}
    diag_rows: list[dict[str, Any]] = []
    child_rows: list[dict[str, Any]] = []
    eigen_rows: list[dict[str, Any]] = []
    loading_rows: list[dict[str, Any]] = []
    messages: list[str] = []
    for d in core.diagnostics:
        children = list(d.children)
        w = np.asarray(d.weights)
        row: dict[str, Any] = {"node": d.node, "method": label, "n_children": len(children), "n_units": int(d.n_units),
                               "n_dropped": int(d.n_dropped)}
        for k, v in d.scalars:
            row[k] = float(v)
        row["warnings"] = "; ".join(d.warnings)
        diag_rows.append(row)
        messages.extend(d.warnings)
        per_child = {k: np.asarray(v) for k, v in d.per_child}
        for j, c in enumerate(children):
            weights[c] = float(w[j])
            rec: dict[str, Any] = {"node": d.node, "child": c, "weight": float(w[j])}
            for k, v in per_child.items():
                rec[k] = int(v[j]) if k in ("factor", "n_units") else float(v[j])
            child_rows.append(rec)
        ev = np.asarray(d.eigenvalues)
        for k, e in enumerate(ev):
            eigen_rows.append({"node": d.node, "component": k + 1, "eigenvalue": float(e), "explained": float(e / len(ev))})
        load = np.asarray(d.loadings)
        if load.ndim == 1:
            load = load.reshape(-1, 1)
        if load.size:
            for j, c in enumerate(children):
                for k in range(load.shape[1]):
                    loading_rows.append({"node": d.node, "child": c, "component": k + 1, "loading": float(load[j, k])})
    for msg in messages:
        warnings.warn(msg, CompindexWarning, stacklevel=3)
    tables = {"children": pd.DataFrame(child_rows)}
    if eigen_rows:
        tables["eigenvalues"] = pd.DataFrame(eigen_rows)
    if loading_rows:
        tables["loadings"] = pd.DataFrame(loading_rows)
    series = pd.Series(weights, name="weight", dtype=float).rename_axis("code")
    diagnostics = pd.DataFrame(diag_rows).set_index("node") if diag_rows else pd.DataFrame()
    return WeightResult(label, series, diagnostics, tables)


def _from_result(result: Any, method: str, nodes: Any, label: str, **params: Any) -> WeightResult:
    _check_result(result, method)
    fw = result.framework
    values = np.asarray(result._core.scores(fw._core), dtype=float)
    base = np.asarray(result._core.weights, dtype=float)
    return _run(fw, values, method, _nodes(nodes), [str(u) for u in result.units], base, label, **params)


def equal(framework: Any, nodes: str | Iterable[str] | None = None) -> WeightResult:
    """Equal weights (1/number of children) for the children of ``nodes`` (default: every
    aggregate). ``framework`` is a :class:`~compindex.Framework` or a :class:`~compindex.Result` (its framework).

    Parameters
    ----------
    framework : Framework or Result
        The index tree (or a result, for its framework).
    nodes : str or iterable of str, optional
        The aggregates whose children are weighted (default: every aggregate).

    Returns
    -------
    WeightResult
    """
    from ..pipeline import Result

    fw = framework.framework if isinstance(framework, Result) else framework
    if not isinstance(fw, Framework):
        raise SpecError(f"equal: expected a compindex.Framework or Result, got {type(framework).__name__}")
    values = np.empty((0, len(fw.codes)))
    return _run(fw, values, "equal", _nodes(nodes), [], np.asarray(fw.weights, dtype=float), "equal")


def pca(result: Any, nodes: str | Iterable[str] | None = None, *, rule: str = "loadings") -> WeightResult:
    """Weights from the first principal component of each node's children (correlation matrix,
    complete units): the loadings signed to sum positive, normalized to sum 1.

    ``rule``: ``"loadings"`` (default; COINr's ``get_PCA`` weights, normalized and signed; a
    child with a negative loading is a :class:`~compindex.DataError`), ``"absolute"`` (absolute loadings) or
    ``"squared"`` (loading²); the last two warn about negative loadings.
    Diagnostics: explained variance, eigenvalues, loadings, units dropped for missing values.

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`): the children's normalized scores or aggregate scores are used.
    nodes : str or iterable of str, optional
        The aggregates whose children are weighted (default: every aggregate).
    rule : str
        ``"loadings"``, ``"absolute"`` or ``"squared"`` (see above).

    Returns
    -------
    WeightResult
    """
    return _from_result(result, "pca", nodes, _label("pca", {"rule": rule}, {"rule": "loadings"}), rule=str(rule))


def factor_analysis(result: Any, nodes: str | Iterable[str] | None = None, *, min_eigenvalue: float = 1.0,
                    min_cumulative: float = 0.6) -> WeightResult:
    """OECD/JRC Handbook (2008) factor-analysis weights: components with eigenvalue >
    ``min_eigenvalue`` (more while they explain less than ``min_cumulative``), varimax rotation,
    squared rotated loadings scaled to unity sum, each child on the factor where it loads most,
    factors weighted by their share of the explained variance (Nicoletti et al. 2000).

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`): the children's normalized scores or aggregate scores are used.
    nodes : str or iterable of str, optional
        The aggregates whose children are weighted (default: every aggregate).
    min_eigenvalue : float
        Components with a larger eigenvalue are kept.
    min_cumulative : float
        More components are kept while they explain less than this share of the variance.

    Returns
    -------
    WeightResult
    """
    params = {"min_eigenvalue": float(min_eigenvalue), "min_cumulative": float(min_cumulative)}
    label = _label("factor_analysis", params, {"min_eigenvalue": 1.0, "min_cumulative": 0.6})
    return _from_result(result, "factor_analysis", nodes, label, **params)


def entropy(result: Any, nodes: str | Iterable[str] | None = None) -> WeightResult:
    """Shannon-entropy weights: w_j proportional to 1 - e_j, e_j the normalized entropy of child j's
    shares over its available units. Values must be non-negative (normalize onto a range from 0).

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`): the children's normalized scores or aggregate scores are used.
    nodes : str or iterable of str, optional
        The aggregates whose children are weighted (default: every aggregate).

    Returns
    -------
    WeightResult
    """
    return _from_result(result, "entropy", nodes, "entropy")


def critic(result: Any, nodes: str | Iterable[str] | None = None) -> WeightResult:
    """CRITIC weights (Diakoulaki et al. 1995): w_j proportional to s_j sum_k (1 - r_jk), with s_j the
    standard deviation of the min-max normalized child and r the Pearson correlations (complete units).

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`): the children's normalized scores or aggregate scores are used.
    nodes : str or iterable of str, optional
        The aggregates whose children are weighted (default: every aggregate).

    Returns
    -------
    WeightResult
    """
    return _from_result(result, "critic", nodes, "critic")


def derive(result: Any, method: str, nodes: str | Iterable[str] | None = None) -> WeightResult:
    """Weights by a method named in text, with its parameters: ``"equal"``, ``"pca"``,
    ``"pca(rule=absolute)"``, ``"factor_analysis(min_eigenvalue=1, min_cumulative=0.6)"``,
    ``"entropy"``, ``"critic"``, ``"optimized"`` (one node: ``nodes`` must name exactly one).

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`): the children's normalized scores or aggregate scores are used.
    method : str
        The method's name, with parameters.
    nodes : str or iterable of str, optional
        The aggregates whose children are weighted (default: every aggregate).

    Returns
    -------
    WeightResult
    """
    if not isinstance(method, str):
        raise SpecError(f"weights: expected a method name, got {method!r}")
    name, params = _methods.parse_call(method, "weights")
    funcs: dict[str, Any] = {"equal": equal, "pca": pca, "factor_analysis": factor_analysis, "entropy": entropy,
                             "critic": critic}
    if name == "optimized":
        from ._optimized import optimized

        node_list = _nodes(nodes)
        if len(node_list) != 1:
            raise SpecError("weights: optimized weights are derived for one node at a time; name exactly one node")
        func: Any = optimized
        args: tuple[Any, ...] = (result, node_list[0])
    elif name in funcs:
        func = funcs[name]
        args = (result, nodes)
    else:
        raise SpecError(f"weights: unknown method {name!r} (expected one of {', '.join(METHODS)})")
    try:
        return func(*args, **params)
    except TypeError as e:
        given = ", ".join(f"{k}={v!r}" for k, v in params.items())
        raise SpecError(f"weights: method {name!r} does not take {given} ({e})") from None
