"""Spatial charts (re-exported by :mod:`compindex.plots`): the Moran scatterplot and a dot map of
units at their coordinates. No base map is downloaded: the dot map draws the units' positions on a
plain equirectangular plane whose x axis is shrunk by cos(mean latitude), so distances near the
mean latitude look right.

The conventions of :mod:`compindex.plots` apply (a new Figure without pyplot, ``note=``, legends
outside the data).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .errors import DataError, SpecError

__all__ = ["LISA_COLORS", "dot_map", "moran_scatterplot"]

#: Colours of the LISA classes (GeoDa's convention: red hot spots, blue cold spots).
LISA_COLORS = {"HH": "#d7191c", "LL": "#2c7bb6", "LH": "#abd9e9", "HL": "#fdae61", "ns": "#d3d3d3",
               "island": "#ffffff"}


def _plots() -> Any:
    from . import plots

    return plots


def moran_scatterplot(values: Any, weights: Any, node: str | None = None, *, lisa: pd.DataFrame | None = None,
                      labels: bool | Mapping[str, str] = False, title: str | None = None,
                      note: str | None = None) -> Figure:
    """The Moran scatterplot: each unit's standardized value against the spatial lag of it.

    The x axis is ``z`` (value minus mean, divided by the standard deviation with divisor n), the
    y axis ``lag = W z``; dashed lines at 0 split the four quadrants (HH top right, LL bottom
    left, LH top left, HL bottom right). The line through the origin has the least-squares slope
    ``sum z lag / sum z^2``, which equals Moran's I for row-standardized weights without islands.

    Parameters
    ----------
    values
        A :class:`compindex.Result` (scores of ``node``) or a Series indexed by unit.
    weights
        A :class:`compindex.analysis.SpatialWeights` on the same units.
    node
        The node, for a Result (default: the index).
    lisa
        The table of :func:`compindex.analysis.local_moran`: points are coloured by its
        ``cluster`` column (legend outside the axes).
    labels
        ``True`` writes each unit's code next to its point; a mapping writes the mapped labels.
    title
        The title (default: Moran's I and the node).
    note
        Footnote (default: the data's note, e.g. the SIMULATED label).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SpecError, DataError
        As :func:`compindex.analysis.moran`.
    """
    from .analysis.spatial import _values, moran

    p = _plots()
    y, node = _values(values, weights, node)
    m = moran(values, weights, node, permutations=0)
    z = (y - y.mean()) / y.std()
    lag = weights.lag(z).to_numpy()
    slope = float(z @ lag / (z @ z))
    fig = p._figure(6.0, 5.0)
    ax = fig.add_subplot(111)
    units = list(weights.units)
    if lisa is not None:
        if "cluster" not in lisa.columns:
            raise SpecError("lisa must be the table of compindex.analysis.local_moran (a 'cluster' column)")
        cl = lisa["cluster"].reindex(units).fillna("ns")
        for name, color in LISA_COLORS.items():
            mask = (cl == name).to_numpy()
            if mask.any():
                ax.scatter(z[mask], lag[mask], s=30, color=color, edgecolor="black", linewidth=0.5,
                           label=f"{name} ({int(mask.sum())})", zorder=3)
        p._legend_outside(ax, title="LISA cluster", fontsize=8)
    else:
        ax.scatter(z, lag, s=30, color="#1f77b4", edgecolor="black", linewidth=0.5, zorder=3)
    lo, hi = float(min(z.min(), -1)), float(max(z.max(), 1))
    xs = np.array([lo, hi])
    same = abs(slope - m.I) < 1e-9
    ax.plot(xs, slope * xs, color="#b00020", lw=1.5, zorder=2,
            label=f"slope = Moran's I = {m.I:.3f}" if same else f"slope {slope:.3f} (Moran's I = {m.I:.3f})")
    ax.axhline(0, color="grey", ls="--", lw=0.8, zorder=1)
    ax.axvline(0, color="grey", ls="--", lw=0.8, zorder=1)
    if labels:
        for u, a, b in zip(units, z, lag):
            text = labels.get(u, u) if isinstance(labels, Mapping) else u
            ax.annotate(str(text), (a, b), xytext=(3, 3), textcoords="offset points", fontsize=7)
    ax.set_xlabel(f"{node or 'value'} (standardized)")
    ax.set_ylabel("spatial lag")
    what = f" of {node}" if node else ""
    ax.set_title(title if title is not None else f"Moran scatterplot{what}: I = {m.I:.3f} (E[I] = {m.expected:.3f})",
                 fontsize=10)
    ax.text(0.02, 0.98, "slope line: " + ("Moran's I" if same else f"{slope:.3f}"), transform=ax.transAxes,
            fontsize=8, va="top", color="#b00020")
    return p._finish(fig, p._default_note(note, values))


def dot_map(coords: pd.DataFrame, values: pd.Series | None = None, *, classes: pd.Series | None = None,
            labels: bool | Mapping[str, str] = False, cmap: str = "viridis", size: float = 40.0,
            title: str | None = None, note: str | None = None) -> Figure:
    """A dot map: each unit at its longitude and latitude, coloured by a score or by a class.

    No base map is drawn (nothing is downloaded). The axes are longitude and latitude in degrees
    with the aspect ratio ``1 / cos(mean latitude)``, so that east-west and north-south distances
    have the same scale near the mean latitude.

    Parameters
    ----------
    coords
        Indexed by unit, with ``latitude`` and ``longitude`` columns (e.g.
        :func:`compindex.datasets.load_pii_coordinates`).
    values
        Numbers by unit: colour scale ``cmap`` with a colorbar. Units of ``coords`` without a
        value are drawn as hollow grey dots ("no value").
    classes
        Categories by unit instead of ``values`` (e.g. the ``cluster`` column of
        :func:`compindex.analysis.local_moran`, or a region): one colour per class with a legend
        outside the axes; LISA classes get their conventional colours.
    labels
        ``True`` writes the unit codes next to the dots; a mapping writes mapped labels.
    cmap
        Matplotlib colormap name for ``values``.
    size
        Dot area in points squared.
    title
        The title.
    note
        Footnote (default: the note of ``values``/``classes``, e.g. the SIMULATED label).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    SpecError
        Neither or both of ``values`` and ``classes``, coordinates without latitude/longitude.
    DataError
        A unit with a value but no coordinates (named), or missing coordinates.
    """
    from .analysis.spatial import _LAT, _LON, _column

    p = _plots()
    if (values is None) == (classes is None):
        raise SpecError("dot_map: pass exactly one of values= (numbers) or classes= (categories)")
    lat_c, lon_c = _column(coords, _LAT), _column(coords, _LON)
    if lat_c is None or lon_c is None:
        raise SpecError(f"dot_map: coordinates need columns 'latitude' and 'longitude' (got {list(coords.columns)})")
    units = [str(u) for u in coords.index]
    lat = pd.to_numeric(coords[lat_c], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(coords[lon_c], errors="coerce").to_numpy(dtype=float)
    bad = [u for u, a, b in zip(units, lat, lon) if not (math.isfinite(a) and math.isfinite(b))]
    if bad:
        raise DataError(f"dot_map: unit(s) without coordinates: {', '.join(bad)}")
    data = values if values is not None else classes
    series = pd.Series(list(data), index=[str(u) for u in data.index])
    known = set(units)
    extra = [u for u in series.index if u not in known]
    if extra:
        raise DataError(f"dot_map: unit(s) without coordinates: {', '.join(extra)}")
    series = series.reindex(units)
    mean_lat = float(np.mean(lat))
    span_x = (lon.max() - lon.min()) * math.cos(math.radians(mean_lat)) + 1e-9
    span_y = lat.max() - lat.min() + 1e-9
    height = 7.0
    width = min(max(height * span_x / span_y, 3.5), 12.0)
    fig = p._figure(width + 1.2, height)
    ax = fig.add_subplot(111)
    ax.set_aspect(1.0 / math.cos(math.radians(mean_lat)), adjustable="datalim")
    if values is not None:
        v = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        has = np.isfinite(v)
        sc = ax.scatter(lon[has], lat[has], c=v[has], cmap=cmap, s=size, edgecolor="black", linewidth=0.5, zorder=3)
        fig.colorbar(sc, ax=ax, shrink=0.7, label=str(getattr(values, "name", "") or "value"))
        if (~has).any():
            ax.scatter(lon[~has], lat[~has], s=size, facecolor="none", edgecolor="grey", linewidth=0.8, zorder=3)
            ax.legend(handles=[Line2D([], [], marker="o", ls="", markerfacecolor="none", markeredgecolor="grey",
                                      label=f"no value ({int((~has).sum())})")], loc="lower left", fontsize=8)
    else:
        cats = series.fillna("no class").astype(str)
        order = [c for c in LISA_COLORS if c in set(cats)] + sorted(set(cats) - set(LISA_COLORS))
        palette = p._PALETTE
        k = 0
        for c in order:
            if c in LISA_COLORS:
                color = LISA_COLORS[c]
            else:
                color = palette[k % len(palette)]
                k += 1
            mask = (cats == c).to_numpy()
            ax.scatter(lon[mask], lat[mask], s=size, color=color, edgecolor="black", linewidth=0.5, zorder=3,
                       label=f"{c} ({int(mask.sum())})")
        p._legend_outside(ax, title=str(getattr(classes, "name", "") or "class"), fontsize=8)
    if labels:
        for u, a, b in zip(units, lon, lat):
            text = labels.get(u, u) if isinstance(labels, Mapping) else u
            ax.annotate(str(text), (a, b), xytext=(3, 2), textcoords="offset points", fontsize=6)
    ax.set_xlabel("longitude (degrees E)")
    ax.set_ylabel("latitude (degrees N)")
    ax.grid(True, color="#eeeeee", lw=0.6, zorder=0)
    if title:
        ax.set_title(title, fontsize=10)
    return p._finish(fig, p._default_note(note, data))
