"""compindex.exchange: Excel workbooks in and out, COINr's iMeta/iData tables, and the CLI.

Workbooks are written in the tests with openpyxl itself (not with compindex's writer) where the
reader is under test, and read back with openpyxl where the writer is. The COINr checks read
iMeta/iData independently with pandas; the scoring checks compare with COINr's own results for
ASEM (../shared/reference/coinr_asem/, skipped when absent) and with a min-max / mean computed here.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex import analysis as an
from compindex import exchange as ex
from compindex.cli import main, read_data_csv

from _reference import ASEM

openpyxl = pytest.importorskip("openpyxl")

AGENCIES = {"i01": "Finance", "i02": "Finance", "i03": "Trade", "i04": "Trade", "i05": "Health", "i06": "Health",
            "i07": "Health", "i08": "Education", "i09": "Environment", "i10": "Environment", "i11": "", "i12": ""}


needs_asem = pytest.mark.skipif(not os.path.exists(os.path.join(ASEM, "iMeta.csv")), reason=f"no COINr ASEM tables in {ASEM}")


def book_from_frames(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """A workbook written with openpyxl directly: one sheet per table, the header in row 1, NaN
    as an empty cell, numbers as numbers."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        ws = wb.create_sheet(name)
        ws.append([str(c) for c in df.columns])
        for row in df.itertuples(index=False):
            ws.append([None if (isinstance(v, float) and np.isnan(v)) else v for v in row])
    wb.save(path)
    return path


@pytest.fixture
def meta_la(meta: pd.DataFrame) -> pd.DataFrame:
    out = meta.copy()
    out["lead_agency"] = [AGENCIES.get(c, "") for c in out["code"]]
    return out


@pytest.fixture
def book(tmp_path: Path, meta_la: pd.DataFrame, data: pd.DataFrame) -> Path:
    return book_from_frames(tmp_path / "index.xlsx", {"meta": meta_la.fillna(""), "data": data})


# -- reading a workbook -------------------------------------------------------------------------
def test_workbook_scores_exactly_as_the_csv_route(tmp_path: Path, book: Path, meta_la: pd.DataFrame, data: pd.DataFrame):
    meta_la.to_csv(tmp_path / "meta.csv", index=False)
    data.to_csv(tmp_path / "data.csv", index=False)
    fw_csv = ci.Framework.from_csv(tmp_path / "meta.csv")
    res_csv = ci.score(fw_csv, read_data_csv(str(tmp_path / "data.csv")), treatment="gii", imputation="mean")
    fw, table = ex.read_workbook(book)
    assert fw.codes == fw_csv.codes
    pd.testing.assert_series_equal(fw.weights, fw_csv.weights)
    pd.testing.assert_series_equal(fw.directions, fw_csv.directions)
    assert list(fw.column("lead_agency")) == list(fw_csv.column("lead_agency"))
    assert table["unit"].tolist() == data["unit"].tolist()
    assert table["i01"].dtype == np.float64 and not pd.api.types.is_numeric_dtype(table["region"])
    assert int(table["i02"].isna().sum()) == 1  # U03's missing cell is an empty cell, read as missing
    res = ci.score(fw, table, treatment="gii", imputation="mean")
    pd.testing.assert_frame_equal(res.scores, res_csv.scores, check_exact=True)
    pd.testing.assert_frame_equal(res.ranks, res_csv.ranks)
    assert list(res.groups["region"]) == list(res_csv.groups["region"])


def test_unit_codes_are_text(tmp_path: Path, framework: ci.Framework, data: pd.DataFrame):
    # Unit codes typed as numbers in Excel (1, 2, ...) come back as the text "1", "2", not "1.0".
    numeric = data.assign(unit=[float(k + 1) for k in range(len(data))])
    path = book_from_frames(tmp_path / "num.xlsx", {"data": numeric})
    table = ex.read_data_sheet(path)
    assert table["unit"].tolist() == [str(k + 1) for k in range(len(data))]
    res = ci.score(framework, table)
    assert list(res.units) == [str(k + 1) for k in range(len(data))]


