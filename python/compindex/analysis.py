"""Analysis of a scored index: one unit's profile, groups of units, years, what to improve, and
the statistical coherence of the framework.

Every function takes a :class:`compindex.Result` and leaves it unchanged. Tables never hold a
silent NaN where a value is expected: a value that cannot be computed is NaN *and* explained in a
``status`` or ``note`` column, or the function raises a :class:`compindex.Error` naming the unit
or indicator. The formulas and method decisions are in ``docs/analysis.md``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import _core
from ._convert import to_dataset
from .errors import ComputationError, DataError, SpecError
from .framework import Framework
from .pipeline import Result, make_spec, score

__all__ = [
    "GroupComparison",
    "PCA",
    "Panel",
    "UnitProfile",
    "changes",
    "correlations",
    "cronbach_alpha",
    "gap_to_leader",
    "group_table",
    "improvement_potential",
    "improvement_to_rank",
    "indicator_statistics",
    "level_names",
    "lift_actions",
    "unactionable",
    "merge_units",
    "pca",
    "pillars",
    "rank_text",
    "score_years",
    "unit_profile",
]


# -- helpers -------------------------------------------------------------------------------------
def rank_text(rank: Any, n: Any) -> str:
    """A rank as the PII plans write it, ``"60/63"``; ``"n/a"`` for a unit without a rank."""
    if rank is None or rank is pd.NA or (isinstance(rank, float) and math.isnan(rank)):
        return "n/a"
    return f"{int(rank)}/{int(n)}"


def _check_unit(result: Result, unit: Any) -> str:
    code = str(unit).strip()
    if code not in result.units:
        sample = ", ".join(map(str, list(result.units[:5])))
        from ._methods import did_you_mean

        hint = did_you_mean(code, result.units) if len(result.units) <= 10_000 else ""  # (a cheap look at most)
        raise SpecError(f"unit {code!r} is not among the {len(result.units)} scored units{hint} ({sample}, ...)")
    return code


def _check_node(fw: Framework, node: str | None) -> str:
    if node is None:
        return fw.root
    if node not in fw.codes:
        from ._methods import did_you_mean

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
        from ._methods import did_you_mean

        raise SpecError(f"unknown unit group {group!r}{did_you_mean(group, result.groups.columns)} (groups: {have})")
    labels = result.groups[group].reindex(result.units)
    return labels.map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))


def pillars(framework: Framework) -> list[str]:
    """The nodes a profile shows as "pillars": those whose metadata ``level_name`` is ``pillar``
    when the framework has that column (as the PII does), otherwise the root's children."""
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
    a sub-index above the pillars; 5 a sub-pillar below them; deeper trees say ``level k``."""
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
    case). Empty when the column is absent or ``None``."""
    if column is None or column not in framework.meta.columns:
        return []
    col = framework.meta[column]
    out = []
    for c in framework.indicators:
        v = col.get(c)
        if v is not None and not (isinstance(v, float) and math.isnan(v)) and str(v).strip().lower() in PLACEHOLDER_VALUES:
            out.append(c)
    return out


