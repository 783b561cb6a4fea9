"""Ctrl-C during a long analysis: KeyboardInterrupt within a fraction of a second (the engine stops
between blocks of replications), nothing keeps running, and the next call in the same process
gives the right result. Checked in a plain Python process (SIGINT) and in a Jupyter kernel (the
notebook's interrupt button, once the cell shows its progress bar)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pandas as pd
import pytest

import compindex

# A slow analysis: 300 units, 150 indicators with 2 % of cells missing, 30,000 replications, half of
# them imputing by an EM draw refitted in each (minutes uninterrupted: without the imputation factor
# an idle machine finished the 30,000 before SIGINT arrived; SIGINT is sent once the progress bar
# shows), and a small one whose result the second call must reproduce.
SETUP = textwrap.dedent("""
    import time
    import numpy as np, pandas as pd
    import compindex as ci
    from compindex.uncertainty import Aggregation, Normalization, Weights
    rng = np.random.default_rng(1)
    nodes = [{"code": "I"}] + [{"code": f"P{p}", "parent": "I"} for p in range(10)]
    nodes += [{"code": f"x{j}", "parent": f"P{j // 15}"} for j in range(150)]
    fw = ci.Framework.from_nodes(nodes)
    data = pd.DataFrame(rng.lognormal(size=(300, 150)), columns=[f"x{j}" for j in range(150)],
                        index=[f"u{i:03d}" for i in range(300)])
    factors = [Weights(spread=0.3), Normalization(["min_max", "percentile_rank"]),
               Aggregation(["arithmetic_mean", "geometric_mean"])]
    def small():
        return ci.uncertainty_analysis(fw, data, factors, n=300, seed=2, threads=2, range=(1, 100), progress=False)
    reference = small()
""")

# The long analysis's data and factors; its progress bar opens at once, so the test sees the
# replications start (an estimate under 2 s would show none).
LONG = textwrap.dedent("""
    import compindex.uncertainty
    compindex.uncertainty._PROGRESS_AFTER = 0.0
    from compindex.uncertainty import Imputation
    gaps = data.mask(np.random.default_rng(4).random(data.shape) < 0.02)
    slow = [Imputation(["em", "em_draw"])]
""")

CHILD = SETUP + LONG + textwrap.dedent("""
    import signal, sys
    # As in a terminal: SIGINT unblocked and handled by Python (a child inherits the signal mask and
    # an ignored disposition from whatever started it, here the test process after 600 other tests).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.default_int_handler)
    what = sys.argv[1]
    print("started", flush=True)
    try:
        if what == "uncertainty":
            ci.uncertainty_analysis(fw, gaps, factors + slow, n=30_000, seed=3, threads=2, range=(1, 100),
                                    progress=True, imputation="em")
        else:
            ci.sensitivity_analysis(fw, gaps, factors + slow, n=6_000, seed=3, threads=2, range=(1, 100), progress=True,
                                    imputation="em")
        print("finished", flush=True)
    except KeyboardInterrupt:
        print("interrupted", time.monotonic(), flush=True)
    again = small()
    same = again.ranks.equals(reference.ranks) and again.summary.equals(reference.summary)
    print("second call", "same" if same else "DIFFERENT", flush=True)
