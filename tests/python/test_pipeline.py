"""compindex.score and compindex.Result, checked against values computed by hand.

The hand case (``hand_*`` fixtures)::

    Index ── P1 (weight 1) ── a (weight 1), b (weight 1, direction -1)
          └─ P2 (weight 1) ── c (weight 2), d (weight 1)

    unit   a    b    c    d   pop  region
    u1     2    1   10    4    2   North
    u2     4    3   20    6    1   North
    u3     6    5   40    8    2   South
    u4    10   NaN  30    5    5   South

Min-max onto 0..100 (b is inverse: its values are negated first, -1 best, -5 worst):

    a: (x - 2)/8      -> 0, 25, 50, 100
    b: (-x + 5)/4     -> 100, 50, 0, NaN
    c: (x - 10)/30    -> 0, 100/3, 100, 200/3
    d: (x - 4)/4      -> 0, 50, 100, 25
    P1 = (a + b)/2 over the available children -> 50, 37.5, 25, 100   (u4: a only)
    P2 = (2c + d)/3                            -> 0, 350/9, 100, 475/9
    Index = (P1 + P2)/2 -> 25, (37.5 + 350/9)/2 = 1375/36, 62.5, (100 + 475/9)/2 = 1375/18
"""

from __future__ import annotations

import math
import pickle
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import compindex as ci

UNITS = ["u1", "u2", "u3", "u4"]
CODES = ["Index", "P1", "P2", "a", "b", "c", "d"]
NAN = math.nan

# The min-max 0..100 scores above, one list per node, units u1..u4.
EXPECTED = {
    "a": [0.0, 25.0, 50.0, 100.0],
    "b": [100.0, 50.0, 0.0, NAN],
    "c": [0.0, 100 / 3, 100.0, 200 / 3],
    "d": [0.0, 50.0, 100.0, 25.0],
    "P1": [50.0, 37.5, 25.0, 100.0],
    "P2": [0.0, 350 / 9, 100.0, 475 / 9],
    "Index": [25.0, 1375 / 36, 62.5, 1375 / 18],
}


def hand_meta_frame(**columns: list[Any]) -> pd.DataFrame:
    meta: dict[str, list[Any]] = {
        "code": CODES,
        "parent": ["", "Index", "Index", "P1", "P1", "P2", "P2"],
        "weight": [1, 1, 1, 1, 1, 2, 1],
        "direction": [1, 1, 1, 1, -1, 1, 1],
    }
    meta.update(columns)
    return pd.DataFrame(meta)


@pytest.fixture
def hand_fw() -> ci.Framework:
    return ci.Framework.from_frame(hand_meta_frame())


@pytest.fixture
def hand_data() -> pd.DataFrame:
    return pd.DataFrame({"unit": UNITS, "a": [2.0, 4.0, 6.0, 10.0], "b": [1.0, 3.0, 5.0, NAN],
                         "c": [10.0, 20.0, 40.0, 30.0], "d": [4.0, 6.0, 8.0, 5.0], "region": ["North", "North", "South", "South"]})


def expected_frame(values: dict[str, list[float]] | None = None) -> pd.DataFrame:
    return pd.DataFrame(values or EXPECTED, index=pd.Index(UNITS, name="unit"))[CODES]


def assert_scores(result: ci.Result, expected: pd.DataFrame) -> None:
    got = result.scores[expected.columns]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=1e-12)


def check_error(exc: pytest.ExceptionInfo[ci.Error], kind: type[ci.Error]) -> None:
    assert isinstance(exc.value, kind)
    assert isinstance(exc.value, ci.Error)
    assert isinstance(exc.value, ValueError)


# -- scores and ranks ------------------------------------------------------------------------------
def test_scores_default_min_max(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data)
    assert isinstance(res.scores, pd.DataFrame)
    assert list(res.scores.columns) == CODES
    assert list(res.scores.index) == UNITS
    assert res.scores.index.name == "unit"
    assert_scores(res, expected_frame())
    pd.testing.assert_series_equal(res.index, res.scores["Index"])


def test_unit_index_instead_of_a_unit_column(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data.set_index("unit"))
    assert_scores(res, expected_frame())


def test_column_order_does_not_matter(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data[["region", "d", "c", "b", "a", "unit"]])
    assert_scores(res, expected_frame())


def test_ranks(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data)
    ranks = res.ranks
    assert list(ranks.columns) == CODES
    assert all(str(t) == "Int32" for t in ranks.dtypes)
    # Index: u4 76.4 > u3 62.5 > u2 38.2 > u1 25.
    assert ranks["Index"].tolist() == [4, 3, 2, 1]
    # P1: u4 100 > u1 50 > u2 37.5 > u3 25.
    assert ranks["P1"].tolist() == [2, 3, 4, 1]
    # b: u4 has no value and is unranked.
    assert ranks["b"].iloc[:3].tolist() == [1, 2, 3]
    assert ranks["b"].iloc[3] is pd.NA
    assert ranks["b"].isna().tolist() == [False, False, False, True]


