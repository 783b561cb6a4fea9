"""Text cells that a spreadsheet would read as a formula, made plain text.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (a unit named ``=HYPERLINK("http://x", "y")``)
is run as a formula by Excel or LibreOffice when a CSV file is opened there (CSV injection).
Following OWASP's advice, compindex writes such text with a leading single quote (``'=HYPERLINK``),
which spreadsheets show as text. Tab and carriage return at the start are treated the same way.
Only text is changed: a number (``-1.5`` in a numeric column) stays a number, and so does text
that is a plain negative number (``-5`` in a metadata column read as text: the form a program
writes, which a spreadsheet reads as the same number and never runs). ``+1`` is quoted: written
by a person, it is text that a spreadsheet would otherwise turn into the number 1.

Every writer of CSV files (the CLI's ``score`` and ``weights``) and of workbooks calls
:func:`safe_frame` (or :func:`neutralize_formula` per cell) before writing.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = ["FORMULA_START", "neutralize_formula", "safe_frame"]

#: First characters that make a spreadsheet cell a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_NEGATIVE_NUMBER = re.compile(r"-(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|-inf")


def neutralize_formula(text: Any) -> Any:
    """``text`` with a ``'`` in front if it begins like a formula (``=``, ``+``, ``-``, ``@``, tab,
    carriage return) and is not a plain negative number; anything that is not a string (a
    number, None, NaN) is returned unchanged."""
    if isinstance(text, str) and text.startswith(FORMULA_START) and not _NEGATIVE_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _is_text_column(s: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype) or isinstance(
        s.dtype, pd.CategoricalDtype)


def safe_frame(df: pd.DataFrame, *, index: bool = True, columns: bool = True) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (in object, string or categorical columns), text index
    labels and text column names are neutralized (:func:`neutralize_formula`). Numeric columns
    are left as they are. ``index``/``columns``: whether to treat the index and the header too."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if _is_text_column(s):
            if isinstance(s.dtype, pd.CategoricalDtype):
                s = s.astype(object)
            out[col] = s.map(neutralize_formula)
    if index:
        if isinstance(out.index, pd.MultiIndex):
            out.index = pd.MultiIndex.from_tuples([tuple(neutralize_formula(v) for v in t) for t in out.index],
                                                  names=out.index.names)
        elif _is_text_column(out.index.to_series()):
            out.index = pd.Index([neutralize_formula(v) for v in out.index], name=out.index.name)
    if columns and not isinstance(out.columns, pd.MultiIndex):
        out.columns = [neutralize_formula(c) for c in out.columns]
    return out
