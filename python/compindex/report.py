"""A unit's report: the printout and the HTML page behind ``compindex demo`` and
``compindex profile``, and those two subcommands.

>>> rep = unit_report(result, "92", group="region", by="lead_agency", names=names, lang="vi")
>>> print(rep.text())
>>> rep.write("report.html")          # one self-contained file, charts as inline SVG

The report opens with one sentence (score, rank nationally and in the group, change since the
previous year) and a chart of the pillars against the group's mean and the leader; then the
ranking, how robust the rank is (a seeded uncertainty analysis), the profile with strengths and
weaknesses, what would lift the unit (grouped by lead agency), the change since last year, the
statistical coherence and the method. Every label is in English or Vietnamese (``lang=``), see
docs/report.md.
"""

from __future__ import annotations

import argparse
import html
import math
import os
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import _i18n as i18n
from . import analysis as an
from .analysis._common import _check_unit
from .errors import DataError, Error, SpecError
from .framework import Framework
from .pipeline import Result

__all__ = ["SECTIONS", "UnitReport", "unit_report"]

#: The report's sections, in order (HTML ids; the heading is the label ``sec_<id>``).
SECTIONS = ("summary", "ranking", "robustness", "profile", "strengths", "lift", "change", "coherence", "method")

_WRAP = 88
_ME = "#c2410c"      # the unit, in every chart
_GROUP = "#9ca3af"   # the group mean
_LEAD = "#1d4ed8"    # the leader


@dataclass
class Cell:
    text: str
    numeric: bool = False
    nowrap: bool = False

    def css(self) -> str:
        return "num" if self.numeric else "txt nw" if self.nowrap else "txt"


@dataclass
class Table:
    """A table as the report shows it: headers, rows of cells, the highlighted row (the unit)."""

    headers: list[str]
    rows: list[list[Cell]]
    highlight: set[int] = field(default_factory=set)
    caption: str = ""
    widths: list[int] | None = None  # percent per column: a fixed layout, so that tables line up


    def html(self) -> str:
        e = html.escape
        head = "".join(f"<th class='{'num' if self.rows and self.rows[0][k].numeric else 'txt'}'>{e(h)}</th>"
                       for k, h in enumerate(self.headers))
        body = []
        for i, row in enumerate(self.rows):
            cls = " class='me'" if i in self.highlight else ""
            body.append(f"<tr{cls}>" + "".join(f"<td class='{c.css()}'>{e(c.text)}</td>" for c in row)
                        + "</tr>")
        cap = f"<caption>{e(self.caption)}</caption>" if self.caption else ""
        if self.widths:
            cols = "".join(f"<col style='width:{w}%'>" for w in self.widths)
            return f"<table class='fixed'>{cap}<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"

    def text(self, width: int = _WRAP) -> str:
        """Plain text, columns wrapped (never cut) so that a line fits ``width``; the unit's row
        is marked with ``>``."""
        n = len(self.headers)
        cells = [[h for h in self.headers]] + [[c.text for c in r] for r in self.rows]
        natural = [max(len(r[k]) for r in cells) for k in range(n)]
        widths = list(natural)
        least = [max((len(w) for r in cells for w in r[k].split()), default=1) for k in range(n)]
        budget = width - 2 - 2 * (n - 1)
        # Narrow the widest column that can still wrap (at spaces only, never mid-word).
        while sum(widths) > budget:
            can = [k for k in range(n) if widths[k] > least[k]]
            if not can:
                break
            k = max(can, key=lambda j: widths[j])
            widths[k] -= 1
        lines = []
        if self.caption:
            lines += textwrap.wrap(self.caption, width)
        for i, r in enumerate(cells):
            wrapped = [textwrap.wrap(v, widths[k], break_long_words=False, break_on_hyphens=False) or [""]
                       for k, v in enumerate(r)]
            height = max(len(w) for w in wrapped)
            for h in range(height):
                parts = []
                for k in range(n):
                    v = wrapped[k][h] if h < len(wrapped[k]) else ""
                    num = i > 0 and self.rows[i - 1][k].numeric
                    parts.append(v.rjust(widths[k]) if num else v.ljust(widths[k]))
                mark = "> " if i > 0 and (i - 1) in self.highlight and h == 0 else "  "
                lines.append((mark + "  ".join(parts)).rstrip())
            if i == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
        return "\n".join(lines)


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, _WRAP, initial_indent=indent, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


