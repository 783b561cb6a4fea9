"""The command line, end to end on temporary files: ``compindex score``.

Most tests call :func:`compindex.cli.main` in-process; one success and one failure also run
``python -m compindex`` in a subprocess, as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.cli import main

WriteCsv = Callable[[str, Any], Path]
Cell = Callable[[pd.DataFrame, int, str, str], pd.DataFrame]


def run(capsys: pytest.CaptureFixture[str], *args: Any) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def score_args(meta: Path, data: Path, out: Path, *options: Any) -> list[Any]:
    return ["score", "--framework", meta, "--data", data, "--out", out, *options]


def read_out(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"unit": str, "code": str, "rank": "Int64"}, keep_default_na=True)


def expected_long(meta: Path, data: Path, **spec: Any) -> pd.DataFrame:
    """What compindex.score gives for the same files, as the tidy table."""
    fw = ci.Framework.from_csv(meta)
    table = pd.read_csv(data, dtype=str, keep_default_na=False)
    return ci.score(fw, table, **spec).to_long()


def assert_same_long(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == ["unit", "code", "score", "rank"]
    assert got["unit"].tolist() == expected["unit"].tolist()
    assert got["code"].tolist() == expected["code"].tolist()
    # Scores are written in full (they read back exactly; see test_rough_edges.py).
    np.testing.assert_allclose(got["score"].to_numpy(dtype=float), expected["score"].to_numpy(dtype=float),
                               rtol=1e-9, atol=1e-9, equal_nan=True)
    assert got["rank"].isna().tolist() == expected["rank"].isna().tolist()
    assert got["rank"].dropna().astype(int).tolist() == expected["rank"].dropna().astype(int).tolist()


def assert_one_line_error(status: int, err: str, *fragments: str) -> None:
    """Exit status 2, a single line on stderr starting with 'compindex: error:', no traceback."""
    assert status == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("compindex: error: ")
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"


# -- success -------------------------------------------------------------------------------------
def test_score_writes_a_tidy_table(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path], tmp_path: Path,
                                   framework: ci.Framework) -> None:
    meta, data = csv_files
    out = tmp_path / "out.csv"
    status, stdout, err = run(capsys, *score_args(meta, data, out))
    assert status == 0, err
    assert err == ""
    assert f"scored 20 units on 22 nodes; wrote {out}" in stdout
    got = read_out(out)
    assert list(got.columns) == ["unit", "code", "score", "rank"]
    # One row per unit and node.
    assert len(got) == 20 * 22
    assert not got.duplicated(["unit", "code"]).any()
    assert set(got["unit"]) == {f"U{u:02d}" for u in range(1, 21)}
    assert set(got["code"]) == set(framework.codes)
    assert_same_long(got, expected_long(meta, data))


def test_values_equal_score_of_the_data_frames(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path],
                                               tmp_path: Path, framework: ci.Framework, data: pd.DataFrame) -> None:
    # The CSV route and the in-memory route give the same numbers.
    meta_path, data_path = csv_files
    out = tmp_path / "out.csv"
    assert run(capsys, *score_args(meta_path, data_path, out))[0] == 0
    got = read_out(out).pivot(index="unit", columns="code", values="score")
    res = ci.score(framework, data)
    np.testing.assert_allclose(got[framework.codes].to_numpy(), res.scores.to_numpy(), rtol=1e-9)


@pytest.mark.parametrize(("options", "spec"), [
    (["--normalization", "z_score"], {"normalization": "z_score"}),
    (["--normalization", "z_score(mean=100, sd=10)"], {"normalization": "z_score(mean=100, sd=10)"}),
    (["--normalization", "rank"], {"normalization": "rank"}),
    (["--range", "1", "11"], {"range": (1.0, 11.0)}),
    (["--aggregation", "geometric_mean", "--range", "1", "100"], {"aggregation": "geometric_mean", "range": (1.0, 100.0)}),
    (["--aggregation", "generalized_mean(p=0.5)"], {"aggregation": "generalized_mean(p=0.5)"}),
    (["--treatment", "gii"], {"treatment": "gii"}),
    (["--treatment", "none"], {}),
    (["--imputation", "mean"], {"imputation": "mean"}),
    (["--imputation", "group_mean(group=region)"], {"imputation": "group_mean(group=region)"}),
    (["--imputation", "none"], {}),
    (["--coverage", "0.5"], {"coverage": 0.5}),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_stage_options(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path], tmp_path: Path,
                       options: list[str], spec: dict[str, Any]) -> None:
    meta, data = csv_files
    out = tmp_path / "out.csv"
    status, _, err = run(capsys, *score_args(meta, data, out, *options))
    assert status == 0, err
    assert_same_long(read_out(out), expected_long(meta, data, **spec))


def test_stage_options_change_the_result(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path],
                                         tmp_path: Path) -> None:
    meta, data = csv_files
    base, treated, imputed = tmp_path / "base.csv", tmp_path / "gii.csv", tmp_path / "mean.csv"
    assert run(capsys, *score_args(meta, data, base))[0] == 0
    assert run(capsys, *score_args(meta, data, treated, "--treatment", "gii"))[0] == 0
    assert run(capsys, *score_args(meta, data, imputed, "--imputation", "mean"))[0] == 0
    b, t, m = (read_out(p).set_index(["unit", "code"])["score"] for p in (base, treated, imputed))
    # The GII rule winsorizes U07's outlier in i08: i08 scores change, i01 scores do not.
    assert not np.allclose(b.xs("i08", level="code"), t.xs("i08", level="code"))
    np.testing.assert_allclose(b.xs("i01", level="code"), t.xs("i01", level="code"))
    # Imputation fills the six missing cells.
    assert b.xs("i02", level="code").isna().sum() == 1
    assert m.xs("i02", level="code").isna().sum() == 0


def test_warnings_go_to_stderr(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path], tmp_path: Path) -> None:
    # Full coverage: units with a missing cell lose their index and are reported, but the run succeeds.
    meta, data = csv_files
    out = tmp_path / "out.csv"
    status, _, err = run(capsys, *score_args(meta, data, out, "--coverage", "1"))
    assert status == 0
    assert err.startswith("compindex: warning: ")
    assert "unit 'U03' has no 'Index' score" in err
    got = read_out(out)
    row = got[(got["unit"] == "U03") & (got["code"] == "Index")].iloc[0]
    assert np.isnan(row["score"]) and row["rank"] is pd.NA


def test_weight_set_option(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path], tmp_path: Path) -> None:
    # The command line cannot define weight sets, so an unknown set name is an error.
    meta, data = csv_files
    status, _, err = run(capsys, *score_args(meta, data, tmp_path / "out.csv", "--weights", "economy"))
    assert_one_line_error(status, err, "unknown weight set 'economy'")


def subprocess_env() -> dict[str, str]:
    # The subprocess imports the same compindex as this test process (a build tree or an install).
    env = dict(os.environ)
    # (No resolve(): in a build tree the package's files are symbolic links to the sources.)
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(ci.__file__)))
    env["PYTHONPATH"] = os.pathsep.join([package_parent, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def test_python_dash_m(csv_files: tuple[Path, Path], tmp_path: Path) -> None:
    meta, data = csv_files
    out = tmp_path / "out.csv"
    proc = subprocess.run([sys.executable, "-m", "compindex", "score", "--framework", str(meta), "--data", str(data),
                           "--out", str(out), "--treatment", "gii"],
                          capture_output=True, text=True, env=subprocess_env(), timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "scored 20 units on 22 nodes" in proc.stdout
    assert_same_long(read_out(out), expected_long(meta, data, treatment="gii"))


def test_python_dash_m_error(write_csv: WriteCsv, meta: pd.DataFrame, data: pd.DataFrame, cell: Cell,
                             tmp_path: Path) -> None:
    meta_path = write_csv("meta.csv", meta)
    bad = write_csv("bad.csv", cell(data, 3, "i03", "lots"))
    proc = subprocess.run([sys.executable, "-m", "compindex", "score", "--framework", str(meta_path), "--data", str(bad),
                           "--out", str(tmp_path / "out.csv")],
                          capture_output=True, text=True, env=subprocess_env(), timeout=120, check=False)
    assert_one_line_error(proc.returncode, proc.stderr, "row 5, column 'i03'", "(unit 'U04')", "'lots' is not a number")
    assert not (tmp_path / "out.csv").exists()


def test_version_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"compindex {ci.__version__}"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["score", "--framework", "meta.csv"])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


# -- bad input ---------------------------------------------------------------------------------------
def test_missing_data_file(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path], tmp_path: Path) -> None:
    meta, _ = csv_files
    absent = tmp_path / "absent.csv"
    status, _, err = run(capsys, *score_args(meta, absent, tmp_path / "out.csv"))
    assert_one_line_error(status, err, f"{absent}: no such file")


def test_missing_metadata_file(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path], tmp_path: Path) -> None:
    _, data = csv_files
    absent = tmp_path / "nometa.csv"
    status, _, err = run(capsys, *score_args(absent, data, tmp_path / "out.csv"))
    assert_one_line_error(status, err, f"{absent}: no such file")


def test_data_without_unit_column(capsys: pytest.CaptureFixture[str], write_csv: WriteCsv, csv_files: tuple[Path, Path],
                                  data: pd.DataFrame, tmp_path: Path) -> None:
    meta, _ = csv_files
    bad = write_csv("nounit.csv", data.rename(columns={"unit": "country"}))
    status, _, err = run(capsys, *score_args(meta, bad, tmp_path / "out.csv"))
    assert_one_line_error(status, err, f"{bad}: no 'unit' column")


# Data files with one bad thing each: (file content from the fixture data, fragments of the message).
# Rows count the header as row 1, so data row k (from 0) is row k + 2.
def text_cell(data: pd.DataFrame, cell: Cell) -> pd.DataFrame:
    return cell(data, 3, "i03", "lots")


def decimal_comma(data: pd.DataFrame, cell: Cell) -> pd.DataFrame:
    return cell(data, 5, "i07", "12,5")


def missing_column(data: pd.DataFrame, cell: Cell) -> pd.DataFrame:
    return data.drop(columns="i07")


def duplicate_unit(data: pd.DataFrame, cell: Cell) -> pd.DataFrame:
    return cell(data, 2, "unit", "U01")


DATA_ERRORS = [
    pytest.param(text_cell, ["row 5, column 'i03'", "(unit 'U04')", "'lots' is not a number"], id="text"),
    pytest.param(decimal_comma, ["row 7, column 'i07'", "(unit 'U06')", "'12,5' uses a decimal comma; write 12.5"],
                 id="decimal-comma"),
    pytest.param(missing_column, ["no column for indicator(s) 'i07'"], id="missing-column"),
    pytest.param(duplicate_unit, ["row 4: unit 'U01' already appears in row 2"], id="duplicate-unit"),
]


@pytest.mark.parametrize(("make", "fragments"), DATA_ERRORS)
def test_bad_data_file(capsys: pytest.CaptureFixture[str], write_csv: WriteCsv, cell: Cell, meta: pd.DataFrame,
                       data: pd.DataFrame, tmp_path: Path, make: Callable[[pd.DataFrame, Cell], pd.DataFrame],
                       fragments: list[str]) -> None:
    meta_path = write_csv("meta.csv", meta)
    bad = write_csv("bad.csv", make(data, cell))
    out = tmp_path / "out.csv"
    status, _, err = run(capsys, *score_args(meta_path, bad, out))
    assert_one_line_error(status, err, *fragments)
    assert not out.exists()


@pytest.mark.parametrize(("make", "fragments"), DATA_ERRORS)
def test_bad_data_file_names_the_file(capsys: pytest.CaptureFixture[str], write_csv: WriteCsv, cell: Cell,
                                      meta: pd.DataFrame, data: pd.DataFrame, tmp_path: Path,
                                      make: Callable[[pd.DataFrame, Cell], pd.DataFrame], fragments: list[str]) -> None:
    meta_path = write_csv("meta.csv", meta)
    bad = write_csv("bad.csv", make(data, cell))
    status, _, err = run(capsys, *score_args(meta_path, bad, tmp_path / "out.csv"))
    assert_one_line_error(status, err, str(bad))


@pytest.mark.parametrize(("options", "fragment"), [
    (["--normalization", "foo"], "normalization: unknown method 'foo'"),
    (["--aggregation", "mean"], "aggregation: unknown method 'mean'"),
    (["--treatment", "trim"], "treatment: unknown method 'trim'"),
    (["--imputation", "zero"], "imputation: unknown method 'zero'"),
    (["--imputation", "group_mean(group=continent)"], "unknown unit group 'continent'"),
    (["--range", "5", "5"], "range: the range needs two different finite bounds"),
    (["--coverage", "2"], "coverage must be between 0 and 1"),
])
def test_bad_options(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path], tmp_path: Path,
                     options: list[str], fragment: str) -> None:
    meta, data = csv_files
    status, _, err = run(capsys, *score_args(meta, data, tmp_path / "out.csv", *options))
    assert_one_line_error(status, err, fragment)


def test_geometric_mean_on_zeros(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path], tmp_path: Path) -> None:
    # The default range 0..100 puts each indicator's worst unit at 0.
    meta, data = csv_files
    status, _, err = run(capsys, *score_args(meta, data, tmp_path / "out.csv", "--aggregation", "geometric_mean"))
    assert_one_line_error(status, err, "geometric_mean needs positive values, but unit '", "range=(1, 100)")


@pytest.mark.parametrize(("value", "fragments"), [
    ("heavy", ["meta.csv, row 13, column 'weight'", "'heavy' is not a number"]),
    ("0,5", ["meta.csv, row 13, column 'weight'", "'0,5' uses a decimal comma; write 0.5"]),
    ("-1", ["meta.csv", "node 'i02': weight must be a finite non-negative number, got -1"]),
])
def test_bad_metadata_weight(capsys: pytest.CaptureFixture[str], write_csv: WriteCsv, cell: Cell, meta: pd.DataFrame,
                             data: pd.DataFrame, tmp_path: Path, value: str, fragments: list[str]) -> None:
    # i02 is data row 11 of the metadata, row 13 of the file.
    meta_path = write_csv("meta.csv", cell(meta, 11, "weight", value))
    status, _, err = run(capsys, *score_args(meta_path, write_csv("data.csv", data), tmp_path / "out.csv"))
    assert_one_line_error(status, err, *fragments)


def test_bad_metadata_method_cell(capsys: pytest.CaptureFixture[str], write_csv: WriteCsv, meta: pd.DataFrame,
                                  data: pd.DataFrame, tmp_path: Path) -> None:
    meta["aggregation"] = ""
    meta.loc[1, "aggregation"] = "median"  # P1, row 3 of the file
    meta_path = write_csv("meta.csv", meta)
    status, _, err = run(capsys, *score_args(meta_path, write_csv("data.csv", data), tmp_path / "out.csv"))
    assert_one_line_error(status, err, "meta.csv, row 3, column 'aggregation': unknown method 'median'")


def test_bad_metadata_tree(capsys: pytest.CaptureFixture[str], write_csv: WriteCsv, cell: Cell, meta: pd.DataFrame,
                           data: pd.DataFrame, tmp_path: Path) -> None:
    meta_path = write_csv("meta.csv", cell(meta, 4, "parent", "P9"))
    status, _, err = run(capsys, *score_args(meta_path, write_csv("data.csv", data), tmp_path / "out.csv"))
    assert_one_line_error(status, err, "meta.csv, row 6, column 'parent': node 'S11': unknown parent 'P9'")


def test_unwritable_output_names_the_file(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path],
                                          tmp_path: Path) -> None:
    meta, data = csv_files
    out = tmp_path / "no such dir" / "out.csv"
    status, _, err = run(capsys, *score_args(meta, data, out))
    assert_one_line_error(status, err, "out.csv")


def test_unwritable_output_exits_2(capsys: pytest.CaptureFixture[str], csv_files: tuple[Path, Path], tmp_path: Path) -> None:
    meta, data = csv_files
    status, _, err = run(capsys, *score_args(meta, data, tmp_path / "no such dir" / "out.csv"))
    assert_one_line_error(status, err)
