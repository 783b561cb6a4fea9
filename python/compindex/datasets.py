"""The embedded default data: Vietnam's Provincial Innovation Index (PII).

The files live in ``data/pii/`` of the repository (installed as ``compindex/data/pii/``); the same
files are compiled into the C++ library (``compindex/datasets.hpp``). See ``docs/pii.md`` for what
the framework documents and where each fact comes from.

.. warning::
   :func:`load_pii_demo` returns **SIMULATED** data: every value was invented by
   ``tools/make_pii_demo.py``. It is not PII data and not an estimate of anything. Use it to try
   the library; never cite it or chart it as Vietnamese data.

>>> from compindex.datasets import load_pii_framework, load_pii_demo, load_pii_provinces
>>> fw = load_pii_framework()
>>> demo = load_pii_demo(2024)                      # SIMULATED
>>> regions = load_pii_provinces()[["region"]]
>>> res = compindex.score(fw, demo, groups=regions, treatment="gii")
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import DataError
from .framework import Framework

__all__ = ["DATA_DIR", "SIMULATED_NOTE", "load_pii_coordinates", "load_pii_demo", "load_pii_framework",
           "load_pii_provinces", "load_pii_published"]

#: Where the PII files are: next to the package (the wheel installs data/ there; the build-tree
#: package links it there).
DATA_DIR = Path(__file__).parent / "data" / "pii"

#: The label every printout and report of the demonstration data carries.
SIMULATED_NOTE = ("SIMULATED DATA: the PII demonstration values were invented by tools/make_pii_demo.py; "
                  "they are not PII data and must not be cited or presented as Vietnamese data.")


def _path(name: str) -> Path:
    path = DATA_DIR / name
    if not path.is_file():
        raise DataError(f"{path}: the embedded PII file is missing (is compindex installed with its data?)")
    return path


def load_pii_framework() -> Framework:
    """The PII framework: 77 nodes (index ``PII``, sub-indices ``IN`` and ``OUT``, 7 pillars, 15
    sub-pillars, 52 indicators), every weight 1, only ``4.1.2`` inverse.

    The metadata (``Framework.meta``) keeps the extra columns ``level_name``, ``name_vi``,
    ``unit``, ``lead_agency`` (the Can Tho department in charge, from the annex of Can Tho's 2025
    plan), ``documented`` (``no`` for the 9 placeholders) and ``source``.
    """
    return Framework.from_csv(_path("framework.csv"))


def load_pii_demo(year: int | None = None) -> pd.DataFrame:
    """The **SIMULATED** PII demonstration data, indexed by unit (province code, as text).

    Every value was invented by ``tools/make_pii_demo.py`` (a latent factor loosely anchored on
    published PII 2023 ranks, plus noise; 3.3% blank cells; four indicators with designed
    outliers). It is not PII data.

    Parameters
    ----------
    year
        ``2023`` or ``2024``: that year's 63 rows, one column per indicator. ``None`` (default):
        both years, 126 rows, with a ``year`` column first (the index then repeats each unit).

    Returns
    -------
    pandas.DataFrame
        The data; the frame carries ``attrs["simulated"] = True`` and ``attrs["note"]``.
    """
    df = pd.read_csv(_path("demo_data.csv"), dtype={"unit": str}, keep_default_na=False, na_values=[""])
    df = df.set_index("unit")
    years = sorted(int(y) for y in df["year"].unique())
    if year is not None:
        if int(year) not in years:
            raise DataError(f"load_pii_demo: no data for the year {year} (the simulated demo has {', '.join(map(str, years))})")
        df = df[df["year"] == int(year)].drop(columns="year")
    df.index.name = "unit"
    df.attrs["simulated"] = True
    df.attrs["note"] = SIMULATED_NOTE
    return df


def load_pii_provinces() -> pd.DataFrame:
    """The 63 provinces of the 2023 and 2024 editions, indexed by their two-digit code (text).

    Columns: ``name``, ``name_vi``, ``region`` (six socio-economic regions), ``region_vi``,
    ``unit_2025`` and ``unit_2025_name`` (the unit the province belongs to after the July 2025
    merger into 34 units, Resolution 202/2025/QH15). ``provinces["unit_2025"]`` is the mapping
    :func:`compindex.analysis.merge_units` takes.
    """
    df = pd.read_csv(_path("provinces.csv"), dtype=str, keep_default_na=False)
    return df.set_index("code")


def load_pii_published() -> pd.DataFrame:
    """Published PII scores and ranks (2023, 2024, 2025) that public sources give, tidy.

    Columns: ``year`` (int), ``unit``, ``unit_code`` (text; 2025 rows use the merged 34-unit
    codes), ``component`` (``PII``, ``IN``, ``OUT``, a pillar, an indicator code, or
    ``PII regional mean``), ``score`` and ``rank`` (empty where a source gives only one of them),
    ``source``. No complete table of any edition is available.
    """
    df = pd.read_csv(_path("results_published.csv"), dtype={"unit_code": str, "component": str, "unit": str},
                     keep_default_na=False, na_values={"score": [""], "rank": [""]})
    df["unit_code"] = df["unit_code"].fillna("")
    df["year"] = df["year"].astype(int)
    df["score"] = df["score"].astype(float)
    df["rank"] = df["rank"].astype("Int64")
    return df


def load_pii_coordinates(units: str = "2023") -> pd.DataFrame:
    """Latitude and longitude of each unit's administrative centre (public facts, with a source).

    Parameters
    ----------
    units
        ``"2023"`` (also ``"2024"``): the 63 provinces of the 2023 and 2024 editions and their
        capital cities (``data/pii/capitals.csv``); ``"2025"``: the 34 units after the July 2025
        merger and their administrative centres (``data/pii/capitals_2025.csv``).

    Returns
    -------
    pandas.DataFrame
        Indexed by the two-digit code (text): ``name`` (province or unit), ``centre`` (the city),
        ``latitude`` and ``longitude`` (degrees, WGS 84, rounded to 0.01), ``source``. Pass it to
        :meth:`compindex.analysis.SpatialWeights.from_coordinates`.

    Raises
    ------
    SpecError
        An unknown ``units``.
    """
    from .errors import SpecError

    key = str(units)
    if key in ("2023", "2024"):
        df = pd.read_csv(_path("capitals.csv"), dtype={"code": str}, keep_default_na=False)
        df = df.rename(columns={"province": "name", "capital": "centre"})
    elif key == "2025":
        df = pd.read_csv(_path("capitals_2025.csv"), dtype={"code": str}, keep_default_na=False)
        df = df.rename(columns={"unit": "name"})
    else:
        raise SpecError(f"load_pii_coordinates: units must be '2023', '2024' or '2025', got {units!r}")
    df = df.set_index("code")[["name", "centre", "latitude", "longitude", "source"]]
    df["latitude"] = df["latitude"].astype(float)
    df["longitude"] = df["longitude"].astype(float)
    return df
