"""Analysis of a scored index: one unit's profile, groups of units, years, what to improve, and
the statistical coherence of the framework.

Every function takes a :class:`compindex.Result` and leaves it unchanged. Tables never hold a
silent NaN where a value is expected: a value that cannot be computed is NaN *and* explained in a
``status`` or ``note`` column, or the function raises a :class:`compindex.Error` naming the unit
or indicator. The formulas and method decisions are in ``docs/analysis.md``.

One module per concept: ``profile`` (one unit), ``groups`` (units within groups),
``panel`` (years), ``improvement`` (what to improve), ``coherence`` (statistical coherence),
``disparities`` (inequality and its decompositions), ``convergence`` (sigma, beta, rank mobility),
``peers`` (peer groups, most similar units), ``spatial`` (spatial weights, Moran's I, Geary's C,
local Moran).

Every public name is importable from ``compindex.analysis``.
"""

from __future__ import annotations

from ._common import level_names, pillars, rank_text, unactionable
from .profile import UnitProfile, unit_profile
from .groups import GroupComparison, gap_to_leader, group_table
from .panel import Panel, changes, merge_units, score_years
from .improvement import improvement_potential, improvement_to_rank, lift_actions
from .coherence import PCA, correlations, cronbach_alpha, indicator_statistics, pca
# regional comparison: disparities, convergence, peer groups (issue #14)
from .disparities import (Decomposition, coefficient_of_variation, decompose, disparities, generalized_entropy, gini,
                          lorenz, theil_l, theil_t)
from .convergence import (BetaConvergence, OLSFit, RankMobility, SigmaConvergence, beta_convergence, ols, rank_mobility,
                          sigma_convergence)
from .peers import PeerGroups, most_similar, peer_groups
from .spatial import GearyResult, MoranResult, SpatialWeights, geary, local_moran, moran

__all__ = [
    "BetaConvergence",
    "Decomposition",
    "GearyResult",
    "GroupComparison",
    "MoranResult",
    "OLSFit",
    "PCA",
    "Panel",
    "PeerGroups",
    "RankMobility",
    "SigmaConvergence",
    "SpatialWeights",
    "UnitProfile",
    "beta_convergence",
    "changes",
    "coefficient_of_variation",
    "correlations",
    "cronbach_alpha",
    "decompose",
    "disparities",
    "gap_to_leader",
    "geary",
    "generalized_entropy",
    "gini",
    "group_table",
    "improvement_potential",
    "improvement_to_rank",
    "indicator_statistics",
    "level_names",
    "lift_actions",
    "local_moran",
    "lorenz",
    "merge_units",
    "moran",
    "most_similar",
    "ols",
    "pca",
    "peer_groups",
    "pillars",
    "rank_mobility",
    "rank_text",
    "score_years",
    "sigma_convergence",
    "theil_l",
    "theil_t",
    "unactionable",
    "unit_profile",
]
