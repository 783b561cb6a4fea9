"""Helpers shared by the analysis modules: checks of units and nodes, level names, pillars."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..errors import SpecError
from ..framework import Framework
from ..pipeline import Result


def rank_text(rank: Any, n: Any) -> str:
    """A rank as the PII plans write it, ``"60/63"``; ``"n/a"`` for a unit without a rank.

    Parameters
    ----------
    rank : int or None
        A rank (missing: ``"n/a"``).
    n : int
        How many units are ranked.

    Returns
    -------
    str
    """
    if rank is None or rank is pd.NA or (isinstance(rank, float) and math.isnan(rank)):
        return "n/a"
    return f"{int(rank)}/{int(n)}"


def _check_unit(result: Result, unit: Any) -> str:
    code = str(unit).strip()
    if code not in result.units:
        sample = ", ".join(map(str, list(result.units[:5])))
        from .._methods import did_you_mean

        hint = did_you_mean(code, result.units) if len(result.units) <= 10_000 else ""  # (a cheap look at most)
        raise SpecError(f"unit {code!r} is not among the {len(result.units)} scored units{hint} ({sample}, ...)")
    return code


def _check_node(fw: Framework, node: str | None) -> str:
    if node is None:
        return fw.root
    if node not in fw.codes:
        from .._methods import did_you_mean

        raise SpecError(f"unknown node {node!r}{did_you_mean(node, fw.codes)}")
    return node


def _n_ranked(result: Result) -> pd.Series:
    return result.ranks.notna().sum().astype(int)


def _kinds(fw: Framework) -> pd.Series:
    return pd.Series(["indicator" if fw.is_indicator(c) else "ratio" if fw.is_ratio(c) else "aggregate" for c in fw.codes],
                     index=fw.codes, name="kind")


def _group_labels(result: Result, group: str) -> pd.Series:
    if group not in result.groups.columns:
        have = ", ".join(map(str, result.groups.columns)) or "none; pass groups= to compindex.score"
        from .._methods import did_you_mean

        raise SpecError(f"unknown unit group {group!r}{did_you_mean(group, result.groups.columns)} (groups: {have})")
    labels = result.groups[group].reindex(result.units)
    return labels.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))


def pillars(framework: Framework) -> list[str]:
    """The nodes a profile shows as "pillars": those whose metadata ``level_name`` is ``pillar``
    when the framework has that column (as the PII does), otherwise the root's children.

    Parameters
    ----------
    framework : Framework
        The index tree.

    Returns
    -------
    list of str
    """
    if "level_name" in framework.meta.columns:
        col = framework.meta["level_name"].astype(str).str.strip().str.lower()
        found = [c for c in framework.codes if col.get(c, "") == "pillar"]
        if found:
            return found
    return framework.children(framework.root)


#: Values of a ``documented`` metadata cell that mark a node as a placeholder (compared lower-case).
PLACEHOLDER_VALUES = frozenset({"no", "n", "false", "0", "placeholder", "undocumented", "unactionable"})

_GENERIC_LEVELS = {1: ["index"], 2: ["indicator", "index"], 3: ["indicator", "pillar", "index"],
                   4: ["indicator", "pillar", "sub-index", "index"],
                   5: ["indicator", "sub-pillar", "pillar", "sub-index", "index"]}


def level_names(framework: Framework, column: str = "level_name") -> pd.Series:
    """Each node's level by name: the metadata ``column`` (``level_name``) where it is filled;
    otherwise ``indicator`` for an indicator, ``index`` for the root, and for the aggregates in
    between, by their level counted from the leaves: 3 levels are index, pillar, indicator; 4 add
    a sub-index above the pillars; 5 a sub-pillar below them; deeper trees say ``level k``.

    Parameters
    ----------
    framework : Framework
        The index tree.
    column : str
        The metadata column holding level names.

    Returns
    -------
    pandas.Series
        Each node's level name, indexed by code.
    """
    fw = framework
    depth = int(fw.levels[fw.root])
    generic = _GENERIC_LEVELS.get(depth)
    out = {}
    given = fw.meta[column] if column in fw.meta.columns else None
    for c in fw.codes:
        v = given.get(c) if given is not None else None
        if v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip():
            out[c] = str(v).strip()
        elif fw.is_indicator(c):
            out[c] = "indicator"
        elif c == fw.root:
            out[c] = "index"
        else:
            lv = int(fw.levels[c])
            out[c] = generic[lv - 1] if generic and lv <= len(generic) else f"level {lv}"
    return pd.Series(out, name="level_name").reindex(fw.codes)


def unactionable(framework: Framework, column: str | None = "documented") -> list[str]:
    """The indicators nobody can act on: those whose metadata ``column`` (default ``documented``)
    says ``no`` (or ``false``, ``0``, ``placeholder``, ``undocumented``, ``unactionable``; any
    case). Empty when the column is absent or ``None``.

    Parameters
    ----------
    framework : Framework
        The index tree.
    column : str, optional
        The metadata column to read (None: no indicator is unactionable).

    Returns
    -------
    list of str
    """
    if column is None or column not in framework.meta.columns:
        return []
    col = framework.meta[column]
    out = []
    for c in framework.indicators:
        v = col.get(c)
        if v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip().lower() in PLACEHOLDER_VALUES:
            out.append(c)
    return out
