"""Transforms applied before normalization (to values, goalposts and targets alike)."""

from __future__ import annotations

from . import _method_docs
from ._core import transform as _m

__all__ = [n for n in dir(_m) if not n.startswith("_") and n[0].isupper()]
globals().update({n: getattr(_m, n) for n in __all__})
_method_docs.apply(_m)  # the properties' docstrings (the API reference)
