"""Scoring: ``score(framework, data, **spec) -> Result``."""

from __future__ import annotations

import sys
import math
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import _core, _methods
from ._convert import to_dataset
from .errors import CompindexWarning, SpecError
from .framework import Framework, _number

__all__ = ["NodeDetails", "Result", "STAGES", "make_spec", "score"]

#: The data sets a result keeps, in pipeline order.
STAGES = ("raw", "denominated", "imputed", "treated", "normalized", "aggregated")


def _by_code(mapping: Mapping[str, Any] | None, parse: Any, what: str) -> dict[str, Any]:
    return {str(k): parse(v, f"{what}[{k!r}]") for k, v in (mapping or {}).items()}


def _check_codes(fw: Framework, mapping: Any, what: str, kind: str = "node") -> None:
    """SpecError for a key of a by-node keyword that is no node code, with a suggestion."""
    if mapping is None or isinstance(mapping, str):
        return
    known = set(fw.codes)
    choices = fw.indicators if kind == "indicator" else fw.codes
    for k in dict(mapping):
        if str(k) not in known:
            raise SpecError(f"{what}: unknown {kind} {str(k)!r}{_methods.did_you_mean(k, choices)}")


#: make_spec's keywords naming nodes: keyword -> the kind of node its keys name.
_BY_CODE_KEYWORDS = {"weights": "node code", "denominators": "indicator", "normalization_by_indicator": "indicator",
                     "aggregation_by_node": "node", "treatment_by_indicator": "indicator",
                     "imputation_by_indicator": "indicator", "transform_by_indicator": "indicator",
                     "range_by_indicator": "indicator", "coverage_by_node": "node"}


def check_spec_keywords(spec: Mapping[str, Any], what: str = "score", extra: tuple[str, ...] = ()) -> None:
    """SpecError for a keyword that is not one of make_spec's (``normalisation=``), with a
    suggestion, instead of a TypeError naming an internal function."""
    import inspect

    known = [p for p in inspect.signature(make_spec).parameters if p != "fw"] + list(extra)
    for k in spec:
        if k not in known:
            raise SpecError(f"{what}: unknown keyword {k!r}{_methods.did_you_mean(k, known)} "
                            f"(the keywords are {', '.join(known)})")


