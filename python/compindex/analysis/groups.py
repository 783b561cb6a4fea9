"""Units compared within groups (regions) and with the leader."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import DataError, SpecError
from ..pipeline import Result
from ._common import _check_unit, _group_labels


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
        """The ``units`` rows of one group.

        Parameters
        ----------
        label : str
            A group label (a value of the group column).

        Returns
        -------
        pandas.DataFrame
        """
        if label not in self.leaders.index:
            raise SpecError(f"no {self.group!r} group {label!r} (groups: {', '.join(self.leaders.index)})")
        return self.units[self.units["group"] == label]


def group_table(result: Result, group: str = "region") -> GroupComparison:
    """Ranks within groups, group means per node, and each group's leader.

    Units without a label in ``group`` are left out. See :class:`GroupComparison`.

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`).
    group : str
        A unit-group column of the result.

    Returns
    -------
    GroupComparison
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

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`).
    unit : str
        The unit's code.
    group : str, optional
        A unit-group column (e.g. ``region``) for the group leader's columns.

    Returns
    -------
    pandas.DataFrame
        One row per node.
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
