"""Charts of a scored index and of its uncertainty and sensitivity analyses (matplotlib). Each
function returns a new :class:`matplotlib.figure.Figure` built without pyplot (no global state, no
open-figure limit, any backend: it renders with Agg), so it works in scripts, tests and notebooks
alike. Save one with ``fig.savefig("chart.png")``; a notebook displays it as the cell's value (after
``%matplotlib inline``).

Conventions shared by every function:

* ``note=`` writes a footnote into the image itself (small, bottom left, outside the axes), so the
  label travels with a chart copied out of a report. By default (``note=None``) the note of the
  data is used: :func:`compindex.datasets.load_pii_demo` marks its frame with ``attrs["note"]``
  (the SIMULATED label), :func:`compindex.score` and the analyses keep the frame's ``attrs``.
  ``note=""`` draws no note.
* ``labels="code"`` (default) or ``"name"`` chooses what the ticks show: unit names come from
  ``names=`` or from a ``name`` text column of the scored data, node names from the framework's
  ``name`` column; a mapping (code -> label) is used as it is (codes it lacks stay codes).
* Legends sit outside the data area (right of the axes), and the figure grows so that nothing
  (legend, long tick labels, title, note) is clipped; the axes keep their size.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from .analysis import pillars
from .analysis._common import _check_node, _check_unit, _group_labels
from .errors import SpecError
from .pipeline import Result

__all__ = ["LISA_COLORS", "correlation_heatmap", "describe_factors", "dot_map", "figure_png", "moran_scatterplot",
           "profile_chart", "rank_heatmap",
           "rank_interval_chart", "ranking_chart", "sensitivity_chart"]
__all__ += ["beta_convergence_chart", "dendrogram_chart", "dispersion_chart", "lorenz_chart"]  # regional comparison

_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
            "#17becf"]
_NOTE_SIZE = 7.0
#: Below this standard deviation (in ranks) the sensitivity chart says that the output barely moves.
BARELY_MOVES_SD = 0.5


def _figure(width: float, height: float, *, left: float = 0.8, right: float = 0.3, bottom: float = 0.6,
            top: float = 0.45) -> Figure:
    # Fixed margins in inches (no constrained layout: laying out hundreds of tick labels is slow);
    # _finish() then grows or trims them to what the labels need.
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height)
    return fig


def _default_note(note: str | None, *sources: Any) -> str | None:
    # An explicit note wins ("" = none); otherwise the first source whose attrs carry one.
    if note is not None:
        return str(note) or None
    for src in sources:
        attrs = getattr(src, "attrs", None) or {}
        if attrs.get("note"):
            return str(attrs["note"])
        if attrs.get("simulated"):
            return "SIMULATED data"
    return None


def _fit(fig: Figure, pad: float = 0.08) -> None:
    # Resize the figure so that everything drawn fits with `pad` inches to spare, keeping every
    # axes' size in inches (a legend placed right of the axes widens the figure instead of
    # overlapping the data or being clipped).
    renderer = fig.canvas.get_renderer()
    w, h = fig.get_size_inches()
    bb = fig.get_tightbbox(renderer)
    dl, dr = pad - bb.x0, bb.x1 + pad - w
    db, dt = pad - bb.y0, bb.y1 + pad - h
    nw, nh = w + dl + dr, h + db + dt
    boxes = [(ax, ax.get_position(original=True)) for ax in fig.axes]
    fig.set_size_inches(nw, nh)
    for ax, p in boxes:
        ax.set_position([(p.x0 * w + dl) / nw, (p.y0 * h + db) / nh, p.width * w / nw, p.height * h / nh])


def _finish(fig: Figure, note: str | None, *, fit: bool = True) -> Figure:
    # Lay the figure out, then add the note in a strip of its own below everything else.
    if fit:
        _fit(fig)
    if note:
        w, h = fig.get_size_inches()
        per_line = max(30, int(w * 72 / (_NOTE_SIZE * 0.62)))
        text = "\n".join(textwrap.wrap(note, per_line)) or note
        lines = text.count("\n") + 1
        strip = lines * _NOTE_SIZE * 1.3 / 72 + 0.1
        if fit:
            boxes = [(ax, ax.get_position(original=True)) for ax in fig.axes]
            fig.set_size_inches(w, h + strip)
            for ax, p in boxes:
                ax.set_position([p.x0, (p.y0 * h + strip) / (h + strip), p.width, p.height * h / (h + strip)])
            h += strip
        fig.text(0.06 / w, 0.05 / h, text, ha="left", va="bottom", fontsize=_NOTE_SIZE, color="#b00020",
                 fontweight="bold")
    return fig


def _wrap(text: str, width_in: float, fontsize: float = 10.0) -> str:
    # Wrap each line of a title to about the width of its axes.
    per_line = max(40, int(width_in * 72 / (fontsize * 0.55)))
    return "\n".join("\n".join(textwrap.wrap(line, per_line)) or line for line in text.split("\n"))


def _label(unit: str, names: Mapping[str, str] | None) -> str:
    return f"{names[unit]} ({unit})" if names and unit in names else str(unit)


def _check_labels(labels: Any, where: str) -> None:
    if not (isinstance(labels, Mapping) or labels in ("code", "name")):
        raise SpecError(f"{where}: labels must be 'code', 'name' or a mapping of codes to labels, got {labels!r}")


def _unit_names(result: Any, names: Mapping[str, str] | None) -> Mapping[str, str] | None:
    # Display names of units: names= first, else a `name` text column of the scored data.
    if names:
        return names
    groups = getattr(result, "groups", None)
    if groups is not None and "name" in getattr(groups, "columns", ()):
        col = groups["name"]
        return {str(u): str(v) for u, v in col.items() if isinstance(v, str) and v}
    return None


def _unit_labeler(result: Any, labels: Any, names: Mapping[str, str] | None, where: str) -> Any:
    # unit code -> tick label. "code" keeps the older "Name (code)" when names= is given.
    _check_labels(labels, where)
    if isinstance(labels, Mapping):
        return lambda u: str(labels.get(u, u))
    if labels == "code":
        return lambda u: _label(u, names)
    known = _unit_names(result, names)
    if not known:
        raise SpecError(f"{where}: labels='name' needs unit names: pass names={{code: name}} or score data "
                        "with a 'name' text column")
    return lambda u: str(known.get(u, u))


def _node_labeler(fw: Any, labels: Any) -> Any:
    # node code -> label: the framework's `name` column for labels="name".
    if isinstance(labels, Mapping):
        return lambda c: str(labels.get(c, c))
    if labels == "name":
        return lambda c: str(fw.names.get(c, c) or c)
    return str


def _legend_outside(ax: Any, **kw: Any) -> Any:
    # Right of the axes, top-aligned: never over the data.
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kw)


def ranking_chart(result: Result, *, node: str | None = None, group: str | None = None, top: int | None = None,
                  highlight: str | Sequence[str] | None = None, names: Mapping[str, str] | None = None,
                  title: str | None = None, note: str | None = None, labels: Any = "code") -> Figure:
    """Horizontal bars of the scores at ``node`` (default the root), best first, one bar per
    ranked unit (or the ``top`` best), coloured by the unit-group column ``group`` (legend right
    of the bars); the units in ``highlight`` get a thick black edge.

    Parameters
    ----------
    result : Result
        A scored index.
    node : str, optional
        The node whose scores are shown (default: the root).
    group : str, optional
        A unit-group column coloring the bars.
    top : int, optional
        Show the best ``top`` units only.
    highlight : str or sequence of str, optional
        Units drawn with a thick black edge.
    names : mapping of str to str, optional
        Unit code to display name (default: the data's ``name`` column).
    title : str, optional
        The chart's title (default: one naming what is shown).
    note : str, optional
        A note printed under the chart (e.g. a data source or the SIMULATED label).
    labels : str
        ``"code"`` (code and name) or ``"name"`` (names only).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fw = result.framework
    node = _check_node(fw, node)
    label_of = _unit_labeler(result, labels, names, "ranking_chart")
    s = result.scores[node].dropna().sort_values(ascending=False, kind="stable")
    if top is not None:
        s = s.head(int(top))
    if s.empty:
        raise SpecError(f"ranking_chart: no unit has a {node!r} score")
    hl = {highlight} if isinstance(highlight, str) else set(highlight or ())
    colors = [_PALETTE[0]] * len(s)
    handles = []
    if group is not None:
        groups = _group_labels(result, group).reindex(s.index)
        cats = list(dict.fromkeys(sorted(v for v in groups if v)))
        cmap = {c: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(cats)}
        colors = [cmap.get(v, "#cccccc") for v in groups]
        handles = [Patch(color=cmap[c], label=c) for c in cats]
    labels_text = [label_of(u) for u in s.index]
    fig = _figure(8.0, max(2.5, 0.2 * len(s) + 1.1), left=0.25 + 0.065 * max(len(t) for t in labels_text))
    ax = fig.add_subplot()
    y = np.arange(len(s))
    bars = ax.barh(y, s.to_numpy(), color=colors)
    for b, u in zip(bars, s.index):
        if u in hl:
            b.set_edgecolor("black")
            b.set_linewidth(2.0)
    ax.set_yticks(y, labels_text, fontsize=7 if len(s) > 30 else 9)
    for t, u in zip(ax.get_yticklabels(), s.index):
        if u in hl:
            t.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlabel(f"{fw.names[node]} score")
    ax.set_title(title or f"Ranking on {fw.names[node]}")
    if handles:
        _legend_outside(ax, handles=handles, fontsize=7, title=group, title_fontsize=8)
    return _finish(fig, _default_note(note, result))


def profile_chart(result: Result, unit: str, *, group: str | None = None, nodes: Sequence[str] | None = None,
                  names: Mapping[str, str] | None = None, title: str | None = None,
                  note: str | None = None, labels: Any = "code") -> Figure:
    """A unit's scores on the pillars (or ``nodes``) against the mean and the leader of its group
    (``group`` given) or of all units: grouped bars, three per pillar (unit, mean, leader). The
    leader is the unit ranked first on the root; when that is the unit itself, the national leader
    (or, for the national leader, the runner-up) is shown instead. ``labels="name"`` names the
    units and shows the pillars by name only (default: code and name).

    Parameters
    ----------
    result : Result
        A scored index.
    unit : str
        The unit's code.
    group : str, optional
        A unit-group column: compare with the unit's group instead of all units.
    nodes : sequence of str, optional
        The nodes shown (default: the pillars, :func:`compindex.analysis.pillars`).
    names : mapping of str to str, optional
        Unit code to display name (default: the data's ``name`` column).
    title : str, optional
        The chart's title (default: one naming what is shown).
    note : str, optional
        A note printed under the chart (e.g. a data source or the SIMULATED label).
    labels : str
        ``"code"`` (code and name) or ``"name"`` (names only).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fw = result.framework
    unit = _check_unit(result, unit)
    label_of = _unit_labeler(result, labels, names, "profile_chart")
    nodes = list(nodes) if nodes is not None else pillars(fw)
    for c in nodes:
        _check_node(fw, c)
    members = result.units
    where = "all units"
    if group is not None:
        glabels = _group_labels(result, group)
        if not glabels[unit]:
            raise SpecError(f"unit {unit!r} has no {group!r} label")
        members = glabels.index[glabels == glabels[unit]]
        where = glabels[unit]
    s = result.scores.loc[members]
    if s[fw.root].notna().sum() == 0:
        raise SpecError(f"profile_chart: no unit of {where} has a {fw.root!r} score")
    leader, lead_of = str(s[fw.root].idxmax()), where
    if leader == unit:
        # The unit leads its group: compare it with the next reference up (the national leader,
        # or the runner-up when it leads everyone).
        allv = result.scores[fw.root].dropna().sort_values(ascending=False, kind="stable")
        leader, lead_of = (str(allv.index[0]), "all units") if group is not None and allv.index[0] != unit else \
            (str(allv.index[1]) if len(allv) > 1 else unit, "runner-up")
    lead_label = f"{label_of(leader)}, " + ("runner-up" if lead_of == "runner-up" else f"leader of {lead_of}")
    series = [(label_of(unit), result.scores.loc[unit, nodes].to_numpy(dtype=float)),
              (f"mean of {where}", s[nodes].mean().to_numpy(dtype=float)),
              (lead_label, result.scores.loc[leader, nodes].to_numpy(dtype=float))]
    fig = _figure(max(6.0, 1.0 * len(nodes) + 2.0), 4.8, bottom=1.0)
    ax = fig.add_subplot()
    x = np.arange(len(nodes))
    w = 0.27
    for k, (lab, vals) in enumerate(series):
        ax.bar(x + (k - 1) * w, vals, w, label=lab, color=_PALETTE[k])
    node_of = _node_labeler(fw, labels)

    def tick(c: str) -> str:
        text = node_of(c) if labels != "code" else fw.names[c]
        wrapped = "\n".join(textwrap.wrap(text, 16, max_lines=3, placeholder="…")) or text
        return wrapped if labels != "code" else c + "\n" + wrapped

    ax.set_xticks(x, [tick(c) for c in nodes], fontsize=7)
    ax.set_ylabel("score")
    ax.set_title(title or f"Profile of {label_of(unit)}")
    _legend_outside(ax, fontsize=7)
    return _finish(fig, _default_note(note, result))


def rank_heatmap(result: Result, *, units: Sequence[str] | None = None, indicators: Sequence[str] | None = None,
                 names: Mapping[str, str] | None = None, title: str | None = None,
                 note: str | None = None, labels: Any = "code") -> Figure:
    """Ranks as a heat map: one row per unit (default all, by overall rank), one column per
    indicator (default all, framework order); darker is better, amber cells have no rank.
    ``labels="name"`` names both the units and the indicators.

    Parameters
    ----------
    result : Result
        A scored index.
    units : sequence of str, optional
        The rows (default: every unit, by overall rank).
    indicators : sequence of str, optional
        The columns (default: every indicator).
    names : mapping of str to str, optional
        Unit code to display name (default: the data's ``name`` column).
    title : str, optional
        The chart's title (default: one naming what is shown).
    note : str, optional
        A note printed under the chart (e.g. a data source or the SIMULATED label).
    labels : str
        ``"code"`` (code and name) or ``"name"`` (names only).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fw = result.framework
    label_of = _unit_labeler(result, labels, names, "rank_heatmap")
    node_of = _node_labeler(fw, labels)
    if units is None:
        units = list(result.ranking().index)
    else:
        units = [_check_unit(result, u) for u in units]
    cols = list(indicators) if indicators is not None else fw.indicators
    for c in cols:
        _check_node(fw, c)
    r = result.ranks.loc[units, cols].astype("float64").to_numpy(dtype=float, na_value=np.nan)
    ylabels = [label_of(u) for u in units]
    xlabels = [node_of(c) for c in cols]
    width = max(6.0, 0.16 * len(cols) + 3.0)
    fig = _figure(width, max(3.0, 0.16 * len(units) + 1.6), left=0.25 + 0.055 * max(map(len, ylabels)), right=1.3,
                  bottom=0.4 + 0.055 * max(map(len, xlabels)))
    ax = fig.add_subplot()
    cmap = ListedColormap(_blues(256)).with_extremes(bad="#f2b134")  # amber: no rank
    im = ax.imshow(np.ma.masked_invalid(r), aspect="auto", cmap=cmap, interpolation="nearest")
    ax.set_xticks(np.arange(len(cols)), xlabels, rotation=90, fontsize=6)
    ax.set_yticks(np.arange(len(units)), ylabels, fontsize=6)
    fig.colorbar(im, ax=ax, label="rank (1 = best)", shrink=0.6, fraction=0.04, pad=0.02)
    ax.set_title(title or "Indicator ranks (amber: no rank)")
    return _finish(fig, _default_note(note, result))


def _blues(n: int) -> list[tuple[float, float, float]]:
    # Dark (rank 1) to light (last rank).
    t = np.linspace(0.0, 1.0, n)
    return [(0.03 + 0.9 * v, 0.19 + 0.75 * v, 0.42 + 0.55 * v) for v in t]


def correlation_heatmap(result: Result, *, nodes: str | Sequence[str] | None = None, method: str = "pearson",
                        title: str | None = None, note: str | None = None, labels: Any = "code") -> Figure:
    """Correlations between the scores of ``nodes`` (default every indicator; an aggregate's code
    means its children), pairwise over units with both scores, as a heat map from −1 to 1.
    ``labels="name"`` shows the nodes' names.

    Parameters
    ----------
    result : Result
        A scored index.
    nodes : str or sequence of str, optional
        The nodes (an aggregate's code: its children; default: every indicator).
    method : str
        ``"pearson"`` or ``"spearman"``.
    title : str, optional
        The chart's title.
    note : str, optional
        A note printed under the chart.
    labels : str
        ``"code"`` or ``"name"``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from . import _core

    fw = result.framework
    _check_labels(labels, "correlation_heatmap")
    node_of = _node_labeler(fw, labels)
    if nodes is None:
        cols = fw.indicators
    elif isinstance(nodes, str):
        _check_node(fw, nodes)
        cols = fw.children(nodes) or [nodes]
    else:
        cols = list(nodes)
        for c in cols:
            _check_node(fw, c)
    if method not in ("pearson", "spearman"):
        raise SpecError(f"correlation_heatmap: method must be 'pearson' or 'spearman', got {method!r}")
    x = np.asfortranarray(result.scores[cols].to_numpy(dtype=float))
    c = np.asarray(_core.correlation_matrix(x, method))
    ticks = [node_of(k) for k in cols]
    margin = 0.3 + 0.06 * max(map(len, ticks))
    side = max(2.5, 0.17 * len(cols))
    fig = _figure(side + margin + 1.5, side + margin + 0.5, left=margin, right=1.5, bottom=margin)
    ax = fig.add_subplot()
    im = ax.imshow(np.ma.masked_invalid(c), vmin=-1.0, vmax=1.0, cmap="RdBu_r", interpolation="nearest")
    fs = 6 if len(cols) > 20 else 8
    ax.set_xticks(np.arange(len(cols)), ticks, rotation=90, fontsize=fs)
    ax.set_yticks(np.arange(len(cols)), ticks, fontsize=fs)
    fig.colorbar(im, ax=ax, label=f"{method} correlation", shrink=0.6, fraction=0.05, pad=0.03)
    ax.set_title(title or f"Correlations ({method})")
    return _finish(fig, _default_note(note, result))


# -- uncertainty and sensitivity ----------------------------------------------------------------------
def _factor_text(f: Any, fw: Any) -> str:
    from . import uncertainty as U

    name = getattr(f, "name", type(f).__name__)
    if isinstance(f, U.Weights):
        where = f" of {len(f.nodes)} nodes" if f.nodes else (f" at level {f.level}" if f.level is not None else "")
        if f.distribution == "dirichlet":
            return f"{name}{where} Dirichlet (concentration {f.concentration:g})"
        return f"{name}{where} ±{100 * f.spread:g}\u00a0%"  # no break before %
    if isinstance(f, U.Exclusion):
        k = len(f.candidates) if f.candidates else (len(fw.indicators) if fw is not None else 0)
        return f"{name}: one of {k} left out" + (" or none" if f.include_none else "")
    alts = U._alternative_labels(f, fw)
    if alts:
        listed = " / ".join(alts)
        return f"{name}: {listed}" if len(listed) <= 48 else f"{name} ({len(alts)} alternatives)"
    return str(name)


def describe_factors(factors: Sequence[Any], framework: Any = None) -> str:
    """What varied, in words, for a chart title: e.g. ``weights ±25 %, normalization: min_max /
    percentile_rank, aggregation: arithmetic_mean / geometric_mean``.

    Parameters
    ----------
    factors : sequence
        The factors of an uncertainty or sensitivity analysis (:mod:`compindex.uncertainty`).
    framework : Framework, optional
        The index tree, for node names.

    Returns
    -------
    str
    """
    return ", ".join(_factor_text(f, framework) for f in factors)


def rank_interval_chart(ua: Any, *, top: int | None = None, units: Sequence[str] | None = None,
                        highlight: str | Sequence[str] | None = None, names: Mapping[str, str] | None = None,
                        labels: Any = "code", title: str | None = None, note: str | None = None,
                        ax: Any = None) -> Figure:
    """Rank intervals of an :class:`~compindex.uncertainty.UncertaintyResult`: per unit (by nominal
    rank; the ``top`` first or the chosen ``units``) a bar from the 5th to the 95th percentile rank,
    the median (dot) and the nominal rank (cross). The title says what varied, over how many
    replications and how many of them failed. ``ax`` draws into an existing axes (no resizing).

    Parameters
    ----------
    ua : UncertaintyResult
        An uncertainty analysis (:func:`compindex.uncertainty_analysis`).
    top : int, optional
        Show the best ``top`` units by nominal rank.
    units : sequence of str, optional
        Show these units (instead of ``top``).
    highlight : str or sequence of str, optional
        Units drawn in a highlight color.
    names : mapping of str to str, optional
        Unit code to display name (default: the data's ``name`` column).
    labels : str
        ``"code"`` (code and name) or ``"name"`` (names only).
    title : str, optional
        The chart's title (default: one naming what is shown).
    note : str, optional
        A note printed under the chart (e.g. a data source or the SIMULATED label).
    ax : matplotlib.axes.Axes, optional
        Draw into these axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_labels(labels, "rank_interval_chart")
    if isinstance(labels, Mapping):
        label_of = lambda u: str(labels.get(u, u))  # noqa: E731
    elif labels == "name":
        known = names or getattr(ua, "unit_names", None)
        if not known:
            raise SpecError("rank_interval_chart: labels='name' needs unit names: pass names={code: name} or analyse "
                            "data with a 'name' text column")
        label_of = lambda u: str(known.get(u, u))  # noqa: E731
    else:
        label_of = lambda u: _label(u, names)  # noqa: E731
    s = ua.summary.dropna(subset=["nominal_rank"])
    if units is not None:
        wanted = [str(u) for u in units]
        missing = [u for u in wanted if u not in s.index]
        if missing:
            raise SpecError(f"rank_interval_chart: unit {missing[0]!r} is not among the ranked units of the analysis")
        s = s.loc[[u for u in s.index if u in set(wanted)]]
    if top:
        s = s.head(int(top))
    if s.empty:
        raise SpecError("rank_interval_chart: no ranked unit to show")
    hl = {highlight} if isinstance(highlight, str) else {str(u) for u in (highlight or ())}
    n_total = len(ua.replication)
    n_failed = len(ua.failures)
    text = title or (f"Rank intervals (5–95\u00a0%) over {n_total:,} replications ({n_failed:,} failed)\n"
                     f"varied: {describe_factors(ua.factors, getattr(ua, 'framework', None))}")
    ticks = [label_of(u) for u in s.index]
    own = ax is None
    if own:
        fig = _figure(7.0, max(2.5, 0.22 * len(s) + 1.2), left=0.25 + 0.065 * max(map(len, ticks)))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    y = np.arange(len(s))
    ax.hlines(y, s["p05_rank"], s["p95_rank"], color=_PALETTE[0], lw=4, alpha=0.45, label="5th–95th percentile rank")
    ax.plot(s["median_rank"], y, "o", color=_PALETTE[0], ms=4, label="median rank")
    ax.plot(s["nominal_rank"], y, "x", color="black", ms=5, label="nominal rank")
    for yy, u in zip(y, s.index):
        if u in hl:
            ax.axhspan(yy - 0.45, yy + 0.45, color="#ffe08a", zorder=0)
    ax.set_yticks(y, ticks, fontsize=7 if len(s) > 30 else 9)
    for t, u in zip(ax.get_yticklabels(), s.index):
        if u in hl:
            t.set_fontweight("bold")
    ax.set_ylim(len(s) - 0.5, -0.5)  # best on top, no empty rows
    ax.set_xlim(0.5, float(np.nanmax(s[["p95_rank", "nominal_rank"]].to_numpy())) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # ranks are whole numbers
    ax.set_xlabel("rank (1 = best)")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_title(_wrap(text, fig.get_size_inches()[0] * ax.get_position().width), fontsize=10)
    _legend_outside(ax, fontsize=7)
    return _finish(fig, _default_note(note, ua), fit=own)


def sensitivity_chart(sa: Any, *, names: Mapping[str, str] | None = None, title: str | None = None,
                      note: str | None = None, threshold: float = BARELY_MOVES_SD, ax: Any = None) -> Figure:
    """Sobol indices of a :class:`~compindex.uncertainty.SensitivityResult` (bars with their
    bootstrap intervals) above a panel showing how much the output itself varies: its
    distribution over the runs on a rank scale, with its mean and standard deviation. When the
    standard deviation is below ``threshold`` ranks the chart says so in red ("ranks barely move"),
    so that large indices that split a tiny variance are not read as alarming. ``names`` maps the
    analysed unit's code to its name (default: the data's ``name`` column). ``ax`` draws the indices into an existing axes (no second
    panel: the output's spread becomes the title's last line).

    Parameters
    ----------
    sa : SensitivityResult
        A sensitivity analysis (:func:`compindex.sensitivity_analysis`).
    names : mapping of str to str, optional
        Unit code to display name (default: the data's ``name`` column).
    title : str, optional
        The chart's title (default: one naming what is shown).
    note : str, optional
        A note printed under the chart (e.g. a data source or the SIMULATED label).
    threshold : float
        The standard deviation, in ranks, below which the chart says the output barely moves.
    ax : matplotlib.axes.Axes, optional
        Draw the indices into these axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    df = sa.indices
    y = np.asarray(sa.y, dtype=float)
    y = y[np.isfinite(y)]
    sd = float(np.std(y, ddof=1)) if y.size > 1 else 0.0
    mean = float(np.mean(y)) if y.size else math.nan
    target = getattr(sa, "target", "") or ""
    output = sa.output
    known = names or getattr(sa, "unit_names", None) or {}
    if target and target in known:
        output = f"rank of {known[target]} ({target})"
    n = getattr(sa, "n", None)
    runs = len(np.asarray(sa.y))
    failed = int(getattr(sa, "n_failed", 0))
    design = (f"n = {n:,} base samples, " if n else "") + f"{runs:,} runs ({failed:,} failed)"
    head = title or (f"Sensitivity of the {output}: Sobol indices"
                     + ("" if sa.converged else " (not converged: increase n)")
                     + f"\n{design}; factors: {describe_factors(sa.factors, getattr(sa, 'framework', None))}")
    barely = sd < threshold
    what = "ranks barely move" if target or mean < threshold else f"the {output} barely varies"
    stmt = f"Output over the {runs:,} runs: mean {mean:.2f}, sd {sd:.2f} ranks"
    if barely:
        stmt += f" — {what}: sd {sd:.2f} (< {threshold:g}), so these indices split a tiny variance"
    k = len(df)
    own = ax is None
    if own:
        W, H = max(6.0, 1.1 * k + 2.5), 6.0
        fig = Figure(figsize=(W, H))
        FigureCanvasAgg(fig)
        # Two panels, laid out in inches: the indices (3 in high) above the output's spread (0.9 in).
        ax = fig.add_axes([0.9 / W, 2.4 / H, (W - 1.2) / W, 3.0 / H])
        ax2 = fig.add_axes([0.9 / W, 0.5 / H, (W - 1.2) / W, 0.9 / H])
    else:
        fig = ax.figure
        W = fig.get_size_inches()[0] * ax.get_position().width + 1.2
        head += "\n" + stmt
    x = np.arange(k)
    for off, (col, lo, hi, lab, color) in zip((-0.2, 0.2), (("first_order", "first_low", "first_high", "first order", _PALETTE[0]),
                                                           ("total_order", "total_low", "total_high", "total order", _PALETTE[1]))):
        err = np.vstack([(df[col] - df[lo]).clip(lower=0), (df[hi] - df[col]).clip(lower=0)])
        ax.bar(x + off, df[col], width=0.4, yerr=err, capsize=3, label=lab, color=color)
    ax.set_xticks(x, list(df.index), fontsize=8)
    ax.set_ylabel("Sobol index (share of the output's variance)")
    ax.set_ylim(min(0.0, float(df[["first_low", "first_order"]].min().min()) - 0.05),
                max(1.05, float(df[["total_high", "total_order"]].max().max()) + 0.05))
    ax.axhline(0.0, color="black", lw=0.6)
    ax.set_title(_wrap(head, W - 1.2), fontsize=10)
    _legend_outside(ax, fontsize=7)
    if not own:
        return _finish(fig, _default_note(note, sa), fit=False)
    # The output's spread on a rank scale, padded by two ranks so that a tiny spread looks tiny.
    lo, hi = (float(y.min()), float(y.max())) if y.size else (0.0, 1.0)
    if target:
        bins = np.arange(math.floor(lo) - 0.5, math.ceil(hi) + 1.5)
    else:
        bins = np.linspace(lo, hi, 41) if hi > lo else np.array([lo - 0.05, lo + 0.05])
    ax2.hist(y, bins=bins, color="#7f7f7f")
    ax2.set_xlim(max(0.0, lo - 2.0), hi + 2.0)
    ax2.set_yticks([])
    ax2.set_xlabel(f"{output} (ranks)" if not target else f"{output}")
    ax2.axvline(mean, color="black", lw=1.0)
    ax2.set_title(_wrap(stmt, W - 1.2, 9.0), fontsize=9, color="#b00020" if barely else "black",
                  fontweight="bold" if barely else "normal", loc="left")
    return _finish(fig, _default_note(note, sa))


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    dpi : int
        Dots per inch.

    Returns
    -------
    bytes
    """
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


from ._plots_regional import beta_convergence_chart, dendrogram_chart, dispersion_chart, lorenz_chart  # noqa: E402
from ._plots_spatial import LISA_COLORS, dot_map, moran_scatterplot  # noqa: E402  (spatial charts)
