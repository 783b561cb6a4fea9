r"""The hand-written stub python/compindex/_core.pyi against the compiled module.

Every public name of ``_core``, of its submodules and of their classes must appear in the stub,
and every name the stub declares must exist at runtime, so the stub cannot drift silently when a
binding is added, renamed or removed. Read-only properties must be read-only in the stub.

The stub writes each submodule as a class holding its classes (a single .pyi cannot declare
submodules), so mypy's stubtest, run by hand, needs those names allowed; the config file keeps
the type errors of the package's own modules (e.g. pandas without stubs) from stopping the run::

    printf 'compindex._core.%s\n' normalization aggregation imputation treatment transform uncertainty > allow.txt
    printf '[mypy]\nignore_missing_imports = True\n[mypy-compindex.*]\nignore_errors = True\n' > cfg.ini
    MYPYPATH=python PYTHONPATH=<build>/python python -m mypy.stubtest compindex._core \
        --allowlist allow.txt --mypy-config-file cfg.ini
"""

from __future__ import annotations

import ast
import types
from pathlib import Path
from typing import Any

import pytest

import compindex
from compindex import _core

PACKAGE_DIR = Path(compindex.__file__).parent
STUB = PACKAGE_DIR / "_core.pyi"
# Found at runtime, so a new submodule without a stub fails the tests below.
SUBMODULES = tuple(sorted(n for n in dir(_core) if isinstance(getattr(_core, n), types.ModuleType)))
# Dunder methods a binding defines on purpose; the stub must declare those the class defines.
BOUND_DUNDERS = {"__init__", "__eq__", "__ne__", "__hash__", "__getstate__", "__setstate__", "__int__", "__index__",
                 "__members__"}


# -- reading the stub ----------------------------------------------------------------------------
def stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text(encoding="utf-8"), filename=str(STUB))


def decorator_names(node: ast.FunctionDef) -> set[str]:
    out = set()
    for d in node.decorator_list:
        if isinstance(d, ast.Name):
            out.add(d.id)
        elif isinstance(d, ast.Attribute):
            out.add(d.attr)
    return out


def is_classvar(annotation: ast.expr) -> bool:
    target = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    return (isinstance(target, ast.Name) and target.id == "ClassVar") or (
        isinstance(target, ast.Attribute) and target.attr == "ClassVar")


def members(body: list[ast.stmt]) -> dict[str, str]:
    """Names declared in a module or class body, with their kind: class, function, property,
    settable_property, attribute (settable) or classvar."""
    out: dict[str, str] = {}
    for node in body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = "class"
        elif isinstance(node, ast.FunctionDef):
            decorators = decorator_names(node)
            if "property" in decorators:
                out[node.name] = "property"
            elif "setter" in decorators:
                out[node.name] = "settable_property"
            else:
                out[node.name] = "function"
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = "classvar" if is_classvar(node.annotation) else "attribute"
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out[t.id] = "attribute"
    return out


def class_defs(body: list[ast.stmt]) -> dict[str, ast.ClassDef]:
    return {n.name: n for n in body if isinstance(n, ast.ClassDef)}


def stub_namespaces() -> dict[str, list[ast.stmt]]:
    """The stub body of the module ('') and of each submodule."""
    tree = stub_tree()
    classes = class_defs(tree.body)
    out = {"": tree.body}
    for name in SUBMODULES:
        assert name in classes, f"the stub has no namespace class for the submodule {name!r}"
        out[name] = classes[name].body
    return out


# -- reading the runtime module ------------------------------------------------------------------
def public_names(module: types.ModuleType) -> set[str]:
    return {n for n in dir(module) if not n.startswith("_")}


def runtime_module(name: str) -> types.ModuleType:
    return _core if name == "" else getattr(_core, name)


def runtime_classes() -> list[tuple[str, str, type]]:
    out = []
    for ns in ("", *SUBMODULES):
        module = runtime_module(ns)
        for name in sorted(public_names(module)):
            obj = getattr(module, name)
            if isinstance(obj, type):
                out.append((ns, name, obj))
    return out


def runtime_class_members(cls: type) -> dict[str, Any]:
    """Members a binding defines on the class itself: public names and the bound dunders."""
    return {n: v for n, v in vars(cls).items() if not n.startswith("_") or n in BOUND_DUNDERS}


def class_id(ns: str, name: str) -> str:
    return f"{ns}.{name}" if ns else name