def test_write_workbook_reads_back(tmp_path: Path, meta_la: pd.DataFrame, data: pd.DataFrame):
    fw = ci.Framework.from_frame(meta_la)
    fw.add_weight_set("alt", {"P1": 3.0})
    path = ex.write_workbook(fw, data, tmp_path / "w.xlsx")
    fw2, table = ex.read_workbook(path)
    assert fw2.codes == fw.codes and fw2.weight_sets == ["alt"]
    pd.testing.assert_series_equal(fw2.weight_set("alt"), fw.weight_set("alt"))
    pd.testing.assert_frame_equal(ci.score(fw2, table).scores, ci.score(fw, data).scores, check_exact=True)


# -- errors name the workbook, the sheet, the row and the column ----------------------------------
def test_unknown_sheet_lists_the_sheets(book: Path):
    with pytest.raises(ci.DataError, match=r"index\.xlsx: no sheet 'Data' \(sheets: 'meta', 'data'\)"):
        ex.read_workbook(book, data_sheet="Data")


def test_bad_cell_names_workbook_sheet_row_column(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  framework: ci.Framework, data: pd.DataFrame):
    bad = data.astype(object)
    bad.loc[4, "i03"] = "abc"  # data row 4 is Excel row 6 (the header is row 1)
    path = book_from_frames(tmp_path / "bad.xlsx", {"data": bad})
    table = ex.read_data_sheet(path)
    with pytest.raises(ci.DataError, match=r"bad\.xlsx, sheet 'data', row 6, column 'i03' \(unit 'U05'\): 'abc' is not a number"):
        ci.score(framework, table, source=f"{path}, sheet 'data'")
    # The CLI names them the same way.
    meta_path = tmp_path / "m.csv"
    framework.to_frame().drop(columns=["level", "effective_weight"]).reset_index().to_csv(meta_path, index=False)
    assert main(["score", "--framework", str(meta_path), "--data", str(path), "--out", str(tmp_path / "o.csv")]) == 2
    assert "bad.xlsx, sheet 'data', row 6, column 'i03' (unit 'U05'): 'abc' is not a number" in capsys.readouterr().err


def test_bad_meta_cell_names_the_excel_row(tmp_path: Path, meta: pd.DataFrame, data: pd.DataFrame):
    bad = meta.fillna("").astype(object)
    bad.loc[2, "weight"] = "heavy"  # metadata row 2 is Excel row 4
    path = book_from_frames(tmp_path / "m.xlsx", {"meta": bad, "data": data})
    with pytest.raises(ci.DataError, match=r"m\.xlsx, sheet 'meta', row 4, column 'weight': 'heavy' is not a number"):
        ex.read_meta_sheet(path)


def test_missing_unit_column_and_duplicate_header(tmp_path: Path, data: pd.DataFrame):
    path = book_from_frames(tmp_path / "nounit.xlsx", {"data": data.rename(columns={"unit": "country"})})
    with pytest.raises(ci.DataError, match=r"nounit\.xlsx, sheet 'data': no 'unit' column"):
        ex.read_data_sheet(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["unit", "i01", "i01"])
    ws.append(["A", 1, 2])
    wb.save(tmp_path / "dup.xlsx")
    with pytest.raises(ci.DataError, match=r"dup\.xlsx, sheet 'data': duplicate column 'i01' in the header \(columns B and C\)"):
        ex.read_data_sheet(tmp_path / "dup.xlsx")


def test_formula_without_saved_value_is_an_error(tmp_path: Path):
    # openpyxl saves formulas without computing them: such a cell has no value to read.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(["unit", "a"])
    ws.append(["A", 1.0])
    ws.append(["B", "=A2*2"])
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(ci.DataError, match=r"f\.xlsx, sheet 'data', row 3, column 'a': the formula '=A2\*2' has no saved value"):
        ex.read_data_sheet(tmp_path / "f.xlsx")