""")


def _env() -> dict[str, str]:
    # The child imports the compindex this test imports (the build tree or the installed package).
    parent = os.path.dirname(os.path.dirname(os.path.abspath(compindex.__file__)))
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [parent, os.environ.get("PYTHONPATH")]))}


@pytest.mark.parametrize("what", ["uncertainty", "sensitivity"])
def test_sigint_stops_a_long_analysis_promptly_and_the_next_call_works(what):
    child = subprocess.Popen([sys.executable, "-c", CHILD, what], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=_env())
    err_parts: list[str] = []
    reader = threading.Thread(target=lambda: err_parts.extend(iter(lambda: child.stderr.read(1), "")), daemon=True)
    try:
        assert child.stdout.readline().strip() == "started"
        reader.start()
        # Wait for the progress bar on stderr: the analysis is in its replications (past the set-up).
        deadline = time.monotonic() + 120
        while f"{what} analysis" not in "".join(err_parts) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.01)
        sent = time.monotonic()
        os.kill(child.pid, signal.SIGINT)
        out = child.stdout.read()
        child.wait(timeout=60)
        reader.join(timeout=10)
        err = "".join(err_parts)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if reader.ident is not None:
            reader.join(timeout=10)
        child.stdout.close()
        child.stderr.close()
    lines = out.splitlines()
    assert child.returncode == 0, err
    assert lines[0].startswith("interrupted"), (out, err)
    lag = float(lines[0].split()[1]) - sent  # CLOCK_MONOTONIC: the same clock in both processes
    assert 0 <= lag < 0.5, f"KeyboardInterrupt came {lag:.3f} s after SIGINT"
    assert lines[1] == "second call same"


def test_interrupting_a_notebook_kernel_keeps_it_usable():
    jupyter_client = pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        km = jupyter_client.KernelManager(kernel_name="python3")
        km.start_kernel(env=_env())
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            setup = kc.execute_interactive(SETUP + LONG, timeout=120)
            assert setup["content"]["status"] == "ok"
            # stop_on_error=False: the kernel would otherwise abort the cells queued right after the
            # interrupted one (as a notebook's "run all" does), and the next cell is sent at once here.
            msg_id = kc.execute("ci.uncertainty_analysis(fw, gaps, factors + slow, n=30_000, seed=3, threads=2, "
                                "range=(1, 100), imputation='em')", stop_on_error=False)
            # Wait for the progress bar (stderr of the cell): the analysis is in its replications.
            bar = ""
            while "uncertainty analysis" not in bar:
                msg = kc.get_iopub_msg(timeout=60)
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                    bar += msg["content"]["text"]
            sent = time.monotonic()
            km.interrupt_kernel()
            reply = kc.get_shell_msg(timeout=30)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = kc.get_shell_msg(timeout=30)
            lag = time.monotonic() - sent
            assert reply["content"]["status"] == "error"
            assert reply["content"]["ename"] == "KeyboardInterrupt"
            assert lag < 2.0, f"the kernel answered {lag:.2f} s after the interrupt"
            outputs: list[str] = []
            check = kc.execute_interactive(
                "again = small(); print(again.ranks.equals(reference.ranks) and again.summary.equals(reference.summary))",
                timeout=120, output_hook=lambda m: outputs.append(m["content"].get("text", "")))
            assert check["content"]["status"] == "ok"
            assert "".join(outputs).strip() == "True"
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


# -- progress -------------------------------------------------------------------------------------
def _progress_index():
    import numpy as np
    import pandas as pd

    from compindex.uncertainty import Normalization, Weights

    rng = np.random.default_rng(4)
    # Large enough that the first 50 ms poll finds the analysis under way, even on idle cores.
    nodes = [{"code": "I"}] + [{"code": f"P{p}", "parent": "I"} for p in range(10)]
    nodes += [{"code": f"x{j}", "parent": f"P{j // 15}"} for j in range(150)]
    fw = compindex.Framework.from_nodes(nodes)
    data = pd.DataFrame(rng.lognormal(size=(300, 150)), columns=[f"x{j}" for j in range(150)],
                        index=[f"u{i:03d}" for i in range(300)])
    return fw, data, [Weights(spread=0.3), Normalization(["min_max", "percentile_rank"])]


@pytest.mark.parametrize("threads", [1, 2])
def test_progress_bar_shows_and_changes_no_bit(monkeypatch, capsys, threads):
    pytest.importorskip("tqdm")
    import compindex.uncertainty as U

    fw, data, factors = _progress_index()
    quiet = compindex.uncertainty_analysis(fw, data, factors, n=10_000, seed=1, threads=threads, progress=False)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(U, "_PROGRESS_AFTER", 0.0)  # any analysis counts as long: the bar opens at the first block
    shown = compindex.uncertainty_analysis(fw, data, factors, n=10_000, seed=1, threads=threads, progress=True)
    err = capsys.readouterr().err
    assert "uncertainty analysis" in err and "/10000" in err and "rep" in err
    pd.testing.assert_frame_equal(shown.ranks, quiet.ranks, check_exact=True)
    pd.testing.assert_frame_equal(shown.summary, quiet.summary, check_exact=True)
    # Off by the keyword, even for a long analysis; and off by default where nobody sees it (pytest's
    # captured stderr is not a terminal).
    compindex.uncertainty_analysis(fw, data, factors, n=10_000, seed=1, threads=threads, progress=False)
    compindex.uncertainty_analysis(fw, data, factors, n=10_000, seed=1, threads=threads)
    assert capsys.readouterr().err == ""
    sa_quiet = compindex.sensitivity_analysis(fw, data, factors, n=2000, seed=1, threads=threads, progress=False)
    sa_shown = compindex.sensitivity_analysis(fw, data, factors, n=2000, seed=1, threads=threads, progress=True)
    assert "sensitivity analysis" in capsys.readouterr().err
    np.testing.assert_array_equal(sa_shown.y, sa_quiet.y)


def test_a_short_analysis_shows_no_bar(capsys):
    pytest.importorskip("tqdm")
    fw, data, factors = _progress_index()
    compindex.uncertainty_analysis(fw, data, factors, n=100, seed=1, progress=True)  # well under two seconds
    assert capsys.readouterr().err == ""


def test_the_bar_opens_only_when_the_estimate_exceeds_two_seconds(monkeypatch):
    import compindex.uncertainty as U

    clock = [100.0]
    monkeypatch.setattr(U.time, "monotonic", lambda: clock[0])
    opened = []
    monkeypatch.setattr(U._Progress, "_open", lambda self: opened.append(self.done) or _FakeBar(self.done))
    p = U._Progress(1000, "x", True)
    clock[0] += 0.1
    p(60)  # 0.1 s for 60 of 1000: about 1.7 s in all, no bar
    assert opened == []
    clock[0] += 0.15
    p(100)  # 0.25 s for 100 of 1000: 2.5 s in all, a bar
    assert opened == [100]
    p(400)
    assert p.bar.n == 400
    p.close()
    q = U._Progress(1000, "x", False)
    clock[0] += 100
    q(1)
    assert opened == [100]  # disabled: never


class _FakeBar:
    def __init__(self, n: int) -> None:
        self.n = n

    def update(self, k: int) -> None:
        self.n += k

    def close(self) -> None:
        pass
