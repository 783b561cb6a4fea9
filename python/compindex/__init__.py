"""compindex: composite indicators, scored in C++ from pandas.

>>> import compindex as ci
>>> fw = ci.Framework.from_csv("meta.csv")
>>> res = ci.score(fw, data, normalization="min_max", treatment="gii")
>>> res.ranks["Index"]
"""

from __future__ import annotations

try:
    from . import _core
except ImportError as e:  # pragma: no cover - only without a build
    raise ImportError(
        "compindex's compiled module _core is missing: install the package with `pip install .` "
        "from the repository (it needs a C++17 compiler, Eigen and pybind11)"
    ) from e

from . import aggregation, analysis, datasets, imputation, normalization, transform, treatment, uncertainty, weighting
from . import exchange  # Excel workbooks, COINr tables
from .errors import ComputationError, CompindexWarning, DataError, Error, SpecError
from ._reading import read_csv
from .framework import Framework
from .pipeline import STAGES, NodeDetails, Result, make_spec, score
from ._dask_scoring import PartitionedResult  # what score() returns for a Dask DataFrame
from .uncertainty import leave_one_out, sensitivity_analysis, uncertainty_analysis

__version__: str = _core.__version__

__all__ = [
    "STAGES",
    "CompindexWarning",
    "ComputationError",
    "DataError",
    "Error",
    "Framework",
    "NodeDetails",
    "PartitionedResult",
    "Result",
    "SpecError",
    "__version__",
    "aggregation",
    "analysis",
    "datasets",
    "exchange",
    "imputation",
    "leave_one_out",
    "make_spec",
    "normalization",
    "read_csv",
    "score",
    "sensitivity_analysis",
    "transform",
    "treatment",
    "uncertainty",
    "uncertainty_analysis",
    "weighting",
]
