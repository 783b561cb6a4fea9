"""One notebook from a list of (kind, source) cells: shared by the notebook generators
(tools/make_tutorials.py, examples/make_*.py), so every generated notebook has the same metadata,
no outputs, and stable cell ids (regenerating gives the same file)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook of the given cells: kind "md" is Markdown, "code" is code."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, text in cells:
        if kind not in ("md", "code"):
            raise ValueError(f"cell kind must be 'md' or 'code', not {kind!r}")
        nb.cells.append(new_markdown_cell(text) if kind == "md" else new_code_cell(text))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb
