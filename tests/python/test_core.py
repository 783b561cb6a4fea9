"""Smoke test of the compiled module compindex._core, and the version test.

This is the only test file that imports ``_core`` directly; everything else goes through the
public package.
"""

from __future__ import annotations

import importlib.metadata
import math
import pickle
import re
from pathlib import Path

import numpy as np
import pytest

import compindex
from compindex import _core

REPO_ROOT = Path(__file__).resolve().parents[2]
VERSION_HPP = REPO_ROOT / "include" / "compindex" / "version.hpp"


def header_version() -> str:
    """COMPINDEX_VERSION_STRING as written in include/compindex/version.hpp."""
    text = VERSION_HPP.read_text(encoding="utf-8")
    m = re.search(r'^#define\s+COMPINDEX_VERSION_STRING\s+"([^"]+)"', text, re.MULTILINE)
    assert m, f"no COMPINDEX_VERSION_STRING in {VERSION_HPP}"
    return m.group(1)


# -- version ---------------------------------------------------------------------------------------
def test_version_matches_header() -> None:
    assert compindex.__version__ == header_version()
    assert _core.__version__ == header_version()


def test_version_parts_match_string() -> None:
    text = VERSION_HPP.read_text(encoding="utf-8")
    parts = [re.search(rf"^#define\s+COMPINDEX_VERSION_{p}\s+(\d+)", text, re.MULTILINE) for p in ("MAJOR", "MINOR", "PATCH")]
    assert all(parts)
    assert ".".join(m.group(1) for m in parts if m) == header_version()


def test_version_matches_installed_metadata() -> None:
    try:
        installed = importlib.metadata.version("compindex")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("compindex is not installed (running from a build tree)")
    assert installed == compindex.__version__


def test_pyproject_version_regex_reads_the_header() -> None:
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    version = config["tool"]["scikit-build"]["metadata"]["version"]
    assert version["provider"] == "scikit_build_core.metadata.regex"
    source = (REPO_ROOT / version["input"]).read_text(encoding="utf-8")
    m = re.search(version["regex"], source)
    assert m and m.group("value") == header_version()


# -- the compiled module -----------------------------------------------------------------------
def test_submodules() -> None:
    for name in ("normalization", "aggregation", "imputation", "treatment", "transform"):
        assert hasattr(_core, name), name
    assert _core.normalization.MinMax().name == "min_max"
    assert _core.aggregation.GeometricMean().name == "geometric_mean"
    assert _core.imputation.GroupMean(group="region").group == "region"
    assert _core.treatment.Gii().max_winsorized == 5
    assert _core.transform.BoxCox(lmbda=0.5).lmbda == 0.5


def test_build_a_tiny_index() -> None:
    # Index = mean(a, b); a and b min-max normalized onto 0..100.
    fw = _core.Framework(code=["Index", "a", "b"], parent=["", "Index", "Index"])
    assert fw.node_codes == ["Index", "a", "b"]
    assert fw.indicator_codes == ["a", "b"]
    assert fw.levels == [2, 1, 1]
    ds = _core.Dataset(["u1", "u2", "u3"], np.array([[0.0, 10.0], [5.0, 30.0], [10.0, 20.0]]))
    res = _core.build(fw, ds, _core.PipelineSpec())
    scores = np.asarray(res.scores(fw))
    # a: 0, 50, 100; b: (10-10)/20 = 0, (30-10)/20 = 100, (20-10)/20 = 50; Index: 0, 75, 75.
    np.testing.assert_allclose(scores, [[0, 0, 0], [75, 50, 100], [75, 100, 50]])
    # Ties share the best place.
    np.testing.assert_array_equal(np.asarray(res.ranks)[:, 0], [3, 1, 1])


def test_rank_scores() -> None:
    r = np.asarray(_core.rank_scores(np.array([3.0, np.nan, 5.0, 3.0])))
    assert r[0] == 2 and r[2] == 1 and r[3] == 2 and math.isnan(r[1])


def test_method_objects_pickle_and_compare() -> None:
    for obj in (_core.normalization.ZScore(mean=100, sd=10), _core.aggregation.GeneralizedMean(p=0.5),
                _core.treatment.Gii(fallback=_core.treatment.LogKind.gii), _core.normalization.MinMax()):
        assert pickle.loads(pickle.dumps(obj)) == obj


def test_errors_are_translated() -> None:
    with pytest.raises(compindex.SpecError, match="duplicate code 'a'") as info:
        _core.Framework(code=["Index", "a", "a"], parent=["", "Index", "Index"])
    assert isinstance(info.value, ValueError)
    fw = _core.Framework(code=["Index", "a", "b"], parent=["", "Index", "Index"])
    ds = _core.Dataset(["u1", "u2"], np.array([[1.0, 2.0], [1.0, 3.0]]))
    with pytest.raises(compindex.DataError, match="indicator 'a' is constant"):
        _core.build(fw, ds, _core.PipelineSpec())
