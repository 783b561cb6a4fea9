"""The memory guarantee: scoring holds at most 3 copies of the data at its peak.

Runs bench/bench_memory.py (each API in a fresh subprocess) at 100,000 units x 200 indicators,
large enough that the per-unit overheads (unit codes, ranking scratch) are a few percent of a
copy, small enough for the test command (a few seconds, about 0.5 GB). The benchmark's default,
1,000,000 x 100, gives 2.96 (C++) and 2.98 (Python); see docs/robustness.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_memory.py"

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc/self/status (Linux)")


def peak(mode: str) -> dict:
    out = subprocess.run([sys.executable, str(BENCH), "--child", "--mode", mode, "--units", "100000",
                          "--indicators", "200"], capture_output=True, text=True, check=True, timeout=300)
    return json.loads(out.stdout)


@pytest.mark.parametrize("mode", ["core", "python"])
def test_scoring_peaks_under_three_copies_of_the_data(mode: str) -> None:
    r = peak(mode)
    assert r["peak_reset"], "VmHWM could not be reset, so the peak would include making the input"
    # The input itself is one copy (plus the unit codes, in Arrow strings when pandas has pyarrow,
    # and what loading pyarrow costs): scoring may add at most two more.
    assert 1.0 <= r["input_copies"] < 1.15
    assert r["peak_scoring_copies"] - r["input_copies"] <= 2.0, r
    if mode == "core":  # the root's scores and the ranks cross to NumPy as views: no copy
        assert r["peak_copies"] <= 3.0, r
