"""compindex.report and the CLI subcommands demo and profile, end to end."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from compindex import cli, datasets
from compindex.report import unit_report

from _pii_fixtures import small_data, small_meta, small_result


def test_unit_report_text_and_html() -> None:
    rep = unit_report(small_result(), "B", group="region", by="agency", names={"B": "Bravo"}, simulated=True)
    text = rep.text()
    assert text.startswith("*" * 100) and "SIMULATED DATA" in text
    assert "Profile of Bravo (B): score 25.00, rank 4/4 nationally, 2/2 in X" in text
    # What would lift B: to rank 3 (see test_analysis: a and c at their best values, d at 3).
    assert list(rep.lifts) == [3, 2, 1]
    assert "to rank 3:" in text and "d Indicator d: 8.0000 -> 3.0000" in text
    page = rep.html(plots=False)
    assert "Bravo (B)" in page and "simulated" in page.lower()
    assert page.count("class='banner'") == 2  # the SIMULATED banner at the top and the bottom
    assert "<tr class='me'><td>B</td>" in page  # the unit is highlighted in the ranking


def test_unit_report_without_simulated_label(tmp_path: Path) -> None:
    rep = unit_report(small_result(), "D", targets=2)
    assert rep.lifts == {}  # already first
    assert "no rank above" in rep.text()
    assert "SIMULATED" not in rep.text()
    out = rep.write(tmp_path / "d.html")
    page = out.read_text(encoding="utf-8")
    assert "simulated" not in page.lower()
    assert page.count("data:image/png;base64,") == 4


def test_demo_cli_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.html"
    assert cli.main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    text = printed.out
    assert "SIMULATED DATA" in text
    assert "National ranking (top 10 and Can Tho (92))" in text
    assert "Mekong Delta (13 units)" in text
    assert "Profile of Can Tho (92)" in text
    assert "What would lift Can Tho (92)" in text and "to rank 6:" in text
    assert "Change 2023 -> 2024 of Can Tho (92)" in text
    assert "Department of Science and Technology (DOST)" in text  # weakest indicators by lead agency
    assert printed.err == ""
    page = out.read_text(encoding="utf-8")
    assert "Can Tho (92)" in page and "SIMULATED" in page
    assert page.count("data:image/png;base64,") == 4


def test_demo_cli_other_unit_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--unit", "01", "--year", "2023", "--out", str(tmp_path / "hn.html"), "--no-plots"]) == 0
    text = capsys.readouterr().out
    assert "Ha Noi (01)" in text and "no rank above to reach" in text and "Change" not in text
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
            "--by", "agency", "--out", str(out)]
    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    assert "Profile of Bravo (B): score 25.00, rank 4/4 nationally, 2/2 in X" in text
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


def test_profile_cli_with_years(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta, data = tmp_path / "meta.csv", tmp_path / "data.csv"
    small_meta().to_csv(meta, index=False)
    y23 = small_data().assign(year=2023)
    y24 = small_data().assign(year=2024)
    y24["a"] += 10.0
    pd.concat([y23, y24]).reset_index().to_csv(data, index=False)
    assert cli.main(["profile", "--framework", str(meta), "--data", str(data), "--unit", "B"]) == 0
    text = capsys.readouterr().out
    # 2024 is profiled; the pooled change of the index is 125/7 = 17.86 (see test_analysis).
    assert "Small index, 2024: B" in text
    assert "score  20.54 ->  38.39 (+17.86), rank 4 -> 4 (+0)" in text


def test_profile_cli_labels_the_demo_file_as_simulated(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["profile", "--framework", str(datasets.DATA_DIR / "framework.csv"),
            "--data", str(datasets.DATA_DIR / "demo_data.csv"), "--unit", "92", "--treatment", "gii", "--targets", "1"]
    assert cli.main(argv) == 0
    text = capsys.readouterr().out
    assert text.count("SIMULATED DATA") == 2
    assert "(SIMULATED data)" in text