def test_not_a_workbook(tmp_path: Path):
    (tmp_path / "x.xlsx").write_text("unit,a\nA,1\n")
    with pytest.raises(ci.DataError, match=r"x\.xlsx: cannot read it as an \.xlsx workbook"):
        ex.read_data_sheet(tmp_path / "x.xlsx")
    with pytest.raises(ci.DataError, match=r"none\.xlsx: no such file"):
        ex.read_data_sheet(tmp_path / "none.xlsx")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ci.DataError, match=r"old\.xls: the old \.xls format is not read; save the workbook as \.xlsx"):
        read_data_csv(f"{tmp_path / 'old.xls'}:Sheet1")


def test_missing_openpyxl_names_the_extra(monkeypatch: pytest.MonkeyPatch, book: Path):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ImportError
    with pytest.raises(ex.MissingDependency, match=r"pip install compindex\[excel\]"):
        ex.read_workbook(book)
    with pytest.raises(ImportError):
        ex.read_workbook(book)


# -- the results workbook ---------------------------------------------------------------------------
def sheet_rows(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_results_workbook_contents(tmp_path: Path, meta_la: pd.DataFrame, data: pd.DataFrame):
    fw = ci.Framework.from_frame(meta_la)
    res = ci.score(fw, data, treatment="gii")
    path = ex.write_results(res, tmp_path / "r.xlsx", unit="U07", group="region")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["ranking", "scores", "ranks", "nodes", "method", "profile", "weakest", "weakest_by_group"]
    scores = wb["scores"]
    # Row 1: codes, row 2: names (the framework names its pillars), then one row per unit.
    assert [c.value for c in scores[1]][1:] == fw.codes
    assert [c.value for c in scores[2]][1:] == list(fw.names)
    assert scores["A1"].font.b and scores.freeze_panes == "B3"
    units = [scores.cell(row=r, column=1).value for r in range(3, 3 + len(res.units))]
    assert units == list(res.units)
    for r, unit in enumerate(res.units, start=3):
        for j, code in enumerate(fw.codes, start=2):
            v = scores.cell(row=r, column=j).value
            expected = res.scores.at[unit, code]
            assert (v is None and np.isnan(expected)) or v == expected  # exact: the same double
    ranks = wb["ranks"]
    root_col = fw.codes.index(fw.root) + 2
    assert [ranks.cell(row=r, column=root_col).value for r in range(3, 23)] == [int(x) for x in res.ranks[fw.root]]
    ranking = sheet_rows(wb["ranking"])
    assert ranking[0][:3] == ["unit", "rank", "score"]
    assert [r[0] for r in ranking[1:]] == list(res.ranking().index)
    # The profile of U07: one row per node, with its score and rank (and in its region).
    prof = pd.DataFrame(sheet_rows(wb["profile"])[1:], columns=sheet_rows(wb["profile"])[0]).set_index("code")
    assert list(prof.index) == fw.codes
    assert prof.at["Index", "score"] == res.scores.at["U07", "Index"]
    assert prof.at["Index", "rank"] == int(res.ranks.at["U07", "Index"])
    region = data.set_index("unit").at["U07", "region"]
    members = data.loc[data["region"] == region, "unit"]
    expect_group_rank = int((res.scores.loc[members, "Index"] > res.scores.at["U07", "Index"]).sum()) + 1
    assert prof.at["Index", "group_rank"] == expect_group_rank
    # The weakest indicators by lead agency: the agency whose worst indicator ranks worst comes first,
    # and within an agency the worst rank first (computed here from Result.ranks).
    weakest = pd.DataFrame(sheet_rows(wb["weakest"])[1:], columns=sheet_rows(wb["weakest"])[0])
    assert list(weakest.columns[:2]) == ["code", "lead_agency"]
    r07 = res.ranks.loc["U07", fw.indicators].astype(float)
    worst = {a: np.nanmax([r07[c] for c in fw.indicators if AGENCIES[c] == a]) for a in set(AGENCIES.values()) - {""}}
    order = list(dict.fromkeys(weakest["lead_agency"].dropna()))  # the agencies as the sheet lists them
    assert sorted(order) == sorted(worst)
    assert [worst[a] for a in order] == sorted(worst.values(), reverse=True)  # weakest agency first
    for a in order:  # contiguous blocks, worst rank first
        block = weakest[weakest["lead_agency"] == a]
        assert list(block.index) == list(range(block.index[0], block.index[0] + len(block)))
        ranked = block["rank"].dropna()
        assert list(ranked) == sorted(ranked, reverse=True)
        assert block["rank"].iloc[: len(ranked)].notna().all()  # a missing one (i05) after the ranked ones
    assert pd.isna(weakest["lead_agency"].iloc[-1])  # the indicators without an agency come last (empty cell)
    assert set(weakest["code"]) == set(fw.indicators)
    by_group = sheet_rows(wb["weakest_by_group"])
    assert by_group[0][0] == "lead_agency" and [r[0] for r in by_group[1:]] == order + ["(none)"]


def test_results_without_unit(tmp_path: Path, framework: ci.Framework, data: pd.DataFrame):
    res = ci.score(framework, data)
    names = {u: f"Unit {u}" for u in data["unit"]}
    wb = openpyxl.load_workbook(ex.write_results(res, tmp_path / "r.xlsx", names=names))
    assert wb.sheetnames == ["ranking", "scores", "ranks", "nodes", "method"]
    ranking = sheet_rows(wb["ranking"])
    assert ranking[0][:4] == ["unit", "name", "rank", "score"]
    assert [(r[0], r[1]) for r in ranking[1:]] == [(u, f"Unit {u}") for u in res.ranking().index]
    nodes = sheet_rows(wb["nodes"])
    assert nodes[0][:2] == ["code", "level"] and [r[0] for r in nodes[1:]] == framework.codes


# -- the formula guard ---------------------------------------------------------------------------------
HOSTILE = ['=HYPERLINK("http://example.com","click")', "+1+1", "-2+3", "@SUM(A1:A2)"]


def _formula_cells(path: Path) -> list[str]:
    # Any <f> element in any worksheet's XML is a formula.
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


def test_formula_text_is_written_as_text(tmp_path: Path, meta: pd.DataFrame, data: pd.DataFrame):
    hostile_meta = meta.copy()
    hostile_meta.loc[hostile_meta["code"] == "P1", "name"] = "=1+2"
    fw = ci.Framework.from_frame(hostile_meta)
    d = data.copy()
    d.loc[:3, "unit"] = HOSTILE
    d.loc[0, "region"] = "=cmd|'/C calc'!A0"
    res = ci.score(fw, d)
    path = ex.write_results(res, tmp_path / "r.xlsx", unit=HOSTILE[0], group="region")
    assert _formula_cells(path) == []
    wb = openpyxl.load_workbook(path)  # formulas would read back as data_type 'f'
    ws = wb["scores"]
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=1) for r in range(3, 23)}
    for text in HOSTILE:
        assert cells[text].data_type == "s" and cells[text].value == text
        assert cells[text].quotePrefix  # Excel keeps it text when the cell is edited
    p1 = [c for c in ws[2] if c.value == "=1+2"]
    assert len(p1) == 1 and p1[0].data_type == "s"
    ranking = wb["ranking"]
    region_col = [c.value for c in ranking[1]].index("region") + 1
    regions = [ranking.cell(row=r, column=region_col) for r in range(2, 22)]
    hostile_region = [c for c in regions if c.value == "=cmd|'/C calc'!A0"]
    assert len(hostile_region) == 1 and hostile_region[0].data_type == "s"
    # And through the writer of input workbooks, read back by compindex as the same text.
    book = ex.write_workbook(fw, d, tmp_path / "in.xlsx")
    assert _formula_cells(book) == []
    fw2, d2 = ex.read_workbook(book)
    assert d2["unit"].tolist()[:4] == HOSTILE and fw2.names["P1"] == "=1+2"


