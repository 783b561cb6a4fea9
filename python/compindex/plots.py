"""Charts of a scored index (matplotlib). Each function returns a new
:class:`matplotlib.figure.Figure` built without pyplot (no global state, no open-figure limit,
any backend: it renders with Agg), so it works in scripts, tests and notebooks alike. Save one
with ``fig.savefig("chart.png")``; a notebook displays it as the cell's value (after
``%matplotlib inline``). ``note="SIMULATED data"`` writes a footnote into the image itself.
"""

from __future__ import annotations

import textwrap
from typing import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .analysis import _check_node, _check_unit, _group_labels, pillars
from .errors import SpecError
from .pipeline import Result

__all__ = ["correlation_heatmap", "figure_png", "profile_chart", "rank_heatmap", "ranking_chart"]

_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
            "#17becf"]


def _figure(width: float, height: float, *, left: float = 0.8, right: float = 0.3, bottom: float = 0.6,
            top: float = 0.45) -> Figure:
    # Fixed margins in inches (no constrained layout: laying out hundreds of tick labels is slow).
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height)
    return fig


def _note(fig: Figure, note: str | None) -> Figure:
    # A footnote in the bottom-right corner (e.g. "SIMULATED data"), so the label travels with the image.
    if note:
        fig.text(0.995, 0.005, note, ha="right", va="bottom", fontsize=9, color="#b00020", fontweight="bold")
    return fig


def _label(unit: str, names: Mapping[str, str] | None) -> str:
    return f"{names[unit]} ({unit})" if names and unit in names else str(unit)


def ranking_chart(result: Result, *, node: str | None = None, group: str | None = None, top: int | None = None,
                  highlight: str | Sequence[str] | None = None, names: Mapping[str, str] | None = None,
                  title: str | None = None, note: str | None = None) -> Figure:
    """Horizontal bars of the scores at ``node`` (default the root), best first, one bar per
    ranked unit (or the ``top`` best), coloured by the unit-group column ``group``; the units in
    ``highlight`` get a thick black edge."""
    fw = result.framework
    node = _check_node(fw, node)
    s = result.scores[node].dropna().sort_values(ascending=False, kind="stable")
    if top is not None:
        s = s.head(int(top))
    if s.empty:
        raise SpecError(f"ranking_chart: no unit has a {node!r} score")
    hl = {highlight} if isinstance(highlight, str) else set(highlight or ())
    colors = [_PALETTE[0]] * len(s)
    handles = []
    if group is not None:
        labels = _group_labels(result, group).reindex(s.index)
        cats = list(dict.fromkeys(sorted(v for v in labels if v)))
        cmap = {c: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(cats)}
        colors = [cmap.get(v, "#cccccc") for v in labels]
        handles = [Patch(color=cmap[c], label=c) for c in cats]
    labels_text = [_label(u, names) for u in s.index]
    fig = _figure(8.0, max(2.5, 0.2 * len(s) + 1.1), left=0.25 + 0.065 * max(len(t) for t in labels_text))
    ax = fig.add_subplot()
    y = np.arange(len(s))
    bars = ax.barh(y, s.to_numpy(), color=colors)
    for b, u in zip(bars, s.index):
        if u in hl:
            b.set_edgecolor("black")
            b.set_linewidth(2.0)
    ax.set_yticks(y, labels_text, fontsize=7 if len(s) > 30 else 9)
    ax.invert_yaxis()
    ax.set_xlabel(f"{fw.names[node]} score")
    ax.set_title(title or f"Ranking on {fw.names[node]}")
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=7, title=group, title_fontsize=8)
    return _note(fig, note)


