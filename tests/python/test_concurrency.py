"""Python threads: score, uncertainty_analysis and sensitivity_analysis called from eight threads at
once on one Framework and one DataFrame give exactly the serial results, and the GIL is released
while the core computes (a Python thread keeps running meanwhile)."""

from __future__ import annotations

import concurrent.futures as cf
import threading
import time

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.uncertainty import Aggregation, Normalization, Treatment, Weights

THREADS = 8
CALLS = 3  # per thread and per function: 8 x 3 x 3 = 72 calls in flight together


@pytest.fixture(scope="module")
def index() -> tuple[ci.Framework, pd.DataFrame]:
    rng = np.random.default_rng(21)
    nodes = [{"code": "I"}] + [{"code": f"P{p}", "parent": "I"} for p in range(4)]
    nodes += [{"code": f"x{j}", "parent": f"P{j // 4}"} for j in range(16)]
    fw = ci.Framework.from_nodes(nodes)
    data = pd.DataFrame(rng.lognormal(size=(40, 16)), columns=[f"x{j}" for j in range(16)],
                        index=[f"u{i:02d}" for i in range(40)])
    data.iloc[3, 5] = np.nan
    return fw, data


FACTORS = [Weights(spread=0.3), Normalization(["min_max", "percentile_rank"]),
           Aggregation(["arithmetic_mean", "geometric_mean"]), Treatment([None, "gii"])]


def _calls(fw: ci.Framework, data: pd.DataFrame, threads: int):
    # The three public entry points, each returning plain arrays to compare bit for bit.
    def score():
        r = ci.score(fw, data, range=(1, 100))
        return r.scores.to_numpy(), r.ranks.to_numpy(dtype=float, na_value=np.nan)

    def uncertainty():
        u = ci.uncertainty_analysis(fw, data, FACTORS, n=150, seed=7, threads=threads, range=(1, 100), progress=False)
        return u.ranks.to_numpy(), u.summary.to_numpy(), u.outrank_probability.to_numpy()

    def sensitivity():
        s = ci.sensitivity_analysis(fw, data, FACTORS, n=32, seed=7, threads=threads, n_bootstrap=100, range=(1, 100),
                                    progress=False)
        return s.y, s.indices.to_numpy()

    return {"score": score, "uncertainty": uncertainty, "sensitivity": sensitivity}


def _equal(a, b) -> bool:
    return all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b))


def test_eight_threads_give_the_serial_results(index):
    fw, data = index
    serial = {name: f() for name, f in _calls(fw, data, 1).items()}
    barrier = threading.Barrier(THREADS)

    def worker(t: int) -> list[tuple[str, bool]]:
        calls = _calls(fw, data, 1 + t % 2)  # half the calls also split their rows over two C++ threads
        barrier.wait()  # start together
        out = []
        for k in range(CALLS):
            for name in ("score", "uncertainty", "sensitivity")[k % 3:] + ("score", "uncertainty", "sensitivity")[:k % 3]:
                out.append((name, _equal(calls[name](), serial[name])))
        return out

    with cf.ThreadPoolExecutor(THREADS) as pool:
        results = [r for rs in pool.map(worker, range(THREADS)) for r in rs]
    assert len(results) == THREADS * CALLS * 3
    assert [name for name, ok in results if not ok] == []


def test_the_gil_is_released_during_an_analysis(index):
    fw, data = index
    done = threading.Event()
    elapsed = []

    def long_analysis():
        start = time.monotonic()
        ci.uncertainty_analysis(fw, data, FACTORS, n=150_000, seed=1, threads=1, range=(1, 100), progress=False)
        elapsed.append(time.monotonic() - start)
        done.set()

    thread = threading.Thread(target=long_analysis)
    # Meanwhile this thread runs Python: ticks every 10 ms. Were the GIL held by the analysis, the
    # ticks would stop for its whole duration (seconds).
    ticks, gaps = 0, []
    last = time.monotonic()
    thread.start()
    while not done.is_set():
        time.sleep(0.01)
        sum(range(1000))  # some Python work under the GIL
        now = time.monotonic()
        gaps.append(now - last)
        last = now
        ticks += 1
    thread.join()
    assert elapsed[0] > 0.5  # long enough to tell
    assert ticks > 0.3 * elapsed[0] / 0.0101, (ticks, elapsed[0])
    assert max(gaps[1:]) < 0.5, max(gaps)
