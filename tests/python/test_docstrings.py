"""Every public name of the Python package has a numpydoc docstring.

The public names are the ``__all__`` of ``compindex`` and of each public module (the modules in
``compindex.__all__`` and those imported on demand: plots, report), the same list the
documentation site renders (docs/conf.py). For each: a docstring; a function's docstring has a
numpydoc ``Parameters`` section naming every parameter (besides self/cls); a class's public
methods and properties (defined on the class itself) follow the same rules. The API pages of the
site are generated from these docstrings, so a missing one is a hole in the documentation.
"""

from __future__ import annotations

import importlib
import inspect
import functools
import re
import types
from typing import Any

import pytest

import compindex

ON_DEMAND = ("compindex.plots", "compindex.report")


def public_modules() -> list[str]:
    names = ["compindex"]
    names += sorted(f"compindex.{n}" for n in compindex.__all__ if isinstance(getattr(compindex, n), types.ModuleType))
    names += [m for m in ON_DEMAND if m not in names]
    return names


def public_names() -> list[tuple[str, str, Any]]:
    """(module, name, object) for every name of every public module's __all__."""
    out = []
    for modname in public_modules():
        module = importlib.import_module(modname)
        assert hasattr(module, "__all__"), f"{modname} has no __all__"
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType) or name == "__version__":
                continue
            out.append((modname, name, obj))
    return out


def is_function(obj: Any) -> bool:
    return inspect.isroutine(obj)


def own_doc(obj: Any) -> str:
    doc = obj.__doc__ if isinstance(obj, (type, property, types.FunctionType, types.BuiltinFunctionType)) or callable(obj) \
        else None
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def documented_text(obj: Any) -> str:
    """The docstring without pybind11's signature line(s)."""
    doc = own_doc(obj)
    name = getattr(obj, "__name__", "")
    lines = [ln for ln in doc.splitlines() if not (name and ln.startswith(f"{name}("))]
    return "\n".join(lines).strip()


def parameter_names(obj: Any) -> list[str] | None:
    """Parameters besides self/cls (and *args/**kwargs); None when they cannot be read."""
    try:
        sig = inspect.signature(obj)
        names = [p.name for p in sig.parameters.values()
                 if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    except (TypeError, ValueError):
        # pybind11 functions: the signature is the docstring's first line.
        doc = own_doc(obj)
        m = re.match(rf"{re.escape(getattr(obj, '__name__', ''))}\((.*?)\)\s*->", doc)
        if not m:
            return None
        names = [p.split(":")[0].strip() for p in re.split(r",\s*(?![^\[]*\])", m.group(1)) if p.strip()]
        names = [n for n in names if n not in ("*", "/") and not n.startswith("*")]
    return [n for n in names if n not in ("self", "cls")]


def parameters_section(doc: str) -> str | None:
    m = re.search(r"^Parameters\n-{10}\n(.*?)(?=^\S[^\n]*\n-{3,}\n|\Z)", doc, flags=re.S | re.M)
    return m.group(1) if m else None


def problems_of_function(label: str, obj: Any) -> list[str]:
    doc = documented_text(obj)
    if not doc:
        return [f"{label}: no docstring"]
    params = parameter_names(obj)
    if not params:
        return []
    section = parameters_section(doc)
    if section is None:
        return [f"{label}: no 'Parameters' section (parameters: {', '.join(params)})"]
    documented = set()
    for line in section.splitlines():
        if line and not line[0].isspace():
            for part in line.split(":")[0].split(","):
                documented.add(part.strip().lstrip("*"))
    missing = [p for p in params if p not in documented]
    return [f"{label}: parameters not documented: {', '.join(missing)}"] if missing else []


def class_members(cls: type) -> list[tuple[str, Any]]:
    out = []
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if isinstance(value, (property, functools.cached_property)) or is_function(value) \
                or type(value).__name__ == "instancemethod":
            out.append((name, value))
    return out


def problems_of(modname: str, name: str, obj: Any) -> list[str]:
    label = f"{modname}.{name}"
    if isinstance(obj, type):
        out = [] if documented_text(obj) else [f"{label}: no docstring"]
        for member, value in class_members(obj):
            mlabel = f"{label}.{member}"
            if isinstance(value, (property, functools.cached_property)):
                if not (value.__doc__ or "").strip():
                    out.append(f"{mlabel}: no docstring")
            else:
                out += problems_of_function(mlabel, getattr(value, "__func__", value))
        return out
    if is_function(obj):
        return problems_of_function(label, obj)
    return []  # constants are documented by their `#:` comments in the module source


NAMES = public_names()


def test_the_walk_finds_the_public_api() -> None:
    labels = {f"{m}.{n}" for m, n, _ in NAMES}
    for expected in ("compindex.score", "compindex.Framework", "compindex.analysis.unit_profile",
                     "compindex.weighting.entropy", "compindex.normalization.MinMax", "compindex.report.unit_report",
                     "compindex.plots.ranking_chart", "compindex.exchange.read_workbook"):
        assert expected in labels, expected
    assert len(NAMES) > 100, len(NAMES)


@pytest.mark.parametrize("modname", public_modules())
def test_every_public_name_is_documented(modname: str) -> None:
    problems = []
    for m, name, obj in NAMES:
        if m == modname:
            problems += problems_of(m, name, obj)
    assert not problems, "\n".join(problems)


def test_the_checker_catches_a_missing_parameter() -> None:
    def f(x: int, y: int) -> int:
        """Add.

        Parameters
        ----------
        x : int
            One.
        """
        return x + y

    def g(a: int) -> int:
        return a

    assert problems_of_function("f", f) == ["f: parameters not documented: y"]
    assert problems_of_function("g", g) == ["g: no docstring"]
