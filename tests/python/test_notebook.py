"""examples/province_workflow.ipynb runs from top to bottom (skipped without nbclient/ipykernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from _notebooks import execute

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "province_workflow.ipynb"


def test_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert "SIMULATED" in nb.cells[0].source


def test_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = execute(NOTEBOOK, tmp_path, monkeypatch)
    assert run.stderr == []  # no cell wrote to stderr (a warning from compindex, pandas or matplotlib would)
    printed, images = run.printed, run.images
    assert "SIMULATED" in printed
    assert (tmp_path / "can_tho_report.html").is_file()
    assert images == 4
