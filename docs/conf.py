"""Sphinx configuration of the compindex documentation site (bash scripts/docs.sh builds it).

Pages are MyST Markdown (docs/*.md, docs/methods/*.md), executed notebooks (docs/tutorials/*.ipynb,
through myst-nb) and reStructuredText for the API reference (docs/api/*.rst, autodoc).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

# The package documented is the importable one: the installed compindex, or the build tree's when
# PYTHONPATH=build/dev/python (scripts/docs.sh passes PYTHONPATH through).
import compindex  # noqa: E402

project = "compindex"
author = "compindex developers"
copyright = "2026, compindex developers"
version = release = compindex.__version__

extensions = [
    "myst_nb",  # MyST Markdown pages and executed notebooks (includes myst_parser)
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",  # numpydoc-style docstrings
    "sphinx.ext.mathjax",
    "sphinxarg.ext",  # the command line reference, from compindex.cli.build_parser
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
templates_path: list[str] = []

# -- MyST ---------------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3  # [text](page.md#a-heading) links resolve

# -- notebooks (myst-nb) ----------------------------------------------------------------------
# Executed at build time; a notebook whose cell raises fails the build. The cache (jupyter-cache)
# lives under build/ so an unchanged notebook is not run again.
nb_execution_mode = os.environ.get("COMPINDEX_NB_EXECUTION", "cache")
nb_execution_cache_path = os.environ.get("COMPINDEX_NB_CACHE", str(ROOT / "build" / "docs" / "jupyter_cache"))
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# -- API reference ----------------------------------------------------------------------------------
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
# The class docstring and the constructor's (pybind11 writes the constructor's signature there).
autoclass_content = "both"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
autosummary_generate = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True
# The build works offline (no intersphinx): references to other packages' types (pandas, numpy,
# matplotlib, the standard library) and to the private compiled module are left unresolved on
# purpose; every other unresolved reference is a warning (-n), hence an error (-W).
nitpick_ignore_regex = [
    (r"py:.*", r"(pd|pandas|np|numpy|matplotlib|os|pathlib|collections|typing|pybind11_builtins|datetime|io)(\..*)?"),
    (r"py:.*", r"(compindex\.)?_core(\..*)?"),
    (r"py:.*", r"(Path|PathLike|DataFrame|Series|Index|ndarray|Figure|Axes|Sequence|Mapping|Iterable|Callable|Any)"),
    # numpydoc's plain-word types ("mapping of str to float, optional", "array_like", "pair of them").
    (r"py:class", r"[a-z][a-z_ ]*( to [A-Za-z_ ]+)?"),
    # Private base classes of public ones (e.g. the spatial results' common base).
    (r"py:class", r"compindex\..*\._\w+"),
    # The report's table objects (internal, not in compindex.report.__all__).
    (r"py:class", r"compindex\.report\.(Table|Cell)"),
]


def _attribute_docstrings_without_inline_type() -> None:
    # napoleon reads the first line of a property's or attribute's docstring as "type: text"; this
    # project's docstrings begin with prose ("Per unit: ...") and their types are the annotations.
    from sphinx.ext.napoleon import docstring as nd

    def parse(self: nd.GoogleDocstring) -> list[str]:
        lines = self._dedent(self._consume_to_end())
        return self._format_field("", "", self.__class__(lines, self._config).lines())

    nd.GoogleDocstring._parse_attribute_docstring = parse  # type: ignore[method-assign]


_attribute_docstrings_without_inline_type()

# -- HTML ---------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"compindex {release}"
html_static_path: list[str] = []


# -- math: MathJax served with the site, never from a CDN ------------------------------------------
# The site must work offline (and this machine reaches no CDN): the formulas are typeset by the
# MathJax 2 of Debian's libjs-mathjax (scripts/setup.sh installs it), of which the build copies the
# part it needs (TeX input, SVG output with the TeX fonts, about 3 MB) into _static/mathjax.
MATHJAX_DEBIAN = Path(os.environ.get("COMPINDEX_MATHJAX", "/usr/share/javascript/mathjax"))
MATHJAX_PARTS = ["MathJax.js", "config/TeX-AMS_SVG-full.js", "extensions", "jax/element", "jax/input/TeX",
                 "jax/output/SVG/jax.js", "jax/output/SVG/config.js", "jax/output/SVG/autoload", "jax/output/SVG/fonts/TeX", "localization/en"]


def _copy_mathjax() -> str:
    import shutil

    if not (MATHJAX_DEBIAN / "MathJax.js").is_file():
        raise RuntimeError(f"MathJax not found in {MATHJAX_DEBIAN}: install Debian's libjs-mathjax "
                           "(scripts/setup.sh does) or point COMPINDEX_MATHJAX at a MathJax 2 directory")
    static = DOCS.parent / "build" / "docs" / "mathjax_static"
    dest = static / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = MATHJAX_DEBIAN / part, dest / part
        if dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copyfile(src, dst)
    return str(static)


html_static_path.append(_copy_mathjax())
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS_SVG-full"
# MathJax 2 finds the formulas Sphinx and myst-nb mark (class "math", notebook outputs) by their
# \( \) and \[ \] delimiters.
mathjax2_config = {"tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                               "processEscapes": True, "processClass": "math|output_area"}}
# The C++ API (Doxygen's HTML), copied as html/cpp/ when scripts/docs.sh ran Doxygen first.
_doxygen = os.environ.get("COMPINDEX_DOXYGEN_HTML")
html_extra_path = [_doxygen] if _doxygen and Path(_doxygen).is_dir() else []
html_show_sourcelink = False


# -- one API page per public module -----------------------------------------------------------------
# Generated at every build (docs/api/compindex*.rst, not committed), so a module another change adds
# to compindex.__all__ gets its page without editing the docs. tests/python/test_docstrings.py walks
# the same modules.
def public_modules() -> list[str]:
    """compindex, every module in compindex.__all__, and the modules imported on demand."""
    import importlib
    import types

    names = ["compindex"]
    names += sorted(f"compindex.{n}" for n in compindex.__all__ if isinstance(getattr(compindex, n), types.ModuleType))
    for extra in ("compindex.plots", "compindex.report"):
        importlib.import_module(extra)
        if extra not in names:
            names.append(extra)
    return names


def _write_api_pages() -> None:
    api = DOCS / "api"
    api.mkdir(exist_ok=True)
    wanted = {}
    for mod in public_modules():
        title = f"``{mod}``"
        wanted[f"{mod}.rst"] = (f"{title}\n{'=' * len(title)}\n\n"
                                f".. automodule:: {mod}\n   :members:\n   :show-inheritance:\n")
    for stale in api.glob("compindex*.rst"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        path = api / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


_write_api_pages()


# -- the example notebooks (examples/*.ipynb) ---------------------------------------------------------
# Sphinx renders only files under docs/, so every build copies the notebooks of examples/ into
# docs/examples/ (not committed); myst-nb executes them like the tutorials.
def _copy_examples() -> None:
    import shutil

    dest = DOCS / "examples"
    dest.mkdir(exist_ok=True)
    sources = {p.name: p for p in sorted((DOCS.parent / "examples").glob("*.ipynb"))}
    for stale in dest.glob("*.ipynb"):
        if stale.name not in sources:
            stale.unlink()
    for name, src in sources.items():
        target = dest / name
        if not target.exists() or target.read_bytes() != src.read_bytes():
            shutil.copyfile(src, target)


_copy_examples()
