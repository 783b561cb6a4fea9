"""Files as people make them (docs/robustness.md, "Files as people make them").

Each variant of one index (Vietnamese names, decimals) is written as bytes the way a spreadsheet
or an editor writes it, read through the Python API (compindex.read_csv + Framework.from_csv +
score) and through ``compindex score``, and must give exactly the result of the plain UTF-8 file;
or a one-line error that says what to do.
"""

from __future__ import annotations

import contextlib
import io
import sys
import unicodedata
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex._reading import parse_number
from compindex.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bad_inputs as bi  # noqa: E402

META = bi.table("code,parent,weight,direction,name,name_vi", [
    "Index,,1,1,Index,Chỉ số tổng hợp",
    "P1,Index,1,1,Economy,Kinh tế",
    "P2,Index,1,1,Society,Xã hội",
    "Đắk Lắk,P1,1,1,Coffee,Cà phê Đắk Lắk",
    "i2,P1,0.5,-1,Poverty,Tỷ lệ hộ nghèo",
    "i3,P2,1,1,Health,Y tế",
    "i4,P2,1,1,Education,Giáo dục",
])
DATA = bi.table("unit,region,Đắk Lắk,i2,i3,i4", [
    "Thành phố Hồ Chí Minh,Đông Nam Bộ,1.5,10.25,5,2",
    "Bà Rịa – Vũng Tàu,Đông Nam Bộ,2.5,20.75,6,4",
    "Đắk Lắk,Tây Nguyên,3.5,15.5,7,8",
    "Hà Nội,Đồng bằng sông Hồng,4.5,25,9,16.125",
])
UNITS = ["Thành phố Hồ Chí Minh", "Bà Rịa – Vũng Tàu", "Đắk Lắk", "Hà Nội"]

#: A variant: (name, how to turn the text into the file's bytes, compindex.read_csv keywords).
Variant = tuple[str, Callable[[str], bytes], dict[str, Any]]


def semicolons(text: str) -> str:
    # Excel where the decimal mark is a comma: ';' between cells, ',' in numbers.
    return text.replace(",", ";").replace(".", ",")


def with_trailing_separators(text: str) -> str:
    lines = text.rstrip("\n").split("\n")
    empty_row = "," * (lines[0].count(",") + 2)
    return "\n".join(line + ",," for line in lines) + "\n" + empty_row + "\n\n"


def with_header_spaces(text: str) -> str:
    header, rest = text.split("\n", 1)
    return ",".join(f" {name}\u00a0 " for name in header.split(",")) + "\n" + rest


VARIANTS: list[Variant] = [
    ("utf-8-sig", lambda t: t.encode("utf-8-sig"), {}),
    ("utf-16", lambda t: t.encode("utf-16"), {}),  # with its byte-order mark (LE on this machine)
    ("utf-16-be-bom", lambda t: b"\xfe\xff" + t.encode("utf-16-be"), {}),
    ("utf-16-le-no-bom", lambda t: t.encode("utf-16-le"), {"encoding": "utf-16-le"}),
    ("cp1258", lambda t: bi.encode(t, "cp1258"), {"encoding": "cp1258"}),
    ("semicolon-decimal-comma", lambda t: semicolons(t).encode(), {}),
    ("semicolon-decimal-comma-utf-8-sig-crlf", lambda t: semicolons(t).replace("\n", "\r\n").encode("utf-8-sig"), {}),
    ("semicolon-decimal-point", lambda t: t.replace(",", ";").encode(), {"decimal": "."}),
    ("tab-utf-16", lambda t: t.replace(",", "\t").encode("utf-16"), {}),  # Excel's "Unicode Text"
    ("crlf", lambda t: t.replace("\n", "\r\n").encode(), {}),
    ("lone-cr", lambda t: t.replace("\n", "\r").encode(), {}),
    ("header-spaces", lambda t: with_header_spaces(t).encode(), {}),
    ("trailing-separators-and-rows", lambda t: with_trailing_separators(t).encode(), {}),
]


def write(tmp: Path, name: str, meta: bytes, data: bytes) -> tuple[Path, Path]:
    d = tmp / name
    d.mkdir()
    (d / "meta.csv").write_bytes(meta)
    (d / "data.csv").write_bytes(data)
    return d / "meta.csv", d / "data.csv"


