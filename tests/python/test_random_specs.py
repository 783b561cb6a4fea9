"""Random specifications (issue #16): every call raises a compindex.Error or keeps the invariants.

Hypothesis draws random frameworks (depth 1 to 5, mixed branching, weights from 1e-300 to 1e300
and zeros), a random method per node (power means at large and tiny powers, Copeland, OWA,
mean-min, MPI, TOPSIS, Wroclaw) and per indicator (every normalization, transform, treatment and
imputation, with random parameters), random data (constant and empty columns, missing cells,
magnitudes from subnormal to 1e300) and random uncertainty factors. Each run must either raise a
:class:`compindex.Error` or return a result where

- no score is infinite; a score is missing only where the coverage rule says so (and the index's
  missing scores are explained by a diagnostic);
- ranks agree with scores at every node;
- power means and OWA lie between the smallest and largest of the children they aggregate;
- bounded normalizations lie within their range, z-scores have the requested mean and sd.

The default profile is deterministic (derandomize=True) and runs in well under a minute; the
long run is ``scripts/fuzz_specs.sh`` (``COMPINDEX_FUZZ=long``, many more examples, random seed).
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import compindex as ci

settings.register_profile("compindex-random-specs", max_examples=int(os.environ.get("COMPINDEX_FUZZ_EXAMPLES", "60")),
                          deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
settings.register_profile("compindex-random-specs-long",
                          max_examples=int(os.environ.get("COMPINDEX_FUZZ_EXAMPLES", "5000")), deadline=None,
                          derandomize=False, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
PROFILE = settings.get_profile("compindex-random-specs-long" if os.environ.get("COMPINDEX_FUZZ") == "long"
                               else "compindex-random-specs")

WEIGHTS = [1.0] * 6 + [2.0, 0.5, 3.7, 0.0, 1e-300, 1e300, 1.7e308, 5e-324, 1e-10]
POWERS = [-3.0, -1.0, -0.5, -1e-9, 1e-9, 0.3, 2.0, 7.0, 50.0, 200.0]
MAGNITUDES = [1.0, 1.0, 1.0, 1e300, 1e-300, 1e200, 1e-310, 1.7e308, 1e-100]
RANGES = [(0.0, 100.0)] * 4 + [(1.0, 100.0)] * 4 + [(-1.0, 1.0), (0.0, 1e300), (-1e307, 1e307), (1e-300, 2e-300),
                                                     (-1.7e308, 1.7e308)]
POWER_MEANS = ("arithmetic_mean", "geometric_mean", "harmonic_mean", "generalized_mean")


@dataclass
class Spec:
    meta: pd.DataFrame
    data: pd.DataFrame
    indicators: list[str]
    children: dict[str, list[str]]
    weights: dict[str, float]
    keywords: dict[str, Any] = field(default_factory=dict)


@st.composite
def frameworks(draw: Any) -> tuple[pd.DataFrame, list[str], dict[str, list[str]], dict[str, float]]:
    """A tree of depth 1..5 with 1..3 children per aggregate, at most 12 indicators."""
    depth = draw(st.integers(1, 5), label="depth")
    rows = [{"code": "Index", "parent": "", "weight": 1.0, "direction": 1}]
    children: dict[str, list[str]] = {"Index": []}
    weights: dict[str, float] = {"Index": 1.0}
    indicators: list[str] = []
    counter = [0]

    def grow(parent: str, level: int) -> None:
        k = draw(st.integers(1, 3))
        for _ in range(k):
            counter[0] += 1
            leaf = level >= depth or len(indicators) >= 10 or draw(st.booleans())
            code = f"i{counter[0]}" if leaf else f"N{counter[0]}"
            w = draw(st.sampled_from(WEIGHTS))
            rows.append({"code": code, "parent": parent, "weight": w, "direction": draw(st.sampled_from([1, 1, -1]))})
            children[parent].append(code)
            weights[code] = w
            if leaf:
                indicators.append(code)
            else:
                children[code] = []
                grow(code, level + 1)

    grow("Index", 1)
    return pd.DataFrame(rows), indicators, children, weights


@st.composite
def columns(draw: Any, n: int) -> np.ndarray:
    kind = draw(st.sampled_from(["random"] * 30 + ["constant", "empty", "two_values", "two_values", "one_value"]))
    scale = draw(st.sampled_from(MAGNITUDES))
    sign = draw(st.sampled_from(["positive", "positive", "positive", "any"]))
    if kind == "empty":
        return np.full(n, np.nan)
    if kind == "constant":
        x = np.full(n, draw(st.sampled_from([0.0, 1.0, 0.75, -0.2])) * scale)
    elif kind == "two_values":
        x = np.array([draw(st.sampled_from([0.5, 1.0])) for _ in range(n)]) * scale
    elif kind == "one_value":
        x = np.full(n, np.nan)
        x[draw(st.integers(0, n - 1))] = 0.3 * scale
        return x
    else:
        base = draw(st.lists(st.floats(0.0 if sign == "positive" else -1.0, 1.0, allow_nan=False),
                             min_size=n, max_size=n))
        x = np.array(base) * scale
    for i in range(n):
        if draw(st.integers(0, 9)) == 0:
            x[i] = np.nan
    return x


def aggregation_methods() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["arithmetic_mean", "arithmetic_mean", "geometric_mean", "harmonic_mean", "copeland",
                         "mean_min(alpha=0.5, beta=10)", "mpi", "topsis", "wroclaw"]),
        st.sampled_from(POWERS).map(lambda p: f"generalized_mean(p={p!r})"),
        st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0]).map(lambda o: f"owa(orness={o})"),
    )


def normalization_methods(x: np.ndarray) -> st.SearchStrategy[str]:
    finite = x[np.isfinite(x)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    mid = lo / 2 + hi / 2
    # Mostly methods that accept most data; the error-prone parameters (goalposts that coincide,
    # an sd below the precision of its mean) now and then, so that most runs reach the invariants.
    return st.one_of(
        st.sampled_from(["min_max"] * 4 + ["distance_to_max", "fraction_of_max", "rank", "percentile_rank", "borda",
                                           "none", "z_score"]),
        st.sampled_from([(0.0, 1.0), (100.0, 10.0), (-5.0, 1e300), (1e300, 1e-300), (0.0, 1e-300), (1e-300, 1e-300)]).map(
            lambda m: f"z_score(mean={m[0]!r}, sd={m[1]!r})"),
        st.sampled_from([(lo, hi), (lo, hi), (lo, mid), (mid, hi), (10.0, 60.0), (lo - 1.0, hi + 1.0),
                         (lo, lo + 1e-300)]).flatmap(
            lambda g: st.booleans().map(lambda c: f"goalposts(lower={g[0]!r}, upper={g[1]!r}, clamp={c})")),
        st.sampled_from([hi, mid, 2 * hi if hi > 0 else 1.0]).map(lambda t: f"distance_to_target(target={t!r})"),
    )


@st.composite
def specs(draw: Any) -> Spec:
    meta, indicators, children, weights = draw(frameworks(), label="framework")
    n = draw(st.integers(2, 7), label="units")
    values = {code: draw(columns(n), label=code) for code in indicators}
    data = pd.DataFrame(values, index=pd.Index([f"u{i}" for i in range(n)], name="unit"))
    kw: dict[str, Any] = {}
    mixed = draw(st.booleans(), label="mixed normalizations")
    kw["normalization_by_indicator"] = {c: draw(normalization_methods(values[c])) if mixed or c == indicators[0]
                                        else "min_max" for c in indicators}
    kw["transform_by_indicator"] = {c: draw(st.sampled_from(["none"] * 20 + ["log", "log1p", "sqrt",
                                                            "box_cox(lmbda=0.5)", "box_cox(lmbda=2)",
                                                            "box_cox(lmbda=-40)", "box_cox(lmbda=0)"]))
                                    for c in indicators}
    kw["treatment"] = draw(st.sampled_from(["none", "none", "gii", "gii(skew_threshold=1, kurtosis_threshold=1)"]))
    kw["imputation"] = draw(st.sampled_from(["none", "mean", "median"]))
    kw["aggregation_by_node"] = {a: draw(aggregation_methods()) for a in children}
    kw["range"] = draw(st.sampled_from(RANGES), label="range")
    kw["coverage"] = draw(st.sampled_from([0.0, 0.0, 0.5, 1.0]))
    return Spec(meta, data, indicators, children, weights, kw)


def score(spec: Spec) -> ci.Result | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        try:
            return ci.score(ci.Framework.from_frame(spec.meta), spec.data, **spec.keywords)
        except ci.Error:
            return None


def check_ranks(scores: pd.DataFrame, ranks: pd.DataFrame) -> None:
    for node in scores.columns:
        s = scores[node].to_numpy(dtype=float)
        r = ranks[node].to_numpy(dtype=float, na_value=np.nan)
        assert np.array_equal(np.isnan(s), np.isnan(r)), f"{node}: a score and its rank disagree on missing"
        ok = ~np.isnan(s)
        sv, rv = s[ok], r[ok]
        for i in range(sv.size):
            better = np.sum(sv > sv[i])
            assert rv[i] == better + 1, f"{node}: rank {rv[i]} for score {sv[i]!r} with {better} better"


def check_invariants(spec: Spec, res: ci.Result) -> None:
    scores = res.scores
    values = scores.to_numpy(dtype=float)
    assert not np.isinf(values).any(), f"infinite scores at {list(scores.columns[np.isinf(values).any(axis=0)])}"
    check_ranks(scores, res.ranks)
    lo, hi = spec.keywords["range"]
    coverage = spec.keywords["coverage"]
    imputed = res.data("imputed")
    normalized = res.data("normalized")
    for code in spec.indicators:
        method = spec.keywords["normalization_by_indicator"][code]
        x = normalized[code].to_numpy(dtype=float)
        # A normalized value is missing exactly where the imputed value is.
        assert np.array_equal(np.isnan(x), np.isnan(imputed[code].to_numpy(dtype=float))), code
        tol = 1e-9 * max(abs(lo), abs(hi))
        # distance_to_target caps at the target by default; fraction_of_max of values >= 0 is in 0..1.
        bounded = method in ("min_max", "distance_to_max", "percentile_rank", "fraction_of_max") or (
            method.startswith("goalposts") and "clamp=True" in method) or method.startswith("distance_to_target")
        if bounded:
            v = x[~np.isnan(x)]
            assert np.all(v >= lo - tol) and np.all(v <= hi + tol), f"{code} ({method}) outside [{lo}, {hi}]: {v}"
        if method.startswith("z_score"):
            m, s = (0.0, 1.0) if method == "z_score" else (
                float(p.split("=")[1]) for p in method[len("z_score("):-1].split(","))
            v = x[~np.isnan(x)]
            with np.errstate(over="ignore", invalid="ignore"):
                z = (v - m) / s
            if v.size >= 2 and np.isfinite(z).all():
                # the standard scores have mean 0 and sd 1 (to the precision left at mean m, sd s)
                tol = 1e-6 + abs(m) / s * 1e-15
                assert abs(np.mean(z)) <= tol and abs(np.std(z, ddof=1) - 1.0) <= tol, (code, method, v)
    for node, kids in spec.children.items():
        method = spec.keywords["aggregation_by_node"][node]
        out = scores[node].to_numpy(dtype=float)
        weighted = [c for c in kids if spec.weights[c] != 0.0]
        child = scores[weighted].to_numpy(dtype=float) if weighted else np.empty((len(out), 0))
        present = (~np.isnan(child)).sum(axis=1)
        need = coverage * len(weighted) - 1e-12
        covered = (present > 0) & (present >= need)
        if method.startswith(POWER_MEANS) or method.startswith(("owa", "copeland")):
            # The coverage rule: a score exactly where enough weighted children have one.
            assert np.array_equal(~np.isnan(out), covered), f"{node} ({method}): {out} vs children {child}"
        if method.startswith(POWER_MEANS) or method.startswith("owa"):
            for i in np.flatnonzero(covered):
                row = child[i][~np.isnan(child[i])]
                a, b = row.min(), row.max()
                tol = 1e-9 * max(abs(a), abs(b))
                assert a - tol <= out[i] <= b + tol, f"{node} ({method}) unit {i}: {out[i]!r} not within {row}"
    index_missing = np.isnan(scores["Index"].to_numpy(dtype=float))
    explained = {d["message"].split("'")[1] for d in res.diagnostics if d["kind"] == "missing_score"}
    assert {u for u, m in zip(res.units, index_missing) if m} <= explained


@settings(PROFILE)
@given(specs())
def test_random_specifications_keep_the_invariants(spec: Spec) -> None:
    res = score(spec)
    if res is not None:
        check_invariants(spec, res)


@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 4))
@given(specs(), st.data())
def test_random_uncertainty_factors(spec: Spec, data: Any) -> None:
    factors: list[Any] = []
    if data.draw(st.booleans(), label="weights"):
        factors.append(ci.uncertainty.Weights(spread=data.draw(st.sampled_from([0.1, 0.5, 0.99]))))
    if data.draw(st.booleans(), label="normalization"):
        factors.append(ci.uncertainty.Normalization(alternatives=data.draw(st.lists(
            st.sampled_from(["min_max", "z_score", "rank", "percentile_rank", "goalposts(lower=0, upper=1)"]),
            min_size=1, max_size=3))))
    if data.draw(st.booleans(), label="aggregation") or not factors:
        factors.append(ci.uncertainty.Aggregation(alternatives=data.draw(st.lists(aggregation_methods(), min_size=1,
                                                                                   max_size=3))))
    kw = {k: v for k, v in spec.keywords.items() if k not in ("normalization_by_indicator", "aggregation_by_node")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        try:
            fw = ci.Framework.from_frame(spec.meta)
            res = ci.uncertainty.uncertainty_analysis(fw, spec.data, factors, n=8, seed=3, threads=1, **kw)
        except ci.Error:
            return
    s = res.scores.to_numpy(dtype=float)
    assert not np.isinf(s).any()
