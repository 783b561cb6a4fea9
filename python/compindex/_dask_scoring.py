"""Scoring a Dask DataFrame partition by partition, with the same results as in memory.

How (docs/distributed.md has the user's side):

1. **Summaries** (one pass, a Dask reduction over the partitions): each partition's length and,
   for every indicator scored by min-max (or distance to the maximum) with no stage before it,
   its count, minimum and maximum. Minimum, maximum and count do not depend on the order in which
   partitions are merged, so they are those of the whole column exactly.
2. **Columns** (one indicator at a time): an indicator whose stages need more than that (a mean or
   median imputation, the GII treatment, a z-score, a transform, goalposts, a percentile rank...)
   is gathered on the client, 8 bytes per unit, with its unit codes, and run through the core's
   own per-indicator stages on that one column. The core sums in row order, so its means, standard
   deviations and moments cannot be merged from partial sums bit for bit: running the core on the
   column in row order gives them exactly. Its normalized column is written to the work directory
   (a ``.npy`` file), and each partition reads its slice.
3. **Scores** (``map_partitions``): each partition normalizes its min-max indicators with the
   global count, minimum and maximum (the core's own one-pass normalization,
   ``_core.normalize_with_summary``, compiled once for both paths), takes the other
   indicators' slices, and aggregates with the core's own aggregation; the scores are written to
   the work directory as Parquet, one file per partition.
4. **Ranks** (one node at a time): each node's score column is gathered (8 bytes per unit),
   ranked by the core's own ranking (equal scores share the best place, missing scores unranked)
   and written as a ``.npy`` of ``int32``; each partition reads its slice.

So every score and rank is the in-memory run's bit for bit, and no process holds more than a
partition plus one column (its values, unit codes and ranks).
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import warnings
import weakref
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import _core
from ._convert import match_columns, numeric_column, to_dataset, unit_index
from ._reading import numbers_of
from .errors import CompindexWarning, DataError, SpecError
from .framework import Framework

__all__ = ["PartitionedResult", "SUPPORTED", "read_folder", "score_folder", "score_partitioned"]

#: What a partitioned run supports; anything else raises SpecError saying to score in memory.
SUPPORTED = {
    "imputation": ("none", "mean", "median", "group_mean", "group_median"),
    "treatment": ("none", "gii"),
    "transform": ("none", "log", "log10", "log1p", "sqrt", "box_cox"),
    "normalization": ("min_max", "distance_to_max", "z_score", "goalposts", "distance_to_target", "fraction_of_max",
                      "distance_to_reference", "rank", "percentile_rank", "borda", "none"),
    "aggregation": ("arithmetic_mean", "geometric_mean", "harmonic_mean", "generalized_mean", "owa", "mean_min", "mpi",
                    "ratio nodes"),
}

# Core method types (by class name) that a partition can apply with summaries only.
_SUMMARY_NORMALIZATION = {"MinMax", "DistanceToMax"}
_ROW_LOCAL_AGGREGATION = {"ArithmeticMean", "GeometricMean", "HarmonicMean", "GeneralizedMean", "Owa", "MeanMin", "Mpi"}
_MULTIVARIATE_IMPUTATION = {"Em": "em", "EmDraw": "em_draw", "Knn": "knn", "Chained": "chained"}
_AGGREGATION_NAMES = {"Copeland": "copeland", "Ampi": "ampi", "Topsis": "topsis", "Wroclaw": "wroclaw",
                      "BenefitOfDoubt": "benefit_of_doubt"}


def _kind(m: Any) -> str:
    return type(m).__name__


@dataclass
class _Context:
    """What every partition task needs (pickled to the workers; the core spec is rebuilt there)."""

    framework: Framework
    spec: dict[str, Any]
    source: str
    ignore: tuple[str, ...]
    denominators: list[str]
    # indicator column -> (direction, count, global min, global max), summary path only
    summary: dict[int, tuple[int, int, float, float]] = field(default_factory=dict)
    columns: dict[int, str] = field(default_factory=dict)  # indicator column -> its normalized .npy (column path)
    offsets: list[int] = field(default_factory=list)  # partition -> its first row

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_cache")}

    def core(self) -> tuple[Any, np.ndarray, list[Any], list[float]]:
        """(core spec, weights, aggregation methods, coverage) per node, built once per process."""
        cached = self.__dict__.get("_cache_core")
        if cached is None:
            from .pipeline import make_spec

            fw = self.framework
            s = make_spec(fw, **self.spec)
            weights = np.asarray(_core.Plan(fw._core, s).weights)
            by_node = dict(s.aggregation_by_node)
            methods = [by_node.get(c, s.aggregation) for c in fw.codes]
            cov_by = dict(s.coverage_by_node)
            coverage = [float(cov_by.get(c, s.coverage)) for c in fw.codes]
            cached = (s, weights, methods, coverage)
            self.__dict__["_cache_core"] = cached
        return cached

    def part_source(self, number: int | None) -> str:
        return self.source if number is None else f"{self.source} (partition {number})"


def _partition_summary(part: pd.DataFrame, ctx: _Context, number: int) -> dict[str, Any]:
    """One partition's length and, per summary-path indicator, its count, minimum and maximum.
    (Only the columns it reads are checked here; the scores pass checks the whole partition.)"""
    if len(part) == 0:
        return {"n": 0}
    source = ctx.part_source(number)
    table = match_columns(unit_index(part, source), ctx.framework.indicators, source)
    numbers = numbers_of(part)
    # The unit codes' 64-bit hashes: the client finds codes repeated across partitions from them.
    hashes = pd.util.hash_array(table.index.to_numpy(dtype=object))
    out: dict[str, Any] = {"n": len(table), "count": {}, "min": {}, "max": {}, "hashes": hashes}
    for j in ctx.summary:
        code = ctx.framework.indicators[j]
        if code not in table.columns:
            raise DataError(f"{source}: no column for indicator {code!r}")
        col = numeric_column(table[code], code, source, numbers)
        present = ~np.isnan(col)
        k = int(present.sum())
        out["count"][j] = k
        out["min"][j] = float(np.min(col, where=present, initial=np.inf)) if k else math.nan
        out["max"][j] = float(np.max(col, where=present, initial=-np.inf)) if k else math.nan
    return out


def _score_and_write(part: pd.DataFrame, ctx: _Context, number: int, path: str) -> int:
    """Scores one partition and writes them (unit index, one float64 column per node) to ``path``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    units, cols = _score_columns(part, ctx, number)
    names = ["unit"] + list(ctx.framework.codes)
    # The score columns are contiguous slices of the matrices: Arrow takes them without a copy.
    table = pa.Table.from_arrays([pa.array(units, type=pa.string())] + [pa.array(c) for c in cols], names=names)
    pq.write_table(table, path)
    return len(units)


