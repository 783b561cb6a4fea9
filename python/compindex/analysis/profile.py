"""One unit's profile: scores and ranks at every level, strengths and weaknesses."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import DataError
from ..pipeline import Result
from ._common import _check_unit, _group_labels, _kinds, _n_ranked, level_names, rank_text, unactionable


@dataclass(frozen=True)
class UnitProfile:
    """A unit's scores and ranks at every node, its strengths and weaknesses.

    Attributes
    ----------
    unit
        The unit code.
    table
        One row per node (framework order): ``name``, ``level`` (from the leaves, 1 = indicators), ``parent``, ``kind``, ``raw``
        (indicators: the value as given; NaN at aggregates, which have none), ``score``, ``rank``,
        ``n_ranked``, ``rank_text`` ("60/63"), optionally ``group_rank``/``group_size``/
        ``group_rank_text`` and the ``by`` column, and ``status``: ``ok``, ``imputed`` (the raw
        value was missing and was imputed) or ``missing`` (no score, so no rank).
    strengths, weaknesses
        The ``top`` best and worst ranked nodes below the root (any level), best (worst) first;
        placeholder indicators (``actionable`` False) are left out.
    grouped
        With ``by``: one row per value of that metadata column (``"(none)"`` for indicators
        without one), over the indicators: ``n_indicators``, ``mean_rank``, ``worst``,
        ``worst_rank``, ``best``, ``best_rank``, ``indicators`` (codes, worst rank first). Sorted
        by worst rank, weakest group first, ``"(none)"`` last.
    """

    unit: str
    table: pd.DataFrame
    strengths: pd.DataFrame
    weaknesses: pd.DataFrame
    by: str | None = None
    grouped: pd.DataFrame | None = None
    group: str | None = None

    def indicators(self) -> pd.DataFrame:
        """The indicator rows of ``table``, worst rank first (missing ones last)."""
        t = self.table[self.table["kind"] == "indicator"]
        return t.sort_values(["rank", "score"], ascending=[False, True], na_position="last")

    def weakest(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` worst ranked indicators.

        Parameters
        ----------
        n : int
            How many indicators.

        Returns
        -------
        pandas.DataFrame
        """
        return self.indicators().dropna(subset=["rank"]).head(n)

    def to_text(self, names: Mapping[str, str] | None = None) -> str:
        """A plain-text summary (root, its children, strengths, weaknesses).

        Parameters
        ----------
        names : mapping of str to str, optional
            Node code to a display name (default: the framework's names).

        Returns
        -------
        str
        """
        t = self.table
        label = f"{names[self.unit]} ({self.unit})" if names and self.unit in names else self.unit
        root = t.index[0] if (t["level"] == t["level"].max()).sum() == 1 else t["level"].idxmax()
        lines = [f"{label}: score {t.at[root, 'score']:.2f}, rank {t.at[root, 'rank_text']}"]
        for title, df in (("strengths", self.strengths), ("weaknesses", self.weaknesses)):
            items = "; ".join(f"{c} {r['name']} ({r['rank_text']})" for c, r in df.iterrows())
            lines.append(f"  {title}: {items or 'none'}")
        return "\n".join(lines)


