"""Faults on a Dask cluster: a worker killed in the middle of an uncertainty or sensitivity
analysis is replaced and its chunks re-run elsewhere, and the result is bit-identical to the local
run; a cluster lost entirely makes the call raise a ComputationError saying how many replications
were done (never a partial result passed off as whole), and the finished parts plus the missing
ranges merge into the local result."""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import time

import numpy as np
import pandas as pd
import pytest

import compindex as ci
from compindex.uncertainty import Aggregation, Normalization, Weights, merge

distributed = pytest.importorskip("dask.distributed")

# Large enough that a chunk takes a good fraction of a second on a worker.
FACTORS = [Weights(spread=0.3), Normalization(["min_max", "percentile_rank"]), Aggregation(["arithmetic_mean", "geometric_mean"])]
UA = dict(n=12_000, seed=5, threads=1, range=(1, 100), progress=False)
SA = dict(n=1_500, seed=5, threads=1, range=(1, 100), progress=False)


@pytest.fixture(scope="module")
def index() -> tuple[ci.Framework, pd.DataFrame]:
    rng = np.random.default_rng(1)
    nodes = [{"code": "I"}] + [{"code": f"P{p}", "parent": "I"} for p in range(6)]
    nodes += [{"code": f"x{j}", "parent": f"P{j // 10}"} for j in range(60)]
    fw = ci.Framework.from_nodes(nodes)
    data = pd.DataFrame(rng.lognormal(size=(200, 60)), columns=[f"x{j}" for j in range(60)],
                        index=[f"u{i:03d}" for i in range(200)])
    return fw, data


def _cluster() -> tuple[object, object]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    return cluster, distributed.Client(cluster)


def _wait_for_running_task(client: object, timeout: float = 60.0) -> str:
    # A worker that is executing a chunk right now (the analysis is in mid-run).
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        busy = [w for w, tasks in client.processing().items() if tasks]
        if busy and client.run(lambda dask_worker: len(dask_worker.state.executing), workers=busy[:1])[busy[0]]:
            return busy[0]
        time.sleep(0.05)
    raise AssertionError("no chunk started on the cluster")


def _same_ua(a, b) -> None:
    pd.testing.assert_frame_equal(a.ranks, b.ranks, check_exact=True)
    pd.testing.assert_frame_equal(a.scores, b.scores, check_exact=True)
    pd.testing.assert_frame_equal(a.summary, b.summary, check_exact=True)
    pd.testing.assert_frame_equal(a.outrank_probability, b.outrank_probability, check_exact=True)


@pytest.mark.parametrize("what", ["uncertainty", "sensitivity"])
def test_a_worker_killed_mid_run_changes_nothing(index, what):
    fw, data = index
    if what == "uncertainty":
        run = lambda **kw: ci.uncertainty_analysis(fw, data, FACTORS, **UA, **kw)  # noqa: E731
    else:
        run = lambda **kw: ci.sensitivity_analysis(fw, data, FACTORS, **SA, **kw)  # noqa: E731
    local = run()
    cluster, client = _cluster()
    try:
        with cf.ThreadPoolExecutor(1) as pool:
            pending = pool.submit(run, client=client, chunks=8)
            victim = _wait_for_running_task(client)
            pid = client.run(os.getpid, workers=[victim])[victim]
            assert not pending.done()
            os.kill(pid, signal.SIGKILL)  # the worker process dies with its chunk; the nanny starts another
            remote = pending.result(timeout=120)
        # The killed worker is gone and a new one took its place.
        workers = client.scheduler_info()["workers"]
        assert victim not in workers or workers[victim].get("pid") != pid
    finally:
        client.close()
        cluster.close()
    if what == "uncertainty":
        _same_ua(remote, local)
    else:
        np.testing.assert_array_equal(remote.y, local.y)
        pd.testing.assert_frame_equal(remote.indices, local.indices, check_exact=True)


def test_a_lost_cluster_raises_and_the_parts_resume(index):
    fw, data = index
    local = ci.uncertainty_analysis(fw, data, FACTORS, **UA)
    cluster, client = _cluster()
    try:
        with cf.ThreadPoolExecutor(1) as pool:
            pending = pool.submit(ci.uncertainty_analysis, fw, data, FACTORS, client=client, chunks=8, **UA)
            _wait_for_running_task(client)
            cluster.close()  # scheduler and every worker gone
            with pytest.raises(ci.ComputationError) as caught:
                pending.result(timeout=120)
    finally:
        client.close()
        cluster.close()
    err = caught.value
    msg = str(err)
    n_done = sum(c for _, c in err.done_ranges)
    assert n_done < UA["n"]
    assert f"after {n_done} of {UA['n']} replications ({len(err.done_ranges)} of 8 chunks) were done" in msg
    assert "no partial result is returned" in msg and "compindex.uncertainty.merge" in msg
    assert "start=" in msg and "count=" in msg
    # The missing ranges tile what was not done; run them locally and merge with the finished parts.
    assert n_done + sum(c for _, c in err.missing_ranges) == UA["n"]
    assert [(p.start, p.count) for p in err.parts] == err.done_ranges
    rest = [ci.uncertainty_analysis(fw, data, FACTORS, start=s, count=c, **UA) for s, c in err.missing_ranges]
    _same_ua(merge(err.parts + rest), local)


def test_the_lost_cluster_message_counts_what_was_done():
    # 3 chunks of 100, 100 and 50 replications from replication 1000; the second was done.
    from compindex.uncertainty import _cluster_lost

    spans = [(0, 100), (100, 200), (200, 250)]
    err = _cluster_lost("sensitivity analysis", OSError("connection refused"), spans, {100: ()}, 1000, 250)
    assert str(err) == ("sensitivity analysis: the Dask cluster failed (OSError: connection refused) after 100 of 250 "
                        "replications (1 of 3 chunks) were done; no partial result is returned. Run the missing "
                        "replications (start=1000, count=100; start=1200, count=50) and combine the parts (this error's "
                        ".parts and the new ones) with compindex.uncertainty.merge")
    assert err.done_ranges == [(1100, 100)] and err.missing_ranges == [(1000, 100), (1200, 50)]
    err = _cluster_lost("uncertainty analysis", OSError(""), spans, {}, 0, 250)
    assert "(OSError: no message) after 0 of 250 replications (0 of 3 chunks)" in str(err)
    assert "(start=0, count=100; start=100, count=100; start=200, count=50)" in str(err)
    assert isinstance(err, ci.Error) and err.parts == []
