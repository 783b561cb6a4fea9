"""Turning method names into method objects.

A method can be given as an object (``compindex.normalization.ZScore(mean=100, sd=10)``), as a
name (``"z_score"``), or as a name with parameters in brackets (``"z_score(mean=100, sd=10)"``,
``"generalized_mean(p=0.5)"``, ``"group_mean(group=region)"``), which is what metadata cells and the
command line use.
"""

from __future__ import annotations

import inspect
import math
import re
from typing import Any, Callable

from . import _core
from .errors import SpecError

_CALL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$")


def _value(text: str) -> Any:
    t = text.strip().strip("'\"")
    low = t.lower()
    if low in ("true", "yes"):
        return True
    if low in ("false", "no"):
        return False
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return t


def parse_call(text: str, what: str) -> tuple[str, dict[str, Any]]:
    """Split ``"name(k=v, ...)"`` into the name and a dict of parameters."""
    m = _CALL.match(text)
    if not m:
        raise SpecError(f"{what}: cannot read the method {text!r} (expected a name such as 'min_max' or 'z_score(mean=100, sd=10)')")
    name, args = m.group(1), m.group(2)
    params: dict[str, Any] = {}
    if args and args.strip():
        for part in args.split(","):
            if "=" not in part:
                raise SpecError(f"{what}: parameter {part.strip()!r} of {text!r} needs the form name=value")
            k, v = part.split("=", 1)
            params[k.strip()] = _value(v)
    return name, params


def did_you_mean(name: Any, choices: Any) -> str:
    """A hint for an unknown name: ``": did you mean 'min_max'?"`` for the closest choice (or
    the choices tied closest, up to three), case ignored, or ``""`` when none is close
    (difflib's similarity ratio at least 0.6; 0.5 between names of the same length of up to 3
    characters, so that 'P3' finds 'P1')."""
    import difflib

    text = str(name).lower()
    scored: dict[str, float] = {}
    for c in (str(c) for c in choices):
        if c not in scored:
            scored[c] = difflib.SequenceMatcher(None, text, c.lower()).ratio()
    close = [c for c, r in scored.items() if r >= (0.5 if len(c) == len(text) <= 3 else 0.6)]
    if not close:
        return ""
    best = max(scored[c] for c in close)
    names = [repr(c) for c in sorted(close, key=lambda c: -scored[c]) if scored[c] >= best - 0.02][:3]
    return f": did you mean {names[0]}?" if len(names) == 1 else f": did you mean {', '.join(names[:-1])} or {names[-1]}?"


def _make(factories: dict[str, Callable[..., Any]], spec: Any, what: str, kinds: tuple[type, ...]) -> Any:
    if isinstance(spec, kinds):
        return spec
    if not isinstance(spec, str):
        raise SpecError(f"{what}: expected a method name or object, got {spec!r}")
    name, params = parse_call(spec, what)
    factory = factories.get(name)
    if factory is None:
        raise SpecError(f"{what}: unknown method {name!r}{did_you_mean(name, factories)} "
                        f"(expected one of {', '.join(sorted(factories))})")
    try:
        return factory(**params)
    except _ParameterError as e:
        raise SpecError(f"{what}: {e}") from None
    except SpecError:
        raise
    except ValueError as e:  # a factory's own conversion of a value (a bad number, say)
        given = ", ".join(f"{k}={v!r}" for k, v in params.items())
        raise SpecError(f"{what}: bad parameters for {name!r} ({given}): {e}") from None
    except TypeError as e:
        given = ", ".join(f"{k}={v!r}" for k, v in params.items())
        accepted = _parameter_names(factory, str(e))
        takes = f"it takes {', '.join(accepted)}" if accepted else "it takes no parameters"
        hints = [f"{k!r}{did_you_mean(k, accepted)}" for k in params if k not in accepted and did_you_mean(k, accepted)]
        hint = f" ({'; '.join(hints)})" if hints else ""
        raise SpecError(f"{what}: bad parameters for {name!r} ({given}): {takes}{hint}") from None


