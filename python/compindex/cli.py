"""The command line: ``compindex score``, ``compindex weights``, ``compindex demo``, ``compindex profile``.

Bad input gives a one-line error naming the file, row and column, and exit status 2; never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any, Callable, Sequence

import pandas as pd

from . import _methods
from .errors import CompindexWarning, DataError, Error
from .framework import Framework, delimiter_hint, read_text_csv

__all__ = ["main"]


def read_data_csv(path: str, **reading: Any) -> pd.DataFrame:
    """A data CSV as text cells (compindex converts them, naming any bad cell); a workbook
    (``book.xlsx`` or ``book.xlsx:SHEET``, default sheet ``data``) through compindex.exchange.
    ``reading``: ``encoding``, ``sep``, ``decimal``, ``thousands`` (see :func:`reading_from_args`)."""
    from .exchange import _excel

    if _excel.is_workbook(path):
        book, sheet = _excel.split_sheet(path)
        return _excel.read_data_sheet(book, sheet or "data")
    df = read_text_csv(path, **reading)
    if "unit" not in df.columns:
        raise DataError(f"{path}: no 'unit' column (the unit codes); columns are {', '.join(df.columns)}"
                        f"{delimiter_hint(df.columns)}")
    return df


def data_source(path: str) -> str:
    """How errors name a data file: the path, or ``book.xlsx, sheet 'data'`` for a workbook."""
    from .exchange import _excel

    if _excel.is_workbook(path):
        book, sheet = _excel.split_sheet(path)
        return f"{book}, sheet {sheet or 'data'!r}"
    return path


def read_framework(path: str, **reading: Any) -> Framework:
    """A metadata CSV, or a workbook's metadata sheet (``book.xlsx`` or ``book.xlsx:SHEET``,
    default sheet ``meta``). ``reading`` as for :func:`read_data_csv`."""
    from .exchange import _excel

    if _excel.is_workbook(path):
        book, sheet = _excel.split_sheet(path)
        return _excel.read_meta_sheet(book, sheet or "meta")
    return Framework.from_csv(path, **reading)


def file_options(p: argparse.ArgumentParser) -> None:
    """How CSV files are read (compindex.read_csv's keywords); every one is detected by default."""
    g = p.add_argument_group("reading CSV files (Excel exports in any locale; see docs/robustness.md)")
    g.add_argument("--encoding", metavar="CODEC", default=None,
                   help="encoding of CSV files without a byte-order mark, e.g. cp1258 (Vietnamese Windows), cp1252 "
                        "(Western European Windows), utf-16-le (default: UTF-8; a byte-order mark, UTF-8 or UTF-16, "
                        "is always honored)")
    g.add_argument("--sep", metavar="CHAR", default=None, type=_separator,
                   help="cell separator: ',', ';' or 'tab' (default: detected from the header line: ';' if it has "
                        "semicolons and no comma, a tab if it has tabs and neither, else ',')")
    g.add_argument("--decimal", metavar="CHAR", default=None, choices=(".", ","),
                   help="decimal mark of numbers, '.' or ',' (default: ',' for a ';'-separated file, else '.')")
    g.add_argument("--thousands", metavar="CHAR", default=None, choices=(".", ",", " "),
                   help="thousands separator accepted in numbers: '.', ',' or ' ' (a space, also matching no-break "
                        "spaces) (default: none; a number with one is an error that says which option to give)")


def _separator(text: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
    sep = named.get(text.lower(), text)
    if len(sep) != 1:
        raise argparse.ArgumentTypeError(f"expected one character (or 'tab'), got {text!r}")
    return sep


def reading_from_args(a: argparse.Namespace) -> dict[str, Any]:
    """The CSV-reading options of a parsed command line (``--encoding`` ...), as keywords of
    :func:`compindex.read_csv`; empty for a command without them."""
    return {k: getattr(a, k) for k in ("encoding", "sep", "decimal", "thousands") if getattr(a, k, None) is not None}


def spec_options(p: argparse.ArgumentParser) -> None:
    """The stage options, mirroring compindex.score's keywords."""
    g = p.add_argument_group("pipeline")
    g.add_argument("--normalization", metavar="NAME", default="min_max",
                   help=f"normalization method, e.g. min_max, z_score(mean=100, sd=10); one of {', '.join(_methods.NAMES['normalization'])}")
    g.add_argument("--range", nargs=2, type=float, metavar=("LOW", "HIGH"), default=(0.0, 100.0), help="normalization output range")
    g.add_argument("--aggregation", metavar="NAME", default="arithmetic_mean",
                   help=f"aggregation method; one of {', '.join(_methods.NAMES['aggregation'])}")
    g.add_argument("--treatment", metavar="gii|none", default="none", help="outlier treatment, e.g. gii or gii(skew_threshold=2)")
    g.add_argument("--imputation", metavar="NAME|none", default="none",
                   help="imputation: none, mean, median, group_mean(group=COLUMN), group_median(group=COLUMN), "
                        "em(scope=pillar|all|LEVEL, tolerance=, max_iterations=, clamp=, ridge=), "
                        "knn(k=5, weights=uniform|distance, group=COLUMN, scope=), "
                        "chained(tolerance=, max_iterations=, ridge=, scope=), em_draw(seed=, ...)")
    g.add_argument("--coverage", type=float, default=0.0, metavar="SHARE",
                   help="minimum share of a node's children a unit needs to get a score (0..1)")
    g.add_argument("--weights", metavar="SET", default=None, help="a named weight set of the framework")
    file_options(p)


def spec_from_args(a: argparse.Namespace) -> dict[str, Any]:
    return {"normalization": a.normalization, "range": tuple(a.range), "aggregation": a.aggregation,
            "treatment": None if a.treatment == "none" else a.treatment,
            "imputation": None if a.imputation == "none" else a.imputation, "coverage": a.coverage,
            "weights": a.weights}


def precision_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--precision", type=_precision, default=None, metavar="N",
                   help="write numbers with N significant digits (1..17) for a shorter file; by default every "
                        "number is written in full (the shortest text that reads back to the same value)")


def _precision(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of significant digits, got {text!r}") from None
    if not 1 <= n <= 17:
        raise argparse.ArgumentTypeError(f"expected 1 to 17 significant digits, got {n}")
    return n


def write_csv(df: pd.DataFrame, path: Any, *, precision: int | None = None, header: bool = True) -> None:
    """Write a table compindex produced (to a path, or an open file for one chunk after another):
    numbers in full (they read back exactly) or with ``precision`` significant digits; text that a
    spreadsheet would run as a formula is written as text (see compindex._safe_text)."""
    from ._safe_text import safe_frame

    safe = safe_frame(df, index=False)
    safe.to_csv(path, index=False, header=header, float_format=None if precision is None else f"%.{precision}g")


def cmd_score(a: argparse.Namespace) -> int:
    from .pipeline import score

    fw = read_framework(a.framework, **reading_from_args(a))
    if os.path.isdir(a.data):  # a folder of CSV or Parquet parts: scored partition by partition
        from ._dask_scoring import score_folder

        return score_folder(fw, a.data, a.out, spec_from_args(a), precision=a.precision)
    data = read_data_csv(a.data, **reading_from_args(a))
    res = score(fw, data, source=data_source(a.data), **spec_from_args(a))
    if a.out.lower().endswith(".xlsx"):  # the results workbook (compindex.exchange.write_results)
        return _score_workbook(a, res)
    out = res.to_long()
    out["rank"] = out["rank"].astype("Int64")
    try:
        write_csv(out, a.out, precision=a.precision)
    except OSError as e:
        raise DataError(f"{a.out}: cannot write the file ({e})") from None
    print(f"scored {len(res.units)} units on {len(fw)} nodes; wrote {a.out}")
    print(res.ranking().head(10).to_string(float_format=lambda x: f"{x:.2f}"))
    return 0


def _score_workbook(a: argparse.Namespace, res: Any) -> int:
    from .exchange import write_results

    write_results(res, a.out)
    print(f"scored {len(res.units)} units on {len(res.framework)} nodes; wrote {a.out} (sheets ranking, scores, ranks, nodes, method)")
    print(res.ranking().head(10).to_string(float_format=lambda x: f"{x:.2f}"))
    return 0


#: Subcommands: name -> (help, add_arguments, run). Other modules add theirs (see _register).
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def _register(name: str, help_text: str, add: Callable[[argparse.ArgumentParser], None],
              run: Callable[[argparse.Namespace], int]) -> None:
    COMMANDS[name] = (help_text, add, run)


def _add_score(p: argparse.ArgumentParser) -> None:
    p.add_argument("--framework", required=True, metavar="META.csv",
                   help="metadata: one row per node (code, parent, weight, direction, ...); or BOOK.xlsx[:SHEET] (sheet 'meta')")
    p.add_argument("--data", required=True, metavar="DATA.csv",
                   help="data: a 'unit' column and one column per indicator code; or BOOK.xlsx[:SHEET] (sheet 'data'); "
                        "or a folder of CSV or Parquet parts, scored part by part with Dask (docs/distributed.md)")
    p.add_argument("--out", required=True, metavar="OUT.csv",
                   help="output: unit,code,score,rank, one row per unit and node; OUT.xlsx writes the results workbook")
    precision_option(p)
    spec_options(p)


_register("score", "score an index from a metadata CSV and a data CSV", _add_score, cmd_score)


# --- compindex weights ------------------------------------------------------------------------
#: Weighting methods that take no data but a table of their own (expert methods): name ->
#: (add their options to the parser, run(args, framework) -> WeightResult).
WEIGHT_HOOKS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace, Framework], Any]]] = {}


