"""Analysis of a scored index: one unit's profile, groups of units, years, what to improve, and
the statistical coherence of the framework.

Every function takes a :class:`compindex.Result` and leaves it unchanged. Tables never hold a
silent NaN where a value is expected: a value that cannot be computed is NaN *and* explained in a
``status`` or ``note`` column, or the function raises a :class:`compindex.Error` naming the unit
or indicator. The formulas and method decisions are in ``docs/analysis.md``.

One module per concept: ``profile`` (one unit), ``groups`` (units within groups),
``panel`` (years), ``improvement`` (what to improve), ``coherence`` (statistical coherence),
``spatial`` (spatial weights, Moran's I, Geary's C, local Moran).
Every public name is importable from ``compindex.analysis``.
"""

from __future__ import annotations

from ._common import level_names, pillars, rank_text, unactionable
from .profile import UnitProfile, unit_profile
from .groups import GroupComparison, gap_to_leader, group_table
from .panel import Panel, changes, merge_units, score_years
from .improvement import improvement_potential, improvement_to_rank, lift_actions
from .coherence import PCA, correlations, cronbach_alpha, indicator_statistics, pca
from .spatial import GearyResult, MoranResult, SpatialWeights, geary, local_moran, moran

__all__ = [
    "GroupComparison",
    "PCA",
    "Panel",
    "UnitProfile",
    "GearyResult",
    "MoranResult",
    "SpatialWeights",
    "changes",
    "correlations",
    "cronbach_alpha",
    "gap_to_leader",
    "geary",
    "group_table",
    "improvement_potential",
    "improvement_to_rank",
    "indicator_statistics",
    "level_names",
    "lift_actions",
    "local_moran",
    "merge_units",
    "moran",
    "pca",
    "pillars",
    "rank_text",
    "score_years",
    "unactionable",
    "unit_profile",
]