def _parameter_names(factory: Callable[..., Any], error: str) -> list[str]:
    # A Python factory has a signature; a pybind11 class lists its constructor in the TypeError
    # ("1. compindex._core...ZScore(*, mean: float = 0.0, sd: float = 1.0)").
    try:
        return [p for p in inspect.signature(factory).parameters if p != "self"]
    except (TypeError, ValueError):
        pass
    m = re.search(r"^\s*1\.\s*\S+?\((.*)\)\s*$", error, re.MULTILINE)
    return re.findall(r"(\w+)\s*:", m.group(1)) if m else []


_N = _core.normalization
_NORMALIZATION = {
    "min_max": _N.MinMax,
    "z_score": _N.ZScore,
    "goalposts": _N.Goalposts,
    "distance_to_max": _N.DistanceToMax,
    "distance_to_reference": lambda unit, cap=False: _N.DistanceToReference(unit=str(unit), cap=cap),
    "distance_to_target": _N.DistanceToTarget,
    "fraction_of_max": _N.FractionOfMax,
    "rank": _N.Rank,
    "percentile_rank": _N.PercentileRank,
    "borda": _N.Borda,
    "none": _N.NoNormalization,
}
_NORMALIZATION_TYPES = (_N.MinMax, _N.ZScore, _N.Goalposts, _N.DistanceToMax, _N.DistanceToReference, _N.DistanceToTarget,
                        _N.FractionOfMax, _N.Rank, _N.PercentileRank, _N.Borda, _N.NoNormalization)

_A = _core.aggregation


# Aggregation beyond weighted means (issue #12). In the name form, OWA's ordered weights are
# separated by semicolons ("owa(weights=0.5;0.3;0.2)"), since commas separate parameters.
def _owa(orness: Any = None, weights: Any = None) -> Any:
    if weights is not None and orness is not None:
        raise SpecError("aggregation: owa takes orness or weights, not both")
    if weights is None:
        return _A.Owa(orness=0.5 if orness is None else _number(orness, "owa", "orness"))
    if isinstance(weights, str):
        parts = [p for p in weights.replace(" ", "").split(";") if p]
        w = [_number(p, "owa", "weights") for p in parts]
    elif isinstance(weights, (int, float)):
        w = [float(weights)]
    else:
        w = [_number(p, "owa", "weights") for p in weights]
    return _A.Owa(weights=w)


def _number(v: Any, method: str, key: str) -> float:
    if isinstance(v, bool):
        raise SpecError(f"aggregation: {method}'s {key} must be a number, got {v!r}")
    try:
        return float(v)
    except (TypeError, ValueError):
        raise SpecError(f"aggregation: {method}'s {key} must be a number, got {v!r}") from None


class _ParameterError(ValueError):
    """A method parameter that is not a number; ``_make`` turns it into a SpecError that names
    where the method was given (the option, or the metadata row and column)."""


def _real(v: Any, method: str, key: str) -> float:
    if isinstance(v, bool):
        raise _ParameterError(f"{method}'s {key} must be a number, got {v!r}")
    try:
        return float(v)
    except (TypeError, ValueError):
        raise _ParameterError(f"{method}'s {key} must be a number, got {v!r}") from None


def _whole(v: Any, method: str, key: str) -> int:
    x = _real(v, method, key)
    if not x.is_integer():
        raise _ParameterError(f"{method}'s {key} must be a whole number, got {v!r}")
    return int(x)


def _mean_min(alpha: Any = 0.5, beta: Any = 10.0) -> Any:
    return _A.MeanMin(alpha=_number(alpha, "mean_min", "alpha"), beta=_number(beta, "mean_min", "beta"))


# penalty: "negative"/"positive" or -1/+1 (the binding checks it and names the method).
def _mpi(penalty: Any = "negative", sd: str = "population") -> Any:
    return _A.Mpi(penalty=penalty, sd=str(sd))


