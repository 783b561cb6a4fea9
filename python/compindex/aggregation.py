"""Aggregation methods: pass one as ``aggregation=`` to :func:`compindex.score`."""

from __future__ import annotations

from ._core import aggregation as _m

__all__ = [n for n in dir(_m) if not n.startswith("_") and n[0].isupper()]
globals().update({n: getattr(_m, n) for n in __all__})

# OWA helpers: the ordered weights of an orness, and the orness of ordered weights.
owa_weights = _m.owa_weights
owa_orness = _m.owa_orness
__all__ += ["owa_weights", "owa_orness"]


def has_lp_solver() -> bool:
    """Whether this build of compindex has an LP solver (COIN-OR CLP), which Benefit of the Doubt
    (``benefit_of_doubt``) needs.

    Returns
    -------
    bool
        True when ``aggregation="benefit_of_doubt"`` can be used.
    """
    return bool(_m.has_lp_solver())


__all__ += ["has_lp_solver"]