# -- one unit ------------------------------------------------------------------------------------
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
        """The indicator rows of :attr:`table`, worst rank first (missing ones last)."""
        t = self.table[self.table["kind"] == "indicator"]
        return t.sort_values(["rank", "score"], ascending=[False, True], na_position="last")

    def weakest(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` worst ranked indicators."""
        return self.indicators().dropna(subset=["rank"]).head(n)

    def to_text(self, names: Mapping[str, str] | None = None) -> str:
        """A plain-text summary (root, its children, strengths, weaknesses)."""
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
        summarizes the indicators by its values (:attr:`UnitProfile.grouped`).
    group
        A unit-group column (e.g. ``"region"``): adds ranks within the unit's group.
    top
        How many strengths and weaknesses to list.
    documented
        A metadata column marking placeholder indicators (see :func:`unactionable`; default
        ``documented``, ignored when absent): the table gets a boolean ``actionable`` column, and
        placeholders are left out of the strengths and weaknesses. The table also has
        ``level_name`` (see :func:`level_names`).

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


# -- groups of units -----------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupComparison:
    """Units compared within the groups of a unit-group column (e.g. regions).

    Attributes
    ----------
    group
        The unit-group column.
    units
        One row per labelled unit, by group then group rank: ``group``, ``rank`` (national),
        ``group_rank``, ``group_size``, ``score`` (the root's), ``gap_to_group_leader`` (the
        leader's root score minus the unit's), and the scores of the root's children.
    ranks
        Units x nodes: ranks within the unit's group at every node.
    means
        Groups x nodes: the mean score of the group's units at every node (units without a score
        at a node are left out of that node's mean), with ``n_units`` first.
    leaders
        One row per group: ``leader`` (the unit ranked first in the group on the root),
        ``leader_score``, ``leader_rank`` (national), ``n_units``, ``mean_score``.
    """

    group: str
    units: pd.DataFrame
    ranks: pd.DataFrame
    means: pd.DataFrame
    leaders: pd.DataFrame

    def members(self, label: str) -> pd.DataFrame:
        """The :attr:`units` rows of one group."""
        if label not in self.leaders.index:
            raise SpecError(f"no {self.group!r} group {label!r} (groups: {', '.join(self.leaders.index)})")
        return self.units[self.units["group"] == label]


def group_table(result: Result, group: str = "region") -> GroupComparison:
    """Ranks within groups, group means per node, and each group's leader.

    Units without a label in ``group`` are left out. See :class:`GroupComparison`.
    """
    fw = result.framework
    root = fw.root
    labels = _group_labels(result, group)
    labelled = labels[labels != ""]
    granks = result.group_ranks(group).loc[labelled.index]
    scores = result.scores.loc[labelled.index]
    sizes = labelled.map(labelled.value_counts())
    units = pd.DataFrame({"group": labelled, "rank": result.ranks.loc[labelled.index, root],
                          "group_rank": granks[root], "group_size": sizes.astype(int), "score": scores[root]})
    leaders_rows = []
    for label in dict.fromkeys(labelled):
        members = labelled.index[labelled == label]
        s = scores.loc[members, root].dropna()
        if s.empty:
            continue  # no unit of the group has a score: no leader (documented)
        leader = s.idxmax()
        leaders_rows.append({"group": label, "leader": leader, "leader_score": float(s.max()),
                             "leader_rank": result.ranks.at[leader, root], "n_units": len(members),
                             "mean_score": float(s.mean())})
    leaders = pd.DataFrame(leaders_rows).set_index("group")
    leaders["leader_rank"] = leaders["leader_rank"].astype("Int64")
    leaders = leaders.sort_values("mean_score", ascending=False)
    units["gap_to_group_leader"] = units["group"].map(leaders["leader_score"]) - units["score"]
    for c in fw.children(root):
        units[c] = scores[c]
    units = units.assign(_o=units["group"].map({g: i for i, g in enumerate(leaders.index)}))
    units = units.sort_values(["_o", "group_rank", "score"], ascending=[True, True, False], na_position="last").drop(columns="_o")
    means = scores.groupby(labelled).mean()
    means.insert(0, "n_units", labelled.value_counts().reindex(means.index).astype(int))
    means = means.reindex(leaders.index.append(means.index.difference(leaders.index)))
    means.index.name = group
    leaders.index.name = group
    return GroupComparison(group=group, units=units, ranks=granks, means=means, leaders=leaders)


def gap_to_leader(result: Result, unit: str, *, group: str | None = None) -> pd.DataFrame:
    """The gap at every node between a unit and the leaders.

    The *national leader* is the unit ranked first on the root; the *group leader* is the unit
    ranked first on the root within the unit's group. Gaps are ``leader's score − unit's score``
    at each node (positive: the unit is behind there). ``*_best`` columns give, for each node, the
    unit with the best score at that node and the gap to it.

    Columns: ``name``, ``level`` (from the leaves, 1 = indicators), ``score``, ``rank``, ``national_leader_score``,
    ``gap_to_national_leader``, ``national_best``, ``gap_to_national_best``, and with ``group``
    the same for the group (plus ``group_rank``), then ``note`` (why a gap is missing). The
    leaders' codes are also in ``attrs["national_leader"]`` and ``attrs["group_leader"]``.
    """
    fw = result.framework
    unit = _check_unit(result, unit)
    root = fw.root
    scores = result.scores
    out = pd.DataFrame({"name": fw.names, "level": fw.levels, "score": scores.loc[unit],
                        "rank": result.ranks.loc[unit]}, index=pd.Index(fw.codes, name="code"))

    def add(prefix: str, members: pd.Index) -> str:
        s = scores.loc[members]
        if s[root].notna().sum() == 0:
            raise DataError(f"no unit of the {prefix} population has a {root!r} score")
        leader = s[root].idxmax()
        out[f"{prefix}_leader_score"] = s.loc[leader]
        out[f"gap_to_{prefix}_leader"] = s.loc[leader] - out["score"]
        out[f"{prefix}_best"] = [str(s[c].idxmax()) if s[c].notna().any() else "" for c in fw.codes]
        out[f"gap_to_{prefix}_best"] = s.max() - out["score"]
        return str(leader)

    out.attrs["national_leader"] = add("national", result.units)
    if group is not None:
        labels = _group_labels(result, group)
        label = labels[unit]
        if not label:
            raise DataError(f"unit {unit!r} has no {group!r} label")
        out.insert(4, "group_rank", result.group_ranks(group).loc[unit])
        out.attrs["group_leader"] = add("group", labels.index[labels == label])
        out.attrs["group"] = label
    notes = []
    for c in fw.codes:
        if pd.isna(out.at[c, "score"]):
            notes.append(f"{unit} has no score")
        elif pd.isna(out.at[c, "national_leader_score"]) or ("group_leader_score" in out and pd.isna(out.at[c, "group_leader_score"])):
            notes.append("the leader has no score")
        else:
            notes.append("")
    out["note"] = notes
    return out


# -- years ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Pooled:
    """Where a year of a pooled run sits in the pooled run (for exact re-scoring)."""

    dataset: Any  # _core.Dataset of all unit-years
    rows: np.ndarray  # positions of this year's rows in it


class Panel(dict):
    """Results by year (a dict ``{year: Result}``), from :func:`score_years`.

    Attributes: ``pooled`` (scores normalized over all years together), ``framework``, and for a
    pooled panel ``pooled_result`` (the one run over all unit-years, units ``"<unit>@<year>"``).
    """

    def __init__(self, results: Mapping[int, Result], *, framework: Framework, pooled: bool,
                 pooled_result: Result | None = None) -> None:
        super().__init__(results)
        self.framework = framework
        self.pooled = pooled
        self.pooled_result = pooled_result

    @property
    def years(self) -> list[int]:
        return sorted(self)

    def scores(self, node: str | None = None) -> pd.DataFrame:
        """Units x years: the scores at a node (default the root)."""
        node = _check_node(self.framework, node)
        return pd.DataFrame({y: self[y].scores[node] for y in self.years})

    def ranks(self, node: str | None = None) -> pd.DataFrame:
        """Units x years: the ranks at a node (default the root), within each year."""
        node = _check_node(self.framework, node)
        return pd.DataFrame({y: self[y].ranks[node] for y in self.years}).astype("Int64")

    def __repr__(self) -> str:
        kind = "pooled normalization" if self.pooled else "normalized year by year"
        return f"Panel({', '.join(map(str, self.years))}; {kind})"


def _split_years(data: pd.DataFrame, year: str, source: str) -> tuple[pd.DataFrame, pd.Series]:
    if year in data.columns:
        years = data[year]
    elif year in (data.index.names or []):
        years = data.index.get_level_values(year).to_series(index=data.index)
        data = data.reset_index(level=year, drop=True)
    else:
        raise DataError(f"{source}: no {year!r} column")
    yv = pd.to_numeric(pd.Series(years.to_numpy()), errors="coerce")
    if yv.isna().any():
        raise DataError(f"{source}: the {year!r} column has a missing or non-numeric value in row {int(np.flatnonzero(yv.isna())[0]) + 2}")
    yv = yv.astype(int)
    if year in data.columns:
        data = data.drop(columns=year)
    return data, pd.Series(yv.to_numpy(), index=data.index)


def score_years(framework: Framework, data: pd.DataFrame, *, year: str = "year", pooled: bool = False,
                groups: pd.DataFrame | Mapping[str, Any] | None = None, ignore: Sequence[str] = (),
                source: str = "data", **spec: Any) -> Panel:
    """Score every year of a data set with a ``year`` column.

    ``pooled=False``: each year is scored on its own (normalization bounds, outlier treatment
    and imputation see that year only), so a score compares units *within* a year; changes of
    score between years mix real change with moving bounds.

    ``pooled=True``: the unit-years are stacked into one data set (units renamed
    ``"<unit>@<year>"``), scored once with the same spec, and split back into years. Every stage
    (imputation, treatment, normalization bounds) sees all years together, so a score means the
    same in every year and score changes are comparable; ranks are recomputed within each year.
    Each year's :class:`Result` keeps the pooled treatment report and diagnostics.

    ``groups`` (indexed by unit), ``ignore``, ``source`` (the data's name in messages) and
    ``**spec`` are as in :func:`compindex.score`.
    """
    if not isinstance(framework, Framework):
        raise SpecError(f"score_years: expected a compindex.Framework, got {type(framework).__name__}")
    table, years = _split_years(data, year, source)
    all_years = sorted(set(years))
    if not pooled:
        out = {}
        for y in all_years:
            part = table[(years == y).to_numpy()]
            out[y] = score(framework, part, groups=groups, ignore=ignore, source=f"{source} ({year} {y})", **spec)
        return Panel(out, framework=framework, pooled=False)

    table = table.copy()
    if "unit" in table.columns:
        table = table.set_index("unit")
    elif isinstance(table.index, pd.RangeIndex):
        raise DataError(f"{source}: no 'unit' column and no index of unit codes")
    original = [str(u).strip() for u in table.index]
    table.index = pd.Index([f"{u}@{y}" for u, y in zip(original, years)], name="unit")
    extra = None
    if groups is not None:
        g = pd.DataFrame(groups)
        g.index = g.index.map(lambda v: str(v).strip())
        extra = g.reindex(original)
        extra.index = table.index
    core_spec = make_spec(framework, **spec)
    dens = sorted({d.denominator for d in core_spec.denominators.values()})
    ds, _, group_frame = to_dataset(framework, table, denominators=dens, groups=extra, ignore=ignore,
                                    source=f"{source} (all years pooled)")
    core = _core.build(framework._core, ds, core_spec)
    pooled_result = Result(framework, core, ds, group_frame, spec)  # warns once for the pooled run
    out = {}
    yv = years.to_numpy()
    for y in all_years:
        rows = np.flatnonzero(yv == y)
        units = [original[i] for i in rows]
        core_y = _core.subset_result(core, framework._core, rows.tolist(), units)
        ds_y = _core.subset_dataset(ds, rows.tolist(), units)
        gf = group_frame.iloc[rows].copy()
        gf.index = pd.Index(units, name="unit")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the pooled run's diagnostics were reported once above
            res = Result(framework, core_y, ds_y, gf, spec)
        res._pooled = _Pooled(ds, rows)  # type: ignore[attr-defined]
        res.attrs = dict(getattr(data, "attrs", None) or {})  # e.g. the SIMULATED note
        out[y] = res
    return Panel(out, framework=framework, pooled=True, pooled_result=pooled_result)


def changes(results: Mapping[int, Result], from_year: int, to_year: int, *, nodes: Iterable[str] | None = None) -> pd.DataFrame:
    """Score and rank changes per unit and node between two years.

    Returns a table indexed by (``unit``, ``code``) with ``score_from``, ``score_to``,
    ``score_change`` (to − from), ``rank_from``, ``rank_to``, ``rank_change`` (from − to: positive
    means the unit moved up), and ``status``: ``ok``, ``only in <year>`` for a unit scored in one
    year only, or ``no score in <year>``. ``attrs["comparable_scores"]`` is True for a pooled
    :class:`Panel`; otherwise score changes mix real change with each year's own normalization
    bounds (ranks are always within each year).
    """
    for y in (from_year, to_year):
        if y not in results:
            raise SpecError(f"changes: no result for the year {y} (years: {', '.join(map(str, sorted(results)))})")
    a, b = results[from_year], results[to_year]
    fw = a.framework
    codes = list(nodes) if nodes is not None else fw.codes
    for c in codes:
        _check_node(fw, c)
    if b.framework.codes != fw.codes:
        raise SpecError("changes: the two results were scored on different frameworks")
    units = list(dict.fromkeys(list(a.units) + list(b.units)))
    sa, sb = a.scores.reindex(units)[codes], b.scores.reindex(units)[codes]
    ra, rb = a.ranks.reindex(units)[codes], b.ranks.reindex(units)[codes]
    stack = (lambda df: df.stack(future_stack=True)) if _future_stack() else (lambda df: df.stack(dropna=False))
    out = pd.DataFrame({"score_from": stack(sa), "score_to": stack(sb)})
    out["score_change"] = out["score_to"] - out["score_from"]
    out["rank_from"] = stack(ra).astype("Int64")
    out["rank_to"] = stack(rb).astype("Int64")
    out["rank_change"] = out["rank_from"] - out["rank_to"]
    out.index.names = ["unit", "code"]
    in_a, in_b = set(a.units), set(b.units)
    status = []
    for (u, _c), sf, st in zip(out.index, out["score_from"], out["score_to"]):
        if u not in in_a:
            status.append(f"only in {to_year}")
        elif u not in in_b:
            status.append(f"only in {from_year}")
        elif pd.isna(sf):
            status.append(f"no score in {from_year}")
        elif pd.isna(st):
            status.append(f"no score in {to_year}")
        else:
            status.append("ok")
    out["status"] = status
    out.attrs["comparable_scores"] = bool(getattr(results, "pooled", False))
    return out


def _future_stack() -> bool:
    major, minor = (int(x) for x in pd.__version__.split(".")[:2])
    return (major, minor) >= (2, 1)


_MERGE_HOW = ("mean", "weighted", "sum")


def _by_unit(data: pd.DataFrame, year: str) -> pd.DataFrame:
    """The table indexed by unit code (a unit may repeat once per year)."""
    if not isinstance(data, pd.DataFrame):
        raise SpecError(f"data: expected a DataFrame indexed by unit code, got {type(data).__name__}")
    if "unit" in data.columns:
        data = data.set_index("unit")
    elif isinstance(data.index, pd.RangeIndex):
        raise DataError("data: no 'unit' column and no index of unit codes")
    data = data.copy()
    data.index = pd.Index([str(u).strip() for u in data.index], name="unit")
    keys = pd.MultiIndex.from_arrays([data.index, data[year]]) if year in data.columns else data.index
    dup = keys.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(f"data, row {i + 2}: unit {data.index[i]!r} appears twice" + (" in one year" if year in data.columns else ""))
    return data


def merge_units(data: pd.DataFrame, mapping: Mapping[str, str] | pd.Series, how: str = "mean",
                weights: Mapping[str, float] | pd.Series | None = None, *, year: str = "year",
                how_by_indicator: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Aggregate the raw values of units that merge into new units (e.g. the 2025 merger of 63
    Vietnamese provinces into 34 units), so that years before and after can be scored on one
    basis.

    Every numeric column is combined over the members of each new unit (and each ``year`` when
    the data have that column), over the members that have a value:

    - ``how="mean"``: the simple mean (every member counts the same);
    - ``how="weighted"``: ``sum(w_i x_i) / sum(w_i)`` with ``weights`` by old unit (e.g.
      population for per-capita indicators, GRDP for shares of GRDP: weighting a ratio by its own
      denominator gives exactly the ratio of the merged totals);
    - ``how="sum"``: the sum (for totals and shares of a national total, e.g. share of national
      GDP); ``how_by_indicator`` sets a method per column.

    A new unit whose members all lack a value gets a missing value. Text columns keep their
    value when all members agree and become empty otherwise (merged units can cross regions).

    Parameters
    ----------
    data
        Raw values indexed by unit (or with a ``unit`` column), optionally with a ``year`` column.
    mapping
        Old unit -> new unit, e.g. ``load_pii_provinces()["unit_2025"]``; every unit of ``data``
        must be in it (units that do not merge map to themselves).

    Returns
    -------
    DataFrame indexed by new unit (order of first appearance), with ``attrs["members"]`` (new unit
    -> list of old units) and ``attrs["merge"]`` (the method per column).
    """
    if how not in _MERGE_HOW:
        raise SpecError(f"merge_units: how must be one of {', '.join(_MERGE_HOW)}, got {how!r}")
    df = _by_unit(data, year)
    mp = {str(k).strip(): str(v).strip() for k, v in dict(mapping).items()}
    unknown = [u for u in dict.fromkeys(df.index) if u not in mp]
    if unknown:
        raise SpecError(f"merge_units: unit(s) {', '.join(map(repr, unknown[:10]))} are not in the mapping")
    empty = [k for k, v in mp.items() if not v]
    if empty:
        raise SpecError(f"merge_units: unit(s) {', '.join(map(repr, empty[:10]))} map to an empty code")
    methods = {}
    numeric = [c for c in df.columns if c != year and pd.api.types.is_numeric_dtype(df[c])]
    text = [c for c in df.columns if c != year and c not in numeric]
    for c in numeric:
        methods[c] = how
    for c, m in (how_by_indicator or {}).items():
        if c not in numeric:
            raise SpecError(f"merge_units: how_by_indicator names {c!r}, which is not a numeric column")
        if m not in _MERGE_HOW:
            raise SpecError(f"merge_units: how_by_indicator[{c!r}] must be one of {', '.join(_MERGE_HOW)}, got {m!r}")
        methods[c] = m
    w = None
    if "weighted" in methods.values():
        if weights is None:
            raise SpecError("merge_units: how='weighted' needs weights (one per old unit)")
        w = {str(k).strip(): float(v) for k, v in dict(weights).items()}
        for u in dict.fromkeys(df.index):
            if u not in w or not math.isfinite(w[u]) or w[u] < 0:
                raise DataError(f"merge_units: unit {u!r} has no valid weight (needs a finite weight >= 0, got {w.get(u)!r})")
    new = df.index.map(mp)
    keys = [new] + ([df[year]] if year in df.columns else [])
    members: dict[str, list[str]] = {}
    for old, nu in zip(df.index, new):
        members.setdefault(nu, [])
        if old not in members[nu]:
            members[nu].append(old)
    rows = []
    for key, g in df.groupby(keys, sort=False):
        nu = key[0] if isinstance(key, tuple) else key
        rec: dict[str, Any] = {"unit": nu}
        if year in df.columns:
            rec[year] = key[1]
        for c in text:
            vals = {str(v) for v in g[c] if not (v is None or (isinstance(v, float) and math.isnan(v)))}
            rec[c] = vals.pop() if len(vals) == 1 else ""
        for c in numeric:
            x = g[c].to_numpy(dtype=float)
            ok = ~np.isnan(x)
            m = methods[c]
            if not ok.any():
                rec[c] = math.nan
            elif m == "mean":
                rec[c] = float(x[ok].mean())
            elif m == "sum":
                rec[c] = float(x[ok].sum())
            else:
                ww = np.array([w[u] for u in g.index])[ok]  # type: ignore[index]
                if ww.sum() <= 0:
                    raise DataError(f"merge_units: the members of {nu!r} with a value of {c!r} have weights summing to 0")
                rec[c] = float((ww * x[ok]).sum() / ww.sum())
        rows.append(rec)
    cols = ["unit"] + ([year] if year in df.columns else []) + [c for c in df.columns if c != year]
    out = pd.DataFrame(rows, columns=cols).set_index("unit")
    out.attrs["members"] = members
    out.attrs["merge"] = methods
    return out


# -- what to improve -----------------------------------------------------------------------------
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
    target_rank
        A rank better than the current one, or several (one table for all, indexed by
        (target_rank, indicator)).

    Returns
    -------
    DataFrame indexed by indicator (or (target_rank, indicator)): ``name``, ``direction``,
    ``current``, ``best_value``, ``value`` (needed), ``change``, ``change_pct`` (of the current
    value), ``share_of_range`` (|change| / (max − min observed)), ``rank_at_value``,
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


# -- statistical coherence -----------------------------------------------------------------------
def _block(result: Result, code: str) -> tuple[list[str], np.ndarray]:
    kids = result.framework.children(code)
    return kids, result.scores[kids].to_numpy(dtype=float)


def correlations(result: Result, method: str = "pearson", *, weak: float = 0.3) -> pd.DataFrame:
    """Correlation of every node's scores with its parent's (indicators: normalized scores).

    Pairwise over the units with both scores. JRC-audit style flags in ``flag``: ``negative``,
    ``weak (< 0.3)``, ``higher with <node>`` (the node correlates more with another aggregate at
    its parent's level than with its parent), ``undefined`` (fewer than 2 common units or a
    constant score). Columns: ``name``, ``level`` (from the leaves), ``parent``, ``r``, ``n``, ``max_other``,
    ``max_other_node``, ``flag``.
    """
    if method not in ("pearson", "spearman"):
        raise SpecError(f"correlations: method must be 'pearson' or 'spearman', got {method!r}")
    fw = result.framework
    s = result.scores
    m = s.to_numpy(dtype=float)
    corr = np.asarray(_core.correlation_matrix(np.asfortranarray(m), method))
    present = ~np.isnan(m)
    pos = {c: i for i, c in enumerate(fw.codes)}
    levels = fw.levels
    rows = []
    for c in fw.codes:
        p = fw.parents[c]
        if not p:
            continue
        i, j = pos[c], pos[p]
        r = corr[i, j]
        others = [o for o in fw.codes if o != p and levels[o] == levels[p] and not fw.is_indicator(o) and not fw.is_ratio(o)
                  and o != c]
        best_o, best_r = "", math.nan
        for o in others:
            v = corr[i, pos[o]]
            if not math.isnan(v) and (math.isnan(best_r) or v > best_r):
                best_o, best_r = o, v
        if math.isnan(r):
            flag = "undefined"
        elif r < 0:
            flag = "negative"
        elif r < weak:
            flag = f"weak (< {weak:g})"
        elif not math.isnan(best_r) and best_r > r:
            flag = f"higher with {best_o}"
        else:
            flag = ""
        rows.append({"code": c, "name": fw.names[c], "level": int(levels[c]), "parent": p, "r": r,
                     "n": int(np.count_nonzero(present[:, i] & present[:, j])), "max_other": best_r,
                     "max_other_node": best_o, "flag": flag})
    out = pd.DataFrame(rows).set_index("code")
    out.attrs["method"] = method
    return out


def cronbach_alpha(result: Result, *, threshold: float = 0.7, missing: str = "complete") -> pd.DataFrame:
    """Cronbach's alpha of every aggregate's children.

    ``alpha = Q/(Q−1) · (1 − Σ_q σ²_q / σ²_T)`` on the children's scores (normalized indicators or
    aggregate scores), with sample variances, σ²_T the variance of the row totals (= the sum of
    every entry of the children's covariance matrix C, so alpha = Q/(Q−1) · (1 − tr C / ΣC)).

    Missing data (``missing``):

    - ``"complete"`` (the default): only units with a score on *every* child (complete rows).
    - ``"pairwise"``: each variance and covariance in C on the units with both values
      (pairwise-complete, R's ``cov(use = "pairwise.complete.obs")``; the default of COINr's
      ``get_cronbach`` and of R's psych ``alpha``). C need not be positive semi-definite then.

    Columns: ``name``, ``level`` (from the leaves, 1 = indicators), ``n_children``,
    ``n_complete`` (complete rows), ``n_pairs_min`` (the fewest units any two children share;
    equals ``n_complete`` when no value is missing), ``missing`` (the option used), ``alpha``,
    ``flag`` (``below 0.7``, or why alpha is undefined: one child, fewer than 2 complete rows
    (or, pairwise, 2 common units for some pair), constant total).
    """
    if missing not in ("complete", "pairwise"):
        from ._methods import did_you_mean

        raise SpecError(f"cronbach_alpha: missing must be 'complete' or 'pairwise', got {missing!r}"
                        f"{did_you_mean(missing, ('complete', 'pairwise'))}")
    fw = result.framework
    rows = []
    for a in fw.aggregates:
        if fw.is_ratio(a):  # a ratio node aggregates no children
            continue
        kids, x = _block(result, a)
        alpha, n = _core.cronbach_alpha(np.asfortranarray(x))
        have = (~np.isnan(x)).astype(np.int64)
        common = have.T @ have
        n_pairs = int(common.min()) if len(kids) else 0
        too_few = n < 2
        if missing == "pairwise":
            alpha, too_few = _pairwise_alpha(x), n_pairs < 2
        if len(kids) < 2:
            flag = "undefined: one child"
        elif too_few:
            flag = ("undefined: fewer than 2 complete rows" if missing == "complete"
                    else "undefined: two children share fewer than 2 units")
        elif math.isnan(alpha):
            flag = "undefined: the total is constant"
        elif alpha < threshold:
            flag = f"below {threshold:g}"
        else:
            flag = ""
        if flag.startswith("undefined"):
            alpha = math.nan
        rows.append({"code": a, "name": fw.names[a], "level": int(fw.levels[a]), "n_children": len(kids),
                     "n_complete": int(n), "n_pairs_min": n_pairs, "missing": missing, "alpha": alpha, "flag": flag})
    return pd.DataFrame(rows).set_index("code")


def _pairwise_alpha(x: np.ndarray) -> float:
    """Alpha from the pairwise-complete covariance matrix of the columns of ``x`` (NaN = missing)."""
    q = x.shape[1]
    if q < 2:
        return math.nan
    c = pd.DataFrame(x).cov(min_periods=2).to_numpy()
    total = c.sum()
    if np.isnan(total) or not total > 0:
        return math.nan
    return q / (q - 1) * (1.0 - np.trace(c) / total)


@dataclass(frozen=True)
class PCA:
    """Principal components of every aggregate's children (see :func:`pca`).

    Attributes
    ----------
    summary
        One row per aggregate: ``n_children``, ``n_complete``, ``eigenvalue_1``, ``explained_1``
        (share of variance of the first component), ``n_kaiser`` (components with eigenvalue > 1),
        ``note`` (why an aggregate has no PCA).
    eigenvalues
        Indexed by (aggregate, component 1..Q): ``eigenvalue``, ``explained``, ``cumulative``.
    loadings
        Indexed by (aggregate, child): ``loading`` (first eigenvector, unit length, signed so
        that the loadings of an aggregate sum to a positive number) and ``correlation`` (the
        child's correlation with the first component, loading · sqrt(eigenvalue_1)).
    """

    summary: pd.DataFrame
    eigenvalues: pd.DataFrame
    loadings: pd.DataFrame = field(repr=False)


def pca(result: Result) -> PCA:
    """PCA of the correlation matrix of every aggregate's children, on complete rows (Eigen's
    SelfAdjointEigenSolver in compindex._core). One dominant component (explaining most of the
    variance, the others with eigenvalue < 1) supports aggregating the children into one score.
    Aggregates with one child, fewer than 3 complete rows, or a constant child get a ``note``
    and no numbers."""
    fw = result.framework
    summ, eig, load = [], [], []
    for a in fw.aggregates:
        if fw.is_ratio(a):  # a ratio node aggregates no children
            continue
        kids, x = _block(result, a)
        rec: dict[str, Any] = {"code": a, "name": fw.names[a], "n_children": len(kids), "n_complete": 0,
                               "eigenvalue_1": math.nan, "explained_1": math.nan, "n_kaiser": pd.NA, "note": ""}
        if len(kids) < 2:
            rec["note"] = "one child"
            summ.append(rec)
            continue
        try:
            p = _core.pca(np.asfortranarray(x), kids)
        except DataError as e:
            rec["note"] = str(e).replace("pca: ", "")
            rec["n_complete"] = len(_core.complete_rows(np.asfortranarray(x)))
            summ.append(rec)
            continue
        ev, ex, lo = np.asarray(p.eigenvalues), np.asarray(p.explained), np.asarray(p.loadings)
        rec.update(n_complete=int(p.n_complete), eigenvalue_1=float(ev[0]), explained_1=float(ex[0]),
                   n_kaiser=int(np.count_nonzero(ev > 1.0)))
        summ.append(rec)
        cum = np.cumsum(ex)
        for k in range(len(ev)):
            eig.append({"aggregate": a, "component": k + 1, "eigenvalue": float(ev[k]), "explained": float(ex[k]),
                        "cumulative": float(cum[k])})
        for kid, v in zip(kids, lo):
            load.append({"aggregate": a, "child": kid, "loading": float(v), "correlation": float(v * math.sqrt(ev[0]))})
    summary = pd.DataFrame(summ).set_index("code")
    summary["n_kaiser"] = summary["n_kaiser"].astype("Int64")
    eigen = pd.DataFrame(eig, columns=["aggregate", "component", "eigenvalue", "explained", "cumulative"]).set_index(["aggregate", "component"])
    loadings = pd.DataFrame(load, columns=["aggregate", "child", "loading", "correlation"]).set_index(["aggregate", "child"])
    return PCA(summary=summary, eigenvalues=eigen, loadings=loadings)


def indicator_statistics(result: Result, *, skew_threshold: float = 2.25, kurtosis_threshold: float = 3.5) -> pd.DataFrame:
    """The GII-style statistics table: one row per indicator, on the values as they enter the
    per-indicator stages (the ``denominated`` stage: the raw data, divided by a denominator where
    one is given), before imputation.

    Columns: ``name``, ``count`` and ``share`` (availability), ``min``, ``max``, ``mean``,
    ``median``, ``sd`` (n − 1), ``skew`` and ``kurtosis`` (Excel's SKEW and KURT: sample skewness
    and excess kurtosis), ``outlier`` (|skew| > 2.25 and kurtosis > 3.5, the GII rule), the
    treatment's ``treatment`` (``off`` when the run had none), ``winsorized`` (points),
    ``skew_after``, ``kurtosis_after``, and ``note`` (too few values for a statistic).
    """
    fw = result.framework
    x = result.data("denominated")
    n = len(result.units)
    tr = result.treatment
    rows = []
    for code in fw.indicators:
        v = x[code].to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        k = v.size
        notes = []
        rec: dict[str, Any] = {"code": code, "name": fw.names[code], "count": k, "share": k / n if n else math.nan}
        if k:
            rec.update(min=float(v.min()), max=float(v.max()), mean=float(v.mean()), median=float(np.median(v)))
        else:
            rec.update(min=math.nan, max=math.nan, mean=math.nan, median=math.nan)
            notes.append("no values")
        rec["sd"] = float(v.std(ddof=1)) if k >= 2 else math.nan
        rec["skew"] = float(_core.skewness(v)) if k else math.nan
        rec["kurtosis"] = float(_core.kurtosis(v)) if k else math.nan
        if 0 < k < 4:
            notes.append("fewer than 4 values: no skewness or kurtosis" if k < 3 else "fewer than 4 values: no kurtosis")
        elif k >= 4 and (math.isnan(rec["skew"]) or math.isnan(rec["kurtosis"])):
            notes.append("constant values: no skewness or kurtosis")
        sk, ku = rec["skew"], rec["kurtosis"]
        rec["outlier"] = bool(not math.isnan(sk) and not math.isnan(ku) and abs(sk) > skew_threshold and ku > kurtosis_threshold)
        if code in tr.index:
            t = tr.loc[code]
            rec.update(treatment=str(t["action"]), winsorized=int(t["winsorized"]), skew_after=float(t["skew_after"]),
                       kurtosis_after=float(t["kurtosis_after"]))
        else:
            rec.update(treatment="off", winsorized=0, skew_after=math.nan, kurtosis_after=math.nan)
        rec["note"] = "; ".join(notes)
        rows.append(rec)
    return pd.DataFrame(rows).set_index("code")

