"""COINr's iMeta/iData tables (COINr 1.x, with COINr 0.x's ``Group_``/``Den_``/``x_`` prefixes).

iMeta has one row per column of iData plus one per aggregate: ``Level`` (1 = indicator),
``iCode``, ``iName``, ``Parent``, ``Direction``, ``Weight`` and ``Type`` (Indicator, Aggregate,
Group, Denominator, Other); iData has ``uCode`` (the unit code), optional ``uName`` and ``Time``,
and one column per iMeta row that is not an aggregate.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import DataError, SpecError
from ..framework import KNOWN_COLUMNS, Framework, read_text_csv

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Result

__all__ = ["CoinrIndex", "read_coinr", "write_coinr"]

#: iMeta column -> compindex metadata column (the iMeta ``Denominator`` column is mapped to
#: ``denominator`` only with ``denominate=True``, else kept as ``coinr_denominator``).
META_COLUMNS = {"iCode": "code", "iName": "name", "Parent": "parent", "Weight": "weight", "Direction": "direction",
                "Target": "target", "Unit": "unit"}
#: iMeta Type -> compindex node kind (other Types are columns of iData, not nodes).
NODE_TYPES = {"Indicator": "indicator", "Aggregate": "aggregate"}
COLUMN_TYPES = ("Group", "Denominator", "Other")
#: COINr 0.x marked iData columns by prefix instead of an iMeta row.
PREFIX_TYPES = {"Group_": "Group", "Den_": "Denominator", "x_": "Other"}
UNIT_COLUMNS = ("uCode", "uName", "Time")
_MISSING = ("", "NA", "NaN", "nan", "N/A", "n/a")


@dataclass
class CoinrIndex:
    """An index read from COINr's tables.

    Attributes
    ----------
    framework
        The tree: iMeta's Indicator and Aggregate rows.
    data
        Units x indicators (float), indexed by ``uCode`` (the index is named ``unit``).
    groups
        Units x the Group columns (text; ``Group_`` columns of COINr 0.x too); pass as
        ``compindex.score(..., groups=groups)``.
    denominators
        Units x the Denominator columns (float; ``Den_`` columns too).
    other
        Units x the Other columns (``x_`` columns too), kept as read (text).
    names
        ``uName`` by unit (empty if iData has none).
    time
        The ``Time`` value of the rows read (None without a Time column).
    columns
        The iMeta rows of the Group, Denominator and Other columns (iCode as index; iName, Type,
        Unit, ...), written back by :func:`write_coinr`.
    """

    framework: Framework
    data: pd.DataFrame
    groups: pd.DataFrame
    denominators: pd.DataFrame
    other: pd.DataFrame
    names: pd.Series
    time: Any = None
    columns: pd.DataFrame = field(default_factory=pd.DataFrame)

    def table(self) -> pd.DataFrame:
        """The data as compindex.score takes them: the indicators, and the denominator columns
        the framework divides by (with ``denominate=True``)."""
        used = sorted(set(self.framework.method_cells("denominator").values()))
        return self.data.join(self.denominators[used]) if used else self.data

    def score(self, **spec: Any) -> Result:
        """``compindex.score`` on this index, with its unit groups (and denominators when the
        framework uses them)."""
        from ..pipeline import score

        return score(self.framework, self.table(), groups=self.groups, source="iData", **spec)

    def write(self, out: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> tuple[Path, Path]:
        """Write the index back as iMeta and iData CSVs (see :func:`write_coinr`).

        Parameters
        ----------
        out : str or os.PathLike or pair of them
            A directory, or the (iMeta, iData) paths.

        Returns
        -------
        tuple of (pathlib.Path, pathlib.Path)
            The iMeta and iData paths.
        """
        return write_coinr(self.framework, self.data, out, groups=self.groups, denominators=self.denominators,
                           other=self.other, names=self.names, time=self.time, columns=self.columns)


def _read(table: Any, what: str) -> tuple[pd.DataFrame, str]:
    if isinstance(table, pd.DataFrame):
        return table.copy(), what
    path = os.fspath(table)
    return read_text_csv(path), path


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    t = str(v).strip()
    return "" if t in _MISSING else t


def _number(v: Any, where: str) -> float:
    t = _text(v)
    if t == "":
        return math.nan
    try:
        return float(t)
    except ValueError:
        raise DataError(f"{where}: {t!r} is not a number (write NA or leave the cell empty for a missing value)") from None


def read_coinr(imeta: Any, idata: Any, *, time: Any = None, denominate: bool = False) -> CoinrIndex:
    """An index from COINr's iMeta and iData tables (paths to CSV files or DataFrames).

    Parameters
    ----------
    imeta, idata
        COINr's tables (``new_coin(iData, iMeta)``), e.g. ``ASEM_iMeta`` and ``ASEM_iData``
        written with ``write.csv``. ``NA`` and empty cells are missing.
    time
        With a ``Time`` column holding several values (panel data): the value whose rows to read.
    denominate
        Map iMeta's ``Denominator`` column to compindex's ``denominator``, so that scoring divides
        those indicators by their denominators, as COINr's ``Denominate()`` does. Default: kept
        as the metadata column ``coinr_denominator`` (COINr applies it only when asked).

    Returns
    -------
    CoinrIndex
        with the framework (iMeta's Indicator and Aggregate rows: iCode -> code, iName -> name,
        Parent -> parent, Weight -> weight, Direction -> direction, Target -> target, Unit ->
        unit, every other column kept as metadata), the data, unit groups, denominators, other
        columns and unit names. ``Level`` is checked against the tree (COINr's rule: indicators
        at 1, every parent one level above its children) and not kept.
    """
    meta, msrc = _read(imeta, "iMeta")
    data, dsrc = _read(idata, "iData")
    row0 = 2 if isinstance(imeta, (str, os.PathLike)) else 1
    meta.columns = [str(c).strip() for c in meta.columns]
    for col in ("iCode", "Type"):
        if col not in meta.columns:
            raise SpecError(f"{msrc}: no {col!r} column (COINr's iMeta has Level, iCode, Parent, Direction, Weight, Type; "
                            f"columns are {', '.join(meta.columns)})")
    types = [_text(t) for t in meta["Type"]]
    for i, t in enumerate(types):
        if t not in NODE_TYPES and t not in COLUMN_TYPES:
            raise SpecError(f"{msrc}, row {i + row0}, column 'Type': {t!r} is not one of Indicator, Aggregate, Group, "
                            "Denominator, Other")
    is_node = np.array([t in NODE_TYPES for t in types])
    for col in ("Parent", "Weight", "Direction"):
        if col not in meta.columns:
            raise SpecError(f"{msrc}: no {col!r} column (COINr's iMeta needs it for Indicator and Aggregate rows)")
    for col in meta.columns:
        mapped = META_COLUMNS.get(col, "coinr_denominator" if col == "Denominator" else col)
        if col not in META_COLUMNS and col not in ("Level", "Type", "Denominator") and mapped in KNOWN_COLUMNS + ("kind",):
            raise SpecError(f"{msrc}: column {col!r} would clash with compindex's metadata column of that name "
                            "(rename it)")

    # The framework: Indicator and Aggregate rows.
    nodes = meta[is_node].reset_index(drop=True)
    rows = np.flatnonzero(is_node) + row0
    fw_meta = pd.DataFrame({"code": [_text(v) for v in nodes["iCode"]]})
    fw_meta["parent"] = [_text(v) for v in nodes["Parent"]]
    for col, target in (("Weight", "weight"), ("Direction", "direction")):
        cells = [_text(v) for v in nodes[col]]
        for k, c in enumerate(cells):
            if c == "":
                raise SpecError(f"{msrc}, row {rows[k]}, column {col!r}: node {fw_meta.at[k, 'code']!r} has no {col} "
                                "(COINr needs one for every indicator and aggregate)")
        fw_meta[target] = cells
    fw_meta["kind"] = [NODE_TYPES[_text(t)] for t in nodes["Type"]]
    for col in nodes.columns:
        if col in ("iCode", "Parent", "Weight", "Direction", "Type", "Level"):
            continue
        name = META_COLUMNS.get(col, col)
        if col == "Denominator":
            name = "denominator" if denominate else "coinr_denominator"
        fw_meta[name] = [_text(v) for v in nodes[col]]
    fw = Framework.from_frame(fw_meta, source=msrc if row0 == 1 else f"{msrc} (Indicator and Aggregate rows)")
    if "Level" in meta.columns:
        levels = fw.levels
        for k, code in enumerate(fw_meta["code"]):
            lv = _number(nodes.at[k, "Level"], f"{msrc}, row {rows[k]}, column 'Level'")
            if lv != levels[code]:
                raise SpecError(f"{msrc}, row {rows[k]}, column 'Level': node {code!r} has Level {_text(nodes.at[k, 'Level'])} "
                                f"but sits at level {levels[code]} of the tree (COINr: indicators at 1, each parent one "
                                "level above its children)")

    # iData: units, then the columns by their iMeta Type (or COINr 0.x prefix).
    data.columns = [str(c).strip() for c in data.columns]
    if "uCode" not in data.columns:
        raise DataError(f"{dsrc}: no 'uCode' column (COINr's unit codes); columns are {', '.join(data.columns)}")
    if "Time" in data.columns:
        times = [_text(t) for t in data["Time"]]
        distinct = list(dict.fromkeys(times))
        if time is None:
            if len(distinct) > 1:
                raise DataError(f"{dsrc}: panel data (Time takes {len(distinct)} values: {', '.join(distinct[:6])}); "
                                "pass time=... to read one of them")
            time_value: Any = distinct[0] if distinct else None
        else:
            time_value = _text(time)
            if time_value not in distinct:
                raise DataError(f"{dsrc}: no rows with Time {time_value} (Time takes {', '.join(distinct)})")
            data = data[[t == time_value for t in times]]
        time = _as_number(time_value)
    elif time is not None:
        raise DataError(f"{dsrc}: time={time!r} given but iData has no Time column")
    units = [str(u).strip() for u in data["uCode"]]  # unit codes stay text: "NA" is Namibia
    seen: dict[str, int] = {}
    for i, u in enumerate(units):
        if u == "":
            raise DataError(f"{dsrc}, row {i + 2}: empty uCode")
        if u in seen:
            raise DataError(f"{dsrc}, row {i + 2}: uCode {u!r} already appears in row {seen[u] + 2}")
        seen[u] = i
    index = pd.Index(units, name="unit")
    data = data.set_axis(index, axis=0)
    type_of = {_text(c): t for c, t in zip(meta["iCode"], types)}
    aggregates = [c for c in fw.codes if not fw.is_indicator(c)]
    by_type: dict[str, list[str]] = {"Indicator": [], "Group": [], "Denominator": [], "Other": []}
    for col in data.columns:
        if col in UNIT_COLUMNS:
            continue
        t = type_of.get(col) or next((v for p, v in PREFIX_TYPES.items() if col.startswith(p)), None)
        if t is None:
            raise DataError(f"{dsrc}: column {col!r} is not described in iMeta (add an iMeta row with its Type, or "
                            "name it Group_..., Den_... or x_...)")
        if t == "Aggregate" or col in aggregates:
            raise DataError(f"{dsrc}: column {col!r} is an aggregate of iMeta; aggregates are computed, not given")
        by_type[t].append(col)
    missing = [c for c in fw.indicators if c not in data.columns]
    if missing:
        raise DataError(f"{dsrc}: no column for indicator(s) {', '.join(map(repr, missing))} of iMeta")

    def numeric(cols: list[str]) -> pd.DataFrame:
        out = pd.DataFrame(index=index)
        for col in cols:
            out[col] = [_number(v, f"{dsrc}, row {i + 2}, column {col!r} (unit {u!r})")
                        for i, (u, v) in enumerate(zip(units, data[col]))]
        return out.astype(np.float64)

    values = numeric(fw.indicators)
    groups = pd.DataFrame({c: [_text(v) for v in data[c]] for c in by_type["Group"]}, index=index)
    dens = numeric(by_type["Denominator"])
    other = pd.DataFrame({c: [_text(v) for v in data[c]] for c in by_type["Other"]}, index=index)
    names = pd.Series([_text(v) for v in data["uName"]] if "uName" in data.columns else [""] * len(units),
                      index=index, name="uName")
    columns = meta[~is_node].copy()
    columns["iCode"] = [_text(v) for v in columns["iCode"]]
    columns = columns.set_index("iCode").drop(columns=[c for c in ("Level", "Parent", "Weight", "Direction")
                                                       if c in columns.columns])
    columns = _cells(columns, _text)
    if denominate:
        for code, d in fw.method_cells("denominator").items():
            if d not in dens.columns:
                raise SpecError(f"{msrc}: indicator {code!r} is divided by {d!r}, which is not a Denominator column of iData")
    return CoinrIndex(framework=fw, data=values, groups=groups, denominators=dens, other=other, names=names,
                      time=time, columns=columns)


def _as_number(t: Any) -> Any:
    try:
        f = float(t)
    except (TypeError, ValueError):
        return t
    return int(f) if f.is_integer() else f


def _fmt(v: Any) -> str:
    """A cell as COINr's CSVs hold it: NA for missing, numbers in shortest round-trip form."""
    if v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and math.isnan(v)):
        return "NA"
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return str(int(v)) if float(v).is_integer() and abs(v) < 2**53 else repr(float(v))
    t = str(v)
    return "NA" if t == "" else t


