"""Uncertainty and sensitivity analysis of ranks.

Declare what is uncertain as factors, then run::

    ua = compindex.uncertainty_analysis(fw, data, [
        Weights(spread=0.25),
        Normalization(["min_max", "percentile_rank"]),
        Aggregation(["arithmetic_mean", "geometric_mean"]),
        Treatment([None, "gii"]),
    ], n=10_000, range=(1, 100))
    ua.summary          # nominal, median, 5th and 95th percentile rank per unit
    sa = compindex.sensitivity_analysis(fw, data, factors, output="mean_abs_rank_shift", n=1024)
    sa.indices          # first- and total-order Sobol indices with bootstrap intervals

Replication ``i`` draws its inputs from point ``i`` of a digitally shifted Sobol sequence (or from
a counter-based generator keyed by ``(seed, i)``), so results are bit-identical for a seed
whatever the thread count, and whatever the split over a Dask cluster (``client=``).
"""

from __future__ import annotations

import hashlib
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import _core, _methods
from ._convert import to_dataset
from .errors import CompindexWarning, ComputationError, Error, SpecError
from .framework import Framework
from .pipeline import make_spec

__all__ = [
    "Aggregation",
    "Exclusion",
    "Imputation",
    "LeaveOneOutResult",
    "Normalization",
    "SensitivityPart",
    "SensitivityResult",
    "Treatment",
    "UncertaintyResult",
    "WeightSets",
    "Weights",
    "leave_one_out",
    "merge",
    "sensitivity_analysis",
    "uncertainty_analysis",
]

_U = _core.uncertainty


# -- factors -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Weights:
    """Weights vary: uniformly within ``w0 (1 +/- spread)``, or (``distribution="dirichlet"``,
    uncertainty analysis only) jointly among siblings around the nominal shares, tighter for a
    larger ``concentration``. ``nodes`` (or ``level``, counted from the leaves with 1 =
    indicators as :attr:`Framework.levels <compindex.Framework.levels>`, or ``depth``, counted from the root with 0 = the
    root as :attr:`Framework.depths <compindex.Framework.depths>`) chooses whose weights vary; default every node but the root."""

    spread: float = 0.25
    nodes: Sequence[str] = ()
    level: int | None = None
    distribution: str = "uniform"
    concentration: float = 100.0
    name: str = "weights"
    depth: int | None = None

    def _core(self, fw: Framework) -> Any:
        if self.distribution not in ("uniform", "dirichlet"):
            raise SpecError(f"factor {self.name!r}: distribution must be 'uniform' or 'dirichlet', got {self.distribution!r}")
        nodes = list(self.nodes)
        if self.level is not None and self.depth is not None:
            raise SpecError(f"factor {self.name!r}: give level (from the leaves) or depth (from the root), not both")
        if not nodes and (self.level is not None or self.depth is not None):
            nodes = [c for c in fw.nodes_at(self.level, depth=self.depth) if c != fw.root and not fw.is_ratio(c)]
            if not nodes:
                where = f"level {self.level}" if self.level is not None else f"depth {self.depth}"
                raise SpecError(f"factor {self.name!r}: no node at {where}")
        return _U.WeightsFactor(name=self.name, nodes=nodes, spread=float(self.spread),
                                dirichlet=self.distribution == "dirichlet", concentration=float(self.concentration))


@dataclass(frozen=True)
class Normalization:
    """The normalization of every indicator is one of ``alternatives`` (names or objects)."""

    alternatives: Sequence[Any]
    name: str = "normalization"

    def _core(self, fw: Framework) -> Any:
        return _U.NormalizationFactor(name=self.name, alternatives=[_methods.normalization(a, f"factor {self.name!r}") for a in self.alternatives])


@dataclass(frozen=True)
class Aggregation:
    """The aggregation of the chosen aggregates (``nodes``, or those of ``level``, counted from
    the leaves with 1 = indicators as :attr:`Framework.levels <compindex.Framework.levels>`, or of ``depth``, counted from the
    root with 0 = the root as :attr:`Framework.depths <compindex.Framework.depths>`; default all) is one of ``alternatives``."""

    alternatives: Sequence[Any]
    nodes: Sequence[str] = ()
    level: int | None = None
    name: str = "aggregation"
    depth: int | None = None

    def _core(self, fw: Framework) -> Any:
        nodes = list(self.nodes)
        if self.level is not None and self.depth is not None:
            raise SpecError(f"factor {self.name!r}: give level (from the leaves) or depth (from the root), not both")
        if not nodes and self.depth is not None:
            nodes = [c for c in fw.nodes_at(depth=self.depth) if not fw.is_indicator(c) and not fw.is_ratio(c)]
            if not nodes:
                raise SpecError(f"factor {self.name!r}: no aggregate at depth {self.depth}")
        return _U.AggregationFactor(name=self.name, alternatives=[_methods.aggregation(a, f"factor {self.name!r}") for a in self.alternatives],
                                    nodes=nodes, level=int(self.level or 0))


@dataclass(frozen=True)
class Imputation:
    """The imputation of every indicator is one of ``alternatives`` (``None`` = no imputation)."""

    alternatives: Sequence[Any]
    name: str = "imputation"

    def _core(self, fw: Framework) -> Any:
        return _U.ImputationFactor(name=self.name, alternatives=[_methods.imputation(a, f"factor {self.name!r}") for a in self.alternatives])


