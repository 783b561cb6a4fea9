"""Headless Chromium (Debian's) for the tests that render what a person looks at: the unit report
and the documentation site."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(*args: str, height: int = 2000) -> subprocess.CompletedProcess[str]:
    """Runs headless Chromium at 1,280 px wide with ``args`` (e.g. ``--dump-dom URL``)."""
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--window-size=1280,{height}", "--enable-logging=stderr", "--v=0", *args],
                          capture_output=True, text=True, timeout=120)


def png_size_and_colors(path: Path) -> tuple[int, int, int]:
    """(width, height, distinct byte values of the first 400 rows) of an 8-bit RGB/RGBA PNG.

    A blank (one-color) page decodes to a handful of distinct byte values (the color and the PNG
    row filters); text and charts give many."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * (4 if ctype == 6 else 3) + 1
    return width, height, len(set(raw[:stride * min(height, 400)]))