def test_numbers_are_not_touched_by_the_guard(tmp_path: Path, framework: ci.Framework, data: pd.DataFrame):
    d = data.copy()
    d["i01"] = -d["i01"]  # negative numbers stay numbers
    res = ci.score(framework, d)
    wb = openpyxl.load_workbook(ex.write_results(res, tmp_path / "r.xlsx"))
    c = wb["scores"].cell(row=3, column=2)
    assert c.data_type == "n" and c.value == res.scores.iat[0, 0]


# -- the CLI ---------------------------------------------------------------------------------------------
def test_cli_score_workbook_in_and_out(tmp_path: Path, capsys: pytest.CaptureFixture[str], book: Path,
                                       meta_la: pd.DataFrame, data: pd.DataFrame):
    out = tmp_path / "r.xlsx"
    assert main(["score", "--framework", str(book), "--data", str(book), "--out", str(out), "--treatment", "gii"]) == 0
    assert "wrote" in capsys.readouterr().out
    res = ci.score(ci.Framework.from_frame(meta_la), data, treatment="gii")
    ws = openpyxl.load_workbook(out)["scores"]
    got = np.array([[ws.cell(row=r, column=j).value for j in range(2, 2 + len(res.framework))] for r in range(3, 23)],
                   dtype=float)
    np.testing.assert_array_equal(got, res.scores.to_numpy())
    # book.xlsx:SHEET picks a sheet; CSV output from workbook input is the CSV route's.
    book_from_frames(tmp_path / "two.xlsx", {"M": meta_la.fillna(""), "D": data})
    assert main(["score", "--framework", f"{tmp_path / 'two.xlsx'}:M", "--data", f"{tmp_path / 'two.xlsx'}:D",
                 "--out", str(tmp_path / "o.csv"), "--treatment", "gii"]) == 0
    long = pd.read_csv(tmp_path / "o.csv", dtype={"unit": str, "code": str})
    expected = res.to_long()
    np.testing.assert_allclose(long["score"], expected["score"], rtol=1e-9)
    capsys.readouterr()
    assert main(["score", "--framework", f"{tmp_path / 'two.xlsx'}:nope", "--data", str(book),
                 "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "two.xlsx: no sheet 'nope' (sheets: 'M', 'D')" in err and "Traceback" not in err


def test_cli_weights_reads_and_writes_a_workbook(tmp_path: Path, book: Path, meta_la: pd.DataFrame):
    out = tmp_path / "w.csv"
    assert main(["weights", "--method", "equal", "--framework", str(book), "--out", str(out)]) == 0
    assert pd.read_csv(out)["code"].tolist()[:3] == ["Index", "P1", "P2"]
    # Weights derived from the data into a workbook's meta sheet, read back as a framework.
    out_book = tmp_path / "w.xlsx"
    assert main(["weights", "--method", "entropy", "--framework", str(book), "--data", str(book),
                 "--out", str(out_book), "--set", "ent"]) == 0
    fw = ex.read_meta_sheet(out_book)
    csv_out = tmp_path / "w2.csv"
    assert main(["weights", "--method", "entropy", "--framework", str(book), "--data", str(book),
                 "--out", str(csv_out), "--set", "ent"]) == 0
    from_csv = ci.Framework.from_csv(csv_out)
    assert fw.weight_sets == ["ent"] and list(fw.column("lead_agency")) == list(from_csv.column("lead_agency"))
    np.testing.assert_allclose(fw.weight_set("ent"), from_csv.weight_set("ent"), rtol=1e-11)  # the CSV keeps 12 digits


def test_cli_profile_reads_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str], meta_la: pd.DataFrame,
                                      data: pd.DataFrame):
    named = data.assign(name=[f"Unit {u}" for u in data["unit"]])
    path = book_from_frames(tmp_path / "p.xlsx", {"meta": meta_la.fillna(""), "data": named})
    assert main(["profile", "--framework", str(path), "--data", str(path), "--unit", "U07", "--by", "lead_agency",
                 "--no-plots"]) == 0
    text = capsys.readouterr().out
    res = ci.score(ci.Framework.from_frame(meta_la), data)
    assert "Unit U07" in text and f"{int(res.ranks.at['U07', 'Index'])}/20" in text