def write_coinr(framework: Framework, data: pd.DataFrame, out: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], *,
                groups: pd.DataFrame | None = None, denominators: pd.DataFrame | None = None,
                other: pd.DataFrame | None = None, names: pd.Series | Mapping[str, str] | None = None,
                time: Any = None, columns: pd.DataFrame | None = None) -> tuple[Path, Path]:
    """Write a framework and its data as COINr's iMeta and iData CSVs; returns their paths.

    ``out`` is a directory (``iMeta.csv`` and ``iData.csv`` are written there) or a pair of
    paths (iMeta, iData). ``data`` is indexed by unit (or has a ``unit`` column) with one column
    per indicator; text columns of ``data`` that are not indicators are written as Group columns,
    as are the columns of ``groups``; numeric columns of ``data`` that are not indicators are
    written as Other columns; ``denominators`` become Denominator columns, ``other``
    Other columns, ``names`` the uName column, ``time`` a Time column. ``columns`` (from
    :class:`CoinrIndex`) gives the iMeta rows of those columns (iName, Unit, ...).

    COINr needs every indicator at level 1 and every parent one level above its children; a tree
    of mixed depth (an indicator directly under a pillar's parent) is a SpecError naming the node.
    Missing values are written ``NA`` (R's ``read.csv`` reads them as missing).

    Parameters
    ----------
    framework : Framework
        The index tree.
    data : pandas.DataFrame
        The data, as above.
    out : str or os.PathLike or pair of them
        A directory, or the (iMeta, iData) paths.
    groups, denominators, other : pandas.DataFrame, optional
        Columns written as Group, Denominator and Other columns, indexed by unit.
    names : pandas.Series or mapping, optional
        Unit code to name (the uName column).
    time : optional
        A value written in a Time column.
    columns : pandas.DataFrame, optional
        iMeta rows of the extra columns (from :class:`CoinrIndex`).

    Returns
    -------
    tuple of (pathlib.Path, pathlib.Path)
        The iMeta and iData paths.

    Raises
    ------
    SpecError
        A tree COINr cannot represent (indicators not all at level 1).
    """
    from .._convert import unit_index

    fw = framework
    levels = fw.levels
    parents = fw.parents
    for code in fw.codes:
        if fw.is_ratio(code):
            raise SpecError(f"write_coinr: node {code!r} is a ratio node; COINr's iMeta has no ratio nodes")
        p = parents[code]
        if p and levels[p] != levels[code] + 1:
            raise SpecError(f"write_coinr: node {code!r} is at level {levels[code]} under {p!r} at level {levels[p]}; "
                            "COINr needs every parent one level above its children (indicators at level 1)")
    if isinstance(out, (str, os.PathLike)):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        meta_path, data_path = folder / "iMeta.csv", folder / "iData.csv"
    else:
        meta_path, data_path = (Path(p) for p in out)

    table = unit_index(data, "data")
    group_frame = pd.DataFrame(index=table.index)
    numeric_extra = pd.DataFrame(index=table.index)
    for col in table.columns:
        if col in fw.indicators:
            continue
        if pd.api.types.is_numeric_dtype(table[col]):
            numeric_extra[col] = table[col]  # written as an Other column
        else:
            group_frame[col] = table[col]
    if groups is not None:
        g = pd.DataFrame(groups).reindex(table.index)
        for col in g.columns:
            group_frame[str(col)] = g[col]
    dens = pd.DataFrame(denominators).reindex(table.index) if denominators is not None else pd.DataFrame(index=table.index)
    oth = pd.DataFrame(other).reindex(table.index) if other is not None else pd.DataFrame(index=table.index)
    for col in numeric_extra.columns:
        oth[col] = numeric_extra[col]
    cols = columns if columns is not None else pd.DataFrame()

    # iMeta: the nodes, then one row per Group, Denominator and Other column.
    m = fw.meta
    extra = [c for c in m.columns if c not in ("parent", "weight", "direction", "name", "kind", "target", "unit",
                                               "denominator", "coinr_denominator")]
    rows = []
    for code in fw.codes:
        den = _text(m.at[code, "denominator"]) if "denominator" in m.columns else ""
        if not den and "coinr_denominator" in m.columns:
            den = _text(m.at[code, "coinr_denominator"])
        # (the column order of COINr's own example tables)
        row = {"Level": int(levels[code]), "iCode": code, "iName": fw.names[code],
               "Direction": int(fw.directions[code]), "Weight": float(fw.weights[code]),
               "Unit": m.at[code, "unit"] if "unit" in m.columns else None,
               "Target": m.at[code, "target"] if "target" in m.columns else None,
               "Denominator": den or None, "Parent": parents[code] or None,
               "Type": "Indicator" if fw.is_indicator(code) else "Aggregate"}
        for c in extra:
            row[c] = m.at[code, c]
        rows.append(row)
    for frame, kind in ((group_frame, "Group"), (dens, "Denominator"), (oth, "Other")):
        for col in frame.columns:
            row = {"iCode": col, "Type": kind, "iName": col}
            if col in cols.index:
                row.update({k: v for k, v in cols.loc[col].items() if _text(v) and k not in ("Type",)})
            rows.append(row)
    imeta = pd.DataFrame(rows)
    for c in ("Unit", "Target", "Denominator"):
        if c in imeta.columns and all(_text(v) == "" for v in imeta[c]):
            imeta = imeta.drop(columns=c)

    idata = pd.DataFrame(index=table.index)
    if names is not None:
        idata["uName"] = pd.Series(names).reindex(table.index).to_numpy()
    idata["uCode"] = table.index
    for frame in (group_frame,):
        for col in frame.columns:
            idata[col] = frame[col].to_numpy()
    if time is not None:
        idata["Time"] = time
    for frame in (dens, oth):
        for col in frame.columns:
            idata[col] = frame[col].to_numpy()
    for col in fw.indicators:
        if col not in table.columns:
            raise DataError(f"write_coinr: data has no column for indicator {col!r}")
        idata[col] = table[col].to_numpy()
    try:
        _cells(imeta).to_csv(meta_path, index=False)
        _cells(idata).to_csv(data_path, index=False)
    except OSError as e:
        raise DataError(f"{e.filename or meta_path}: cannot write the file ({e.strerror or e})") from None
    return meta_path, data_path


def _cells(df: pd.DataFrame, f: Any = _fmt) -> pd.DataFrame:
    # DataFrame.map is pandas >= 2.1's name of applymap.
    return df.map(f) if hasattr(df, "map") else df.applymap(f)
