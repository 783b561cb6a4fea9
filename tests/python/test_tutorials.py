"""The tutorial notebooks in docs/tutorials/ run from top to bottom, are stored without outputs, and
are what tools/make_tutorials.py writes (skipped without nbclient/ipykernel).

The documentation site executes them too; this test checks them without the site.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from _notebooks import execute

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
TUTORIALS = sorted((ROOT / "docs" / "tutorials").glob("*.ipynb"))
NAMES = [p.stem for p in TUTORIALS]
# Tutorials on the PII demonstration data: their first cell must say the data are simulated.
SIMULATED = {"02_province_workflow", "03_robust_ranks", "05_weighting_and_aggregation", "06_imputation"}


def _generator():
    spec = importlib.util.spec_from_file_location("make_tutorials", ROOT / "tools" / "make_tutorials.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_tutorial_is_generated_and_committed() -> None:
    gen = _generator()
    assert sorted(gen.TUTORIALS) == NAMES
    assert len(NAMES) >= 5 and all(n[:2].isdigit() for n in NAMES)  # numbered: the site's glob orders them


@pytest.mark.parametrize("name", NAMES)
def test_notebook_matches_its_generator(name: str) -> None:
    # Edit tools/make_tutorials.py, not the notebook, then regenerate.
    gen = _generator()
    expected = gen.build(gen.TUTORIALS[name])
    stored = nbformat.read(ROOT / "docs" / "tutorials" / f"{name}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in stored.cells] == [(c.cell_type, c.source) for c in expected.cells]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name: str) -> None:
    nb = nbformat.read(ROOT / "docs" / "tutorials" / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    if name in SIMULATED:
        assert "SIMULATED" in nb.cells[0].source


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t0 = time.perf_counter()
    run = execute(ROOT / "docs" / "tutorials" / f"{name}.ipynb", tmp_path, monkeypatch)
    elapsed = time.perf_counter() - t0
    # No cell wrote to stderr (a warning from compindex, pandas or matplotlib would).
    assert run.stderr == []
    printed = run.printed
    if name in SIMULATED:
        assert "SIMULATED" in printed
    if name == "01_build_an_index":
        assert "scored 8 units on 8 nodes" in printed
        assert "exit status 2" in printed and "direction must be 1 or -1" in printed
    if name == "03_robust_ranks":
        assert run.images == 3
        assert "1 thread == 2 threads, bit for bit: True" in printed
    # Notebooks write only into temporary directories, never where they run (the site runs them
    # next to their sources).
    assert list(tmp_path.iterdir()) == []
    # The site executes every notebook at build time: keep each well under a minute (the C++
    # tutorial compiles a small program; allow for a loaded machine).
    assert elapsed < 180, f"{name} took {elapsed:.0f} s"
