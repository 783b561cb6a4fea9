"""The index as a tree of nodes, read from a metadata table (one row per node)."""

from __future__ import annotations

import math
import os
import re
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from . import _core
from ._reading import DEFAULT_NUMBERS, NUMBERS_ATTR, nfc, numbers_of, parse_number
from ._reading import read_csv as _read_csv
from .errors import DataError, SpecError

__all__ = ["Framework"]

#: Metadata columns compindex reads; any other column is kept as metadata (an agency, a source).
KNOWN_COLUMNS = ("code", "parent", "weight", "direction", "name", "kind", "aggregation", "normalization", "lower",
                 "upper", "transform", "target", "denominator", "scale", "coverage")


#: Metadata columns named weight_<NAME> hold the named weight set NAME.
WEIGHT_SET_PREFIX = "weight_"


def _where(source: str, row: int, column: str) -> str:
    return f"{source}, row {row}, column {column!r}"


#: How to write "no value" in a metadata cell, for "not a number" messages.
_EMPTY_HINT = " (for no value, leave the cell empty)"


def _number(cell: Any, where: str, default: float = math.nan, *, missing_text: bool = True,
            numbers: tuple[str, str | None] = DEFAULT_NUMBERS) -> float:
    """A metadata cell as a number: an empty cell gives ``default``; so does a written missing
    marker (NA, NaN, n/a) unless ``missing_text`` is False (for weights, where it is an error).
    ``numbers`` is the file's number format (decimal mark, thousands separator)."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return default
    if isinstance(cell, str):
        text = cell.strip()
        if text == "":
            return default
        if text.lower() in ("na", "nan", "n/a"):
            if missing_text:
                return default
            raise DataError(f"{where}: {text!r} is not a number (leave the cell empty for the default)")
        try:
            value = parse_number(text, *numbers)
        except ValueError as e:
            raise DataError(f"{where}: {str(e) or f'{text!r} is not a number{_EMPTY_HINT}'}") from None
    else:
        try:
            value = float(cell)
        except (TypeError, ValueError):
            raise DataError(f"{where}: {cell!r} is not a number{_EMPTY_HINT}") from None
    if math.isinf(value):
        raise DataError(f"{where}: {cell!r} is infinite")
    return value


_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")  # 1,234 or 1,234.5
_THOUSANDS_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+,\d*")  # 1.234,5
_DECIMAL_COMMA = re.compile(r"\d*,\d+|\d+,")  # 1,5 or ,5


def comma_advice(text: str) -> str | None:
    """What to write instead of a number with commas (a decimal comma, or commas or dots between
    thousands), or None if the text is not such a number."""
    t = text.strip()
    body = t.lstrip("+-")
    sign = t[: len(t) - len(body)]
    if _THOUSANDS_DOT.fullmatch(body):
        return f"{t!r} uses a decimal comma and dots between thousands; write {sign}{body.replace('.', '').replace(',', '.')}"
    if _THOUSANDS_COMMA.fullmatch(body):
        plain = sign + body.replace(",", "")
        if "." in body or body.count(",") > 1:
            return f"{t!r} uses commas between thousands; write {plain}"
        return (f"{t!r} has a comma: write {plain} if it separates thousands, or {sign}{body.replace(',', '.')} "
                "if it is a decimal comma")
    if _DECIMAL_COMMA.fullmatch(body):
        return f"{t!r} uses a decimal comma; write {sign}{body.replace(',', '.')}"
    return None


def read_text_csv(path: str, **read_csv_kwargs: Any) -> pd.DataFrame:
    """A CSV file as text cells (``dtype=str``, empty cells as ``""`` unless the keywords say
    otherwise), with one-line DataErrors for a missing or unreadable file and a repeated column.

    Parameters
    ----------
    path
        The CSV file.
    **read_csv_kwargs
        ``encoding``, ``sep``, ``decimal``, ``thousands`` (detected by default) and any
        :func:`pandas.read_csv` keyword, as for :func:`compindex.read_csv`.

    Returns
    -------
    pandas.DataFrame
        As :func:`compindex.read_csv` returns it.

    Raises
    ------
    DataError
        As :func:`compindex.read_csv`.
    """
    return _read_csv(path, **read_csv_kwargs)


def delimiter_hint(columns: Iterable[Any]) -> str:
    """A hint for a table read as one column because its cells are not separated by commas."""
    names = [str(c) for c in columns]
    if len(names) == 1:
        for d in (";", "\t", "|"):
            if d in names[0]:
                return (f" (the file seems to separate cells with {d!r}; give the separator: --sep {d!r} on the "
                        f"command line, sep={d!r} in compindex.read_csv)")
    return ""


_RATIO = re.compile(r"\s*ratio\s*\((.*)\)\s*", re.IGNORECASE | re.DOTALL)


def is_ratio_cell(text: str) -> bool:
    """Whether an ``aggregation`` cell declares a ratio node (``ratio(...)``)."""
    return _RATIO.fullmatch(text) is not None


def parse_ratio(text: str, where: str, code: str) -> tuple[str, str]:
    """The (numerator, denominator) codes of a ``ratio(numerator=OUT, denominator=IN)`` cell
    (``ratio(OUT, IN)`` also works; codes may be quoted)."""
    m = _RATIO.fullmatch(text)
    if m is None:
        raise SpecError(f"{where}: node {code!r}: {text!r} is not ratio(numerator=..., denominator=...)")
    args = [a.strip() for a in m.group(1).split(",")] if m.group(1).strip() else []
    found: dict[str, str] = {}
    for k, a in enumerate(args):
        key, eq, value = a.partition("=")
        if eq:
            key = key.strip().lower()
            if key not in ("numerator", "denominator"):
                raise SpecError(f"{where}: ratio node {code!r}: unknown argument {key!r} (expected numerator and denominator)")
        elif k < 2 and not any("=" in b for b in args[:k]):
            key, value = ("numerator", "denominator")[k], a
        else:
            raise SpecError(f"{where}: ratio node {code!r}: {a!r} should be numerator=... or denominator=...")
        if key in found:
            raise SpecError(f"{where}: ratio node {code!r}: {key} given twice")
        value = value.strip().strip("'\"").strip()
        if not value:
            raise SpecError(f"{where}: ratio node {code!r}: empty {key}")
        found[key] = value
    for key in ("numerator", "denominator"):
        if key not in found:
            raise SpecError(f"{where}: ratio node {code!r}: no {key} given (write ratio(numerator=..., denominator=...))")
    return found["numerator"], found["denominator"]


def _text(cell: Any) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


class Framework:
    """A validated index tree: indicators at the leaves, aggregates above them, any depth.

    Build one with :meth:`from_frame` or :meth:`from_csv`. Node order follows the table; the
    indicators' order is the column order of every data set compindex returns.
    """

    def __init__(self, core: _core.Framework, meta: pd.DataFrame) -> None:
        self._core = core
        self._numbers: tuple[str, str | None] = DEFAULT_NUMBERS  # the metadata file's number format
        self.meta = meta
        """The metadata table, indexed by code (every column, known or not)."""

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, source: str = "metadata") -> Framework:
        """A framework from a metadata table with one row per node.

        Columns: ``code`` (required), ``parent`` (empty for the root), ``weight`` (default 1),
        ``direction`` (1 or -1, default 1), ``name``, and optional per-node methods
        ``aggregation``, ``normalization``, ``transform``, ``lower``/``upper`` (goalposts in raw
        units), ``target``, ``denominator`` (with ``scale``) and ``coverage``. Unknown columns are
        kept as metadata (``meta``). A column ``weight_<NAME>`` is the named weight set NAME
        (score with ``weights="NAME"``); an empty cell there is the node's nominal weight.

        A ratio node (the GII's Innovation Efficiency Ratio) has the ``aggregation`` cell
        ``ratio(numerator=OUT, denominator=IN)`` (``kind`` ``ratio`` is optional): its score is
        the numerator node's score over the denominator node's, per unit. It has no children, is
        ranked like any node, and is left out of every aggregate: its ``parent`` (empty, or the
        aggregate it is shown under) and its ``weight`` do not enter any score.

        Parameters
        ----------
        df : pandas.DataFrame
            The metadata table.
        source : str
            What to call the table in error messages (e.g. its file name).

        Returns
        -------
        Framework

        Raises
        ------
        SpecError
            for a malformed tree (duplicate codes, unknown parent, cycles, ...), naming the node.
        DataError
            for a cell that is not a number where one is needed, naming the row and column.
        """
        if not isinstance(df, pd.DataFrame):
            raise SpecError(f"{source}: expected a DataFrame, got {type(df).__name__}")
        numbers = numbers_of(df)
        df = df.copy()
        df.columns = [str(c).strip() for c in df.columns]
        if "code" not in df.columns:
            raise SpecError(f"{source}: no 'code' column (columns are {', '.join(map(str, df.columns))})"
                            f"{delimiter_hint(df.columns)}")
        df = df.reset_index(drop=True)
        # CSV files and workbook sheets ("book.xlsx, sheet 'meta'") count the header as row 1
        row0 = 2 if source.endswith(".csv") or re.search(r", sheet '.*'$", source) else 1
        codes, parents, weights, directions, names, kinds = [], [], [], [], [], []
        lower, upper, target = [], [], []
        numerators, denominators = [], []
        first_row: dict[str, int] = {}
        for i, rec in enumerate(df.to_dict("records")):
            row = i + row0
            code = _text(rec.get("code"))
            if not code:
                raise SpecError(f"{_where(source, row, 'code')}: empty code")
            if code in first_row:
                raise SpecError(f"{source}: duplicate code {code!r} (rows {first_row[code]} and {row})")
            first_row[code] = row
            codes.append(code)
            parents.append(_text(rec.get("parent")))
            if is_ratio_cell(_text(rec.get("aggregation"))):
                weights.append(0.0)  # a ratio node is in no aggregate: its weight cell is not read
            else:
                w = _number(rec.get("weight"), _where(source, row, "weight"), 1.0, missing_text=False, numbers=numbers)
                if w < 0:
                    raise SpecError(f"{_where(source, row, 'weight')}: node {code!r}: weight must be a finite non-negative number, got {w:g}")
                weights.append(w)
            d = _number(rec.get("direction"), _where(source, row, "direction"), 1.0, missing_text=False, numbers=numbers)
            if d not in (1.0, -1.0):
                raise SpecError(f"{_where(source, row, 'direction')}: direction must be 1 or -1, got {rec.get('direction')!r}")
            directions.append(int(d))
            names.append(_text(rec.get("name")))
            kind = _text(rec.get("kind")).lower()
            if kind not in ("", "indicator", "aggregate", "ratio"):
                # (the message predates ratio nodes; docs/errors.md quotes it)
                raise SpecError(f"{_where(source, row, 'kind')}: kind must be 'indicator' or 'aggregate', got {kind!r}")
            agg_cell = _text(rec.get("aggregation"))
            if is_ratio_cell(agg_cell):
                if kind in ("indicator", "aggregate"):
                    raise SpecError(f"{_where(source, row, 'kind')}: node {code!r} is declared {kind!r} but its "
                                    f"aggregation is {agg_cell!r}; a ratio node's kind is 'ratio' (or empty)")
                num, den = parse_ratio(agg_cell, _where(source, row, "aggregation"), code)
                kind = "ratio"
            elif kind == "ratio":
                raise SpecError(f"{_where(source, row, 'kind')}: ratio node {code!r}: give its operands in the "
                                "aggregation column, as ratio(numerator=..., denominator=...)")
            else:
                num = den = ""
            numerators.append(num)
            denominators.append(den)
            kinds.append(kind)
            lower.append(_number(rec.get("lower"), _where(source, row, "lower"), numbers=numbers))
            upper.append(_number(rec.get("upper"), _where(source, row, "upper"), numbers=numbers))
            target.append(_number(rec.get("target"), _where(source, row, "target"), numbers=numbers))
        by_nfc = {nfc(c): c for c in codes}  # a parent matches a code after NFC normalization
        for i, (code, parent) in enumerate(zip(codes, parents)):
            if parent and parent not in first_row and nfc(parent) in by_nfc:
                parents[i] = parent = by_nfc[nfc(parent)]
            if parent and parent not in first_row:
                from ._methods import did_you_mean

                raise SpecError(f"{_where(source, i + row0, 'parent')}: node {code!r}: unknown parent {parent!r}"
                                f"{did_you_mean(parent, codes)}")
        try:
            core = _core.Framework(code=codes, parent=parents, weight=weights, direction=directions, name=names,
                                   kind=kinds, lower=lower, upper=upper, target=target, numerator=numerators,
                                   denominator=denominators)
        except SpecError as e:
            raise SpecError(f"{source}: {e}") from None
        meta = df.copy()
        meta["code"] = codes
        meta["parent"] = parents
        meta["weight"] = weights
        meta["direction"] = directions
        meta["name"] = names
        meta = meta.set_index("code", drop=True)
        fw = cls(core, meta)
        fw._numbers = numbers
        fw._check_method_columns(source, row0)
        fw._read_weight_sets(df, codes, source, row0)
        return fw

    def _read_weight_sets(self, df: pd.DataFrame, codes: list[str], source: str, row0: int) -> None:
        # Every column weight_<NAME> is the named weight set NAME; an empty cell is the node's
        # nominal weight.
        for col in df.columns:
            if not col.startswith(WEIGHT_SET_PREFIX):
                continue
            name = col[len(WEIGHT_SET_PREFIX):].strip()
            if not name:
                raise SpecError(f"{source}: column {col!r}: a weight-set column needs a name after 'weight_'")
            overrides: dict[str, float] = {}
            for i, (code, cell) in enumerate(zip(codes, df[col])):
                where = _where(source, i + row0, col)
                w = _number(cell, where, math.nan, missing_text=False, numbers=self._numbers)
                if math.isnan(w):
                    continue
                if w < 0:
                    raise SpecError(f"{where}: node {code!r}: weight must be a finite non-negative number, got {w:g}")
                overrides[code] = w
            try:
                self._core.add_weight_set(name, overrides)
            except SpecError as e:
                raise SpecError(f"{source}, column {col!r}: {e}") from None

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], *, encoding: str | None = None, sep: str | None = None,
                 decimal: str | None = None, thousands: str | None = None, **read_csv_kwargs: Any) -> Framework:
        """A framework from a metadata CSV file (see :meth:`from_frame` for the columns).

        The file is read by :func:`compindex.read_csv`: a byte-order mark (UTF-8, UTF-16) is
        honored, otherwise the file must be UTF-8 unless ``encoding`` says otherwise; a header with
        semicolons and no comma means a semicolon-separated file with decimal commas.

        Parameters
        ----------
        path : str or os.PathLike
            The metadata CSV file: one row per node.
        encoding, sep, decimal, thousands
            As for :func:`compindex.read_csv` (default: detected).
        **read_csv_kwargs
            Passed on to :func:`pandas.read_csv`.

        Returns
        -------
        Framework

        Raises
        ------
        DataError
            For a file that cannot be read (naming the encoding to choose), a column named twice,
            or a cell that is not a number.
        SpecError
            For a malformed tree (see :meth:`from_frame`).
        """
        path = os.fspath(path)
        df = _read_csv(path, encoding=encoding, sep=sep, decimal=decimal, thousands=thousands, **read_csv_kwargs)
        return cls.from_frame(df, source=path)

    @classmethod
    def from_nodes(cls, nodes: Iterable[Mapping[str, Any]]) -> Framework:
        """A framework from a list of dicts with the metadata columns as keys.

        Parameters
        ----------
        nodes : iterable of mapping
            One mapping per node, e.g. ``{"code": "P1", "parent": "Index", "weight": 2}``.

        Returns
        -------
        Framework
        """
        return cls.from_frame(pd.DataFrame(list(nodes)), source="nodes")

    def _check_method_columns(self, source: str, row0: int) -> None:
        # Per-node method cells must name known methods on the right kind of node.
        from . import _methods

        for col, parse, on_indicators in (("aggregation", _methods.aggregation, False),
                                           ("normalization", _methods.normalization, True),
                                           ("transform", _methods.transform, True)):
            if col not in self.meta.columns:
                continue
            for i, (code, cell) in enumerate(self.meta[col].items()):
                text = _text(cell)
                if not text or (col == "aggregation" and self.is_ratio(code)):
                    continue  # a ratio node's aggregation cell is its declaration, read above
                where = _where(source, i + row0, col)
                if self.is_indicator(code) != on_indicators:
                    kind = "an indicator" if on_indicators else "an aggregate"
                    raise SpecError(f"{where}: {col} {text!r} is given for {code!r}, which is not {kind}")
                parse(text, where)
        if "denominator" in self.meta.columns:
            for i, (code, cell) in enumerate(self.meta["denominator"].items()):
                if _text(cell) and not self.is_indicator(code):
                    raise SpecError(f"{_where(source, i + row0, 'denominator')}: {code!r} is not an indicator")
        if "coverage" in self.meta.columns:
            for i, cell in enumerate(self.meta["coverage"]):
                _number(cell, _where(source, i + row0, "coverage"), numbers=self._numbers)

    # -- the tree ---------------------------------------------------------------------------
    @property
    def codes(self) -> list[str]:
        """Every node code, in table order."""
        return list(self._core.node_codes)

    @property
    def indicators(self) -> list[str]:
        """Indicator codes, in table order (the data column order)."""
        return list(self._core.indicator_codes)

    @property
    def aggregates(self) -> list[str]:
        """Aggregate codes, in table order (= the columns of ``Result.data("aggregated")``; the
        ratio nodes are among them)."""
        return list(self._core.aggregate_codes)

    @property
    def ratios(self) -> dict[str, tuple[str, str]]:
        """The ratio nodes, in table order: code -> (numerator, denominator)."""
        num, den = self._core.numerators, self._core.denominators
        pos = {c: i for i, c in enumerate(self.codes)}
        return {c: (num[pos[c]], den[pos[c]]) for c in self._core.ratio_codes}

    def is_ratio(self, code: str) -> bool:
        """Whether a node is a ratio node (its score is numerator / denominator).

        Parameters
        ----------
        code : str
            A node's code.

        Returns
        -------
        bool
        """
        return bool(self._core.is_ratio(code))

    @property
    def root(self) -> str:
        """The code of the root node (the index)."""
        return str(self._core.root)

    @property
    def levels(self) -> pd.Series:
        """Level of every node, counted from the leaves: 1 at indicators, one more than the
        highest child above; a ratio node has the higher level of its numerator and denominator.
        In a tree of mixed depth two nodes at the same level can lie at different depths (see
        :attr:`depths`, counted from the root)."""
        return pd.Series(self._core.levels, index=self.codes, name="level")

    @property
    def depths(self) -> pd.Series:
        """Depth of every node, counted from the root: 0 at the root, one more than its parent
        below. A ratio node shown under an aggregate is one deeper than it; a ratio node shown
        under no node has the depth of the shallower of its numerator and denominator (it sits
        beside them)."""
        depth: dict[str, int] = {}
        parents = dict(zip(self.codes, self._core.parents))
        ratios = self.ratios

        def of(code: str) -> int:
            if code not in depth:
                p = parents[code]
                if p:
                    depth[code] = of(p) + 1
                elif code in ratios:
                    depth[code] = min(of(ratios[code][0]), of(ratios[code][1]))
                else:
                    depth[code] = 0
            return depth[code]

        return pd.Series([of(c) for c in self.codes], index=self.codes, name="depth", dtype="int64")

    def depth_of(self, code: str) -> int:
        """A node's depth, counted from the root (0 = root); see :attr:`depths`.

        Parameters
        ----------
        code : str
            A node's code.

        Returns
        -------
        int

        Raises
        ------
        SpecError
            The code is not a node of the framework.
        """
        depths = self.depths
        if code not in depths.index:
            self._known(code)
        return int(depths[code])

    def nodes_at(self, level: int | None = None, *, depth: int | None = None) -> list[str]:
        """The nodes at ``level`` or at ``depth``, in table order; give exactly one.

        Parameters
        ----------
        level : int, optional
            A level, counted from the leaves (1 = indicators); see :attr:`levels`.
        depth : int, optional
            A depth, counted from the root (0 = the root); see :attr:`depths`.

        Returns
        -------
        list of str
            The nodes' codes.

        Raises
        ------
        SpecError
            Both or neither of ``level`` and ``depth`` are given.
        """
        if (level is None) == (depth is None):
            raise SpecError("nodes_at: give either level (from the leaves, 1 = indicators) or depth (from the root, 0 = root)")
        if level is not None:
            return [c for c, v in self.levels.items() if v == level]
        return [c for c, v in self.depths.items() if v == depth]

    def _known(self, code: str) -> None:
        if code not in set(self.codes):
            from ._methods import did_you_mean

            raise SpecError(f"unknown node {code!r}{did_you_mean(code, self.codes)}")

    @property
    def parents(self) -> pd.Series:
        """Each node's parent code (empty for the root), indexed by code."""
        return pd.Series(self._core.parents, index=self.codes, name="parent")

    @property
    def names(self) -> pd.Series:
        """Display names (the code where no name is given)."""
        return pd.Series([n or c for n, c in zip(self._core.names, self.codes)], index=self.codes, name="name")

    @property
    def directions(self) -> pd.Series:
        """Each node's direction (1: higher is better, -1: lower is better), indexed by code."""
        return pd.Series(self._core.directions, index=self.codes, name="direction")

    def is_indicator(self, code: str) -> bool:
        """Whether a node is an indicator (a leaf of the tree).

        Parameters
        ----------
        code : str
            A node's code.

        Returns
        -------
        bool
        """
        return bool(self._core.is_indicator(code))

    def children(self, code: str) -> list[str]:
        """The nodes aggregated into ``code`` (never a ratio node; a ratio node has none).

        Parameters
        ----------
        code : str
            A node's code.

        Returns
        -------
        list of str
            The children's codes, in table order (empty for an indicator).
        """
        return list(self._core.children(code))

    def ancestors(self, code: str) -> list[str]:
        """The ancestors of a node, nearest first, the root last.

        Parameters
        ----------
        code : str
            A node's code.

        Returns
        -------
        list of str
        """
        return list(self._core.ancestors(code))

    def descendant_indicators(self, code: str) -> list[str]:
        """The indicators below a node (the node itself if it is an indicator), in table order.
        For a ratio node: the indicators its numerator and denominator depend on.

        Parameters
        ----------
        code : str
            A node's code.

        Returns
        -------
        list of str
        """
        if self.is_indicator(code):
            return [code]
        if self.is_ratio(code):
            num, den = self.ratios[code]
            under = set(self.descendant_indicators(num)) | set(self.descendant_indicators(den))
            return [i for i in self.indicators if i in under]
        return [i for i in self.indicators if code in self._core.ancestors(i)]

    def level_of(self, code: str) -> int:
        """A node's level, counted from the leaves (1 = indicators); see :attr:`levels`.

        Parameters
        ----------
        code : str
            A node's code.

        Returns
        -------
        int

        Raises
        ------
        SpecError
            The code is not a node of the framework.
        """
        levels = self.levels
        if code not in levels.index:
            self._known(code)
        return int(levels[code])

    # -- weights ----------------------------------------------------------------------------
    @property
    def weights(self) -> pd.Series:
        """The nominal weight of every node (relative to its siblings)."""
        return pd.Series(np.asarray(self._core.nominal_weights), index=self.codes, name="weight")

    def add_weight_set(self, name: str, weights: Mapping[str, float]) -> None:
        """Register a named alternative weight set: the nominal weights with ``weights`` overriding.

        Parameters
        ----------
        name : str
            The set's name (``score(..., weights=name)`` uses it).
        weights : mapping of str to float
            Node code to weight, for the nodes whose weight differs from the nominal one.
        """
        self._core.add_weight_set(name, {str(k): float(v) for k, v in weights.items()})

    def weight_set(self, name: str) -> pd.Series:
        """The weights of a named weight set (the empty name: the nominal weights).

        Parameters
        ----------
        name : str
            A name from :attr:`weight_sets`.

        Returns
        -------
        pandas.Series
            Each node's weight, indexed by code.

        Raises
        ------
        SpecError
            No weight set has that name (the message suggests the nearest).
        """
        if name and name not in self.weight_sets:
            from ._methods import did_you_mean

            sets = ", ".join(map(repr, self.weight_sets)) or "none"
            raise SpecError(f"unknown weight set {name!r}{did_you_mean(name, self.weight_sets)} (the framework's weight sets: {sets})")
        return pd.Series(np.asarray(self._core.weight_set(name)), index=self.codes, name=name or "weight")

    @property
    def weight_sets(self) -> list[str]:
        """The names of the framework's weight sets (metadata columns ``weight_<name>`` and
        :meth:`add_weight_set`)."""
        return list(self._core.weight_set_names)

    def effective_weights(self, weights: str | Mapping[str, float] | pd.Series | None = None) -> pd.Series:
        """Each node's final weight in the index (the product of renormalized weights down its path).

        Parameters
        ----------
        weights : str or mapping or pandas.Series, optional
            A weight set name, or per-node overrides of the nominal weights (None: the nominal weights).

        Returns
        -------
        pandas.Series
            Each node's effective weight, indexed by code.
        """
        w = self.resolve_weights(weights)
        return pd.Series(np.asarray(self._core.effective_weights(w.to_numpy())), index=self.codes, name="effective_weight")

    def resolve_weights(self, weights: str | Mapping[str, float] | pd.Series | None) -> pd.Series:
        """Every node's weight for a weight choice: the nominal weights, a named set, or the
        nominal weights with per-node overrides.

        Parameters
        ----------
        weights : str or mapping or pandas.Series or None
            None (the nominal weights), a weight set name, or node code to weight overrides.

        Returns
        -------
        pandas.Series
            Each node's weight, indexed by code.

        Raises
        ------
        SpecError
            An unknown weight set or node.
        """
        if weights is None:
            return self.weights
        if isinstance(weights, str):
            return self.weight_set(weights)
        w = self.weights.copy()
        for k, v in dict(weights).items():
            if k not in w.index:
                from ._methods import did_you_mean

                raise SpecError(f"weights: unknown node {k!r}{did_you_mean(k, w.index)}")
            w[k] = float(v)
        return w

    # -- metadata -----------------------------------------------------------------------------
    def column(self, name: str) -> pd.Series:
        """A metadata column (known or extra), indexed by code; empty strings where absent.

        Parameters
        ----------
        name : str
            The column's name.

        Returns
        -------
        pandas.Series

        Raises
        ------
        SpecError
            The metadata has no such column.
        """
        if name not in self.meta.columns:
            raise SpecError(f"the metadata has no column {name!r} (columns: {', '.join(self.meta.columns)})")
        return self.meta[name]

    def method_cells(self, column: str) -> dict[str, str]:
        """Non-empty cells of a per-node method column (``aggregation``: not the ratio nodes'
        declarations, see :attr:`ratios`).

        Parameters
        ----------
        column : str
            A method column: ``aggregation``, ``normalization``, ``transform``, ...

        Returns
        -------
        dict of str to str
            Node code to the cell's text (empty when the column is absent).
        """
        if column not in self.meta.columns:
            return {}
        return {code: _text(v) for code, v in self.meta[column].items()
                if _text(v) and not (column == "aggregation" and self.is_ratio(code))}

    def to_frame(self) -> pd.DataFrame:
        """The metadata table with the derived columns level and effective_weight (0 at ratio
        nodes, which are in no aggregate), and one column ``weight_<NAME>`` per named weight set
        (read back by :meth:`from_frame`). A ratio node keeps its ``aggregation`` cell."""
        out = self.meta.copy()
        for name in self.weight_sets:
            out[WEIGHT_SET_PREFIX + name] = self.weight_set(name).to_numpy()
        out.insert(0, "level", self.levels)
        out["effective_weight"] = self.effective_weights()
        return out

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        n_ratios = len(self._core.ratio_codes)
        ratios = f", {n_ratios} ratio node{'s' if n_ratios > 1 else ''}" if n_ratios else ""
        return (f"Framework(root={self.root!r}, {len(self.indicators)} indicators, "
                f"{len(self.aggregates) - n_ratios} aggregates{ratios}, {int(self.levels[self.root])} levels)")

    def __getstate__(self) -> dict[str, Any]:
        return {"core": self._core, "meta": self.meta}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._core = state["core"]
        self.meta = state["meta"]