def score_api(meta: Path, data: Path, **read: Any) -> pd.DataFrame:
    fw = ci.Framework.from_csv(meta, **read)
    return ci.score(fw, ci.read_csv(data, **read)).to_long()


def cli(*args: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def read_options(read: dict[str, Any]) -> list[str]:
    return [x for k, v in read.items() for x in (f"--{k}", v)]


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, bytes]:
    """The plain UTF-8 files' result, through the API and (as the output file's bytes) the CLI."""
    tmp = tmp_path_factory.mktemp("plain")
    meta, data = write(tmp, "plain", META.encode(), DATA.encode())
    status, _, err = cli("score", "--framework", meta, "--data", data, "--out", tmp / "out.csv")
    assert status == 0, err
    return score_api(meta, data), (tmp / "out.csv").read_bytes()


def test_plain_result_by_hand(plain: tuple[pd.DataFrame, bytes]) -> None:
    long, _ = plain
    got = long.set_index(["unit", "code"])["score"]
    # min-max onto 0..100: Đắk Lắk 1.5..4.5 -> HCMC 0, BR-VT 33.33, ĐL 66.67, HN 100;
    # i2 10.25..25, lower is better -> HCMC 100, BR-VT (25-20.75)/14.75*100 = 28.8136, ĐL 64.4068, HN 0.
    # P1 = (1 * Đắk Lắk + 0.5 * i2) / 1.5: HCMC (0 + 50) / 1.5 = 33.3333.
    assert got[("Thành phố Hồ Chí Minh", "P1")] == pytest.approx(100 / 3)
    assert got[("Bà Rịa – Vũng Tàu", "i2")] == pytest.approx(4.25 / 14.75 * 100)
    assert got[("Bà Rịa – Vũng Tàu", "P1")] == pytest.approx((100 / 3 + 0.5 * 4.25 / 14.75 * 100) / 1.5)
    assert list(dict.fromkeys(long["unit"])) == UNITS


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v[0])
def test_variant_scores_as_the_plain_file(variant: Variant, plain: tuple[pd.DataFrame, bytes], tmp_path: Path) -> None:
    name, to_bytes, read = variant
    meta, data = write(tmp_path, name, to_bytes(META), to_bytes(DATA))
    expected, expected_bytes = plain
    # Python API: identical table (names exactly, scores bit for bit, ranks).
    got = score_api(meta, data, **read)
    pd.testing.assert_frame_equal(got, expected)
    # Command line: the identical output file.
    out = tmp_path / "out.csv"
    status, _, err = cli("score", "--framework", meta, "--data", data, "--out", out, *read_options(read))
    assert status == 0, err
    assert err == ""
    assert out.read_bytes() == expected_bytes


def test_cp1252_file_with_its_encoding(tmp_path: Path) -> None:
    # Western European Windows: accented Latin letters in units and names.
    meta_text = bi.with_column("name", {"i1": "Qualité de l'air", "i2": "Größe"})
    data_text = bi.DATA.replace("u1,", "Zürich,").replace("u2,", "São Paulo,").replace("u3,", "Bogotá,")
    meta_p, data_p = write(tmp_path, "plain", meta_text.encode(), data_text.encode())
    meta_w, data_w = write(tmp_path, "cp1252", meta_text.encode("cp1252"), data_text.encode("cp1252"))
    expected = score_api(meta_p, data_p)
    pd.testing.assert_frame_equal(score_api(meta_w, data_w, encoding="cp1252"), expected)
    with pytest.raises(ci.DataError) as e:
        score_api(meta_w, data_w)
    raw = meta_w.read_bytes()
    first = next(i for i, b in enumerate(raw) if b >= 0x80)  # the first byte that is not ASCII
    line = raw[:first].count(b"\n") + 1
    assert f"meta.csv: byte {first} (line {line}) is not UTF-8 (0x{raw[first]:02X})" in str(e.value)
    assert "'cp1252' (Western European Windows)" in str(e.value)


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252"])
def test_code_page_file_without_encoding_is_one_line_on_the_cli(encoding: str, tmp_path: Path) -> None:
    text = DATA if encoding == "cp1258" else bi.DATA.replace("u1,", "Zürich,")
    meta, data = write(tmp_path, encoding, META.encode(), bi.encode(text, encoding))
    status, out, err = cli("score", "--framework", meta, "--data", data, "--out", tmp_path / "o.csv")
    raw = data.read_bytes()
    first = next(i for i, b in enumerate(raw) if b >= 0x80)
    line = raw[:first].count(b"\n") + 1
    assert status == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"compindex: error: {data}: byte {first} (line {line}) "
                               "is not UTF-8")
    assert "--encoding cp1258" in lines[0]
    assert not (tmp_path / "o.csv").exists()