@dataclass(frozen=True)
class Treatment:
    """The outlier treatment is one of ``alternatives`` (``None`` = off, ``"gii"``,
    ``"gii(skew_threshold=2)"``, ...)."""

    alternatives: Sequence[Any]
    name: str = "treatment"

    def _core(self, fw: Framework) -> Any:
        return _U.TreatmentFactor(name=self.name, alternatives=[_methods.treatment(a, f"factor {self.name!r}") for a in self.alternatives])


@dataclass(frozen=True)
class Exclusion:
    """One node of ``candidates`` (default: every indicator) is left out, or none."""

    candidates: Sequence[str] = ()
    include_none: bool = True
    name: str = "exclusion"

    def _core(self, fw: Framework) -> Any:
        return _U.ExclusionFactor(name=self.name, candidates=list(self.candidates), include_none=bool(self.include_none))


@dataclass(frozen=True)
class WeightSets:
    """The weights are one of ``sets``: ``"nominal"`` (or ``""``) is the nominal run's weights, any
    other name a named weight set of the framework (:meth:`Framework.add_weight_set <compindex.Framework.add_weight_set>`,
    :meth:`compindex.weighting.WeightResult.apply` with a name, or ``weight_<NAME>`` metadata
    columns). Each replication takes set ``floor(u L)`` of the L sets. A :class:`Weights` factor in
    the same analysis then varies the chosen set's weights."""

    sets: Sequence[str]
    name: str = "weight_sets"

    def _core(self, fw: Framework) -> Any:
        if isinstance(self.sets, str):
            raise SpecError(f"factor {self.name!r}: sets must be a list of weight-set names, e.g. [{self.sets!r}, 'nominal']")
        sets = [str(s) for s in self.sets]
        if not sets:
            raise SpecError(f"factor {self.name!r}: no weight sets")
        return _U.WeightSetsFactor(name=self.name, sets=sets)


def _alternative_labels(f: Any, fw: Framework) -> list[str] | None:
    if isinstance(f, WeightSets):
        return [str(s) or "nominal" for s in f.sets]
    if isinstance(f, Exclusion):
        labels = ["none"] if f.include_none else []
        return labels + (list(f.candidates) or fw.indicators)
    if isinstance(f, (Normalization, Aggregation, Imputation, Treatment)):
        return [a if isinstance(a, str) else ("none" if a is None else repr(a)) for a in f.alternatives]
    return None


# -- set-up shared by local and distributed runs ---------------------------------------------------
@dataclass
class _Problem:
    framework: Framework
    data: pd.DataFrame
    factors: list[Any]
    spec: dict[str, Any] = field(default_factory=dict)
    groups: Any = None
    ignore: Sequence[str] = ()

    def engine(self) -> Any:
        core_spec = make_spec(self.framework, **self.spec)
        dens = sorted({d.denominator for d in core_spec.denominators.values()})
        ds, _, _ = to_dataset(self.framework, self.data, denominators=dens, groups=self.groups, ignore=self.ignore)
        if not self.factors:
            raise SpecError("no factors: say what is uncertain (Weights, Normalization, Aggregation, ...)")
        return _U.Engine(self.framework._core, ds, core_spec, [f._core(self.framework) for f in self.factors])


def _evaluate_chunk(problem: _Problem, inputs: np.ndarray, first: int, seed: int, threads: int) -> Any:
    # Runs on a worker: rebuilds the engine from picklable Python inputs and evaluates the rows.
    return _runs_tuple(problem.engine().evaluate(np.asfortranarray(inputs), first, seed, threads))


def _runs_tuple(reps: Any) -> tuple:
    # A core Replications as plain (picklable, concatenable) Python values.
    return (list(reps.index), np.array(reps.ranks), np.array(reps.scores), np.array(reps.inputs), np.array(reps.weights),
            [list(c) for c in reps.choices], list(reps.failures))


def _concat_runs(parts: Sequence[tuple]) -> Any:
    # Rows of consecutive parts, in replication order, as one core Replications.
    def cat(j: int) -> np.ndarray:
        return np.asfortranarray(np.vstack([p[j] for p in parts]))
    return _U.Replications([i for p in parts for i in p[0]], cat(1), cat(2), cat(3), cat(4),
                           [c for p in parts for c in p[5]], [f for p in parts for f in p[6]])


# -- progress ------------------------------------------------------------------------------------
def _interactive() -> bool:
    # A terminal or a Jupyter kernel: where a progress bar is seen rather than logged.
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            return True
    except (AttributeError, ValueError):
        pass
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


_PROGRESS_AFTER = 2.0  # seconds: a shorter analysis shows no bar


