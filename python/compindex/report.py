"""A unit's report: the printout and the HTML page behind ``compindex demo`` and
``compindex profile``, and those two subcommands.

>>> rep = unit_report(result, "92", group="region", by="lead_agency", names=names)
>>> print(rep.text())
>>> rep.write("report.html")          # one self-contained file, charts embedded as PNG
"""

from __future__ import annotations

import argparse
import base64
import html
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from . import analysis as an
from .errors import DataError, SpecError
from .framework import Framework
from .pipeline import Result

__all__ = ["UnitReport", "unit_report"]

_SIMULATED_BODY = ("Every indicator value was invented by tools/make_pii_demo.py. These are not PII results and "
                   "must not be cited or presented as Vietnamese data.")
_SIMULATED_BANNER = "SIMULATED DATA - " + _SIMULATED_BODY


def _fmt(x: Any, digits: int = 2) -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


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
    profile: an.UnitProfile
    ranking: pd.DataFrame
    group_units: pd.DataFrame | None
    pillar_table: pd.DataFrame
    lifts: dict[int, pd.DataFrame]
    potential: pd.DataFrame
    change: pd.DataFrame | None = None
    change_years: tuple[int, int] | None = None
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    # -- labels ------------------------------------------------------------------------------
    def label(self, unit: str | None = None) -> str:
        u = self.unit if unit is None else unit
        return f"{self.names[u]} ({u})" if u in self.names else str(u)

    @property
    def group_label(self) -> str:
        return str(self.result.groups.at[self.unit, self.group]) if self.group else ""

    # -- text ----------------------------------------------------------------------------------
    def text(self) -> str:
        """The printout (plain text)."""
        fw = self.result.framework
        t = self.profile.table
        root = fw.root
        out: list[str] = []
        bar = "*" * 100
        if self.simulated:
            out += [bar, f"*** {_SIMULATED_BANNER}", bar]
        out.append(self.title)
        out.append("")
        out.append(f"National ranking (top 10 and {self.label()}):")
        out.append(self._text_table(self.ranking))
        if self.group_units is not None:
            out.append("")
            out.append(f"{self.group_label} ({len(self.group_units)} units), ranked within the group:")
            out.append(self._text_table(self.group_units))
        out.append("")
        line = f"Profile of {self.label()}: score {_fmt(t.at[root, 'score'])}, rank {t.at[root, 'rank_text']}"
        if self.group:
            line += f" nationally, {t.at[root, 'group_rank_text']} in {self.group_label}"
        out.append(line)
        out.append(self._text_table(self.pillar_table))
        out.append("")
        out.append("Strengths (best ranks, any level): " + "; ".join(
            f"{c} {_short(r['name'])} {r['rank_text']}" for c, r in self.profile.strengths.iterrows()))
        out.append("Weaknesses (worst ranks, any level): " + "; ".join(
            f"{c} {_short(r['name'])} {r['rank_text']}" for c, r in self.profile.weaknesses.iterrows()))
        out.append("")
        out.append(f"Weakest indicators{' with ' + self.by if self.by else ''}:")
        out.append(self._text_table(self._weakest_table()))
        if self.by and self.profile.grouped is not None:
            out.append("")
            out.append(f"Indicators by {self.by} (weakest group first):")
            g = self.profile.grouped[["n_indicators", "mean_rank", "worst", "worst_rank", "best", "best_rank"]]
            out.append(self._text_table(g))
        out.append("")
        out.append(self._lift_text())
        if self.change is not None and self.change_years:
            out.append("")
            out.append(self._change_text())
        if self.notes:
            out.append("")
            out += self.notes
        if self.simulated:
            out += [bar, f"*** {_SIMULATED_BANNER}", bar]
        return "\n".join(out)

    @staticmethod
    def _text_table(df: pd.DataFrame) -> str:
        return df.to_string(float_format=lambda x: f"{x:.2f}", na_rep="n/a", max_colwidth=48)

    def _weakest_table(self) -> pd.DataFrame:
        w = self.profile.weakest(8)
        cols = ["name", "raw", "score", "rank_text"] + (["group_rank_text"] if self.group else []) + ([self.by] if self.by else [])
        out = w[cols].copy()
        out["name"] = out["name"].map(lambda s: _short(s, 48))
        return out

    def _lift_text(self) -> str:
        root_rank = self.profile.table.at[self.result.framework.root, "rank"]
        if not self.lifts:
            return f"{self.label()} is ranked {_fmt(root_rank)}: no rank above to reach."
        lines = [f"What would lift {self.label()} (one indicator at a time, others unchanged; exact re-scoring):"]
        for target, df in self.lifts.items():
            reached = df[df["status"].str.startswith("reached")]
            if reached.empty:
                lines.append(f"  to rank {target}: no single indicator is enough (even at the best observed value)")
                continue
            lines.append(f"  to rank {target}:")
            for code, r in reached.sort_values("share_of_range").head(5).iterrows():
                pct = "" if math.isnan(r["change_pct"]) else f", {r['change_pct']:+.1f}%"
                who = f" [{r[self.by]}]" if self.by and r.get(self.by) else ""
                lines.append(f"    {code} {_short(r['name'], 44)}: {_fmt(r['current'], 4)} -> {_fmt(r['value'], 4)} "
                             f"(change {r['change']:+.4g}{pct}; {r['share_of_range']:.0%} of the observed range){who}")
        return "\n".join(lines)

    def _change_text(self) -> str:
        y0, y1 = self.change_years  # type: ignore[misc]
        ch = self.change
        assert ch is not None
        fw = self.result.framework
        mine = ch.xs(self.unit, level="unit")
        rows = [fw.root] + an.pillars(fw)
        lines = [f"Change {y0} -> {y1} of {self.label()} (scores on a pooled {y0}-{y1} scale; ranks within each year):"]
        for c in rows:
            if c not in mine.index:
                continue
            r = mine.loc[c]
            if r["status"] != "ok":
                lines.append(f"  {c:<4} {_short(fw.names[c], 40):<40} {r['status']}")
                continue
            lines.append(f"  {c:<4} {_short(fw.names[c], 40):<40} score {r['score_from']:6.2f} -> {r['score_to']:6.2f} "
                         f"({r['score_change']:+.2f}), rank {r['rank_from']} -> {r['rank_to']} ({int(r['rank_change']):+d})")
        return "\n".join(lines)

    # -- HTML ----------------------------------------------------------------------------------
    def html(self, *, plots: bool = True) -> str:
        """The report as one self-contained HTML page (charts as embedded PNG)."""
        from . import __version__

        fw = self.result.framework
        t = self.profile.table
        root = fw.root
        e = html.escape
        parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{e(self.title)}</title>",
                 f"<style>{_CSS}</style></head><body>"]
        banner = f"<div class='banner'><b>SIMULATED DATA.</b> {e(_SIMULATED_BODY)}</div>" if self.simulated else ""
        parts.append(banner)
        parts.append(f"<h1>{e(self.title)}</h1>")
        summary = f"{e(self.label())}: score <b>{_fmt(t.at[root, 'score'])}</b>, rank <b>{e(t.at[root, 'rank_text'])}</b>"
        if self.group:
            summary += f" nationally, <b>{e(t.at[root, 'group_rank_text'])}</b> in {e(self.group_label)}"
        parts.append(f"<p class='summary'>{summary}.</p>")
        parts.append(f"<h2>National ranking (top 10 and {e(self.label())})</h2>" + _html_table(self.ranking, self.unit))
        if self.group_units is not None:
            parts.append(f"<h2>{e(self.group_label)} ({len(self.group_units)} units)</h2>" + _html_table(self.group_units, self.unit))
        parts.append(f"<h2>Profile of {e(self.label())}</h2>" + _html_table(self.pillar_table))
        parts.append("<h3>Strengths and weaknesses (best and worst ranks at any level)</h3><div class='two'>"
                     + _html_table(self.profile.strengths[["name", "level", "score", "rank_text"]])
                     + _html_table(self.profile.weaknesses[["name", "level", "score", "rank_text"]]) + "</div>")
        parts.append("<h3>Weakest indicators</h3>" + _html_table(self._weakest_table()))
        if self.by and self.profile.grouped is not None:
            parts.append(f"<h3>Indicators by {e(self.by)}</h3>" + _html_table(self.profile.grouped))
        parts.append("<h2>What would lift it</h2><p>For each indicator alone, the smallest change of the raw value that "
                     "reaches the target rank, found by re-scoring the whole index (the other indicators and units "
                     "unchanged). Sorted by the change as a share of the observed range.</p>")
        parts.append("<pre>" + e(self._lift_text()) + "</pre>")
        for target, df in self.lifts.items():
            reached = df[df["status"].str.startswith("reached")].sort_values("share_of_range")
            if not reached.empty:
                cols = ["name", "current", "value", "change", "change_pct", "share_of_range", "rank_at_value"] + ([self.by] if self.by else [])
                parts.append(f"<h3>To rank {target}</h3>" + _html_table(reached[cols]))
        top = self.potential.sort_values("gain_10pct", ascending=False, na_position="last").head(10)
        cols = ["name", "raw", "rank_text", "change_10pct", "gain_10pct", "rank_after_10pct", "gain_per_unit"] + ([self.by] if self.by else []) + ["note"]
        parts.append("<h3>Index points per 10% improvement (top 10)</h3>" + _html_table(top[cols]))
        if self.change is not None and self.change_years:
            parts.append(f"<h2>Change {self.change_years[0]} to {self.change_years[1]}</h2><pre>{e(self._change_text())}</pre>")
        if plots:
            parts.append("<h2>Charts</h2>" + self._charts())
        parts.append("<h2>Statistical coherence</h2>")
        alpha = an.cronbach_alpha(self.result)
        parts.append("<h3>Cronbach's alpha of each aggregate's children</h3>" + _html_table(alpha))
        corr = an.correlations(self.result)
        flagged = corr[corr["flag"] != ""]
        parts.append(f"<h3>Correlation with the parent: {len(flagged)} of {len(corr)} nodes flagged</h3>"
                     + (_html_table(flagged) if len(flagged) else "<p>None.</p>"))
        stats = an.indicator_statistics(self.result)
        shown = stats[(stats["outlier"]) | (stats["treatment"].isin(["winsorized", "log_transformed"])) | (stats["note"] != "")]
        parts.append("<h3>Indicators with outliers or a treatment</h3>" + (_html_table(shown) if len(shown) else "<p>None.</p>"))
        parts.append("<h2>Method</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in self._method_notes()) + "</ul>")
        parts.append(banner)
        parts.append(f"<p class='foot'>compindex {e(__version__)}, generated {time.strftime('%Y-%m-%d %H:%M')}.</p>")
        parts.append("</body></html>")
        return "\n".join(parts)

    def _method_notes(self) -> list[str]:
        spec = ", ".join(f"{k}={v!r}" for k, v in self.result.spec.items()) or "defaults"
        notes = [f"Scored with compindex.score ({spec}) on {len(self.result.units)} units and "
                 f"{len(self.result.framework.indicators)} indicators.",
                 "Ranks: 1 = best; tied units share the better rank; units without a score are unranked.",
                 "Lifts: bisection on the raw value between the current and the best observed value, each step "
                 "re-scoring the whole index; normalization bounds move when the unit becomes the best.",
                 "Index points per 10%: exact finite difference, re-scoring with the raw value improved by 10% of "
                 "itself (lowered for inverse indicators)."]
        if self.change_years:
            notes.append("Year-to-year change: all unit-years pooled, scored once, and split, so scores share one scale.")
        return notes + self.notes

    def _charts(self) -> str:
        from . import plots

        charts = []
        units_in_group = None
        if self.group:
            labels = self.result.groups[self.group]
            units_in_group = [u for u in self.result.ranking().index if labels.get(u) == self.group_label]
        note = "SIMULATED data" if self.simulated else None
        figs = [
            ("Ranking", plots.ranking_chart(self.result, group=self.group, highlight=self.unit, names=self.names, note=note)),
            ("Pillar profile", plots.profile_chart(self.result, self.unit, group=self.group, names=self.names, note=note)),
            ("Indicator ranks" + (f" in {self.group_label}" if self.group else ""),
             plots.rank_heatmap(self.result, units=units_in_group, names=self.names, note=note)),
            ("Correlations between pillars and sub-indices", plots.correlation_heatmap(
                self.result, nodes=[c for c in self.result.framework.aggregates if c != self.result.framework.root], note=note)),
        ]
        for title, fig in figs:
            png = base64.b64encode(plots.figure_png(fig, dpi=90)).decode("ascii")
            charts.append(f"<figure><img alt='{html.escape(title)}' src='data:image/png;base64,{png}'>"
                          f"<figcaption>{html.escape(title)}{' (SIMULATED data)' if self.simulated else ''}</figcaption></figure>")
        return "\n".join(charts)

    def write(self, path: str | os.PathLike[str], *, plots: bool = True) -> Path:
        """Write the HTML page; returns its path."""
        p = Path(path)
        p.write_text(self.html(plots=plots), encoding="utf-8")
        return p


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}tr.me{background:#fff3c4;font-weight:bold}
.banner{background:#b00020;color:#fff;padding:.8em 1em;font-size:1.05em;border-radius:4px;margin:1em 0}
.summary{font-size:1.15em}.two{display:flex;gap:2em;flex-wrap:wrap}figure{margin:1em 0}img{max-width:100%}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.85em}.foot{color:#777;font-size:.8em}
"""


def _html_table(df: pd.DataFrame, highlight: str | None = None) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return "n/a" if math.isnan(v) else f"{v:.4g}" if abs(v) < 0.01 and v != 0 else f"{v:,.2f}"
        if v is None or v is pd.NA:
            return "n/a"
        return html.escape(str(v))

    head = "<tr><th>" + html.escape(str(df.index.name or "")) + "</th>" + "".join(
        f"<th>{html.escape(str(c))}</th>" for c in df.columns) + "</tr>"
    body = []
    for idx, row in df.iterrows():
        cls = " class='me'" if highlight is not None and str(idx) == highlight else ""
        body.append(f"<tr{cls}><td>{html.escape(str(idx))}</td>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>")
    return "<table>" + head + "".join(body) + "</table>"


def _short(s: str, n: int = 40) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"


def unit_report(result: Result, unit: str, *, group: str | None = None, by: str | None = None,
                names: Mapping[str, str] | None = None, title: str | None = None, simulated: bool = False,
                targets: int = 3, top: int = 5, panel: Mapping[int, Result] | None = None,
                years: tuple[int, int] | None = None) -> UnitReport:
    """Compute the report of one unit: ranking (top 10 and the unit), its group, its profile,
    weakest indicators (with the ``by`` metadata column, e.g. ``lead_agency``), what would lift it
    to each of the ``targets`` ranks above its own, the index points per 10% improvement, and the
    change between ``years`` of a ``panel`` (from :func:`compindex.analysis.score_years`).

    ``simulated=True`` labels the printout, the page and every chart as SIMULATED data.
    """
    t0 = time.perf_counter()
    fw = result.framework
    unit = an._check_unit(result, unit)
    names = dict(names or {})
    root = fw.root
    prof = an.unit_profile(result, unit, by=by, group=group, top=top)
    rk = result.ranking()
    head = rk.head(10)
    if unit not in head.index:
        head = pd.concat([head, rk.loc[[unit]]])
    ranking = _with_names(head, names)
    group_units = None
    if group:
        gt = an.group_table(result, group)
        label = str(result.groups.at[unit, group])
        group_units = _with_names(gt.members(label).drop(columns=["group"]), names)
    pt = prof.table.loc[[root] + fw.children(root) + [p for p in an.pillars(fw) if p not in fw.children(root)],
                        ["name", "score", "rank_text"] + (["group_rank_text"] if group else [])].copy()
    gap = an.gap_to_leader(result, unit, group=group)
    if group:
        pt["group_mean"] = an.group_table(result, group).means.loc[label, pt.index]
        pt["gap_to_group_leader"] = gap.loc[pt.index, "gap_to_group_leader"]
    pt["gap_to_national_leader"] = gap.loc[pt.index, "gap_to_national_leader"]
    pt["name"] = pt["name"].map(lambda s: _short(s, 44))
    current = prof.table.at[root, "rank"]
    lifts: dict[int, pd.DataFrame] = {}
    if not pd.isna(current) and int(current) > 1 and targets > 0:
        wanted = list(range(int(current) - 1, max(0, int(current) - 1 - targets), -1))
        both = an.improvement_to_rank(result, unit, wanted, by=by)
        for tr in wanted:
            lifts[tr] = both.xs(tr, level="target_rank")
    potential = an.improvement_potential(result, unit, by=by)
    change = None
    if panel is not None and years is not None:
        change = an.changes(panel, years[0], years[1], nodes=[root] + an.pillars(fw))
    title = title or f"{fw.names[root]}: {names.get(unit, unit)}"
    rep = UnitReport(result=result, unit=unit, group=group, by=by, names=names, title=title, simulated=simulated,
                     profile=prof, ranking=ranking, group_units=group_units, pillar_table=pt, lifts=lifts,
                     potential=potential, change=change, change_years=years if change is not None else None)
    rep.elapsed = time.perf_counter() - t0
    return rep


def _with_names(df: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    if not names:
        return df
    out = df.copy()
    out.insert(0, "name", [names.get(u, "") for u in out.index])
    return out


# -- the CLI subcommands -----------------------------------------------------------------------
def _add_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--unit", default="92", metavar="CODE", help="province code (provinces.csv); default 92, Can Tho")
    p.add_argument("--year", type=int, default=2024, help="2023 or 2024 (default 2024)")
    p.add_argument("--out", default="pii_demo_report.html", metavar="REPORT.html", help="the HTML report to write")
    p.add_argument("--targets", type=int, default=3, metavar="N", help="how many ranks above the unit to try to reach")
    p.add_argument("--no-plots", action="store_true", help="leave the charts out of the report (faster)")


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
    title = (f"PII framework, {a.year}, SIMULATED demonstration data: {names[unit]} ({unit})")
    rep = unit_report(res, unit, group="region", by="lead_agency", names=names, title=title, simulated=True,
                      targets=a.targets, panel=panel, years=span)
    rep.notes.append("Framework: data/pii/framework.csv (43 documented indicators, 9 placeholders; every weight 1; "
                     "4.1.2 inverse). lead_agency is the Can Tho department in charge (annex of plan 88/KH-UBND, 2025).")
    print(rep.text())
    if a.out:
        path = _write(rep, a.out, not a.no_plots)
        print(f"\nReport written to {path} (SIMULATED data).")
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
    spec_options(p)


def cmd_profile(a: argparse.Namespace) -> int:
    from . import datasets
    from .cli import read_data_csv, read_framework, spec_from_args
    from .pipeline import score

    fw = read_framework(a.framework)
    data = read_data_csv(a.data)
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
        title += " (SIMULATED data)"
    rep = unit_report(res, str(a.unit), group=a.group, by=a.by, names=names, title=title, simulated=simulated,
                      targets=a.targets, panel=panel, years=span)
    print(rep.text())
    if a.out:
        path = _write(rep, a.out, not a.no_plots)
        print(f"\nReport written to {path}.")
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
