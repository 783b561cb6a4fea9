"""Imputation methods: pass one as ``imputation=`` to :func:`compindex.score`."""

from __future__ import annotations

from . import _method_docs
from ._core import imputation as _m

__all__ = [n for n in dir(_m) if not n.startswith("_") and n[0].isupper()]
globals().update({n: getattr(_m, n) for n in __all__})
_method_docs.apply(_m)  # the properties' docstrings (the API reference)
