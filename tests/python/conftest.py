"""Shared fixtures for the Python tests.

The small framework used across the suite (built deterministically, no random numbers)::

    Index
    ├── P1 Economy      ── S11 (i01, i02), S12 (i03, i04)   S12 has weight 2, i04 weight 0.5
    ├── P2 Society      ── S21 (i05, i06), S22 (i07, i08)   i05 is inverse (direction -1)
    └── P3 Environment  ── S31 (i09, i10), S32 (i11, i12)

20 units U01..U20 in four regions (North, South, East, West, five units each), six missing
cells, and one outlier (U07 in i08) that the GII treatment winsorizes. The metadata carries an
extra column ``source`` that compindex keeps as metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Union

import matplotlib

matplotlib.use("Agg")  # no display on test machines; set before anything imports pyplot

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import compindex as ci  # noqa: E402

PILLARS = {"P1": "Economy", "P2": "Society", "P3": "Environment"}
SUB_PILLARS = {"S11": "P1", "S12": "P1", "S21": "P2", "S22": "P2", "S31": "P3", "S32": "P3"}
INDICATORS = [f"i{j:02d}" for j in range(1, 13)]
UNITS = [f"U{u:02d}" for u in range(1, 21)]
REGIONS = ["North", "South", "East", "West"]
INVERSE = "i05"
OUTLIER = ("U07", "i08")
MISSING = [("U03", "i02"), ("U07", "i05"), ("U11", "i09"), ("U15", "i12"), ("U19", "i03"), ("U20", "i10")]
# Multipliers coprime to 20, so (a * u + j) % 20 is a permutation of 0..19 in every column: no ties.
_MULTIPLIERS = [1, 3, 7, 9, 11, 13, 17, 19, 1, 3, 7, 9]


def make_meta() -> pd.DataFrame:
    """The metadata table: one row per node, parents before children."""
    rows = [{"code": "Index", "parent": "", "name": "Index", "weight": 1.0, "direction": 1, "source": ""}]
    for code, name in PILLARS.items():
        rows.append({"code": code, "parent": "Index", "name": name, "weight": 1.0, "direction": 1, "source": ""})
    for code, parent in SUB_PILLARS.items():
        rows.append({"code": code, "parent": parent, "name": f"Sub-pillar {code[1:]}",
                     "weight": 2.0 if code == "S12" else 1.0, "direction": 1, "source": ""})
    subs = list(SUB_PILLARS)
    for j, code in enumerate(INDICATORS):
        rows.append({"code": code, "parent": subs[j // 2], "name": f"Indicator {j + 1}",
                     "weight": 0.5 if code == "i04" else 1.0, "direction": -1 if code == INVERSE else 1,
                     "source": "WB" if j % 2 == 0 else "UN"})
    return pd.DataFrame(rows, columns=["code", "parent", "name", "weight", "direction", "source"])


def make_data() -> pd.DataFrame:
    """The data table: a ``unit`` column, a text ``region`` column and one column per indicator.

    Values are multiples of 0.5, so they survive a CSV round trip exactly.
    """
    out = pd.DataFrame({"unit": UNITS, "region": [REGIONS[u % 4] for u in range(len(UNITS))]})
    for j, code in enumerate(INDICATORS):
        perm = [(_MULTIPLIERS[j] * u + j + 1) % 20 for u in range(len(UNITS))]
        out[code] = [10.0 * (j + 1) + p * (j + 2) / 2.0 for p in perm]
    out = out.set_index("unit")
    out.loc[OUTLIER[0], OUTLIER[1]] = 1000.0
    for unit, code in MISSING:
        out.loc[unit, code] = np.nan
    return out.reset_index()


@pytest.fixture
def meta() -> pd.DataFrame:
    """A fresh copy of the small framework's metadata table."""
    return make_meta()


@pytest.fixture
def framework(meta: pd.DataFrame) -> ci.Framework:
    """The small framework (3 pillars, 6 sub-pillars, 12 indicators)."""
    return ci.Framework.from_frame(meta)


@pytest.fixture
def data() -> pd.DataFrame:
    """A fresh copy of the small data set (20 units, a ``unit`` and a ``region`` column)."""
    return make_data()


CsvContent = Union[pd.DataFrame, str]


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[[str, CsvContent], Path]:
    """Write a DataFrame (without its index) or raw text to ``tmp_path / name``; returns the path."""

    def write(name: str, content: CsvContent) -> Path:
        path = tmp_path / name
        if isinstance(content, pd.DataFrame):
            content.to_csv(path, index=False)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


@pytest.fixture
def csv_files(write_csv: Callable[[str, CsvContent], Path], meta: pd.DataFrame,
              data: pd.DataFrame) -> tuple[Path, Path]:
    """The small framework and data written as ``meta.csv`` and ``data.csv``."""
    return write_csv("meta.csv", meta), write_csv("data.csv", data)


def with_cell(df: pd.DataFrame, row: int, column: str, text: str) -> pd.DataFrame:
    """A copy of ``df`` as text with one cell replaced (``row`` counts data rows from 0)."""
    out = df.astype(object).copy()
    out.loc[out.index[row], column] = text
    return out


@pytest.fixture
def cell() -> Callable[[pd.DataFrame, int, str, str], pd.DataFrame]:
    """:func:`with_cell` as a fixture, for writing one bad cell into a table."""
    return with_cell