def unit_profile(result: Result, unit: str, *, by: str | None = None, group: str | None = None,
                 top: int = 5, documented: str | None = "documented") -> UnitProfile:
    """Everything about one unit: every indicator's raw value, normalized score and rank, every
    aggregate's score and rank, strengths and weaknesses, optionally grouped by a metadata column.

    Parameters
    ----------
    result
        A scored index.
    unit
        The unit code.
    by
        A metadata column of the framework (e.g. ``"lead_agency"``): adds it to the tables and
        summarizes the indicators by its values (``UnitProfile.grouped``).
    group
        A unit-group column (e.g. ``"region"``): adds ranks within the unit's group.
    top
        How many strengths and weaknesses to list.
    documented
        A metadata column marking placeholder indicators (see :func:`unactionable`; default
        ``documented``, ignored when absent): the table gets a boolean ``actionable`` column, and
        placeholders are left out of the strengths and weaknesses. The table also has
        ``level_name`` (see :func:`level_names`).

    Returns
    -------
    UnitProfile

    Notes
    -----
    Strengths are the ``top`` nodes below the root where the unit ranks best, weaknesses where it
    ranks worst (ties: lower level, then framework order, first). Ranks compare units on one node
    (1 = best, ties share the best place).
    """
    fw = result.framework
    unit = _check_unit(result, unit)
    codes = fw.codes
    n_ranked = _n_ranked(result)
    raw = result.data("raw").loc[unit]
    imputed = result.imputed.loc[unit]
    t = pd.DataFrame(index=pd.Index(codes, name="code"))
    t["name"] = fw.names
    t["level"] = fw.levels
    t["level_name"] = level_names(fw)
    t["parent"] = fw.parents
    t["kind"] = _kinds(fw)
    t["raw"] = raw.reindex(codes).astype(float)
    t["score"] = result.scores.loc[unit]
    t["rank"] = result.ranks.loc[unit]
    t["n_ranked"] = n_ranked
    t["rank_text"] = [rank_text(r, n) for r, n in zip(t["rank"], t["n_ranked"])]
    if group is not None:
        labels = _group_labels(result, group)
        label = labels[unit]
        if not label:
            raise DataError(f"unit {unit!r} has no {group!r} label")
        granks = result.group_ranks(group).loc[unit]
        members = labels.index[labels == label]
        gsize = result.ranks.loc[members].notna().sum().astype(int)
        t["group_rank"] = granks
        t["group_size"] = gsize
        t["group_rank_text"] = [rank_text(r, n) for r, n in zip(granks, gsize)]
    if by is not None:
        t[by] = fw.column(by).reindex(codes).map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    status = np.where(t["score"].isna(), "missing", "ok").astype(object)
    ind = [fw.is_indicator(c) for c in codes]
    for k, c in enumerate(codes):
        if ind[k] and bool(imputed.get(c, False)) and status[k] == "ok":
            status[k] = "imputed"
    t["status"] = status
    t["actionable"] = ~t.index.isin(unactionable(fw, documented))

    order = pd.Series(range(len(codes)), index=codes)
    below = t.drop(index=fw.root).dropna(subset=["rank"])
    below = below[below["actionable"]]
    below = below.assign(_order=order.reindex(below.index))  # (an empty frame would take order's index)
    strengths = below.sort_values(["rank", "level", "_order"], ascending=[True, True, True]).head(top).drop(columns="_order")
    weaknesses = below.sort_values(["rank", "level", "_order"], ascending=[False, True, True]).head(top).drop(columns="_order")

    grouped = None
    if by is not None:
        rows = []
        inds = t[t["kind"] == "indicator"]
        for value, g in inds.groupby(inds[by].replace("", "(none)"), sort=False):
            ranked = g.dropna(subset=["rank"]).sort_values("rank", ascending=False)
            worst = ranked.index[0] if len(ranked) else ""
            best = ranked.index[-1] if len(ranked) else ""
            rows.append({by: value, "n_indicators": len(g), "n_ranked": len(ranked),
                         "mean_rank": float(ranked["rank"].astype(float).mean()) if len(ranked) else math.nan,
                         "worst": worst, "worst_rank": t.at[worst, "rank_text"] if worst else "n/a",
                         "best": best, "best_rank": t.at[best, "rank_text"] if best else "n/a",
                         "indicators": ", ".join(ranked.index) + ("" if len(ranked) == len(g) else
                                                                  " (no rank: " + ", ".join(g.index.difference(ranked.index)) + ")")})
        grouped = pd.DataFrame(rows).set_index(by)
        worst_rank = t["rank"].reindex(grouped["worst"].replace("", np.nan).dropna()).astype(float)
        grouped["_w"] = [worst_rank.get(w, -1.0) if w else -1.0 for w in grouped["worst"]]
        grouped["_none"] = grouped.index == "(none)"
        grouped = grouped.sort_values(["_none", "_w"], ascending=[True, False]).drop(columns=["_w", "_none"])
    return UnitProfile(unit=unit, table=t, strengths=strengths, weaknesses=weaknesses, by=by, grouped=grouped, group=group)
