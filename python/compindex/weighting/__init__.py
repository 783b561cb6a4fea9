"""Weights derived from data (PCA, factor analysis, entropy, CRITIC, optimized) and from experts
(AHP, budget allocation), for the children of any aggregate of the tree.

Every method returns a :class:`WeightResult`: the weights, the method's diagnostics, and
:meth:`WeightResult.apply` to store them in a framework.
"""

from __future__ import annotations

from ._result import WeightResult

# Weights from experts (AHP, budget allocation): _expert.py.
from ._expert import ahp, ahp_matrix, budget, random_index

__all__ = ["WeightResult"]
__all__ += ["ahp", "ahp_matrix", "budget", "random_index"]
