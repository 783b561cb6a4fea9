"""Aggregation methods: pass one as ``aggregation=`` to :func:`compindex.score`."""

from __future__ import annotations

from ._core import aggregation as _m

__all__ = [n for n in dir(_m) if not n.startswith("_") and n[0].isupper()]
globals().update({n: getattr(_m, n) for n in __all__})
