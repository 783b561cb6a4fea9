"""Excel workbooks: the framework and the data from one ``.xlsx`` file, the results into another.

openpyxl is imported lazily (the ``excel`` extra); every text cell written goes through a formula
guard, so a unit named ``=HYPERLINK(...)`` is stored as text, never as a formula.
"""

from __future__ import annotations

import math
import os
import re
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from .._safe_text import FORMULA_START
from ..errors import DataError, Error
from ..framework import Framework

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Result

__all__ = ["read_data_sheet", "read_meta_sheet", "read_workbook", "split_sheet", "write_results", "write_table",
           "write_workbook"]

#: Text beginning with one of these is a formula to a spreadsheet program (OWASP's CSV-injection
#: list; one list for CSV files and workbooks, in compindex._safe_text). A workbook keeps the text
#: exact and marks the cell as text instead of adding a quote.
FORMULA_PREFIXES = FORMULA_START

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML (and so .xlsx) cannot hold


class MissingDependency(Error, ImportError):
    """An optional dependency (openpyxl) is not installed."""


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise MissingDependency("reading and writing .xlsx workbooks needs openpyxl: pip install compindex[excel] "
                                "(or pip install openpyxl)") from None
    return openpyxl


def is_workbook(path: str | os.PathLike[str]) -> bool:
    """Whether a path (possibly ``book.xlsx:SHEET``) names an .xlsx workbook.

    Parameters
    ----------
    path : str or os.PathLike
        A file path, possibly with a ``:SHEET`` suffix.

    Returns
    -------
    bool
    """
    return split_sheet(path)[0].lower().endswith((".xlsx", ".xlsm", ".xls"))


def split_sheet(path: str | os.PathLike[str]) -> tuple[str, str | None]:
    """``book.xlsx:SHEET`` -> (``book.xlsx``, ``SHEET``); any other path -> (path, None).

    Parameters
    ----------
    path : str or os.PathLike
        A file path, possibly with a ``:SHEET`` suffix.

    Returns
    -------
    tuple of (str, str or None)
    """
    text = os.fspath(path)
    m = re.fullmatch(r"(.+\.xls[xm]?):([^:/\\]+)", text, re.IGNORECASE)
    if m and not os.path.exists(text):
        return m.group(1), m.group(2)
    return text, None


