"""Where the tests find the shared reference data (COINr's ASEM tables): in shared/reference next
to the repository, or next to a parent folder of it (a git worktree, a CI clone);
COMPINDEX_REFERENCE_DIR overrides. Imported by the tests, not a conftest."""

from __future__ import annotations

import os


def reference_dir(name: str) -> str:
    """The folder shared/reference/<name> (it may not exist: the tests that need it skip)."""
    env = os.environ.get("COMPINDEX_REFERENCE_DIR")
    if env:
        return os.path.join(env, name)
    d = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    for _ in range(4):
        d = os.path.dirname(d)
        cand = os.path.join(d, "shared", "reference", name)
        if os.path.isdir(cand):
            return cand
    return os.path.join(d, "shared", "reference", name)


#: COINr's ASEM example tables.
ASEM = reference_dir("coinr_asem")