def _range(r: Any, what: str) -> _core.Range:
    if isinstance(r, _core.Range):
        return r
    try:
        lo, hi = (float(x) for x in r)
    except (TypeError, ValueError):
        raise SpecError(f"{what}: expected (lower, upper), got {r!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo == hi:
        raise SpecError(f"{what}: the range needs two different finite bounds, got ({lo}, {hi})")
    if lo > hi:
        raise SpecError(f"{what}: the range needs lower < upper, got ({lo}, {hi}); the best value always maps to "
                        "the upper bound (to make lower values better, give the indicator direction -1)")
    if not math.isfinite(hi - lo):
        raise SpecError(f"{what}: the range ({lo}, {hi}) has a span beyond the largest double; use a narrower range")
    return _core.Range(lo, hi)


def make_spec(
    fw: Framework,
    *,
    normalization: Any = "min_max",
    range: Any = (0.0, 100.0),  # noqa: A002 - the field's own word
    aggregation: Any = "arithmetic_mean",
    treatment: Any = None,
    imputation: Any = None,
    transform: Any = None,
    coverage: float = 0.0,
    weights: str | Mapping[str, float] | None = None,
    denominators: Mapping[str, Any] | None = None,
    normalization_by_indicator: Mapping[str, Any] | None = None,
    aggregation_by_node: Mapping[str, Any] | None = None,
    treatment_by_indicator: Mapping[str, Any] | None = None,
    imputation_by_indicator: Mapping[str, Any] | None = None,
    transform_by_indicator: Mapping[str, Any] | None = None,
    range_by_indicator: Mapping[str, Any] | None = None,
    coverage_by_node: Mapping[str, float] | None = None,
) -> _core.PipelineSpec:
    """The spec of a run: global choices, then the metadata's per-node columns, then explicit
    per-node keywords (each overriding the one before).

    Parameters
    ----------
    fw : Framework
        The index tree; its per-node method columns are read.
    normalization, aggregation, treatment, imputation, transform
        The global methods: a name (with parameters, e.g. ``"z_score(mean=100, sd=10)"``), a
        method object of the namespaces :mod:`compindex.normalization` etc., or None (off).
    range : tuple of float
        The normalization output range (low, high).
    coverage : float
        The least share of a node's weighted children a unit needs to get a score (0..1).
    weights : str or mapping, optional
        A weight set name, or node code to weight overrides.
    denominators : mapping, optional
        Indicator code to its denominator column, or to (denominator, scale).
    normalization_by_indicator, treatment_by_indicator, imputation_by_indicator, transform_by_indicator : mapping, optional
        Indicator code to its own method.
    aggregation_by_node : mapping, optional
        Aggregate code to its own aggregation method.
    range_by_indicator : mapping, optional
        Indicator code to its own output range.
    coverage_by_node : mapping, optional
        Aggregate code to its own coverage threshold.

    Returns
    -------
    compindex._core.PipelineSpec
        The spec :func:`score` runs.

    Raises
    ------
    SpecError
        An unknown method, node, weight set or parameter (with a "did you mean" suggestion).
    """
    given = locals()
    for keyword, kind in _BY_CODE_KEYWORDS.items():
        _check_codes(fw, given[keyword], keyword, kind)
    if isinstance(weights, str) and weights and weights not in fw.weight_sets:
        sets = ", ".join(map(repr, fw.weight_sets)) or "none"
        raise SpecError(f"weights: unknown weight set {weights!r}{_methods.did_you_mean(weights, fw.weight_sets)} "
                        f"(the framework's weight sets: {sets})")
    s = _core.PipelineSpec()
    s.normalization = _methods.normalization(normalization)
    s.output_range = _range(range, "range")
    s.aggregation = _methods.aggregation(aggregation)
    s.treatment = _methods.treatment(treatment)
    s.imputation = _methods.imputation(imputation)
    s.transform = _methods.transform(transform)
    s.coverage = float(coverage)

    by_ind = {k: _methods.normalization(v, f"metadata normalization of {k!r}") for k, v in fw.method_cells("normalization").items()}
    by_ind.update(_by_code(normalization_by_indicator, _methods.normalization, "normalization_by_indicator"))
    s.normalization_by_indicator = by_ind
    by_node = {k: _methods.aggregation(v, f"metadata aggregation of {k!r}") for k, v in fw.method_cells("aggregation").items()}
    by_node.update(_by_code(aggregation_by_node, _methods.aggregation, "aggregation_by_node"))
    s.aggregation_by_node = by_node
    tf = {k: _methods.transform(v, f"metadata transform of {k!r}") for k, v in fw.method_cells("transform").items()}
    tf.update(_by_code(transform_by_indicator, _methods.transform, "transform_by_indicator"))
    s.transform_by_indicator = tf
    s.treatment_by_indicator = _by_code(treatment_by_indicator, _methods.treatment, "treatment_by_indicator")
    s.imputation_by_indicator = _by_code(imputation_by_indicator, _methods.imputation, "imputation_by_indicator")
    s.range_by_indicator = {str(k): _range(v, f"range_by_indicator[{k!r}]") for k, v in (range_by_indicator or {}).items()}
    cov = {k: _number(v, f"metadata coverage of {k!r}", numbers=fw._numbers) for k, v in fw.method_cells("coverage").items()}
    cov.update({str(k): float(v) for k, v in (coverage_by_node or {}).items()})
    s.coverage_by_node = cov

    dens: dict[str, _core.Denomination] = {}
    scales = fw.method_cells("scale")
    for code, d in fw.method_cells("denominator").items():
        scale = _number(scales.get(code, ""), f"metadata scale of {code!r}", 1.0, numbers=fw._numbers)
        dens[code] = _core.Denomination(d, scale)
    for code, d in (denominators or {}).items():
        if isinstance(d, str):
            dens[str(code)] = _core.Denomination(d, 1.0)
        else:
            name, scale = d
            dens[str(code)] = _core.Denomination(str(name), float(scale))
    s.denominators = dens

    if isinstance(weights, str):
        s.weight_set = weights
    elif weights is not None:
        s.weights = {str(k): float(v) for k, v in dict(weights).items()}
    return s


def _release_arrow_memory() -> None:
    """Return to the system what Arrow's memory pool keeps from checking the unit codes (pandas holds
    text in Arrow strings when pyarrow is installed): otherwise it stays resident while scoring,
    several percent of a copy of the data at scale (bench/bench_memory.py)."""
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()


def score(framework: Framework, data: pd.DataFrame, *, groups: pd.DataFrame | Mapping[str, Any] | None = None,
          ignore: list[str] | tuple[str, ...] = (), source: str = "data", **spec: Any) -> Result:
    """Score an index: every stage, scores and ranks at every node.

    Parameters
    ----------
    framework
        The index tree (:class:`compindex.Framework`).
    data
        One row per unit, indexed by unit code (or with a ``unit`` column), one column per
        indicator code. Text columns are unit groups (e.g. ``region``); denominator columns are
        those named in the spec or the metadata. A Dask DataFrame is scored partition by
        partition, with the same scores and ranks bit for bit, and gives a
        :class:`compindex.PartitionedResult` (keyword ``workdir=`` too; docs/distributed.md).
    groups
        Extra unit-group labels (a DataFrame or dict of columns indexed by unit).
    ignore
        Columns of ``data`` to leave out.
    source
        What to call the data in error messages (the CLI passes the file name).
    **spec
        ``normalization`` (default ``"min_max"``), ``range`` (default ``(0, 100)``),
        ``aggregation`` (default ``"arithmetic_mean"``), ``treatment`` (``None`` or ``"gii"``),
        ``imputation`` (``None``, ``"mean"``, ``"median"``, ``"group_mean(group=region)"``, ...),
        ``transform``, ``coverage``, ``weights`` (a weight-set name or per-node overrides),
        ``denominators`` ({indicator: denominator or (denominator, scale)}), and per-node
        overrides ``normalization_by_indicator``, ``aggregation_by_node``,
        ``treatment_by_indicator``, ``imputation_by_indicator``, ``transform_by_indicator``,
        ``range_by_indicator``, ``coverage_by_node``. Metadata columns override the global
        choice; explicit per-node keywords override the metadata. An unknown keyword
        (``normalisation=``), node code or method name is a :class:`compindex.SpecError` that
        suggests the closest known one ("did you mean 'normalization'?").

    Returns
    -------
    Result
        (a :class:`compindex.PartitionedResult` for a Dask DataFrame)
    """
    if not isinstance(framework, Framework):
        raise SpecError(f"score: expected a compindex.Framework, got {type(framework).__name__}")
    if type(data).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(data, "map_partitions"):
        # A Dask DataFrame: scored partition by partition (docs/distributed.md), same results.
        from ._dask_scoring import score_partitioned

        return score_partitioned(framework, data, groups=groups, ignore=ignore, source=source, **spec)  # type: ignore[return-value]
    check_spec_keywords(spec)
    core_spec = make_spec(framework, **spec)
    dens = sorted({d.denominator for d in core_spec.denominators.values()})
    ds, table, group_frame = to_dataset(framework, data, denominators=dens, groups=groups, ignore=ignore, source=source)
    _release_arrow_memory()
    core = _core.build(framework._core, ds, core_spec)
    out = Result(framework, core, ds, group_frame, spec, units=table.index)
    out.attrs = dict(getattr(data, "attrs", None) or {})
    return out


@dataclass(frozen=True)
class NodeDetails:
    """What an aggregation method reported about one node (see :meth:`Result.details <compindex.Result.details>`)."""

    node: str
    method: str
    per_unit: pd.DataFrame
    """Units x named values (e.g. ``penalty``, ``distance_to_ideal``); no columns if none."""
    per_child: pd.DataFrame
    """Children x named values (e.g. ``ideal``, ``anti_ideal``); no columns if none."""
    scalars: dict[str, float]
    """Named numbers (e.g. ``orness``)."""
    unit_weights: pd.DataFrame | None
    """Units x children: each unit's own weights (Benefit of the Doubt), else None."""
    peers: pd.Series | None
    """Per unit: the list of its benchmark units (Benefit of the Doubt), else None."""


class Result:
    """Everything a run produced: scores and ranks at every node, every intermediate data set,
    the treatment report, imputed cells, effective weights and diagnostics."""

    def __init__(self, framework: Framework, core: _core.Result, dataset: _core.Dataset, groups: pd.DataFrame,
                 spec: Mapping[str, Any], units: pd.Index | None = None) -> None:
        self.framework = framework
        self._core = core
        self._dataset = dataset
        self.groups = groups
        """Unit-group labels (columns such as ``region``), indexed by unit."""
        self.spec = dict(spec)
        """The keywords the result was scored with."""
        self.attrs: dict[str, Any] = {}
        """The scored frame's ``attrs`` (e.g. the SIMULATED ``note`` of the PII demonstration data)."""
        # The unit index of the scored table when given (no second copy of a million unit codes).
        self.units = units if units is not None else pd.Index(core.units, name="unit")
        for kind, items in self._diagnostics_by_kind().items():
            first = "; ".join(d["message"] for d in items[:3])
            more = f" (and {len(items) - 3} more)" if len(items) > 3 else ""
            warnings.warn(f"{len(items)} {kind.replace('_', ' ')} issue(s): {first}{more}", CompindexWarning, stacklevel=3)

    # -- scores and ranks ----------------------------------------------------------------------
    @cached_property
    def scores(self) -> pd.DataFrame:
        """Units x every node (indicators normalized, aggregates), in framework order."""
        return pd.DataFrame(np.asarray(self._core.scores(self.framework._core)), index=self.units, columns=self.framework.codes,
                            copy=False)

    @cached_property
    def ranks(self) -> pd.DataFrame:
        """Units x every node: 1 = best, ties share the best place, missing scores unranked (<NA>).

        The columns are read-only ``Int32`` arrays over the core's 32-bit ranks (no copy: at a
        million units this table costs nothing); ``.copy()`` it to edit."""
        return _rank_frame(np.asarray(self._core.ranks), self.units, self.framework.codes)

    @cached_property
    def index(self) -> pd.Series:
        """The root's scores (a view of the core's aggregates: no units x nodes table is built)."""
        col = self.framework.aggregates.index(self.framework.root)
        return pd.Series(np.asarray(self._core.aggregated)[:, col], index=self.units, name=self.framework.root)

    def data(self, stage: str) -> pd.DataFrame:
        """An intermediate data set of the pipeline.

        Parameters
        ----------
        stage : str
            One of ``raw``, ``denominated``, ``imputed``, ``treated``, ``normalized`` (units x
            indicators) or ``aggregated`` (units x aggregates).

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        SpecError
            An unknown stage (with a "did you mean" suggestion).
        """
        if stage == "aggregated":
            return pd.DataFrame(np.asarray(self._core.aggregated), index=self.units, columns=self.framework.aggregates)
        if stage not in STAGES:
            raise SpecError(f"unknown stage {stage!r}{_methods.did_you_mean(stage, STAGES)} (expected one of {', '.join(STAGES)})")
        return pd.DataFrame(np.array(getattr(self._core, stage)), index=self.units, columns=self.framework.indicators)

    def stage_changed(self, stage: str) -> bool:
        """Whether a stage changed the data (False when it was off or did nothing).

        Parameters
        ----------
        stage : str
            One of ``denominated``, ``imputed``, ``treated``, ``normalized``.

        Returns
        -------
        bool
        """
        order = STAGES[:5]
        if stage not in order[1:]:
            raise SpecError(f"stage_changed: expected one of {', '.join(order[1:])}, got {stage!r}"
                            f"{_methods.did_you_mean(stage, order[1:])}")
        prev = order[order.index(stage) - 1]
        return not self._core.stage_shared(prev, stage)

    def group_ranks(self, group: str) -> pd.DataFrame:
        """Ranks within each group of a unit-group column (e.g. region), at every node.

        Parameters
        ----------
        group : str
            A unit-group column of the data (or of ``groups=``).

        Returns
        -------
        pandas.DataFrame
            Units x every node, ``Int32`` ranks (1 = best in the unit's group).
        """
        if group not in self.groups.columns:
            raise SpecError(f"unknown unit group {group!r}{_methods.did_you_mean(group, self.groups.columns)} (groups: {', '.join(map(str, self.groups.columns)) or 'none'})")
        ids = self._dataset.group_ids(group)
        s = np.asarray(self._core.scores(self.framework._core))
        r = np.column_stack([np.asarray(_core.rank_within_groups(s[:, j], ids)) for j in range(s.shape[1])])
        return pd.DataFrame(r, index=self.units, columns=self.framework.codes).astype("Int32")

    # -- reports -------------------------------------------------------------------------------
    @cached_property
    def treatment(self) -> pd.DataFrame:
        """One row per indicator: skewness and kurtosis before and after, the action taken, and
        the units whose values were winsorized (empty when treatment was off)."""
        units = list(self.units)
        rows = []
        for r in self._core.treatment:
            rows.append({
                "indicator": r.indicator, "action": r.action, "skew_before": r.skew_before,
                "kurtosis_before": r.kurtosis_before, "skew_after": r.skew_after, "kurtosis_after": r.kurtosis_after,
                "passes_after": r.passes_after, "winsorized": r.winsorized,
                "winsorized_high": [units[i] for i in r.winsorized_high],
                "winsorized_low": [units[i] for i in r.winsorized_low],
            })
        cols = ["action", "skew_before", "kurtosis_before", "skew_after", "kurtosis_after", "passes_after", "winsorized",
                "winsorized_high", "winsorized_low"]
        if not rows:
            return pd.DataFrame(columns=cols, index=pd.Index([], name="indicator"))
        return pd.DataFrame(rows).set_index("indicator")

    @cached_property
    def imputed(self) -> pd.DataFrame:
        """Units x indicators: True where a value was imputed."""
        mask = np.zeros((len(self.units), len(self.framework.indicators)), dtype=bool)
        for i, j in self._core.imputed_cells:
            mask[i, j] = True
        return pd.DataFrame(mask, index=self.units, columns=self.framework.indicators)

    def details(self, node: str | None = None) -> NodeDetails | dict[str, NodeDetails]:
        """What the aggregation methods reported beyond the scores (Benefit of the Doubt's own
        weights and peers, MPI penalties, OWA orness, TOPSIS distances, ...): the
        :class:`NodeDetails` of one node, or, without ``node``, a dict of every node that has
        some. The power means and Copeland's rule report none.

        Parameters
        ----------
        node : str, optional
            An aggregate's code; None for every node that has details.

        Returns
        -------
        NodeDetails or dict of str to NodeDetails

        Raises
        ------
        SpecError
            An unknown node, or a node whose method reports no details.
        """
        found = self._details
        if node is None:
            return dict(found)
        if node not in self.framework.codes:
            raise SpecError(f"details: unknown node {node!r}{_methods.did_you_mean(node, self.framework.codes)}")
        if node not in found:
            raise SpecError(f"details: node {node!r} has no aggregation details (its method, "
                            f"{self._method_of(node)}, reports none)")
        return found[node]

    def _method_of(self, node: str) -> str:
        by_node = {d.node: d.method for d in self._core.node_details}
        return by_node.get(node, "a power mean, Copeland's rule or none")

    @cached_property
    def _details(self) -> dict[str, NodeDetails]:
        units = list(self.units)
        out: dict[str, NodeDetails] = {}
        for d in self._core.node_details:
            children = pd.Index(list(d.children), name="child")
            per_unit = pd.DataFrame({k: np.asarray(v) for k, v in d.per_unit}, index=self.units)
            per_child = pd.DataFrame({k: np.asarray(v) for k, v in d.per_child}, index=children)
            w = np.asarray(d.unit_weights)
            unit_weights = pd.DataFrame(w, index=self.units, columns=children) if w.size else None
            peers = (pd.Series([[units[i] for i in p] for p in d.peers], index=self.units, name="peers")
                     if len(d.peers) else None)
            out[d.node] = NodeDetails(node=d.node, method=d.method, per_unit=per_unit, per_child=per_child,
                                      scalars=dict(d.scalars), unit_weights=unit_weights, peers=peers)
        return out

    @property
    def diagnostics(self) -> list[dict[str, str]]:
        """Non-fatal issues of the run (each also raised once as a CompindexWarning)."""
        return [{"kind": d.kind, "code": d.code, "message": d.message} for d in self._core.diagnostics]

    def _diagnostics_by_kind(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for d in self.diagnostics:
            out.setdefault(d["kind"], []).append(d)
        return out

    @property
    def weights(self) -> pd.Series:
        """The weight of every node used in this run (relative to its siblings)."""
        return pd.Series(np.asarray(self._core.weights), index=self.framework.codes, name="weight")

    @property
    def effective_weights(self) -> pd.Series:
        """Each node's final weight in the index."""
        return pd.Series(np.asarray(self._core.effective_weights), index=self.framework.codes, name="effective_weight")

    def ranking(self, level: int | None = None, *, depth: int | None = None) -> pd.DataFrame:
        """The ranking table: units sorted by the root's rank, with the root's score and rank,
        unit groups, and the scores of the nodes at ``level`` (counted from the leaves, 1 =
        indicators; :attr:`Framework.levels <compindex.Framework.levels>`) or at ``depth``
        (counted from the root, 0 = the root; :attr:`Framework.depths <compindex.Framework.depths>`).
        Default: the root's children and the ratio nodes shown under the root or under no node.

        Parameters
        ----------
        level : int, optional
            Show the nodes at this level (from the leaves).
        depth : int, optional
            Show the nodes at this depth (from the root); not with ``level``.

        Returns
        -------
        pandas.DataFrame
            One row per unit, best first.
        """
        root = self.framework.root
        if level is not None and depth is not None:
            raise SpecError("ranking: give level (from the leaves) or depth (from the root), not both")
        if level is None and depth is None:
            cols = self.framework.children(root)
        else:
            cols = self.framework.nodes_at(level, depth=depth)
        if level is None and depth is None:  # and the ratio nodes shown under the root (or under no node)
            cols += [r for r in self.framework.ratios if self.framework.parents[r] in ("", root)]
        out = pd.DataFrame({"rank": self.ranks[root], "score": self.scores[root]}, index=self.units)
        for g in self.groups.columns:
            out[g] = self.groups[g]
        for c in cols:
            out[c] = self.scores[c]
        return out.sort_values(["rank", "score"], ascending=[True, False], na_position="last")

    def to_long(self) -> pd.DataFrame:
        """A tidy table with columns unit, code, score, rank: one row per unit and node."""
        s = self.scores.stack(dropna=False) if _stack_has_dropna() else self.scores.stack(future_stack=True)
        r = self.ranks.stack(dropna=False) if _stack_has_dropna() else self.ranks.stack(future_stack=True)
        out = pd.DataFrame({"score": s, "rank": r})
        out.index.names = ["unit", "code"]
        return out.reset_index()

    def __repr__(self) -> str:
        top = self.ranking().head(5)
        lines = [f"Result: {len(self.units)} units scored on {self.framework!r}"]
        for unit, row in top.iterrows():
            lines.append(f"  {row['rank']!s:>4}  {unit:<12} {row['score']:8.2f}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        table = self.ranking().head(20)
        fmt = {c: "{:.2f}" for c in table.columns if pd.api.types.is_float_dtype(table[c])}
        html = table.style.format(fmt, na_rep="n/a").to_html() if _has_jinja() else table.to_html(float_format="%.2f", na_rep="n/a")
        return (f"<p><b>compindex result</b>: {len(self.units)} units, {len(self.framework.indicators)} indicators, "
                f"root <code>{self.framework.root}</code> (top {len(table)} shown)</p>" + html)


def _stack_has_dropna() -> bool:
    return int(pd.__version__.split(".")[0]) < 2 or (int(pd.__version__.split(".")[0]) == 2 and int(pd.__version__.split(".")[1]) < 1)


def _has_jinja() -> bool:
    try:
        import jinja2  # noqa: F401
    except ImportError:
        return False
    return True


def _rank_frame(ranks: np.ndarray, units: pd.Index, codes: list[str]) -> pd.DataFrame:
    """A read-only DataFrame of ``Int32`` columns over a units x nodes int32 rank matrix
    (0 = unranked), without copying it: columns where every unit is ranked share one all-false
    mask, the others get their own."""
    none_missing = np.zeros(ranks.shape[0], dtype=bool)
    none_missing.flags.writeable = False
    cols = {}
    for j, c in enumerate(codes):
        missing = ranks[:, j] == 0
        if missing.any():
            missing.flags.writeable = False
        else:
            missing = none_missing
        cols[c] = pd.arrays.IntegerArray(ranks[:, j], missing)
    return pd.DataFrame(cols, index=units, copy=False)
