"""Charts of the regional comparison: the Lorenz curve, dispersion over years (sigma-convergence),
the beta-convergence scatter and the dendrogram of peer groups. Re-exported by
:mod:`compindex.plots`, whose conventions they follow (a new Figure without pyplot, ``note=``).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
from matplotlib.figure import Figure

from .analysis.convergence import BetaConvergence, SigmaConvergence
from .analysis.disparities import lorenz
from .analysis.peers import PeerGroups
from .errors import SpecError
from .plots import _default_note, _figure, _finish, _label, _legend_outside, _PALETTE

__all__ = ["beta_convergence_chart", "dendrogram_chart", "dispersion_chart", "lorenz_chart"]


def lorenz_chart(data: Any, *, node: str | None = None, weights: Any = None, title: str | None = None,
                 note: str | None = None) -> Figure:
    """The Lorenz curve of scores with the line of equality; the Gini is in the legend.

    Parameters
    ----------
    data
        A :class:`compindex.Result` (scores at ``node``, default the root) or a Series of
        values by unit.
    node
        The node of a Result.
    weights
        Population weights (see :func:`compindex.analysis.gini`).
    title
        The title (default "Lorenz curve of <node>").
    note
        A footnote in the image (default: the data's note, e.g. SIMULATED).

    Returns
    -------
    matplotlib.figure.Figure
        Two lines: the curve (one point per unit plus the origin) and the diagonal.
    """
    curve = lorenz(data, node=node, weights=weights)
    fig = _figure(5.5, 5.0)
    ax = fig.add_subplot()
    ax.plot(curve["population_share"], curve["score_share"], color=_PALETTE[0], lw=1.8, marker="o", ms=2.5,
            label=f"Lorenz curve (Gini = {curve.attrs['gini']:.3f})")
    ax.plot([0, 1], [0, 1], color="0.5", lw=1.0, ls="--", label="equality")
    ax.fill_between(curve["population_share"], curve["score_share"], curve["population_share"], color=_PALETTE[0], alpha=0.12)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("cumulative share of units" + (" (weighted)" if weights is not None else ""))
    ax.set_ylabel("cumulative share of the score")
    name = curve.attrs.get("node", "")
    ax.set_title(title or f"Lorenz curve of {name}")
    ax.legend(loc="upper left", fontsize=8)
    return _finish(fig, _default_note(note, data))


def dispersion_chart(sigma: SigmaConvergence, measure: str = "cv", *, from_zero: bool = True, title: str | None = None,
                     note: str | None = None) -> Figure:
    """Sigma-convergence: a dispersion measure by year (points joined by a line) and its OLS trend.

    Parameters
    ----------
    sigma
        The result of :func:`compindex.analysis.sigma_convergence`.
    measure
        One of its measures (default ``"cv"``).
    from_zero
        Start the vertical axis at 0 (default True), so that a small change looks small.
    title
        The title.
    note
        A footnote in the image.

    Returns
    -------
    matplotlib.figure.Figure
        Two lines: the measure by year (one marker per year) and the trend.
    """
    if not isinstance(sigma, SigmaConvergence):
        raise SpecError(f"dispersion_chart: expected a SigmaConvergence, got {type(sigma).__name__}")
    if measure not in sigma.by_year.columns or measure in ("n_units", "mean"):
        have = [c for c in sigma.by_year.columns if c not in ("n_units", "mean")]
        raise SpecError(f"dispersion_chart: no measure {measure!r} (measures: {', '.join(have)})")
    years = sigma.by_year.index.to_numpy(dtype=float)
    vals = sigma.by_year[measure].to_numpy(dtype=float)
    tr = sigma.trend.loc[measure]
    fig = _figure(6.0, 3.8)
    ax = fig.add_subplot()
    ax.plot(years, vals, color=_PALETTE[0], marker="o", lw=1.5, label=measure)
    x0 = years.mean()
    fit = vals.mean() + float(tr["slope"]) * (years - x0)
    p = "" if np.isnan(tr["p"]) else f", p = {tr['p']:.3f}"
    ax.plot(years, fit, color=_PALETTE[3], ls="--", lw=1.2, label=f"trend: {tr['slope']:+.4g} per year{p}")
    ax.set_xticks(years, [str(int(y)) for y in years])
    ax.set_xlabel("year")
    ax.set_ylabel(measure)
    if from_zero:
        ax.set_ylim(0, max(float(np.nanmax(vals)), float(np.nanmax(fit))) * 1.15)
    ax.set_title(title or f"Dispersion over years ({measure})")
    _legend_outside(ax, fontsize=8)
    return _finish(fig, _default_note(note, sigma.by_year))


def beta_convergence_chart(beta: BetaConvergence, *, names: Mapping[str, str] | None = None, label: int = 0,
                           title: str | None = None, note: str | None = None) -> Figure:
    """Beta-convergence: annual growth against the log of the initial score, one point per unit,
    with the fitted line (for a conditional model, at the mean of the other regressors).

    Parameters
    ----------
    beta
        The result of :func:`compindex.analysis.beta_convergence`.
    names
        Unit code -> name, for the labelled points.
    label
        Label this many units with the largest absolute residuals (default 0).
    title
        The title.
    note
        A footnote in the image.

    Returns
    -------
    matplotlib.figure.Figure
        One scatter (a point per unit) and one line (the fit).
    """
    if not isinstance(beta, BetaConvergence):
        raise SpecError(f"beta_convergence_chart: expected a BetaConvergence, got {type(beta).__name__}")
    d = beta.data
    fit = beta.fit
    x = d["log_y0"].to_numpy(dtype=float)
    fig = _figure(6.0, 4.5)
    ax = fig.add_subplot()
    ax.scatter(x, d["growth"], s=14, color=_PALETTE[0], alpha=0.8, label="units")
    others = [c for c in fit.params.index if c not in ("const", "log_y0")]
    base = float(fit.params["const"])
    for c in others:
        col = d[c] if c in d.columns else (d["group"] == c[len("group["):-1]).astype(float)
        base += float(fit.params[c]) * float(col.mean())
    xs = np.linspace(x.min(), x.max(), 50)
    ax.plot(xs, base + beta.beta * xs, color=_PALETTE[3], lw=1.5,
            label=f"beta = {beta.beta:.4f} (SE {beta.se:.4f}, {fit.cov_type}), R² = {fit.rsquared:.2f}")
    if label:
        resid = fit.resid.abs().sort_values(ascending=False).head(int(label))
        for u in resid.index:
            ax.annotate(_label(str(u), names), (d.at[u, "log_y0"], d.at[u, "growth"]), fontsize=7,
                        xytext=(3, 3), textcoords="offset points")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xlabel(f"ln(score in {beta.start})")
    ax.set_ylabel(f"average annual growth {beta.start}-{beta.end}")
    kind = "conditional" if beta.conditional else "absolute"
    ax.set_title(title or f"Beta-convergence ({kind}), {beta.start}-{beta.end}")
    _legend_outside(ax, fontsize=8)
    return _finish(fig, _default_note(note, beta.data))


def dendrogram_chart(peers: PeerGroups, *, names: Mapping[str, str] | None = None, title: str | None = None,
                     note: str | None = None) -> Figure:
    """The dendrogram of Ward's clustering (``scipy.cluster.hierarchy.dendrogram``), the
    branches coloured by the ``k`` clusters (leaves labelled by unit).

    Parameters
    ----------
    peers
        The result of :func:`compindex.analysis.peer_groups` with ``method="ward"``.
    names
        Unit code -> name for the leaf labels.
    title
        The title.
    note
        A footnote in the image.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from scipy.cluster.hierarchy import dendrogram

    if not isinstance(peers, PeerGroups) or peers.linkage is None:
        raise SpecError("dendrogram_chart: expected the PeerGroups of peer_groups(..., method='ward')")
    Z = peers.linkage
    units = list(peers.clusters.index)
    n = len(units)
    # the height that cuts the tree into k clusters: between the (n-k)-th and (n-k+1)-th merges
    h = Z[:, 2]
    cut = float((h[n - peers.k - 1] + h[n - peers.k]) / 2)
    fig = _figure(max(6.0, 0.14 * n + 1.5), 4.5, bottom=1.2)
    ax = fig.add_subplot()
    dendrogram(Z, ax=ax, labels=[_label(u, names) for u in units], color_threshold=cut, leaf_font_size=6,
               above_threshold_color="0.55")
    ax.axhline(cut, color="0.3", ls=":", lw=1.0)
    ax.set_ylabel("Ward distance" + (" (standardized profiles)" if peers.standardized else ""))
    ax.set_title(title or f"Peer groups: Ward's clustering into {peers.k} clusters")
    return _finish(fig, _default_note(note, peers.clusters))