def _score_columns(part: pd.DataFrame, ctx: _Context, number: int | None) -> tuple[np.ndarray, list[np.ndarray]]:
    """One partition's unit codes and its score columns (every node, framework order)."""
    fw = ctx.framework
    if len(part) == 0:
        return np.empty(0, dtype=object), [np.empty(0) for _ in fw.codes]
    ds, table, _ = to_dataset(fw, part, denominators=ctx.denominators, ignore=ctx.ignore, source=ctx.part_source(number))
    units = table.index.to_numpy(dtype=object)
    del table
    raw = np.asarray(ds.values)
    n, ni = raw.shape
    start = ctx.offsets[number] if number is not None else 0
    s, weights, methods, coverage = ctx.core()
    norm_by, rg_by = dict(s.normalization_by_indicator), dict(s.range_by_indicator)
    normalized = np.empty((n, ni), order="F")
    for j in range(ni):
        if j in ctx.summary:  # the core's own min-max, with the whole column's summary
            direction, count, gmin, gmax = ctx.summary[j]
            code = fw.indicators[j]
            normalized[:, j] = _core.normalize_with_summary(norm_by.get(code, s.normalization), rg_by.get(code, s.output_range),
                                                            raw[:, j], direction, count, gmin, gmax, code)
        else:
            normalized[:, j] = np.load(ctx.columns[j], mmap_mode="r")[start:start + n]
    del raw, ds
    agg = np.asfortranarray(_core.aggregate(fw._core, normalized, weights, methods, coverage, list(units)))
    ind_col = {c: j for j, c in enumerate(fw.indicators)}
    agg_col = {c: j for j, c in enumerate(fw.aggregates)}
    return units, [normalized[:, ind_col[c]] if c in ind_col else agg[:, agg_col[c]] for c in fw.codes]


def _score_partition(part: pd.DataFrame, ctx: _Context, number: int | None = None) -> pd.DataFrame:
    """Scores of one partition: units x every node (framework order)."""
    units, cols = _score_columns(part, ctx, number)
    return pd.DataFrame(dict(zip(ctx.framework.codes, cols)), index=pd.Index(units, name="unit", dtype=object))


def _read_scores(path: str) -> pd.DataFrame:
    """One partition's scores, read back from the work directory."""
    return pd.read_parquet(path).set_index("unit")


def _read_ranks(args: tuple[str, list[str], list[str], int]) -> pd.DataFrame:
    """One partition's ranks: the slice of each node's global ranks (int32, 0 = unranked)."""
    path, codes, paths, start = args
    import pyarrow.parquet as pq

    units = pq.read_table(path, columns=["unit"]).column("unit").to_pylist()
    n = len(units)
    cols = {}
    for c, p in zip(codes, paths):
        r = np.array(np.load(p, mmap_mode="r")[start:start + n])
        cols[c] = pd.arrays.IntegerArray(r, r == 0)
    return pd.DataFrame(cols, index=pd.Index(units, name="unit", dtype=object))


