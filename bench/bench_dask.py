"""Scoring beyond one machine: compindex.score on a Dask DataFrame of Parquet parts.

Generates N units x K indicators (5 pillars under one root; 2 % missing cells, every fifth
indicator inverse) as Parquet parts in a temporary directory, one part at a time (the generator
holds one part), then scores them on a dask.distributed LocalCluster of worker processes and
reports the total time, the time of each stage, the CPU time of the client and the workers, and
the peak resident memory of the client and of each worker (sampled with psutil every 50 ms),
compared with the size of one partition. For the ratio, the in-memory run (compindex.score on a
pandas DataFrame) is timed at --memory-units, and the partitioned run on the same data is checked
to give the same scores bit for bit.

    PYTHONPATH=build/dev/python python3 bench/bench_dask.py                  # 10,000,000 x 50
    PYTHONPATH=build/dev/python python3 bench/bench_dask.py --units 2000000 --parts 4 --spec gii
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import tempfile
import threading
import time
from typing import Any

import numpy as np
import pandas as pd
import psutil

SPECS: dict[str, dict[str, Any]] = {
    "min_max": {},
    "gii": {"treatment": "gii", "normalization": "z_score", "imputation": "mean"},
}


def framework(k: int) -> Any:
    import compindex as ci

    nodes = [{"code": "INDEX", "parent": ""}]
    pillars = 5
    for p in range(pillars):
        nodes.append({"code": f"P{p}", "parent": "INDEX"})
    for j in range(k):
        nodes.append({"code": f"x{j:03d}", "parent": f"P{j % pillars}", "direction": -1 if j % 5 == 4 else 1})
    return ci.Framework.from_nodes(nodes)


def make_part(start: int, n: int, k: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(50.0, 10.0, (n, k))
    x[:, ::7] = np.exp(rng.normal(0.0, 1.0, (n, x[:, ::7].shape[1])))  # skewed indicators
    x[rng.random((n, k)) < 0.02] = np.nan
    df = pd.DataFrame(x, columns=[f"x{j:03d}" for j in range(k)])
    df.insert(0, "unit", [f"u{i:09d}" for i in range(start, start + n)])
    return df


def generate(folder: str, units: int, k: int, parts: int) -> None:
    """Writes the parts one at a time (run in a child process, so the client's memory is not
    counted)."""
    bounds = np.linspace(0, units, parts + 1).astype(np.int64)
    for p in range(parts):
        df = make_part(int(bounds[p]), int(bounds[p + 1] - bounds[p]), k, 1000 + p)
        df.to_parquet(os.path.join(folder, f"part.{p}.parquet"), index=False)
        del df


class Sampler:
    """Peak RSS of this process and of the given worker processes, every 50 ms."""

    def __init__(self, pids: list[int]) -> None:
        self.procs = {pid: psutil.Process(pid) for pid in pids}
        self.me = psutil.Process()
        self.peak_client = 0
        self.peak_workers = {pid: 0 for pid in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_client = max(self.peak_client, self.me.memory_info().rss)
            for pid, p in self.procs.items():
                try:
                    self.peak_workers[pid] = max(self.peak_workers[pid], p.memory_info().rss)
                except psutil.Error:
                    pass
            time.sleep(0.05)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        t = psutil.Process(pid).cpu_times()
        total += t.user + t.system
    return total


def bits(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a[np.isnan(a)] = np.nan
    return a.view(np.uint64)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=10_000_000)
    ap.add_argument("--indicators", type=int, default=50)
    ap.add_argument("--parts", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-units", type=int, default=1_000_000, help="units of the in-memory comparison (0: skip)")
    ap.add_argument("--spec", choices=sorted(SPECS), default="min_max")
    ap.add_argument("--dir", default=None, help="where to make the temporary directory (default: the system's)")
    ap.add_argument("--keep-parts", default=None, metavar="FOLDER",
                    help="generate the parts into FOLDER and keep them; reuse them when FOLDER already has them")
    a = ap.parse_args()

    import dask.dataframe as dd
    import distributed

    import compindex as ci
    from compindex._dask_scoring import read_folder

    spec = SPECS[a.spec]
    fw = framework(a.indicators)
    base = tempfile.mkdtemp(prefix="bench-dask-", dir=a.dir)
    try:
        parts_dir = a.keep_parts or os.path.join(base, "parts")
        os.makedirs(parts_dir, exist_ok=True)
        t0 = time.perf_counter()
        if len([f for f in os.listdir(parts_dir) if f.endswith(".parquet")]) != a.parts:
            child = mp.get_context("spawn").Process(target=generate, args=(parts_dir, a.units, a.indicators, a.parts))
            child.start()
            child.join()
            assert child.exitcode == 0
        gen = time.perf_counter() - t0
        part_bytes = a.units // a.parts * a.indicators * 8
        print(f"{a.units:,} units x {a.indicators} indicators ({a.units * a.indicators * 8 / 1e9:.1f} GB of float64) "
              f"in {a.parts} Parquet parts of {part_bytes / 1e6:.0f} MB; generated in {gen:.1f} s; spec {a.spec}")

        with distributed.LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                                      dashboard_address=":0", memory_limit=0) as cluster, \
                distributed.Client(cluster) as client:
            pids = [int(v) for v in client.run(os.getpid).values()]
            cpu0 = cpu_seconds(pids) + cpu_seconds([os.getpid()])
            with Sampler(pids) as s:
                t0 = time.perf_counter()
                res = ci.score(fw, read_folder(fw, parts_dir), workdir=os.path.join(base, "work"), **spec)
                total = time.perf_counter() - t0
            cpu = cpu_seconds(pids) + cpu_seconds([os.getpid()]) - cpu0
            print(f"partitioned run: {total:.1f} s wall, {cpu:.1f} s CPU (client + workers), "
                  f"{total / a.units * 1e9 / a.indicators:.1f} ns per cell")
            for stage, sec in res.timings.items():
                print(f"  {stage:10s} {sec:7.1f} s")
            print(f"peak RSS: client {s.peak_client / 1e6:.0f} MB; workers "
                  + ", ".join(f"{v / 1e6:.0f} MB" for v in s.peak_workers.values())
                  + f"; one partition of values is {part_bytes / 1e6:.0f} MB, one column {a.units * 8 / 1e6:.0f} MB")
            res.close()

            if a.memory_units:
                m = a.memory_units
                data = make_part(0, m, a.indicators, 7).set_index("unit")
                t0 = time.perf_counter()
                mem = ci.score(fw, data, **spec)
                t_mem = time.perf_counter() - t0
                t0 = time.perf_counter()
                small = ci.score(fw, dd.from_pandas(data, npartitions=a.parts, sort=False), **spec)
                t_part = time.perf_counter() - t0
                same = np.array_equal(bits(small.scores.compute().to_numpy()), bits(mem.scores.to_numpy()))
                ranks_same = small.ranks.compute().equals(mem.ranks.astype("Int32"))
                small.close()
                print(f"in memory at {m:,} units: {t_mem:.2f} s ({t_mem / m * 1e9 / a.indicators:.1f} ns per cell); "
                      f"partitioned on the same data: {t_part:.2f} s ({t_part / t_mem:.1f}x); same scores bit for bit: "
                      f"{same}, same ranks: {ranks_same}")
                per_cell_ratio = (total / a.units) / (t_mem / m)
                print(f"partitioned at {a.units:,} per unit / in memory at {m:,} per unit: {per_cell_ratio:.1f}x")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
