"""Docstrings of the method classes' properties (the classes are bound in compindex._core; their
properties' docstrings are set here so the Python API reference documents every public name).
Only ``__doc__`` is set: nothing else of the classes changes."""

from __future__ import annotations

import types

#: Docstrings by property name, for every method class that has it.
COMMON = {
    "name": "The method's name as ``score()`` and the metadata spell it, with its parameters "
            "(e.g. ``'z_score(mean=100, sd=10)'``).",
    "lower": "The lower end of the output range (or the lower goalpost, in raw units; NaN: the indicator's own).",
    "upper": "The upper end of the output range (or the upper goalpost, in raw units; NaN: the indicator's own).",
    "sd": "The standard deviation used: ``'population'`` or ``'sample'``.",
    "penalty": "The sign of the penalty: ``'negative'`` (lower is better when unbalanced) or ``'positive'``.",
    "group": "The data column holding each unit's group.",
    "cap": "Whether scores are capped at 1 (the reference or target reached).",
    "value": "The member's integer value.",
}

#: Docstrings of one class's property: "namespace.Class.property".
SPECIFIC = {
    "normalization.DistanceToReference.unit": "The code of the reference unit.",
    "normalization.DistanceToTarget.target": "The target in raw units (NaN: the indicator's own ``target`` in the metadata).",
    "normalization.Goalposts.clamp": "Whether values beyond the goalposts are clamped onto them.",
    "normalization.ZScore.mean": "The mean of the normalized values.",
    "normalization.ZScore.sd": "The standard deviation of the normalized values.",
    "aggregation.Ampi.reference": "The reference value of the goalposts (NaN: each child's mean).",
    "aggregation.Ampi.range": "The half-width of the goalposts around the reference (NaN: half each child's range).",
    "aggregation.BenefitOfDoubt.share_lower": "The least share of the score each child may carry (None: no bound).",
    "aggregation.BenefitOfDoubt.share_upper": "The largest share of the score each child may carry (None: no bound).",
    "aggregation.BenefitOfDoubt.nominal_spread": "How far each weight may move from its nominal weight, "
                                                 "as a fraction of it (None: no bound).",
    "aggregation.BenefitOfDoubt.lo": "The score of the worst possible unit (the efficiency 0 is mapped onto it).",
    "aggregation.BenefitOfDoubt.hi": "The score of an efficient unit (the efficiency 1 is mapped onto it).",
    "aggregation.GeneralizedMean.p": "The exponent p (1: arithmetic, 0: geometric, -1: harmonic mean).",
    "aggregation.MeanMin.alpha": "The penalty weight alpha (0: the mean, 1: close to the minimum).",
    "aggregation.MeanMin.beta": "The smoothing constant beta.",
    "aggregation.Owa.orness": "The orness (0: the minimum, 0.5: the mean, 1: the maximum).",
    "aggregation.Owa.weights": "Explicit ordered weights, best value first (empty: derived from the orness).",
    "aggregation.Topsis.normalize": "How the children are normalized first: ``'none'`` (as compindex normalized "
                                    "them) or ``'vector'`` (the textbook's vector normalization).",
    "aggregation.Wroclaw.sd": "The standard deviation used for d0: ``'population'`` or ``'sample'``.",
    "transform.BoxCox.lmbda": "The Box-Cox exponent lambda (0: the natural logarithm).",
    "treatment.Gii.skew_threshold": "An indicator is treated when its absolute skewness exceeds this threshold "
                                    "(and its kurtosis exceeds ``kurtosis_threshold``).",
    "treatment.Gii.kurtosis_threshold": "The kurtosis an indicator must exceed to be treated.",
    "treatment.Gii.max_winsorized": "The largest number of points winsorized before the log fallback is used.",
    "imputation.Em.scope": "Which indicators are modelled together: ``'pillar'`` (the indicators of each "
                           "parent), ``'all'``, or a level number.",
    "imputation.Em.tolerance": "EM stops when no entry of the mean or covariance moves by more than this.",
    "imputation.Em.max_iterations": "The most EM iterations (the result says whether EM converged).",
    "imputation.Em.clamp": "Whether imputed values are kept within the indicator's observed range.",
    "imputation.Em.ridge": "Added to the diagonal of the (standardized) covariance; 0: none.",
    "imputation.EmDraw.scope": "Which indicators are modelled together: ``'pillar'``, ``'all'``, or a level number.",
    "imputation.EmDraw.tolerance": "EM stops when no entry of the mean or covariance moves by more than this.",
    "imputation.EmDraw.max_iterations": "The most EM iterations.",
    "imputation.EmDraw.clamp": "Whether drawn values are kept within the indicator's observed range.",
    "imputation.EmDraw.ridge": "Added to the diagonal of the (standardized) covariance; 0: none.",
    "imputation.EmDraw.seed": "The seed of the counter-based generator the draws come from.",
    "imputation.EmDraw.stream": "The generator's stream (uncertainty analysis uses one per replication).",
    "imputation.Knn.scope": "Which indicators the distances use: ``'pillar'``, ``'all'``, or a level number.",
    "imputation.Knn.k": "The number of neighbours (all donors when fewer).",
    "imputation.Knn.weights": "``'uniform'`` (plain mean of the neighbours) or ``'distance'`` (inverse-distance weights).",
    "imputation.Knn.group": "A unit-group column: neighbours only from the unit's own group (empty: any unit).",
    "imputation.Chained.scope": "Which indicators regress on each other: ``'pillar'``, ``'all'``, or a level number.",
    "imputation.Chained.tolerance": "The rounds stop when imputed values change less than this (scikit-learn's rule).",
    "imputation.Chained.max_iterations": "The most rounds of regressions.",
    "imputation.Chained.ridge": "The ridge penalty of each regression (0: least squares).",
    "imputation.Chained.clamp": "Whether imputed values are kept within the indicator's observed range.",
    "treatment.Gii.fallback": "The log transform used when winsorizing is not enough (:class:`LogKind`).",
}


def apply(namespace: types.ModuleType) -> None:
    """Set the docstrings of the properties of every class of a method namespace that lacks one.

    Parameters
    ----------
    namespace : module
        A submodule of ``compindex._core`` (``normalization``, ``aggregation``, ...).
    """
    short = namespace.__name__.rsplit(".", 1)[-1]
    for cname in dir(namespace):
        cls = getattr(namespace, cname)
        if not isinstance(cls, type) or cname.startswith("_"):
            continue
        for pname, prop in vars(cls).items():
            if not isinstance(prop, property) or pname.startswith("_") or (prop.__doc__ or "").strip():
                continue
            doc = SPECIFIC.get(f"{short}.{cname}.{pname}") or COMMON.get(pname)
            if doc is not None:
                try:
                    prop.__doc__ = doc
                except AttributeError:  # pragma: no cover - a read-only property type
                    pass