def _sub_framework(fw: Framework, codes: list[str]) -> Framework:
    """A framework of some indicators (with their directions, goalposts and targets) under a root:
    their per-indicator stages are the same as in the whole framework."""
    core = fw._core
    root = "ROOT"
    while root in codes:
        root += "_"
    nodes = [{"code": root, "parent": "", "weight": 1.0}]
    for code in codes:
        i = fw.codes.index(code)
        node = {"code": code, "parent": root, "weight": 1.0, "direction": int(core.directions[i])}
        for key, vals in (("lower", core.lower), ("upper", core.upper), ("target", core.target)):
            if not math.isnan(vals[i]):
                node[key] = float(vals[i])
        nodes.append(node)
    return Framework.from_nodes(nodes)


class PartitionedResult:
    """The result of scoring a Dask DataFrame (:func:`compindex.score` with ``data`` a Dask
    DataFrame): scores and ranks at every node as Dask DataFrames backed by Parquet and ``.npy``
    files in a work directory, equal to the in-memory run bit for bit.

    The work directory is removed when the result is closed (:meth:`close`, or leaving a ``with``
    block) or garbage-collected, unless it was given as ``workdir=``.
    """

    def __init__(self, framework: Framework, spec: Mapping[str, Any], workdir: str, owned: bool, n_units: int,
                 weights: np.ndarray, effective_weights: np.ndarray, treatment: pd.DataFrame, imputed: pd.Series,
                 diagnostics: list[dict[str, str]], timings: dict[str, float], rank_paths: list[str],
                 offsets: list[int]) -> None:
        self.framework = framework
        self.spec = dict(spec)
        """The keywords the result was scored with."""
        self.workdir = workdir
        """The directory holding the scores (``scores/``, Parquet) and ranks (``ranks/``, ``.npy``)."""
        self.n_units = n_units
        """The number of units scored."""
        self.treatment = treatment
        """One row per indicator treated (as :attr:`compindex.Result.treatment`)."""
        self.imputed = imputed
        """Per indicator, the number of values imputed."""
        self.diagnostics = diagnostics
        """Non-fatal issues of the run (each also raised once as a CompindexWarning)."""
        self.timings = timings
        """Seconds spent per stage: summaries, columns, scores, ranks."""
        self._weights = weights
        self._effective = effective_weights
        self._rank_paths = rank_paths
        self._offsets = offsets
        self._finalizer = weakref.finalize(self, shutil.rmtree, workdir, True) if owned else None

    @property
    def scores(self) -> Any:
        """Units x every node (a Dask DataFrame, one partition per input partition)."""
        import dask.dataframe as dd

        meta = pd.DataFrame({c: pd.Series([], dtype="float64") for c in self.framework.codes},
                            index=pd.Index([], name="unit", dtype=object))
        return dd.from_map(_read_scores, self._parts(), meta=meta, enforce_metadata=False)

    @property
    def ranks(self) -> Any:
        """Units x every node, ``Int32`` ranks (1 = best, ties share the best place, missing
        scores unranked), a Dask DataFrame with the partitions of :attr:`scores`."""
        import dask.dataframe as dd

        codes = list(self.framework.codes)
        meta = pd.DataFrame({c: pd.array([], dtype="Int32") for c in codes}, index=pd.Index([], name="unit", dtype=object))
        args = [(path, codes, self._rank_paths, int(self._offsets[k])) for k, path in enumerate(self._parts())]
        return dd.from_map(_read_ranks, args, meta=meta, enforce_metadata=False)

    def _parts(self) -> list[str]:
        return [os.path.join(self.workdir, "scores", f"part.{k}.parquet") for k in range(len(self._offsets) - 1)]

    @property
    def index(self) -> Any:
        """The root's scores (a Dask Series)."""
        return self.scores[self.framework.root]

    @property
    def weights(self) -> pd.Series:
        """The weight of every node used in this run (relative to its siblings)."""
        return pd.Series(self._weights, index=self.framework.codes, name="weight")

    @property
    def effective_weights(self) -> pd.Series:
        """Each node's final weight in the index."""
        return pd.Series(self._effective, index=self.framework.codes, name="effective_weight")

    def ranking(self, top: int = 10) -> pd.DataFrame:
        """The best units by the root's rank, with the root's score and its children's scores.

        Parameters
        ----------
        top : int
            How many places to show (ties may add units).

        Returns
        -------
        pandas.DataFrame
            One row per unit with a rank up to ``top``, best first.
        """
        root = self.framework.root
        cols = [root] + self.framework.children(root)
        rank = np.load(self._rank_paths[self.framework.codes.index(root)], mmap_mode="r")
        rows = np.flatnonzero((rank > 0) & (rank <= top))
        parts = []
        for k, frame in enumerate(self.scores.to_delayed()):
            lo, hi = self._offsets[k], self._offsets[k + 1]
            sel = rows[(rows >= lo) & (rows < hi)]
            if sel.size:
                part = frame.compute()[cols].iloc[sel - lo].copy()
                part.insert(0, "rank", pd.array(rank[sel], dtype="Int32"))
                parts.append(part)
        if not parts:
            return pd.DataFrame(columns=["rank"] + cols)
        out = pd.concat(parts)
        return out.sort_values(["rank", root], ascending=[True, False])

    def iter_long(self, units_per_chunk: int = 65536) -> Any:
        """The tidy table (unit, code, score, rank) in chunks, computed one partition at a time
        (the memory of a partition).

        Parameters
        ----------
        units_per_chunk : int
            At most this many units (times the number of nodes rows) per chunk.

        Yields
        ------
        pandas.DataFrame
            Columns unit, code, score, rank (``Int64``), units in row order, nodes in framework
            order within a unit.
        """
        codes = list(self.framework.codes)
        step = max(1, int(units_per_chunk))
        for k, frame in enumerate(self.scores.to_delayed()):
            part = frame.compute()[codes]
            lo = self._offsets[k]
            for a in range(0, len(part), step):
                s = part.iloc[a:a + step]
                n = len(s)
                ranks = np.column_stack([np.load(p, mmap_mode="r")[lo + a:lo + a + n] for p in self._rank_paths])
                r = ranks.reshape(-1).astype(np.int64)
                yield pd.DataFrame({"unit": np.repeat(s.index.to_numpy(), len(codes)), "code": np.tile(codes, n),
                                    "score": s.to_numpy().reshape(-1), "rank": pd.arrays.IntegerArray(r, r == 0)})

    def close(self) -> None:
        """Remove the work directory now (when the result created it)."""
        if self._finalizer is not None:
            self._finalizer()

    def __enter__(self) -> PartitionedResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PartitionedResult: {self.n_units} units scored on {self.framework!r} (work directory {self.workdir})"


