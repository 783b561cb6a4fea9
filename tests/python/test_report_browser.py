"""The unit report rendered by a real browser (Debian's headless Chromium): no horizontal
scrolling at 1,280 px, every section heading in the rendered DOM, a non-blank screenshot; in
English and in Vietnamese. Skipped only when chromium is not installed (scripts/setup.sh installs it)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from compindex import datasets
from compindex.report import SECTIONS, unit_report

from _browser import CHROMIUM, chromium, png_size_and_colors
from _pii_fixtures import pii_names, pii_result

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/setup.sh installs it)")

_PROBE = ("<script>document.body.setAttribute('data-scroll-width', String(document.documentElement.scrollWidth));"
          "</script></body>")


def _png_pixels_vary(path: Path) -> bool:
    """True when the screenshot is a valid 1,280 px PNG and not one flat color."""
    width, height, colors = png_size_and_colors(path)
    assert width == 1280 and height > 100
    return colors > 16


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_report_inchromium(tmp_path: Path, lang: str) -> None:
    prov = datasets.load_pii_provinces()
    names = prov["name_vi"].to_dict() if lang == "vi" else pii_names()
    regions = dict(zip(prov["region"], prov["region_vi"])) if lang == "vi" else {}
    rep = unit_report(pii_result(2024), "92", group="region", by="lead_agency", names=names, simulated=True,
                      lang=lang, group_names=regions, replications=500)
    page = rep.html()
    src = tmp_path / f"report_{lang}.html"
    src.write_text(page, encoding="utf-8")
    probe = tmp_path / f"probe_{lang}.html"
    probe.write_text(page.replace("</body>", _PROBE), encoding="utf-8")
    dom = chromium("--virtual-time-budget=5000", "--run-all-compositor-stages-before-draw", "--dump-dom",
                    probe.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    m = re.search(r'data-scroll-width="(\d+)"', dom.stdout)
    assert m, "the probe script did not run"
    assert int(m.group(1)) <= 1280, f"the page scrolls horizontally: {m.group(1)} px wide"
    for heading in rep.section_headings():
        assert f">{heading}</h2>" in dom.stdout, heading
    shot = tmp_path / f"report_{lang}.png"
    out = chromium(f"--screenshot={shot}", src.as_uri())
    assert out.returncode == 0 and shot.exists(), out.stderr[-2000:]
    assert _png_pixels_vary(shot)
    keep = Path("/tmp") / f"compindex_report_{lang}.png"
    try:
        shutil.copy(shot, keep)  # for a person to look at after the run
    except OSError:
        pass


def test_report_prints_on_a4_pages(tmp_path: Path) -> None:
    """The print style: A4 pages (595 x 842 pt), each section from a new page."""
    rep = unit_report(pii_result(2024), "92", group="region", by="lead_agency", names=pii_names(), replications=300)
    src = tmp_path / "report.html"
    rep.write(src)
    pdf = tmp_path / "report.pdf"
    out = chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", src.as_uri())
    assert out.returncode == 0 and pdf.exists(), out.stderr[-2000:]
    data = pdf.read_bytes()
    boxes = {tuple(round(float(v)) for v in m.split()) for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes == {(0, 0, 595, 842)}, boxes
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    # Every section but the summary starts a page (the change section is absent here: one year).
    assert pages >= len([k for k in SECTIONS if k != "change"]), pages