def test_one_encoding_option_serves_a_utf8_metadata_and_a_cp1258_data_file(tmp_path: Path,
                                                                            plain: tuple[pd.DataFrame, bytes]) -> None:
    meta, data = write(tmp_path, "mixed", META.encode(), bi.encode(DATA, "cp1258"))
    pd.testing.assert_frame_equal(score_api(meta, data, encoding="cp1258"), plain[0])


def test_cp1258_bytes_really_hold_combining_tone_marks() -> None:
    # The test's cp1258 writer is faithful to the code page: 'ồ' is 'ô' (0xF4) + combining grave (0xCC).
    assert bi.encode("Hồ", "cp1258") == b"H\xf4\xcc"
    assert bi.encode("Hồ", "cp1258").decode("cp1258") != "Hồ"  # so the reader must normalize to NFC


def test_names_are_kept_exactly_and_columns_matched_after_nfc(tmp_path: Path, plain: tuple[pd.DataFrame, bytes]) -> None:
    # A data file written in NFD (letters + combining marks), as macOS file names and some editors do.
    nfd = unicodedata.normalize("NFD", DATA)
    assert nfd != DATA
    meta, data = write(tmp_path, "nfd", META.encode(), nfd.encode())
    got = score_api(meta, data)
    expected = plain[0]
    # The indicator column matched the framework's code 'Đắk Lắk' (NFC); codes are the framework's.
    assert got["code"].tolist() == expected["code"].tolist()
    # Unit names are kept exactly as written (NFD), and score the same.
    assert got["unit"].tolist() == [unicodedata.normalize("NFD", u) for u in expected["unit"]]
    np.testing.assert_array_equal(got["score"].to_numpy(), expected["score"].to_numpy())


def test_semicolon_detection_is_overridable(tmp_path: Path) -> None:
    # A ';' file with decimal points: auto-detection reads decimal commas and says which option to give.
    meta, data = write(tmp_path, "semi", META.replace(",", ";").encode(), DATA.replace(",", ";").encode())
    with pytest.raises(ci.DataError, match=r"'0\.5' has the decimal mark '\.', but the file is read with decimal ','; "
                                           r"read it with --decimal \."):
        score_api(meta, data)
    status, _, err = cli("score", "--framework", meta, "--data", data, "--out", tmp_path / "o.csv")
    assert status == 2 and len(err.strip().splitlines()) == 1 and "--decimal ." in err
    status, _, err = cli("score", "--framework", meta, "--data", data, "--out", tmp_path / "o.csv", "--decimal", ".")
    assert status == 0, err
    # And --sep forces the separator: read as ',' the header is one column named 'code;parent;...'.
    status, _, err = cli("score", "--framework", meta, "--data", data, "--out", tmp_path / "o.csv", "--sep", ",")
    assert status == 2 and "no 'code' column" in err and "--sep ';'" in err


def test_thousands_separators_need_the_option(tmp_path: Path) -> None:
    text = semicolons(DATA).replace("16,125", "1.016,125")
    meta, data = write(tmp_path, "thousands", semicolons(META).encode(), text.encode())
    with pytest.raises(ci.DataError, match=r"row 5, column 'i4' \(unit 'Hà Nội'\): '1\.016,125' has '\.' between "
                                           r"thousands, but the file is read with decimal ','; read it with --thousands \."):
        score_api(meta, data)
    table = ci.read_csv(data, thousands=".")
    res = ci.score(ci.Framework.from_csv(meta), table)
    assert res.data("raw").loc["Hà Nội", "i4"] == 1016.125