def _check_supported(fw: Framework, s: Any) -> None:
    """SpecError naming the method that a partitioned run cannot do."""
    for code in fw.indicators:
        imp = dict(s.imputation_by_indicator).get(code, s.imputation)
        if _kind(imp) in _MULTIVARIATE_IMPUTATION:
            raise SpecError(f"score: imputation {_MULTIVARIATE_IMPUTATION[_kind(imp)]!r} (indicator {code!r}) cannot be "
                            "done partition by partition (it needs every unit's other indicators at once); score the data "
                            "in memory (a pandas DataFrame), or impute by mean, median, group_mean or group_median")
    by_node = dict(s.aggregation_by_node)
    ratios = set(fw.ratios)
    for code in fw.aggregates:
        if code in ratios:
            continue
        m = by_node.get(code, s.aggregation)
        if _kind(m) not in _ROW_LOCAL_AGGREGATION:
            name = _AGGREGATION_NAMES.get(_kind(m), _kind(m))
            raise SpecError(f"score: aggregation {name!r} (node {code!r}) compares units with each other, so it cannot be "
                            "done partition by partition; score the data in memory (a pandas DataFrame), or use "
                            f"one of {', '.join(SUPPORTED['aggregation'])}")


def _column_part(part: pd.DataFrame, numeric: list[str], text: list[str], source: str, with_units: bool) -> dict[str, Any]:
    """Some columns of one partition, converted on the worker: numbers as float64 (a bad cell
    named as in memory), unit-group labels as text, and the unit codes if asked."""
    if len(part) == 0:
        return {"n": 0}
    table = match_columns(unit_index(part, source), numeric, source)
    numbers = numbers_of(part)
    out: dict[str, Any] = {"n": len(table), "numeric": {}, "text": {}}
    for c in numeric:
        if c not in table.columns:
            raise DataError(f"{source}: no column for {c!r}")
        out["numeric"][c] = numeric_column(table[c], c, source, numbers)
    for c in text:
        out["text"][c] = ["" if (v is None or (isinstance(v, float) and math.isnan(v))) else str(v) for v in table[c]]
    if with_units:
        out["units"] = table.index.to_numpy(dtype=object)
    return out


