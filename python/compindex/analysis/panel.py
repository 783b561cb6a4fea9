"""Years: scoring a panel of years, changes between years, merging units."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import _core
from .._convert import to_dataset
from ..errors import DataError, SpecError
from ..framework import Framework
from ..pipeline import Result, make_spec, score
from ._common import _check_node


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
        """The years scored, in order."""
        return sorted(self)

    def scores(self, node: str | None = None) -> pd.DataFrame:
        """Units x years: the scores at a node (default the root).

        Parameters
        ----------
        node : str, optional
            A node's code (default: the root).

        Returns
        -------
        pandas.DataFrame
        """
        node = _check_node(self.framework, node)
        return pd.DataFrame({y: self[y].scores[node] for y in self.years})

    def ranks(self, node: str | None = None) -> pd.DataFrame:
        """Units x years: the ranks at a node (default the root), within each year.

        Parameters
        ----------
        node : str, optional
            A node's code (default: the root).

        Returns
        -------
        pandas.DataFrame
        """
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
    Each year's :class:`~compindex.Result` keeps the pooled treatment report and diagnostics.

    ``groups`` (indexed by unit), ``ignore``, ``source`` (the data's name in messages) and
    ``**spec`` are as in :func:`compindex.score`.

    Parameters
    ----------
    framework : Framework
        The index tree.
    data : pandas.DataFrame
        The data of every year, with a ``year`` column.
    year : str
        The name of the year column.
    pooled : bool
        Score the years together (True) or each on its own (False).
    groups : DataFrame or mapping, optional
        Extra unit-group labels.
    ignore : sequence of str
        Columns of ``data`` to leave out.
    source : str
        What to call the data in error messages.
    **spec
        The pipeline, as in :func:`compindex.score`.

    Returns
    -------
    Panel
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

    Parameters
    ----------
    results : mapping of int to Result
        Year to its result: a :class:`Panel`, or a dict of :func:`compindex.score` results.
    from_year, to_year : int
        The two years compared.
    nodes : iterable of str, optional
        The nodes reported (default: every node).

    Returns
    -------
    pandas.DataFrame
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
    how : str
        ``"mean"``, ``"weighted"`` or ``"sum"`` (see above).
    weights : mapping or pandas.Series, optional
        Old unit to weight, for ``how="weighted"``.
    year : str
        The name of the year column, when the data have one.
    how_by_indicator : mapping of str to str, optional
        Column to its own method (overriding ``how``).

    Returns
    -------
    pandas.DataFrame
        Indexed by new unit (order of first appearance), with ``attrs["members"]`` (new unit
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