def profile_chart(result: Result, unit: str, *, group: str | None = None, nodes: Sequence[str] | None = None,
                  names: Mapping[str, str] | None = None, title: str | None = None,
                  note: str | None = None) -> Figure:
    """A unit's scores on the pillars (or ``nodes``) against the mean and the leader of its group
    (``group`` given) or of all units: grouped bars, three per pillar (unit, mean, leader). The
    leader is the unit ranked first on the root; when that is the unit itself, the national leader
    (or, for the national leader, the runner-up) is shown instead."""
    fw = result.framework
    unit = _check_unit(result, unit)
    nodes = list(nodes) if nodes is not None else pillars(fw)
    for c in nodes:
        _check_node(fw, c)
    members = result.units
    where = "all units"
    if group is not None:
        labels = _group_labels(result, group)
        if not labels[unit]:
            raise SpecError(f"unit {unit!r} has no {group!r} label")
        members = labels.index[labels == labels[unit]]
        where = labels[unit]
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
    lead_label = f"{_label(leader, names)}, " + ("runner-up" if lead_of == "runner-up" else f"leader of {lead_of}")
    series = [(_label(unit, names), result.scores.loc[unit, nodes].to_numpy(dtype=float)),
              (f"mean of {where}", s[nodes].mean().to_numpy(dtype=float)),
              (lead_label, result.scores.loc[leader, nodes].to_numpy(dtype=float))]
    fig = _figure(max(6.0, 1.0 * len(nodes) + 2.0), 4.8, bottom=1.0)
    ax = fig.add_subplot()
    x = np.arange(len(nodes))
    w = 0.27
    for k, (lab, vals) in enumerate(series):
        ax.bar(x + (k - 1) * w, vals, w, label=lab, color=_PALETTE[k])
    ax.set_xticks(x, [c + "\n" + "\n".join(textwrap.wrap(fw.names[c], 16, max_lines=3, placeholder="…")) for c in nodes],
                  fontsize=7)
    ax.set_ylabel("score")
    ax.set_title(title or f"Profile of {_label(unit, names)}")
    ax.legend(fontsize=7, loc="upper right")
    return _note(fig, note)


def rank_heatmap(result: Result, *, units: Sequence[str] | None = None, indicators: Sequence[str] | None = None,
                 names: Mapping[str, str] | None = None, title: str | None = None,
                 note: str | None = None) -> Figure:
    """Ranks as a heat map: one row per unit (default all, by overall rank), one column per
    indicator (default all, framework order); darker is better, amber cells have no rank."""
    fw = result.framework
    if units is None:
        units = list(result.ranking().index)
    else:
        units = [_check_unit(result, u) for u in units]
    cols = list(indicators) if indicators is not None else fw.indicators
    for c in cols:
        _check_node(fw, c)
    r = result.ranks.loc[units, cols].astype("float64").to_numpy(dtype=float, na_value=np.nan)
    ylabels = [_label(u, names) for u in units]
    width = max(6.0, 0.16 * len(cols) + 3.0)
    fig = _figure(width, max(3.0, 0.16 * len(units) + 1.6), left=0.25 + 0.055 * max(map(len, ylabels)), right=1.3,
                  bottom=0.4 + 0.055 * max(map(len, cols)))
    ax = fig.add_subplot()
    cmap = ListedColormap(_blues(256)).with_extremes(bad="#f2b134")  # amber: no rank
    im = ax.imshow(np.ma.masked_invalid(r), aspect="auto", cmap=cmap, interpolation="nearest")
    ax.set_xticks(np.arange(len(cols)), cols, rotation=90, fontsize=6)
    ax.set_yticks(np.arange(len(units)), ylabels, fontsize=6)
    fig.colorbar(im, ax=ax, label="rank (1 = best)", shrink=0.6, fraction=0.04, pad=0.02)
    ax.set_title(title or "Indicator ranks (amber: no rank)")
    return _note(fig, note)


def _blues(n: int) -> list[tuple[float, float, float]]:
    # Dark (rank 1) to light (last rank).
    t = np.linspace(0.0, 1.0, n)
    return [(0.03 + 0.9 * v, 0.19 + 0.75 * v, 0.42 + 0.55 * v) for v in t]


def correlation_heatmap(result: Result, *, nodes: str | Sequence[str] | None = None, method: str = "pearson",
                        title: str | None = None, note: str | None = None) -> Figure:
    """Correlations between the scores of ``nodes`` (default every indicator; an aggregate's code
    means its children), pairwise over units with both scores, as a heat map from −1 to 1."""
    from . import _core

    fw = result.framework
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
    margin = 0.3 + 0.06 * max(map(len, cols))
    side = max(2.5, 0.17 * len(cols))
    fig = _figure(side + margin + 1.5, side + margin + 0.5, left=margin, right=1.5, bottom=margin)
    ax = fig.add_subplot()
    im = ax.imshow(np.ma.masked_invalid(c), vmin=-1.0, vmax=1.0, cmap="RdBu_r", interpolation="nearest")
    fs = 6 if len(cols) > 20 else 8
    ax.set_xticks(np.arange(len(cols)), cols, rotation=90, fontsize=fs)
    ax.set_yticks(np.arange(len(cols)), cols, fontsize=fs)
    fig.colorbar(im, ax=ax, label=f"{method} correlation", shrink=0.6, fraction=0.05, pad=0.03)
    ax.set_title(title or f"Correlations ({method})")
    return _note(fig, note)


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
