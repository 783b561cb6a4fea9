"""pandas <-> core: checking and ordering a data table, and rebuilding labelled results."""

from __future__ import annotations

import math
import unicodedata
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from . import _core
from .errors import DataError, SpecError
from ._reading import DEFAULT_NUMBERS, SOURCE_ATTR, nfc, numbers_of, parse_number
from .framework import Framework, delimiter_hint

UNIT_COLUMNS = ("unit", "uCode", "code")


def unit_index(data: pd.DataFrame, source: str) -> pd.DataFrame:
    """The table indexed by unit code: its index if named or non-default, else a `unit` column."""
    if not isinstance(data, pd.DataFrame):
        raise SpecError(f"{source}: expected a DataFrame indexed by unit code, got {type(data).__name__}")
    for col in UNIT_COLUMNS:
        if col in data.columns:
            data = data.set_index(col)
            break
    else:
        if isinstance(data.index, pd.RangeIndex):
            raise DataError(f"{source}: no 'unit' column and no index of unit codes{delimiter_hint(data.columns)}")
    if len(data) == 0:
        raise DataError(f"{source}: no units (the table has no rows)")
    arrow = isinstance(data.index.dtype, pd.StringDtype) and data.index.dtype.storage == "pyarrow"
    if arrow:
        # Codes in Arrow strings (pandas' default with pyarrow installed) stay there: a Python string
        # per unit would cost about 0.08 copies of the data at 1,000,000 x 100 (bench_memory).
        import pyarrow as pa
        import pyarrow.compute as pc

        given = pa.array(data.index.array)
        codes = pc.utf8_trim_whitespace(given)
        if given.null_count == 0 and codes.equals(given):  # the usual case: the caller's codes as they are
            codes, units = given, data.index.rename("unit")
        else:
            codes = pc.fill_null(codes, "")
            units = pd.Index(pd.array(codes, dtype=data.index.dtype), name="unit")
    else:
        units = pd.Index([str(u).strip() if not (isinstance(u, float) and math.isnan(u)) else "" for u in data.index],
                         name="unit")
    empty = np.flatnonzero(units == "")
    if empty.size:
        raise DataError(f"{source}, row {empty[0] + 2}: empty unit code")
    # A transient hash table (Index.is_unique would keep one cached); Arrow counts without one
    # Python string per unit, and pandas finds the row only when there is a repeat.
    repeats = pc.count_distinct(codes).as_py() != len(units) if arrow else True
    duplicated = units.duplicated() if repeats else np.zeros(len(units), dtype=bool)
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        first = int(np.flatnonzero(units == units[i])[0])
        raise DataError(f"{source}, row {i + 2}: unit {units[i]!r} already appears in row {first + 2}")
    # A new frame with the unit index; with pandas' copy-on-write (pandas >= 3) the values are
    # shared with the caller's table, not copied (one copy of the data less at scale).
    return data.set_axis(units, axis=0)


#: How to write a missing value, for "not a number" messages about data cells.
MISSING_HINT = " (write a missing value as an empty cell, or NA)"


def numeric_column(values: pd.Series, column: str, source: str,
                   numbers: tuple[str, str | None] = DEFAULT_NUMBERS) -> np.ndarray:
    """A column as float64, with an error naming the unit and the cell for anything not a number;
    text cells are read with the number format ``numbers`` (decimal mark, thousands separator)."""
    if pd.api.types.is_bool_dtype(values):
        raise DataError(f"{source}, column {column!r}: true/false values are not numbers")
    if pd.api.types.is_numeric_dtype(values):
        out = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        out = np.empty(len(values))
        parse = float if numbers == DEFAULT_NUMBERS else (lambda t: parse_number(t, *numbers))
        for i, (unit, cell) in enumerate(values.items()):
            if cell is None or (isinstance(cell, float) and math.isnan(cell)):
                out[i] = np.nan
                continue
            text = str(cell).strip()
            if text == "" or text.lower() in ("na", "nan", "n/a", "-", "..", "null", "none", "#n/a"):
                out[i] = np.nan
                continue
            try:
                out[i] = parse(text)
            except ValueError:
                try:  # the message: what to write, or which reading option to give
                    parse_number(text, *numbers)
                    advice = f"{text!r} is not a number{MISSING_HINT}"
                except ValueError as e:
                    advice = str(e) or f"{text!r} is not a number{MISSING_HINT}"
                where = f"{source}, row {i + 2}, column {column!r} (unit {unit!r})"
                raise DataError(f"{where}: {advice}") from None
    check_finite(out, values.index, column, source)
    return out


def check_finite(values: np.ndarray, units: pd.Index, column: str, source: str) -> None:
    """Raise DataError naming the first unit whose value in a column is infinite."""
    bad = np.flatnonzero(np.isinf(values))
    if bad.size:
        raise DataError(f"{source}, row {bad[0] + 2}, column {column!r} (unit {units[bad[0]]!r}): the value is infinite")