def _expert_hook(name: str, option: str, columns: str) -> None:
    """Registers an expert method that reads a tidy table from the file given with ``option``
    and passes the method's parameters (``--method "ahp(method=geometric)"``) on."""
    dest = option.lstrip("-").replace("-", "_")

    def add(p: argparse.ArgumentParser) -> None:
        p.add_argument(option, metavar="FILE.csv", default=None, help=f"{name}: the experts' table ({columns})")

    def run(a: argparse.Namespace, fw: Framework) -> Any:
        from . import weighting

        path = getattr(a, dest)
        if path is None:
            raise DataError(f"--method {name}: needs {option} FILE.csv ({columns})")
        table = read_text_csv(path, dtype={"node": str, "child": str, "child_a": str, "child_b": str, "expert": str},
                              na_values=[""], **reading_from_args(a))
        _, params = _methods.parse_call(a.method, "--method")
        try:
            return getattr(weighting, name)(fw, table, **params)
        except TypeError:
            raise DataError(f"--method {a.method!r}: unknown parameter (see compindex.weighting.{name})") from None
        except Error as e:
            raise type(e)(f"{path}: {e}") from None

    WEIGHT_HOOKS[name] = (add, run)


_expert_hook("ahp", "--judgements", "columns node, child_a, child_b, value and optionally expert")
_expert_hook("budget", "--allocations", "columns node, child, points and optionally expert")