def score_partitioned(framework: Framework, data: Any, *, groups: Any = None, ignore: Any = (), source: str = "data",
                      workdir: str | os.PathLike[str] | None = None, column_batch: int | None = None,
                      **spec: Any) -> PartitionedResult:
    """Score a Dask DataFrame partition by partition (what :func:`compindex.score` does with one).

    Parameters
    ----------
    framework : Framework
        The index tree.
    data : dask.dataframe.DataFrame
        One row per unit, indexed by unit code (or with a ``unit`` column), one column per
        indicator; text columns are unit groups, as in memory.
    groups : None
        Not supported: put unit groups in ``data`` as text columns.
    ignore : sequence of str
        Columns to leave out.
    source : str
        What to call the data in error messages.
    workdir : path, optional
        Where to keep the scores and ranks (every worker must see it); a temporary directory,
        removed with the result, by default.
    column_batch : int, optional
        How many indicators the client gathers and runs at once when their stages need the whole
        column (default: as many as fit in the largest partition's bytes).
    **spec
        The keywords of :func:`compindex.make_spec`.

    Returns
    -------
    PartitionedResult

    Raises
    ------
    SpecError
        A method that needs every unit at once (EM, kNN or chained imputation; Copeland, AMPI,
        TOPSIS, Wroclaw or Benefit of the Doubt aggregation), or ``groups=``.
    DataError
        As in memory (a column without data, a constant column under min-max, ...).
    """
    import time

    import dask

    from .pipeline import check_spec_keywords, make_spec

    try:
        import pyarrow  # noqa: F401  (the scores are written as Parquet)
    except ImportError:
        raise SpecError("score: scoring a Dask DataFrame needs pyarrow (pip install pyarrow, or the "
                        "'distributed' extra of compindex)") from None
    if groups is not None:
        raise SpecError("score: groups= is not supported with a Dask DataFrame; put the unit groups in the data as text columns")
    check_spec_keywords(spec)
    fw = framework
    s = make_spec(fw, **spec)
    _check_supported(fw, s)
    timings: dict[str, float] = {}
    owned = workdir is None
    wd = tempfile.mkdtemp(prefix="compindex-") if owned else os.fspath(workdir)
    os.makedirs(os.path.join(wd, "columns"), exist_ok=True)
    os.makedirs(os.path.join(wd, "ranks"), exist_ok=True)
    try:
        return _run(fw, data, s, dict(spec), tuple(ignore), source, wd, owned, timings, column_batch, dask, time)
    except BaseException:
        if owned:
            shutil.rmtree(wd, True)
        raise