# -- COINr's tables --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def asem() -> ex.CoinrIndex:
    if not os.path.exists(os.path.join(ASEM, "iMeta.csv")):
        pytest.skip(f"no COINr ASEM tables in {ASEM}")
    return ex.read_coinr(os.path.join(ASEM, "iMeta.csv"), os.path.join(ASEM, "iData.csv"))


@needs_asem
def test_asem_read_matches_the_tables(asem: ex.CoinrIndex):
    imeta = pd.read_csv(os.path.join(ASEM, "iMeta.csv"))
    idata = pd.read_csv(os.path.join(ASEM, "iData.csv"), keep_default_na=True)
    nodes = imeta[imeta["Type"].isin(["Indicator", "Aggregate"])].set_index("iCode")
    fw = asem.framework
    assert len(fw) == len(nodes) == 60 and len(fw.indicators) == 49 and fw.root == "Index"
    assert fw.codes == list(nodes.index)
    assert set(fw.indicators) == set(nodes.index[nodes["Type"] == "Indicator"])
    np.testing.assert_array_equal(fw.weights[list(nodes.index)], nodes["Weight"].to_numpy(float))
    np.testing.assert_array_equal(fw.directions[list(nodes.index)], nodes["Direction"].to_numpy(int))
    assert dict(fw.parents) == {c: ("" if pd.isna(p) else p) for c, p in nodes["Parent"].items()}
    assert dict(fw.levels) == dict(nodes["Level"].astype(int))
    assert dict(fw.names) == dict(nodes["iName"])
    assert fw.column("coinr_denominator")["Flights"] == "Population" and fw.column("coinr_denominator")["LPI"] == ""
    assert fw.method_cells("denominator") == {}  # COINr denominates only when asked
    idata = idata.set_index("uCode")
    groups = list(imeta.loc[imeta["Type"] == "Group", "iCode"])
    dens = list(imeta.loc[imeta["Type"] == "Denominator", "iCode"])
    assert list(asem.groups.columns) == groups == ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]
    assert list(asem.denominators.columns) == dens == ["Area", "Energy", "GDP", "Population"]
    assert list(asem.data.index) == list(idata.index) and len(asem.data) == 51
    pd.testing.assert_frame_equal(asem.groups, idata[groups].rename_axis("unit").astype(object), check_dtype=False)
    np.testing.assert_array_equal(asem.denominators.to_numpy(), idata[dens].to_numpy(float))
    np.testing.assert_array_equal(asem.data.to_numpy(), idata[fw.indicators].to_numpy(float))  # NaN == NaN here
    assert int(asem.data.isna().sum().sum()) == 63
    assert asem.names["AUT"] == "Austria" and asem.time == 2018
    assert list(asem.columns.index) == groups + dens and set(asem.columns["Type"]) == {"Group", "Denominator"}