def test_no_copies_of_the_data(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # Float64 indicator columns enter the core as a view of the caller's table, and the ranks
    # table views the core's 32-bit ranks: neither is copied.
    values = np.asfortranarray(hand_data[list("abcd")].to_numpy(dtype=float))  # one float64 block
    data = pd.DataFrame(values, columns=list("abcd"), index=pd.Index(hand_data["unit"], name="unit"), copy=False)
    res = ci.score(hand_fw, data)
    raw = np.asarray(res._core.raw)
    assert np.shares_memory(raw, data["a"].to_numpy())
    core_ranks = np.asarray(res._core.ranks)
    assert core_ranks.dtype == np.int32
    assert np.shares_memory(res.ranks["Index"].array._data, core_ranks)
    # pandas' copy-on-write keeps the scored values when the caller then edits the table in place.
    data.iloc[0, data.columns.get_loc("a")] = 1000.0
    assert res.data("raw").loc["u1", "a"] == 2.0
    assert res.scores.loc["u4", "Index"] == pytest.approx(76.38888888888889)


def test_core_dataset_borrows_or_converts() -> None:
    from compindex import _core
    from compindex.errors import SpecError

    f = np.asfortranarray([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    ds = _core.Dataset(["a", "b", "c"], f)
    assert np.shares_memory(np.asarray(ds.values), f)  # Fortran float64: borrowed
    c = np.array([[1, 2], [3, 4], [5, 6]])  # C order, integers: converted once
    ds2 = _core.Dataset(["a", "b", "c"], c)
    assert not np.shares_memory(np.asarray(ds2.values), c)
    np.testing.assert_array_equal(np.asarray(ds2.values), f)
    del f  # the dataset keeps the borrowed array alive
    assert np.asarray(ds.values)[2, 1] == 6.0
    with pytest.raises(SpecError, match="2-D array"):
        _core.Dataset(["a", "b", "c"], np.array([1.0, 2.0, 3.0]))
    with pytest.raises(SpecError, match="3 unit codes but 2 rows"):
        _core.Dataset(["a", "b", "c"], np.zeros((2, 2), order="F"))


def test_integer_and_text_columns_are_converted(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # Integer and text columns take the converting path; the scores are those of the float table.
    data = hand_data.copy()
    data["c"] = data["c"].astype("int64")
    data["d"] = data["d"].map(lambda v: f"{v:g}")
    assert_scores(ci.score(hand_fw, data), expected_frame())
    assert not np.shares_memory(np.asarray(ci.score(hand_fw, data)._core.raw), hand_data["a"].to_numpy())


def test_ties_share_the_best_place(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # u5 repeats u2's row exactly, so every score of u5 equals u2's.
    data = pd.concat([hand_data, hand_data.iloc[[1]].assign(unit="u5")], ignore_index=True)
    res = ci.score(hand_fw, data)
    # With u5 the min and max of every indicator are unchanged, so u1..u4 keep their scores.
    assert res.scores.loc["u5"].equals(res.scores.loc["u2"])
    # Index: u4, u3, then u2 and u5 tie for 3rd, u1 is 5th.
    assert res.ranks["Index"].tolist() == [5, 3, 2, 1, 3]


def test_rank_normalization_and_integer_ties(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # Ascending ranks, worst = 1:
    #   a: 1, 2, 3, 4     b (inverse): u1 -1 -> 3, u2 -3 -> 2, u3 -5 -> 1, u4 NaN
    #   c: 1, 2, 4, 3     d: 1, 3, 4, 2
    #   P1 = (a + b)/2 -> 2, 2, 2, 4 (u4: a only)    P2 = (2c + d)/3 -> 1, 7/3, 4, 8/3
    #   Index = (P1 + P2)/2 -> 1.5, 13/6, 3, 10/3
    res = ci.score(hand_fw, hand_data, normalization="rank")
    expected = {"a": [1, 2, 3, 4], "b": [3, 2, 1, NAN], "c": [1, 2, 4, 3], "d": [1, 3, 4, 2], "P1": [2, 2, 2, 4],
                "P2": [1, 7 / 3, 4, 8 / 3], "Index": [1.5, 13 / 6, 3, 10 / 3]}
    assert_scores(res, expected_frame(expected))
    # Ties share the best place: u1, u2 and u3 all have P1 = 2 and share 2nd.
    assert res.ranks["P1"].tolist() == [2, 2, 2, 1]


def test_custom_range(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # Onto 1..11 every indicator score is 1 + t * 10 with t = (default score)/100; the arithmetic
    # means are affine too, so every node is 1 + (default score)/10.
    res = ci.score(hand_fw, hand_data, range=(1, 11))
    assert_scores(res, 1 + expected_frame() / 10)
    assert res.ranks.equals(ci.score(hand_fw, hand_data).ranks)


def test_range_by_indicator(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data, range_by_indicator={"a": (0, 10)})
    # a: 0, 2.5, 5, 10; P1 = (a + b)/2 -> 50, 26.25, 2.5, 10.
    assert res.scores["a"].tolist() == [0.0, 2.5, 5.0, 10.0]
    assert res.scores["P1"].tolist() == pytest.approx([50.0, 26.25, 2.5, 10.0])


def test_z_score(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # a: mean (2+4+6+10)/4 = 5.5; deviations -3.5, -1.5, 0.5, 4.5; squares sum 12.25+2.25+0.25+20.25 = 35;
    #    sample sd sqrt(35/3).
    # b (negated): -1, -3, -5; mean -3; sd sqrt((4+0+4)/2) = 2 -> 1, 0, -1.
    res = ci.score(hand_fw, hand_data, normalization="z_score")
    sd_a = math.sqrt(35 / 3)
    assert res.scores["a"].tolist() == pytest.approx([-3.5 / sd_a, -1.5 / sd_a, 0.5 / sd_a, 4.5 / sd_a])
    assert res.scores["b"].iloc[:3].tolist() == pytest.approx([1.0, 0.0, -1.0])
    # P1 of u1 = (-3.5/sd_a + 1)/2.
    assert res.scores.loc["u1", "P1"] == pytest.approx((-3.5 / sd_a + 1.0) / 2)


def test_z_score_with_parameters(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # mean 100, sd 10: b -> 110, 100, 90; the range is ignored by z_score.
    res = ci.score(hand_fw, hand_data, normalization="z_score(mean=100, sd=10)", range=(0, 1))
    assert res.scores["b"].iloc[:3].tolist() == pytest.approx([110.0, 100.0, 90.0])
    same = ci.score(hand_fw, hand_data, normalization=ci.normalization.ZScore(mean=100, sd=10))
    pd.testing.assert_frame_equal(res.scores, same.scores)


def test_goalposts_from_metadata() -> None:
    # Goalposts in raw units from the metadata lower/upper columns; scores are clamped to 0..100.
    #   a: lower 0, upper 20   -> 2/20, 4/20, 6/20, 10/20          = 10, 20, 30, 50
    #   b: lower 0, upper 10, inverse -> (10 - x)/10 = 9/10, 7/10, 5/10 = 90, 70, 50, NaN
    #   c: lower 0, upper 50   -> 20, 40, 80, 60
    #   d: lower 0, upper 7    -> 400/7, 600/7, 8/7 clamped to 1 -> 100, 500/7
    meta = hand_meta_frame(lower=["", "", "", 0, 0, 0, 0], upper=["", "", "", 20, 10, 50, 7])
    fw = ci.Framework.from_frame(meta)
    data = pd.DataFrame({"unit": UNITS, "a": [2.0, 4.0, 6.0, 10.0], "b": [1.0, 3.0, 5.0, NAN],
                         "c": [10.0, 20.0, 40.0, 30.0], "d": [4.0, 6.0, 8.0, 5.0]})
    res = ci.score(fw, data, normalization="goalposts")
    assert res.scores["a"].tolist() == pytest.approx([10, 20, 30, 50])
    assert res.scores["b"].iloc[:3].tolist() == pytest.approx([90, 70, 50])
    assert res.scores["c"].tolist() == pytest.approx([20, 40, 80, 60])
    assert res.scores["d"].tolist() == pytest.approx([400 / 7, 600 / 7, 100, 500 / 7])
    # P1 of u1 = (10 + 90)/2 = 50.
    assert res.scores.loc["u1", "P1"] == pytest.approx(50.0)


def test_goalposts_as_a_metadata_normalization_cell(hand_data: pd.DataFrame) -> None:
    # Only a is normalized with goalposts (0..20); the others keep the global min-max.
    meta = hand_meta_frame(normalization=["", "", "", "goalposts", "", "", ""], lower=["", "", "", 0, "", "", ""],
                           upper=["", "", "", 20, "", "", ""])
    res = ci.score(ci.Framework.from_frame(meta), hand_data)
    assert res.scores["a"].tolist() == pytest.approx([10, 20, 30, 50])
    assert res.scores["c"].tolist() == pytest.approx(EXPECTED["c"])


def test_goalposts_without_goalposts(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.SpecError, match=r"indicator 'a': goalposts normalization needs a lower and an upper goalpost") as info:
        ci.score(hand_fw, hand_data, normalization="goalposts")
    check_error(info, ci.SpecError)


# -- aggregation ---------------------------------------------------------------------------------------
def geometric_meta() -> pd.DataFrame:
    return hand_meta_frame(aggregation=["", "geometric_mean", "", "", "", "", ""])


def test_geometric_mean_from_metadata(hand_data: pd.DataFrame) -> None:
    # Onto 1..100 (score = 1 + 99 t):
    #   a: 1, 25.75, 50.5, 100          b: 100, 50.5, 1, NaN
    #   P1 (geometric, metadata): sqrt(1*100) = 10, sqrt(25.75*50.5), sqrt(50.5*1), 100 (a only)
    #   c: 1, 34, 100, 67               d: 1, 50.5, 100, 25.75
    #   P2 (arithmetic): (2c + d)/3 -> 1, (68 + 50.5)/3 = 39.5, 100, (134 + 25.75)/3 = 53.25
    res = ci.score(ci.Framework.from_frame(geometric_meta()), hand_data, range=(1, 100))
    assert res.scores["P1"].tolist() == pytest.approx([10.0, math.sqrt(25.75 * 50.5), math.sqrt(50.5), 100.0])
    assert res.scores["P2"].tolist() == pytest.approx([1.0, 39.5, 100.0, 53.25])
    p1, p2 = res.scores["P1"], res.scores["P2"]
    assert res.scores["Index"].tolist() == pytest.approx(((p1 + p2) / 2).tolist())


def test_explicit_keyword_overrides_metadata(hand_data: pd.DataFrame) -> None:
    # aggregation_by_node beats the metadata cell: P1 is arithmetic again, (1 + 100)/2 = 50.5 for u1.
    fw = ci.Framework.from_frame(geometric_meta())
    res = ci.score(fw, hand_data, range=(1, 100), aggregation_by_node={"P1": "arithmetic_mean"})
    assert res.scores.loc["u1", "P1"] == pytest.approx(50.5)
    plain = ci.score(ci.Framework.from_frame(hand_meta_frame()), hand_data, range=(1, 100))
    pd.testing.assert_frame_equal(res.scores, plain.scores)


def test_metadata_overrides_global_choice(hand_data: pd.DataFrame) -> None:
    # The global choice (geometric mean) applies where the metadata cell is empty (Index, P2); the
    # metadata cell (arithmetic mean for P1) wins where it is given.
    fw = ci.Framework.from_frame(hand_meta_frame(aggregation=["", "arithmetic_mean", "", "", "", "", ""]))
    res = ci.score(fw, hand_data, range=(1, 100), aggregation="geometric_mean")
    # P1 arithmetic (metadata): (1 + 100)/2; P2 geometric (global): (1^2 * 1)^(1/3) = 1 for u1.
    assert res.scores.loc["u1", "P1"] == pytest.approx(50.5)
    assert res.scores.loc["u1", "P2"] == pytest.approx(1.0)
    # Index geometric: sqrt(50.5 * 1).
    assert res.scores.loc["u1", "Index"] == pytest.approx(math.sqrt(50.5))


def test_geometric_mean_on_zeros(hand_data: pd.DataFrame) -> None:
    # Min-max onto 0..100 gives a = 0 for u1, which a geometric mean cannot take.
    with pytest.raises(ci.DataError, match=r"node 'P1': geometric_mean needs positive values, but unit 'u1' has 0 for 'a'") as info:
        ci.score(ci.Framework.from_frame(geometric_meta()), hand_data)
    check_error(info, ci.DataError)


def test_coverage_by_node(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # P1 needs both children: u4 (b missing) gets no P1 and is unranked there; the Index of u4 is
    # then P2 alone (coverage 0 at the root): 475/9.
    res = ci.score(hand_fw, hand_data, coverage_by_node={"P1": 1.0})
    assert math.isnan(res.scores.loc["u4", "P1"])
    assert res.ranks.loc["u4", "P1"] is pd.NA
    assert res.scores.loc["u4", "Index"] == pytest.approx(475 / 9)
    assert res.scores.loc["u1", "Index"] == pytest.approx(25.0)


def test_coverage_column_in_metadata(hand_data: pd.DataFrame) -> None:
    fw = ci.Framework.from_frame(hand_meta_frame(coverage=["", 1, "", "", "", "", ""]))
    res = ci.score(fw, hand_data)
    assert math.isnan(res.scores.loc["u4", "P1"])


def test_global_coverage_leaves_a_unit_unranked_with_a_warning(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # Every node needs all its children: u4 loses P1, hence the Index.
    with pytest.warns(ci.CompindexWarning, match=r"unit 'u4' has no 'Index' score"):
        res = ci.score(hand_fw, hand_data, coverage=1.0)
    assert math.isnan(res.scores.loc["u4", "Index"])
    assert res.ranks["Index"].tolist()[:3] == [3, 2, 1]
    assert res.ranks.loc["u4", "Index"] is pd.NA
    assert [d["kind"] for d in res.diagnostics] == ["missing_score"]
    assert res.diagnostics[0]["code"] == "Index"
    # Half coverage keeps u4: one of P1's two children is enough.
    res = ci.score(hand_fw, hand_data, coverage=0.5)
    assert res.scores.loc["u4", "Index"] == pytest.approx(1375 / 18)


# -- weights -----------------------------------------------------------------------------------------
def test_weights_by_set_name(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # "economy": P1 weight 3 -> Index = (3 P1 + P2)/4: u1 (150 + 0)/4 = 37.5; u3 (75 + 100)/4 = 43.75.
    hand_fw.add_weight_set("economy", {"P1": 3.0})
    res = ci.score(hand_fw, hand_data, weights="economy")
    assert res.scores.loc["u1", "Index"] == pytest.approx(37.5)
    assert res.scores.loc["u3", "Index"] == pytest.approx(43.75)
    assert res.weights["P1"] == 3.0
    assert res.effective_weights["P1"] == pytest.approx(0.75)
    assert res.effective_weights["a"] == pytest.approx(0.375)


def test_weights_by_dict(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # c weight 1 instead of 2 -> P2 = (c + d)/2: 0, (100/3 + 50)/2 = 125/3, 100, (200/3 + 25)/2 = 275/6.
    res = ci.score(hand_fw, hand_data, weights={"c": 1.0})
    assert res.scores["P2"].tolist() == pytest.approx([0.0, 125 / 3, 100.0, 275 / 6])
    assert res.effective_weights["c"] == pytest.approx(0.25)
    assert res.effective_weights["d"] == pytest.approx(0.25)


def test_effective_weights(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # P1, P2 = 1/2; a, b = 1/4; c = 1/2 * 2/3 = 1/3; d = 1/2 * 1/3 = 1/6.
    res = ci.score(hand_fw, hand_data)
    eff = res.effective_weights
    assert list(eff.index) == CODES
    assert eff.tolist() == pytest.approx([1.0, 0.5, 0.5, 0.25, 0.25, 1 / 3, 1 / 6])
    pd.testing.assert_series_equal(eff, hand_fw.effective_weights())
    assert res.weights.tolist() == [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0]


def test_unknown_weight_set(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.SpecError, match=r"unknown weight set 'nope'") as info:
        ci.score(hand_fw, hand_data, weights="nope")
    check_error(info, ci.SpecError)


def test_unknown_weight_node(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.SpecError, match=r"unknown node code 'zz'") as info:
        ci.score(hand_fw, hand_data, weights={"zz": 1.0})
    check_error(info, ci.SpecError)


# -- denominators ------------------------------------------------------------------------------------
def test_denominator_from_metadata(hand_data: pd.DataFrame) -> None:
    # a / pop = 2/2, 4/1, 6/2, 10/5 = 1, 4, 3, 2 -> min-max: 0, 100, 200/3, 100/3.
    fw = ci.Framework.from_frame(hand_meta_frame(denominator=["", "", "", "pop", "", "", ""]))
    data = hand_data.assign(pop=[2.0, 1.0, 2.0, 5.0])
    res = ci.score(fw, data)
    assert res.data("denominated")["a"].tolist() == [1.0, 4.0, 3.0, 2.0]
    assert res.data("raw")["a"].tolist() == [2.0, 4.0, 6.0, 10.0]
    assert res.scores["a"].tolist() == pytest.approx([0.0, 100.0, 200 / 3, 100 / 3])
    assert res.stage_changed("denominated")
    # The other indicators are not denominated.
    assert res.data("denominated")["c"].tolist() == hand_data["c"].tolist()


def test_denominator_with_scale_column(hand_data: pd.DataFrame) -> None:
    # scale 100: a * 100 / pop = 100, 400, 300, 200.
    fw = ci.Framework.from_frame(hand_meta_frame(denominator=["", "", "", "pop", "", "", ""],
                                                 scale=["", "", "", 100, "", "", ""]))
    res = ci.score(fw, hand_data.assign(pop=[2.0, 1.0, 2.0, 5.0]))
    assert res.data("denominated")["a"].tolist() == [100.0, 400.0, 300.0, 200.0]


def test_denominator_keyword(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # c / pop = 5, 20, 20, 6 -> min-max (x - 5)/15: 0, 100, 100, 100/15.
    res = ci.score(hand_fw, hand_data.assign(pop=[2.0, 1.0, 2.0, 5.0]), denominators={"c": "pop"})
    assert res.data("denominated")["c"].tolist() == [5.0, 20.0, 20.0, 6.0]
    assert res.scores["c"].tolist() == pytest.approx([0.0, 100.0, 100.0, 100 / 15])


def test_missing_denominator_warns(hand_data: pd.DataFrame) -> None:
    fw = ci.Framework.from_frame(hand_meta_frame(denominator=["", "", "", "pop", "", "", ""]))
    with pytest.warns(ci.CompindexWarning, match=r"unit 'u2' has no value of denominator 'pop'"):
        res = ci.score(fw, hand_data.assign(pop=[2.0, NAN, 2.0, 5.0]))
    assert math.isnan(res.data("denominated").loc["u2", "a"])


def test_denominator_column_missing_from_data(hand_data: pd.DataFrame) -> None:
    fw = ci.Framework.from_frame(hand_meta_frame(denominator=["", "", "", "pop", "", "", ""]))
    with pytest.raises(ci.DataError, match=r"no column for denominator 'pop'") as info:
        ci.score(fw, hand_data)
    check_error(info, ci.DataError)


# -- imputation ----------------------------------------------------------------------------------------
def test_imputation_mean(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # b of u4 becomes the mean (1 + 3 + 5)/3 = 3, normalized (inverse) (-3 + 5)/4 = 50.
    res = ci.score(hand_fw, hand_data, imputation="mean")
    assert res.data("imputed").loc["u4", "b"] == 3.0
    assert math.isnan(res.data("raw").loc["u4", "b"])
    assert res.scores.loc["u4", "b"] == pytest.approx(50.0)
    # P1 of u4 = (100 + 50)/2.
    assert res.scores.loc["u4", "P1"] == pytest.approx(75.0)
    mask = res.imputed
    assert list(mask.columns) == ["a", "b", "c", "d"]
    assert mask.to_numpy().sum() == 1
    assert mask.loc["u4", "b"]
    assert res.ranks.loc["u4", "b"] == 2  # tied with u2 (both 50)


def test_imputation_median(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data, imputation="median")
    assert res.data("imputed").loc["u4", "b"] == 3.0


def test_imputation_group_mean(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # The text column region becomes a unit group. u4 is in South, whose only other unit u3 has
    # b = 5, so b of u4 becomes 5 (the worst), normalized 0.
    res = ci.score(hand_fw, hand_data, imputation="group_mean(group=region)")
    assert res.data("imputed").loc["u4", "b"] == 5.0
    assert res.scores.loc["u4", "b"] == pytest.approx(0.0)
    assert list(res.groups.columns) == ["region"]
    assert res.groups["region"].tolist() == ["North", "North", "South", "South"]


def test_imputation_group_mean_object(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data, imputation=ci.imputation.GroupMean(group="region"))
    assert res.data("imputed").loc["u4", "b"] == 5.0


def test_imputation_group_fallback_warns(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # u4 is alone in its group, which has no b: the overall mean is used, with a warning.
    data = hand_data.assign(region=["North", "North", "North", "South"])
    with pytest.warns(ci.CompindexWarning, match=r"no unit of the group of 'u4' has a value"):
        res = ci.score(hand_fw, data, imputation="group_mean(group=region)")
    assert res.data("imputed").loc["u4", "b"] == 3.0


def test_imputation_unknown_group(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.SpecError, match=r"unknown unit group 'continent'") as info:
        ci.score(hand_fw, hand_data, imputation="group_mean(group=continent)")
    check_error(info, ci.SpecError)


def test_groups_keyword(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    groups = pd.DataFrame({"zone": ["A", "B", "A", "A"]}, index=pd.Index(UNITS, name="unit"))
    res = ci.score(hand_fw, hand_data.drop(columns="region"), groups=groups, imputation="group_mean(group=zone)")
    # Zone A: u1 and u3 have b = 1 and 5 -> u4 gets 3.
    assert res.data("imputed").loc["u4", "b"] == 3.0
    assert res.group_ranks("zone")["Index"].tolist() == [3, 1, 2, 1]


# -- treatment -----------------------------------------------------------------------------------------
def skewed() -> tuple[ci.Framework, pd.DataFrame]:
    """Index -> x, y with ten units; x has one outlier (100) at u10."""
    fw = ci.Framework.from_frame(pd.DataFrame({"code": ["Index", "x", "y"], "parent": ["", "Index", "Index"]}))
    units = [f"u{k}" for k in range(1, 11)]
    data = pd.DataFrame({"unit": units, "x": [1, 2, 3, 4, 5, 6, 7, 8, 9, 100.0], "y": [float(k) for k in range(1, 11)]})
    return fw, data


def sample_skew_kurtosis(x: np.ndarray) -> tuple[float, float]:
    # Bias-corrected sample skewness G1 and excess kurtosis G2 (as in Excel and the COIN tool).
    n = len(x)
    d = x - x.mean()
    s2, s3, s4 = (d ** 2).sum(), (d ** 3).sum(), (d ** 4).sum()
    g1 = math.sqrt(n) * s3 / s2 ** 1.5
    skew = g1 * math.sqrt(n * (n - 1)) / (n - 2)
    r = n * s4 / s2 ** 2
    kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return skew, kurt


def test_treatment_gii_winsorizes() -> None:
    fw, data = skewed()
    res = ci.score(fw, data, treatment="gii")
    report = res.treatment
    assert list(report.index) == ["x", "y"]
    skew, kurt = sample_skew_kurtosis(data["x"].to_numpy())
    # x is far past both thresholds (|skew| > 2.25 and kurtosis > 3.5) ...
    assert skew > 2.25 and kurt > 3.5
    assert report.loc["x", "skew_before"] == pytest.approx(skew)
    assert report.loc["x", "kurtosis_before"] == pytest.approx(kurt)
    # ... and the outlier takes the next value in (9), after which x passes.
    assert report.loc["x", "action"] == "winsorized"
    assert report.loc["x", "winsorized"] == 1
    assert report.loc["x", "winsorized_high"] == ["u10"]
    assert report.loc["x", "winsorized_low"] == []
    assert bool(report.loc["x", "passes_after"])
    after = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 9.0])
    assert report.loc["x", "skew_after"] == pytest.approx(sample_skew_kurtosis(after)[0])
    assert report.loc["y", "action"] == "none"
    treated = res.data("treated")
    assert treated.loc["u10", "x"] == 9.0
    assert treated["x"].iloc[:9].tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert treated["y"].equals(data.set_index("unit")["y"])
    assert res.data("imputed").loc["u10", "x"] == 100.0
    assert res.stage_changed("treated")
    # u9 and u10 now share the best x: both normalize to 100.
    assert res.scores.loc["u9", "x"] == res.scores.loc["u10", "x"] == 100.0
    assert res.ranks["x"].tolist()[-2:] == [1, 1]


def test_treatment_none_has_an_empty_report() -> None:
    fw, data = skewed()
    res = ci.score(fw, data)
    assert res.treatment.empty
    assert not res.stage_changed("treated")
    assert res.data("treated").equals(res.data("imputed"))


def test_treatment_on_the_shared_fixture(framework: ci.Framework, data: pd.DataFrame) -> None:
    res = ci.score(framework, data, treatment="gii")
    assert res.treatment.loc["i08", "action"] == "winsorized"
    assert res.treatment.loc["i08", "winsorized_high"] == ["U07"]
    assert (res.treatment.drop("i08")["action"] == "none").all()


# -- stages and the result object -------------------------------------------------------------------------
def test_data_for_every_stage(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data, imputation="mean")
    for stage in ci.STAGES:
        frame = res.data(stage)
        assert list(frame.index) == UNITS, stage
        expected_columns = ["Index", "P1", "P2"] if stage == "aggregated" else ["a", "b", "c", "d"]
        assert list(frame.columns) == expected_columns, stage
    raw = hand_data.set_index("unit")[["a", "b", "c", "d"]]
    pd.testing.assert_frame_equal(res.data("raw"), raw, check_names=False)
    pd.testing.assert_frame_equal(res.data("denominated"), raw, check_names=False)
    assert res.data("imputed").loc["u4", "b"] == 3.0
    pd.testing.assert_frame_equal(res.data("treated"), res.data("imputed"))
    pd.testing.assert_frame_equal(res.data("normalized"), res.scores[["a", "b", "c", "d"]])
    pd.testing.assert_frame_equal(res.data("aggregated"), res.scores[["Index", "P1", "P2"]])


def test_data_is_a_copy(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data)
    frame = res.data("raw")
    frame.loc["u1", "a"] = 999.0
    assert res.data("raw").loc["u1", "a"] == 2.0


def test_stage_changed(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data)
    assert [res.stage_changed(s) for s in ("denominated", "imputed", "treated", "normalized")] == [False, False, False, True]
    res = ci.score(hand_fw, hand_data, imputation="mean")
    assert res.stage_changed("imputed")
    with pytest.raises(ci.SpecError, match="stage_changed: expected one of denominated, imputed, treated, normalized"):
        res.stage_changed("raw")


def test_unknown_stage(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data)
    with pytest.raises(ci.SpecError, match=r"unknown stage 'cooked'") as info:
        res.data("cooked")
    check_error(info, ci.SpecError)


def test_group_ranks(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # North: u2 (38.2) before u1 (25); South: u4 (76.4) before u3 (62.5).
    res = ci.score(hand_fw, hand_data)
    g = res.group_ranks("region")
    assert list(g.columns) == CODES
    assert all(str(t) == "Int32" for t in g.dtypes)
    assert g["Index"].tolist() == [2, 1, 2, 1]
    # b: North u1 (100) 1st, u2 2nd; South u3 1st, u4 unranked.
    assert g["b"].iloc[:3].tolist() == [1, 2, 1]
    assert g.loc["u4", "b"] is pd.NA


def test_unknown_group_in_group_ranks(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data)
    with pytest.raises(ci.SpecError, match=r"unknown unit group 'continent' \(groups: region\)") as info:
        res.group_ranks("continent")
    check_error(info, ci.SpecError)


def test_ranking(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data)
    table = res.ranking()
    assert list(table.index) == ["u4", "u3", "u2", "u1"]
    assert list(table.columns) == ["rank", "score", "region", "P1", "P2"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table["score"].tolist() == pytest.approx([1375 / 18, 62.5, 1375 / 36, 25.0])
    assert table.loc["u4", "region"] == "South"
    assert list(res.ranking(level=1).columns) == ["rank", "score", "region", "a", "b", "c", "d"]


def test_to_long(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data)
    long = res.to_long()
    assert list(long.columns) == ["unit", "code", "score", "rank"]
    assert len(long) == 4 * 7
    assert list(long["unit"].iloc[:7]) == ["u1"] * 7
    assert list(long["code"].iloc[:7]) == CODES
    row = long[(long["unit"] == "u4") & (long["code"] == "Index")].iloc[0]
    assert row["score"] == pytest.approx(1375 / 18)
    assert row["rank"] == 1
    missing = long[(long["unit"] == "u4") & (long["code"] == "b")].iloc[0]
    assert math.isnan(missing["score"]) and missing["rank"] is pd.NA
    wide = long.pivot(index="unit", columns="code", values="score")[CODES]
    np.testing.assert_allclose(wide.to_numpy(), res.scores.to_numpy())


def test_repr_and_html(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data)
    html = res._repr_html_()
    assert "u4" in html and "compindex result" in html and "Index" in html
    text = repr(res)
    assert "4 units" in text
    assert text.splitlines()[1].split()[:2] == ["1", "u4"]


def test_result_keeps_the_spec(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data, normalization="rank", coverage=0.5)
    assert res.spec == {"normalization": "rank", "coverage": 0.5}
    assert res.framework is hand_fw
    assert list(res.units) == UNITS


def test_framework_pickle_scores_the_same(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    copy = pickle.loads(pickle.dumps(hand_fw))
    pd.testing.assert_frame_equal(ci.score(copy, hand_data).scores, ci.score(hand_fw, hand_data).scores)


def test_ignore_keyword(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    res = ci.score(hand_fw, hand_data.assign(year=2024), ignore=["year"])
    assert_scores(res, expected_frame())


def test_numeric_text_cells_are_read(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # Data read as text (as the command line does) gives the same scores; "" and "NA" are missing.
    text = hand_data.astype(str)
    text.loc[3, "b"] = "NA"
    res = ci.score(hand_fw, text)
    assert_scores(res, expected_frame())


def test_shared_fixture_scores(framework: ci.Framework, data: pd.DataFrame) -> None:
    res = ci.score(framework, data)
    assert res.scores.shape == (20, 22)
    assert res.ranks["Index"].notna().all()
    assert sorted(res.ranks["Index"].tolist()) == list(range(1, 21))
    # Every indicator spans 0..100.
    for code in framework.indicators:
        assert res.scores[code].min() == 0.0 and res.scores[code].max() == 100.0
    # i05 is inverse: its best raw value is its smallest.
    raw = data.set_index("unit")["i05"]
    assert res.scores.loc[raw.idxmin(), "i05"] == 100.0


# -- error paths ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("keyword", "message"), [
    ("normalization", r"normalization: unknown method 'foo' \(expected one of borda, .*z_score\)"),
    ("aggregation", r"aggregation: unknown method 'foo' \(expected one of .*arithmetic_mean, .*harmonic_mean.*\)"),
    ("imputation", r"imputation: unknown method 'foo'"),
    ("treatment", r"treatment: unknown method 'foo' \(expected one of gii, none\)"),
    ("transform", r"transform: unknown method 'foo'"),
])
def test_unknown_method_names(hand_fw: ci.Framework, hand_data: pd.DataFrame, keyword: str, message: str) -> None:
    with pytest.raises(ci.SpecError, match=message) as info:
        ci.score(hand_fw, hand_data, **{keyword: "foo"})
    check_error(info, ci.SpecError)


@pytest.mark.parametrize(("keyword", "value", "message"), [
    ("normalization_by_indicator", {"a": "foo"}, r"normalization_by_indicator\['a'\]: unknown method 'foo'"),
    ("aggregation_by_node", {"P1": "foo"}, r"aggregation_by_node\['P1'\]: unknown method 'foo'"),
    ("aggregation_by_node", {"zz": "geometric_mean"}, r"aggregation_by_node: unknown node 'zz'"),
    ("aggregation_by_node", {"a": "geometric_mean"}, r"aggregation_by_node: 'a' is an indicator, not an aggregate"),
    ("normalization_by_indicator", {"P1": "rank"}, r"normalization_by_indicator: 'P1' is an aggregate, not an indicator"),
    ("normalization", "z_score(mean=0, sd=0)", r"indicator 'a': z_score needs a finite mean and a positive sd"),
    ("normalization", "z_score(scale=2)", r"normalization: bad parameters for 'z_score'"),
    ("coverage", 2.0, r"coverage: coverage must be between 0 and 1, got 2"),
])
def test_bad_per_node_spec(hand_fw: ci.Framework, hand_data: pd.DataFrame, keyword: str, value: Any, message: str) -> None:
    with pytest.raises(ci.SpecError, match=message) as info:
        ci.score(hand_fw, hand_data, **{keyword: value})
    check_error(info, ci.SpecError)


@pytest.mark.parametrize(("value", "message"), [
    ((5, 5), r"range: the range needs two different finite bounds, got \(5.0, 5.0\)"),
    ((0, math.inf), r"range: the range needs two different finite bounds, got \(0.0, inf\)"),
    ((0, NAN), r"range: the range needs two different finite bounds"),
    (5, r"range: expected \(lower, upper\), got 5"),
    ((1, 2, 3), r"range: expected \(lower, upper\), got \(1, 2, 3\)"),
    ("0-100", r"range: expected \(lower, upper\), got '0-100'"),
])
def test_bad_range(hand_fw: ci.Framework, hand_data: pd.DataFrame, value: Any, message: str) -> None:
    with pytest.raises(ci.SpecError, match=message) as info:
        ci.score(hand_fw, hand_data, range=value)
    check_error(info, ci.SpecError)


def test_missing_indicator_column(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.DataError, match=r"data: no column for indicator\(s\) 'c'") as info:
        ci.score(hand_fw, hand_data.drop(columns="c"))
    check_error(info, ci.DataError)


def test_extra_numeric_column(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.DataError, match=r"data: column 'e' is not an indicator of the framework") as info:
        ci.score(hand_fw, hand_data.assign(e=[1.0, 2.0, 3.0, 4.0]))
    check_error(info, ci.DataError)


def test_extra_column_of_numbers_as_text(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.DataError, match=r"column 'year' is not an indicator") as info:
        ci.score(hand_fw, hand_data.assign(year=["2020", "2021", "2022", "2023"]))
    check_error(info, ci.DataError)


def test_duplicate_unit(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.DataError, match=r"data, row 4: unit 'u1' already appears in row 2") as info:
        ci.score(hand_fw, hand_data.assign(unit=["u1", "u2", "u1", "u4"]))
    check_error(info, ci.DataError)


def test_empty_unit(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.DataError, match=r"data, row 3: empty unit code") as info:
        ci.score(hand_fw, hand_data.assign(unit=["u1", "", "u3", "u4"]))
    check_error(info, ci.DataError)


def test_no_unit_codes(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.DataError, match=r"data: no 'unit' column and no index of unit codes") as info:
        ci.score(hand_fw, hand_data.drop(columns="unit"))
    check_error(info, ci.DataError)


def test_text_in_a_number_column(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    data = hand_data.astype({"c": object})
    data.loc[1, "c"] = "twenty"
    with pytest.raises(ci.DataError, match=r"data, row 3, column 'c' \(unit 'u2'\): 'twenty' is not a number") as info:
        ci.score(hand_fw, data)
    check_error(info, ci.DataError)


def test_decimal_comma(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    data = hand_data.astype({"c": object})
    data.loc[2, "c"] = "40,5"
    with pytest.raises(ci.DataError, match=r"row 4, column 'c' \(unit 'u3'\): '40,5' uses a decimal comma; write 40.5") as info:
        ci.score(hand_fw, data)
    check_error(info, ci.DataError)


@pytest.mark.parametrize("value", [math.inf, -math.inf, "inf"])
def test_infinite_value(hand_fw: ci.Framework, hand_data: pd.DataFrame, value: Any) -> None:
    data = hand_data.astype({"d": object})
    data.loc[0, "d"] = value
    with pytest.raises(ci.DataError, match=r"row 2, column 'd' \(unit 'u1'\): the value is infinite") as info:
        ci.score(hand_fw, data)
    check_error(info, ci.DataError)


def test_true_false_column(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.DataError, match=r"column 'd': true/false values are not numbers") as info:
        ci.score(hand_fw, hand_data.assign(d=[True, False, True, False]))
    check_error(info, ci.DataError)


def test_all_missing_indicator(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.DataError, match=r"indicator 'd' has no data \(every value is missing\)") as info:
        ci.score(hand_fw, hand_data.assign(d=[NAN] * 4))
    check_error(info, ci.DataError)


def test_constant_indicator_under_min_max(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.DataError, match=r"indicator 'd' is constant \(every value is 3\); min_max is undefined for it") as info:
        ci.score(hand_fw, hand_data.assign(d=[3.0, 3.0, 3.0, 3.0]))
    check_error(info, ci.DataError)


def test_constant_inverse_indicator_names_its_raw_value(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    # b is inverse: the message gives the value as written (7), not the negated one.
    with pytest.raises(ci.DataError, match=r"indicator 'b' is constant \(every value is 7\)"):
        ci.score(hand_fw, hand_data.assign(b=[7.0, 7.0, 7.0, NAN]))


def test_not_a_framework(hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.SpecError, match=r"score: expected a compindex.Framework, got DataFrame") as info:
        ci.score(hand_data, hand_data)  # type: ignore[arg-type]
    check_error(info, ci.SpecError)


def test_data_not_a_frame(hand_fw: ci.Framework, hand_data: pd.DataFrame) -> None:
    with pytest.raises(ci.SpecError, match=r"data: expected a DataFrame indexed by unit code, got ndarray") as info:
        ci.score(hand_fw, hand_data.to_numpy())  # type: ignore[arg-type]
    check_error(info, ci.SpecError)


def test_power_means_report_no_aggregation_details():
    fw = ci.datasets.load_pii_framework()
    data = ci.datasets.load_pii_demo(2023)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ci.CompindexWarning)
        res = ci.score(fw, data, imputation="mean", aggregation="geometric_mean", range=(1, 100))
    assert res.details() == {}
    with pytest.raises(ci.SpecError, match="'PII' has no aggregation details"):
        res.details("PII")
    with pytest.raises(ci.SpecError, match="unknown node 'nope'"):
        res.details("nope")
