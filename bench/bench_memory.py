"""Peak memory of scoring a large index, in copies of the data.

    PYTHONPATH=build/dev/python python3 bench/bench_memory.py                 # 1,000,000 x 100
    PYTHONPATH=build/dev/python python3 bench/bench_memory.py --units 100000  # a quick check

Each measurement runs in a fresh subprocess and reads the peak resident set (VmHWM in
/proc/self/status, reset through /proc/self/clear_refs once the input exists, so the peak is the
scoring's own). "One copy" is units x indicators doubles (800 MB at 1,000,000 x 100). Figures are
the peak above the resident set before the data were made, divided by one copy:

- core: the C++ pipeline through compindex._core: a Dataset (borrowing the NumPy array) and
  compindex::build with min-max and arithmetic means; then the root's scores and the ranks, as
  the NumPy views the bindings return;
- python: compindex.score on a DataFrame (a `unit` column and one float column per indicator),
  then Result.index and Result.ranks, as a user would.

The tree is 100 indicators -> 20 sub-pillars -> 4 pillars -> the index (the shape scales with
--indicators). The goal is at most 3 copies. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any


def _status(field: str) -> int:
    """A /proc/self/status field in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> bool:
    """Reset VmHWM to the current resident set (Linux >= 4.0); False where that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def tree(n_ind: int) -> tuple[list[str], list[str]]:
    codes, parents = ["Index"], [""]
    n_sub = max(1, n_ind // 5)
    n_pil = max(1, n_sub // 5)
    for p in range(n_pil):
        codes.append(f"P{p}"), parents.append("Index")
    for s in range(n_sub):
        codes.append(f"S{s}"), parents.append(f"P{s % n_pil}")
    for j in range(n_ind):
        codes.append(f"i{j}"), parents.append(f"S{j % n_sub}")
    return codes, parents


def fill(values: Any, seed: int = 1) -> None:
    """Log-normal columns with 2% missing, written column by column (no full-size temporaries)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = values.shape[0]
    for j in range(values.shape[1]):
        col = rng.lognormal(mean=1.0 + (j % 7), sigma=0.5 + (j % 3) * 0.3, size=n)
        col[rng.random(n) < 0.02] = np.nan
        values[:, j] = col


def measure(mode: str, n: int, k: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    import compindex as ci
    from compindex import _core

    codes, parents = tree(k)
    fw = ci.Framework.from_frame(pd.DataFrame({"code": codes, "parent": parents}))
    units = [f"u{i:07d}" for i in range(n)]
    copy = n * k * 8
    rss0 = _status("VmRSS")
    t0 = time.perf_counter()
    if mode == "core":
        values = np.empty((n, k), order="F")
        fill(values)
        ds = _core.Dataset(units, values)  # the C++ dataset borrows the array (no copy)
        del values
        rss_in = _status("VmRSS")
        reset = _reset_peak()
        t1 = time.perf_counter()
        res = _core.build(fw._core, ds, ci.make_spec(fw))
        t_score = time.perf_counter() - t1
        peak_build = _status("VmHWM")
        index = np.asarray(res.aggregated)[:, fw.aggregates.index(fw.root)]  # views, as a C++ caller reads them
        ranks = np.asarray(res.ranks)
        peak = _status("VmHWM")
        del index, ranks, res
    else:
        values = np.empty((n, k), order="F")
        fill(values)
        df = pd.DataFrame(values, columns=fw.indicators, copy=False)
        df.insert(0, "unit", units)
        del values
        rss_in = _status("VmRSS")
        reset = _reset_peak()
        t1 = time.perf_counter()
        res = ci.score(fw, df)
        t_score = time.perf_counter() - t1
        peak_build = _status("VmHWM")
        _ = res.index, res.ranks
        peak = _status("VmHWM")
    return {
        "mode": mode, "units": n, "indicators": k, "nodes": len(codes), "copy_mb": copy / 2**20,
        "input_copies": (rss_in - rss0) / copy, "peak_scoring_copies": (peak_build - rss0) / copy,
        "peak_copies": (peak - rss0) / copy, "peak_mb": peak / 2**20, "score_seconds": t_score,
        "setup_seconds": t1 - t0, "peak_reset": reset,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=1_000_000)
    p.add_argument("--indicators", type=int, default=100)
    p.add_argument("--mode", choices=["core", "python", "both"], default="both")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        print(json.dumps(measure(a.mode, a.units, a.indicators)))
        return 0
    rows = []
    for mode in (["core", "python"] if a.mode == "both" else [a.mode]):
        out = subprocess.run([sys.executable, __file__, "--child", "--mode", mode, "--units", str(a.units),
                              "--indicators", str(a.indicators)], capture_output=True, text=True, env=os.environ)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return out.returncode
        rows.append(json.loads(out.stdout))
    r0 = rows[0]
    print(f"{r0['units']:,} units x {r0['indicators']} indicators ({r0['nodes']} nodes); "
          f"one copy of the data = {r0['copy_mb']:.0f} MiB\n")
    print("| API | input (copies) | peak while scoring (copies) | peak with scores/ranks read (copies) | peak RSS (MiB) | scoring (s) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mode']} | {r['input_copies']:.2f} | {r['peak_scoring_copies']:.2f} | {r['peak_copies']:.2f} | "
              f"{r['peak_mb']:.0f} | {r['score_seconds']:.1f} |")
    if not all(r["peak_reset"] for r in rows):
        print("\n(VmHWM could not be reset: peaks include making the input)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
