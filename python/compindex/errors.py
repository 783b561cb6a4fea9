"""Exceptions and warnings of compindex.

Every error compindex raises derives from :class:`Error` and from the builtin a user would expect
(``ValueError`` for bad input, ``RuntimeError`` for a numerical failure), so both
``except compindex.Error`` and ``except ValueError`` work.
"""

from __future__ import annotations

__all__ = ["ComputationError", "CompindexWarning", "DataError", "Error", "SpecError"]


class Error(Exception):
    """Base class of every compindex error."""


class SpecError(Error, ValueError):
    """Invalid configuration: a malformed framework, an unknown code, method or parameter."""


class DataError(Error, ValueError):
    """Data that violate a method's precondition (messages name the indicator, unit, row)."""


class ComputationError(Error, RuntimeError):
    """A numerical failure (no convergence, a singular matrix)."""


class CompindexWarning(UserWarning):
    """A non-fatal issue found during a run (e.g. a unit left without a score)."""