# -- reading -------------------------------------------------------------------------------------
def _cell_text(v: Any) -> str:
    """A cell as the text a CSV would hold: integers without '.0', floats in shortest round-trip form."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    return str(v).strip()


def _load_sheet(path: str, sheet: str) -> tuple[list[str], list[tuple[Any, ...]], str]:
    """Header and rows of a sheet (values as Excel saved them), and the source text for errors.

    A formula cell without a saved value (a workbook written by a program that does not compute
    formulas) is an error naming the cell, never a silent missing value."""
    openpyxl = _openpyxl()
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file")
    if path.lower().endswith(".xls"):
        raise DataError(f"{path}: the old .xls format is not read; save the workbook as .xlsx (Excel Workbook)")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # zipfile.BadZipFile, KeyError, InvalidFileException, ...
        raise DataError(f"{path}: cannot read it as an .xlsx workbook ({type(e).__name__}: {e})") from None
    try:
        if sheet not in wb.sheetnames:
            raise DataError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(map(repr, wb.sheetnames))})")
        rows = [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
    source = f"{path}, sheet {sheet!r}"
    while rows and all(_cell_text(v) == "" for v in rows[-1]):
        rows.pop()  # trailing empty rows (formatting Excel keeps) are not data
    if not rows:
        raise DataError(f"{source}: the sheet is empty (expected a header row)")
    header = [_cell_text(v) for v in rows[0]]
    while header and header[-1] == "" and all(len(r) < len(header) or _cell_text(r[len(header) - 1]) == "" for r in rows):
        header.pop()  # trailing columns with neither a header nor a value
    body = [tuple(r[: len(header)]) + (None,) * (len(header) - len(r)) for r in rows[1:]]
    for j, name in enumerate(header):
        if name == "":
            raise DataError(f"{source}, column {_letter(j)}: no header (name the column in row 1 or delete it)")
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        if name in seen:
            raise DataError(f"{source}: duplicate column {name!r} in the header (columns {_letter(seen[name])} and {_letter(j)})")
        seen[name] = j
    _check_formulas(path, sheet, source, header, body)
    return header, body, source


def _check_formulas(path: str, sheet: str, source: str, header: list[str], body: list[tuple[Any, ...]]) -> None:
    # Only when some cell read empty: look for formulas whose value was never saved.
    if not any(v is None for r in body for v in r):
        return
    openpyxl = _openpyxl()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for i, r in enumerate(wb[sheet].iter_rows(min_row=2, max_row=len(body) + 1, max_col=len(header), values_only=True)):
            for j, v in enumerate(r):
                if isinstance(v, str) and v.startswith("=") and body[i][j] is None:
                    raise DataError(f"{source}, row {i + 2}, column {header[j]!r}: the formula {v!r} has no saved value "
                                    "(open and save the workbook in Excel or LibreOffice, or write the value)")
    finally:
        wb.close()


def _letter(j: int) -> str:
    s, n = "", j + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def read_meta_sheet(path: str | os.PathLike[str], sheet: str = "meta") -> Framework:
    """A framework from a workbook's metadata sheet (the columns of a metadata CSV, see
    :meth:`compindex.Framework.from_frame`). Errors name the workbook, the sheet, the row (as
    Excel numbers it) and the column.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook (``.xlsx``).
    sheet : str
        The sheet's name.

    Returns
    -------
    Framework
    """
    path = os.fspath(path)
    header, body, source = _load_sheet(path, sheet)
    df = pd.DataFrame([[_cell_text(v) for v in r] for r in body], columns=header, dtype=object)
    return Framework.from_frame(df, source=source)


def read_data_sheet(path: str | os.PathLike[str], sheet: str = "data") -> pd.DataFrame:
    """A workbook's data sheet: a ``unit`` column (read as text: ``1`` and ``001`` stay as
    Excel shows them only if the cells are formatted as text) and one column per indicator.

    Numbers stay numbers; text stays text (a non-numeric column is a unit group, a text cell in an
    indicator column is reported by :func:`compindex.score` with its row and column); empty cells
    are missing. The returned table has a ``unit`` column, like the CSV reader's.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook (``.xlsx``).
    sheet : str
        The sheet's name.

    Returns
    -------
    pandas.DataFrame
    """
    path = os.fspath(path)
    header, body, source = _load_sheet(path, sheet)
    if "unit" not in header:
        raise DataError(f"{source}: no 'unit' column (the unit codes); columns are {', '.join(header)}")
    cols: dict[str, Any] = {}
    for j, name in enumerate(header):
        values = [r[j] for r in body]
        if name == "unit":
            cols[name] = [_cell_text(v) for v in values]
            continue
        cleaned = [None if v is None or (isinstance(v, str) and v.strip() == "") else v for v in values]
        if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in cleaned):
            cols[name] = np.array([np.nan if v is None else float(v) for v in cleaned], dtype=np.float64)
        else:
            cols[name] = pd.Series([v.strip() if isinstance(v, str) else v for v in cleaned], dtype=object).to_numpy()
    return pd.DataFrame(cols)


def read_workbook(path: str | os.PathLike[str], meta_sheet: str = "meta", data_sheet: str = "data") -> tuple[Framework, pd.DataFrame]:
    """The framework and the data from one workbook: ``meta_sheet`` holds the metadata (one row
    per node, the columns of a metadata CSV), ``data_sheet`` the data (a ``unit`` column and one
    column per indicator). Score them with ``compindex.score(fw, data, source=...)``.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook (``.xlsx``).
    meta_sheet, data_sheet : str
        The sheets' names.

    Returns
    -------
    tuple of (Framework, pandas.DataFrame)
    """
    return read_meta_sheet(path, meta_sheet), read_data_sheet(path, data_sheet)


# -- writing -------------------------------------------------------------------------------------
def _put(ws: Any, row: int, col: int, value: Any, openpyxl: Any) -> Any:
    """Write one cell: numbers as numbers (NaN and <NA> as an empty cell), everything else as
    text through the formula guard."""
    cell = ws.cell(row=row, column=col)
    if value is None or value is pd.NA or value is pd.NaT:
        return cell
    if isinstance(value, (bool, np.bool_)):
        cell.value = bool(value)
        return cell
    if isinstance(value, (int, np.integer)):
        cell.value = int(value)
        return cell
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return cell
        if not math.isfinite(value):
            _put_text(cell, str(value))
            return cell
        x = float(value)
        cell.value = x
        if float("%.16g" % x) != x:
            # openpyxl writes numbers with 16 significant digits, which loses the last bit of
            # some doubles; the cell then holds the shortest text that reads back as the same
            # double (still a number cell: openpyxl writes a text value of a number cell as is).
            cell._value = repr(x)
        return cell
    if str(value) != "":  # an empty text is an empty cell
        _put_text(cell, str(value))
    return cell


def _put_text(cell: Any, text: str) -> None:
    # openpyxl stores a string beginning with '=' as a formula; the guard forces the string type
    # (written to the shared strings, read back as text) and sets Excel's quote prefix, so the
    # cell stays text even when a user edits it.
    text = _ILLEGAL.sub("", text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def _write_table(wb: Any, title: str, df: pd.DataFrame, openpyxl: Any, *, index: bool = True,
                 second_header: list[str] | None = None) -> Any:
    """A sheet from a table: a bold, frozen header row (and an optional second row, e.g. node
    names under node codes), the index as the first column, columns sized to their contents."""
    ws = wb.create_sheet(title)
    bold = openpyxl.styles.Font(bold=True)
    italic = openpyxl.styles.Font(italic=True)
    cols = ([str(df.index.name or "")] if index else []) + [str(c) for c in df.columns]
    widths = [len(c) for c in cols]
    for j, c in enumerate(cols, start=1):
        _put(ws, 1, j, c, openpyxl).font = bold
    first = 2
    if second_header is not None:
        row = ([""] if index else []) + list(second_header)
        for j, c in enumerate(row, start=1):
            _put(ws, 2, j, c, openpyxl).font = italic
            widths[j - 1] = max(widths[j - 1], len(str(c)))
        first = 3
    values = df.astype(object).where(pd.notna(df), None).to_numpy() if len(df.columns) else np.empty((len(df), 0))
    for i, (key, row) in enumerate(zip(df.index, values)):
        r = first + i
        cells = ([key] if index else []) + list(row)
        for j, v in enumerate(cells, start=1):
            _put(ws, r, j, v, openpyxl)
            if v is not None:
                n = len(f"{v:.4f}") if isinstance(v, float) else len(str(v))
                widths[j - 1] = max(widths[j - 1], n)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width = min(max(w + 2, 8), 60)
    ws.freeze_panes = ws.cell(row=first, column=2 if index else 1)
    return ws


def _node_names(fw: Framework) -> list[str] | None:
    names = fw.names
    return list(names) if any(n != c for c, n in names.items()) else None


def write_results(result: Result, path: str | os.PathLike[str], *, unit: str | None = None, group: str | None = None,
                  by: str | None = None, names: Mapping[str, str] | None = None, top: int = 10) -> str:
    """Write a scored index to an ``.xlsx`` workbook and return the path.

    Sheets: ``ranking`` (:meth:`Result.ranking <compindex.Result.ranking>`, with the units' ``names`` when given),
    ``scores`` and ``ranks`` (units x nodes: row 1 the node codes, row 2 their names when the
    framework has names), ``nodes`` (the framework: level, parent, weight, effective weight and
    every metadata column) and ``method`` (the keywords of the run). With ``unit``: ``profile``
    (:func:`compindex.analysis.unit_profile`: every node's score, rank, rank in ``group``),
    ``weakest`` (the unit's indicators, grouped by the metadata column ``by``, weakest group
    first, worst rank first within a group; without ``by``, the ``top`` worst ranked) and, with
    ``by``, ``weakest_by_group`` (one row per value of ``by``). ``by`` defaults to
    ``lead_agency`` when the framework has that column.

    Every text cell is written as text, never as a formula (a unit named ``=HYPERLINK(...)``
    stays that text).

    Parameters
    ----------
    result : Result
        A scored index.
    path : str or os.PathLike
        The workbook to write.
    unit : str, optional
        A unit whose profile sheets are added.
    group : str, optional
        A unit-group column, for the profile's rank within the group.
    by : str, optional
        A metadata column grouping the unit's weakest indicators.
    names : mapping of str to str, optional
        Unit code to display name.
    top : int
        How many weakest indicators, without ``by``.

    Returns
    -------
    str
        The path written.
    """
    from .. import analysis as an

    openpyxl = _openpyxl()
    import openpyxl.styles  # noqa: F401  (submodules used by _write_table)
    import openpyxl.utils  # noqa: F401

    path = os.fspath(path)
    fw = result.framework
    names = dict(names or {})
    wb = openpyxl.Workbook()
    wb.remove(wb.active)

    rk = result.ranking()
    if names:
        rk.insert(0, "name", [names.get(str(u), "") for u in rk.index])
    rk.index.name = "unit"
    _write_table(wb, "ranking", rk, openpyxl)
    node_names = _node_names(fw)
    scores = result.scores.copy()
    scores.index.name = "unit"
    _write_table(wb, "scores", scores, openpyxl, second_header=node_names)
    ranks = result.ranks.copy()
    ranks.index.name = "unit"
    _write_table(wb, "ranks", ranks, openpyxl, second_header=node_names)
    nodes = fw.to_frame()
    nodes.index.name = "code"
    _write_table(wb, "nodes", nodes, openpyxl)
    method = pd.DataFrame({"value": [str(v) for v in result.spec.values()]},
                          index=pd.Index([str(k) for k in result.spec], name="keyword"))
    _write_table(wb, "method", method, openpyxl)

    if unit is not None:
        if by is None and "lead_agency" in fw.meta.columns:
            by = "lead_agency"
        prof = an.unit_profile(result, unit, by=by, group=group)
        table = prof.table.copy()
        _write_table(wb, "profile", table, openpyxl)
        inds = prof.indicators()
        keep = ["name", "parent", "raw", "score", "rank", "rank_text", "status"]
        if by is not None and prof.grouped is not None:
            order = {v: k for k, v in enumerate(prof.grouped.index)}
            inds = inds.assign(_g=inds[by].replace("", "(none)").map(order), _o=range(len(inds)))
            inds = inds.sort_values(["_g", "_o"]).drop(columns=["_g", "_o"])
            weakest = inds[[by] + keep]
        else:
            weakest = inds.dropna(subset=["rank"]).head(top)[keep]
        _write_table(wb, "weakest", weakest, openpyxl)
        if prof.grouped is not None:
            _write_table(wb, "weakest_by_group", prof.grouped, openpyxl)
    try:
        wb.save(path)
    except OSError as e:
        raise DataError(f"{path}: cannot write the file ({e})") from None
    return path


def write_table(table: pd.DataFrame, path: str | os.PathLike[str], sheet: str) -> str:
    """One table (its index as the first column) as a one-sheet workbook.

    Parameters
    ----------
    table : pandas.DataFrame
        The table.
    path : str or os.PathLike
        The workbook to write.
    sheet : str
        The sheet's name.

    Returns
    -------
    str
        The path written.
    """
    openpyxl = _openpyxl()
    import openpyxl.styles  # noqa: F401
    import openpyxl.utils  # noqa: F401

    path = os.fspath(path)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _write_table(wb, sheet, table, openpyxl)
    try:
        wb.save(path)
    except OSError as e:
        raise DataError(f"{path}: cannot write the file ({e})") from None
    return path


def write_workbook(framework: Framework, data: pd.DataFrame, path: str | os.PathLike[str], *,
                   meta_sheet: str = "meta", data_sheet: str = "data") -> str:
    """Write a framework and its data as one workbook that :func:`read_workbook` reads back:
    ``meta_sheet`` holds :meth:`Framework.to_frame <compindex.Framework.to_frame>` (without the derived ``level`` and
    ``effective_weight`` columns), ``data_sheet`` the data with a ``unit`` column first.

    Parameters
    ----------
    framework : Framework
        The index tree.
    data : pandas.DataFrame
        The data, indexed by unit (or with a ``unit`` column).
    path : str or os.PathLike
        The workbook to write.
    meta_sheet, data_sheet : str
        The sheets' names.

    Returns
    -------
    str
        The path written.
    """
    from .._convert import unit_index

    openpyxl = _openpyxl()
    import openpyxl.styles  # noqa: F401
    import openpyxl.utils  # noqa: F401

    path = os.fspath(path)
    table = unit_index(data, "data")
    table.index.name = "unit"
    meta = framework.to_frame().drop(columns=["level", "effective_weight"])
    meta.index.name = "code"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _write_table(wb, meta_sheet, meta, openpyxl)
    _write_table(wb, data_sheet, table, openpyxl)
    try:
        wb.save(path)
    except OSError as e:
        raise DataError(f"{path}: cannot write the file ({e})") from None
    return path

