"""Executing a notebook in a fresh kernel for the tests (examples/ and docs/tutorials/)."""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import compindex


@dataclass
class Run:
    """An executed notebook and what its code cells wrote."""

    notebook: Any
    stderr: list[str]  #: what cells wrote to stderr (a warning from compindex, pandas or matplotlib), progress bars left out
    printed: str  #: everything cells printed
    images: int  #: PNG images the cells displayed


# A tqdm bar of an analysis ("uncertainty analysis:  3%|...| 12/400 [00:00<?, ?rep/s]"): shown on
# stderr when an analysis is estimated to take more than 2 s, which a busy machine can make happen.
_PROGRESS = re.compile(r"^\s*\w[\w ]*: +\d+%\|.*\| *\d+/\d+ \[.*rep/s\]\s*$")


def _without_progress_bars(text: str) -> str:
    """What a stderr stream says once the progress bar's redraws (segments split by CR) are removed."""
    kept = [seg for seg in re.split(r"[\r\n]", text) if seg.strip() and not _PROGRESS.match(seg)]
    return "\n".join(kept)


def execute(path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Runs the notebook at ``path`` top to bottom in ``workdir``, with the compindex the tests import."""
    import nbclient
    import nbformat

    # The kernel is a new process: give it the compindex this test imports (the package's parent,
    # not resolved: the build tree links files).
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(compindex.__file__)))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
    with warnings.catch_warnings():
        # Jupyter's own machinery (jupyter_client, zmq, tornado) may warn about its deprecations;
        # they are not compindex's and would fail the run under filterwarnings=error.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    return Run(notebook=nb,
               stderr=[t for o in outputs if o.output_type == "stream" and o.name == "stderr"
                       if (t := _without_progress_bars(o.get("text", "")))],
               printed="".join(o.get("text", "") for o in outputs if o.output_type == "stream"),
               images=sum("image/png" in o.get("data", {}) for o in outputs))