@needs_asem
def test_asem_scores_match_coinr(asem: ex.CoinrIndex):
    # COINr 1.1.14's default pipeline (the C++ suite coinr_asem's spec): GII-style treatment with
    # COINr's thresholds, min-max onto 0-100, weighted arithmetic mean of the available children.
    res = ci.score(asem.framework, asem.data, groups=asem.groups,
                   treatment="gii(skew_threshold=2, kurtosis_threshold=3.5, max_winsorized=5, fallback=coin_tool)")
    ref = pd.read_csv(os.path.join(ASEM, "aggregated.csv"), index_col=0)
    ours = res.scores.loc[ref.index, asem.framework.codes].to_numpy()
    theirs = ref[asem.framework.codes].to_numpy()
    assert (np.isnan(ours) == np.isnan(theirs)).all()
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)
    top = res.ranking().head(5)
    assert list(top.index) == ["DEU", "GBR", "FRA", "CHE", "NLD"]
    assert round(float(top["score"].iloc[0]), 2) == 78.98
    assert list(res.groups.columns) == list(asem.groups.columns)
    # CoinrIndex.score passes the groups too.
    pd.testing.assert_frame_equal(asem.score(treatment="gii(skew_threshold=2, kurtosis_threshold=3.5)").scores, res.scores)


