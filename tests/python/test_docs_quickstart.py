"""The quick start of the documentation site (docs/tutorials/00_quickstart.md) runs as written,
from the repository's root, on the example files it points to; its command line too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "tutorials" / "00_quickstart.md"

pytestmark = pytest.mark.skipif(not PAGE.is_file(), reason="run from a source tree: the docs are not here")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", PAGE.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_python_quick_start_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (code,) = blocks("python")
    assert "import pandas as pd" in code and "examples/data/" in code
    assert len(code.strip().splitlines()) <= 12
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(code, str(PAGE), "exec"), namespace)  # noqa: S102 - the page's own code
    res = namespace["res"]
    out = capsys.readouterr().out
    # The example index has 8 units; the best of them is printed first with its score.
    scores = res.scores["INDEX"]  # type: ignore[attr-defined]
    assert len(scores) == 8 and scores.idxmax() in out.splitlines()[1]
    assert int(res.ranks.loc[scores.idxmax(), "INDEX"]) == 1  # type: ignore[attr-defined]


def test_the_command_line_quick_start_runs(tmp_path: Path) -> None:
    sh = [b for b in blocks("sh") if "compindex score" in b]
    assert sh, "the page shows no compindex score command"
    args = sh[0].replace("\\\n", " ").split()
    assert args[:2] == ["compindex", "score"]
    args = [str(tmp_path / "scores.csv") if a == "scores.csv" else a for a in args]
    run = subprocess.run([sys.executable, "-m", "compindex", *args[1:]], cwd=ROOT, capture_output=True, text=True,
                         env=os.environ.copy(), timeout=300)
    assert run.returncode == 0, run.stderr
    out = pd.read_csv(tmp_path / "scores.csv")
    assert list(out.columns) == ["unit", "code", "score", "rank"]
    assert len(out) == 8 * 9  # 8 units x 9 nodes (6 indicators, 2 pillars, the index)


def test_the_readme_quick_start_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Quick start (Python)"):readme.index("## Quick start (command line)")]
    (code,) = re.findall(r"^```python\n(.*?)^```", section, flags=re.S | re.M)
    assert "import pandas as pd" in code and "examples/data/" in code
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own code
    res, res2, ua = namespace["res"], namespace["res2"], namespace["ua"]
    assert len(res.scores) == 8  # type: ignore[attr-defined]
    # TOPSIS at the index: closeness onto 0-100, so the best unit scores between 0 and 100 and ranks 1
    top = res2.scores["INDEX"].idxmax()  # type: ignore[attr-defined]
    assert 0 < res2.scores.loc[top, "INDEX"] <= 100 and int(res2.ranks.loc[top, "INDEX"]) == 1  # type: ignore[attr-defined]
    summary = ua.summary  # type: ignore[attr-defined]
    assert len(summary) == 8 and (summary["p05_rank"] <= summary["p95_rank"]).all()
