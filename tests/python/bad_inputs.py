"""The catalogue of bad inputs: what a user may get wrong, and what compindex tells them.

Each :class:`Case` is one mistake, written as the two CSV files a user would have (a metadata
table, one row per node, and a data table, one row per unit) plus the scoring options, given both
as :func:`compindex.score` keywords and as ``compindex score`` command-line arguments. Every case
must fail with the error class named and a message containing ``message``, through the Python API
and through the command line alike (``tests/python/test_bad_inputs.py``).

:data:`TREATMENTS` lists inputs that look wrong but are legal: each gets a documented treatment
and a warning (a :class:`compindex.CompindexWarning`, ``compindex: warning:`` on the command line)
instead of an error.

``tools/make_error_docs.py`` renders both lists, with the messages compindex actually prints, as
``docs/errors.md``. The file names in the messages are ``meta.csv`` and ``data.csv``.

The catalogue itself imports nothing from compindex; the runners below import it when called.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

META_HEADER = "code,parent,weight,direction"
#: The framework most cases start from: Index <- P1 (i1, i2), P2 (i3, i4); i2 is lower-is-better.
META_ROWS = (
    "Index,,1,1",
    "P1,Index,1,1",
    "P2,Index,1,1",
    "i1,P1,1,1",
    "i2,P1,1,-1",
    "i3,P2,1,1",
    "i4,P2,1,1",
)
DATA_HEADER = "unit,region,i1,i2,i3,i4"
#: The data most cases start from: four units in two regions, every value positive.
DATA_ROWS = (
    "u1,North,1,10,5,2",
    "u2,North,2,20,6,4",
    "u3,South,3,15,7,8",
    "u4,South,4,25,9,16",
)


def table(header: str, rows: tuple[str, ...] | list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def meta(*replace: tuple[int, str], header: str = META_HEADER, extra: tuple[str, ...] = (),
         rows: tuple[str, ...] = META_ROWS) -> str:
    """The base metadata with rows replaced (``(position, text)``, position 0 = the first node;
    an empty text drops the row) and rows appended."""
    out = list(rows)
    for pos, text in replace:
        out[pos] = text
    return table(header, [r for r in out if r] + list(extra))


def with_column(name: str, cells: dict[str, str]) -> str:
    """The base metadata with one more column, ``cells`` giving its value by node code."""
    rows = [f"{r},{cells.get(r.split(',')[0], '')}" for r in META_ROWS]
    return table(f"{META_HEADER},{name}", rows)


def data(*replace: tuple[int, str], header: str = DATA_HEADER, extra: tuple[str, ...] = (),
         rows: tuple[str, ...] = DATA_ROWS) -> str:
    """The base data with rows replaced (position 0 = the first unit) and rows appended."""
    out = list(rows)
    for pos, text in replace:
        out[pos] = text
    return table(header, [r for r in out if r] + list(extra))


def ratio_meta(numerator: str, denominator: str) -> str:
    """The base metadata with an ``aggregation`` column and a ratio node R = numerator / denominator."""
    rows = [f"{r}," for r in META_ROWS] + [f'R,Index,1,1,"ratio(numerator={numerator}, denominator={denominator})"']
    return table(f"{META_HEADER},aggregation", rows)


@dataclass(frozen=True)
class Case:
    """One bad input and the error it must give."""

    name: str
    group: str  #: "metadata", "data", "spec" or "files"
    what: str  #: the mistake, in a few words (the docs' first column)
    meta: str  #: metadata CSV text
    data: str  #: data CSV text
    error: str  #: "SpecError" or "DataError" (both are also ValueError)
    message: str  #: a substring of the message
    spec: dict[str, Any] = field(default_factory=dict)  #: compindex.score keywords
    cli: tuple[str, ...] = ()  #: the same options for `compindex score`
    #: False for a case that runs on the command line only.
    api: bool = True
    #: How both files are written (a Python codec; "cp1258" as Windows writes Vietnamese).
    encoding: str = "utf-8"
    #: compindex.read_csv / Framework.from_csv keywords (the --encoding, --sep, ... of ``cli``).
    read: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Treatment:
    """A legal input with a documented treatment: no error, a warning naming what was done."""

    name: str
    what: str
    treatment: str  #: what compindex does (the docs' second column)
    meta: str
    data: str
    warning: str  #: a substring of the warning
    spec: dict[str, Any] = field(default_factory=dict)
    cli: tuple[str, ...] = ()
    unscored: tuple[str, ...] = ()  #: units that get no index score
    encoding: str = "utf-8"  #: how both files are written
    read: dict[str, Any] = field(default_factory=dict)  #: compindex.read_csv keywords


META = table(META_HEADER, list(META_ROWS))
DATA = table(DATA_HEADER, list(DATA_ROWS))

#: 69 units whose i1 is so skewed that the GII rule log-transforms it (60 small values, 9 large).
_SKEWED_DATA = table(DATA_HEADER, [
    f"u{k},North,{v:g},{1 + k % 10},{2 + k % 7},{3 + k % 5}"
    for k, v in enumerate([1.0 + k % 4 for k in range(60)] + [100, 200, 300, 400, 500, 600, 700, 800, 1000])])

# -- files as people make them (docs/robustness.md, "Files as people make them") ---------------------
#: Vietnamese names in units, regions and one indicator code.
VI_META = table(META_HEADER + ",name", [
    "Index,,1,1,Chỉ số", "P1,Index,1,1,Kinh tế", "P2,Index,1,1,Xã hội", "Đắk Lắk,P1,1,1,Đắk Lắk",
    "i2,P1,1,-1,Tỷ lệ nghèo", "i3,P2,1,1,Y tế", "i4,P2,1,1,Giáo dục"])
VI_DATA = table("unit,region,Đắk Lắk,i2,i3,i4", [
    "Thành phố Hồ Chí Minh,Đông Nam Bộ,1,10,5,2", "Bà Rịa – Vũng Tàu,Đông Nam Bộ,2,20,6,4",
    "Đắk Lắk,Tây Nguyên,3,15,7,8", "Hà Nội,Đồng bằng sông Hồng,4,25,9,16"])
#: The base data with a decimal part in every indicator.
DEC_DATA = table(DATA_HEADER, ["u1,North,1.5,10.25,5,2", "u2,North,2.5,20.75,6,4",
                               "u3,South,3.5,15.5,7,8", "u4,South,4.5,25,9,16.125"])


def semicolons(text: str) -> str:
    """CSV text as Excel writes it where the decimal mark is a comma: ';' between cells, ','
    in numbers."""
    return text.replace(",", ";").replace(".", ",")


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def encode(text: str, encoding: str) -> bytes:
    """Text as bytes in an encoding; ``cp1258`` as Windows writes it (letters with circumflex,
    breve or horn precomposed, the five tone marks as combining characters after them)."""
    if encoding != "cp1258":
        return text.encode(encoding)
    import unicodedata

    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
            out.append((base + "".join(c for c in d if c in _TONES)).encode("cp1258"))
    return b"".join(out)


CASES: list[Case] = [
    # -- metadata: the tree ----------------------------------------------------------------------
    Case("meta_no_code_column", "metadata", "no `code` column",
         table("node,parent", ["Index,", "i1,Index"]), DATA, "SpecError", "no 'code' column"),
    Case("meta_pipes", "metadata", "cells separated by '|'",
         META.replace(",", "|"), DATA, "SpecError",
         "no 'code' column (columns are code|parent|weight|direction) (the file seems to separate cells with '|'; "
         "give the separator: --sep '|'"),
    Case("meta_duplicate_column", "metadata", "a metadata column given twice",
         meta(header="code,parent,weight,direction,weight", rows=tuple(r + ",2" for r in META_ROWS)), DATA, "DataError",
         "meta.csv: duplicate column 'weight' in the header"),
    Case("meta_empty_file", "metadata", "an empty metadata file", "", DATA, "DataError", "cannot read it as CSV"),
    Case("meta_duplicate_code", "metadata", "two nodes with the same code",
         meta(extra=("i4,P2,1,1",)), DATA, "SpecError", "duplicate code 'i4' (rows 8 and 9)"),
    Case("meta_empty_code", "metadata", "a node without a code",
         meta((3, ",P1,1,1")), DATA, "SpecError", "meta.csv, row 5, column 'code': empty code"),
    Case("meta_unknown_parent", "metadata", "a parent that is not a node",
         meta((3, "i1,P9,1,1")), DATA, "SpecError", "meta.csv, row 5, column 'parent': node 'i1': unknown parent 'P9'"),
    Case("meta_own_parent", "metadata", "a node that is its own parent",
         meta((1, "P1,P1,1,1")), DATA, "SpecError", "node 'P1' is its own parent"),
    Case("meta_cycle", "metadata", "a cycle (P1 under P2 under P1)",
         meta((1, "P1,P2,1,1"), (2, "P2,P1,1,1")), DATA, "SpecError", "cycle through node"),
    Case("meta_no_root", "metadata", "no root (every node has a parent)",
         meta((0, "Index,P1,1,1")), DATA, "SpecError", "cycle through node 'Index'"),
    Case("meta_two_roots", "metadata", "an orphan: a second node without a parent",
         meta((2, "P2,,1,1")), DATA, "SpecError", "more than one root ('Index', 'P2')"),
    Case("meta_root_alone", "metadata", "a root without children",
         table(META_HEADER, ["Index,,1,1"]), DATA, "SpecError", "root 'Index' has no children"),
    Case("meta_aggregate_without_children", "metadata", "an aggregate (kind) without children",
         table("code,parent,kind", ["Index,,aggregate", "P1,Index,aggregate", "P2,Index,aggregate", "i1,P1,",
                                    "i2,P1,", "i3,P1,", "i4,P1,"]),
         DATA, "SpecError", "aggregate 'P2' has no children"),
    Case("meta_indicator_with_children", "metadata", "an indicator (kind) with children",
         table("code,parent,kind", ["Index,,", "P1,Index,indicator", "i1,P1,", "i2,P1,", "i3,Index,", "i4,Index,"]),
         DATA, "SpecError", "indicator 'P1' has children"),
    Case("meta_unknown_kind", "metadata", "a kind other than indicator/aggregate",
         table("code,parent,kind", ["Index,,", "P1,Index,pillar", "P2,Index,", "i1,P1,", "i2,P1,", "i3,P2,", "i4,P2,"]),
         DATA, "SpecError", "row 3, column 'kind': kind must be 'indicator' or 'aggregate', got 'pillar'"),
    # -- metadata: weights -----------------------------------------------------------------------
    Case("meta_negative_weight", "metadata", "a negative weight",
         meta((3, "i1,P1,-1,1")), DATA, "SpecError",
         "meta.csv, row 5, column 'weight': node 'i1': weight must be a finite non-negative number, got -1"),
    Case("meta_nan_weight", "metadata", "a weight written as NaN",
         meta((3, "i1,P1,NaN,1")), DATA, "DataError",
         "meta.csv, row 5, column 'weight': 'NaN' is not a number"),
    Case("meta_text_weight", "metadata", "a weight that is text",
         meta((3, "i1,P1,heavy,1")), DATA, "DataError", "meta.csv, row 5, column 'weight': 'heavy' is not a number"),
    Case("meta_infinite_weight", "metadata", "an infinite weight",
         meta((3, "i1,P1,inf,1")), DATA, "DataError", "meta.csv, row 5, column 'weight': 'inf' is infinite"),
    Case("meta_decimal_comma_weight", "metadata", "a weight with a decimal comma",
         meta((3, 'i1,P1,"0,5",1')), DATA, "DataError", "'0,5' uses a decimal comma; write 0.5"),
    Case("meta_zero_weights", "metadata", "all children of an aggregate weigh zero",
         meta((3, "i1,P1,0,1"), (4, "i2,P1,0,-1")), DATA, "SpecError",
         "aggregate 'P1': the weights of its children sum to zero"),
    # -- metadata: directions --------------------------------------------------------------------
    Case("meta_direction_two", "metadata", "direction 2",
         meta((3, "i1,P1,1,2")), DATA, "SpecError", "row 5, column 'direction': direction must be 1 or -1, got '2'"),
    Case("meta_direction_zero", "metadata", "direction 0",
         meta((3, "i1,P1,1,0")), DATA, "SpecError", "row 5, column 'direction': direction must be 1 or -1, got '0'"),
    Case("meta_direction_text", "metadata", "direction written as a word",
         meta((3, "i1,P1,1,up")), DATA, "DataError", "row 5, column 'direction': 'up' is not a number"),
    Case("meta_direction_nan", "metadata", "direction written as NaN",
         meta((3, "i1,P1,1,NaN")), DATA, "DataError", "row 5, column 'direction': 'NaN' is not a number"),
    # -- metadata: methods and goalposts ---------------------------------------------------------
    Case("meta_unknown_normalization", "metadata", "an unknown normalization in the metadata",
         with_column("normalization", {"i1": "minmax"}), DATA, "SpecError",
         "row 5, column 'normalization': unknown method 'minmax': did you mean 'min_max'?"),
    Case("meta_unknown_aggregation", "metadata", "an unknown aggregation in the metadata",
         with_column("aggregation", {"P1": "mean"}), DATA, "SpecError",
         "row 3, column 'aggregation': unknown method 'mean'"),
    Case("meta_unknown_transform", "metadata", "an unknown transform in the metadata",
         with_column("transform", {"i3": "ln"}), DATA, "SpecError", "row 7, column 'transform': unknown method 'ln'"),
    Case("meta_method_on_wrong_node", "metadata", "an aggregation given for an indicator",
         with_column("aggregation", {"i1": "geometric_mean"}), DATA, "SpecError",
         "aggregation 'geometric_mean' is given for 'i1', which is not an aggregate"),
    Case("meta_goalposts_reversed", "metadata", "goalposts with lower > upper",
         table("code,parent,lower,upper", ["Index,,,", "P1,Index,,", "P2,Index,,", "i1,P1,10,0", "i2,P1,,", "i3,P2,,",
                                           "i4,P2,,"]),
         DATA, "SpecError", "node 'i1': goalposts need lower < upper, got lower 10 and upper 0"),
    Case("meta_goalposts_equal", "metadata", "goalposts with lower = upper",
         table("code,parent,lower,upper", ["Index,,,", "P1,Index,,", "P2,Index,,", "i1,P1,5,5", "i2,P1,,", "i3,P2,,",
                                           "i4,P2,,"]),
         DATA, "SpecError", "node 'i1': goalposts need lower < upper, got lower 5 and upper 5"),
    Case("meta_goalpost_text", "metadata", "a goalpost that is text",
         table("code,parent,lower,upper", ["Index,,,", "P1,Index,,", "P2,Index,,", "i1,P1,0,max", "i2,P1,,", "i3,P2,,",
                                           "i4,P2,,"]),
         DATA, "DataError", "row 5, column 'upper': 'max' is not a number (for no value, leave the cell empty)"),
    # -- data: cells -------------------------------------------------------------------------------
    Case("data_text_cell", "data", "a cell that is text",
         META, data((1, "u2,North,2,twenty,6,4")), "DataError",
         "row 3, column 'i2' (unit 'u2'): 'twenty' is not a number (write a missing value as an empty cell"),
    Case("data_infinite_cell", "data", "an infinite value",
         META, data((2, "u3,South,3,15,inf,8")), "DataError", "row 4, column 'i3' (unit 'u3'): the value is infinite"),
    Case("data_overflow_cell", "data", "a value too large for a double (1e999)",
         META, data((2, "u3,South,3,15,1e999,8")), "DataError", "row 4, column 'i3' (unit 'u3'): the value is infinite"),
    Case("data_decimal_comma", "data", "a decimal comma",
         META, data((0, 'u1,North,"1,5",10,5,2')), "DataError",
         "row 2, column 'i1' (unit 'u1'): '1,5' uses a decimal comma; write 1.5"),
    Case("data_thousands_commas", "data", "commas between thousands",
         META, data((1, 'u2,North,"1,234.5",20,6,4')), "DataError",
         "row 3, column 'i1' (unit 'u2'): '1,234.5' uses commas between thousands; write 1234.5"),
    Case("data_european_number", "data", "dots between thousands and a decimal comma",
         META, data((1, 'u2,North,"1.234,5",20,6,4')), "DataError",
         "'1.234,5' uses a decimal comma and dots between thousands; write 1234.5"),
    Case("data_ambiguous_comma", "data", "a comma that may separate thousands or decimals",
         META, data((1, 'u2,North,"1,000",20,6,4')), "DataError",
         "'1,000' has a comma: write 1000 if it separates thousands, or 1.000 if it is a decimal comma"),
    Case("data_hexadecimal", "data", "a hexadecimal number",
         META, data((1, "u2,North,0x10,20,6,4")), "DataError", "'0x10' is not a number"),
    Case("data_boolean_cell", "data", "true/false cells",
         META, data((0, "u1,North,true,10,5,2")), "DataError", "column 'i1' (unit 'u1'): 'true' is not a number"),
    # -- data: units and columns -------------------------------------------------------------------
    Case("data_duplicate_unit", "data", "two rows for one unit",
         META, data(extra=("u2,South,5,30,10,32",)), "DataError", "row 6: unit 'u2' already appears in row 3"),
    Case("data_empty_unit", "data", "a row without a unit code",
         META, data((2, ",South,3,15,7,8")), "DataError", "row 4: empty unit code"),
    Case("data_no_unit_column", "data", "no `unit` column",
         META, table("name,i1,i2,i3,i4", ["u1,1,10,5,2", "u2,2,20,6,4"]), "DataError", "no 'unit' column"),
    Case("data_pipes", "data", "cells separated by '|'",
         META, DATA.replace(",", "|"), "DataError",
         "(the file seems to separate cells with '|'; give the separator: --sep '|'"),
    Case("data_missing_indicator_column", "data", "an indicator column missing",
         META, data(header="unit,region,i1,i2,i3", rows=("u1,North,1,10,5", "u2,North,2,20,6")), "DataError",
         "no column for indicator(s) 'i4'"),
    Case("data_extra_numeric_column", "data", "a numeric column that is not an indicator",
         META, data(header="unit,region,i1,i2,i3,i4,i5", rows=tuple(r + ",1" for r in DATA_ROWS)), "DataError",
         "column 'i5' is not an indicator of the framework"),
    Case("data_duplicate_column", "data", "an indicator column given twice",
         META, data(header="unit,region,i1,i2,i3,i4,i1", rows=tuple(r + ",1" for r in DATA_ROWS)), "DataError",
         "data.csv: duplicate column 'i1' in the header"),
    Case("data_no_rows", "data", "a header and no units",
         META, table(DATA_HEADER, []), "DataError", "no units (the table has no rows)"),
    Case("data_empty_file", "data", "an empty data file", META, "", "DataError", "data.csv: cannot read it as CSV"),
    Case("data_ragged_row", "data", "a row with more cells than the header",
         META, data((1, "u2,North,2,20,6,4,7,9")), "DataError", "data.csv: cannot read it as CSV"),
    # -- data: what a method cannot take -----------------------------------------------------------
    Case("data_all_missing_indicator", "data", "an indicator with no values",
         META, data(*[(k, ",".join(r.split(",")[:4] + ["", r.split(",")[5]])) for k, r in enumerate(DATA_ROWS)]),
         "DataError", "indicator 'i3' has no data (every value is missing)"),
    Case("data_constant_min_max", "data", "a constant indicator under min-max",
         META, data(*[(k, ",".join(r.split(",")[:5] + ["7"])) for k, r in enumerate(DATA_ROWS)]), "DataError",
         "indicator 'i4' is constant (every value is 7); min_max is undefined for it"),
    Case("data_constant_z_score", "data", "a constant indicator under z-scores",
         META, data(*[(k, ",".join(r.split(",")[:5] + ["7"])) for k, r in enumerate(DATA_ROWS)]), "DataError",
         "indicator 'i4' is constant (every value is 7); z_score is undefined for it",
         spec={"normalization": "z_score"}, cli=("--normalization", "z_score")),
    Case("data_log_of_zero", "data", "a zero under a log transform",
         with_column("transform", {"i1": "log"}), data((0, "u1,North,0,10,5,2")), "DataError",
         "indicator 'i1': transform 'log' is undefined for the value 0 of unit 'u1'"),
    Case("data_log_of_negative", "data", "a negative value under a log10 transform",
         with_column("transform", {"i3": "log10"}), data((3, "u4,South,4,25,-9,16")), "DataError",
         "indicator 'i3': transform 'log10' is undefined for the value -9 of unit 'u4'"),
    Case("data_sqrt_of_negative", "data", "a negative value under a square root",
         with_column("transform", {"i1": "sqrt"}), data((1, "u2,North,-2,20,6,4")), "DataError",
         "indicator 'i1': transform 'sqrt' is undefined for the value -2 of unit 'u2'"),
    Case("data_geometric_mean_of_zero", "data", "a geometric mean over min-max scores on 0-100 (the worst unit scores 0)",
         META, DATA, "DataError", "node 'P1': geometric_mean needs positive values, but unit 'u1' has 0 for 'i1'",
         spec={"aggregation": "geometric_mean"}, cli=("--aggregation", "geometric_mean")),
    Case("data_harmonic_mean_of_negative", "data", "a harmonic mean over z-scores (some negative)",
         META, DATA, "DataError", "node 'P1': harmonic_mean needs positive values",
         spec={"normalization": "z_score", "aggregation": "harmonic_mean"},
         cli=("--normalization", "z_score", "--aggregation", "harmonic_mean")),
    Case("data_fraction_of_max_of_zero", "data", "fraction-of-max of a lower-is-better indicator (min / x) at a zero "
         "(a zero of a higher-is-better one is fine: 0 / max = 0)",
         META, data((0, "u1,North,1,0,5,2")), "DataError",
         "indicator 'i2': fraction_of_max of an inverse indicator is min / x, undefined at 0: unit 'u1' has 0",
         spec={"normalization": "fraction_of_max"}, cli=("--normalization", "fraction_of_max")),
    Case("data_group_imputation_unknown_group", "data", "group imputation by a column the data lack",
         META, DATA, "SpecError", "unknown unit group 'country'",
         spec={"imputation": "group_mean(group=country)"}, cli=("--imputation", "group_mean(group=country)")),
    # -- spec: ranges, thresholds, counts, names ---------------------------------------------------
    Case("spec_range_equal_bounds", "spec", "a normalization range with equal bounds",
         META, DATA, "SpecError", "range: the range needs two different finite bounds, got (5.0, 5.0)",
         spec={"range": (5, 5)}, cli=("--range", "5", "5")),
    Case("spec_range_reversed", "spec", "a reversed normalization range (lower > upper)",
         META, DATA, "SpecError", "range: the range needs lower < upper, got (100.0, 0.0)",
         spec={"range": (100, 0)}, cli=("--range", "100", "0")),
    Case("spec_range_nan", "spec", "a normalization range with a NaN bound",
         META, DATA, "SpecError", "range: the range needs two different finite bounds",
         spec={"range": (float("nan"), 100)}, cli=("--range", "nan", "100")),
    Case("spec_range_infinite", "spec", "a normalization range with an infinite bound",
         META, DATA, "SpecError", "range: the range needs two different finite bounds",
         spec={"range": (0, float("inf"))}, cli=("--range", "0", "inf")),
    Case("spec_unknown_normalization", "spec", "an unknown normalization",
         META, DATA, "SpecError", "normalization: unknown method 'minmax': did you mean 'min_max'?",
         spec={"normalization": "minmax"}, cli=("--normalization", "minmax")),
    Case("spec_unknown_aggregation", "spec", "an unknown aggregation",
         META, DATA, "SpecError", "aggregation: unknown method 'median'",
         spec={"aggregation": "median"}, cli=("--aggregation", "median")),
    Case("spec_unknown_imputation", "spec", "an unknown imputation",
         META, DATA, "SpecError", "imputation: unknown method 'hot_deck'",
         spec={"imputation": "hot_deck"}, cli=("--imputation", "hot_deck")),
    Case("spec_unknown_treatment", "spec", "an unknown outlier treatment",
         META, DATA, "SpecError", "treatment: unknown method 'winsorize'",
         spec={"treatment": "winsorize"}, cli=("--treatment", "winsorize")),
    Case("spec_knn_k_zero", "spec", "k nearest neighbours with k = 0",
         META, DATA, "SpecError", "imputation 'knn': k must be at least 1, got 0",
         spec={"imputation": "knn(k=0)"}, cli=("--imputation", "knn(k=0)")),
    Case("spec_knn_unknown_weights", "spec", "k nearest neighbours with unknown neighbour weights",
         META, DATA, "SpecError", "weights must be 'uniform' or 'distance', got 'gaussian'",
         spec={"imputation": "knn(weights=gaussian)"}, cli=("--imputation", "knn(weights=gaussian)")),
    Case("spec_imputation_unknown_scope", "spec", "a model imputation over an unknown scope",
         META, DATA, "SpecError", "imputation scope 'continent': expected 'pillar'",
         spec={"imputation": "em(scope=continent)"}, cli=("--imputation", "em(scope=continent)")),
    Case("spec_parameter_not_a_number", "spec", "a method parameter that is not a number",
         META, DATA, "SpecError", "treatment: gii's skew_threshold must be a number, got 'abc'",
         spec={"treatment": "gii(skew_threshold=abc)"}, cli=("--treatment", "gii(skew_threshold=abc)")),
    Case("spec_z_score_sd_below_precision", "spec", "a z-score sd below the precision of its mean",
         META, DATA, "SpecError", "has an sd too small against its mean",
         spec={"normalization": "z_score(mean=1e300, sd=1e-300)"},
         cli=("--normalization", "z_score(mean=1e300, sd=1e-300)")),
    Case("spec_range_span_overflows", "spec", "an output range whose span exceeds the largest double",
         META, DATA, "SpecError", "has a span beyond the largest double; use a narrower range",
         spec={"range": (-1.7e308, 1.7e308)},
         # as plain decimals: argparse reads "-1.7e308" as an option
         cli=("--range", f"-{int(1.7e308)}", f"{int(1.7e308)}")),
    Case("spec_malformed_method", "spec", "a method call that does not parse",
         META, DATA, "SpecError", "normalization: cannot read the method 'z_score(mean=100'",
         spec={"normalization": "z_score(mean=100"}, cli=("--normalization", "z_score(mean=100")),
    Case("spec_unknown_parameter", "spec", "a parameter the method does not have",
         META, DATA, "SpecError", "normalization: bad parameters for 'z_score' (sigma=10): it takes mean, sd",
         spec={"normalization": "z_score(sigma=10)"}, cli=("--normalization", "z_score(sigma=10)")),
    Case("spec_z_score_zero_sd", "spec", "z-scores with sd 0",
         META, DATA, "SpecError", "z_score needs a finite mean and a positive sd",
         spec={"normalization": "z_score(sd=0)"}, cli=("--normalization", "z_score(sd=0)")),
    Case("spec_generalized_mean_nan_power", "spec", "a generalized mean with power NaN",
         META, DATA, "SpecError", "generalized_mean needs a finite power p",
         spec={"aggregation": "generalized_mean(p=nan)"}, cli=("--aggregation", "generalized_mean(p=nan)")),
    Case("spec_goalposts_missing", "spec", "goalposts normalization without goalposts in the metadata",
         META, DATA, "SpecError", "indicator 'i1': goalposts normalization needs a lower and an upper goalpost",
         spec={"normalization": "goalposts"}, cli=("--normalization", "goalposts")),
    Case("spec_target_missing", "spec", "distance to target without targets",
         META, DATA, "SpecError", "indicator 'i1': distance_to_target needs a target",
         spec={"normalization": "distance_to_target"}, cli=("--normalization", "distance_to_target")),
    Case("spec_goalpost_outside_treatment_log", "spec",
         "a goalpost the outlier treatment's log transform cannot take (the indicator was log-transformed)",
         table("code,parent,lower,upper", ["Index,,,", "P1,Index,,", "P2,Index,,", "i1,P1,-50,1000", "i2,P1,0,100",
                                           "i3,P2,0,100", "i4,P2,0,100"]),
         _SKEWED_DATA, "DataError",
         "indicator 'i1': its lower goalpost -50 is outside the domain of the log transform the outlier treatment "
         "applied (fitted on values from 1 to 1000)",
         spec={"normalization": "goalposts", "treatment": "gii"},
         cli=("--normalization", "goalposts", "--treatment", "gii")),
    Case("spec_treatment_negative_threshold", "spec", "a negative skewness threshold",
         META, DATA, "SpecError", "treatment thresholds must be finite, the skew threshold non-negative",
         spec={"treatment": "gii(skew_threshold=-1)"}, cli=("--treatment", "gii(skew_threshold=-1)")),
    Case("spec_treatment_nan_threshold", "spec", "a NaN kurtosis threshold",
         META, DATA, "SpecError", "treatment thresholds must be finite",
         spec={"treatment": "gii(kurtosis_threshold=nan)"}, cli=("--treatment", "gii(kurtosis_threshold=nan)")),
    Case("spec_treatment_negative_count", "spec", "a negative number of points to winsorize (N < 0)",
         META, DATA, "SpecError", "the maximum number of winsorized points must be >= 0",
         spec={"treatment": "gii(max_winsorized=-1)"}, cli=("--treatment", "gii(max_winsorized=-1)")),
    Case("spec_coverage_above_one", "spec", "a coverage share above 1",
         META, DATA, "SpecError", "coverage: coverage must be between 0 and 1, got 1.5",
         spec={"coverage": 1.5}, cli=("--coverage", "1.5")),
    Case("spec_coverage_negative", "spec", "a negative coverage share",
         META, DATA, "SpecError", "coverage: coverage must be between 0 and 1, got -0.1",
         spec={"coverage": -0.1}, cli=("--coverage", "-0.1")),
    Case("spec_coverage_nan", "spec", "a NaN coverage share",
         META, DATA, "SpecError", "coverage: coverage must be between 0 and 1, got nan",
         spec={"coverage": float("nan")}, cli=("--coverage", "nan")),
    Case("spec_unknown_weight_set", "spec", "a weight set the framework does not have",
         META, DATA, "SpecError", "unknown weight set 'expert'",
         spec={"weights": "expert"}, cli=("--weights", "expert")),
    # Aggregation beyond weighted means (docs/aggregation.md, docs/benefit_of_doubt.md, docs/ratio.md).
    Case("data_bod_negative", "data", "Benefit of the Doubt over z-scores (negative values)",
         META, DATA, "DataError",
         "node 'P1': benefit_of_doubt needs non-negative values, but unit 'u1' has -1.1619 for 'i1'",
         spec={"normalization": "z_score", "aggregation": "benefit_of_doubt"},
         cli=("--normalization", "z_score", "--aggregation", "benefit_of_doubt")),
    Case("spec_owa_weights_sum", "spec", "OWA ordered weights that do not sum to 1",
         META, DATA, "SpecError", "node 'Index': owa: ordered weights must sum to 1, but 0.5;0.3 sum to 0.8",
         spec={"aggregation": "owa(weights=0.5;0.3)"}, cli=("--aggregation", "owa(weights=0.5;0.3)")),
    Case("data_ampi_goalposts", "data", "AMPI goalposts that do not contain the data",
         META, DATA, "DataError", "node 'P1': ampi: unit 'u1' has 0 for 'i1', outside the goalposts 40..60",
         spec={"aggregation": "ampi(reference=50, range=10)"}, cli=("--aggregation", "ampi(reference=50, range=10)")),
    Case("meta_ratio_unknown_operand", "metadata", "a ratio node whose denominator is not a node",
         ratio_meta("P1", "P9"), DATA, "SpecError", "ratio node 'R': its denominator 'P9' is not a node of the framework"),
    Case("data_ratio_zero_denominator", "data", "a ratio node whose denominator scores 0 for a unit",
         ratio_meta("P1", "P2"), DATA, "DataError", "ratio node 'R': unit 'u1' has a zero denominator"),
    # Files as people make them: encodings, separators, number formats, header names.
    Case("files_cp1258", "files", "files saved in Vietnamese Windows' code page (cp1258), no --encoding",
         VI_META, VI_DATA, "DataError", "meta.csv: byte 48 (line 2) is not UTF-8 (0xD2): read it with encoding='cp1258' "
         "(Vietnamese Windows), 'cp1252' (Western European Windows) or 'utf-16' (on the command line --encoding cp1258)",
         encoding="cp1258"),
    Case("files_cp1252", "files", "a metadata file saved in cp1252 (Western European Windows), no --encoding",
         with_column("name", {"i1": "Qualité de l'air"}), DATA, "DataError",
         "meta.csv: byte 90 (line 5) is not UTF-8 (0xE9): read it with encoding='cp1258'", encoding="cp1252"),
    Case("files_utf16_without_bom", "files", "UTF-16 without a byte-order mark",
         META, DATA, "DataError", "meta.csv: byte 1 is a NUL byte: the file looks like UTF-16 without a byte-order mark; "
         "read it with encoding='utf-16-le'", encoding="utf-16-le"),
    Case("files_unknown_encoding", "files", "an encoding Python does not know",
         META, DATA, "DataError", "meta.csv: unknown encoding 'vn-windows'",
         read={"encoding": "vn-windows"}, cli=("--encoding", "vn-windows")),
    Case("files_semicolons_with_decimal_points", "files", "';' between cells but '.' in numbers (read as decimal commas)",
         semicolons(META), DEC_DATA.replace(",", ";"), "DataError",
         "data.csv, row 2, column 'i1' (unit 'u1'): '1.5' has the decimal mark '.', but the file is read with decimal "
         "','; read it with --decimal ."),
    Case("files_semicolons_ambiguous_dot", "files", "';' between cells and a number like 2.250",
         semicolons(META), semicolons(DATA).replace("u2;North;2;", "u2;North;2.250;"), "DataError",
         "row 3, column 'i1' (unit 'u2'): '2.250' has a '.', but the file is read with decimal ',': read it with "
         "--thousands . if it separates thousands, or with --decimal . if it is the decimal mark"),
    Case("files_thousands_dots", "files", "'.' between thousands in a ';' file (1.234,5), no --thousands",
         semicolons(META), semicolons(DATA).replace("u2;North;2;", "u2;North;1.234,5;"), "DataError",
         "row 3, column 'i1' (unit 'u2'): '1.234,5' has '.' between thousands, but the file is read with decimal ',';"
         " read it with --thousands ."),
    Case("files_nbsp_thousands", "files", "no-break spaces (U+00A0) between thousands",
         META, data((1, "u2,North,1\u00a0234,20,6,4")), "DataError",
         r"row 3, column 'i1' (unit 'u2'): '1\xa0234' has spaces"
         " between thousands; write 1234 (or read the file with "
         "--thousands ' ')"),
    Case("files_duplicate_after_spaces", "files", "two header names equal once their spaces are removed",
         META, data(header="unit,region,i1,i2,i3,i4, i1 ", rows=tuple(r + ",1" for r in DATA_ROWS)), "DataError",
         "data.csv: duplicate column 'i1' in the header (once the spaces around the names are removed)"),
    Case("files_same_code_nfc_nfd", "files", "two columns naming one code, one in NFC and one in NFD Unicode",
         VI_META, table("unit,region,Đắk Lắk,i2,i3,i4,De\u0302\u0301", []).replace(
             "De\u0302\u0301", "\u0110a\u0306\u0301k La\u0306\u0301k") + "\n".join(
             r + ",1" for r in VI_DATA.splitlines()[1:]) + "\n", "DataError",
         "(in NFD: letters and combining marks) both name indicator 'Đắk Lắk' (once spaces around them are removed "
         "and their Unicode is normalized to NFC)"),
]

TREATMENTS: list[Treatment] = [
    Treatment("all_missing_unit", "a unit with no values at all",
              "the unit stays in the output with no score and no rank at any aggregate; a warning names it",
              META, data((2, "u3,South,,,,")), "unit 'u3' has no 'Index' score", unscored=("u3",)),
    Treatment("coverage_drops_unit", "a unit below the coverage threshold",
              "the unit gets no score where it has too few children with data; a warning names it",
              META, data((2, "u3,South,,,7,8")), "unit 'u3' has no 'Index' score",
              spec={"coverage": 1.0}, cli=("--coverage", "1"), unscored=("u3",)),
    Treatment("zero_weight_indicator", "an indicator with weight 0",
              "the indicator is scored and ranked, but left out of its parent (neither averaged nor counted "
              "for coverage)", meta((3, "i1,P1,0,1")), DATA, ""),
    Treatment("unit_missing_a_pillar", "a unit with no values in one pillar",
              "the pillar has no score for the unit; the index averages the pillars it has (raise coverage "
              "to require them)", META, data((2, "u3,South,3,15,,")), ""),
    Treatment("missing_cells", "empty, NA, NaN, n/a, -, .. cells",
              "read as missing values: aggregates average the children a unit has (see coverage)",
              META, data((0, "u1,North,,NA,5,2"), (1, "u2,North,2,20,n/a,-")), "",
              ),
    # Files as people make them: each scores exactly as the plain UTF-8 file (tests/python/test_files.py).
    Treatment("files_utf8_bom", "UTF-8 with a byte-order mark (Excel's \"CSV UTF-8\"), Vietnamese names",
              "the mark is dropped; names are kept exactly", VI_META, VI_DATA, "", encoding="utf-8-sig"),
    Treatment("files_utf16", "UTF-16 with a byte-order mark (Excel's \"Unicode Text\", here comma-separated)",
              "read as UTF-16 (LE or BE, from the mark)", VI_META, VI_DATA, "", encoding="utf-16"),
    Treatment("files_cp1258_with_encoding", "files saved in cp1258 (Vietnamese Windows)",
              "decoded and normalized to NFC (cp1258 writes tone marks as combining characters)", VI_META, VI_DATA, "",
              encoding="cp1258", read={"encoding": "cp1258"}, cli=("--encoding", "cp1258")),
    Treatment("files_semicolons_decimal_commas", "';' between cells and decimal commas (Excel in Vietnamese, German, "
              "French, ... locales)", "detected from a header with ';' and no ',': read with decimal ','; override "
              "with --sep and --decimal", semicolons(META), semicolons(DEC_DATA), ""),
    Treatment("files_thousands_dots_option", "'.' between thousands in a ';' file",
              "1.234,5 reads as 1234.5", semicolons(META), semicolons(DATA).replace("u4;South;4;", "u4;South;1.234,5;"),
              "", read={"thousands": "."}, cli=("--thousands", ".")),
    Treatment("files_crlf", "Windows line endings (CRLF)", "read as line ends",
              META.replace("\n", "\r\n"), DATA.replace("\n", "\r\n"), ""),
    Treatment("files_lone_cr", "old Mac line endings (a lone CR)", "read as line ends",
              META.replace("\n", "\r"), DATA.replace("\n", "\r"), ""),
    Treatment("files_header_spaces", "spaces and no-break spaces around header names", "the names are stripped",
              meta(header=" code , parent,weight\u00a0,direction"), data(header="unit , region, i1,i2 ,i3,\u00a0i4"), ""),
    Treatment("files_excel_leftovers", "trailing separators and trailing empty rows (Excel's ',,,' rows)",
              "columns with no name and no value, and trailing rows with no value, are dropped",
              meta(header=META_HEADER + ",,", rows=tuple(r + ",," for r in META_ROWS), extra=(",,,,,",)),
              data(header=DATA_HEADER + ",", rows=tuple(r + "," for r in DATA_ROWS), extra=(",,,,,,", ",,,,,,")), ""),
    Treatment("files_nbsp_around_numbers", "no-break spaces around numbers", "stripped like spaces",
              META, data((0, "u1,North,\u00a01\u00a0,10,5,2")), ""),
    Treatment("files_nfd_header", "an indicator code written in NFD Unicode (letters + combining marks) in the data "
              "header", "matched to the framework's code after NFC normalization; the framework's spelling is kept",
              VI_META, VI_DATA.replace("Đắk Lắk,i2", "\u0110a\u0306\u0301k La\u0306\u0301k,i2"), ""),
]


# -- running a case --------------------------------------------------------------------------------
Entry = Union[Case, Treatment]


def write_files(entry: Entry, directory: str | os.PathLike[str]) -> tuple[str, str]:
    """Write the entry's ``meta.csv`` and ``data.csv`` into ``directory``; returns their paths."""
    meta_path, data_path = Path(directory) / "meta.csv", Path(directory) / "data.csv"
    meta_path.write_bytes(encode(entry.meta, entry.encoding))
    data_path.write_bytes(encode(entry.data, entry.encoding))
    return str(meta_path), str(data_path)