class _Progress:
    """A tqdm bar over replications, opened only once the work is expected to take more than
    ``after`` seconds (estimated from the blocks done so far); a no-op when disabled."""

    def __init__(self, total: int, desc: str, enabled: bool | None, after: float | None = None) -> None:
        self.total = int(total)
        self.desc = desc
        self.enabled = _interactive() if enabled is None else bool(enabled)
        self.explicit = enabled is True
        self.after = _PROGRESS_AFTER if after is None else after
        self.start = time.monotonic()
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int | None = None) -> None:
        self.done = int(done)
        if not self.enabled:
            return
        if self.bar is None:
            elapsed = time.monotonic() - self.start
            if self.done <= 0 or self.done >= self.total or elapsed * self.total / self.done < self.after:
                return
            self.bar = self._open()
            if self.bar is None:
                self.enabled = False
                return
        self.bar.update(self.done - self.bar.n)

    def _open(self) -> Any:
        try:
            if type(getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()).__name__ == "ZMQInteractiveShell":
                try:
                    import ipywidgets  # noqa: F401
                    from tqdm.notebook import tqdm
                except ImportError:
                    from tqdm.std import tqdm
            else:
                from tqdm.std import tqdm
        except ImportError:
            if self.explicit:
                warnings.warn("progress=True needs the tqdm package (pip install tqdm); no progress bar is shown",
                              CompindexWarning, stacklevel=4)
            return None
        return tqdm(total=self.total, initial=self.done, desc=self.desc, unit="rep", leave=False, dynamic_ncols=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# -- running rows locally or on a Dask cluster ------------------------------------------------------
def _run_rows(problem: _Problem, engine: Any, inputs: np.ndarray, first: int, seed: int, threads: int, client: Any,
              chunks: int | None, progress: _Progress, what: str) -> Any:
    # Rows of `inputs` are replications first, first + 1, ...
    try:
        if client is None:
            return engine.evaluate(np.asfortranarray(inputs), first, seed, threads, progress)
        return _run_on_cluster(problem, inputs, first, seed, threads, client, chunks, progress, what)
    finally:
        progress.close()


def _run_on_cluster(problem: _Problem, inputs: np.ndarray, first: int, seed: int, threads: int, client: Any,
                    chunks: int | None, progress: _Progress, what: str) -> Any:
    from distributed import as_completed

    rows = inputs.shape[0]
    k = max(1, min(int(chunks or len(client.scheduler_info().get("workers", {})) or 1), rows))
    bounds = [rows * i // k for i in range(k + 1)]
    spans = [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    # retries: a chunk whose task raised (e.g. its worker ran out of memory) runs again; a chunk whose
    # worker died is re-run by the scheduler on another worker (distributed.scheduler.allowed-failures).
    futures = [client.submit(_evaluate_chunk, problem, inputs[a:b], first + a, seed, threads, pure=False, retries=_RETRIES)
               for a, b in spans]
    span_of = {f.key: span for f, span in zip(futures, spans)}
    parts: dict[int, tuple] = {}
    done = 0
    try:
        try:
            for fut in as_completed(futures):
                part = fut.result()
                a, b = span_of[fut.key]
                parts[a] = part
                done += b - a
                progress(done, rows)
        except (Error, KeyboardInterrupt, SystemExit):
            raise  # compindex's own errors from a worker (bad input), Ctrl-C: not cluster faults
        except BaseException as e:  # noqa: BLE001 -- whatever the cluster raised (some are BaseException): say what was done
            raise _cluster_lost(what, e, spans, parts, first, rows) from e
    except BaseException:
        try:  # free the cluster of the rest (Ctrl-C, an error); a lost cluster cannot be told
            client.cancel(futures)
        except Exception:  # noqa: BLE001
            pass
        raise
    return _concat_runs([parts[a] for a, _ in spans])


def _cluster_lost(what: str, cause: BaseException, spans: list[tuple[int, int]], parts: dict[int, tuple], first: int,
                  rows: int) -> ComputationError:
    done = [(first + a, b - a) for a, b in spans if a in parts]
    missing = [(first + a, b - a) for a, b in spans if a not in parts]
    n_done = sum(c for _, c in done)
    ranges = "; ".join(f"start={s}, count={c}" for s, c in missing[:4]) + (" ..." if len(missing) > 4 else "")
    advice = (f"Run the missing replications ({ranges}) and combine the parts (this error's .parts and the new ones) "
              "with compindex.uncertainty.merge")
    err = ComputationError(
        f"{what}: the Dask cluster failed ({type(cause).__name__}: {str(cause)[:200] or 'no message'}) after "
        f"{n_done} of {rows} replications ({len(done)} of {len(spans)} chunks) were done; no partial result is returned. "
        + advice)
    err.done_ranges = done  # type: ignore[attr-defined]
    err.missing_ranges = missing  # type: ignore[attr-defined]
    err.parts = []  # type: ignore[attr-defined]  # uncertainty_analysis fills in the finished parts
    err._chunks = [(first + a, parts[a]) for a, _ in spans if a in parts]  # type: ignore[attr-defined]
    return err


_RETRIES = 3


def _unit_names(data: pd.DataFrame) -> dict[str, str]:
    # Display names from a `name` text column of the data (for the charts' labels="name").
    table = data.set_index("unit") if "unit" in data.columns else data
    if "name" not in table.columns:
        return {}
    return {str(u).strip(): v for u, v in table["name"].items() if isinstance(v, str) and v}


# -- uncertainty analysis --------------------------------------------------------------------------
class UncertaintyResult:
    """Rank statistics over replications, the replications themselves, and their inputs."""

    def __init__(self, framework: Framework, factors: list[Any], core: Any, seed: int, *, n: int | None = None,
                 sampler: str = "sobol", engine: Any = None, fingerprint: str = "", _stacklevel: int = 3) -> None:
        self.framework = framework
        self.factors = factors
        self.seed = seed
        self.n = int(n) if n is not None else len(core.runs.index)
        """The size of the design: replications 0 to n - 1 make the whole analysis."""
        self.sampler = sampler
        self.start = int(core.runs.index[0]) if len(core.runs.index) else 0
        """The first replication computed here."""
        self.count = len(core.runs.index)
        """How many replications were computed here (``start`` to ``start + count - 1``)."""
        self._engine = engine
        self._fingerprint = fingerprint
        self._core = core
        self.units = pd.Index(core.units, name="unit")
        self.attrs: dict[str, Any] = {}
        """The data frame's ``attrs`` (e.g. the SIMULATED ``note`` of the PII demonstration data)."""
        runs = core.runs
        self.replication = pd.Index(list(runs.index), name="replication")
        if core.runs.failures:
            n = len(core.runs.failures)
            warnings.warn(f"{n} of {len(self.replication)} replications failed (see .failures); first: "
                          f"{core.runs.failures[0][1]}", CompindexWarning, stacklevel=_stacklevel)

    @property
    def summary(self) -> pd.DataFrame:
        """Per unit: nominal score and rank, mean, median, 5th and 95th percentile rank, sorted by
        nominal rank."""
        c = self._core
        df = pd.DataFrame({
            "nominal_score": np.asarray(c.nominal_scores), "nominal_rank": np.asarray(c.nominal_ranks),
            "median_rank": np.asarray(c.median_rank), "mean_rank": np.asarray(c.mean_rank),
            "p05_rank": np.asarray(c.p05_rank), "p95_rank": np.asarray(c.p95_rank),
        }, index=self.units)
        df["interval_width"] = df["p95_rank"] - df["p05_rank"]
        return df.sort_values(["nominal_rank", "median_rank"])

    @property
    def ranks(self) -> pd.DataFrame:
        """Replications x units: the index rank in each replication (NaN: failed or unranked)."""
        return pd.DataFrame(np.asarray(self._core.runs.ranks), index=self.replication, columns=self.units)

    @property
    def scores(self) -> pd.DataFrame:
        """Replications x units: the index score of every unit in every replication."""
        return pd.DataFrame(np.asarray(self._core.runs.scores), index=self.replication, columns=self.units)

    @property
    def inputs(self) -> pd.DataFrame:
        """Replications x uniform variates: the sampled inputs (one column per weight and choice)."""
        return pd.DataFrame(np.asarray(self._core.runs.inputs), index=self.replication, columns=list(self._core.input_names))

    @property
    def choices(self) -> pd.DataFrame:
        """Replications x discrete factors: the alternative each replication used."""
        out = {}
        for k, f in enumerate(self.factors):
            labels = _alternative_labels(f, self.framework)
            if labels is None:
                continue
            idx = [c[k] for c in self._core.runs.choices]
            out[f.name] = [labels[i] if i >= 0 else None for i in idx]
        return pd.DataFrame(out, index=self.replication)

    @property
    def weights(self) -> pd.DataFrame:
        """Replications x nodes: the weights used (empty without a Weights or WeightSets factor)."""
        w = np.asarray(self._core.runs.weights)
        if w.size == 0:
            return pd.DataFrame(index=self.replication)
        return pd.DataFrame(w, index=self.replication, columns=self.framework.codes)

    @property
    def failures(self) -> pd.DataFrame:
        """Failed replications and why (never silently dropped)."""
        return pd.DataFrame(self._core.runs.failures, columns=["replication", "reason"])

    @property
    def mean_abs_shift(self) -> pd.Series:
        """Per replication: mean absolute rank shift against the nominal ranking."""
        return pd.Series(np.asarray(self._core.mean_abs_shift), index=self.replication, name="mean_abs_shift")

    @property
    def outrank_probability(self) -> pd.DataFrame:
        """Units x units: the share of replications in which the row unit ranks above the column unit."""
        return pd.DataFrame(np.asarray(self._core.outrank_probability), index=self.units, columns=self.units)

    @property
    def n_successful(self) -> int:
        """Replications that produced ranks (the others are in :attr:`failures`)."""
        return int(self._core.n_successful)

    @property
    def complete(self) -> bool:
        """Whether this result covers the whole design (replications 0 to ``n - 1``)."""
        return self.start == 0 and self.count == self.n

    def plot(self, *, top: int | None = None, ax: Any = None, **kwargs: Any) -> Any:
        """Rank intervals per unit: 5th-95th percentile bars, median and nominal rank, titled with
        what varied, the replications and the failures (:func:`compindex.plots.rank_interval_chart`;
        ``units=``, ``highlight=``, ``names=``, ``labels=``, ``title=``, ``note=``).

        Parameters
        ----------
        top : int, optional
            Show the best ``top`` units only.
        ax : matplotlib.axes.Axes, optional
            Draw into these axes (default: a new figure).
        **kwargs
            Passed to :func:`compindex.plots.rank_interval_chart`.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from .plots import rank_interval_chart

        return rank_interval_chart(self, top=top, ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        return (f"<p><b>Uncertainty analysis</b>: {len(self.replication)} replications "
                f"({self.n_successful} successful), factors {', '.join(f.name for f in self.factors)}</p>"
                + self.summary.head(20).to_html(float_format="%.2f"))


def uncertainty_analysis(framework: Framework, data: pd.DataFrame, factors: Sequence[Any], *, n: int = 1000, seed: int = 0,
                         threads: int | None = None, sampler: str = "sobol", client: Any = None, chunks: int | None = None,
                         start: int = 0, count: int | None = None, progress: bool | None = None,
                         groups: Any = None, ignore: Sequence[str] = (), **spec: Any) -> UncertaintyResult:
    """Uncertainty analysis of the index ranks.

    Parameters
    ----------
    framework : Framework
        The index tree.
    data : pandas.DataFrame
        The data, as for :func:`compindex.score`.
    factors
        What is uncertain: :class:`~compindex.uncertainty.Weights`,
        :class:`~compindex.uncertainty.Normalization`, :class:`~compindex.uncertainty.Aggregation`,
        :class:`~compindex.uncertainty.Imputation`, :class:`~compindex.uncertainty.Treatment`,
        :class:`~compindex.uncertainty.Exclusion`, :class:`~compindex.uncertainty.WeightSets`.
    n
        Replications of the whole analysis.
    seed
        Results are a function of the seed only (not of threads, chunks, ranges or the cluster).
    threads
        C++ threads (default: all cores).
    sampler
        ``"sobol"`` (quasi-random, default) or ``"monte_carlo"``.
    client, chunks
        A ``dask.distributed.Client`` to spread replications over, in ``chunks`` pieces. A chunk
        whose worker dies is re-run on another worker; if the cluster is lost the call raises.
    start, count
        Compute only replications ``start`` to ``start + count - 1`` of the ``n`` (default: all
        from ``start``): the same rows a whole run computes, to resume or split a long analysis.
        Combine the parts with :func:`~compindex.uncertainty.merge`.
    progress
        Show a progress bar (tqdm) when the analysis is expected to take more than about two
        seconds. Default: in a terminal or a notebook only. ``False`` turns it off. Results do
        not depend on it.
    groups : DataFrame or dict, optional
        Extra unit-group labels, as for :func:`compindex.score`.
    ignore : sequence of str
        Columns of ``data`` to leave out.
    **spec
        The nominal pipeline, as in :func:`compindex.score`.

    Returns
    -------
    UncertaintyResult
        The rank statistics; with ``start``/``count`` those of the replications computed.

    Raises
    ------
    SpecError
        For bad factors, a non-positive ``n`` or a range outside ``0 .. n - 1``.
    ComputationError
        When the Dask cluster is lost before every chunk is done. The message says how many
        replications were done; ``.parts`` holds the finished ones (results to :func:`~compindex.uncertainty.merge`)
        and ``.missing_ranges`` the ``(start, count)`` still to run.
    KeyboardInterrupt
        On Ctrl-C, within a fraction of a second (the engine stops between blocks of
        replications); nothing keeps running afterwards.
    """
    if int(n) <= 0:
        raise SpecError(f"uncertainty analysis: n must be positive, got {n}")
    n, start = int(n), int(start)
    count = n - start if count is None else int(count)
    if start < 0 or start >= n:
        raise SpecError(f"uncertainty analysis: start must be in 0 .. {n - 1} (n = {n}), got {start}")
    if count <= 0 or start + count > n:
        raise SpecError(f"uncertainty analysis: count must be in 1 .. {n - start} (replications {start} to {n - 1} remain "
                        f"of n = {n}), got {count}")
    problem = _Problem(framework, data, list(factors), dict(spec), groups, tuple(ignore))
    engine = problem.engine()
    fingerprint = _fingerprint(engine, problem, n, int(seed), sampler)
    inputs = np.asarray(engine.sample(start, count, int(seed), sampler))
    bar = _Progress(count, "uncertainty analysis", progress)
    try:
        reps = _run_rows(problem, engine, inputs, start, int(seed), int(threads or 0), client, chunks, bar,
                         "uncertainty analysis")
    except ComputationError as e:
        chunks_done = getattr(e, "_chunks", None)
        if chunks_done:
            e.parts = [_result(framework, factors, engine, _concat_runs([p]), data, int(seed), n, sampler,
                               fingerprint) for _, p in chunks_done]  # type: ignore[attr-defined]
        raise
    return _result(framework, factors, engine, reps, data, int(seed), n, sampler, fingerprint)


def _result(framework: Framework, factors: Sequence[Any], engine: Any, reps: Any, data: Any, seed: int, n: int, sampler: str,
            fingerprint: str) -> UncertaintyResult:
    out = UncertaintyResult(framework, list(factors), engine.summarize(reps), seed, n=n, sampler=sampler, engine=engine,
                            fingerprint=fingerprint, _stacklevel=4)
    out.attrs = dict(getattr(data, "attrs", None) or {})
    out.unit_names = _unit_names(data)
    return out


def _fingerprint(engine: Any, problem: _Problem, n: int, seed: int, sampler: str) -> str:
    # What must agree for parts to be one analysis: the nominal run (data, framework and spec all
    # show in it), the factors, the design (n, seed, sampler). Stable across processes.
    h = hashlib.sha256()
    h.update(repr((n, seed, sampler, list(engine.factor_names), list(engine.input_names))).encode())
    h.update(repr([repr(f) for f in problem.factors]).encode())
    h.update(repr(list(problem.framework.codes)).encode())
    h.update(np.ascontiguousarray(engine.nominal_ranks, dtype=float).tobytes())
    h.update(pd.util.hash_pandas_object(problem.data, index=True).to_numpy().tobytes())
    h.update(repr(sorted((k, repr(v)) for k, v in problem.spec.items() if "0x" not in repr(v))).encode())
    return h.hexdigest()


def merge(parts: Sequence[Any]) -> Any:
    """Combine uncertainty analyses of consecutive replication ranges into one result (or the
    :class:`~compindex.uncertainty.SensitivityPart` of a sensitivity analysis into its :class:`SensitivityResult`).

    The parts must come from the same analysis (framework, data, factors, nominal pipeline, ``n``,
    ``seed`` and ``sampler``), computed with ``start``/``count`` in one session (the result keeps
    the engine that summarizes them). The merged result is bit-identical to the one call over the
    same replications.

    Parameters
    ----------
    parts
        Results of :func:`uncertainty_analysis` (or parts of :func:`sensitivity_analysis`), in any
        order, whose ranges neither overlap nor leave a gap.

    Returns
    -------
    UncertaintyResult or SensitivityResult or SensitivityPart
        The statistics over every replication of the parts; :attr:`UncertaintyResult.complete`
        says whether they cover the whole design. Sensitivity parts give the indices when they
        cover the design, else one part holding them all.

    Raises
    ------
    SpecError
        When there are no parts, when they come from different analyses, or when their ranges
        overlap or leave a gap (the message names the replications).
    """
    parts = list(parts)
    if not parts:
        raise SpecError("merge: no parts")
    if all(isinstance(p, SensitivityPart) for p in parts):
        return _merge_sensitivity(parts)
    for k, p in enumerate(parts):
        if not isinstance(p, UncertaintyResult):
            raise SpecError(f"merge: part {k + 1} is a {type(p).__name__}, not an UncertaintyResult")
    first = parts[0]
    for k, p in enumerate(parts[1:], start=2):
        for what in ("n", "seed", "sampler"):
            if getattr(p, what) != getattr(first, what):
                raise SpecError(f"merge: part {k} has {what} = {getattr(p, what)!r} but part 1 has {getattr(first, what)!r}")
        if p._fingerprint != first._fingerprint:
            raise SpecError(f"merge: part {k} is not from the same analysis as part 1 (framework, data, factors or "
                            "nominal pipeline differ)")
    _check_ranges(parts)
    if first._engine is None:
        raise SpecError("merge: part 1 has no engine to summarize with (it was not computed by uncertainty_analysis)")
    engine = first._engine
    reps = _concat_runs([_runs_tuple(p._core.runs) for p in parts])
    out = UncertaintyResult(first.framework, list(first.factors), engine.summarize(reps), first.seed, n=first.n,
                            sampler=first.sampler, engine=engine, fingerprint=first._fingerprint)
    out.attrs = dict(first.attrs)
    out.unit_names = dict(getattr(first, "unit_names", {}) or {})
    return out


def _check_ranges(parts: list[Any]) -> None:
    parts.sort(key=lambda p: p.start)
    for a, b in zip(parts[:-1], parts[1:]):
        end = a.start + a.count
        if b.start < end:
            raise SpecError(f"merge: replications {b.start} to {min(end, b.start + b.count) - 1} are in two parts")
        if b.start > end:
            raise SpecError(f"merge: replications {end} to {b.start - 1} are missing")


def _merge_sensitivity(parts: list[SensitivityPart]) -> SensitivityResult | SensitivityPart:
    first = parts[0]
    for k, p in enumerate(parts[1:], start=2):
        for what in ("n", "seed", "target", "settings"):
            if getattr(p, what) != getattr(first, what):
                raise SpecError(f"merge: part {k} has {what} = {getattr(p, what)!r} but part 1 has {getattr(first, what)!r}")
        if p._fingerprint != first._fingerprint:
            raise SpecError(f"merge: part {k} is not from the same analysis as part 1 (framework, data, factors or "
                            "nominal pipeline differ)")
    _check_ranges(parts)
    merged = SensitivityPart(first.factors, first.target, np.concatenate([p.y for p in parts]), start=parts[0].start,
                             rows=first.rows, n=first.n, seed=first.seed, settings=first.settings,
                             fingerprint=first._fingerprint, framework=first.framework)
    merged.attrs, merged.unit_names = dict(first.attrs), dict(first.unit_names)
    return merged._indices() if merged.complete else merged


# -- sensitivity analysis -------------------------------------------------------------------------
class SensitivityResult:
    """Sobol first- and total-order indices of a scalar rank output, one row per factor."""

    def __init__(self, factors: list[Any], output: str, indices: Any, y: np.ndarray, *, n: int | None = None,
                 target: str = "", framework: Framework | None = None) -> None:
        self.factors = factors
        self.output = output
        self._indices = indices
        self.y = y
        """The output in every run of the Saltelli design (``n (k + 2)`` values)."""
        self.n = n
        """The base sample size (the design has ``n (k + 2)`` runs)."""
        self.target = target
        """The unit whose rank is the output ("" for the mean absolute rank shift)."""
        self.framework = framework
        self.n_failed = 0
        """Failed runs (always 0: a failed run makes the analysis raise)."""
        self.attrs: dict[str, Any] = {}
        """The data frame's ``attrs`` (e.g. the SIMULATED ``note`` of the PII demonstration data)."""
        self.unit_names: dict[str, str] = {}
        """Unit code -> name, from a ``name`` column of the data (empty without one)."""

    @property
    def indices(self) -> pd.DataFrame:
        """One row per factor: first- and total-order indices with their confidence bounds."""
        i = self._indices
        return pd.DataFrame({
            "first_order": np.asarray(i.first_order), "first_low": np.asarray(i.first_low), "first_high": np.asarray(i.first_high),
            "total_order": np.asarray(i.total_order), "total_low": np.asarray(i.total_low), "total_high": np.asarray(i.total_high),
        }, index=pd.Index([f.name for f in self.factors], name="factor"))

    @property
    def converged(self) -> bool:
        """Indices moved by less than the tolerance between n/2 and n, and every bootstrap
        half-width is below it."""
        return bool(self._indices.converged)

    @property
    def convergence(self) -> dict[str, float]:
        """The convergence check: the largest change of an index between n/2 and n, the largest
        bootstrap half-width, and n."""
        i = self._indices
        return {"max_change": float(i.max_change), "max_half_width": float(i.max_half_width), "n": int(i.n)}

    @property
    def variance(self) -> float:
        """The variance of the output over the design."""
        return float(self._indices.variance)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Bars of first- and total-order indices with their confidence intervals, above the
        output's spread in ranks (:func:`compindex.plots.sensitivity_chart`; ``names=``,
        ``title=``, ``note=``, ``threshold=``). With ``ax`` only the indices are drawn there, and
        the output's spread goes into the title.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Draw the indices into these axes (default: a new figure).
        **kwargs
            Passed to :func:`compindex.plots.sensitivity_chart`.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from .plots import sensitivity_chart

        return sensitivity_chart(self, ax=ax, **kwargs)

    def _repr_html_(self) -> str:
        return (f"<p><b>Sensitivity analysis</b> of the {self.output}: converged = {self.converged}</p>"
                + self.indices.to_html(float_format="%.3f"))


def sensitivity_analysis(framework: Framework, data: pd.DataFrame, factors: Sequence[Any], *,
                         output: str = "mean_abs_rank_shift", n: int = 1024, seed: int = 0, threads: int | None = None,
                         n_bootstrap: int = 1000, confidence: float = 0.95, tolerance: float = 0.05, client: Any = None,
                         chunks: int | None = None, start: int = 0, count: int | None = None,
                         progress: bool | None = None, groups: Any = None,
                         ignore: Sequence[str] = (), **spec: Any) -> SensitivityResult | SensitivityPart:
    """Variance-based sensitivity of ranks: Sobol first-order (Saltelli 2010) and total-order
    (Jansen 1999) indices, each factor a group, on a Saltelli design of ``n (k + 2)`` replications
    from a digitally shifted Sobol sequence, with bootstrap confidence intervals and a convergence
    check (see :attr:`SensitivityResult.converged <compindex.uncertainty.SensitivityResult.converged>`).

    Parameters
    ----------
    framework : Framework
        The index tree.
    data : pandas.DataFrame
        The data, as for :func:`compindex.score`.
    factors
        What is uncertain, as for :func:`uncertainty_analysis` (uniform weights only).
    output : str
        ``"mean_abs_rank_shift"`` (mean absolute rank shift against the nominal ranking) or a
        unit code (that unit's rank).
    n : int
        The base sample size: the design has ``n (k + 2)`` replications for ``k`` factors.
    seed : int
        The indices depend on the seed only (not on threads, chunks or the cluster).
    threads : int, optional
        C++ threads (default: all cores).
    n_bootstrap : int
        Bootstrap resamples of the confidence intervals.
    confidence : float
        The confidence level of the intervals.
    tolerance : float
        The convergence tolerance of the indices.
    client, chunks
        A ``dask.distributed.Client`` to spread replications over, in ``chunks`` pieces.
    start, count
        Run only rows ``start`` to ``start + count - 1`` of the ``n (k + 2)`` rows of the design
        (default: all from ``start``), to split or resume a long analysis: the call then returns
        a :class:`~compindex.uncertainty.SensitivityPart`, and :func:`~compindex.uncertainty.merge` of parts covering the design gives exactly
        the indices of one call.
    progress : bool, optional
        A progress bar for analyses expected to take more than about two seconds (default: in a
        terminal or notebook only; ``False``: never).
    groups : DataFrame or dict, optional
        Extra unit-group labels, as for :func:`compindex.score`.
    ignore : sequence of str
        Columns of ``data`` to leave out.
    **spec
        The nominal pipeline, as in :func:`compindex.score`.

    Returns
    -------
    SensitivityResult or SensitivityPart
        The indices; a :class:`~compindex.uncertainty.SensitivityPart` (the outputs of the rows run) when ``start`` and
        ``count`` leave part of the design out.

    Raises
    ------
    SpecError
        A bad factor or spec, ``n`` below 2, or Dirichlet weights.
    ComputationError
        When replications fail, or when the Dask cluster is lost before every chunk is done (the
        message says how many replications were done; ``.parts`` holds the finished ones as
        :class:`~compindex.uncertainty.SensitivityPart` objects to :func:`~compindex.uncertainty.merge` with the missing ranges).
    KeyboardInterrupt
        On Ctrl-C, within a fraction of a second.
    """
    if int(n) < 2:
        raise SpecError(f"sensitivity analysis: n must be at least 2, got {n}")
    target = "" if output == "mean_abs_rank_shift" else str(output)
    problem = _Problem(framework, data, list(factors), dict(spec), groups, tuple(ignore))
    for f in problem.factors:
        if isinstance(f, Weights) and f.distribution == "dirichlet":
            raise SpecError(f"factor {f.name!r}: Dirichlet weights cannot be varied by a Saltelli design; use uniform weights")
    engine = problem.engine()
    design = np.asarray(_U.saltelli_sample(int(n), list(engine.group_of_input), int(seed)))
    rows = design.shape[0]
    start = int(start)
    count = rows - start if count is None else int(count)
    if start < 0 or start >= rows:
        raise SpecError(f"sensitivity analysis: start must be in 0 .. {rows - 1} (the design has {rows} rows), got {start}")
    if count <= 0 or start + count > rows:
        raise SpecError(f"sensitivity analysis: count must be in 1 .. {rows - start} (rows {start} to {rows - 1} remain "
                        f"of {rows}), got {count}")
    fingerprint = _fingerprint(engine, problem, int(n), int(seed), "saltelli:" + target)

    def part_of(first: int, reps: Any) -> SensitivityPart:
        part = SensitivityPart(
            problem.factors, target, np.asarray(engine.output(reps, target)), start=first, rows=rows, n=int(n),
            seed=int(seed), settings=(int(n_bootstrap), float(confidence), float(tolerance)), fingerprint=fingerprint,
            framework=framework)
        part.attrs = dict(getattr(data, "attrs", None) or {})
        part.unit_names = _unit_names(data)
        return part

    bar = _Progress(count, "sensitivity analysis", progress)
    try:
        reps = _run_rows(problem, engine, design[start:start + count], start, int(seed), int(threads or 0), client, chunks,
                         bar, "sensitivity analysis")
    except ComputationError as e:
        chunks_done = getattr(e, "_chunks", None)
        if chunks_done:
            e.parts = [part_of(s, _concat_runs([p])) for s, p in chunks_done]  # type: ignore[attr-defined]
        raise
    if reps.failures:
        first = "; ".join(f"replication {i}: {why}" for i, why in reps.failures[:3])
        raise ComputationError(f"sensitivity analysis: {len(reps.failures)} of {count} replications failed: {first}")
    part = part_of(start, reps)
    return part._indices() if part.complete else part


class SensitivityPart:
    """The outputs of a range of rows of a sensitivity analysis's Saltelli design (from
    ``sensitivity_analysis(..., start=, count=)``); :func:`~compindex.uncertainty.merge` turns parts that cover the design
    into the :class:`SensitivityResult` of one call."""

    def __init__(self, factors: list[Any], target: str, y: np.ndarray, *, start: int, rows: int, n: int, seed: int,
                 settings: tuple[int, float, float], fingerprint: str, framework: Framework) -> None:
        self.factors = factors
        self.target = target
        """The unit whose rank is the output ("" for the mean absolute rank shift)."""
        self.y = y
        """The output in each row of the range."""
        self.start = start
        """The first row of the design in this part."""
        self.count = len(y)
        """How many rows this part holds."""
        self.rows = rows
        """The rows of the whole design, ``n (k + 2)``."""
        self.n = n
        """The base sample size."""
        self.seed = seed
        """The seed of the design."""
        self.settings = settings
        """``(n_bootstrap, confidence, tolerance)`` of the indices."""
        self._fingerprint = fingerprint
        self.framework = framework
        self.attrs: dict[str, Any] = {}
        """The data frame's ``attrs``."""
        self.unit_names: dict[str, str] = {}
        """Unit code -> name, from a ``name`` column of the data."""

    @property
    def complete(self) -> bool:
        """Whether the part covers the whole design."""
        return self.start == 0 and self.count == self.rows

    def _indices(self) -> SensitivityResult:
        n_bootstrap, confidence, tolerance = self.settings
        idx = _U.sobol_indices(self.y, self.n, len(self.factors), n_bootstrap, confidence, tolerance, self.seed)
        label = "mean absolute rank shift" if not self.target else f"rank of {self.target}"
        out = SensitivityResult(self.factors, label, idx, self.y, n=self.n, target=self.target, framework=self.framework)
        out.attrs = dict(self.attrs)
        out.unit_names = dict(self.unit_names)
        return out

    def __repr__(self) -> str:
        return f"SensitivityPart(rows {self.start} to {self.start + self.count - 1} of {self.rows})"


# -- leave one out --------------------------------------------------------------------------------
class LeaveOneOutResult:
    """Rank changes when each node in turn is left out."""

    def __init__(self, core: Any) -> None:
        self._core = core
        self.units = pd.Index(core.units, name="unit")
        self.removed = pd.Index(core.removed, name="removed")

    @property
    def ranks(self) -> pd.DataFrame:
        """Removed node x units: the index ranks with that node left out."""
        return pd.DataFrame(np.asarray(self._core.ranks), index=self.removed, columns=self.units)

    @property
    def rank_change(self) -> pd.DataFrame:
        """Removed node x unit: nominal rank minus rank without the node (positive: the unit climbs)."""
        return pd.DataFrame(np.asarray(self._core.rank_change), index=self.removed, columns=self.units)

    @property
    def mean_abs_change(self) -> pd.Series:
        """Per removed node: the mean absolute change of the units' index ranks."""
        return pd.Series(np.asarray(self._core.mean_abs_change), index=self.removed, name="mean_abs_rank_change")


def leave_one_out(framework: Framework, data: pd.DataFrame, nodes: Sequence[str] | None = None, *, groups: Any = None,
                  ignore: Sequence[str] = (), **spec: Any) -> LeaveOneOutResult:
    """Leave each node of ``nodes`` (default: every indicator) out in turn (weight 0; its siblings
    share its weight) and report the rank changes of the index.

    Parameters
    ----------
    framework : Framework
        The index tree.
    data : pandas.DataFrame
        The data, as for :func:`compindex.score`.
    nodes : sequence of str, optional
        The nodes to leave out in turn (default: every indicator).
    groups : DataFrame or dict, optional
        Extra unit-group labels, as for :func:`compindex.score`.
    ignore : sequence of str
        Columns of ``data`` to leave out.
    **spec
        The pipeline, as in :func:`compindex.score`.

    Returns
    -------
    LeaveOneOutResult
    """
    core_spec = make_spec(framework, **spec)
    dens = sorted({d.denominator for d in core_spec.denominators.values()})
    ds, _, _ = to_dataset(framework, data, denominators=dens, groups=groups, ignore=ignore)
    return LeaveOneOutResult(_U.leave_one_out(framework._core, ds, core_spec, list(nodes or [])))
