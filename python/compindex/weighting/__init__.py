"""Weights derived from data (PCA, factor analysis, entropy, CRITIC, optimized) and from experts
(AHP, budget allocation), for the children of any aggregate of the tree.

Every method returns a :class:`WeightResult`: the weights, the method's diagnostics, and
:meth:`WeightResult.apply` to store them in a framework.
"""

from __future__ import annotations

from ._result import WeightResult

# Data-driven methods (docs/weighting.md).
from ._optimized import optimized
from ._statistical import critic, derive, entropy, equal, factor_analysis, pca

__all__ = ["WeightResult", "critic", "derive", "entropy", "equal", "factor_analysis", "optimized", "pca"]