@dataclass
class UnitReport:
    """Everything the report of one unit shows (build it with :func:`unit_report`)."""

    result: Result
    unit: str
    group: str | None
    by: str | None
    names: Mapping[str, str]
    title: str
    simulated: bool
    lang: str
    profile: an.UnitProfile
    node_names: pd.Series
    level_names: pd.Series
    actions: pd.DataFrame
    placeholders: list[str]
    group_names: Mapping[str, str] = field(default_factory=dict)
    robustness: dict[str, Any] | None = None
    change: pd.DataFrame | None = None
    change_years: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    # -- small helpers -------------------------------------------------------------------------
    def t(self, key: str, **kw: Any) -> str:
        """A label of the report in its language.

        Parameters
        ----------
        key : str
            The label's key (compindex._i18n).
        **kw
            Values filled into the label.

        Returns
        -------
        str
        """
        return i18n.tr(key, self.lang, **kw)

    def num(self, x: Any, digits: int = 2, sign: bool = False) -> str:
        """A number as the report's language writes it (``49.37``, or ``49,37`` in Vietnamese).

        Parameters
        ----------
        x : float
            The number (missing: a dash).
        digits : int
            Decimal places.
        sign : bool
            Always write the sign (``+1.20``).

        Returns
        -------
        str
        """
        return i18n.num(x, self.lang, digits, sign=sign)

    def label(self, unit: str | None = None) -> str:
        """A unit as the report names it: ``"Name (code)"``, or the code without a name.

        Parameters
        ----------
        unit : str, optional
            A unit's code (default: the report's unit).

        Returns
        -------
        str
        """
        u = self.unit if unit is None else unit
        return f"{self.names[u]} ({u})" if u in self.names else str(u)

    def uname(self, unit: str) -> str:
        """A unit's display name (its code without one).

        Parameters
        ----------
        unit : str
            A unit's code.

        Returns
        -------
        str
        """
        return str(self.names.get(unit, unit))

    @property
    def root(self) -> str:
        """The code of the index (the framework's root).
        """
        return self.result.framework.root

    @property
    def group_label(self) -> str:
        """The unit's label in the group column (empty without a group).
        """
        return str(self.result.groups.at[self.unit, self.group]) if self.group else ""

    @property
    def group_display(self) -> str:
        """The unit's group as the report shows it (its display name when given).
        """
        g = self.group_label
        return str(self.group_names.get(g, g))

    def level(self, code: str) -> str:
        """A node's level name in the report's language (pillar, sub-pillar, indicator, ...).

        Parameters
        ----------
        code : str
            A node's code.

        Returns
        -------
        str
        """
        return i18n.level_term(self.level_names[code], self.lang)

    def rank_text(self, code: str, col: str = "rank_text") -> str:
        """A node's rank as the report writes it (``"12/63"``; "n/a" without a rank).

        Parameters
        ----------
        code : str
            A node's code.
        col : str
            The profile column read: ``rank_text`` or ``group_rank_text``.

        Returns
        -------
        str
        """
        v = self.profile.table.at[code, col]
        return "n/a" if v == "n/a" and self.lang == "en" else ("không có" if v == "n/a" else str(v))

    # -- the content ------------------------------------------------------------------------------
    def sentence(self) -> str:
        """The opening sentence: score, rank nationally and in the group, change since last year."""
        t = self.profile.table
        root = self.root
        index = self.node_names[root]
        if pd.isna(t.at[root, "rank"]):
            return self.t("no_rank", unit=self.label(), index=index)
        out = self.t("sentence", unit=self.label(), score=self.num(t.at[root, "score"]), index=index,
                     rank=t.at[root, "rank_text"])
        if self.group:
            out += self.t("sentence_group", grank=t.at[root, "group_rank_text"], group=self.group_display)
        ch = self._root_change()
        if ch is not None:
            y0, pts, rk = ch
            ranks = (self.t("ranks_up", n=rk) if rk > 0 else self.t("ranks_down", n=-rk) if rk < 0 else self.t("rank_same"))
            out += self.t("sentence_change", year=y0, points=self.num(pts, sign=True), ranks=ranks)
        return out + "."

    def _root_change(self) -> tuple[int, float, int] | None:
        if self.change is None or not self.change_years:
            return None
        try:
            r = self.change.loc[(self.unit, self.root)]
        except KeyError:
            return None
        if r["status"] != "ok":
            return None
        return self.change_years[0], float(r["score_change"]), int(r["rank_change"])

    def robustness_sentence(self) -> str:
        """The robustness section's sentence: the unit's nominal rank and its 5th-95th percentile
        ranks over the replications (or why there are none).
        """
        rb = self.robustness
        if pd.isna(self.profile.table.at[self.root, "rank"]):
            return self.t("robust_unranked", unit=self.label())
        if rb is None:
            return self.t("robust_off")
        if "error" in rb:
            return self.t("robust_failed", why=rb["error"])
        return self.t("robust_sentence", rank=rb["rank"], lo=rb["p05"], hi=rb["p95"])

    def robustness_how(self) -> str:
        """How the robustness analysis was run: replications, seed, successful runs and what varied
        (empty when it did not run).
        """
        rb = self.robustness
        if rb is None or "error" in rb:
            return ""
        parts = []
        for f in rb["factors"]:
            if f[0] == "weights":
                parts.append(self.t("factor_weights", pct=self.num(100 * f[1], 0)))
            elif f[0] == "normalization":
                parts.append(self.t("factor_norm", alts=" / ".join(i18n.method_name(m, self.lang) for m in f[1])))
            elif f[0] == "aggregation":
                parts.append(self.t("factor_agg", alts=" / ".join(i18n.method_name(m, self.lang) for m in f[1])))
        return self.t("robust_how", n=self.num(rb["n"], 0), seed=rb["seed"], ok=self.num(rb["n_successful"], 0),
                      factors="; ".join(parts))

    # -- tables ---------------------------------------------------------------------------------
    def _name_cell(self, code: str, width: int = 0) -> Cell:
        name = str(self.node_names.get(code, code))
        if code in self.placeholders:
            name += f" ({self.t('placeholder')})"
        return Cell(name)

    def ranking_table(self) -> Table:
        """The national top 10 on the index, plus the unit's row when it is not among them.
        """
        rk = self.result.ranking()
        head = rk.head(10)
        if self.unit not in head.index:
            head = pd.concat([head, rk.loc[[self.unit]]])
        fw = self.result.framework
        kids = fw.children(self.root)
        headers = [self.t("col_rank"), self.t("col_unit"), self.t("col_score")] + [str(self.node_names[k]) for k in kids]
        rows, hl = [], set()
        for i, (u, r) in enumerate(head.iterrows()):
            rows.append([Cell(i18n.integer(r["rank"], self.lang), True), Cell(self.label(u)), Cell(self.num(r["score"]), True)]
                        + [Cell(self.num(r[k]), True) for k in kids])
            if u == self.unit:
                hl.add(i)
        return Table(headers, rows, hl, self.t("national_top", unit=self.label()))

    def group_table(self) -> Table | None:
        """The units of the unit's group with their national and group ranks (None without a group).
        """
        if not self.group:
            return None
        gt = an.group_table(self.result, self.group)
        members = gt.members(self.group_label)
        headers = [self.t("col_rank"), self.t("col_unit"), self.t("col_score"),
                   self.t("col_group_rank", group=self.group_display)]
        rows, hl = [], set()
        for i, (u, r) in enumerate(members.iterrows()):
            rows.append([Cell(i18n.integer(r.get("rank"), self.lang), True), Cell(self.label(u)),
                         Cell(self.num(r.get("score")), True), Cell(i18n.integer(r.get("group_rank"), self.lang), True)])
            if u == self.unit:
                hl.add(i)
        return Table(headers, rows, hl, self.t("group_members", group=self.group_display, n=len(members)))

    def pillar_rows(self) -> list[str]:
        """The nodes of the profile: the root, its children, then the pillars not among them.
        """
        fw = self.result.framework
        return [self.root] + fw.children(self.root) + [p for p in an.pillars(fw) if p not in fw.children(self.root)]

    def comparison(self) -> pd.DataFrame:
        """Per profile node: the unit's score, the group's (or the nation's) mean, the leader's score."""
        codes = self.pillar_rows()
        sc = self.result.scores
        if self.group:
            labels = self.result.groups[self.group].astype(str)
            members = labels.index[labels == self.group_label]
        else:
            members = sc.index
        leader = self.result.ranking().index[0]
        return pd.DataFrame({"unit": sc.loc[self.unit, codes], "mean": sc.loc[members, codes].mean(),
                             "leader": sc.loc[leader, codes]}).assign(leader_code=leader)

    def profile_table(self) -> Table:
        """Every profile node's score and rank (and group rank), with the group's (or the nation's)
        mean and the leader's score.
        """
        t = self.profile.table
        cmp = self.comparison()
        mean_h = self.t("col_group_mean", group=self.group_display) if self.group else self.t("col_national_mean")
        headers = [self.t("col_code"), self.t("col_name"), self.t("col_level"), self.t("col_score"), self.t("col_rank")]
        if self.group:
            headers.append(self.t("col_group_rank", group=self.group_display))
        headers += [mean_h, self.t("col_leader") + f" ({self.uname(cmp['leader_code'].iat[0])})"]
        rows = []
        for c in cmp.index:
            row = [Cell(c, nowrap=True), self._name_cell(c), Cell(self.level(c), nowrap=True), Cell(self.num(t.at[c, "score"]), True),
                   Cell(t.at[c, "rank_text"], True)]
            if self.group:
                row.append(Cell(t.at[c, "group_rank_text"], True))
            row += [Cell(self.num(cmp.at[c, "mean"]), True), Cell(self.num(cmp.at[c, "leader"]), True)]
            rows.append(row)
        widths = [7, 33, 11, 8, 8] + ([11] if self.group else []) + ([11, 11] if self.group else [16, 17])
        return Table(headers, rows, {0}, widths=widths)

    def _node_table(self, df: pd.DataFrame, caption: str) -> Table:
        headers = [self.t("col_code"), self.t("col_name"), self.t("col_level"), self.t("col_score"), self.t("col_rank")]
        rows = [[Cell(c, nowrap=True), self._name_cell(c), Cell(self.level(c), nowrap=True), Cell(self.num(r["score"]), True), Cell(r["rank_text"], True)]
                for c, r in df.iterrows()]
        return Table(headers, rows, caption=caption)

    def strengths_table(self) -> Table:
        """The unit's strengths: the nodes where it ranks best.
        """
        return self._node_table(self.profile.strengths, self.t("strengths"))

    def weaknesses_table(self) -> Table:
        """The unit's weaknesses: the nodes where it ranks worst.
        """
        return self._node_table(self.profile.weaknesses, self.t("weaknesses"))

    def weakest_table(self, n: int = 8) -> Table:
        """The unit's worst ranked indicators, grouped by the ``by`` column when it is given.

        Parameters
        ----------
        n : int
            How many indicators, without ``by``.

        Returns
        -------
        Table
        """
        w = self.profile.weakest(len(self.profile.table))
        w = w[w["actionable"]].head(n)
        headers = [self.t("col_code"), self.t("col_name"), self.t("col_value"), self.t("col_score"), self.t("col_rank")]
        if self.by:
            headers.append(self.t("col_agency"))
        rows = []
        for c, r in w.iterrows():
            row = [Cell(c, nowrap=True), self._name_cell(c), Cell(self.num(r["raw"], 4), True), Cell(self.num(r["score"]), True),
                   Cell(r["rank_text"], True)]
            if self.by:
                row.append(Cell(str(r[self.by]) or self.t("no_agency")))
            rows.append(row)
        cap = self.t("weakest", by=self.t("col_agency")) if self.by else self.t("weakest_plain")
        return Table(headers, rows, caption=cap)

    def lift_blocks(self) -> list[tuple[str, list[tuple[str, Table]] | str]]:
        """Per target rank: (heading, [(agency, table), ...]) or (heading, the sentence that no
        single indicator reaches it)."""
        out: list[tuple[str, list[tuple[str, Table]] | str]] = []
        a = self.actions
        for target in a.attrs.get("targets", []):
            head = self.t("lift_target", target=target)
            if target in a.attrs.get("unreachable", []):
                out.append((head, self.t("lift_none", unit=self.label(), target=target)))
                continue
            sub = a.xs(target, level="target_rank")
            groups = []
            for g in dict.fromkeys(sub["group"]):
                part = sub[sub["group"] == g]
                headers = [self.t("col_code"), self.t("col_name"), self.t("col_value"), self.t("col_needed"),
                           self.t("col_change"), self.t("col_share"), self.t("col_best")]
                rows = [[Cell(c, nowrap=True), self._name_cell(c), Cell(self.num(r["current"], 4), True), Cell(self.num(r["value"], 4), True),
                         Cell(self.num(r["change"], 4, sign=True), True), Cell(self.num(100 * r["share_of_range"], 0) + " %", True),
                         Cell(self.num(r["best_value"], 4), True)] for c, r in part.iterrows()]
                groups.append((g or self.t("no_agency"), Table(headers, rows, widths=[8, 34, 11, 12, 11, 13, 11])))
            out.append((head, groups))
        return out

    def change_table(self) -> Table | None:
        """The change since the previous year at every profile node (None without a panel).
        """
        if self.change is None or not self.change_years:
            return None
        y0, y1 = self.change_years
        mine = self.change.xs(self.unit, level="unit")
        headers = [self.t("col_code"), self.t("col_name"), f"{self.t('col_score')} {y0}", f"{self.t('col_score')} {y1}",
                   self.t("col_change"), f"{self.t('col_rank')} {y0}", f"{self.t('col_rank')} {y1}"]
        rows = []
        for c in self.pillar_rows():
            if c not in mine.index:
                continue
            r = mine.loc[c]
            rows.append([Cell(c, nowrap=True), self._name_cell(c), Cell(self.num(r["score_from"]), True), Cell(self.num(r["score_to"]), True),
                         Cell(self.num(r["score_change"], sign=True), True), Cell(i18n.integer(r["rank_from"], self.lang), True),
                         Cell(i18n.integer(r["rank_to"], self.lang), True)])
        return Table(headers, rows, {0}, self.t("change_intro", y0=y0, y1=y1))

    def robustness_table(self) -> Table | None:
        """The robustness interval of the unit and of its neighbours in the ranking (None when the
        analysis did not run).
        """
        rb = self.robustness
        if rb is None or "error" in rb:
            return None
        nb = rb["neighbours"]
        headers = [self.t("col_rank"), self.t("col_unit"), self.t("col_median"), self.t("col_p05"), self.t("col_p95")]
        rows, hl = [], set()
        for i, (u, r) in enumerate(nb.iterrows()):
            rows.append([Cell(i18n.integer(r["nominal_rank"], self.lang), True), Cell(self.label(u)),
                         Cell(self.num(r["median_rank"], 1), True), Cell(i18n.integer(r["p05_rank"], self.lang), True),
                         Cell(i18n.integer(r["p95_rank"], self.lang), True)])
            if u == self.unit:
                hl.add(i)
        return Table(headers, rows, hl)

    def alpha_table(self) -> Table:
        """Cronbach's alpha of every aggregate's children (:func:`compindex.analysis.cronbach_alpha`).
        """
        alpha = an.cronbach_alpha(self.result)
        headers = [self.t("col_code"), self.t("col_name"), self.t("col_level"), self.t("col_children"), self.t("col_alpha")]
        rows = [[Cell(c, nowrap=True), self._name_cell(c), Cell(self.level(c), nowrap=True), Cell(i18n.integer(r["n_children"], self.lang), True),
                 Cell(self.num(r["alpha"]), True)] for c, r in alpha.iterrows()]
        return Table(headers, rows, caption=self.t("alpha_head"))

    def weak_correlation_table(self) -> Table:
        """The nodes whose correlation with their parent is flagged (:func:`compindex.analysis.correlations`).
        """
        corr = an.correlations(self.result)
        flagged = corr[corr["flag"] != ""]
        headers = [self.t("col_code"), self.t("col_name"), self.t("col_level"), self.t("col_corr"), self.t("col_note")]
        rows = [[Cell(c, nowrap=True), self._name_cell(c), Cell(self.level(c), nowrap=True), Cell(self.num(r["r"]), True),
                 Cell(self._flag(str(r["flag"])))] for c, r in flagged.iterrows()]
        return Table(headers, rows, caption=self.t("corr_head", k=len(flagged), n=len(corr)))

    def _flag(self, flag: str) -> str:
        if flag.startswith("higher with "):
            return self.t("flag_higher", node=flag[len("higher with "):])
        if flag.startswith("weak"):
            return self.t("flag_weak", x=self.num(0.3, 1))
        if flag in ("negative", "undefined"):
            return self.t("flag_" + flag)
        return flag

    def method_notes(self) -> list[str]:
        """The method section's notes: the pipeline's choices, the data and their caveats.
        """
        res, fw, sp, L = self.result, self.result.framework, self.result.spec, self.lang
        counts = self.level_names.value_counts()
        order = list(dict.fromkeys(self.level_names[c] for c in sorted(fw.codes, key=lambda c: -int(fw.levels[c]))))
        levels = ", ".join(f"{i18n.level_term(n, L)} {counts[n]}" for n in order)
        out = [self.t("m_data", n=len(res.units), k=len(fw.indicators), levels=levels)]
        norm = sp.get("normalization", "min_max")
        lo, hi = sp.get("range", (0, 100))
        inv = [c for c in fw.indicators if int(fw.directions[c]) < 0]
        out.append(self.t("m_norm", method=i18n.method_name(str(norm), L), lo=self.num(lo, 0), hi=self.num(hi, 0),
                          inv=", ".join(inv) or i18n.tr("m_none", L)))
        cells = fw.method_cells("aggregation")
        cells.update({str(k): str(v) for k, v in (sp.get("aggregation_by_node") or {}).items()})
        default = str(sp.get("aggregation", "arithmetic_mean"))
        items = []
        for name in order:
            nodes = [c for c in fw.aggregates if self.level_names[c] == name]
            if not nodes:
                continue
            methods = sorted({cells.get(c, default) for c in nodes})
            items.append(f"{i18n.level_term(name, L)}: " + " / ".join(i18n.method_name(m, L) for m in methods))
        out.append(self.t("m_agg", items="; ".join(items)))
        treat = sp.get("treatment")
        if treat is None:
            out.append(self.t("m_treat_none"))
        else:
            tr = res.treatment
            wins = ", ".join(f"{c} ({int(r['winsorized'])})" for c, r in tr[tr["action"] == "winsorized"].iterrows())
            logs = ", ".join(tr.index[tr["action"] == "log_transformed"])
            out.append(self.t("m_treat", method=i18n.method_name(str(treat), L), wins=wins or i18n.tr("m_none", L),
                              logs=logs or i18n.tr("m_none", L)))
        imp = res.imputed.to_numpy()
        imp_name = sp.get("imputation")
        out.append(self.t("m_imp", method=i18n.method_name(str(imp_name) if imp_name else "none", L),
                          k=self.num(int(imp.sum()), 0), n=self.num(imp.size, 0), units=self.num(int(imp.any(axis=1).sum()), 0)))
        w = sp.get("weights")
        if w is None:
            ws = fw.weights
            equal = all(len(set(ws[fw.children(c)].round(12))) <= 1 for c in fw.aggregates if fw.children(c))
            which = self.t("m_weights_nominal", desc=self.t("m_weights_equal") if equal else self.t("m_weights_unequal"))
        elif isinstance(w, str):
            which = self.t("m_weights_named", name=w)
        else:
            which = self.t("m_weights_nominal", desc=self.t("m_weights_unequal"))
        out.append(self.t("m_weights", which=which))
        out.append(self.t("m_ranks"))
        out.append(self.t("m_lift"))
        if self.change_years:
            out.append(self.t("m_change"))
        return out + list(self.notes)

    # -- text ----------------------------------------------------------------------------------
    def text(self) -> str:
        """The printout: the same content as the HTML page, wrapped at 88 columns."""
        out: list[str] = []
        bar = "*" * _WRAP

        def banner() -> None:
            if self.simulated:
                out.extend([bar, _wrap(f"*** {self.t('simulated_head')} {self.t('simulated_body')}"), bar])

        def head(key: str) -> None:
            h = self.t(f"sec_{key}")
            out.extend(["", h.upper() if self.lang == "en" else h.upper(), "=" * len(h)])

        banner()
        out.append(_wrap(self.title))
        head("summary")
        out.append(_wrap(self.sentence()))
        head("ranking")
        out.append(self.ranking_table().text())
        g = self.group_table()
        if g is not None:
            out += ["", g.text()]
        head("robustness")
        out.append(_wrap(self.robustness_sentence()))
        how = self.robustness_how()
        if how:
            out.append(_wrap(how))
        rt = self.robustness_table()
        if rt is not None:
            out += ["", rt.text()]
        head("profile")
        out.append(self.profile_table().text())
        out += ["", self.weakest_table().text()]
        head("strengths")
        out.append(self.strengths_table().text())
        out += ["", self.weaknesses_table().text()]
        if self.placeholders:
            out += ["", _wrap(self.t("placeholders_note", n=len(self.placeholders), codes=", ".join(self.placeholders)))]
        head("lift")
        out.append(_wrap(self.t("lift_intro") + (" " + self.t("lift_grouped") if self.by else "")))
        out += self._lift_lines(text=True)
        ct = self.change_table()
        if ct is not None:
            head("change")
            out.append(ct.text())
        head("method")
        out += [textwrap.fill(n, _WRAP, initial_indent="- ", subsequent_indent="  ", break_long_words=False,
                              break_on_hyphens=False) for n in self.method_notes()]
        banner()
        return "\n".join(out)

    def _lift_lines(self, text: bool) -> list[str]:
        t = self.profile.table
        if pd.isna(t.at[self.root, "rank"]):
            return [_wrap(self.sentence())]
        if pd.isna(t.at[self.root, "rank"]) or int(t.at[self.root, "rank"]) <= 1 or not self.actions.attrs.get("targets"):
            return [_wrap(self.t("lift_first", unit=self.label()))]
        out = []
        for head, body in self.lift_blocks():
            out += ["", head, "-" * len(head)]
            if isinstance(body, str):
                out.append(_wrap(body))
                continue
            for agency, table in body:
                out += ([_wrap(agency + ":")] if self.by else []) + [table.text()]
        return out

    # -- HTML ----------------------------------------------------------------------------------
    def html(self, *, plots: bool = True) -> str:
        """The report as one self-contained HTML page (charts as inline SVG).

        Parameters
        ----------
        plots : bool
            Include the charts.

        Returns
        -------
        str
        """
        from . import __version__

        e = html.escape
        parts = [f"<!DOCTYPE html><html lang='{self.lang}'><head><meta charset='utf-8'>"
                 "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                 f"<title>{e(self.title)}</title><style>{_CSS}</style></head><body><main>"]
        banner = (f"<div class='banner'><b>{e(self.t('simulated_head'))}</b> {e(self.t('simulated_body'))}</div>"
                  if self.simulated else "")

        def section(key: str, body: str) -> None:
            parts.append(f"<section id='{key}'><h2>{e(self.t('sec_' + key))}</h2>{body}</section>")

        parts.append(banner)
        parts.append(f"<h1>{e(self.title)}</h1>")
        chart = self._pillar_svg() if plots else ""
        section("summary", f"<p class='summary'>{e(self.sentence())}</p>{chart}")
        body = self.ranking_table().html()
        g = self.group_table()
        if g is not None:
            body += g.html()
        section("ranking", body)
        body = f"<p class='summary'>{e(self.robustness_sentence())}</p>"
        how = self.robustness_how()
        if how:
            body += f"<p>{e(how)}</p>"
        if plots and self.robustness is not None and "error" not in self.robustness:
            body += self._interval_svg()
        rt = self.robustness_table()
        if rt is not None:
            body += rt.html()
        section("robustness", body)
        section("profile", self.profile_table().html() + self.weakest_table().html())
        body = (f"<div><h3>{e(self.t('strengths'))}</h3>" + self._no_caption(self.strengths_table()).html()
                + f"</div><div><h3>{e(self.t('weaknesses'))}</h3>" + self._no_caption(self.weaknesses_table()).html() + "</div></div>")
        if self.placeholders:
            body += f"<p class='note'>{e(self.t('placeholders_note', n=len(self.placeholders), codes=', '.join(self.placeholders)))}</p>"
        section("strengths", body)
        body = f"<p>{e(self.t('lift_intro') + (' ' + self.t('lift_grouped') if self.by else ''))}</p>"
        t = self.profile.table
        if pd.isna(t.at[self.root, "rank"]):
            body += f"<p class='summary'>{e(self.sentence())}</p>"
        elif int(t.at[self.root, "rank"]) <= 1 or not self.actions.attrs.get("targets"):
            body += f"<p class='summary'>{e(self.t('lift_first', unit=self.label()))}</p>"
        else:
            for head, blocks in self.lift_blocks():
                body += f"<h3>{e(head)}</h3>"
                if isinstance(blocks, str):
                    body += f"<p class='summary'>{e(blocks)}</p>"
                    continue
                for agency, table in blocks:
                    body += (f"<h4>{e(agency)}</h4>" if self.by else "") + table.html()
        section("lift", body)
        ct = self.change_table()
        if ct is not None:
            section("change", ct.html())
        wc = self.weak_correlation_table()
        section("coherence", self.alpha_table().html() + (wc.html() if wc.rows else
                                                            f"<p>{e(wc.caption)}. {e(self.t('none'))}</p>"))
        section("method", "<ul>" + "".join(f"<li>{e(n)}</li>" for n in self.method_notes()) + "</ul>")
        parts.append(banner)
        parts.append(f"<p class='foot'>{e(self.t('foot', version=__version__, when=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())))}</p>")
        parts.append("</main></body></html>")
        return "\n".join(parts)

    @staticmethod
    def _no_caption(t: Table) -> Table:
        return Table(t.headers, t.rows, t.highlight)

    def section_headings(self) -> list[str]:
        """The headings of the sections this report shows, in its language."""
        keys = [k for k in SECTIONS if not (k == "change" and self.change_table() is None)]
        return [self.t("sec_" + k) for k in keys]

    # -- charts (inline SVG, the unit highlighted) ----------------------------------------------
    def _pillar_svg(self) -> str:
        cmp = self.comparison()
        leader = cmp["leader_code"].iat[0]
        level = i18n.level_term(self.level_names[an.pillars(self.result.framework)[0]], self.lang)
        if self.group:
            title = self.t("pillar_chart", level=level, unit=self.label(), group=self.group_display, leader=self.label(leader))
            mean_label = self.t("col_group_mean", group=self.group_display)
        else:
            title = self.t("pillar_chart_nat", level=level, unit=self.label(), leader=self.label(leader))
            mean_label = self.t("col_national_mean")
        series = [("unit", self.label(), _ME), ("mean", mean_label, _GROUP), ("leader", self.t("col_leader") + ": " + self.label(leader), _LEAD)]
        rows = list(cmp.index)
        top = float(np.nanmax(cmp[["unit", "mean", "leader"]].to_numpy())) if len(cmp) else 100.0
        hi = max(100.0, top) if top > 0 else 1.0
        left, width, bar, gap = 300, 560, 9, 10
        h_row = 3 * bar + gap
        height = 60 + len(rows) * h_row + 30
        out = [f"<figure><svg class='chart' viewBox='0 0 900 {height}' role='img' aria-label='{html.escape(title)}' "
               "xmlns='http://www.w3.org/2000/svg' font-size='12'>"]
        x = 10
        for _k, lab, col in series:
            out.append(f"<rect x='{x}' y='8' width='12' height='12' fill='{col}'/><text x='{x + 16}' y='18'>{html.escape(lab)}</text>")
            x += 30 + 7 * len(lab)
        ya = 40 + len(rows) * h_row
        for tick in np.linspace(0, hi, 6):
            xt = left + tick / hi * width
            out.append(f"<line x1='{xt:.1f}' y1='36' x2='{xt:.1f}' y2='{ya}' stroke='#e5e7eb'/>"
                       f"<text x='{xt:.1f}' y='{ya + 14}' text-anchor='middle'>{html.escape(self.num(tick, 0))}</text>")
        for i, c in enumerate(rows):
            y0 = 40 + i * h_row
            lines = textwrap.wrap(f"{c} {self.node_names[c]}", 42, break_long_words=False) or [c]
            if len(lines) > 2:  # a third line would not fit the row: the rest goes into the second
                lines = [lines[0], _clip(" ".join(lines[1:]), 42)]
            weight = " font-weight='bold'" if c == self.root else ""
            y_text = y0 + 1.8 * bar - (6 if len(lines) == 2 else 0)
            spans = "".join(f"<tspan x='{left - 8}' dy='{0 if k == 0 else 13}'>{html.escape(t)}</tspan>"
                            for k, t in enumerate(lines))
            out.append(f"<text x='{left - 8}' y='{y_text}' text-anchor='end'{weight}>{spans}</text>")
            for k, (key, _lab, col) in enumerate(series):
                v = cmp.at[c, key]
                w = 0 if _missing(v) else max(0.0, float(v)) / hi * width
                out.append(f"<rect x='{left}' y='{y0 + k * bar}' width='{w:.1f}' height='{bar - 1}' fill='{col}'/>")
                if key == "unit":
                    out.append(f"<text x='{left + w + 4:.1f}' y='{y0 + bar - 1}' fill='{_ME}' font-weight='bold'>"
                               f"{html.escape(self.num(v))}</text>")
        out.append("</svg>")
        cap = title + (f" ({self.t('simulated_short')})" if self.simulated else "")
        out.append(f"<figcaption>{html.escape(cap)}</figcaption></figure>")
        return "".join(out)

    def _interval_svg(self) -> str:
        rb = self.robustness
        assert rb is not None
        nb = rb["neighbours"]
        title = self.t("rank_interval_chart", unit=self.label())
        lo = max(1, int(np.nanmin(nb["p05_rank"])) - 1)
        hi = int(np.nanmax(nb["p95_rank"])) + 1
        left, width, h_row = 260, 600, 22
        height = 50 + len(nb) * h_row + 30
        sx = lambda r: left + (float(r) - lo) / max(1, hi - lo) * width  # noqa: E731
        out = [f"<figure><svg class='chart' viewBox='0 0 900 {height}' role='img' aria-label='{html.escape(title)}' "
               "xmlns='http://www.w3.org/2000/svg' font-size='12'>"]
        legend = [(self.t("legend_interval"), "line"), (self.t("legend_median"), "dot"), (self.t("legend_nominal"), "tick")]
        x = 10
        for lab, kind in legend:
            if kind == "line":
                out.append(f"<line x1='{x}' y1='14' x2='{x + 20}' y2='14' stroke='{_GROUP}' stroke-width='5'/>")
            elif kind == "dot":
                out.append(f"<circle cx='{x + 10}' cy='14' r='4' fill='#111'/>")
            else:
                out.append(f"<line x1='{x + 10}' y1='7' x2='{x + 10}' y2='21' stroke='#111' stroke-width='2'/>")
            out.append(f"<text x='{x + 26}' y='18'>{html.escape(lab)}</text>")
            x += 40 + 7 * len(lab)
        ya = 40 + len(nb) * h_row
        for r in range(lo, hi + 1):
            if (hi - lo) > 20 and r % 5:
                continue
            out.append(f"<line x1='{sx(r):.1f}' y1='34' x2='{sx(r):.1f}' y2='{ya}' stroke='#e5e7eb'/>"
                       f"<text x='{sx(r):.1f}' y='{ya + 14}' text-anchor='middle'>{r}</text>")
        for i, (u, r) in enumerate(nb.iterrows()):
            y = 40 + i * h_row + h_row / 2
            me = u == self.unit
            col = _ME if me else _GROUP
            wt = " font-weight='bold'" if me else ""
            out.append(f"<text x='{left - 8}' y='{y + 4}' text-anchor='end'{wt} fill='{_ME if me else '#111'}'>"
                       f"{html.escape(_clip(self.label(u), 36))}</text>")
            out.append(f"<line x1='{sx(r['p05_rank']):.1f}' y1='{y}' x2='{sx(r['p95_rank']):.1f}' y2='{y}' stroke='{col}' "
                       f"stroke-width='{7 if me else 5}' stroke-linecap='round'/>")
            out.append(f"<circle cx='{sx(r['median_rank']):.1f}' cy='{y}' r='4' fill='#111'/>")
            out.append(f"<line x1='{sx(r['nominal_rank']):.1f}' y1='{y - 8}' x2='{sx(r['nominal_rank']):.1f}' y2='{y + 8}' "
                       "stroke='#111' stroke-width='2'/>")
        out.append("</svg>")
        cap = f"{title}; {self.num(rb['n'], 0)} replications" if self.lang == "en" else f"{title}; {self.num(rb['n'], 0)} lần mô phỏng"
        cap += f" ({self.t('simulated_short')})" if self.simulated else ""
        out.append(f"<figcaption>{html.escape(cap)}</figcaption></figure>")
        return "".join(out)

    def write(self, path: str | os.PathLike[str], *, plots: bool = True) -> Path:
        """Write the HTML page; returns its path.

        Parameters
        ----------
        path : str or os.PathLike
            The HTML file to write.
        plots : bool
            Include the charts.

        Returns
        -------
        pathlib.Path
        """
        p = Path(path)
        p.write_text(self.html(plots=plots), encoding="utf-8")
        return p


_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;color:#1f2937;text-align:left;
line-height:1.45;overflow-wrap:break-word}
main{max-width:1100px;margin:1.5em auto;padding:0 1.2em}
h1{font-size:1.5em;margin:.4em 0}h2{font-size:1.25em;border-bottom:2px solid #d1d5db;padding-bottom:.2em;margin-top:1.8em}
h3{font-size:1.05em;margin:1.2em 0 .4em}h4{font-size:.95em;margin:.9em 0 .3em;color:#374151}
p,li,td,th,caption,figcaption{text-align:left}
.summary{font-size:1.12em}
table{border-collapse:collapse;font-size:.86em;margin:.5em 0 1em;width:100%;table-layout:auto}
caption{font-weight:600;padding:.3em 0;caption-side:top}
td,th{border:1px solid #e5e7eb;padding:.25em .5em;vertical-align:top;overflow-wrap:break-word}
td.nw{white-space:nowrap}table.fixed{table-layout:fixed}
th{background:#f3f4f6;font-weight:600}td.num,th.num{text-align:right}td.num{white-space:nowrap}
tr.me td{background:#ffedd5;font-weight:700}tr.me td:first-child{box-shadow:inset 4px 0 0 #c2410c}
.banner{background:#b00020;color:#fff;padding:.8em 1em;border-radius:4px;margin:1em 0}
figure{margin:1em 0}svg.chart{width:100%;height:auto;display:block}figcaption{font-size:.85em;color:#4b5563}
.note{color:#4b5563;font-size:.9em}.foot{color:#6b7280;font-size:.8em}
@media print{
@page{size:A4;margin:15mm 12mm}
body{font-size:10pt}main{max-width:none;margin:0;padding:0}
section{break-before:page;page-break-before:always}section#summary{break-before:auto;page-break-before:auto}
h2,h3,h4{break-after:avoid;page-break-after:avoid}tr,figure{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}.banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}
tr.me td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def _clip(s: str, n: int) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _robustness(result: Result, unit: str, n: int, seed: int, neighbours: int) -> dict[str, Any]:
    """A quick uncertainty analysis of the result's index ranks (see docs/report.md)."""
    from . import uncertainty as unc

    sp = dict(result.spec)
    norm = sp.get("normalization", "min_max")
    factors: list[Any] = [unc.Weights(spread=0.25)]
    described: list[tuple[str, Any]] = [("weights", 0.25)]
    if isinstance(norm, str) and norm in ("min_max", "z_score"):
        alts = [norm, "z_score" if norm == "min_max" else "min_max"]
        factors.append(unc.Normalization(alts))
        described.append(("normalization", alts))
    rng = sp.get("range", (0.0, 100.0))
    agg = sp.get("aggregation", "arithmetic_mean")
    if agg == "arithmetic_mean" and isinstance(rng, (tuple, list)) and float(rng[0]) > 0 and len(described) == 1:
        factors.append(unc.Aggregation(["arithmetic_mean", "geometric_mean"]))
        described.append(("aggregation", ["arithmetic_mean", "geometric_mean"]))
    data = result.data("raw")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ua = unc.uncertainty_analysis(result.framework, data, factors, n=n, seed=seed, groups=result.groups, **sp)
    s = ua.summary
    me = s.loc[unit]
    ranked = s.dropna(subset=["nominal_rank"])
    pos = list(ranked.index).index(unit) if unit in ranked.index else 0
    nb = ranked.iloc[max(0, pos - neighbours): pos + neighbours + 1]
    return {"n": int(n), "seed": int(seed), "n_successful": ua.n_successful, "factors": described,
            "rank": int(result.ranks.at[unit, result.framework.root]),
            "nominal_rank": int(me["nominal_rank"]), "p05": int(me["p05_rank"]), "p95": int(me["p95_rank"]),
            "median": float(me["median_rank"]), "neighbours": nb, "summary": s}


def unit_report(result: Result, unit: str, *, group: str | None = None, by: str | None = None,
                names: Mapping[str, str] | None = None, title: str | None = None, simulated: bool = False,
                targets: int = 3, top: int = 5, panel: Mapping[int, Result] | None = None,
                years: tuple[int, int] | None = None, lang: str = "en", group_names: Mapping[str, str] | None = None,
                robustness: bool = True, replications: int = 2000, seed: int = 0, neighbours: int = 5,
                documented: str | None = "documented") -> UnitReport:
    """Compute the report of one unit.

    Parameters
    ----------
    result : Result
        A scored index.
    unit : str
        The unit's code.
    group, by
        A unit-group column (``region``) and a metadata column grouping the indicators and the
        actions (``lead_agency``).
    names, group_names
        Display names of units and of group labels (in the report's language).
    title : str, optional
        The report's title (default: one naming the unit and the index).
    simulated : bool
        Label the printout, the page and every chart as SIMULATED data.
    targets
        How many ranks above the unit's own "what would lift it" aims at (1-3 is sensible).
    top : int
        How many strengths and weaknesses are listed.
    panel, years
        A :func:`compindex.analysis.score_years` panel and ``(previous, current)``: the change
        since the previous year, in the opening sentence and its own section.
    lang
        ``"en"`` or ``"vi"``: every label, the node names (metadata ``name_vi`` when ``vi``,
        falling back to ``name``) and the numbers (``49,37`` in Vietnamese).
    robustness, replications, seed, neighbours
        The robustness section: an uncertainty analysis of ``replications`` seeded replications
        (weights within ±25 %, and min-max against z-score normalization), the unit's 5th-95th
        percentile rank, and a chart of the unit and ``neighbours`` units either side.
    documented
        The metadata column marking placeholder indicators (``documented`` = no): marked as such
        and kept out of the strengths, weaknesses and actions.

    Returns
    -------
    UnitReport
    """
    t0 = time.perf_counter()
    lang = i18n.check_lang(lang)
    fw = result.framework
    unit = _check_unit(result, unit)
    names = {str(k): str(v) for k, v in (names or {}).items()}
    root = fw.root
    prof = an.unit_profile(result, unit, by=by, group=group, top=top, documented=documented)
    node_names = fw.names.copy()
    if lang == "vi" and "name_vi" in fw.meta.columns:
        vi = fw.meta["name_vi"].reindex(fw.codes)
        node_names = pd.Series([str(v).strip() if not _missing(v) and str(v).strip() else str(node_names[c])
                                for c, v in zip(fw.codes, vi)], index=fw.codes)
    rank = prof.table.at[root, "rank"]
    if not pd.isna(rank) and int(rank) > 1 and targets > 0:
        actions = an.lift_actions(result, unit, targets, by=by, documented=documented)
    else:
        actions = an.lift_actions(result, unit, 0, by=by, documented=documented) if not pd.isna(rank) else pd.DataFrame()
        actions.attrs.setdefault("targets", [])
    change = None
    if panel is not None and years is not None:
        change = an.changes(panel, years[0], years[1], nodes=[root] + an.pillars(fw))
    rb: dict[str, Any] | None = None
    if robustness and not pd.isna(rank):
        try:
            rb = _robustness(result, unit, int(replications), int(seed), int(neighbours))
        except Error as e:
            rb = {"error": str(e)}
    title = title or f"{node_names[root]}: {names.get(unit, unit)}"
    rep = UnitReport(result=result, unit=unit, group=group, by=by, names=names, title=title, simulated=simulated,
                     lang=lang, profile=prof, node_names=node_names, level_names=an.level_names(fw), actions=actions,
                     placeholders=an.unactionable(fw, documented), group_names=dict(group_names or {}), robustness=rb,
                     change=change, change_years=years if change is not None else None)
    rep.elapsed = time.perf_counter() - t0
    return rep


# -- the CLI subcommands -----------------------------------------------------------------------
def _add_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--unit", default="92", metavar="CODE", help="province code (provinces.csv); default 92, Can Tho")
    p.add_argument("--year", type=int, default=2024, help="2023 or 2024 (default 2024)")
    p.add_argument("--out", default="pii_demo_report.html", metavar="REPORT.html", help="the HTML report to write")
    p.add_argument("--targets", type=int, default=3, metavar="N", help="how many ranks above the unit to try to reach")
    p.add_argument("--no-plots", action="store_true", help="leave the charts out of the report (faster)")
    _add_report_options(p)


def _add_report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=list(i18n.LANGS), default="en",
                   help="the report's language: en (English) or vi (Vietnamese: the framework's name_vi, 49,37)")
    p.add_argument("--no-robustness", action="store_true",
                   help="leave out the robustness section (its uncertainty analysis takes well under a second)")
    p.add_argument("--replications", type=int, default=2000, metavar="N",
                   help="replications of the robustness section's uncertainty analysis (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the robustness section (default 0)")


def cmd_demo(a: argparse.Namespace) -> int:
    from . import datasets
    from .pipeline import score

    fw = datasets.load_pii_framework()
    provinces = datasets.load_pii_provinces()
    names = provinces["name"].to_dict()
    demo = datasets.load_pii_demo()
    years = sorted(int(y) for y in demo["year"].unique())
    if a.year not in years:
        raise DataError(f"demo: no simulated data for {a.year} (years: {', '.join(map(str, years))})")
    unit = str(a.unit).strip()
    if unit not in provinces.index:
        raise SpecError(f"demo: no province with code {unit!r} (see data/pii/provinces.csv; Can Tho is 92)")
    spec = {"treatment": "gii"}
    res = score(fw, datasets.load_pii_demo(a.year), groups=provinces[["region"]], **spec)
    earlier = [y for y in years if y < a.year]
    panel, span = None, None
    if earlier:
        panel = an.score_years(fw, demo, pooled=True, groups=provinces[["region"]], **spec)
        span = (earlier[-1], a.year)
    vi = a.lang == "vi"
    if vi:
        names = provinces["name_vi"].to_dict()
        title = f"Khung PII, năm {a.year}, dữ liệu trình diễn MÔ PHỎNG: {names[unit]} ({unit})"
        regions = dict(zip(provinces["region"].astype(str), provinces["region_vi"].astype(str)))
    else:
        title = f"PII framework, {a.year}, SIMULATED demonstration data: {names[unit]} ({unit})"
        regions = {}
    rep = unit_report(res, unit, group="region", by="lead_agency", names=names, title=title, simulated=True,
                      targets=a.targets, panel=panel, years=span, lang=a.lang, group_names=regions,
                      robustness=not a.no_robustness, replications=a.replications, seed=a.seed)
    rep.notes.append(
        "Khung: data/pii/framework.csv (43 chỉ tiêu có tài liệu công bố, 9 chỉ tiêu giữ chỗ; mọi trọng số bằng 1; "
        "4.1.2 là chỉ tiêu nghịch). Cơ quan chủ trì là sở, ngành của Cần Thơ (phụ lục kế hoạch 88/KH-UBND, 2025)."
        if vi else
        "Framework: data/pii/framework.csv (43 documented indicators, 9 placeholders; every weight 1; "
        "4.1.2 inverse). lead_agency is the Can Tho department in charge (annex of plan 88/KH-UBND, 2025).")
    print(rep.text())
    if a.out:
        path = _write(rep, a.out, not a.no_plots)
        print("\n" + i18n.tr("written", a.lang, path=path) + f" ({i18n.tr('simulated_short', a.lang)})")
    return 0


def _add_profile(p: argparse.ArgumentParser) -> None:
    from .cli import spec_options

    p.add_argument("--framework", required=True, metavar="META.csv", help="metadata: one row per node")
    p.add_argument("--data", required=True, metavar="DATA.csv",
                   help="data: a 'unit' column, one column per indicator; optional 'name' (display names), "
                        "'year', and text columns (unit groups)")
    p.add_argument("--unit", required=True, metavar="CODE", help="the unit to profile")
    p.add_argument("--group", metavar="COLUMN", default=None, help="a unit-group column of the data (e.g. region)")
    p.add_argument("--by", metavar="COLUMN", default=None, help="a metadata column to group indicators by (e.g. lead_agency)")
    p.add_argument("--year", type=int, default=None, help="with a 'year' column: the year to profile (default: the latest)")
    p.add_argument("--out", metavar="REPORT.html", default=None, help="write the HTML report there")
    p.add_argument("--targets", type=int, default=3, metavar="N", help="how many ranks above the unit to try to reach")
    p.add_argument("--simulated", action="store_true", help="label the data as simulated in the printout and report")
    p.add_argument("--no-plots", action="store_true", help="leave the charts out of the report")
    _add_report_options(p)
    spec_options(p)


def cmd_profile(a: argparse.Namespace) -> int:
    from . import datasets
    from .cli import read_data_csv, read_framework, reading_from_args, spec_from_args
    from .pipeline import score

    fw = read_framework(a.framework, **reading_from_args(a))
    data = read_data_csv(a.data, **reading_from_args(a))
    simulated = a.simulated or _same_file(a.data, datasets.DATA_DIR / "demo_data.csv")
    names: dict[str, str] = {}
    if "name" in data.columns:
        names = {str(u).strip(): str(n) for u, n in zip(data["unit"], data["name"])}
        data = data.drop(columns="name")
    spec = {k: v for k, v in spec_from_args(a).items() if not (k == "weights" and v is None)}
    panel, span, year = None, None, a.year
    if "year" in data.columns:
        yv = pd.to_numeric(data["year"], errors="coerce")
        if yv.isna().any():
            raise DataError(f"{a.data}: the 'year' column has a cell that is not a year (row {int(yv.isna().to_numpy().argmax()) + 2})")
        years = sorted(set(int(y) for y in yv))
        year = years[-1] if year is None else year
        if year not in years:
            raise DataError(f"{a.data}: no rows for the year {year} (years: {', '.join(map(str, years))})")
        one = data[(yv == year).to_numpy()].drop(columns="year")
        earlier = [y for y in years if y < year]
        if earlier:
            panel = an.score_years(fw, data.assign(year=yv.astype(int)), pooled=True, source=a.data, **spec)
            span = (earlier[-1], year)
        data = one
    elif year is not None:
        raise DataError(f"{a.data}: --year given but the data have no 'year' column")
    res = score(fw, data, source=a.data, **spec)
    title = f"{fw.names[fw.root]}{f', {year}' if year else ''}: {names.get(str(a.unit), str(a.unit))}"
    if simulated:
        title += f" ({i18n.tr('simulated_short', a.lang)})"
    rep = unit_report(res, str(a.unit), group=a.group, by=a.by, names=names, title=title, simulated=simulated,
                      targets=a.targets, panel=panel, years=span, lang=a.lang, robustness=not a.no_robustness,
                      replications=a.replications, seed=a.seed)
    print(rep.text())
    if a.out:
        path = _write(rep, a.out, not a.no_plots)
        print("\n" + i18n.tr("written", a.lang, path=path))
    return 0


def _write(rep: UnitReport, path: str, plots: bool) -> Path:
    try:
        return rep.write(path, plots=plots)
    except OSError as e:
        raise DataError(f"{path}: cannot write the report ({e.strerror or e})") from None


def _same_file(path: str, other: Path) -> bool:
    try:
        return Path(path).stat().st_size == other.stat().st_size and Path(path).read_bytes() == other.read_bytes()
    except OSError:
        return False


def _register() -> None:
    from .cli import _register as register

    register("demo", "score the embedded PII framework on its SIMULATED demonstration data and profile a province "
             "(default Can Tho)", _add_demo, cmd_demo)
    register("profile", "profile one unit of any index (ranking, group, strengths, weaknesses, what would lift it) "
             "and write an HTML report", _add_profile, cmd_profile)


_register()
