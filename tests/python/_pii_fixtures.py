"""Shared data for the analysis, plot, report and dataset tests (imported, not a conftest).

The *small index* is built so that every number the tests check can be computed by hand::

    Index ── P1 {a, b}
          └─ P2 {c, d}        d is inverse (lower is better)

    raw values     a    b    c    d        normalized (min-max 0-100)    a     b     c     d
    A (region X)   1    4   10    0                                       0   100     0   100
    B (region X)   2    2   20    8                                      25    50    25     0
    C (region Y)   3    0   40    4                                      50     0    75    50
    D (region Y)   5    1   50    2                                     100    25   100    75

    a: (x - 1)/4;  b: x/4;  c: (x - 10)/40;  d: (8 - x)/8  (inverse: the max scores 0)

    P1 = (a + b)/2:  A 50,  B 37.5,  C 25,    D 62.5
    P2 = (c + d)/2:  A 50,  B 12.5,  C 62.5,  D 87.5
    Index = (P1 + P2)/2:  A 50,  B 25,  C 43.75,  D 75   -> ranks D 1, A 2, C 3, B 4

All these numbers are binary fractions, so they are exact in floating point.
"""

from __future__ import annotations

import functools
import warnings

import pandas as pd

import compindex as ci

SMALL_RAW = {
    "a": {"A": 1.0, "B": 2.0, "C": 3.0, "D": 5.0},
    "b": {"A": 4.0, "B": 2.0, "C": 0.0, "D": 1.0},
    "c": {"A": 10.0, "B": 20.0, "C": 40.0, "D": 50.0},
    "d": {"A": 0.0, "B": 8.0, "C": 4.0, "D": 2.0},
}
SMALL_REGION = {"A": "X", "B": "X", "C": "Y", "D": "Y"}
SMALL_INDEX = {"A": 50.0, "B": 25.0, "C": 43.75, "D": 75.0}


def small_meta() -> pd.DataFrame:
    return pd.DataFrame([
        {"code": "Index", "parent": "", "name": "Small index", "direction": 1, "agency": ""},
        {"code": "P1", "parent": "Index", "name": "Pillar one", "direction": 1, "agency": ""},
        {"code": "P2", "parent": "Index", "name": "Pillar two", "direction": 1, "agency": ""},
        {"code": "a", "parent": "P1", "name": "Indicator a", "direction": 1, "agency": "Finance"},
        {"code": "b", "parent": "P1", "name": "Indicator b", "direction": 1, "agency": "Science"},
        {"code": "c", "parent": "P2", "name": "Indicator c", "direction": 1, "agency": "Science"},
        {"code": "d", "parent": "P2", "name": "Indicator d", "direction": -1, "agency": ""},
    ])


def small_framework() -> ci.Framework:
    return ci.Framework.from_frame(small_meta())


def small_data(with_region: bool = True) -> pd.DataFrame:
    df = pd.DataFrame(SMALL_RAW)
    df.index.name = "unit"
    if with_region:
        df.insert(0, "region", pd.Series(SMALL_REGION))
    return df


def small_result(**spec: object) -> ci.Result:
    return ci.score(small_framework(), small_data(), **spec)


@functools.lru_cache(maxsize=None)
def pii_result(year: int = 2024) -> ci.Result:
    """The PII framework scored on one year of the SIMULATED demonstration data (GII treatment,
    regions as groups). Cached: analysis functions do not change a result."""
    from compindex import datasets

    provinces = datasets.load_pii_provinces()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return ci.score(datasets.load_pii_framework(), datasets.load_pii_demo(year), groups=provinces[["region"]],
                        treatment="gii")


@functools.lru_cache(maxsize=None)
def pii_names() -> dict[str, str]:
    from compindex import datasets

    return datasets.load_pii_provinces()["name"].to_dict()
