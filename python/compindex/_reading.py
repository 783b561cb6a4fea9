"""Reading CSV files as people make them: Excel exports in any locale.

One reader for every CSV file compindex opens (the data, the metadata, the experts' tables,
COINr's tables). What it decides, in order:

1. **Encoding.** A byte-order mark wins: UTF-8 (Excel's "CSV UTF-8"), UTF-16 LE or BE (Excel's
   "Unicode Text"). Without one the file is read as the ``encoding`` given, else as strict UTF-8;
   a byte that is not UTF-8 is a one-line :class:`DataError` naming the file, the byte offset and
   the line, and suggesting ``cp1258`` (Vietnamese Windows), ``cp1252`` (Western European Windows)
   or ``utf-16``. A file with NUL bytes and no byte-order mark is UTF-16 without its mark: an error
   suggesting ``utf-16-le``. Text read as ``cp1258`` is normalized to NFC (the code page writes
   Vietnamese tone marks as separate combining characters).
2. **Line endings.** CRLF (Windows), lone CR (old Mac) and LF are all line ends.
3. **Separator.** ``sep=None`` looks at the header line: semicolons and no comma mean ``;`` (what
   Excel writes where the decimal mark is a comma: Vietnamese, German, French, ...), tabs and no
   comma or semicolon mean a tab, anything else a comma.
4. **Numbers.** ``decimal=None`` is ``,`` for a semicolon-separated file and ``.`` otherwise.
   Thousands separators are not accepted unless ``thousands`` is given (``"."``, ``","``, or
   ``" "``, which also matches the no-break spaces U+00A0 and U+202F). The cells stay text: the
   number format travels with the table (``DataFrame.attrs``) and compindex converts each cell when
   it scores, naming the row, the column and the unit of a cell that does not read under it.
5. **Header.** Names lose their surrounding spaces (and no-break spaces); two columns with the same
   name after that are an error. Names are otherwise kept exactly as written (no Unicode
   normalization); compindex matches data columns to framework codes after NFC normalization.
6. **Excel's leftovers.** Trailing columns with no name and no value (trailing separators) and
   trailing rows with no value are dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
from typing import Any, Iterable

import pandas as pd

from .errors import DataError

__all__ = ["read_csv"]

#: Where a table read by :func:`read_csv` keeps its number format: ``(decimal, thousands)``.
NUMBERS_ATTR = "compindex.numbers"
#: Where a table read by :func:`read_csv` keeps the file's name (how score's messages name it).
SOURCE_ATTR = "compindex.source"
#: The number format of a table that does not say (a DataFrame built in Python).
DEFAULT_NUMBERS: tuple[str, str | None] = (".", None)

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Spaces that may separate thousands (space, no-break space, narrow no-break space).
_SPACES = " \u00a0\u202f"
_ENCODING_HINT = ("read it with encoding='cp1258' (Vietnamese Windows), 'cp1252' (Western European Windows) or "
                  "'utf-16' (on the command line --encoding cp1258), or save it from Excel as 'CSV UTF-8'")


def decode(raw: bytes, path: str, encoding: str | None = None) -> str:
    """The text of a file's bytes: a byte-order mark decides, else ``encoding``, else strict UTF-8.

    Parameters
    ----------
    raw
        The file's bytes.
    path
        The file's name, for messages.
    encoding
        A Python codec name (``cp1258``, ``cp1252``, ``latin-1``, ``utf-16-le``, ...) for a file
        without a byte-order mark that is not UTF-8 (a file that decodes as UTF-8 and has no NUL
        byte is read as UTF-8); None reads strict UTF-8.

    Returns
    -------
    str
        The text, without a byte-order mark.

    Raises
    ------
    DataError
        For an unknown encoding, or bytes that do not decode (naming the byte offset and line).
    """
    if raw.startswith(_UTF8_BOM):
        raw, codec = raw[len(_UTF8_BOM):], "utf-8"
    elif raw[:2] in _UTF16_BOMS:
        codec = "utf-16"  # reads the mark and drops it
    elif encoding is not None:
        codec = encoding
        if b"\x00" not in raw[:4096]:
            try:  # a file that is UTF-8 is UTF-8 (so one --encoding serves a data and a metadata file)
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
    else:
        codec = "utf-8"
        nul = raw.find(b"\x00", 0, 4096)
        if nul >= 0:
            raise DataError(f"{path}: byte {nul} is a NUL byte: the file looks like UTF-16 without a byte-order mark; "
                            "read it with encoding='utf-16-le' (on the command line --encoding utf-16-le), or save it "
                            "from Excel as 'CSV UTF-8'")
    try:
        text = raw.decode(codec)
        if codecs.lookup(codec).name == "cp1258":
            # Windows' Vietnamese code page writes tone marks as combining characters after the
            # letter ("a" + U+0301); NFC gives the precomposed letters every other file has.
            text = unicodedata.normalize("NFC", text)
        return text
    except LookupError:
        raise DataError(f"{path}: unknown encoding {encoding!r} (e.g. utf-8, cp1258, cp1252, utf-16)") from None
    except UnicodeDecodeError as e:
        head = raw[:e.start]  # line ends: LF, CRLF or a lone CR
        line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1 if codec != "utf-16" else None
        where = f"byte {e.start}" + (f" (line {line})" if line is not None else "")
        bad = raw[e.start:e.start + 1].hex().upper()
        if codec in ("utf-8",):
            raise DataError(f"{path}: {where} is not UTF-8 (0x{bad}): {_ENCODING_HINT}") from None
        raise DataError(f"{path}: {where} (0x{bad}) is not {codec!r} text: {_ENCODING_HINT}") from None


def sniff_separator(text: str) -> str:
    """The separator a header line implies: ``;`` if it has semicolons and no comma, a tab if it has
    tabs and neither, else ``,``.

    Parameters
    ----------
    text
        The file's text (only its first non-empty line is looked at).

    Returns
    -------
    str
        ``","``, ``";"`` or ``"\\t"``.
    """
    header = next((line for line in text.split("\n") if line.strip()), "")
    if ";" in header and "," not in header:
        return ";"
    if "\t" in header and "," not in header and ";" not in header:
        return "\t"
    return ","


def _header(text: str, sep: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=sep), [])
    except csv.Error:
        return []


def check_names(path: str, names: Iterable[Any]) -> None:
    """Raise DataError if two column names are equal once stripped of surrounding spaces.

    Parameters
    ----------
    path
        The file's name, for the message.
    names
        The header's names as written.

    Raises
    ------
    DataError
        Naming the first repeated column.
    """
    seen: dict[str, str] = {}
    for raw in names:
        name = str(raw).strip(" \t" + _SPACES)
        if name == "":
            continue
        if name in seen:
            spaces = "" if seen[name] == raw else " (once the spaces around the names are removed)"
            raise DataError(f"{path}: duplicate column {name!r} in the header{spaces}")
        seen[name] = str(raw)


def read_csv(path: str | os.PathLike[str], *, encoding: str | None = None, sep: str | None = None,
             decimal: str | None = None, thousands: str | None = None, **read_csv_kwargs: Any) -> pd.DataFrame:
    """A CSV file as text cells, whatever spreadsheet or locale wrote it.

    The encoding, separator and decimal mark are detected (see the module notes, and
    docs/robustness.md "Files as people make them"); every choice can be given instead. Pass the
    result to :func:`compindex.score`: it converts the cells to numbers with the file's number
    format, naming any cell that does not read.

    Parameters
    ----------
    path
        The CSV file.
    encoding
        The encoding of a file without a byte-order mark that is not UTF-8 (``cp1258``, ``cp1252``,
        ``utf-16-le``, any Python codec). Default: strict UTF-8. A byte-order mark (UTF-8,
        UTF-16) always wins, and a file that is valid UTF-8 without NUL bytes is read as UTF-8.
    sep
        The cell separator. Default: ``;`` if the header has semicolons and no comma, a tab if it
        has tabs and neither, else ``,``.
    decimal
        The decimal mark of numeric cells, ``.`` or ``,``. Default: ``,`` if the separator is
        ``;``, else ``.``.
    thousands
        The thousands separator accepted in numeric cells (``.``, ``,`` or ``" "``, the last also
        matching no-break spaces). Default: none (a number with one is an error that says so).
    **read_csv_kwargs
        Passed to :func:`pandas.read_csv` (e.g. ``na_values``, ``dtype`` for some columns).

    Returns
    -------
    pandas.DataFrame
        Text cells (``dtype=str``, empty cells as ``""``), header names stripped of surrounding
        spaces; ``attrs["compindex.numbers"]`` is ``(decimal, thousands)`` and
        ``attrs["compindex.source"]`` the path (so that :func:`compindex.score`'s messages name the
        file).

    Raises
    ------
    DataError
        A missing file, bytes that are not text in the encoding, a file pandas cannot parse, a
        column named twice, or an unsupported ``decimal``/``thousands``.
    """
    path = os.fspath(path)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError(f"{path}: unknown encoding {encoding!r} (e.g. utf-8, cp1258, cp1252, utf-16-le)") from None
    if decimal is not None and decimal not in (".", ","):
        raise DataError(f"{path}: decimal must be '.' or ',', got {decimal!r}")
    if thousands is not None and (thousands not in (".", ",", " ") or thousands == decimal):
        raise DataError(f"{path}: thousands must be '.', ',' or ' ' and differ from the decimal mark, got {thousands!r}")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a CSV file") from None
    text = decode(raw, path, encoding)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if sep is None:
        sep = read_csv_kwargs.pop("delimiter", None) or sniff_separator(text)
    if decimal is None:
        decimal = "," if sep == ";" else "."
    if thousands is not None and thousands == decimal:
        raise DataError(f"{path}: thousands must differ from the decimal mark, got {thousands!r} for both")
    kwargs: dict[str, Any] = {"dtype": str, "keep_default_na": False, **read_csv_kwargs}
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise DataError(f"{path}: cannot read it as CSV ({str(e).strip()})") from None
    if not {"header", "names", "usecols"} & set(read_csv_kwargs) and isinstance(sep, str) and len(sep) == 1:
        header = _header(text, sep)
        check_names(path, header)
        df = _drop_leftovers(df, header)
    df.columns = [str(c).strip(" \t" + _SPACES) if isinstance(c, str) else c for c in df.columns]
    df.attrs[NUMBERS_ATTR] = (decimal, thousands)
    df.attrs[SOURCE_ATTR] = path
    return df


def _drop_leftovers(df: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    # Columns with an empty name and no value (Excel's trailing separators), and trailing rows
    # with no value (rows Excel writes as ";;;;").
    if len(header) == len(df.columns):
        empty_named = [c for c, h in zip(df.columns, header) if not h.strip(" \t" + _SPACES)]
        drop = [c for c in empty_named if df[c].astype(str).str.strip().eq("").all() or df[c].isna().all()]
        if drop:
            df = df.drop(columns=drop)
    if len(df) and len(df.columns):
        blank = df.apply(lambda col: col.isna() | col.astype(str).str.strip().eq("")).all(axis=1).to_numpy()
        n = len(blank)
        while n and blank[n - 1]:
            n -= 1
        if n < len(df):
            df = df.iloc[:n]
    return df


def numbers_of(table: Any) -> tuple[str, str | None]:
    """The number format ``(decimal, thousands)`` a table was read with (default ``(".", None)``)."""
    fmt = getattr(table, "attrs", {}).get(NUMBERS_ATTR) if hasattr(table, "attrs") else None
    if isinstance(fmt, tuple) and len(fmt) == 2:
        return fmt
    return DEFAULT_NUMBERS


def nfc(name: str) -> str:
    """A name in Unicode NFC, stripped of surrounding spaces (how columns are matched to codes)."""
    return unicodedata.normalize("NFC", name).strip(" \t" + _SPACES)


# -- numbers ---------------------------------------------------------------------------------------
_SPECIAL = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_PATTERNS: dict[tuple[str, str | None], re.Pattern[str]] = {}


def _pattern(decimal: str, thousands: str | None) -> re.Pattern[str]:
    key = (decimal, thousands)
    if key not in _PATTERNS:
        d = re.escape(decimal)
        if thousands is None:
            whole = r"\d+"
        else:
            t = f"[{re.escape(_SPACES)}]" if thousands == " " else re.escape(thousands)
            whole = rf"\d{{1,3}}(?:{t}\d{{3}})+|\d+"
        _PATTERNS[key] = re.compile(rf"[+-]?(?:(?:{whole})(?:{d}\d*)?|{d}\d+)(?:[eE][+-]?\d+)?")
    return _PATTERNS[key]


def parse_number(text: str, decimal: str = ".", thousands: str | None = None) -> float:
    """A numeric cell's text as a float, under a number format.

    Parameters
    ----------
    text
        The cell, stripped of surrounding spaces by the caller or not.
    decimal, thousands
        The number format (see :func:`read_csv`).

    Returns
    -------
    float
        The value (``inf`` for an infinite one: the caller decides).

    Raises
    ------
    ValueError
        With what to write or which option to give (no "where"; the caller adds it), or an empty
        message for text that is not a number at all.
    """
    t = text.strip(" \t\r\n" + _SPACES)
    if decimal == "." and thousands is None:
        try:
            return float(t)
        except ValueError:
            raise ValueError(_advice_default(t)) from None
    m = _pattern(decimal, thousands).fullmatch(t)
    if m:
        plain = t
        if thousands is not None:
            for ch in (_SPACES if thousands == " " else thousands):
                plain = plain.replace(ch, "")
        return float(plain.replace(decimal, "."))
    if t.lower() in _SPECIAL:
        return float(t)
    raise ValueError(_advice(t, decimal, thousands))


def _advice_default(t: str) -> str:
    from .framework import comma_advice

    advice = comma_advice(t)
    if advice is not None:
        if "dots between thousands" in advice:
            return f"{advice} (or read the file with --decimal , --thousands .)"
        if "decimal comma" in advice:
            return f"{advice} (or read the file with --decimal ,)"
        return f"{advice} (or read the file with --thousands ,)"
    if re.fullmatch(rf"[+-]?\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:\.\d*)?", t):
        return f"{t!r} has spaces between thousands; write {re.sub(f'[{_SPACES}]', '', t)} (or read the file with --thousands ' ')"
    return ""


def _advice(t: str, decimal: str, thousands: str | None) -> str:
    under = f"the file is read with decimal {decimal!r}" + (f" and thousands {thousands!r}" if thousands else "")
    other = "." if decimal == "," else ","
    as_decimal = thousands != other and _pattern(other, None).fullmatch(t) is not None
    if as_decimal and thousands is None and _pattern(decimal, other).fullmatch(t):
        return (f"{t!r} has a {other!r}, but {under}: read it with --thousands {other} if it separates thousands, "
                f"or with --decimal {other} if it is the decimal mark")
    for sep in (".", ",", " "):
        if sep == decimal or sep == thousands:
            continue
        if _pattern(decimal, sep).fullmatch(t):
            name = "spaces" if sep == " " else f"{sep!r}"
            opt = "' '" if sep == " " else sep
            return f"{t!r} has {name} between thousands, but {under}; read it with --thousands {opt}"
    if as_decimal:
        return f"{t!r} has the decimal mark {other!r}, but {under}; read it with --decimal {other}"
    return ""


def number_error(text: str, decimal: str, thousands: str | None) -> str:
    """Why a cell is not a number under a format, and what to do (for a message after "where")."""
    t = text.strip(" \t\r\n" + _SPACES)
    try:
        parse_number(t, decimal, thousands)
    except ValueError as e:
        if str(e):
            return str(e)
    return ""