def _add_weights(p: argparse.ArgumentParser) -> None:
    from .weighting._statistical import METHODS

    p.add_argument("--method", required=True, metavar="NAME",
                   help=f"weighting method, e.g. pca, pca(rule=absolute), factor_analysis(min_eigenvalue=1), entropy; one of "
                        f"{', '.join(list(METHODS) + list(WEIGHT_HOOKS))}")
    p.add_argument("--framework", required=True, metavar="META.csv", help="metadata: one row per node")
    p.add_argument("--data", metavar="DATA.csv", help="data: a 'unit' column and one column per indicator code "
                                                      "(the children's values come from scoring it)")
    p.add_argument("--out", required=True, metavar="META_OUT.csv",
                   help="output: the metadata table with the derived weights (as 'weight', or 'weight_NAME' with --set)")
    p.add_argument("--set", metavar="NAME", default=None,
                   help="store the weights as the named weight set NAME (score with --weights NAME) instead of the nominal weights")
    p.add_argument("--nodes", nargs="+", metavar="CODE", default=None,
                   help="the aggregates whose children are weighted (default: every aggregate; optimized: exactly one)")
    for add, _ in WEIGHT_HOOKS.values():
        add(p)
    precision_option(p)
    spec_options(p)


def cmd_weights(a: argparse.Namespace) -> int:
    from . import weighting
    from .pipeline import score

    name, _ = _methods.parse_call(a.method, "--method")
    fw = read_framework(a.framework, **reading_from_args(a))
    if a.set is not None and not a.set.strip():
        raise DataError("--set: the weight-set name must not be empty")
    if name in WEIGHT_HOOKS:
        result = WEIGHT_HOOKS[name][1](a, fw)
    else:
        if name not in weighting._statistical.METHODS:
            methods = ", ".join(list(weighting._statistical.METHODS) + list(WEIGHT_HOOKS))
            raise DataError(f"--method: unknown weighting method {name!r} (one of {methods})")
        if name != "equal" and a.data is None:
            raise DataError(f"--method {name}: needs --data (the weights are derived from the scored data)")
        if name == "equal":
            result = weighting.equal(fw, a.nodes)
        else:
            res = score(fw, read_data_csv(a.data, **reading_from_args(a)), source=data_source(a.data), **spec_from_args(a))
            result = weighting.derive(res, a.method, a.nodes)
    out_fw = result.apply(fw, a.set.strip() if a.set else None)
    table = out_fw.to_frame().drop(columns=["level", "effective_weight"]).reset_index()
    if a.out.lower().endswith(".xlsx"):  # a workbook with the sheet "meta", read back by --framework
        from .exchange import _excel

        _excel.write_table(table.set_index("code"), a.out, "meta")
    else:
        try:
            write_csv(table, a.out, precision=a.precision)
        except OSError as e:
            raise DataError(f"{a.out}: cannot write the file ({e})") from None
    where = f"weight set {a.set.strip()!r}" if a.set else "the nominal weights"
    print(f"{result.method}: weighted the children of {len(result.diagnostics)} node(s); wrote {a.out} ({where})")
    shown = result.diagnostics.drop(columns=["warnings", "message"], errors="ignore")
    print(shown.to_string(float_format=lambda x: f"{x:.4g}"))
    return 0


