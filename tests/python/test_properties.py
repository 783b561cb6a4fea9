"""Properties of scoring that must hold for any data (hypothesis).

Deterministic (derandomize=True: the same examples on every run) and fast (60 examples each, on
small tables). The data are integers, so monotone transforms and reorderings are exact and ties
are real ties.

- min-max scores, and their arithmetic means, stay within the output range;
- rank-based normalizations do not see strictly increasing transforms of an indicator;
- reversing every direction mirrors the ranks;
- permuting the units permutes the results;
- identical children aggregate to that child, under every power mean;
- raising one indicator of one unit never lowers its arithmetic-mean score nor its rank;
- scaling every weight by a constant changes nothing.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import compindex as ci

settings.register_profile("compindex-properties", max_examples=50, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
PROFILE = settings.get_profile("compindex-properties")


def make_meta(sizes: tuple[int, ...], weights: list[float] | None = None, directions: list[int] | None = None,
              scale: float = 1.0) -> tuple[pd.DataFrame, list[str]]:
    """Index <- P1..Pk, pillar p holding sizes[p] indicators; returns the table and indicator codes."""
    rows = [{"code": "Index", "parent": "", "weight": scale, "direction": 1}]
    codes: list[str] = []
    for p, size in enumerate(sizes, 1):
        rows.append({"code": f"P{p}", "parent": "Index", "weight": scale * (1 + p % 2), "direction": 1})
        for _ in range(size):
            j = len(codes)
            code = f"i{j + 1}"
            codes.append(code)
            w = weights[j] if weights else 1.0
            d = directions[j] if directions else 1
            rows.append({"code": code, "parent": f"P{p}", "weight": scale * w, "direction": d})
    return pd.DataFrame(rows), codes


def run(meta: pd.DataFrame, values: np.ndarray, codes: list[str], units: list[str] | None = None,
        **spec: Any) -> ci.Result:
    units = units if units is not None else [f"u{i}" for i in range(len(values))]
    data = pd.DataFrame(values, columns=codes, index=pd.Index(units, name="unit"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        return ci.score(ci.Framework.from_frame(meta), data, **spec)


@st.composite
def tables(draw: Any, min_units: int = 3, max_units: int = 9) -> tuple[tuple[int, ...], np.ndarray]:
    """A tree shape and an integer data table in which no indicator is constant."""
    sizes = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    n = draw(st.integers(min_units, max_units))
    k = sum(sizes)
    cells = draw(st.lists(st.integers(-50, 50), min_size=n * k, max_size=n * k))
    values = np.array(cells, dtype=float).reshape(n, k)
    assume(all(np.ptp(values[:, j]) > 0 for j in range(k)))
    return sizes, values


def ranks_of(res: ci.Result) -> np.ndarray:
    return res.ranks.to_numpy(dtype=float, na_value=np.nan)


@settings(PROFILE)
@given(tables(), st.floats(-1000, 1000), st.floats(0.001, 1000))
def test_min_max_scores_stay_in_range(table: tuple[tuple[int, ...], np.ndarray], low: float, width: float) -> None:
    sizes, values = table
    meta, codes = make_meta(sizes)
    high = low + width
    assume(high > low)
    res = run(meta, values, codes, range=(low, high))
    scores = res.scores.to_numpy()
    tol = 1e-9 * max(1.0, abs(low), abs(high))
    assert np.all(scores >= low - tol) and np.all(scores <= high + tol)
    # The best and the worst unit of each indicator take the bounds.
    norm = res.data("normalized").to_numpy()
    np.testing.assert_allclose(norm.min(axis=0), low, atol=tol)
    np.testing.assert_allclose(norm.max(axis=0), high, atol=tol)


MONOTONE = {
    "affine": lambda x: 3.0 * x + 7.0,
    "cube": lambda x: x**3,
    "exp": lambda x: np.exp(x / 10.0),
    "shift_to_log": lambda x: np.log(x + 51.0),
}


@settings(PROFILE)
@given(tables(), st.sampled_from(["rank", "percentile_rank", "borda"]), st.sampled_from(sorted(MONOTONE)),
       st.sampled_from(["arithmetic_mean", "copeland"]))
def test_rank_methods_ignore_monotone_transforms(table: tuple[tuple[int, ...], np.ndarray], normalization: str,
                                                 transform: str, aggregation: str) -> None:
    sizes, values = table
    meta, codes = make_meta(sizes)
    before = run(meta, values, codes, normalization=normalization, aggregation=aggregation)
    after = run(meta, MONOTONE[transform](values), codes, normalization=normalization, aggregation=aggregation)
    np.testing.assert_array_equal(before.scores.to_numpy(), after.scores.to_numpy())
    np.testing.assert_array_equal(ranks_of(before), ranks_of(after))


@settings(PROFILE)
@given(tables())
def test_reversing_every_direction_mirrors_the_ranks(table: tuple[tuple[int, ...], np.ndarray]) -> None:
    sizes, values = table
    k = sum(sizes)
    up, codes = make_meta(sizes, directions=[1] * k)
    down, _ = make_meta(sizes, directions=[-1] * k)
    a, b = run(up, values, codes), run(down, values, codes)
    index_a, index_b = a.index.to_numpy(), b.index.to_numpy()
    # min-max on 0..100: reversed scores are 100 - score, at every node.
    np.testing.assert_allclose(b.scores.to_numpy(), 100.0 - a.scores.to_numpy(), atol=1e-9)
    # Where the index has no (near) ties, the ranks are mirrored exactly.
    gaps = np.abs(index_a[:, None] - index_a[None, :])[~np.eye(len(index_a), dtype=bool)]
    assume(gaps.size == 0 or gaps.min() > 1e-6)
    n = len(index_a)
    np.testing.assert_array_equal(b.ranks["Index"].to_numpy(dtype=float), n + 1 - a.ranks["Index"].to_numpy(dtype=float))
    del index_b


@settings(PROFILE)
@given(tables(), st.randoms(use_true_random=False), st.sampled_from(["min_max", "z_score", "rank", "percentile_rank"]),
       st.sampled_from(["arithmetic_mean", "copeland"]))
def test_permuting_units_permutes_results(table: tuple[tuple[int, ...], np.ndarray], rnd: Any, normalization: str,
                                          aggregation: str) -> None:
    sizes, values = table
    meta, codes = make_meta(sizes)
    units = [f"u{i}" for i in range(len(values))]
    order = list(range(len(values)))
    rnd.shuffle(order)
    a = run(meta, values, codes, units, normalization=normalization, aggregation=aggregation)
    b = run(meta, values[order], codes, [units[i] for i in order], normalization=normalization, aggregation=aggregation)
    assert list(b.units) == [units[i] for i in order]
    np.testing.assert_allclose(b.scores.loc[units].to_numpy(), a.scores.loc[units].to_numpy(), rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(ranks_of(b)[np.argsort(order)], ranks_of(a))


@settings(PROFILE)
@given(st.integers(3, 9), st.integers(2, 4), st.lists(st.floats(0.1, 10), min_size=4, max_size=4),
       st.sampled_from(["arithmetic_mean", "geometric_mean", "harmonic_mean", "generalized_mean(p=0.5)",
                        "generalized_mean(p=-2)", "generalized_mean(p=3)"]),
       st.lists(st.integers(-50, 50), min_size=9, max_size=9), st.booleans())
def test_identical_children_aggregate_to_that_child(n: int, k: int, weights: list[float], aggregation: str,
                                                    column: list[int], with_missing: bool) -> None:
    x = np.array(column[:n], dtype=float)
    assume(np.ptp(x) > 0)
    if with_missing:
        x[0] = np.nan
    meta, codes = make_meta((k, 1), weights=weights[:k] + [1.0])
    other = np.arange(n, dtype=float)
    values = np.column_stack([x] * k + [other])
    res = run(meta, values, codes, aggregation=aggregation, range=(1, 100))
    child = res.scores["i1"].to_numpy()
    np.testing.assert_allclose(res.scores["P1"].to_numpy(), child, rtol=1e-12, atol=1e-10, equal_nan=True)


@settings(PROFILE)
@given(tables(), st.data())
def test_raising_an_indicator_never_lowers_the_unit(table: tuple[tuple[int, ...], np.ndarray], data: Any) -> None:
    sizes, values = table
    meta, codes = make_meta(sizes)
    n, k = values.shape
    u = data.draw(st.integers(0, n - 1), label="unit")
    j = data.draw(st.integers(0, k - 1), label="indicator")
    delta = data.draw(st.integers(1, 100), label="raise by")
    raised = values.copy()
    raised[u, j] += delta
    a, b = run(meta, values, codes), run(meta, raised, codes)
    assert b.index.iloc[u] >= a.index.iloc[u] - 1e-9
    assert b.ranks["Index"].iloc[u] <= a.ranks["Index"].iloc[u]
    # Every node above the indicator too.
    for node in ["Index", *[c for c in a.framework.ancestors(codes[j])]]:
        assert b.scores[node].iloc[u] >= a.scores[node].iloc[u] - 1e-9


@settings(PROFILE)
@given(tables(), st.integers(-10, 10), st.floats(1e-3, 1e3))
def test_scaling_every_weight_changes_nothing(table: tuple[tuple[int, ...], np.ndarray], power: int,
                                              factor: float) -> None:
    sizes, values = table
    k = sum(sizes)
    weights = [1.0 + (j % 3) for j in range(k)]
    base, codes = make_meta(sizes, weights=weights)
    a = run(base, values, codes)
    # A power of two scales exactly: the results are identical, ranks included.
    exact, _ = make_meta(sizes, weights=weights, scale=math.ldexp(1.0, power))
    b = run(exact, values, codes)
    np.testing.assert_array_equal(b.scores.to_numpy(), a.scores.to_numpy())
    np.testing.assert_array_equal(ranks_of(b), ranks_of(a))
    # Any other factor: the same scores up to rounding.
    other, _ = make_meta(sizes, weights=weights, scale=factor)
    c = run(other, values, codes)
    np.testing.assert_allclose(c.scores.to_numpy(), a.scores.to_numpy(), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(c.effective_weights.to_numpy(), a.effective_weights.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("transform", sorted(MONOTONE))
def test_the_monotone_transforms_are_strictly_increasing(transform: str) -> None:
    x = np.arange(-50, 51, dtype=float)
    assert np.all(np.diff(MONOTONE[transform](x)) > 0)
