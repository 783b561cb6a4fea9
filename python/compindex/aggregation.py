"""Aggregation methods: pass one as ``aggregation=`` to :func:`compindex.score`."""

from __future__ import annotations

from collections.abc import Sequence

from . import _method_docs
from ._core import aggregation as _m

__all__ = [n for n in dir(_m) if not n.startswith("_") and n[0].isupper()]
globals().update({n: getattr(_m, n) for n in __all__})
_method_docs.apply(_m)  # the properties' docstrings (the API reference)



# OWA helpers: the ordered weights of an orness, and the orness of ordered weights.
def owa_weights(orness: float, k: int) -> list[float]:
    """OWA ordered weights of the given orness for k values (RIM quantifier Q(r) = r^a).

    Parameters
    ----------
    orness : float
        The orness, in [0, 1] (0: the minimum, 0.5: the mean, 1: the maximum).
    k : int
        How many values (children) are weighted.

    Returns
    -------
    list of float
        The k ordered weights, best value first, summing to 1.
    """
    return _m.owa_weights(orness, k)


def owa_orness(weights: Sequence[float]) -> float:
    """The orness of ordered weights: sum over positions i = 1..k of w_i (k - i)/(k - 1).

    Parameters
    ----------
    weights : sequence of float
        Ordered weights, best value first.

    Returns
    -------
    float
        The orness, in [0, 1].
    """
    return _m.owa_orness(weights)


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