# -- tests ---------------------------------------------------------------------------------------------
def test_stub_and_marker_exist() -> None:
    assert STUB.is_file(), STUB
    assert (PACKAGE_DIR / "py.typed").is_file()
    source_dir = Path(__file__).resolve().parents[2] / "python" / "compindex"
    if source_dir.is_dir():
        assert (source_dir / "_core.pyi").is_file()
        assert (source_dir / "py.typed").is_file()


def test_stub_parses_and_declares_the_version() -> None:
    assert members(stub_tree().body).get("__version__") == "attribute"


def test_no_name_is_declared_twice() -> None:
    # A second definition silently replaces the first (e.g. two engineers stubbing one binding).
    def twice(body: list[ast.stmt]) -> list[str]:
        seen: list[str] = []
        for node in body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                special = isinstance(node, ast.FunctionDef) and bool({"overload", "setter"} & decorator_names(node))
                if not special:
                    seen.append(node.name)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                seen.append(node.target.id)
        return sorted({n for n in seen if seen.count(n) > 1})

    repeated = []
    for ns, body in stub_namespaces().items():
        repeated += [class_id(ns, n) for n in twice(body)]
        for cls in class_defs(body).values():
            if not (ns == "" and cls.name in SUBMODULES):
                repeated += [f"{class_id(ns, cls.name)}.{n}" for n in twice(cls.body)]
    assert not repeated, f"declared more than once in {STUB.name}: {', '.join(repeated)}"


def test_every_public_name_is_in_the_stub() -> None:
    spaces = stub_namespaces()
    missing = []
    for ns in ("", *SUBMODULES):
        declared = members(spaces[ns])
        for name in sorted(public_names(runtime_module(ns))):
            if name not in declared:
                missing.append(class_id(ns, name))
    assert not missing, f"in _core but not in {STUB.name}: {', '.join(missing)}"


def test_every_stub_name_exists_at_runtime() -> None:
    spaces = stub_namespaces()
    extra = []
    for ns in ("", *SUBMODULES):
        module = runtime_module(ns)
        for name in members(spaces[ns]):
            if name.startswith("_") and name != "__version__":
                continue  # private helpers of the stub (type aliases, the metaclass)
            if ns == "" and name in SUBMODULES:
                assert isinstance(getattr(_core, name, None), types.ModuleType), name
                continue
            if not hasattr(module, name):
                extra.append(class_id(ns, name))
    assert not extra, f"in {STUB.name} but not in _core: {', '.join(extra)}"


def test_kinds_match() -> None:
    # Classes are classes and functions are functions, at module level.
    spaces = stub_namespaces()
    wrong = []
    for ns in ("", *SUBMODULES):
        module = runtime_module(ns)
        for name, kind in members(spaces[ns]).items():
            if name.startswith("_") or (ns == "" and name in SUBMODULES):
                continue
            if not hasattr(module, name):
                continue  # reported by test_every_stub_name_exists_at_runtime
            obj = getattr(module, name)
            if isinstance(obj, type) != (kind == "class"):
                wrong.append(class_id(ns, name))
            elif kind == "function" and not callable(obj):
                wrong.append(class_id(ns, name))
    assert not wrong, f"declared with the wrong kind: {', '.join(wrong)}"


@pytest.mark.parametrize(("ns", "name", "cls"), runtime_classes(), ids=lambda v: v if isinstance(v, str) else None)
def test_class_members(ns: str, name: str, cls: type) -> None:
    stub_class = class_defs(stub_namespaces()[ns]).get(name)
    assert stub_class is not None, f"{class_id(ns, name)} is not in the stub"
    declared = members(stub_class.body)
    # Every member the binding defines is declared ...
    runtime = runtime_class_members(cls)
    missing = sorted(n for n in runtime if n not in declared)
    assert not missing, f"{class_id(ns, name)}: not in the stub: {', '.join(missing)}"
    # ... and every declared member exists.
    extra = sorted(n for n in declared if not hasattr(cls, n))
    assert not extra, f"{class_id(ns, name)}: not at runtime: {', '.join(extra)}"
    # Read-only properties are read-only in the stub; settable fields are settable.
    for member, value in runtime.items():
        if not isinstance(value, property) or "static_property" in type(value).__name__:
            continue
        kind = declared[member]
        if value.fset is None:
            assert kind == "property", f"{class_id(ns, name)}.{member} is read-only at runtime, {kind} in the stub"
        else:
            assert kind in ("attribute", "settable_property"), \
                f"{class_id(ns, name)}.{member} is settable at runtime, {kind} in the stub"