def test_comma_file_with_european_number_suggests_the_options(tmp_path: Path) -> None:
    text = DATA.replace("16.125", '"1.016,125"')
    meta, data = write(tmp_path, "eu", META.encode(), text.encode())
    status, _, err = cli("score", "--framework", meta, "--data", data, "--out", tmp_path / "o.csv")
    assert status == 2
    assert err.strip() == (f"compindex: error: {data}, row 5, column 'i4' (unit 'Hà Nội'): '1.016,125' uses a decimal "
                           "comma and dots between thousands; write 1016.125 (or read the file with --decimal , "
                           "--thousands .)")


@pytest.mark.parametrize(("text", "decimal", "thousands", "value"), [
    ("1,5", ",", None, 1.5),
    ("-,5", ",", None, -0.5),
    ("1,5e3", ",", None, 1500.0),
    ("12", ",", None, 12.0),
    ("1.234,5", ",", ".", 1234.5),
    ("1.234.567", ",", ".", 1234567.0),
    ("1\u202f234,5", ",", " ", 1234.5),  # narrow no-break space (French)
    ("1\u00a0234,5", ",", " ", 1234.5),
    ("1,234.5", ".", ",", 1234.5),
    ("\u00a0 7.25\u00a0", ".", None, 7.25),
])
def test_parse_number_under_a_format(text: str, decimal: str, thousands: str | None, value: float) -> None:
    assert parse_number(text, decimal, thousands) == value


@pytest.mark.parametrize(("text", "decimal", "thousands"), [
    ("1.5", ",", None), ("1.23", ",", "."), ("12,34", ".", ","), ("1.2.3", ",", "."), ("1 234", ".", None),
    ("abc", ",", None),
])
def test_parse_number_refuses(text: str, decimal: str, thousands: str | None) -> None:
    with pytest.raises(ValueError):
        parse_number(text, decimal, thousands)


def test_unsupported_reading_options_are_errors(tmp_path: Path) -> None:
    meta, data = write(tmp_path, "opts", META.encode(), DATA.encode())
    with pytest.raises(ci.DataError, match="decimal must be"):
        ci.read_csv(data, decimal=";")
    with pytest.raises(ci.DataError, match="thousands must"):
        ci.read_csv(data, decimal=",", thousands=",")
    with pytest.raises(ci.DataError, match="unknown encoding 'latin-9000'"):
        ci.read_csv(data, encoding="latin-9000")
    with pytest.raises(ci.DataError, match="no such file"):
        ci.read_csv(tmp_path / "absent.csv")


def test_read_csv_keeps_text_and_records_the_format(tmp_path: Path) -> None:
    _, data = write(tmp_path, "semi", b"", semicolons(DATA).encode("utf-8-sig"))
    table = ci.read_csv(data)
    assert list(table.columns) == ["unit", "region", "Đắk Lắk", "i2", "i3", "i4"]
    assert table["Đắk Lắk"].tolist() == ["1,5", "2,5", "3,5", "4,5"]  # text; converted when scored
    assert table.attrs["compindex.numbers"] == (",", None)
    assert table.attrs["compindex.source"] == str(data)


def test_vietnamese_names_through_score_csv_report_and_excel(tmp_path: Path) -> None:
    # cp1258 files from Vietnamese Windows, semicolons and decimal commas: the names must reach
    # the output CSV, the Vietnamese HTML report and the results workbook exactly (NFC).
    meta, data = write(tmp_path, "vi", bi.encode(semicolons(META), "cp1258"), bi.encode(semicolons(DATA), "cp1258"))
    enc = ("--encoding", "cp1258")
    out = tmp_path / "out.csv"
    status, _, err = cli("score", "--framework", meta, "--data", data, "--out", out, *enc)
    assert status == 0, err
    written = out.read_text(encoding="utf-8")
    for name in UNITS + ["Đắk Lắk"]:
        assert name in written
    report = tmp_path / "report.html"
    status, _, err = cli("profile", "--framework", meta, "--data", data, "--unit", "Bà Rịa – Vũng Tàu", "--lang", "vi",
                         "--out", report, "--no-plots", "--no-robustness", *enc)
    assert status == 0, err
    html = report.read_text(encoding="utf-8")
    for text in ["Bà Rịa – Vũng Tàu", "Thành phố Hồ Chí Minh", "Cà phê Đắk Lắk", "Tỷ lệ hộ nghèo"]:
        assert text in html, text
    pytest.importorskip("openpyxl")
    import openpyxl

    book = tmp_path / "results.xlsx"
    status, _, err = cli("score", "--framework", meta, "--data", data, "--out", book, *enc)
    assert status == 0, err
    wb = openpyxl.load_workbook(book, read_only=True)
    cells = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    for name in UNITS + ["Đắk Lắk", "Cà phê Đắk Lắk"]:
        assert name in cells, name


