"""examples/province_workflow.ipynb runs from top to bottom (skipped without nbclient/ipykernel)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

import compindex

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
    # The kernel is a new process: give it the compindex this test imports.
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(compindex.__file__)))  # not resolved: the build tree links files
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with warnings.catch_warnings():
        # Jupyter's own machinery (jupyter_client, zmq, tornado) may warn about its deprecations;
        # they are not compindex's and would fail the run under filterwarnings=error.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        client.execute()
    # No cell wrote to stderr (a warning from compindex, pandas or matplotlib would).
    errors = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    assert errors == []
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "stream")
    assert "SIMULATED" in printed
    assert (tmp_path / "can_tho_report.html").is_file()
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert images == 4
