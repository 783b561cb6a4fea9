"""Imputation methods: pass one as ``imputation=`` to :func:`compindex.score`.

Per indicator: ``NoImputation``, ``Mean``, ``Median``, ``GroupMean``, ``GroupMedian``. Several
indicators modelled together (a block: the indicators of each pillar by default): ``Em``
(expectation-maximization, conditional means), ``EmDraw`` (a draw from the conditional normal
distribution), ``Knn`` (k nearest neighbours), ``Chained`` (chained regressions). Names with
parameters work too: ``"knn(k=3, weights=distance)"``, ``"em(scope=all, clamp=true)"``.

Diagnostics: :func:`imputed_cells` (which cells were filled, by which method, with what value),
:func:`models` (each block's iterations, convergence and log-likelihood) and :func:`compare`
(several methods on the same data). Formulas and conventions: docs/imputation.md.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import _method_docs, _methods
from ._core import imputation as _m
from .errors import SpecError

__all__ = [n for n in dir(_m) if not n.startswith("_") and n[0].isupper()] + ["imputed_cells", "models", "compare"]
globals().update({n: getattr(_m, n) for n in dir(_m) if not n.startswith("_") and n[0].isupper()})
_method_docs.apply(_m)  # the properties' docstrings (the API reference)


def _label(method: Any) -> str:
    group = getattr(method, "group", "")
    return f"{method.name}(group={group})" if group and method.name in ("group_mean", "group_median") else method.name


def imputed_cells(result: Any) -> pd.DataFrame:
    """The cells a run imputed: one row per cell.

    Parameters
    ----------
    result : compindex.Result
        A scored result.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``indicator``, ``method`` (the method with its parameters, e.g.
        ``"knn(k=5, weights=uniform, scope=pillar)"``; ``"mean"``), ``block`` (the aggregate whose
        indicators were modelled together, ``"all"``, or empty for per-indicator methods) and
        ``value`` (the imputed value, in the units of the denominated data). Ordered by indicator,
        then unit.
    """
    from .pipeline import make_spec

    core = result._core
    fw = result.framework
    spec = make_spec(fw, **result.spec)
    by_ind = dict(spec.imputation_by_indicator)
    per_col = {code: _label(by_ind.get(code, spec.imputation)) for code in fw.indicators}
    multi: dict[tuple[int, int], tuple[str, str]] = {}
    col_of = {c: j for j, c in enumerate(fw.indicators)}
    for b in core.imputation_blocks:
        for i, c in b.cells:
            multi[(i, col_of[b.indicators[c]])] = (b.method, b.block)
    values = np.asarray(core.imputed)
    units = list(result.units)
    rows = []
    for i, j in core.imputed_cells:
        method, block = multi.get((i, j), (per_col[fw.indicators[j]], ""))
        rows.append({"unit": units[i], "indicator": fw.indicators[j], "method": method, "block": block, "value": float(values[i, j])})
    return pd.DataFrame(rows, columns=["unit", "indicator", "method", "block", "value"])


def models(result: Any) -> pd.DataFrame:
    """What each multivariate imputation model did: one row per block of indicators.

    Parameters
    ----------
    result : compindex.Result
        A scored result.

    Returns
    -------
    pandas.DataFrame
        Columns ``block``, ``method``, ``indicators`` (list), ``cells`` (number imputed),
        ``iterations``, ``converged``, ``log_likelihood`` (EM; NaN for the others) and
        ``fallbacks`` (kNN cells filled with the mean because the unit had no other indicator of
        the block). Empty when no multivariate method ran.
    """
    rows = [{"block": b.block, "method": b.method, "indicators": list(b.indicators), "cells": len(b.cells),
             "iterations": b.iterations, "converged": b.converged, "log_likelihood": b.log_likelihood,
             "fallbacks": len(b.fallback_cells)} for b in result._core.imputation_blocks]
    return pd.DataFrame(rows, columns=["block", "method", "indicators", "cells", "iterations", "converged", "log_likelihood",
                                       "fallbacks"])


def compare(framework: Any, data: pd.DataFrame, methods: Sequence[Any], *, node: str | None = None,
            **score_kwargs: Any) -> dict[str, pd.DataFrame]:
    """Several imputation methods on the same data.

    Parameters
    ----------
    framework : compindex.Framework
        The framework.
    data : pandas.DataFrame
        The data, as for :func:`compindex.score`.
    methods : sequence
        Imputation methods (names such as ``"em"``, ``"knn(k=3)"``, or method objects); at least one.
    node : str, optional
        The node whose ranks are compared (default: the root).
    **score_kwargs
        Other keywords of :func:`compindex.score` (normalization, aggregation, groups, ...), the
        same for every method; ``imputation`` is not allowed here.

    Returns
    -------
    dict of pandas.DataFrame
        ``"values"``: one row per imputed cell (``unit``, ``indicator``) and one column per method
        (the imputed value); ``"ranks"``: units x methods, the ranks of ``node``; ``"models"``:
        :func:`models` of every method, with a ``label`` column.

    Raises
    ------
    compindex.SpecError
        For no methods, an ``imputation`` keyword, an unknown node, or an invalid method.
    """
    from .pipeline import score

    if not methods:
        raise SpecError("imputation.compare: give at least one method")
    if "imputation" in score_kwargs or "imputation_by_indicator" in score_kwargs:
        raise SpecError("imputation.compare: the methods are given by `methods`, not by imputation=")
    node = node or framework.root
    if node not in framework.codes:
        raise SpecError(f"imputation.compare: unknown node {node!r}{_methods.did_you_mean(node, framework.codes)}")
    labels, values, ranks, model_rows = [], [], {}, []
    for m in methods:
        obj = _methods.imputation(m, "imputation.compare")
        label = m if isinstance(m, str) else repr(obj)
        if label in labels:
            raise SpecError(f"imputation.compare: method {label!r} is given twice")
        labels.append(label)
        res = score(framework, data, imputation=obj, **score_kwargs)
        cells = imputed_cells(res).set_index(["unit", "indicator"])["value"].rename(label)
        values.append(cells)
        ranks[label] = res.ranks[node]
        mo = models(res)
        mo.insert(0, "label", label)
        model_rows.append(mo)
    table = pd.concat(values, axis=1) if values else pd.DataFrame()
    return {"values": table, "ranks": pd.DataFrame(ranks), "models": pd.concat(model_rows, ignore_index=True)}
