"""Statistical coherence of the framework: correlations, Cronbach's alpha, PCA, indicator statistics."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from ..errors import DataError, SpecError
from ..pipeline import Result


def _block(result: Result, code: str) -> tuple[list[str], np.ndarray]:
    kids = result.framework.children(code)
    return kids, result.scores[kids].to_numpy(dtype=float)


def correlations(result: Result, method: str = "pearson", *, weak: float = 0.3) -> pd.DataFrame:
    """Correlation of every node's scores with its parent's (indicators: normalized scores).

    Pairwise over the units with both scores. JRC-audit style flags in ``flag``: ``negative``,
    ``weak (< 0.3)``, ``higher with <node>`` (the node correlates more with another aggregate at
    its parent's level than with its parent), ``undefined`` (fewer than 2 common units or a
    constant score). Columns: ``name``, ``level`` (from the leaves), ``parent``, ``r``, ``n``, ``max_other``,
    ``max_other_node``, ``flag``.

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`).
    method : str
        ``"pearson"`` or ``"spearman"``.
    weak : float
        Correlations below this are flagged ``weak``.

    Returns
    -------
    pandas.DataFrame
        One row per node but the root.
    """
    if method not in ("pearson", "spearman"):
        raise SpecError(f"correlations: method must be 'pearson' or 'spearman', got {method!r}")
    fw = result.framework
    s = result.scores
    m = s.to_numpy(dtype=float)
    corr = np.asarray(_core.correlation_matrix(np.asfortranarray(m), method))
    present = ~np.isnan(m)
    pos = {c: i for i, c in enumerate(fw.codes)}
    levels = fw.levels
    rows = []
    for c in fw.codes:
        p = fw.parents[c]
        if not p:
            continue
        i, j = pos[c], pos[p]
        r = corr[i, j]
        others = [o for o in fw.codes if o != p and levels[o] == levels[p] and not fw.is_indicator(o) and not fw.is_ratio(o)
                  and o != c]
        best_o, best_r = "", math.nan
        for o in others:
            v = corr[i, pos[o]]
            if not math.isnan(v) and (math.isnan(best_r) or v > best_r):
                best_o, best_r = o, v
        if math.isnan(r):
            flag = "undefined"
        elif r < 0:
            flag = "negative"
        elif r < weak:
            flag = f"weak (< {weak:g})"
        elif not math.isnan(best_r) and best_r > r:
            flag = f"higher with {best_o}"
        else:
            flag = ""
        rows.append({"code": c, "name": fw.names[c], "level": int(levels[c]), "parent": p, "r": r,
                     "n": int(np.count_nonzero(present[:, i] & present[:, j])), "max_other": best_r,
                     "max_other_node": best_o, "flag": flag})
    out = pd.DataFrame(rows).set_index("code")
    out.attrs["method"] = method
    return out


def cronbach_alpha(result: Result, *, threshold: float = 0.7, missing: str = "complete") -> pd.DataFrame:
    """Cronbach's alpha of every aggregate's children.

    ``alpha = Q/(Q−1) · (1 − Σ_q σ²_q / σ²_T)`` on the children's scores (normalized indicators or
    aggregate scores), with sample variances, σ²_T the variance of the row totals (= the sum of
    every entry of the children's covariance matrix C, so alpha = Q/(Q−1) · (1 − tr C / ΣC)).

    Missing data (``missing``):

    - ``"complete"`` (the default): only units with a score on *every* child (complete rows).
    - ``"pairwise"``: each variance and covariance in C on the units with both values
      (pairwise-complete, R's ``cov(use = "pairwise.complete.obs")``; the default of COINr's
      ``get_cronbach`` and of R's psych ``alpha``). C need not be positive semi-definite then.

    Columns: ``name``, ``level`` (from the leaves, 1 = indicators), ``n_children``,
    ``n_complete`` (complete rows), ``n_pairs_min`` (the fewest units any two children share;
    equals ``n_complete`` when no value is missing), ``missing`` (the option used), ``alpha``,
    ``flag`` (``below 0.7``, or why alpha is undefined: one child, fewer than 2 complete rows
    (or, pairwise, 2 common units for some pair), constant total).

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`).
    threshold : float
        Alphas below this are flagged.
    missing : str
        ``"complete"`` or ``"pairwise"`` (see above).

    Returns
    -------
    pandas.DataFrame
        One row per aggregate.
    """
    if missing not in ("complete", "pairwise"):
        from .._methods import did_you_mean

        raise SpecError(f"cronbach_alpha: missing must be 'complete' or 'pairwise', got {missing!r}"
                        f"{did_you_mean(missing, ('complete', 'pairwise'))}")
    fw = result.framework
    rows = []
    for a in fw.aggregates:
        if fw.is_ratio(a):  # a ratio node aggregates no children
            continue
        kids, x = _block(result, a)
        alpha, n = _core.cronbach_alpha(np.asfortranarray(x))
        have = (~np.isnan(x)).astype(np.int64)
        common = have.T @ have
        n_pairs = int(common.min()) if len(kids) else 0
        too_few = n < 2
        if missing == "pairwise":
            alpha, too_few = _pairwise_alpha(x), n_pairs < 2
        if len(kids) < 2:
            flag = "undefined: one child"
        elif too_few:
            flag = ("undefined: fewer than 2 complete rows" if missing == "complete"
                    else "undefined: two children share fewer than 2 units")
        elif math.isnan(alpha):
            flag = "undefined: the total is constant"
        elif alpha < threshold:
            flag = f"below {threshold:g}"
        else:
            flag = ""
        if flag.startswith("undefined"):
            alpha = math.nan
        rows.append({"code": a, "name": fw.names[a], "level": int(fw.levels[a]), "n_children": len(kids),
                     "n_complete": int(n), "n_pairs_min": n_pairs, "missing": missing, "alpha": alpha, "flag": flag})
    return pd.DataFrame(rows).set_index("code")


def _pairwise_alpha(x: np.ndarray) -> float:
    """Alpha from the pairwise-complete covariance matrix of the columns of ``x`` (NaN = missing)."""
    q = x.shape[1]
    if q < 2:
        return math.nan
    c = pd.DataFrame(x).cov(min_periods=2).to_numpy()
    total = c.sum()
    if np.isnan(total) or not total > 0:
        return math.nan
    return q / (q - 1) * (1.0 - np.trace(c) / total)


@dataclass(frozen=True)
class PCA:
    """Principal components of every aggregate's children (see :func:`pca`).

    Attributes
    ----------
    summary
        One row per aggregate: ``n_children``, ``n_complete``, ``eigenvalue_1``, ``explained_1``
        (share of variance of the first component), ``n_kaiser`` (components with eigenvalue > 1),
        ``note`` (why an aggregate has no PCA).
    eigenvalues
        Indexed by (aggregate, component 1..Q): ``eigenvalue``, ``explained``, ``cumulative``.
    loadings
        Indexed by (aggregate, child): ``loading`` (first eigenvector, unit length, signed so
        that the loadings of an aggregate sum to a positive number) and ``correlation`` (the
        child's correlation with the first component, loading · sqrt(eigenvalue_1)).
    """

    summary: pd.DataFrame
    eigenvalues: pd.DataFrame
    loadings: pd.DataFrame = field(repr=False)


def pca(result: Result) -> PCA:
    """PCA of the correlation matrix of every aggregate's children, on complete rows (Eigen's
    SelfAdjointEigenSolver in compindex._core). One dominant component (explaining most of the
    variance, the others with eigenvalue < 1) supports aggregating the children into one score.
    Aggregates with one child, fewer than 3 complete rows, or a constant child get a ``note``
    and no numbers.

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`).

    Returns
    -------
    PCA
    """
    fw = result.framework
    summ, eig, load = [], [], []
    for a in fw.aggregates:
        if fw.is_ratio(a):  # a ratio node aggregates no children
            continue
        kids, x = _block(result, a)
        rec: dict[str, Any] = {"code": a, "name": fw.names[a], "n_children": len(kids), "n_complete": 0,
                               "eigenvalue_1": math.nan, "explained_1": math.nan, "n_kaiser": pd.NA, "note": ""}
        if len(kids) < 2:
            rec["note"] = "one child"
            summ.append(rec)
            continue
        try:
            p = _core.pca(np.asfortranarray(x), kids)
        except DataError as e:
            rec["note"] = str(e).replace("pca: ", "")
            rec["n_complete"] = len(_core.complete_rows(np.asfortranarray(x)))
            summ.append(rec)
            continue
        ev, ex, lo = np.asarray(p.eigenvalues), np.asarray(p.explained), np.asarray(p.loadings)
        rec.update(n_complete=int(p.n_complete), eigenvalue_1=float(ev[0]), explained_1=float(ex[0]),
                   n_kaiser=int(np.count_nonzero(ev > 1.0)))
        summ.append(rec)
        cum = np.cumsum(ex)
        for k in range(len(ev)):
            eig.append({"aggregate": a, "component": k + 1, "eigenvalue": float(ev[k]), "explained": float(ex[k]),
                        "cumulative": float(cum[k])})
        for kid, v in zip(kids, lo):
            load.append({"aggregate": a, "child": kid, "loading": float(v), "correlation": float(v * math.sqrt(ev[0]))})
    summary = pd.DataFrame(summ).set_index("code")
    summary["n_kaiser"] = summary["n_kaiser"].astype("Int64")
    eigen = pd.DataFrame(eig, columns=["aggregate", "component", "eigenvalue", "explained", "cumulative"]).set_index(["aggregate", "component"])
    loadings = pd.DataFrame(load, columns=["aggregate", "child", "loading", "correlation"]).set_index(["aggregate", "child"])
    return PCA(summary=summary, eigenvalues=eigen, loadings=loadings)


def indicator_statistics(result: Result, *, skew_threshold: float = 2.25, kurtosis_threshold: float = 3.5) -> pd.DataFrame:
    """The GII-style statistics table: one row per indicator, on the values as they enter the
    per-indicator stages (the ``denominated`` stage: the raw data, divided by a denominator where
    one is given), before imputation.

    Columns: ``name``, ``count`` and ``share`` (availability), ``min``, ``max``, ``mean``,
    ``median``, ``sd`` (n − 1), ``skew`` and ``kurtosis`` (Excel's SKEW and KURT: sample skewness
    and excess kurtosis), ``outlier`` (absolute skew > 2.25 and kurtosis > 3.5, the GII rule), the
    treatment's ``treatment`` (``off`` when the run had none), ``winsorized`` (points),
    ``skew_after``, ``kurtosis_after``, and ``note`` (too few values for a statistic).

    Parameters
    ----------
    result : Result
        A scored index (:func:`compindex.score`).
    skew_threshold, kurtosis_threshold : float
        The outlier rule's thresholds.

    Returns
    -------
    pandas.DataFrame
    """
    fw = result.framework
    x = result.data("denominated")
    n = len(result.units)
    tr = result.treatment
    rows = []
    for code in fw.indicators:
        v = x[code].to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        k = v.size
        notes = []
        rec: dict[str, Any] = {"code": code, "name": fw.names[code], "count": k, "share": k / n if n else math.nan}
        if k:
            rec.update(min=float(v.min()), max=float(v.max()), mean=float(v.mean()), median=float(np.median(v)))
        else:
            rec.update(min=math.nan, max=math.nan, mean=math.nan, median=math.nan)
            notes.append("no values")
        rec["sd"] = float(v.std(ddof=1)) if k >= 2 else math.nan
        rec["skew"] = float(_core.skewness(v)) if k else math.nan
        rec["kurtosis"] = float(_core.kurtosis(v)) if k else math.nan
        if 0 < k < 4:
            notes.append("fewer than 4 values: no skewness or kurtosis" if k < 3 else "fewer than 4 values: no kurtosis")
        elif k >= 4 and (math.isnan(rec["skew"]) or math.isnan(rec["kurtosis"])):
            notes.append("constant values: no skewness or kurtosis")
        sk, ku = rec["skew"], rec["kurtosis"]
        rec["outlier"] = bool(not math.isnan(sk) and not math.isnan(ku) and abs(sk) > skew_threshold and ku > kurtosis_threshold)
        if code in tr.index:
            t = tr.loc[code]
            rec.update(treatment=str(t["action"]), winsorized=int(t["winsorized"]), skew_after=float(t["skew_after"]),
                       kurtosis_after=float(t["kurtosis_after"]))
        else:
            rec.update(treatment="off", winsorized=0, skew_after=math.nan, kurtosis_after=math.nan)
        rec["note"] = "; ".join(notes)
        rows.append(rec)
    return pd.DataFrame(rows).set_index("code")
