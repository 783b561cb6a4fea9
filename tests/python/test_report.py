"""compindex.report and the CLI subcommands demo and profile, end to end."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex import _i18n, cli, datasets
from compindex import analysis as an
from compindex.report import SECTIONS, unit_report
from compindex.uncertainty import Normalization, Weights

from _pii_fixtures import pii_names, pii_result, small_data, small_meta, small_result


def test_unit_report_text_and_html() -> None:
    rep = unit_report(small_result(), "B", group="region", by="agency", names={"B": "Bravo"}, simulated=True,
                      robustness=False)
    text = rep.text()
    assert text.startswith("*" * 88) and "SIMULATED DATA" in text
    # B: index 25, 4th of 4, 2nd of 2 in X (see _pii_fixtures).
    assert rep.sentence() == "Bravo (B) scores 25.00 on the Small index, rank 4/4 nationally and 2/2 in X."
    assert rep.sentence() in " ".join(text.split("\n"))
    # What would lift B: rank 3 by a (-> 5, Finance), c (-> 50, Science) or d (-> 3, no agency);
    # rank 2 only by d at 0; rank 1 by none (see test_analysis).
    a = rep.actions
    assert a.attrs["targets"] == [3, 2, 1] and a.attrs["unreachable"] == [1]
    assert set(a.xs(3, level="target_rank").index) == {"a", "c", "d"}
    assert "No single indicator can lift Bravo (B) to rank 1" in " ".join(text.split())
    page = rep.html(plots=False)
    assert "Bravo (B)" in page and "simulated" in page.lower()
    assert page.count("class='banner'") == 2  # the SIMULATED banner at the top and the bottom
    assert "<h4>Finance</h4>" in page and "<h4>Science</h4>" in page and "(no lead agency named)" in page
    assert "<h3>Strengths (best ranks at any level)</h3>" in page and "<h3>Weaknesses (worst ranks at any level)</h3>" in page
    # Levels by name, never as numbers.
    assert ">pillar</td>" in page and ">indicator</td>" in page and ">index</td>" in page
    for line in text.splitlines():
        assert len(line) <= 88, line
    # Without by=, the actions are not grouped and no agency heading appears.
    plain = unit_report(small_result(), "B", robustness=False)
    assert "(no lead agency named)" not in plain.text() and "<h4>" not in plain.html(plots=False)
    assert "Grouped by the lead agency" not in plain.text() and "Grouped by the lead agency" in " ".join(text.split())


def test_levels_by_name_generic_and_from_metadata() -> None:
    assert an.level_names(small_result().framework).to_dict() == {
        "Index": "index", "P1": "pillar", "P2": "pillar", "a": "indicator", "b": "indicator", "c": "indicator",
        "d": "indicator"}
    lv = an.level_names(pii_result().framework)
    assert lv["PII"] == "index" and lv["IN"] == "sub-index" and lv["1"] == "pillar" and lv["1.1"] == "sub-pillar"
    assert (lv[pii_result().framework.indicators] == "indicator").all()


def test_placeholders_kept_out_of_strengths_and_actions() -> None:
    res = pii_result(2024)
    ph = an.unactionable(res.framework)
    assert len(ph) == 9 and all(".x" in c for c in ph)
    rep = unit_report(res, "92", group="region", by="lead_agency", names=pii_names(), robustness=False)
    assert not set(ph) & set(rep.profile.strengths.index)
    assert not set(ph) & set(rep.profile.weaknesses.index)
    assert not set(ph) & set(rep.actions.index.get_level_values("indicator"))
    # Without the column, a placeholder may well be a strength: the filter is what keeps it out.
    raw = an.unit_profile(res, "92", documented=None, top=60)
    assert set(ph) & set(raw.strengths.index)
    assert "9 indicators marked as placeholders (not publicly documented" in " ".join(rep.html(plots=False).split())


def test_lift_actions_bounded_and_grouped() -> None:
    res = pii_result(2024)
    a = an.lift_actions(res, "92", 3, by="lead_agency")
    assert a.attrs["rank"] == 7 and a.attrs["targets"] == [6, 5, 4]
    raw = res.data("raw")
    for (target, code), r in a.iterrows():
        d = int(res.framework.directions[code])
        best = raw[code].max() if d > 0 else raw[code].min()
        assert r["best_value"] == best and (best - r["value"]) * d >= 0  # never beyond the best observed value
        assert r["rank_at_value"] <= target
        assert r["group"] == r["lead_agency"]
    # Each unreachable target has no row, each reachable one has some.
    got = set(a.index.get_level_values("target_rank"))
    assert got | set(a.attrs["unreachable"]) == {6, 5, 4} and not got & set(a.attrs["unreachable"])


def test_robustness_equals_the_uncertainty_analysis() -> None:
    res = pii_result(2024)
    rep = unit_report(res, "92", group="region", names=pii_names(), replications=800, seed=3, targets=1)
    ua = ci.uncertainty_analysis(res.framework, res.data("raw"), [Weights(spread=0.25), Normalization(["min_max", "z_score"])],
                                 n=800, seed=3, groups=res.groups, treatment="gii")
    s = ua.summary.loc["92"]
    rb = rep.robustness
    assert rb is not None and rb["n"] == 800 and rb["rank"] == 7
    assert (rb["p05"], rb["p95"]) == (int(s["p05_rank"]), int(s["p95_rank"]))
    assert rep.robustness_sentence() == (f"Rank 7; between {int(s['p05_rank'])} and {int(s['p95_rank'])} "
                                         "in 90 % of the plausible alternatives.")
    assert "800 replications" in rep.robustness_how() and "±25 %" in rep.robustness_how()
    # Same seed, same report; the unit is among its neighbours.
    again = unit_report(res, "92", group="region", replications=800, seed=3, targets=1)
    assert again.robustness is not None and again.robustness["neighbours"].equals(rb["neighbours"])
    assert "92" in rb["neighbours"].index and len(rb["neighbours"]) == 11


def test_sentence_numbers_equal_the_result() -> None:
    res = pii_result(2024)
    rep = unit_report(res, "92", group="region", names=pii_names(), robustness=False, targets=1)
    score = res.scores.at["92", "PII"]
    rank = int(res.ranks.at["92", "PII"])
    grank = int(res.group_ranks("region").at["92", "PII"])
    assert rep.sentence().startswith(f"Can Tho (92) scores {score:.2f} on the Provincial Innovation Index, "
                                     f"rank {rank}/63 nationally and {grank}/13 in Mekong Delta")


# English labels that must not appear in the Vietnamese page, and the reverse.
_EN = ["Summary", "Ranking", "How robust", "Strengths", "Weaknesses", "What would lift", "Method", "score", "rank",
       "lead agency", "replications", "placeholder", "sub-pillar", "indicator", "pillar", "national", "leader"]
_VI = ["Tóm tắt", "Điểm mạnh", "Điểm yếu", "Phương pháp", "chỉ tiêu", "trụ cột", "hạng", "cơ quan chủ trì", "mô phỏng"]


def _visible(page: str) -> str:
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_vietnamese_report_has_no_english_label() -> None:
    res = pii_result(2024)
    prov = datasets.load_pii_provinces()
    rep = unit_report(res, "92", group="region", by="lead_agency", names=prov["name_vi"].to_dict(), simulated=True,
                      lang="vi", group_names=dict(zip(prov["region"], prov["region_vi"])), replications=300)
    page = rep.html()
    assert "<html lang='vi'>" in page
    assert "Cần Thơ (92) đạt " in rep.sentence() and "Đồng bằng sông Cửu Long" in rep.sentence()
    score = res.scores.at["92", "PII"]
    assert f"{score:.2f}".replace(".", ",") in rep.sentence()  # decimal comma: 56,50
    assert "Hạng 7; nằm trong khoảng từ" in rep.robustness_sentence()
    assert "Thể chế" in page  # pillar 1 by its name_vi
    # Agency names and codes are data; drop them before looking for English words.
    visible = _visible(page)
    for agency in res.framework.meta["lead_agency"].dropna().unique():
        visible = visible.replace(str(agency), " ")
    for word in _EN:
        assert not re.search(rf"\b{re.escape(word)}\b", visible, flags=re.I), word
    for heading in rep.section_headings():
        assert f">{heading}</h2>" in page
    text = rep.text()
    for word in ["Strengths", "Weaknesses", "What would lift", "rank in"]:
        assert word not in text


def test_english_report_has_no_vietnamese_label() -> None:
    rep = unit_report(pii_result(2024), "92", group="region", by="lead_agency", names=pii_names(), replications=300)
    visible = _visible(rep.html())
    for word in _VI:
        assert word not in visible, word
    assert [rep.t("sec_" + k) for k in SECTIONS if k != "change"] == rep.section_headings()


def test_numbers_in_the_readers_convention() -> None:
    assert _i18n.num(1234.5678, "en") == "1,234.57" and _i18n.num(1234.5678, "vi") == "1.234,57"
    assert _i18n.num(49.37, "vi") == "49,37" and _i18n.num(-0.5, "vi", 1, sign=True) == "-0,5"
    assert _i18n.num(np.nan, "en") == "n/a" and _i18n.level_term("sub-pillar", "vi") == "tiểu trụ cột"
    assert set(_i18n.LABELS) and all(set(v) == {"en", "vi"} for v in _i18n.LABELS.values())
    with pytest.raises(ci.SpecError, match="unknown report language 'fr'"):
        unit_report(small_result(), "B", lang="fr")


def test_unit_report_without_simulated_label(tmp_path: Path) -> None:
    rep = unit_report(small_result(), "D", targets=2, replications=200)
    assert "ranked first: no rank above" in rep.text()
    assert "SIMULATED" not in rep.text()
    out = rep.write(tmp_path / "d.html")
    page = out.read_text(encoding="utf-8")
    assert "simulated" not in page.lower()
    assert page.count("<svg") == 2  # the pillar chart and the rank intervals, inline
    assert "<img" not in page and "<pre" not in page


def test_method_section_names_what_was_done() -> None:
    rep = unit_report(pii_result(2024), "92", robustness=False, targets=1)
    notes = " ".join(rep.method_notes())
    assert "min-max, to the range 0 to 100" in notes and "4.1.2" in notes
    assert "sub-pillar: arithmetic mean" in notes and "index: arithmetic mean" in notes
    tr = pii_result(2024).treatment
    for code in tr.index[tr["action"] == "winsorized"]:
        assert code in notes
    assert "0 of 3,276 cells imputed" in notes  # 63 x 52
    assert "nominal weights (all equal within each parent)" in notes


def test_demo_cli_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.html"
    assert cli.main(["demo", "--out", str(out), "--replications", "300"]) == 0
    printed = capsys.readouterr()
    text = printed.out
    assert "SIMULATED DATA" in text
    assert "National ranking (top 10 and Can Tho (92))" in text
    assert "Mekong Delta (13 units)" in text
    assert "WHAT WOULD LIFT IT" in text and "To rank 6" in text
    assert "HOW ROBUST IS THE RANK" in text and "300 replications" in text
    assert "since 2023:" in text
    assert "Department of Agriculture and Environment (DAE):" in text  # an action group by lead agency
    assert printed.err == ""
    page = out.read_text(encoding="utf-8")
    assert "Can Tho (92)" in page and "SIMULATED" in page
    for line in text.splitlines():
        assert len(line) <= 88 or line.startswith("Report written to"), line  # a long path is not wrapped
    assert cli.main(["demo", "--lang", "vi", "--out", str(tmp_path / "vi.html"), "--no-robustness"]) == 0
    vi = capsys.readouterr().out
    assert "Cần Thơ (92) đạt" in vi and "DỮ LIỆU MÔ PHỎNG" in vi and "Không tính" in vi


def test_demo_cli_other_unit_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--unit", "01", "--year", "2023", "--out", str(tmp_path / "hn.html"), "--no-plots",
                     "--no-robustness"]) == 0
    text = capsys.readouterr().out
    assert "Ha Noi (01)" in text and "no rank above to reach" in text and "since" not in text
    assert cli.main(["demo", "--unit", "99"]) == 2
    assert "no province with code '99'" in capsys.readouterr().err
    assert cli.main(["demo", "--year", "2030"]) == 2
    assert "no simulated data for 2030" in capsys.readouterr().err


def test_profile_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta, data, out = tmp_path / "meta.csv", tmp_path / "data.csv", tmp_path / "b.html"
    small_meta().to_csv(meta, index=False)
    d = small_data().reset_index()
    d.insert(1, "name", ["Alpha", "Bravo", "Charlie", "Delta"])
    d.to_csv(data, index=False)
    argv = ["profile", "--framework", str(meta), "--data", str(data), "--unit", "B", "--group", "region",
            "--by", "agency", "--no-robustness", "--out", str(out)]
    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    assert "Bravo (B) scores 25.00 on the Small index, rank 4/4 nationally and 2/2 in X." in text
    assert "SIMULATED" not in text
    assert "Bravo (B)" in out.read_text(encoding="utf-8")
    assert cli.main(argv[:-2] + ["--unit", "Q"]) == 2
    assert "'Q' is not among the 4 scored units" in capsys.readouterr().err
    # Errors name the data file; an unwritable report names the output.
    bad = d.astype(object)
    bad.loc[1, "a"] = "1,5"
    bad.to_csv(data, index=False)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert str(data) in err and "decimal comma" in err
    d.to_csv(data, index=False)
    assert cli.main(argv[:-1] + [str(tmp_path / "missing" / "b.html")]) == 2
    assert "missing/b.html: cannot write the report" in capsys.readouterr().err
    assert cli.main(argv[:-2] + ["--lang", "vi"]) == 0
    assert "Bravo (B) đạt 25,00 điểm Small index, xếp hạng 4/4 cả nước và 2/2 trong X." in capsys.readouterr().out


def test_profile_cli_with_years(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta, data = tmp_path / "meta.csv", tmp_path / "data.csv"
    small_meta().to_csv(meta, index=False)
    y23 = small_data().assign(year=2023)
    y24 = small_data().assign(year=2024)
    y24["a"] += 10.0
    pd.concat([y23, y24]).reset_index().to_csv(data, index=False)
    assert cli.main(["profile", "--framework", str(meta), "--data", str(data), "--unit", "B", "--no-robustness"]) == 0
    text = capsys.readouterr().out
    # 2024 is profiled; the pooled change of the index is 125/7 = 17.86 (see test_analysis), rank 4 both years.
    assert "Small index, 2024: B" in text
    assert "since 2023: +17.86 points (on the two years' common scale) and the same rank." in " ".join(text.split())


def test_profile_cli_labels_the_demo_file_as_simulated(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["profile", "--framework", str(datasets.DATA_DIR / "framework.csv"),
            "--data", str(datasets.DATA_DIR / "demo_data.csv"), "--unit", "92", "--treatment", "gii", "--targets", "1",
            "--no-robustness"]
    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    assert text.count("SIMULATED DATA") == 2
    assert "(SIMULATED data)" in text


def test_lift_actions_by_hand_with_a_placeholder() -> None:
    # B (rank 4): to rank 3 by a -> 5 (Finance), c -> 50 (Science) or d -> 3 (no agency); to rank 2
    # only by d -> 0 (see test_analysis.test_improvement_to_rank_by_hand). Groups: Finance and
    # Science (one action each, by name), the unnamed agency last.
    a = an.lift_actions(small_result(), "B", 2, by="agency")
    assert list(a.index) == [(3, "a"), (3, "c"), (3, "d"), (2, "d")]
    assert a["value"].tolist() == pytest.approx([5.0, 50.0, 3.0, 0.0], abs=1e-5)
    assert a["group"].tolist() == ["Finance", "Science", "", ""]
    assert a.attrs["unreachable"] == [] and a.attrs["excluded"] == []
    # Mark d as a placeholder: it leaves the actions, so rank 2 becomes unreachable.
    meta = small_meta().assign(documented=["yes", "yes", "yes", "yes", "yes", "yes", "no"])
    res = ci.score(ci.Framework.from_frame(meta), small_data())
    b = an.lift_actions(res, "B", 2, by="agency")
    assert list(b.index) == [(3, "a"), (3, "c")] and b.attrs["unreachable"] == [2] and b.attrs["excluded"] == ["d"]
    assert an.unactionable(res.framework, "documented") == ["d"] and an.unactionable(res.framework, None) == []
    p = an.unit_profile(res, "B", top=10)
    assert "d" not in p.strengths.index and "d" not in p.weaknesses.index and not p.table.at["d", "actionable"]
    with pytest.raises(ci.SpecError, match="targets must be a count"):
        an.lift_actions(res, "B", -1)


def test_report_of_a_unit_without_a_score() -> None:
    data = small_data()
    data.loc["B", ["a", "b", "c", "d"]] = np.nan
    with pytest.warns(ci.CompindexWarning):
        res = ci.score(ci.Framework.from_frame(small_meta()), data)
    rep = unit_report(res, "B", group="region", by="agency")
    assert rep.sentence() == "B has no score on the Small index, so no rank."
    assert rep.robustness is None and rep.robustness_sentence() == "Not computed: B has no rank."
    assert rep.profile.strengths.empty and rep.profile.weaknesses.empty
    text = rep.text()
    assert "ranked first" not in text and ">  n/a  B" in text
    assert "B has no score" in rep.html()