@needs_asem
def test_asem_min_max_mean_computed_here(asem: ex.CoinrIndex):
    # Without treatment: x' = 100 (d x - min)/(max - min) with d the direction, then each aggregate
    # the weighted mean of its available children (all ASEM weights are 1).
    fw = asem.framework
    res = ci.score(fw, asem.data)
    x = asem.data * fw.directions[fw.indicators]
    norm = 100 * (x - x.min()) / (x.max() - x.min())
    scores = norm.copy()
    for code in sorted(fw.aggregates, key=fw.level_of):
        scores[code] = scores[fw.children(code)].mean(axis=1, skipna=True)
    np.testing.assert_allclose(res.scores[fw.codes].to_numpy(), scores[fw.codes].to_numpy(), rtol=0, atol=1e-10)


@needs_asem
def test_asem_round_trip(tmp_path: Path, asem: ex.CoinrIndex):
    imeta, idata = asem.write(tmp_path / "coin")
    back = ex.read_coinr(imeta, idata)
    pd.testing.assert_frame_equal(back.framework.to_frame(), asem.framework.to_frame())
    for name in ("data", "groups", "denominators", "other", "columns"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(asem, name), check_exact=True)
    pd.testing.assert_series_equal(back.names, asem.names)
    assert back.time == asem.time
    # The tables written are COINr's layout: the same columns, and the same iMeta cells.
    orig = pd.read_csv(os.path.join(ASEM, "iMeta.csv"), dtype=str, keep_default_na=False)
    mine = pd.read_csv(imeta, dtype=str, keep_default_na=False)
    assert list(mine.columns) == list(orig.columns)
    for col in ("Level", "iCode", "Parent", "Direction", "Weight", "Type", "Denominator", "iName"):
        assert list(mine[col]) == list(orig[col]), col
    assert list(pd.read_csv(idata, nrows=0).columns) == list(pd.read_csv(os.path.join(ASEM, "iData.csv"), nrows=0).columns)


@needs_asem
def test_asem_denominate(asem: ex.CoinrIndex):
    # With denominate=True iMeta's Denominator column divides: Flights / Population (COINr's Denominate()).
    d = ex.read_coinr(os.path.join(ASEM, "iMeta.csv"), os.path.join(ASEM, "iData.csv"), denominate=True)
    assert d.framework.method_cells("denominator")["Flights"] == "Population"
    with pytest.warns(ci.CompindexWarning, match="unit 'LAO' has no value of denominator 'Energy'"):
        res = d.score()
    raw = res.data("denominated")
    np.testing.assert_allclose(raw["Flights"], asem.data["Flights"] / asem.denominators["Population"], rtol=1e-15)
    np.testing.assert_array_equal(raw["LPI"], asem.data["LPI"])


