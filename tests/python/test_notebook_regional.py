"""examples/regional_comparison.ipynb runs from top to bottom (skipped without nbclient/ipykernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from _notebooks import execute

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOK = EXAMPLES / "regional_comparison.ipynb"


def test_notebook_is_stored_without_outputs_and_matches_its_generator() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert "SIMULATED" in nb.cells[0].source
    # the "Spatial patterns" section is last and ends with the 2025 units
    headings = [c.source.strip() for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert headings[-1] == "## 6. Spatial patterns"
    assert "load_pii_coordinates(\"2025\")" in nb.cells[-1].source
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_regional_comparison", EXAMPLES / "make_regional_comparison.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert [c.source for c in gen.build().cells] == [c.source for c in nb.cells]


def test_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = execute(NOTEBOOK, tmp_path, monkeypatch)
    assert run.stderr == []  # no cell wrote to stderr (a warning from compindex, pandas or matplotlib would)
    printed, images = run.printed, run.images
    assert "SIMULATED" in printed
    assert "Can Tho is in cluster" in printed and "Shorrocks M =" in printed
    assert "Moran's I = " in printed and "Geary's C = " in printed
    # lorenz, dispersion, beta scatter (disparities and convergence); Moran scatterplot and two dot maps (spatial)
    assert images == 6
