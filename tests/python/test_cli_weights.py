"""compindex weights: derived weights written into the metadata table (as nominal weights or a
named set), then scored with compindex score --weights NAME."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compindex.cli import main


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    meta = tmp_path / "meta.csv"
    meta.write_text("code,parent,weight\nP,,1\na,P,2\nb,P,1\nc,P,1\n")
    data = tmp_path / "data.csv"
    # The CRITIC hand case: a = 1 2 3 4, b = 2 4 6 8 (r_ab = 1), c = 4 1 3 2 (r = -0.4 with both):
    # conflict sums 1.4, 1.4, 2.8 and equal spreads after min-max, so w = .25 .25 .5.
    data.write_text("unit,a,b,c\nAUT,1,2,4\nBEL,2,4,1\nCZE,3,6,3\nDNK,4,8,2\n")
    return meta, data


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_weights_as_a_named_set_then_score_with_it(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    meta, data = files
    out_meta = tmp_path / "meta_out.csv"
    status, out, err = run(capsys, "weights", "--method", "critic", "--framework", meta, "--data", data, "--out", out_meta,
                           "--set", "critic", "--normalization", "none")
    assert status == 0, err
    assert "critic" in out and "P" in out
    table = pd.read_csv(out_meta).set_index("code")
    np.testing.assert_allclose(table.loc[["a", "b", "c"], "weight_critic"], [0.25, 0.25, 0.5], rtol=1e-10)
    np.testing.assert_allclose(table.loc[["a", "b", "c"], "weight"], [2, 1, 1])  # nominal kept
    scores = tmp_path / "scores.csv"
    status, out, err = run(capsys, "score", "--framework", out_meta, "--data", data, "--out", scores, "--weights", "critic",
                           "--normalization", "none")
    assert status == 0, err
    s = pd.read_csv(scores).query("code == 'P'").set_index("unit")["score"]
    # P = .25 a + .25 b + .5 c: AUT .25 + .5 + 2 = 2.75, BEL .5 + 1 + .5 = 2, CZE .75 + 1.5 + 1.5 = 3.75, DNK 1 + 2 + 1 = 4.
    np.testing.assert_allclose(s[["AUT", "BEL", "CZE", "DNK"]], [2.75, 2.0, 3.75, 4.0], rtol=1e-9)


def test_weights_as_nominal_weights(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path) -> None:
    meta, data = files
    out_meta = tmp_path / "meta_out.csv"
    status, _, err = run(capsys, "weights", "--method", "equal", "--framework", meta, "--out", out_meta)
    assert status == 0, err
    table = pd.read_csv(out_meta).set_index("code")
    np.testing.assert_allclose(table.loc[["a", "b", "c"], "weight"], [1 / 3] * 3, rtol=1e-10)
    assert not [c for c in table.columns if c.startswith("weight_")]


def test_bad_input_is_one_error_line(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path) -> None:
    meta, data = files
    out_meta = tmp_path / "meta_out.csv"
    status, _, err = run(capsys, "weights", "--method", "magic", "--framework", meta, "--data", data, "--out", out_meta)
    assert status == 2 and err.startswith("compindex: error:") and "magic" in err and err.count("\n") == 1
    status, _, err = run(capsys, "weights", "--method", "pca", "--framework", meta, "--out", out_meta)
    assert status == 2 and "needs --data" in err
    # Entropy of a negative value (z-scores): names the node, child and unit.
    status, _, err = run(capsys, "weights", "--method", "entropy", "--framework", meta, "--data", data, "--out", out_meta,
                         "--normalization", "z_score")
    assert status == 2 and "node 'P', child 'a', unit 'AUT'" in err and "negative" in err
    assert not out_meta.exists()


def test_ahp_judgements_from_a_file(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], tmp_path: Path) -> None:
    meta, _ = files
    judgements = tmp_path / "judgements.csv"
    # A consistent matrix: a = 2 b, a = 4 c, b = 2 c, so w = (4, 2, 1)/7 and CR = 0.
    judgements.write_text("node,child_a,child_b,value,expert\nP,a,b,2,ann\nP,a,c,4,ann\nP,b,c,2,ann\n")
    out_meta = tmp_path / "meta_out.csv"
    status, out, err = run(capsys, "weights", "--method", "ahp", "--judgements", judgements, "--framework", meta,
                           "--out", out_meta, "--set", "experts")
    assert status == 0, err
    table = pd.read_csv(out_meta).set_index("code")
    np.testing.assert_allclose(table.loc[["a", "b", "c"], "weight_experts"], [4 / 7, 2 / 7, 1 / 7], rtol=1e-9)
    # The row geometric mean gives the same weights on a consistent matrix; parameters pass through.
    status, _, err = run(capsys, "weights", "--method", "ahp(method=geometric)", "--judgements", judgements,
                         "--framework", meta, "--out", out_meta)
    assert status == 0, err
    np.testing.assert_allclose(pd.read_csv(out_meta).set_index("code").loc[["a", "b", "c"], "weight"],
                               [4 / 7, 2 / 7, 1 / 7], rtol=1e-9)


def test_budget_allocations_and_expert_errors(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    meta, _ = files
    alloc = tmp_path / "alloc.csv"
    # Shares: ann .5 .3 .2, bob .3 .3 .4 -> means .4 .3 .3.
    alloc.write_text("node,child,points,expert\nP,a,50,ann\nP,b,30,ann\nP,c,20,ann\nP,a,3,bob\nP,b,3,bob\nP,c,4,bob\n")
    out_meta = tmp_path / "meta_out.csv"
    status, _, err = run(capsys, "weights", "--method", "budget", "--allocations", alloc, "--framework", meta,
                         "--out", out_meta)
    assert status == 0, err
    np.testing.assert_allclose(pd.read_csv(out_meta).set_index("code").loc[["a", "b", "c"], "weight"], [0.4, 0.3, 0.3],
                               rtol=1e-9)
    status, _, err = run(capsys, "weights", "--method", "budget", "--framework", meta, "--out", out_meta)
    assert status == 2 and "needs --allocations" in err and "Traceback" not in err
    alloc.write_text("node,child,points,expert\nP,a,50,ann\nP,b,30,ann\n")
    status, _, err = run(capsys, "weights", "--method", "budget", "--allocations", alloc, "--framework", meta,
                         "--out", out_meta)
    assert status == 2 and "alloc.csv" in err and "'c'" in err and err.count("\n") == 1, err
