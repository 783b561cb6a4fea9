"""compindex.analysis: every function against numbers computed by hand on the small index of
_pii_fixtures (its docstring shows the raw data, the normalized scores and the aggregates), plus
checks on the PII demonstration data (SIMULATED)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex import analysis as an
from compindex import datasets

from _pii_fixtures import SMALL_INDEX, pii_result, small_data, small_framework, small_meta, small_result

SQRT_1_7 = math.sqrt(1.0 / 7.0)


@pytest.fixture(scope="module")
def res() -> ci.Result:
    return small_result()


def test_small_index_matches_the_hand_computation(res: ci.Result) -> None:
    assert res.index.to_dict() == SMALL_INDEX
    assert res.ranks["Index"].to_dict() == {"A": 2, "B": 4, "C": 3, "D": 1}
    assert res.scores.loc["B", ["P1", "P2", "a", "b", "c", "d"]].tolist() == [37.5, 12.5, 25, 50, 25, 0]


def test_rank_text() -> None:
    assert an.rank_text(60, 63) == "60/63"
    assert an.rank_text(pd.NA, 63) == "n/a"
    assert an.rank_text(float("nan"), 63) == "n/a"


# -- unit profile --------------------------------------------------------------------------------
def test_unit_profile_table(res: ci.Result) -> None:
    p = an.unit_profile(res, "B", by="agency", group="region", top=2)
    t = p.table
    assert list(t.index) == ["Index", "P1", "P2", "a", "b", "c", "d"]
    # B's ranks: Index 25 (4th), P1 37.5 (3rd), P2 12.5 (4th), a 25 (3rd), b 50 (2nd), c 25 (3rd), d 0 (4th).
    assert t["rank"].tolist() == [4, 3, 4, 3, 2, 3, 4]
    assert t.at["a", "raw"] == 2.0 and t.at["a", "score"] == 25.0
    assert t.at["a", "rank_text"] == "3/4"
    assert math.isnan(t.at["P1", "raw"]) and t.at["P1", "kind"] == "aggregate"
    # Region X = {A, B}: B is second of two on the index.
    assert t.at["Index", "group_rank_text"] == "2/2"
    assert (t["status"] == "ok").all()
    assert t.at["b", "agency"] == "Science"


def test_unit_profile_strengths_and_weaknesses(res: ci.Result) -> None:
    p = an.unit_profile(res, "B", top=2)
    # Best rank below the root: b (2nd); then rank 3 at a, c (indicators) and P1: lower level first.
    assert list(p.strengths.index) == ["b", "a"]
    # Worst: rank 4 at d (indicator) and P2 (pillar): the indicator first.
    assert list(p.weaknesses.index) == ["d", "P2"]
    assert list(p.weakest(2).index) == ["d", "a"]  # indicators only, worst first (a before c: table order)


def test_unit_profile_grouped_by_metadata(res: ci.Result) -> None:
    p = an.unit_profile(res, "B", by="agency")
    g = p.grouped
    assert g is not None
    # Finance: a (3/4). Science: b (2/4) and c (3/4). No agency: d (4/4), listed last.
    assert list(g.index) == ["Finance", "Science", "(none)"]
    assert g.at["Science", "n_indicators"] == 2
    assert g.at["Science", "mean_rank"] == 2.5
    assert g.at["Science", "worst"] == "c" and g.at["Science", "worst_rank"] == "3/4"
    assert g.at["Science", "best"] == "b" and g.at["Science", "best_rank"] == "2/4"
    assert g.at["(none)", "indicators"] == "d"


def test_unit_profile_marks_imputed_and_missing() -> None:
    data = small_data()
    data.loc["B", "a"] = np.nan
    r = ci.score(small_framework(), data, imputation="mean")
    assert an.unit_profile(r, "B").table.at["a", "status"] == "imputed"
    r2 = ci.score(small_framework(), data)
    t = an.unit_profile(r2, "B").table
    assert t.at["a", "status"] == "missing" and t.at["a", "rank_text"] == "n/a"


def test_unit_profile_errors(res: ci.Result) -> None:
    with pytest.raises(ci.SpecError, match="'Z' is not among the 4 scored units"):
        an.unit_profile(res, "Z")
    with pytest.raises(ci.SpecError, match="no column 'nope'"):
        an.unit_profile(res, "B", by="nope")
    with pytest.raises(ci.SpecError, match="unknown unit group 'province'"):
        an.unit_profile(res, "B", group="province")


# -- groups --------------------------------------------------------------------------------------
def test_group_table(res: ci.Result) -> None:
    g = an.group_table(res, "region")
    # X = {A 50, B 25}: mean 37.5, leader A. Y = {C 43.75, D 75}: mean 59.375, leader D.
    assert list(g.leaders.index) == ["Y", "X"]  # by mean score
    assert g.leaders.at["X", "leader"] == "A" and g.leaders.at["Y", "leader"] == "D"
    assert g.leaders.at["Y", "mean_score"] == 59.375
    assert g.leaders.at["Y", "leader_rank"] == 1
    assert g.means.at["X", "P2"] == 31.25  # (50 + 12.5) / 2
    assert g.means.at["X", "n_units"] == 2
    assert g.units["group_rank"].to_dict() == {"D": 1, "C": 2, "A": 1, "B": 2}
    assert g.units.at["B", "gap_to_group_leader"] == 25.0
    assert g.units.at["C", "gap_to_group_leader"] == 31.25
    assert list(g.members("Y").index) == ["D", "C"]
    assert g.ranks.at["C", "c"] == 2  # c: C 75, D 100
    with pytest.raises(ci.SpecError, match="no 'region' group 'Z'"):
        g.members("Z")


def test_gap_to_leader(res: ci.Result) -> None:
    gap = an.gap_to_leader(res, "B", group="region")
    assert gap.attrs["national_leader"] == "D" and gap.attrs["group_leader"] == "A"
    # To D (75; P1 62.5, P2 87.5, a 100, d 75): 50, 25, 75, 75, 75.
    assert gap.loc[["Index", "P1", "P2", "a", "d"], "gap_to_national_leader"].tolist() == [50, 25, 75, 75, 75]
    # To A (50; P1 50, P2 50, b 100): 25, 12.5, 37.5, 50.
    assert gap.loc[["Index", "P1", "P2", "b"], "gap_to_group_leader"].tolist() == [25, 12.5, 37.5, 50]
    # Best per node: b is led by A nationally (100), gap 50; in X too.
    assert gap.at["b", "national_best"] == "A" and gap.at["b", "gap_to_national_best"] == 50
    assert gap.at["c", "group_best"] == "B" and gap.at["c", "gap_to_group_best"] == 0  # c: A 0, B 25
    assert (gap["note"] == "").all()
    assert gap.at["Index", "group_rank"] == 2


# -- years ---------------------------------------------------------------------------------------
def two_years() -> pd.DataFrame:
    """2023 = the small data; 2024 = the same with 10 added to a for every unit."""
    y23 = small_data().assign(year=2023)
    y24 = small_data().assign(year=2024)
    y24["a"] += 10.0
    return pd.concat([y23, y24])


def test_score_years_per_year_and_pooled() -> None:
    fw = small_framework()
    per_year = an.score_years(fw, two_years())
    assert isinstance(per_year, an.Panel) and per_year.years == [2023, 2024] and not per_year.pooled
    # Year by year, a + 10 changes nothing: each year's min-max bounds move with it.
    ch = an.changes(per_year, 2023, 2024)
    assert ch.xs("Index", level="code")["score_change"].abs().max() < 1e-12
    assert ch.attrs["comparable_scores"] is False

    pooled = an.score_years(fw, two_years(), pooled=True)
    assert pooled.pooled and list(pooled.pooled_result.units[:2]) == ["A@2023", "B@2023"]
    # Pooled bounds of a are 1..15: every unit gains 10/14*100 = 500/7 on a, half of it on P1
    # and a quarter on the index: 125/7 = 17.857...
    ch = an.changes(pooled, 2023, 2024)
    idx = ch.xs("Index", level="code")
    assert np.allclose(idx["score_change"], 125.0 / 7.0)
    assert (idx["rank_change"] == 0).all() and (idx["status"] == "ok").all()
    assert ch.attrs["comparable_scores"] is True
    # 2023 pooled: a = (0, 1/14, 2/14, 4/14)*100; B's index = (200/7 + 12.5) / 2.
    assert pooled[2023].index["B"] == pytest.approx((200.0 / 7.0 + 12.5) / 2.0)
    assert pooled[2023].ranks["Index"].to_dict() == {"A": 2, "B": 4, "C": 3, "D": 1}
    assert pooled.scores().shape == (4, 2)
    assert pooled.ranks().loc["D"].tolist() == [1, 1]
    assert pooled[2024].groups["region"].to_dict() == small_data()["region"].to_dict()


def test_changes_marks_units_of_one_year() -> None:
    data = two_years()
    data = data[~((data.index == "C") & (data["year"] == 2024))]
    panel = an.score_years(small_framework(), data)
    ch = an.changes(panel, 2023, 2024, nodes=["Index"])
    assert ch.loc[("C", "Index"), "status"] == "only in 2023"
    assert pd.isna(ch.loc[("C", "Index"), "score_to"])
    with pytest.raises(ci.SpecError, match="no result for the year 2030"):
        an.changes(panel, 2023, 2030)


def test_score_years_needs_a_year_column() -> None:
    with pytest.raises(ci.DataError, match="no 'year' column"):
        an.score_years(small_framework(), small_data())


def test_merge_units() -> None:
    mapping = {"A": "AB", "B": "AB", "C": "C", "D": "D"}
    data = small_data()
    m = an.merge_units(data, mapping)
    assert list(m.index) == ["AB", "C", "D"]
    # mean of A and B: a (1 + 2)/2, b (4 + 2)/2, c (10 + 20)/2, d (0 + 8)/2.
    assert m.loc["AB", ["a", "b", "c", "d"]].tolist() == [1.5, 3.0, 15.0, 4.0]
    assert m.at["AB", "region"] == "X"
    assert m.attrs["members"]["AB"] == ["A", "B"]
    # weighted with A 1, B 3: a = (1*1 + 3*2)/4 = 1.75; sum: a = 3.
    w = an.merge_units(data, mapping, how="weighted", weights={"A": 1, "B": 3, "C": 1, "D": 1})
    assert w.at["AB", "a"] == 1.75
    s = an.merge_units(data, mapping, how_by_indicator={"a": "sum"})
    assert s.at["AB", "a"] == 3.0 and s.at["AB", "b"] == 3.0
    # A missing value: the members that have one; units crossing regions lose the label.
    d2 = data.copy()
    d2.loc["A", "a"] = np.nan
    m2 = an.merge_units(d2, {"A": "AC", "B": "B", "C": "AC", "D": "D"})
    assert m2.at["AC", "a"] == 3.0 and m2.at["AC", "region"] == ""
    # With a year column: one row per new unit and year, scorable as it is.
    my = an.merge_units(two_years(), mapping)
    assert len(my) == 6 and my.loc["AB", "a"].tolist() == [1.5, 11.5]
    panel = an.score_years(small_framework(), my)
    assert panel[2024].units.tolist() == ["AB", "C", "D"]


def test_merge_units_errors() -> None:
    data = small_data()
    with pytest.raises(ci.SpecError, match="'D' are not in the mapping"):
        an.merge_units(data, {"A": "A", "B": "B", "C": "C"})
    with pytest.raises(ci.SpecError, match="needs weights"):
        an.merge_units(data, {u: u for u in "ABCD"}, how="weighted")
    with pytest.raises(ci.DataError, match="unit 'D' has no valid weight"):
        an.merge_units(data, {u: u for u in "ABCD"}, how="weighted", weights={"A": 1, "B": 1, "C": 1})
    with pytest.raises(ci.SpecError, match="how must be one of"):
        an.merge_units(data, {u: u for u in "ABCD"}, how="median")


def test_merge_pii_provinces_into_34_units() -> None:
    provinces = datasets.load_pii_provinces()
    merged = an.merge_units(datasets.load_pii_demo(), provinces["unit_2025"])
    assert merged.index.nunique() == 34
    assert len(merged) == 68  # 34 units x 2 years
    assert sorted(merged.attrs["members"]["92"]) == ["92", "93", "94"]  # Can Tho, Hau Giang, Soc Trang


# -- what to improve -----------------------------------------------------------------------------
def test_improvement_potential_by_hand(res: ci.Result) -> None:
    p = an.improvement_potential(res, "B")
    assert p.attrs["score"] == 25.0 and p.attrs["rank"] == 4
    # c: 20 -> 21 raises c from 25 to 27.5, P2 by 1.25, the index by 0.625; +10% (22): c 30, index +1.25.
    assert p.at["c", "gain_per_unit"] == pytest.approx(0.625)
    assert p.at["c", "gain_10pct"] == pytest.approx(1.25)
    assert p.at["c", "change_10pct"] == pytest.approx(2.0)
    # a: 2 -> 3 raises a from 25 to 50, P1 by 12.5, the index by 6.25; +10% (2.2): a 30, index +1.25.
    assert p.at["a", "gain_per_unit"] == pytest.approx(6.25)
    assert p.at["a", "gain_10pct"] == pytest.approx(1.25)
    assert p.at["a", "rank_after_unit"] == 4  # 31.25 < C's 43.75
    # d is inverse and B holds its worst value (8, the max): lowering it to 7 or 7.2 keeps B the
    # max, so B's d stays 0 and B gains nothing (the bounds move with it).
    assert p.at["d", "change_per_unit"] == -1.0 and p.at["d", "change_10pct"] == pytest.approx(-0.8)
    assert p.at["d", "gain_per_unit"] == 0.0 and p.at["d", "gain_10pct"] == 0.0
    assert (p["note"] == "").all()


def test_improvement_potential_notes(res: ci.Result) -> None:
    # A's d is 0 (the best of an inverse indicator): 10% of 0 is no change, and -1 passes the best.
    p = an.improvement_potential(res, "A")
    assert math.isnan(p.at["d", "gain_10pct"])
    assert "the value is 0" in p.at["d", "note"] and "passes the best observed value" in p.at["d", "note"]
    # Every missing gain is explained.
    assert (p.loc[p["gain_10pct"].isna(), "note"] != "").all()


def test_improvement_to_rank_by_hand(res: ci.Result) -> None:
    t = an.improvement_to_rank(res, "B", 3)
    assert t.attrs["rank"] == 4
    # a: the index is 25 + (a - 25)/4 ... reaches C's 43.75 only at a = 100, i.e. the best raw 5 (tie: rank 3).
    assert t.at["a", "status"] == "reached" and t.at["a", "value"] == 5.0 and t.at["a", "change"] == 3.0
    assert t.at["a", "change_pct"] == 150.0 and t.at["a", "share_of_range"] == 0.75 and t.at["a", "rank_at_value"] == 3
    # b: even at the best raw value 4 (b = 100) the index is (62.5 + 12.5)/2 = 37.5 < 43.75.
    assert t.at["b", "status"] == "not reachable by this indicator alone" and t.at["b", "rank_at_best"] == 4
    assert math.isnan(t.at["b", "value"])
    # c: reaches exactly at the best raw value 50 (c = 100): index (37.5 + 50)/2 = 43.75, a tie.
    assert t.at["c", "value"] == 50.0 and t.at["c", "change"] == 30.0
    # d (inverse, B holds the max 8): below 4, C holds the max, so C's d drops to 0 and C's index
    # to (25 + 37.5)/2 = 31.25, while B's index is 25 + d/4 with d = (4 - x)/4*100; it reaches
    # 31.25 at d = 25, i.e. x = 3 (the min-max bounds move as B stops being the worst).
    assert t.at["d", "status"] == "reached"
    assert t.at["d", "value"] == pytest.approx(3.0, abs=1e-5) and t.at["d", "value"] <= 3.0
    assert t.at["d", "rank_at_value"] == 3
    assert t.at["d", "rank_at_best"] == 2  # at 0, B's index is 50, a tie with A


def test_improvement_to_rank_several_targets(res: ci.Result) -> None:
    t = an.improvement_to_rank(res, "B", [3, 2])
    assert t.index.names == ["target_rank", "indicator"]
    # To rank 2 (A's 50), only d can: at its best value 0, B's index is 50.
    two = t.xs(2, level="target_rank")
    assert two.at["d", "status"] == "reached" and two.at["d", "value"] == 0.0
    assert set(two.loc[["a", "b", "c"], "status"]) == {"not reachable by this indicator alone"}
    already = an.improvement_to_rank(res, "D", 1)
    assert set(already["status"]) == {"already at or above the target"}
    assert (already["change"] == 0).all()


def test_improvement_to_rank_errors(res: ci.Result) -> None:
    with pytest.raises(ci.SpecError, match="target rank 5 is outside 1..4"):
        an.improvement_to_rank(res, "B", 5)
    with pytest.raises(ci.SpecError, match="'Q' is not among"):
        an.improvement_to_rank(res, "Q", 1)
    with pytest.raises(ci.SpecError, match="best names 'P1', which is not an indicator"):
        an.improvement_to_rank(res, "B", 3, best={"P1": 1.0})


def test_improvement_to_rank_in_a_pooled_year() -> None:
    # In 2023 of the pooled panel, a's bounds are 1..15, so B's P1 = (100/14 + 50)/2 = 200/7 and
    # C's index = (50/7 + 62.5)/2. B reaches it with c at 10 + 40*c/100 where
    # (200/7 + c/2)/2 = (50/7 + 62.5)/2, i.e. c = 575/7 and a raw value of 300/7 = 42.857...
    # (scored on 2023 alone, the answer would be 50).
    panel = an.score_years(small_framework(), two_years(), pooled=True)
    t = an.improvement_to_rank(panel[2023], "B", 3)
    assert t.at["c", "value"] == pytest.approx(300.0 / 7.0, abs=1e-4)
    assert t.at["c", "rank_at_value"] == 3


def test_improvement_to_rank_on_pii_is_exact_when_rescored_independently() -> None:
    res = pii_result(2024)
    unit = "92"
    rank = int(res.ranks.at[unit, "PII"])
    target = rank - 1
    t = an.improvement_to_rank(res, unit, target)
    reached = t[t["status"] == "reached"]
    assert len(reached) >= 1
    provinces = datasets.load_pii_provinces()
    demo = datasets.load_pii_demo(2024)
    for code, row in reached.iterrows():
        for frac, ok in ((1.0, True), (1.0 - 1e-3, False)):
            d = demo.copy()
            d.loc[unit, code] = row["current"] + frac * row["change"]
            r = ci.score(res.framework, d, groups=provinces[["region"]], treatment="gii")
            assert bool(r.ranks.at[unit, "PII"] <= target) == ok, (code, frac)
    # Every status is one of the documented ones; no NaN value without a status.
    assert set(t["status"]) <= {"reached", "not reachable by this indicator alone", "already the best value",
                                "no value for this unit"}
    assert t.loc[t["value"].isna(), "status"].ne("reached").all()


def test_rescoring_refuses_a_result_whose_spec_is_not_reproducible() -> None:
    r = small_result()
    forged = ci.pipeline.Result(r.framework, r._core, r._dataset, r.groups, {"normalization": "rank"})
    with pytest.raises(ci.ComputationError, match="does not reproduce"):
        an.improvement_potential(forged, "B")


# -- coherence -----------------------------------------------------------------------------------
def test_correlations_by_hand(res: ci.Result) -> None:
    c = an.correlations(res)
    # a = (0, 25, 50, 100), P1 = (50, 37.5, 25, 62.5): deviations (-43.75, -18.75, 6.25, 56.25) and
    # (6.25, -6.25, -18.75, 18.75); cross products sum to 781.25, sums of squares 5468.75 and
    # 781.25, so r = 781.25 / sqrt(5468.75 * 781.25) = sqrt(1/7). b gives the same.
    assert c.at["a", "r"] == pytest.approx(SQRT_1_7)
    assert c.at["b", "r"] == pytest.approx(SQRT_1_7)
    assert c.at["a", "n"] == 4 and c.at["a", "parent"] == "P1"
    # a with P2 = (50, 12.5, 62.5, 87.5): cross 2890.625, sum of squares of P2 2929.6875:
    # r = 2890.625 / sqrt(5468.75 * 2929.6875) = 0.7219 > sqrt(1/7): flagged.
    assert c.at["a", "max_other_node"] == "P2"
    assert c.at["a", "max_other"] == pytest.approx(2890.625 / math.sqrt(5468.75 * 2929.6875))
    assert c.at["a", "flag"] == "higher with P2"
    assert "Index" not in c.index
    # Spearman: ranks of a (1 2 3 4) and of P1 (3 2 1 4): r = 1/5 = 0.2, weak.
    s = an.correlations(res, method="spearman")
    assert s.at["a", "r"] == pytest.approx(0.2)
    assert s.at["a", "flag"] == "weak (< 0.3)"
    with pytest.raises(ci.SpecError, match="pearson' or 'spearman"):
        an.correlations(res, method="kendall")


def test_cronbach_alpha_by_hand(res: ci.Result) -> None:
    a = an.cronbach_alpha(res)
    # P1: var(a) = var(b) = 5468.75/3; total a + b = (100, 75, 50, 125) has sum of squares 3125:
    # alpha = 2 * (1 - 2 * 5468.75 / 3125) = -5.
    assert a.at["P1", "alpha"] == pytest.approx(-5.0)
    assert a.at["P1", "flag"] == "below 0.7"
    # P2: sums of squares 6250 (c) and 5468.75 (d); the total (100, 25, 125, 175) has 11718.75:
    # alpha = 2 * (1 - 11718.75 / 11718.75) = 0.
    assert a.at["P2", "alpha"] == pytest.approx(0.0, abs=1e-12)
    # Index: 781.25 (P1) + 2929.6875 (P2) against 5117.1875 for the total: 2 * 1406.25 / 5117.1875.
    assert a.at["Index", "alpha"] == pytest.approx(2.0 * 1406.25 / 5117.1875)
    assert a.at["Index", "n_complete"] == 4


def test_cronbach_alpha_uses_complete_rows_only() -> None:
    data = small_data()
    data.loc["A", "a"] = np.nan  # A has no a: P1's block keeps B, C, D
    a = an.cronbach_alpha(ci.score(small_framework(), data))
    assert a.at["P1", "n_complete"] == 3 and a.at["P2", "n_complete"] == 4


def test_pca_by_hand(res: ci.Result) -> None:
    p = an.pca(res)
    # P1: corr(a, b) = -3906.25 / 5468.75 = -5/7, so eigenvalues 1 + 5/7 and 1 - 5/7 and the first
    # eigenvector (1, -1)/sqrt(2): its sum is 0, so the first non-zero loading is made positive.
    ev = p.eigenvalues.loc["P1"]
    assert ev["eigenvalue"].tolist() == pytest.approx([12.0 / 7.0, 2.0 / 7.0])
    assert ev["explained"].tolist() == pytest.approx([6.0 / 7.0, 1.0 / 7.0])
    assert ev["cumulative"].tolist() == pytest.approx([6.0 / 7.0, 1.0])
    ld = p.loadings.loc["P1"]
    assert ld["loading"].tolist() == pytest.approx([math.sqrt(0.5), -math.sqrt(0.5)])
    assert ld.at["a", "correlation"] == pytest.approx(math.sqrt(0.5) * math.sqrt(12.0 / 7.0))
    assert p.summary.at["P1", "n_kaiser"] == 1 and p.summary.at["P1", "explained_1"] == pytest.approx(6.0 / 7.0)
    # P2: corr(c, d) = 0 (cross products 0): eigenvalues 1 and 1.
    assert p.eigenvalues.loc["P2", "eigenvalue"].tolist() == pytest.approx([1.0, 1.0])


def test_pca_notes_instead_of_failing() -> None:
    meta = small_meta()
    meta.loc[len(meta)] = {"code": "P3", "parent": "Index", "name": "One child", "direction": 1, "agency": ""}
    meta.loc[len(meta)] = {"code": "e", "parent": "P3", "name": "e", "direction": 1, "agency": ""}
    data = small_data().assign(e=[1.0, 2.0, 3.0, 4.0])
    p = an.pca(ci.score(ci.Framework.from_frame(meta), data))
    assert p.summary.at["P3", "note"] == "one child" and math.isnan(p.summary.at["P3", "eigenvalue_1"])
    assert p.summary.at["P1", "note"] == ""


def test_indicator_statistics_by_hand(res: ci.Result) -> None:
    s = an.indicator_statistics(res)
    # a = 1 2 3 5: mean 2.75, median 2.5, deviations (-1.75, -0.75, 0.25, 2.25), sum of squares 8.75.
    row = s.loc["a"]
    assert (row["count"], row["share"], row["min"], row["max"]) == (4, 1.0, 1.0, 5.0)
    assert row["mean"] == 2.75 and row["median"] == 2.5
    assert row["sd"] == pytest.approx(math.sqrt(8.75 / 3.0))
    # Excel SKEW: g1 = sqrt(4) * 5.625 / 8.75^1.5 and G1 = g1 * sqrt(4*3)/2 (sum of cubes 5.625).
    g1 = 2.0 * 5.625 / 8.75 ** 1.5
    assert row["skew"] == pytest.approx(g1 * math.sqrt(12.0) / 2.0)
    # Excel KURT: g2 = 4 * 35.328125 / 8.75^2 - 3 (sum of 4th powers 35.328125),
    # G2 = (5 g2 + 6) * 3 / (2 * 1).
    g2 = 4.0 * 35.328125 / 8.75 ** 2 - 3.0
    assert row["kurtosis"] == pytest.approx((5.0 * g2 + 6.0) * 3.0 / 2.0)
    assert not row["outlier"] and row["treatment"] == "off" and row["note"] == ""


def test_indicator_statistics_notes_and_treatment() -> None:
    data = small_data()
    data.loc["A", "a"] = np.nan  # three values of a: skewness but no kurtosis
    s = an.indicator_statistics(ci.score(small_framework(), data, treatment="gii"))
    assert s.at["a", "count"] == 3 and s.at["a", "share"] == 0.75
    assert s.at["a", "note"] == "fewer than 4 values: no kurtosis" and math.isnan(s.at["a", "kurtosis"])
    assert s.at["b", "treatment"] == "none"


def test_pii_treatment_and_outliers_in_statistics() -> None:
    s = an.indicator_statistics(pii_result(2024))
    assert len(s) == 52
    # The four designed outliers of the simulated data (data/pii/README.md).
    assert set(s.index[s["outlier"]]) == {"4.2.3", "5.1.n5", "6.1.n1", "6.2.n1"}
    assert s.at["4.2.3", "treatment"] == "winsorized" and s.at["4.2.3", "winsorized"] == 2
    assert s.at["6.1.n1", "treatment"] == "log_transformed"


def test_pii_profile_and_coherence() -> None:
    res = pii_result(2024)
    p = an.unit_profile(res, "92", by="lead_agency", group="region")
    assert len(p.table) == 77
    g = p.grouped
    assert g is not None and g["n_indicators"].sum() == 52
    assert g.at["Department of Science and Technology (DOST)", "n_indicators"] == 6
    assert g.index[-1] == "(none)"
    assert p.table.at["PII", "group_size"] == 13  # the Mekong Delta
    pc = an.pca(res)
    assert (pc.loadings.groupby(level="aggregate")["loading"].sum() > 0).all()
    assert pc.summary["explained_1"].between(0, 1).all()
    assert an.pillars(res.framework) == ["1", "2", "3", "4", "5", "6", "7"]
    assert an.pillars(small_framework()) == ["P1", "P2"]


def test_improvement_to_rank_at_a_pillar(res: ci.Result) -> None:
    # P1 = (a + b)/2: A 50, B 37.5, C 25, D 62.5, so B is 3rd. Rank 2 means reaching A's 50:
    # with b = 50, a must reach 50, i.e. a raw 1 + 4 * 0.5 = 3; with a = 25, b must reach 75, raw 3.
    t = an.improvement_to_rank(res, "B", 2, node="P1")
    assert list(t.index) == ["a", "b"]  # only the indicators below P1
    assert t.at["a", "value"] == pytest.approx(3.0, abs=1e-5) and t.at["a", "value"] >= 3.0
    assert t.at["b", "value"] == pytest.approx(3.0, abs=1e-5)
    assert t.attrs["rank"] == 3 and t.attrs["node"] == "P1"
    p = an.improvement_potential(res, "B", node="P1")
    assert p.at["a", "gain_per_unit"] == pytest.approx(12.5)  # a 25 -> 50: P1 + 12.5


def test_improvement_with_a_denominator() -> None:
    # c divided by a denominator column pop (scale 1): the change is in the numerator as given.
    data = small_data().assign(pop=[1.0, 2.0, 1.0, 1.0])
    data["c"] = data["c"] * data["pop"]  # B's c is 40 / 2 = 20 after denomination, as before
    r = ci.score(small_framework(), data, denominators={"c": "pop"})
    assert r.index.to_dict() == SMALL_INDEX
    p = an.improvement_potential(r, "B")
    # +1 on the numerator 40 is +0.5 on c (20.5): c + 1.25, P2 + 0.625, index + 0.3125.
    assert p.at["c", "raw"] == 40.0 and p.at["c", "gain_per_unit"] == pytest.approx(0.3125)