_register("weights", "derive weights from data or from experts (ahp, budget) and write them into the metadata table",
          _add_weights, cmd_weights)


# --- compindex convert (COINr's tables, workbooks) -----------------------------------------------
def _add_convert(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--from-coinr", nargs=2, metavar=("iMeta.csv", "iData.csv"),
                     help="read COINr's iMeta and iData tables")
    src.add_argument("--to-coinr", nargs=2, metavar=("META", "DATA"),
                     help="read compindex's metadata and data (CSV files or workbook sheets) and write COINr's tables")
    p.add_argument("--out", nargs="+", required=True, metavar="PATH",
                   help="--from-coinr: META.csv DATA.csv, or one BOOK.xlsx (sheets meta and data); "
                        "--to-coinr: iMeta.csv iData.csv, or one folder (iMeta.csv and iData.csv there)")
    p.add_argument("--time", default=None, metavar="T", help="--from-coinr with panel data: the Time value to read")
    p.add_argument("--denominate", action="store_true",
                   help="--from-coinr: divide the indicators by iMeta's Denominator columns when scoring, as "
                        "COINr's Denominate() does (default: keep them as the metadata column coinr_denominator)")
    file_options(p)


def cmd_convert(a: argparse.Namespace) -> int:
    from . import exchange

    if a.from_coinr:
        idx = exchange.read_coinr(a.from_coinr[0], a.from_coinr[1], time=a.time, denominate=a.denominate)
        table = idx.table()
        parts = []
        if idx.names.ne("").any():
            parts.append(idx.names.rename("name"))
        parts += [idx.groups, table]
        data = pd.concat(parts, axis=1)
        data.index.name = "unit"
        left = [c for c in idx.denominators.columns if c not in table.columns]
        if len(a.out) == 1 and a.out[0].lower().endswith(".xlsx"):
            exchange.write_workbook(idx.framework, data, a.out[0])
            where = a.out[0]
        elif len(a.out) == 2:
            meta = idx.framework.to_frame().drop(columns=["level", "effective_weight"]).reset_index()
            for path, table_out in ((a.out[0], meta), (a.out[1], data.reset_index())):
                try:
                    table_out.to_csv(path, index=False, float_format="%.17g")
                except OSError as e:
                    raise DataError(f"{path}: cannot write the file ({e})") from None
            where = f"{a.out[0]} and {a.out[1]}"
        else:
            raise DataError("--out: give META.csv DATA.csv, or one BOOK.xlsx")
        print(f"read {len(idx.framework)} nodes ({len(idx.framework.indicators)} indicators), {len(idx.data)} units, "
              f"{len(idx.groups.columns)} unit groups from COINr's tables; wrote {where}")
        if left:
            print(f"left out the denominator columns {', '.join(left)} (pass --denominate to divide by them as COINr's "
                  "Denominate() does)")
        return 0
    fw = read_framework(a.to_coinr[0], **reading_from_args(a))
    data = read_data_csv(a.to_coinr[1], **reading_from_args(a))
    out = a.out[0] if len(a.out) == 1 else a.out
    if len(a.out) > 2:
        raise DataError("--out: give iMeta.csv iData.csv, or one folder")
    from ._convert import numeric_column
    from ._reading import numbers_of, parse_number

    numbers = numbers_of(data)  # the file's decimal mark and thousands separator
    source = data_source(a.to_coinr[1])
    data = data.set_index("unit")
    names = data.pop("name") if "name" in data.columns else None

    def numeric(cells: pd.Series) -> bool:
        try:
            for c in cells:
                if str(c).strip() != "":
                    parse_number(str(c), *numbers)
        except ValueError:
            return False
        return True

    for col in data.columns:  # numbers written as text in a CSV are numbers; a bad indicator cell is an error
        if col in fw.indicators or numeric(data[col]):
            data[col] = numeric_column(data[col], col, source, numbers)
    den_cols = set(fw.method_cells("denominator").values())
    dens = data[[c for c in data.columns if c in den_cols]]
    rest = data.drop(columns=list(dens.columns))
    imeta, idata = exchange.write_coinr(fw, rest, out, denominators=dens if len(dens.columns) else None, names=names)
    print(f"wrote COINr's tables {imeta} and {idata} ({len(fw)} nodes, {len(data)} units)")
    return 0