def _ampi(penalty: Any = "negative", reference: Any = math.nan, range: Any = math.nan, sd: str = "population") -> Any:  # noqa: A002
    return _A.Ampi(penalty=penalty, reference=_number(reference, "ampi", "reference"),
                   range=_number(range, "ampi", "range"), sd=str(sd))


def _topsis(normalize: str = "none", lower: Any = 0.0, upper: Any = 100.0) -> Any:
    return _A.Topsis(normalize=str(normalize), lower=_number(lower, "topsis", "lower"), upper=_number(upper, "topsis", "upper"))


def _wroclaw(sd: str = "population", lower: Any = 0.0, upper: Any = 100.0) -> Any:
    return _A.Wroclaw(sd=str(sd), lower=_number(lower, "wroclaw", "lower"), upper=_number(upper, "wroclaw", "upper"))


_AGGREGATION = {
    "arithmetic_mean": _A.ArithmeticMean,
    "geometric_mean": _A.GeometricMean,
    "harmonic_mean": _A.HarmonicMean,
    "generalized_mean": _A.GeneralizedMean,
    "copeland": _A.Copeland,
    "owa": _owa,
    "mean_min": _mean_min,
    "mpi": _mpi,
    "ampi": _ampi,
    "topsis": _topsis,
    "wroclaw": _wroclaw,
    "benefit_of_doubt": _A.BenefitOfDoubt,
}
_AGGREGATION_TYPES = (_A.ArithmeticMean, _A.GeometricMean, _A.HarmonicMean, _A.GeneralizedMean, _A.Copeland,
                      _A.Owa, _A.MeanMin, _A.Mpi, _A.Ampi, _A.Topsis, _A.Wroclaw, _A.BenefitOfDoubt)

_I = _core.imputation
_IMPUTATION = {
    "none": _I.NoImputation,
    "mean": _I.Mean,
    "median": _I.Median,
    "group_mean": lambda group: _I.GroupMean(group=str(group)),
    "group_median": lambda group: _I.GroupMedian(group=str(group)),
}


# Multivariate imputation (issue #13). Parameters arrive as text from names ("knn(k=3)") or as
# Python values; each is converted here so that a wrong type names the method and the parameter.
def _imp_number(v: Any, method: str, key: str, kind: type = float) -> Any:
    if isinstance(v, bool):
        raise SpecError(f"imputation: {method}'s {key} must be a number, got {v!r}")
    try:
        x = float(v)
        if kind is int:
            if x != int(x):
                raise ValueError
            return int(x)
        return x
    except (TypeError, ValueError, OverflowError):
        raise SpecError(f"imputation: {method}'s {key} must be {'an integer' if kind is int else 'a number'}, got {v!r}") from None


def _imp_bool(v: Any, method: str, key: str) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "yes", "false", "no"):
        return v.lower() in ("true", "yes")
    if v in (0, 1):
        return bool(v)
    raise SpecError(f"imputation: {method}'s {key} must be true or false, got {v!r}")


def _em(scope: Any = "pillar", tolerance: Any = 1e-8, max_iterations: Any = 1000, clamp: Any = False, ridge: Any = 0.0) -> Any:
    return _I.Em(scope=str(scope), tolerance=_imp_number(tolerance, "em", "tolerance"),
                 max_iterations=_imp_number(max_iterations, "em", "max_iterations", int), clamp=_imp_bool(clamp, "em", "clamp"),
                 ridge=_imp_number(ridge, "em", "ridge"))


def _em_draw(scope: Any = "pillar", tolerance: Any = 1e-8, max_iterations: Any = 1000, clamp: Any = False, ridge: Any = 0.0,
             seed: Any = 0) -> Any:
    sd = _imp_number(seed, "em_draw", "seed", int)
    if sd < 0:
        raise SpecError(f"imputation: em_draw's seed must be a non-negative integer, got {seed!r}")
    return _I.EmDraw(scope=str(scope), tolerance=_imp_number(tolerance, "em_draw", "tolerance"),
                     max_iterations=_imp_number(max_iterations, "em_draw", "max_iterations", int),
                     clamp=_imp_bool(clamp, "em_draw", "clamp"), ridge=_imp_number(ridge, "em_draw", "ridge"), seed=sd)