def _run(fw: Framework, data: Any, s: Any, spec: dict[str, Any], ignore: tuple[str, ...], source: str, wd: str,
         owned: bool, timings: dict[str, float], column_batch: int | None, dask: Any, time: Any) -> PartitionedResult:
    dens_of = {str(k): v for k, v in dict(s.denominators).items()}
    denominators = sorted({d.denominator for d in dens_of.values()})
    ctx = _Context(fw, spec, source, ignore, denominators)
    norm_by, imp_by = dict(s.normalization_by_indicator), dict(s.imputation_by_indicator)
    tr_by, tf_by, rg_by = dict(s.treatment_by_indicator), dict(s.transform_by_indicator), dict(s.range_by_indicator)
    directions = fw._core.directions
    ind_index = {c: fw.codes.index(c) for c in fw.indicators}
    column_path: list[int] = []
    for j, code in enumerate(fw.indicators):
        norm = norm_by.get(code, s.normalization)
        plain = (code not in dens_of and _kind(imp_by.get(code, s.imputation)) == "NoImputation"
                 and _kind(tr_by.get(code, s.treatment)) == "NoTreatment" and _kind(tf_by.get(code, s.transform)) == "NoTransform")
        if plain and _kind(norm) in _SUMMARY_NORMALIZATION:
            ctx.summary[j] = (int(directions[ind_index[code]]), 0, math.nan, math.nan)
        else:
            column_path.append(j)

    # 1. Summaries: a Dask reduction (partition lengths; count, min, max of the min-max columns).
    t0 = time.perf_counter()
    parts = data.to_delayed()
    sums = dask.compute(*[dask.delayed(_partition_summary)(p, ctx, k) for k, p in enumerate(parts)])
    lengths = [int(x["n"]) for x in sums]
    ctx.offsets = list(np.concatenate([[0], np.cumsum(lengths)]).astype(int))
    n_units = int(ctx.offsets[-1])
    if n_units == 0:
        raise DataError(f"{source}: no units (the table has no rows)")
    _check_unique_units(parts, sums, ctx, dask)
    for j in list(ctx.summary):
        count = sum(x["count"][j] for x in sums if x["n"])
        mins = [x["min"][j] for x in sums if x["n"] and x["count"][j]]
        maxs = [x["max"][j] for x in sums if x["n"] and x["count"][j]]
        code = fw.indicators[j]
        if count == 0:
            _core_error(fw, code, s, np.array([math.nan]))
        gmin, gmax = min(mins), max(maxs)
        if not gmax > gmin:
            _core_error(fw, code, s, np.array([gmin, gmin]))
        ctx.summary[j] = (ctx.summary[j][0], int(count), gmin, gmax)
    timings["summaries"] = time.perf_counter() - t0

    # 2. Columns: each indicator that needs more than the summaries, gathered and run by the core.
    t0 = time.perf_counter()
    treatment_rows, imputed, diagnostics = [], {}, []
    group_cols = [str(c) for c in data.columns if str(c) not in fw.indicators and str(c) not in denominators
                  and str(c) not in ignore and str(c) not in ("unit", "uCode", "code") and not _numeric_dtype(data[c])]
    rank_paths = [os.path.join(wd, "ranks", f"{k}.npy") for k in range(len(fw.codes))]
    # Columns are gathered a batch at a time: as many as fit in the largest partition's bytes, so
    # the client holds no more than a partition (and at least one column).
    per_batch = max(1, min(len(column_path), (max(lengths) * len(fw.indicators)) // max(n_units, 1))) if column_path else 1
    if column_batch is not None:
        per_batch = max(1, int(column_batch))
    units: list[str] | None = None
    for b0 in range(0, len(column_path), per_batch):
        batch = [fw.indicators[j] for j in column_path[b0:b0 + per_batch]]
        groups_needed, dens_needed = [], []
        for code in batch:
            group = str(getattr(imp_by.get(code, s.imputation), "group", "") or "")
            if group and group not in group_cols:
                raise SpecError(f"imputation of {code!r}: unknown unit group {group!r} (the data's text columns: "
                                f"{', '.join(map(repr, group_cols)) or 'none'})")
            if group and group not in groups_needed:
                groups_needed.append(group)
            if code in dens_of and dens_of[code].denominator not in dens_needed:
                dens_needed.append(dens_of[code].denominator)
        cols = batch + dens_needed + groups_needed
        pieces = dask.compute(*[dask.delayed(_column_part)(p, batch + dens_needed, groups_needed,
                                                           ctx.part_source(k), units is None)
                                 for k, p in enumerate(parts)])
        pieces = [x for x in pieces if x["n"]]
        if units is None:  # the unit codes, gathered once (the core checks that they are unique)
            units = [str(u) for x in pieces for u in x.pop("units")]
        values = np.empty((n_units, len(batch)), order="F")
        for c, code in enumerate(batch):
            values[:, c] = np.concatenate([x["numeric"][code] for x in pieces])
        ds = _core.Dataset(units, values)
        del values
        if dens_needed:
            ds.set_denominators(dens_needed, np.column_stack([np.concatenate([x["numeric"][d] for x in pieces])
                                                              for d in dens_needed]))
        for g in groups_needed:
            ds.add_group(g, [v for x in pieces for v in x["text"][g]])
        del pieces
        sub = _sub_framework(fw, batch)
        res = _core.build(sub._core, ds, _sub_spec(s, batch, norm_by, imp_by, tr_by, tf_by, rg_by, dens_of))
        normalized = np.asarray(res.normalized)
        imputed_cols = np.array([c for _, c in res.imputed_cells], dtype=np.int64)
        for c, code in enumerate(batch):
            j = fw.indicators.index(code)
            col = np.array(normalized[:, c])
            path = os.path.join(wd, "columns", f"{j}.npy")
            np.save(path, col)
            ctx.columns[j] = path
            _save_ranks(col, rank_paths[ind_index[code]])
            del col
            imputed[code] = int((imputed_cols == c).sum())
        for code, r in zip(batch, res.treatment):
            treatment_rows.append({
                "indicator": code, "action": r.action, "skew_before": r.skew_before, "kurtosis_before": r.kurtosis_before,
                "skew_after": r.skew_after, "kurtosis_after": r.kurtosis_after, "passes_after": r.passes_after,
                "winsorized": r.winsorized, "winsorized_high": [units[i] for i in r.winsorized_high],
                "winsorized_low": [units[i] for i in r.winsorized_low]})
        diagnostics += [{"kind": d.kind, "code": d.code, "message": d.message} for d in res.diagnostics
                        if d.kind != "missing_score"]
        del res, ds, normalized
    units = None
    timings["columns"] = time.perf_counter() - t0

    # 3. Scores: each partition with the fixed summaries, written as Parquet.
    t0 = time.perf_counter()
    scores_dir = os.path.join(wd, "scores")
    os.makedirs(scores_dir, exist_ok=True)
    dask.compute(*[dask.delayed(_score_and_write)(p, ctx, k, os.path.join(scores_dir, f"part.{k}.parquet"))
                   for k, p in enumerate(parts)])
    timings["scores"] = time.perf_counter() - t0

    # 4. Ranks: one node at a time, gathered, ranked by the core, written as int32.
    t0 = time.perf_counter()
    # (Each node is one task: a worker holds one column at a time; the root's task also counts
    # the units without a score.)
    todo = [(k, code) for k, code in enumerate(fw.codes)
            if not (code in ind_index and fw.indicators.index(code) in ctx.columns)]
    missing = dask.compute(*[dask.delayed(_rank_node)(scores_dir, len(parts), code, rank_paths[k]) for k, code in todo])
    root_missing = dict(zip([c for _, c in todo], missing)).get(fw.root, 0)
    timings["ranks"] = time.perf_counter() - t0
    if root_missing:
        diagnostics.append({"kind": "missing_score", "code": fw.root,
                            "message": f"{root_missing} unit(s) have no '{fw.root}' score (too few of their children "
                                       "have data) and are unranked"})
    _, weights, _, _ = ctx.core()
    effective = np.asarray(fw._core.effective_weights(weights))
    cols = ["action", "skew_before", "kurtosis_before", "skew_after", "kurtosis_after", "passes_after", "winsorized",
            "winsorized_high", "winsorized_low"]
    treatment = (pd.DataFrame(treatment_rows).set_index("indicator") if treatment_rows
                 else pd.DataFrame(columns=cols, index=pd.Index([], name="indicator")))
    out = PartitionedResult(fw, spec, wd, owned, n_units, weights, effective, treatment,
                            pd.Series(imputed, dtype="int64", name="imputed"), diagnostics, timings, rank_paths,
                            ctx.offsets)
    by_kind: dict[str, list[dict[str, str]]] = {}
    for d in diagnostics:
        by_kind.setdefault(d["kind"], []).append(d)
    for kind, items in by_kind.items():
        first = "; ".join(d["message"] for d in items[:3])
        more = f" (and {len(items) - 3} more)" if len(items) > 3 else ""
        warnings.warn(f"{len(items)} {kind.replace('_', ' ')} issue(s): {first}{more}", CompindexWarning, stacklevel=4)
    return out


def _unit_at(part: pd.DataFrame, row: int, source: str) -> str:
    return str(unit_index(part, source).index[row])


def _check_unique_units(parts: list[Any], sums: tuple[dict[str, Any], ...], ctx: _Context, dask: Any) -> None:
    """DataError naming a unit code that two partitions both have (each partition checks its own).
    Compares the codes' 64-bit hashes, 8 bytes per unit, then the codes of any equal hashes."""
    hashes = [x["hashes"] for x in sums if x["n"]]
    if not hashes:
        return
    h = np.concatenate(hashes)
    for x in sums:
        x.pop("hashes", None)
    order = np.argsort(h, kind="stable")
    same = np.flatnonzero(h[order][1:] == h[order][:-1])
    if not same.size:
        return
    starts = np.asarray(ctx.offsets)
    for k in same[:10]:
        a, b = int(order[k]), int(order[k + 1])  # global rows, a < b (stable sort)
        pa_, pb = int(np.searchsorted(starts, a, side="right") - 1), int(np.searchsorted(starts, b, side="right") - 1)
        ua, ub = dask.compute(dask.delayed(_unit_at)(parts[pa_], a - starts[pa_], ctx.source),
                              dask.delayed(_unit_at)(parts[pb], b - starts[pb], ctx.source))
        if ua == ub:
            raise DataError(f"{ctx.source}: unit {ua!r} appears in partition {pa_} (row {a - starts[pa_] + 1}) and in "
                            f"partition {pb} (row {b - starts[pb] + 1}); unit codes must be unique")


def _gather_score_column(scores_dir: str, n_parts: int, code: str) -> np.ndarray:
    """One node's scores, every unit in row order (8 bytes per unit), from the scores' files."""
    import pyarrow.parquet as pq

    pieces = [pq.read_table(os.path.join(scores_dir, f"part.{k}.parquet"), columns=[code]).column(code).to_numpy()
              for k in range(n_parts)]
    return np.concatenate(pieces) if pieces else np.empty(0)


def _rank_node(scores_dir: str, n_parts: int, code: str, path: str) -> int:
    """Ranks one node's scores over every unit (the core's ranking) into ``path``; returns the
    number of units without a score."""
    col = _gather_score_column(scores_dir, n_parts, code)
    _save_ranks(col, path)
    return int(np.isnan(col).sum())


def _numeric_dtype(col: Any) -> bool:
    return bool(pd.api.types.is_numeric_dtype(col.dtype))


def _save_ranks(col: np.ndarray, path: str) -> None:
    r = np.asarray(_core.rank_scores(col))
    out = np.where(np.isnan(r), 0, r).astype(np.int32)
    np.save(path, out)


def _sub_spec(s: Any, codes: list[str], norm_by: dict, imp_by: dict, tr_by: dict, tf_by: dict, rg_by: dict,
              dens_of: dict) -> Any:
    """The spec of some indicators' own run: each indicator's resolved methods."""
    sub = _core.PipelineSpec()
    sub.normalization_by_indicator = {c: norm_by.get(c, s.normalization) for c in codes}
    sub.imputation_by_indicator = {c: imp_by.get(c, s.imputation) for c in codes}
    sub.treatment_by_indicator = {c: tr_by.get(c, s.treatment) for c in codes}
    sub.transform_by_indicator = {c: tf_by.get(c, s.transform) for c in codes}
    sub.range_by_indicator = {c: rg_by.get(c, s.output_range) for c in codes}
    sub.denominators = {c: dens_of[c] for c in codes if c in dens_of}
    return sub


def _core_error(fw: Framework, code: str, s: Any, values: np.ndarray) -> None:
    """Raise the core's own error for an indicator whose summary shows it cannot be normalized
    (no data, constant), by running the core on a column with that summary."""
    norm_by, rg_by = dict(s.normalization_by_indicator), dict(s.range_by_indicator)
    sub = _sub_framework(fw, [code])
    spec = _core.PipelineSpec()
    spec.normalization = norm_by.get(code, s.normalization)
    spec.output_range = rg_by.get(code, s.output_range)
    ds = _core.Dataset([f"u{i}" for i in range(len(values))], values.reshape(-1, 1).copy(order="F"))
    _core.build(sub._core, ds, spec)
    raise DataError(f"indicator {code!r}: its values cannot be normalized")  # pragma: no cover - the core raised


def _natural_key(name: str) -> list[Any]:
    import re

    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _read_part(path: str) -> pd.DataFrame:
    """One Parquet part as a pandas DataFrame (Arrow's buffers released column by column as they
    are converted, so reading a part costs about one copy of it)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return table.to_pandas(self_destruct=True, split_blocks=True)


def read_folder(fw: Framework, folder: str, denominators: list[str] = ()) -> Any:
    """A folder of CSV or Parquet parts as a Dask DataFrame, one partition per file, in the
    files' natural order (``part.2`` before ``part.10``).

    Parameters
    ----------
    fw : Framework
        The index tree: its indicator columns (and ``denominators``) are read as numbers, every
        other column as text (unit codes, unit groups).
    folder : str
        A directory of ``*.csv`` files or of ``*.parquet`` / ``*.pq`` files.
    denominators : list of str
        Denominator columns, read as numbers.

    Returns
    -------
    dask.dataframe.DataFrame

    Raises
    ------
    DataError
        A folder with neither CSV nor Parquet files, or with both.
    """
    import dask.dataframe as dd

    names = sorted(os.listdir(folder), key=_natural_key)
    csv = [os.path.join(folder, f) for f in names if f.lower().endswith(".csv")]
    pq = [os.path.join(folder, f) for f in names if f.lower().endswith((".parquet", ".pq"))]
    if bool(csv) == bool(pq):
        what = "both CSV and Parquet files" if csv else "no CSV or Parquet files"
        raise DataError(f"{folder}: a folder of data parts must hold CSV files or Parquet files, it has {what}")
    if pq:
        import pyarrow.parquet as pqm

        meta = pqm.read_schema(pq[0]).empty_table().to_pandas()
        return dd.from_map(_read_part, pq, meta=meta, enforce_metadata=False)
    header = pd.read_csv(csv[0], nrows=0).columns
    numeric = set(fw.indicators) | set(denominators)
    dtype = {str(c): ("float64" if str(c).strip() in numeric else "object") for c in header}
    return dd.read_csv(csv, blocksize=None, dtype=dtype, keep_default_na=True)


def score_folder(fw: Framework, folder: str, out: str, spec: Mapping[str, Any], *, precision: int | None = None) -> int:
    """``compindex score --data FOLDER``: score a folder of parts and write the tidy table
    (unit, code, score, rank) one partition at a time.

    Parameters
    ----------
    fw : Framework
        The index tree.
    folder : str
        A directory of CSV or Parquet parts (see :func:`read_folder`).
    out : str
        The output CSV file.
    spec : mapping
        The keywords of :func:`compindex.make_spec`.
    precision : int, optional
        Significant digits of the scores (default: in full).

    Returns
    -------
    int
        The exit status (0).
    """
    from .cli import write_csv
    from .pipeline import make_spec

    if out.lower().endswith(".xlsx"):
        raise DataError(f"{out}: a folder of data parts is scored into a CSV file (a workbook cannot hold that many rows)")
    dens = sorted({d.denominator for d in dict(make_spec(fw, **spec).denominators).values()})
    data = read_folder(fw, folder, dens)
    with score_partitioned(fw, data, source=folder, **spec) as res:
        try:
            with open(out, "w", newline="", encoding="utf-8") as f:
                for k, long in enumerate(res.iter_long()):
                    long["rank"] = long["rank"].astype("Int64")
                    write_csv(long, f, precision=precision, header=k == 0)
        except OSError as e:
            raise DataError(f"{out}: cannot write the file ({e})") from None
        print(f"scored {res.n_units} units on {len(fw)} nodes in {len(res._offsets) - 1} parts; wrote {out}")
        print(res.ranking(10).to_string(float_format=lambda x: f"{x:.2f}"))
    return 0
