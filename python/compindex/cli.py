"""The command line: ``compindex score``, ``compindex weights``, ``compindex demo``, ``compindex profile``.

Bad input gives a one-line error naming the file, row and column, and exit status 2; never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any, Callable, Sequence

import pandas as pd

from . import _methods
from .errors import CompindexWarning, DataError, Error
from .framework import Framework, check_header, delimiter_hint

__all__ = ["main"]


def read_data_csv(path: str) -> pd.DataFrame:
    """A data CSV as text cells (compindex converts them, naming any bad cell)."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot read it as CSV ({str(e).strip()})") from None
    check_header(path, df.columns)
    if "unit" not in df.columns:
        raise DataError(f"{path}: no 'unit' column (the unit codes); columns are {', '.join(df.columns)}"
                        f"{delimiter_hint(df.columns)}")
    return df


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
                   help="imputation: none, mean, median, group_mean(group=COLUMN), group_median(group=COLUMN)")
    g.add_argument("--coverage", type=float, default=0.0, metavar="SHARE",
                   help="minimum share of a node's children a unit needs to get a score (0..1)")
    g.add_argument("--weights", metavar="SET", default=None, help="a named weight set of the framework")


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


def write_csv(df: pd.DataFrame, path: str, *, precision: int | None = None) -> None:
    """Write a table compindex produced: numbers in full (they read back exactly) or with
    ``precision`` significant digits; text that a spreadsheet would run as a formula is written
    as text (see compindex._safe_text)."""
    from ._safe_text import safe_frame

    safe = safe_frame(df, index=False)
    safe.to_csv(path, index=False, float_format=None if precision is None else f"%.{precision}g")


def cmd_score(a: argparse.Namespace) -> int:
    from .pipeline import score

    fw = Framework.from_csv(a.framework)
    data = read_data_csv(a.data)
    res = score(fw, data, source=a.data, **spec_from_args(a))
    out = res.to_long()
    out["rank"] = out["rank"].astype("Int64")
    try:
        write_csv(out, a.out, precision=a.precision)
    except OSError as e:
        raise DataError(f"{a.out}: cannot write the file ({e})") from None
    print(f"scored {len(res.units)} units on {len(fw)} nodes; wrote {a.out}")
    print(res.ranking().head(10).to_string(float_format=lambda x: f"{x:.2f}"))
    return 0


#: Subcommands: name -> (help, add_arguments, run). Other modules add theirs (see _register).
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def _register(name: str, help_text: str, add: Callable[[argparse.ArgumentParser], None],
              run: Callable[[argparse.Namespace], int]) -> None:
    COMMANDS[name] = (help_text, add, run)


def _add_score(p: argparse.ArgumentParser) -> None:
    p.add_argument("--framework", required=True, metavar="META.csv", help="metadata: one row per node (code, parent, weight, direction, ...)")
    p.add_argument("--data", required=True, metavar="DATA.csv", help="data: a 'unit' column and one column per indicator code")
    p.add_argument("--out", required=True, metavar="OUT.csv", help="output: unit,code,score,rank, one row per unit and node")
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
        try:
            table = pd.read_csv(path, dtype={"node": str, "child": str, "child_a": str, "child_b": str, "expert": str},
                                keep_default_na=False, na_values=[""])
        except FileNotFoundError:
            raise DataError(f"{path}: no such file") from None
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
            raise DataError(f"{path}: cannot read it as CSV ({str(e).strip()})") from None
        check_header(path, table.columns)
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
    fw = Framework.from_csv(a.framework)
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
            res = score(fw, read_data_csv(a.data), source=a.data, **spec_from_args(a))
            result = weighting.derive(res, a.method, a.nodes)
    out_fw = result.apply(fw, a.set.strip() if a.set else None)
    table = out_fw.to_frame().drop(columns=["level", "effective_weight"]).reset_index()
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


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    _load_commands()
    parser = argparse.ArgumentParser(prog="compindex", description="Composite indicators: scores, ranks and analysis.")
    parser.add_argument("--version", action="version", version=f"compindex {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (help_text, add, run) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
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