def test_coinr_errors(tmp_path: Path):
    imeta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["a", "b", "Idx"], "Parent": ["Idx", "Idx", None],
                          "Direction": [1, -1, 1], "Weight": [1, 2, 1], "Type": ["Indicator", "Indicator", "Aggregate"]})
    idata = pd.DataFrame({"uCode": ["X", "Y", "Z"], "a": [1.0, 2.0, 4.0], "b": [3.0, 1.0, 2.0],
                          "Group_size": ["S", "L", "L"], "Den_pop": [10.0, 20.0, 5.0], "x_note": ["n", "", "m"]})
    idx = ex.read_coinr(imeta, idata)  # COINr 0.x prefixes: Group_, Den_, x_
    assert list(idx.groups.columns) == ["Group_size"] and list(idx.denominators.columns) == ["Den_pop"]
    assert idx.other["x_note"].tolist() == ["n", "", "m"] and idx.time is None
    # Hand check: a = 1 2 4 -> 0, 33.33, 100; b inverse (3 1 2) -> 0, 100, 50; Idx = (a + 2 b)/3.
    np.testing.assert_allclose(idx.score().index, [0.0, (100 / 3 + 200) / 3, (100 + 100) / 3])
    with pytest.raises(ci.DataError, match=r"column 'extra' is not described in iMeta"):
        ex.read_coinr(imeta, idata.assign(extra=1.0))
    with pytest.raises(ci.SpecError, match=r"row 3, column 'Level': node 'Idx' has Level 3 but sits at level 2"):
        ex.read_coinr(imeta.assign(Level=[1, 1, 3]), idata)
    with pytest.raises(ci.SpecError, match=r"row 2, column 'Type': 'Indicatr' is not one of"):
        ex.read_coinr(imeta.assign(Type=["Indicator", "Indicatr", "Aggregate"]), idata)
    panel = pd.concat([idata.assign(Time=2020), idata.assign(Time=2021)])
    with pytest.raises(ci.DataError, match=r"panel data \(Time takes 2 values: 2020, 2021\); pass time="):
        ex.read_coinr(imeta, panel)
    one = ex.read_coinr(imeta, panel, time=2021)
    assert one.time == 2021 and len(one.data) == 3
    bad = idata.astype(object)
    bad.loc[1, "a"] = "two"
    with pytest.raises(ci.DataError, match=r"iData, row 3, column 'a' \(unit 'Y'\): 'two' is not a number"):
        ex.read_coinr(imeta, bad)
    # A tree of mixed depth has no COINr form.
    fw = ci.Framework.from_frame(pd.DataFrame({"code": ["I", "P", "a", "b"], "parent": ["", "I", "P", "I"]}))
    with pytest.raises(ci.SpecError, match=r"node 'b' is at level 1 under 'I' at level 3"):
        ex.write_coinr(fw, pd.DataFrame({"a": [1.0], "b": [2.0]}, index=pd.Index(["u"], name="unit")), tmp_path)


@needs_asem
def test_cli_convert_from_and_to_coinr(tmp_path: Path, capsys: pytest.CaptureFixture[str], asem: ex.CoinrIndex):
    im, idd = os.path.join(ASEM, "iMeta.csv"), os.path.join(ASEM, "iData.csv")
    meta, data = tmp_path / "meta.csv", tmp_path / "data.csv"
    assert main(["convert", "--from-coinr", im, idd, "--out", str(meta), str(data)]) == 0
    assert "left out the denominator columns Area, Energy, GDP, Population" in capsys.readouterr().out
    out = tmp_path / "scores.csv"
    assert main(["score", "--framework", str(meta), "--data", str(data), "--out", str(out)]) == 0
    long = pd.read_csv(out, dtype={"unit": str, "code": str}).set_index(["unit", "code"])["score"]
    expected = asem.score().to_long().set_index(["unit", "code"])["score"]
    np.testing.assert_allclose(long.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-9)
    # One workbook, then back to COINr's tables.
    book = tmp_path / "asem.xlsx"
    assert main(["convert", "--from-coinr", im, idd, "--out", str(book)]) == 0
    assert main(["convert", "--to-coinr", str(book), str(book), "--out", str(tmp_path / "coin")]) == 0
    back = ex.read_coinr(tmp_path / "coin" / "iMeta.csv", tmp_path / "coin" / "iData.csv")
    pd.testing.assert_frame_equal(back.data, asem.data, check_exact=True)
    pd.testing.assert_frame_equal(back.groups, asem.groups)
    pd.testing.assert_series_equal(back.names, asem.names)
    assert back.framework.codes == asem.framework.codes
    pd.testing.assert_series_equal(back.framework.weights, asem.framework.weights)
    capsys.readouterr()
    assert main(["convert", "--from-coinr", im, str(tmp_path / "none.csv"), "--out", str(meta), str(data)]) == 2
    assert "none.csv: no such file" in capsys.readouterr().err
