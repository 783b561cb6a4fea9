"""Every case of the bad-input catalogue (bad_inputs.py), through the Python API and the CLI.

An error is a compindex error of the catalogued class (also a ValueError) whose message contains
the catalogued text; on the command line it is exit status 2 and one line on stderr starting
"compindex: error:", never a traceback. A documented treatment is no error, and a warning.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import compindex as ci

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bad_inputs as bi  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
API_CASES = [c for c in bi.CASES if c.api]


def test_the_catalogue_is_large_and_covers_every_group() -> None:
    names = [c.name for c in bi.CASES] + [t.name for t in bi.TREATMENTS]
    assert len(names) == len(set(names)), "case names must be unique"
    assert len(API_CASES) >= 40
    assert len(bi.CASES) >= 40
    groups = {c.group for c in bi.CASES}
    assert groups == {"metadata", "data", "spec", "files"}
    for c in bi.CASES:
        assert c.error in ("SpecError", "DataError"), c.name
        assert c.message, c.name


@pytest.mark.parametrize("case", API_CASES, ids=lambda c: c.name)
def test_python_api(case: bi.Case, tmp_path: Path) -> None:
    meta, data = bi.write_files(case, tmp_path)
    cls = getattr(ci, case.error)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ci.CompindexWarning)  # an error, not a warning and a result
        with pytest.raises(cls) as info:
            bi.run_api(case, meta, data)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, ci.Error)
    message = str(info.value)
    assert case.message in message, f"{case.message!r} not in {message!r}"
    assert "\n" not in message


@pytest.mark.parametrize("case", bi.CASES, ids=lambda c: c.name)
def test_command_line(case: bi.Case, tmp_path: Path) -> None:
    meta, data = bi.write_files(case, tmp_path)
    out = tmp_path / "out.csv"
    status, stdout, err = bi.run_cli(case, meta, data, str(out))
    assert status == 2, (stdout, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("compindex: error: ")
    assert case.message in lines[0], f"{case.message!r} not in {lines[0]!r}"
    assert not out.exists()


@pytest.mark.parametrize("treatment", bi.TREATMENTS, ids=lambda t: t.name)
def test_documented_treatment_python_api(treatment: bi.Treatment, tmp_path: Path) -> None:
    meta, data = bi.write_files(treatment, tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = bi.run_api(treatment, meta, data)
    messages = [str(w.message) for w in caught if issubclass(w.category, ci.CompindexWarning)]
    if treatment.warning:
        assert any(treatment.warning in m for m in messages), messages
    else:
        assert messages == []
    index = res.index
    ranks = res.ranks[res.framework.root]
    for unit in res.units:
        if unit in treatment.unscored:
            assert np.isnan(index[unit]) and pd.isna(ranks[unit])
        else:
            assert np.isfinite(index[unit]) and not pd.isna(ranks[unit])
    # The scored units are ranked among themselves: 1 .. (number scored), ties sharing a place.
    scored = ranks.dropna().astype(int)
    assert scored.min() == 1 and scored.max() <= len(res.units) - len(treatment.unscored)


@pytest.mark.parametrize("treatment", bi.TREATMENTS, ids=lambda t: t.name)
def test_documented_treatment_command_line(treatment: bi.Treatment, tmp_path: Path) -> None:
    meta, data = bi.write_files(treatment, tmp_path)
    out = tmp_path / "out.csv"
    status, _, err = bi.run_cli(treatment, meta, data, str(out))
    assert status == 0, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert all(line.startswith("compindex: warning: ") for line in lines), err
    if treatment.warning:
        assert any(treatment.warning in line for line in lines), err
    else:
        assert lines == []
    got = pd.read_csv(out, dtype={"unit": str, "code": str})
    root = got[got["code"] == "Index"].set_index("unit")
    for unit in treatment.unscored:
        assert np.isnan(root.loc[unit, "score"]) and pd.isna(root.loc[unit, "rank"])


def _stable(text: str) -> str:
    # pandas' own parser messages vary between pandas versions; the rest is compindex's.
    return re.sub(r"cannot read it as CSV \([^|]*?\)", "cannot read it as CSV (...)", text)


def test_docs_errors_md_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("make_error_docs", ROOT / "tools" / "make_error_docs.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    committed = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert _stable(tool.render()) == _stable(committed), "docs/errors.md is stale: run python3 tools/make_error_docs.py"
