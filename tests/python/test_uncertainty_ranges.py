"""Replication ranges: uncertainty_analysis(start=, count=) computes exactly the rows of the whole
run, and merge() puts parts back together into a result bit-identical to one call; parts that do
not belong together are refused with a clear error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.uncertainty import Aggregation, Normalization, Treatment, Weights, merge


@pytest.fixture(scope="module")
def index() -> tuple[ci.Framework, pd.DataFrame]:
    rng = np.random.default_rng(11)
    nodes = [{"code": "I"}] + [{"code": f"P{p}", "parent": "I"} for p in range(3)]
    nodes += [{"code": f"x{j}", "parent": f"P{j // 3}"} for j in range(9)]
    fw = ci.Framework.from_nodes(nodes)
    data = pd.DataFrame(rng.lognormal(size=(12, 9)), columns=[f"x{j}" for j in range(9)],
                        index=[f"u{i:02d}" for i in range(12)])
    return fw, data


FACTORS = [Weights(spread=0.3), Normalization(["min_max", "percentile_rank"]),
           Aggregation(["arithmetic_mean", "geometric_mean"]), Treatment([None, "gii"])]


def _same(a: ci.uncertainty.UncertaintyResult, b: ci.uncertainty.UncertaintyResult) -> None:
    # Bit-identical: exact equality of every table (NaN equal to NaN).
    pd.testing.assert_frame_equal(a.ranks, b.ranks, check_exact=True)
    pd.testing.assert_frame_equal(a.scores, b.scores, check_exact=True)
    pd.testing.assert_frame_equal(a.inputs, b.inputs, check_exact=True)
    pd.testing.assert_frame_equal(a.weights, b.weights, check_exact=True)
    pd.testing.assert_frame_equal(a.choices, b.choices)
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)
    pd.testing.assert_frame_equal(a.outrank_probability, b.outrank_probability, check_exact=True)
    pd.testing.assert_series_equal(a.mean_abs_shift, b.mean_abs_shift, check_exact=True)
    assert a.n_successful == b.n_successful


@pytest.mark.parametrize("sampler", ["sobol", "monte_carlo"])
def test_a_range_is_the_same_rows_as_the_whole_run(index, sampler):
    fw, data = index
    whole = ci.uncertainty_analysis(fw, data, FACTORS, n=300, seed=4, sampler=sampler, range=(1, 100))
    part = ci.uncertainty_analysis(fw, data, FACTORS, n=300, seed=4, sampler=sampler, start=120, count=50, range=(1, 100))
    assert list(part.replication) == list(range(120, 170))
    assert (part.start, part.count, part.n, part.complete) == (120, 50, 300, False)
    assert whole.complete
    pd.testing.assert_frame_equal(part.ranks, whole.ranks.loc[120:169], check_exact=True)
    pd.testing.assert_frame_equal(part.inputs, whole.inputs.loc[120:169], check_exact=True)
    # The part's statistics are those of its own rows: the median rank over rows 120..169.
    np.testing.assert_array_equal(part.summary.loc[part.ranks.columns, "median_rank"],
                                  whole.ranks.loc[120:169].median().to_numpy())


@pytest.mark.parametrize("sampler", ["sobol", "monte_carlo"])
def test_merged_parts_are_bit_identical_to_one_run(index, sampler):
    fw, data = index
    whole = ci.uncertainty_analysis(fw, data, FACTORS, n=300, seed=4, sampler=sampler, range=(1, 100))
    # Uneven parts, computed with different thread counts, passed out of order.
    a = ci.uncertainty_analysis(fw, data, FACTORS, n=300, seed=4, sampler=sampler, count=7, threads=1, range=(1, 100))
    b = ci.uncertainty_analysis(fw, data, FACTORS, n=300, seed=4, sampler=sampler, start=7, count=193, threads=2,
                                range=(1, 100))
    c = ci.uncertainty_analysis(fw, data, FACTORS, n=300, seed=4, sampler=sampler, start=200, range=(1, 100))
    assert c.count == 100
    merged = merge([c, a, b])
    assert merged.complete and (merged.start, merged.count) == (0, 300)
    _same(merged, whole)
    # Merging is associative: two steps give the same bits.
    _same(merge([merge([a, b]), c]), whole)


def test_dirichlet_weights_are_keyed_by_the_replication_number(index):
    fw, data = index
    factors = [Weights(distribution="dirichlet", concentration=20), Normalization(["min_max", "z_score"])]
    whole = ci.uncertainty_analysis(fw, data, factors, n=60, seed=8, range=(1, 100))
    parts = [ci.uncertainty_analysis(fw, data, factors, n=60, seed=8, start=s, count=20, range=(1, 100)) for s in (0, 20, 40)]
    _same(merge(parts), whole)


def test_bad_ranges_and_mismatched_parts_are_refused(index):
    fw, data = index
    run = lambda **kw: ci.uncertainty_analysis(fw, data, FACTORS, range=(1, 100), **{"n": 100, "seed": 1, **kw})  # noqa: E731
    with pytest.raises(ci.SpecError, match=r"start must be in 0 \.\. 99 \(n = 100\), got 100"):
        run(start=100)
    with pytest.raises(ci.SpecError, match="start must be in 0 .. 99"):
        run(start=-1)
    with pytest.raises(ci.SpecError, match=r"count must be in 1 \.\. 10 \(replications 90 to 99 remain of n = 100\), got 11"):
        run(start=90, count=11)
    with pytest.raises(ci.SpecError, match="count must be in 1"):
        run(count=0)
    a, b, c = run(count=40), run(start=40, count=30), run(start=70)
    with pytest.raises(ci.SpecError, match="replications 40 to 69 are missing"):
        merge([a, c])
    b2 = run(start=30, count=40)
    with pytest.raises(ci.SpecError, match="replications 30 to 39 are in two parts"):
        merge([a, b2, c])
    with pytest.raises(ci.SpecError, match="part 2 has seed = 2 but part 1 has 1"):
        merge([a, run(seed=2, start=40)])
    with pytest.raises(ci.SpecError, match="part 2 has n = 200 but part 1 has 100"):
        merge([a, run(n=200, start=40)])
    with pytest.raises(ci.SpecError, match="part 2 has sampler = 'monte_carlo'"):
        merge([a, run(sampler="monte_carlo", start=40)])
    other = ci.uncertainty_analysis(fw, data * 2.0 + 1.0, FACTORS, n=100, seed=1, start=40, range=(1, 100))
    with pytest.raises(ci.SpecError, match="part 2 is not from the same analysis"):
        merge([a, other])
    other_factors = ci.uncertainty_analysis(fw, data, FACTORS[:3], n=100, seed=1, start=40, range=(1, 100))
    with pytest.raises(ci.SpecError, match="part 2 is not from the same analysis"):
        merge([a, other_factors])
    with pytest.raises(ci.SpecError, match="merge: no parts"):
        merge([])
    with pytest.raises(ci.SpecError, match="part 2 is a DataFrame"):
        merge([a, pd.DataFrame()])
    # The right parts still merge.
    assert merge([a, b, c]).complete


# -- sensitivity analysis --------------------------------------------------------------------------
SA_FACTORS = [Weights(spread=0.3), Normalization(["min_max", "percentile_rank"]),
              Aggregation(["arithmetic_mean", "geometric_mean"])]


@pytest.mark.parametrize("output", ["mean_abs_rank_shift", "u03"])
def test_sensitivity_parts_merge_into_the_indices_of_one_call(index, output):
    fw, data = index
    kw = dict(output=output, n=64, seed=5, threads=1, n_bootstrap=200, progress=False, range=(1, 100))
    whole = ci.sensitivity_analysis(fw, data, SA_FACTORS, **kw)
    rows = 64 * (len(SA_FACTORS) + 2)  # the Saltelli design: n (k + 2) rows
    cuts = [0, 50, 51, 200, rows]
    parts = [ci.sensitivity_analysis(fw, data, SA_FACTORS, start=a, count=b - a, **kw) for a, b in zip(cuts[:-1], cuts[1:])]
    assert all(isinstance(p, ci.uncertainty.SensitivityPart) and not p.complete for p in parts)
    # every part holds exactly the whole run's outputs of its rows
    for p in parts:
        np.testing.assert_array_equal(p.y, whole.y[p.start:p.start + p.count])
    # in any order; two of them first, then the rest (a partial merge is a part again)
    half = merge([parts[2], parts[0], parts[1]])
    assert isinstance(half, ci.uncertainty.SensitivityPart) and (half.start, half.count) == (0, 200)
    merged = merge([parts[3], half])
    assert isinstance(merged, ci.uncertainty.SensitivityResult)
    pd.testing.assert_frame_equal(merged.indices, whole.indices, check_exact=True)
    np.testing.assert_array_equal(merged.y, whole.y)
    assert merged.convergence == whole.convergence


def test_sensitivity_parts_that_do_not_belong_together_are_refused(index):
    fw, data = index
    kw = dict(n=32, threads=1, n_bootstrap=100, progress=False, range=(1, 100))
    a = ci.sensitivity_analysis(fw, data, SA_FACTORS, seed=1, start=0, count=60, **kw)
    c = ci.sensitivity_analysis(fw, data, SA_FACTORS, seed=1, start=90, count=70, **kw)
    with pytest.raises(ci.SpecError, match="merge: replications 60 to 89 are missing"):
        merge([a, c])
    other_seed = ci.sensitivity_analysis(fw, data, SA_FACTORS, seed=2, start=60, count=100, **kw)
    with pytest.raises(ci.SpecError, match="merge: part 2 has seed = 2 but part 1 has 1"):
        merge([a, other_seed])
    other_output = ci.sensitivity_analysis(fw, data, SA_FACTORS, seed=1, output="u01", start=60, count=100, **kw)
    with pytest.raises(ci.SpecError, match="merge: part 2 has target = 'u01' but part 1 has ''"):
        merge([a, other_output])
    with pytest.raises(ci.SpecError, match=r"start must be in 0 \.\. 159 \(the design has 160 rows\), got 160"):
        ci.sensitivity_analysis(fw, data, SA_FACTORS, seed=1, start=160, **kw)