def test_unhashable_classes_say_so() -> None:
    # A binding that defines __eq__ without __hash__ is unhashable; the stub must not promise a hash.
    for ns, name, cls in runtime_classes():
        if "__eq__" in vars(cls) and cls.__hash__ is None:
            stub_class = class_defs(stub_namespaces()[ns])[name]
            assert members(stub_class.body).get("__hash__") == "classvar", class_id(ns, name)


def split_top_level(text: str) -> list[str]:
    """Split a parameter list on the commas outside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "[(<":
            depth += 1
        elif ch in "])>":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def doc_signature(obj: Any, name: str) -> tuple[list[str], list[str]] | None:
    """(positional, keyword-only) parameter names from the signature pybind11 writes as the first
    line of a docstring, without self; None when there is no such line (overloads, properties)."""
    doc = (getattr(obj, "__doc__", None) or "").strip()
    first = doc.splitlines()[0] if doc else ""
    if not first.startswith(f"{name}("):
        return None
    depth = 0
    for end, ch in enumerate(first):
        depth += ch in "[(<"
        depth -= ch in "])>"
        if depth == 0 and ch == ")":
            break
    params = split_top_level(first[len(name) + 1:end])
    positional: list[str] = []
    keyword: list[str] = []
    target = positional
    for p in params:
        pname = p.split(":")[0].split("=")[0].strip()
        if pname == "*":
            target = keyword
        elif pname != "/":
            target.append(pname)
    if positional and positional[0] == "self":
        positional = positional[1:]
    return positional, keyword


def stub_signature(node: ast.FunctionDef, method: bool) -> tuple[list[ast.arg], list[str], list[str]]:
    """(positional-only args, all positional names, keyword-only names), without self."""
    posonly = list(node.args.posonlyargs)
    positional = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
    if method and positional and positional[0] == "self":
        positional = positional[1:]
        posonly = posonly[1:] if posonly and posonly[0].arg == "self" else posonly
    return posonly, positional, [a.arg for a in node.args.kwonlyargs]


def stub_functions() -> list[tuple[str, ast.FunctionDef, Any, bool]]:
    """Every function of the stub with its runtime object: (label, stub node, runtime, is_method)."""
    out = []
    spaces = stub_namespaces()
    for ns in ("", *SUBMODULES):
        module = runtime_module(ns)
        for node in spaces[ns]:
            if isinstance(node, ast.FunctionDef):
                out.append((class_id(ns, node.name), node, getattr(module, node.name), False))
            elif isinstance(node, ast.ClassDef) and hasattr(module, node.name) and not (ns == "" and node.name in SUBMODULES):
                cls = getattr(module, node.name)
                for m in node.body:
                    if isinstance(m, ast.FunctionDef) and "property" not in decorator_names(m) and m.name in vars(cls):
                        out.append((f"{class_id(ns, node.name)}.{m.name}", m, vars(cls)[m.name], True))
    return out


def test_parameters_match_the_binding_docstrings() -> None:
    # pybind11 functions carry no __text_signature__, so inspect (and mypy's stubtest) cannot see
    # their parameters; the signature line pybind11 puts at the top of each docstring can.
    checked, wrong = 0, []
    for label, node, runtime, is_method in stub_functions():
        sig = doc_signature(runtime, node.name)
        if sig is None:
            continue
        positional, keyword = sig
        if any(p.startswith("*") for p in positional):
            continue  # a generic (*args, **kwargs) slot, e.g. of an enum
        posonly, stub_positional, stub_keyword = stub_signature(node, method=is_method)
        if any(p.startswith("arg") and p[3:].isdigit() for p in positional):
            # Parameters bound without py::arg (arg0, ...) can only be passed by position.
            ok = len(posonly) == len(positional) == len(stub_positional) and stub_keyword == keyword
        else:
            ok = stub_positional == positional and stub_keyword == keyword
        if not ok:
            wrong.append(f"{label}: runtime ({', '.join(positional)}; *, {', '.join(keyword)}), "
                         f"stub ({', '.join(stub_positional)}; *, {', '.join(stub_keyword)})")
        checked += 1
    assert not wrong, "parameters differ:\n" + "\n".join(wrong)
    assert checked > 100, checked