def run_api(entry: Entry, meta_path: str, data_path: str) -> Any:
    """The Python API as a user calls it: the framework from its CSV file, the data read with
    compindex.read_csv as text (compindex converts each cell when it scores, naming any bad one),
    then compindex.score. Returns the result; raises what compindex raises."""
    import compindex as ci

    fw = ci.Framework.from_csv(meta_path, **entry.read)
    table = ci.read_csv(data_path, **entry.read)
    return ci.score(fw, table, **entry.spec)


def run_cli(entry: Entry, meta_path: str, data_path: str, out_path: str) -> tuple[int, str, str]:
    """``compindex score`` in-process: the exit status, stdout and stderr."""
    from compindex.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["score", "--framework", meta_path, "--data", data_path, "--out", out_path, *entry.cli])
    return status, out.getvalue(), err.getvalue()


def api_outcome(entry: Entry, meta_path: str, data_path: str) -> tuple[str, str, list[str]]:
    """(exception class name or "", its message, the CompindexWarning messages)."""
    import compindex as ci

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ci.CompindexWarning)
        try:
            run_api(entry, meta_path, data_path)
        except Exception as e:  # noqa: BLE001 - reported, and the tests check the class
            return type(e).__name__, str(e), []
    return "", "", [str(w.message) for w in caught if issubclass(w.category, ci.CompindexWarning)]
