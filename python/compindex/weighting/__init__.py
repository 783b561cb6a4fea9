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

# Weights from experts (AHP, budget allocation; docs/expert_weights.md).
from ._expert import ahp, ahp_matrix, budget, random_index

__all__ = ["WeightResult", "ahp", "ahp_matrix", "budget", "critic", "derive", "entropy", "equal", "factor_analysis",
           "optimized", "pca", "random_index"]
