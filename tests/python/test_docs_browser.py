"""The documentation site rendered by a real browser (Debian's headless Chromium): the landing page
and a tutorial page render (a non-blank screenshot, the expected text in the rendered DOM, no
uncaught script error on the console), and the C++ API pages are linked in when Doxygen ran.

scripts/test.sh builds the site (scripts/docs.sh) before pytest and points COMPINDEX_DOCS_HTML at
it (build/docs/html); without that variable the test is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import _browser
from _browser import CHROMIUM, png_size_and_colors

SITE = os.environ.get("COMPINDEX_DOCS_HTML")
pytestmark = [
    pytest.mark.skipif(not SITE, reason="COMPINDEX_DOCS_HTML is not set (scripts/test.sh builds the site and sets it)"),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/setup.sh installs it)"),
]


def site() -> Path:
    assert SITE is not None
    root = Path(SITE)
    assert (root / "index.html").is_file(), f"COMPINDEX_DOCS_HTML={SITE} holds no built site (index.html)"
    return root


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    return _browser.chromium(*args, height=1600)


def tutorial_page() -> Path:
    """A notebook tutorial when there is one, else the getting-started page."""
    pages = sorted((site() / "tutorials").glob("*.html"))
    assert pages, "the site has no tutorial pages"
    notebooks = [p for p in pages if not p.name.startswith("00_")]
    return (notebooks or pages)[0]


def console_errors(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines()
            if "CONSOLE" in ln and re.search(r"Uncaught|TypeError|ReferenceError|SyntaxError|Failed to load", ln)]


def check_page(page: Path, tmp_path: Path, expected: list[str]) -> str:
    dom = chromium("--virtual-time-budget=5000", "--run-all-compositor-stages-before-draw", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert not console_errors(dom.stderr), console_errors(dom.stderr)
    for text in expected:
        assert text in dom.stdout, f"{page.name}: {text!r} is not in the rendered page"
    shot = tmp_path / f"{page.stem}.png"
    out = chromium(f"--screenshot={shot}", page.as_uri())
    assert out.returncode == 0 and shot.exists(), out.stderr[-2000:]
    width, height, colors = png_size_and_colors(shot)
    assert (width, height) == (1280, 1600)
    assert colors > 16, f"{page.name}: the screenshot is blank"
    try:
        shutil.copy(shot, Path("/tmp") / f"compindex_docs_{page.stem}.png")  # for a person to look at
    except OSError:
        pass
    return dom.stdout


def test_landing_page_renders(tmp_path: Path) -> None:
    dom = check_page(site() / "index.html", tmp_path, ["compindex", "Getting started", "Tutorials",
                                                        "Method reference", "Python API", "Command line"])
    # The theme's stylesheet and script were found (furo's sidebar is built from them).
    assert 'class="sidebar-tree"' in dom


def test_a_tutorial_page_renders(tmp_path: Path) -> None:
    page = tutorial_page()
    html = page.read_text(encoding="utf-8")
    m = re.search(r"<h1>(.*?)<a", html, flags=re.S)
    assert m, f"{page.name} has no title"
    title = re.sub(r"<[^>]+>", "", m.group(1)).strip()
    check_page(page, tmp_path, [title])


def test_api_and_cli_pages_are_built() -> None:
    root = site()
    api = (root / "api" / "compindex.html").read_text(encoding="utf-8")
    assert 'id="compindex.score"' in api
    cli = (root / "reference" / "cli.html").read_text(encoding="utf-8")
    # Every subcommand, with its options' defaults (sphinx-argparse writes them as "Default: ...").
    for command in ("score", "weights", "convert"):
        assert f'id="{command}"' in cli or f">{command}<" in cli, command
    assert "Default:" in cli and "arithmetic_mean" in cli


def test_cpp_reference_is_linked_when_doxygen_ran() -> None:
    root = site()
    if shutil.which("doxygen") is None:
        pytest.skip("doxygen is not installed: the C++ pages are left out")
    assert (root / "cpp" / "index.html").is_file(), "the Doxygen pages were not copied into the site"
    assert 'href="../cpp/index.html"' in (root / "reference" / "cpp.html").read_text(encoding="utf-8")


def test_formulas_are_typeset_offline() -> None:
    """Every formula of a method page is typeset by the MathJax served with the site (no CDN):
    each ``\\( \\)`` or ``\\[ \\]`` span Sphinx wrote becomes an SVG rendering in the browser."""
    page = site() / "regional.html"
    html = page.read_text(encoding="utf-8")
    assert 'src="_static/mathjax/MathJax.js' in html and "cdn" not in html.lower()
    spans = len(re.findall(r'<(?:span|div) class="math notranslate nohighlight">', html))
    assert spans > 20
    dom = chromium("--virtual-time-budget=30000", "--run-all-compositor-stages-before-draw", "--dump-dom",
                   page.as_uri()).stdout
    typeset = dom.count('class="MathJax_SVG"') + dom.count('class="MathJax_SVG_Display"')
    assert typeset >= spans, f"{typeset} of {spans} formulas typeset"
    assert "Math Processing Error" not in dom