_register("convert", "convert an index between COINr's iMeta/iData tables and compindex's metadata and data "
          "(CSV files or one .xlsx workbook)", _add_convert, cmd_convert)


class HelpFormatter(argparse.HelpFormatter):
    """Help that shows every option's default: ``(default: X)`` after the help text of an option
    whose default is a value (not for required options, flags, options without a default, or help
    texts that already name their default)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if ("default" in text.lower() or not action.option_strings or action.required or default is None
                or default is False or default is argparse.SUPPRESS or isinstance(action, argparse._VersionAction)):
            return action.help
        shown = " ".join(str(v) for v in default) if isinstance(default, (tuple, list)) else str(default)
        return f"{text} (default: {shown.replace('%', '%%')})"


def build_parser() -> argparse.ArgumentParser:
    """The ``compindex`` command's argument parser, with every registered subcommand.

    Returns
    -------
    argparse.ArgumentParser
        The parser; each subcommand's namespace carries ``run``, the function that runs it.
    """
    from . import __version__

    _load_commands()
    parser = argparse.ArgumentParser(prog="compindex", description="Composite indicators: scores, ranks and analysis.")
    parser.add_argument("--version", action="version", version=f"compindex {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (help_text, add, run) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, formatter_class=HelpFormatter)
        add(p)
        p.set_defaults(run=run)
    return parser


def _load_commands() -> None:
    # Modules that add subcommands register them on import.
    try:
        from . import report  # noqa: F401
    except ImportError as e:  # pragma: no cover - only while report is absent
        if "report" not in str(e):
            raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CompindexWarning)
            status = int(args.run(args))
        for w in caught:
            print(f"compindex: warning: {w.message}", file=sys.stderr)
        return status
    except Error as e:
        print(f"compindex: error: {_one_line(str(e))}", file=sys.stderr)
        return 2
    except OSError as e:
        what = f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e)
        print(f"compindex: error: {_one_line(what)}", file=sys.stderr)
        return 2


def _one_line(message: str) -> str:
    # An error is one line on stderr, whatever the message holds.
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