def _knn(k: Any = 5, weights: Any = "uniform", group: Any = "", scope: Any = "pillar") -> Any:
    return _I.Knn(scope=str(scope), k=_imp_number(k, "knn", "k", int), weights=str(weights), group=str(group or ""))


def _chained(scope: Any = "pillar", tolerance: Any = 1e-3, max_iterations: Any = 10, ridge: Any = 0.0, clamp: Any = False) -> Any:
    return _I.Chained(scope=str(scope), tolerance=_imp_number(tolerance, "chained", "tolerance"),
                      max_iterations=_imp_number(max_iterations, "chained", "max_iterations", int),
                      ridge=_imp_number(ridge, "chained", "ridge"), clamp=_imp_bool(clamp, "chained", "clamp"))


_IMPUTATION.update({"em": _em, "em_draw": _em_draw, "knn": _knn, "chained": _chained})
_IMPUTATION_TYPES = (_I.NoImputation, _I.Mean, _I.Median, _I.GroupMean, _I.GroupMedian, _I.Em, _I.EmDraw, _I.Knn, _I.Chained)

_T = _core.treatment


def _gii(skew_threshold: float = 2.25, kurtosis_threshold: float = 3.5, max_winsorized: int = 5,
         fallback: str = "coin_tool") -> Any:
    kinds = {"coin_tool": _T.LogKind.coin_tool, "gii": _T.LogKind.gii}
    if fallback not in kinds:
        raise SpecError(f"treatment: fallback must be 'coin_tool' or 'gii', got {fallback!r}")
    return _T.Gii(skew_threshold=_real(skew_threshold, "gii", "skew_threshold"),
                  kurtosis_threshold=_real(kurtosis_threshold, "gii", "kurtosis_threshold"),
                  max_winsorized=_whole(max_winsorized, "gii", "max_winsorized"), fallback=kinds[fallback])


_TREATMENT = {"none": _T.NoTreatment, "gii": _gii}
_TREATMENT_TYPES = (_T.NoTreatment, _T.Gii)

_F = _core.transform
_TRANSFORM = {
    "none": _F.NoTransform,
    "log": _F.Log,
    "log10": _F.Log10,
    "log1p": _F.Log1p,
    "sqrt": _F.Sqrt,
    "box_cox": lambda lmbda=0.0: _F.BoxCox(lmbda=_real(lmbda, "box_cox", "lmbda")),
}
_TRANSFORM_TYPES = (_F.NoTransform, _F.Log, _F.Log10, _F.Log1p, _F.Sqrt, _F.BoxCox)


def _none_is(default: str) -> Callable[[Any], Any]:
    return lambda spec: default if spec is None or (isinstance(spec, float) and math.isnan(spec)) else spec


def normalization(spec: Any, what: str = "normalization") -> Any:
    return _make(_NORMALIZATION, _none_is("none")(spec), what, _NORMALIZATION_TYPES)


def aggregation(spec: Any, what: str = "aggregation") -> Any:
    return _make(_AGGREGATION, spec, what, _AGGREGATION_TYPES)


def imputation(spec: Any, what: str = "imputation") -> Any:
    return _make(_IMPUTATION, _none_is("none")(spec), what, _IMPUTATION_TYPES)


def treatment(spec: Any, what: str = "treatment") -> Any:
    return _make(_TREATMENT, _none_is("none")(spec), what, _TREATMENT_TYPES)


def transform(spec: Any, what: str = "transform") -> Any:
    return _make(_TRANSFORM, _none_is("none")(spec), what, _TRANSFORM_TYPES)


NAMES = {
    "normalization": sorted(_NORMALIZATION),
    "aggregation": sorted(_AGGREGATION),
    "imputation": sorted(_IMPUTATION),
    "treatment": sorted(_TREATMENT),
    "transform": sorted(_TRANSFORM),
}