def test_cli_help_lists_the_reading_options() -> None:
    from compindex.cli import build_parser

    text = build_parser()._subparsers._group_actions[0].choices["score"].format_help()  # type: ignore[union-attr]
    flat = " ".join(text.split())
    for option in ("--encoding CODEC", "--sep CHAR", "--decimal CHAR", "--thousands CHAR"):
        assert option in flat
    assert "default: UTF-8" in flat and "default: ',' for a ';'-separated file" in flat


def test_convert_to_coinr_reads_decimal_commas_and_keeps_names(tmp_path: Path) -> None:
    # cp1258, ';' and decimal commas into COINr's tables: the numbers are read with the file's
    # format (before, "1,5" became NA silently) and every name is kept.
    meta, data = write(tmp_path, "vi", bi.encode(semicolons(META), "cp1258"), bi.encode(semicolons(DATA), "cp1258"))
    status, _, err = cli("convert", "--to-coinr", meta, data, "--out", tmp_path, "--encoding", "cp1258")
    assert status == 0, err
    idata = pd.read_csv(tmp_path / "iData.csv", dtype={"uCode": str})
    assert idata["uCode"].tolist() == UNITS
    assert idata["Đắk Lắk"].tolist() == [1.5, 2.5, 3.5, 4.5]
    assert idata["i4"].tolist() == [2.0, 4.0, 8.0, 16.125]
    assert "Cà phê Đắk Lắk" in (tmp_path / "iMeta.csv").read_text(encoding="utf-8")


def test_convert_to_coinr_refuses_a_bad_indicator_cell(tmp_path: Path) -> None:
    meta, data = write(tmp_path, "bad", META.encode(), DATA.replace("10.25", "ten").encode())
    status, _, err = cli("convert", "--to-coinr", meta, data, "--out", tmp_path)
    assert status == 2
    assert err.strip() == (f"compindex: error: {data}, row 2, column 'i2' (unit 'Thành phố Hồ Chí Minh'): 'ten' is not "
                           "a number (write a missing value as an empty cell, or NA)")


def test_the_line_of_a_bad_byte_counts_every_kind_of_line_end(tmp_path: Path) -> None:
    # LF, CRLF and a lone CR each end a line: '\xf4' is byte 11, on line 4 (the C++ reader says the same).
    path = tmp_path / "d.csv"
    path.write_bytes(b"unit\ri1\r\n\nH\xf4\xcc,1\n")
    with pytest.raises(ci.DataError, match=r"d\.csv: byte 11 \(line 4\) is not UTF-8 \(0xF4\)"):
        ci.read_csv(path)


def test_metadata_numbers_follow_the_metadata_file_format(tmp_path: Path) -> None:
    # A ';' metadata file: weights, goalposts and coverage are read with decimal commas.
    meta_text = bi.table("code;parent;weight;direction;lower;upper;coverage;normalization", [
        "Index;;1;1;;;0,5;", "P1;Index;0,25;1;;;;", "P2;Index;0,75;1;;;;", "i1;P1;1;1;0;10,5;;goalposts",
        "i2;P1;1;-1;;;;", "i3;P2;1;1;;;;", "i4;P2;1;1;;;;"])
    meta, data = write(tmp_path, "meta", meta_text.encode(), bi.DATA.encode())
    fw = ci.Framework.from_csv(meta)
    assert fw.meta.loc["P1", "weight"] == 0.25 and fw.meta.loc["P2", "weight"] == 0.75
    res = ci.score(fw, ci.read_csv(data))
    # i1 on goalposts 0..10.5: u4's 4 -> 4 / 10.5 * 100 = 38.095...
    assert res.data("normalized").loc["u4", "i1"] == pytest.approx(4 / 10.5 * 100)