def to_dataset(fw: Framework, data: pd.DataFrame, *, denominators: Iterable[str] = (),
               groups: pd.DataFrame | Mapping[str, Any] | None = None, ignore: Iterable[str] = (),
               source: str = "data") -> tuple[_core.Dataset, pd.DataFrame, pd.DataFrame]:
    """Check a data table against the framework and build the core dataset.

    Returns the dataset, the table indexed by unit, and the unit groups (a DataFrame of labels).
    Non-numeric columns that are not indicators are unit groups (e.g. a region); numeric columns
    that are neither indicators nor denominators are an error unless listed in ``ignore``.
    """
    numbers = numbers_of(data)
    if source == "data" and isinstance(getattr(data, "attrs", None), dict):
        source = str(data.attrs.get(SOURCE_ATTR, source))  # a table compindex.read_csv read names its file
    data = unit_index(data, source)
    indicators = fw.indicators
    data = match_columns(data, indicators, source)
    missing = [c for c in indicators if c not in data.columns]
    if missing:
        from ._methods import did_you_mean

        others = [str(c) for c in data.columns if c not in indicators]
        hint = did_you_mean(missing[0], others) if len(missing) == 1 else ""
        raise DataError(f"{source}: no column for indicator(s) {', '.join(map(repr, missing))}{hint}")
    denominators = list(dict.fromkeys(denominators))
    for d in denominators:
        if d not in data.columns:
            raise DataError(f"{source}: no column for denominator {d!r}")
    ignore = set(ignore)
    group_cols = []
    for col in data.columns:
        if col in indicators or col in denominators or col in ignore:
            continue
        if pd.api.types.is_numeric_dtype(data[col]) or _looks_numeric(data[col], numbers):
            raise DataError(f"{source}: column {col!r} is not an indicator of the framework "
                            "(pass it in ignore=[...] or make it a denominator)")
        group_cols.append(col)
    ds = _core.Dataset(data.index, *_indicator_values(data, indicators, source, numbers))
    if denominators:
        dv = np.empty((len(data), len(denominators)), order="F")
        for j, code in enumerate(denominators):
            dv[:, j] = numeric_column(data[code], code, source, numbers)
        ds.set_denominators(denominators, dv)
    group_frame = data[group_cols].copy() if group_cols else pd.DataFrame(index=data.index)
    if groups is not None:
        extra = pd.DataFrame(groups)
        if not extra.index.isin(data.index).all() and len(extra) == len(data) and isinstance(extra.index, pd.RangeIndex):
            extra.index = data.index
        extra = extra.reindex(data.index)
        for col in extra.columns:
            group_frame[col] = extra[col]
    for col in group_frame.columns:
        labels = ["" if (v is None or (isinstance(v, float) and math.isnan(v))) else str(v) for v in group_frame[col]]
        ds.add_group(str(col), labels)
    return ds, data, group_frame


def _indicator_values(data: pd.DataFrame, indicators: list[str], source: str,
                      numbers: tuple[str, str | None] = DEFAULT_NUMBERS) -> tuple[np.ndarray, Any]:
    """The indicator columns as a units x indicators float64 array, and an owner to keep with it.

    When every indicator column is already float64, the array is a view of the table's own memory
    (no copy; pandas' copy-on-write keeps it unchanged while the returned frame is alive, even if
    the caller later writes into their table). Otherwise each column is converted into a new array.
    """
    if data.columns.is_unique and all(data[c].dtype == np.float64 for c in indicators):
        frame = data[indicators]
        values = frame.to_numpy()
        if values.flags.f_contiguous:
            for j, code in enumerate(indicators):
                check_finite(values[:, j], data.index, code, source)
            return values, frame
    values = np.empty((len(data), len(indicators)), order="F")
    for j, code in enumerate(indicators):
        values[:, j] = numeric_column(data[code], code, source, numbers)
    return values, None


def match_columns(data: pd.DataFrame, codes: list[str], source: str) -> pd.DataFrame:
    """The table with each column that names an indicator code once surrounding spaces are removed
    and both are in Unicode NFC (``"Đắk Lắk"`` typed with combining marks, ``" i1 "``) renamed to
    the code as the framework writes it. Columns that already match exactly are left alone.

    Raises DataError when two columns match the same code."""
    exact = set(codes)
    wanted = {nfc(c): c for c in codes}
    rename: dict[Any, str] = {}
    taken: dict[str, Any] = {}
    for col in data.columns:
        if not isinstance(col, str):
            continue
        code = col if col in exact else wanted.get(nfc(col))
        if code is None:
            continue
        if code in taken:
            raise DataError(f"{source}: columns {_spelled(taken[code])} and {_spelled(col)} both name indicator {code!r} "
                            "(once spaces around them are removed and their Unicode is normalized to NFC)")
        taken[code] = col
        if col != code:
            rename[col] = code
    return data.rename(columns=rename) if rename else data


def _spelled(name: str) -> str:
    # A column name, saying how it differs from its NFC, stripped form (the two may look alike).
    notes = []
    if not unicodedata.is_normalized("NFC", name):
        notes.append("in NFD: letters and combining marks")
    if name != name.strip():
        notes.append("with spaces around it")
    return repr(name) + (f" ({', '.join(notes)})" if notes else "")


def _looks_numeric(col: pd.Series, numbers: tuple[str, str | None] = DEFAULT_NUMBERS) -> bool:
    # Text columns whose cells all read as numbers (e.g. a year typed as text) count as numeric.
    cells = [str(v).strip() for v in col if not (v is None or (isinstance(v, float) and math.isnan(v)))]
    if not cells:
        return False
    try:
        for c in cells:
            parse_number(c, *numbers)
    except ValueError:
        return False
    return True
