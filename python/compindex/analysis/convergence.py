"""Convergence over years: sigma-convergence (dispersion by year and its trend), beta-convergence
(growth regressed on the initial level, OLS with heteroskedasticity-robust standard errors) and
rank mobility between two years. Formulas and sources: ``docs/regional.md``.

Inputs are a :class:`compindex.analysis.Panel` (scores of a node by year; score it with
``score_years(..., pooled=True)`` so that scores of different years share one scale) or a wide
DataFrame of units x years.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import CompindexWarning, ComputationError, DataError, SpecError
from .disparities import _cv, _ge, _gini, _weights
from .panel import Panel

COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3")
SIGMA_MEASURES = ("sd", "cv", "gini", "theil_t", "theil_l")

def _stats():
    """scipy.stats, imported when a p-value or a rank correlation is asked for (scipy is the
    ``weights``/``regional`` extra, not a core dependency)."""
    try:
        from scipy import stats
    except ImportError:  # pragma: no cover - depends on the environment
        raise SpecError("p-values and rank correlations need scipy (pip install scipy)") from None
    return stats



# -- OLS with sandwich standard errors ---------------------------------------------------------

@dataclass(frozen=True)
class OLSFit:
    """An ordinary least squares fit (from :func:`ols`). Names follow statsmodels' results.

    Attributes
    ----------
    params, bse, tvalues, pvalues
        Coefficients, standard errors, t statistics and two-sided p-values (Series by regressor).
    conf_int
        DataFrame ``low``, ``high``: the 95% confidence intervals.
    cov_params
        The covariance matrix of the coefficients (``cov_type``).
    rsquared, rsquared_adj
        R² (centered: the model has a constant) and adjusted R².
    nobs, df_resid
        Observations and residual degrees of freedom ``n - k``.
    cov_type
        ``nonrobust``, ``HC0``, ``HC1``, ``HC2`` or ``HC3``.
    resid, leverage
        Residuals and the diagonal of the hat matrix, by observation.
    """

    params: pd.Series
    bse: pd.Series
    tvalues: pd.Series
    pvalues: pd.Series
    conf_int: pd.DataFrame
    cov_params: pd.DataFrame
    rsquared: float
    rsquared_adj: float
    nobs: int
    df_resid: int
    cov_type: str
    resid: pd.Series
    leverage: pd.Series

    def summary_table(self) -> pd.DataFrame:
        """Coefficients with ``coef``, ``se``, ``t``, ``p``, ``ci_low``, ``ci_high``.

        Returns
        -------
        DataFrame
            One row per regressor.
        """
        return pd.DataFrame({"coef": self.params, "se": self.bse, "t": self.tvalues, "p": self.pvalues,
                             "ci_low": self.conf_int["low"], "ci_high": self.conf_int["high"]})


def ols(y: pd.Series | np.ndarray, X: pd.DataFrame | np.ndarray, *, cov_type: str = "HC1", add_constant: bool = True) -> OLSFit:
    """Ordinary least squares with classical or heteroskedasticity-robust standard errors.

    The covariance is :math:`(X'X)^{-1} X'\\,\\mathrm{diag}(\\omega_i)\\,X (X'X)^{-1}` with
    :math:`\\omega_i = e_i^2` (HC0, White 1980), :math:`\\frac{n}{n-k}e_i^2` (HC1),
    :math:`e_i^2/(1-h_i)` (HC2) or :math:`e_i^2/(1-h_i)^2` (HC3) (MacKinnon and White 1985),
    :math:`h_i` the leverage; ``nonrobust`` is :math:`s^2 (X'X)^{-1}`. p-values and intervals use
    Student's t with ``n - k`` degrees of freedom for every ``cov_type`` (statsmodels' robust
    fits use the normal unless ``use_t=True``; Stata uses t).

    Parameters
    ----------
    y
        The dependent variable (n values).
    X
        The regressors (n x k); a DataFrame's column names name the coefficients.
    cov_type
        ``"HC1"`` (default: White's estimator with the ``n/(n-k)`` small-sample factor, as
        Stata's ``robust``), ``"HC0"``, ``"HC2"``, ``"HC3"`` or ``"nonrobust"``.
    add_constant
        Prepend a column of ones named ``const`` (default True).

    Returns
    -------
    OLSFit

    Raises
    ------
    SpecError
        An unknown ``cov_type``, mismatched lengths.
    DataError
        A missing or infinite value; no residual degree of freedom.
    ComputationError
        Collinear regressors, or a leverage of 1 with HC2/HC3 (an observation fitted exactly by
        a dummy of its own).
    """
    if cov_type not in COV_TYPES:
        from .._methods import did_you_mean

        raise SpecError(f"ols: cov_type must be one of {', '.join(COV_TYPES)}, got {cov_type!r}{did_you_mean(str(cov_type), COV_TYPES)}")
    Xf = X.copy() if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X, dtype=float).reshape(len(X), -1),
                                                                   columns=[f"x{j + 1}" for j in range(np.asarray(X).reshape(len(X), -1).shape[1])])
    ys = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y, dtype=float), index=Xf.index)
    if len(ys) != len(Xf):
        raise SpecError(f"ols: y has {len(ys)} values and X {len(Xf)} rows")
    if add_constant:
        Xf.insert(0, "const", 1.0)
    Xm = Xf.to_numpy(dtype=float)
    yv = ys.to_numpy(dtype=float)
    bad = ~np.isfinite(yv) | ~np.isfinite(Xm).all(axis=1)
    if bad.any():
        raise DataError(f"ols: observation {Xf.index[int(np.flatnonzero(bad)[0])]!r} has a missing or infinite value")
    n, k = Xm.shape
    if n - k < 1:
        raise DataError(f"ols: {n} observations for {k} coefficients: no residual degree of freedom")
    if np.linalg.matrix_rank(Xm) < k:
        raise ComputationError(f"ols: the regressors ({', '.join(map(str, Xf.columns))}) are collinear")
    xtx_inv = np.linalg.inv(Xm.T @ Xm)
    b = xtx_inv @ (Xm.T @ yv)
    e = yv - Xm @ b
    h = np.einsum("ij,jk,ik->i", Xm, xtx_inv, Xm)
    df = n - k
    if cov_type == "nonrobust":
        cov = xtx_inv * float(e @ e) / df
    else:
        if cov_type in ("HC2", "HC3") and (h > 1 - 1e-10).any():
            i = int(np.flatnonzero(h > 1 - 1e-10)[0])
            raise ComputationError(f"ols: observation {Xf.index[i]!r} has leverage 1 (fitted exactly), {cov_type} is undefined; "
                                   "use HC0 or HC1, or drop the regressor that isolates it")
        omega = e ** 2
        if cov_type == "HC1":
            omega = omega * n / df
        elif cov_type == "HC2":
            omega = omega / (1 - h)
        elif cov_type == "HC3":
            omega = omega / (1 - h) ** 2
        cov = xtx_inv @ (Xm.T * omega) @ Xm @ xtx_inv
    se = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = b / se
    p = 2 * _stats().t.sf(np.abs(t), df)
    q = _stats().t.ppf(0.975, df)
    names = list(map(str, Xf.columns))
    ssr = float(e @ e)
    sst = float(((yv - yv.mean()) ** 2).sum()) if add_constant else float((yv ** 2).sum())
    r2 = 1 - ssr / sst if sst > 0 else math.nan
    r2a = 1 - (1 - r2) * (n - (1 if add_constant else 0)) / df if sst > 0 else math.nan
    idx = pd.Index(names)
    return OLSFit(params=pd.Series(b, idx), bse=pd.Series(se, idx), tvalues=pd.Series(t, idx), pvalues=pd.Series(p, idx),
                  conf_int=pd.DataFrame({"low": b - q * se, "high": b + q * se}, index=idx),
                  cov_params=pd.DataFrame(cov, index=idx, columns=idx), rsquared=r2, rsquared_adj=r2a, nobs=n,
                  df_resid=df, cov_type=cov_type, resid=pd.Series(e, index=Xf.index), leverage=pd.Series(h, index=Xf.index))


# -- inputs ------------------------------------------------------------------------------------

def _wide(data: Any, node: str | None, where: str, drop_incomplete: bool) -> tuple[pd.DataFrame, bool, Any]:
    """Units x years (int columns, ascending), whether scores are comparable across years, and
    the first year's Result (for group columns) or None."""
    if isinstance(data, Panel):
        if len(data) == 0:
            raise DataError(f"{where}: the panel has no year")
        wide = data.scores(node)
        comparable = bool(data.pooled)
        first = data[data.years[0]]
        if not comparable:
            warnings.warn(f"{where}: the panel was normalized year by year, so scores of different years are on different "
                          "scales; score it with score_years(..., pooled=True) for comparable scores", CompindexWarning,
                          stacklevel=3)
    elif isinstance(data, pd.DataFrame):
        if node is not None:
            raise SpecError(f"{where}: node= applies to a Panel; got a DataFrame of units x years")
        years = []
        for c in data.columns:
            try:
                years.append(int(str(c).strip()))
            except ValueError:
                raise SpecError(f"{where}: column {c!r} is not a year (expected a DataFrame of units x years)") from None
        wide = data.copy()
        wide.columns = years
        try:
            wide = wide.apply(pd.to_numeric, errors="raise").astype(float)
        except (TypeError, ValueError) as exc:
            raise DataError(f"{where}: the scores must be numeric ({exc})") from None
        wide.index = pd.Index([str(u).strip() for u in wide.index], name="unit")
        if wide.columns.duplicated().any():
            raise SpecError(f"{where}: the year {wide.columns[wide.columns.duplicated()][0]} appears twice")
        comparable, first = True, None
    else:
        raise SpecError(f"{where}: expected a compindex.analysis.Panel or a DataFrame of units x years, got {type(data).__name__}")
    wide = wide.reindex(columns=sorted(wide.columns))
    for y in wide.columns:
        if wide[y].isna().all():
            raise DataError(f"{where}: no unit has a score in {y}")
    miss = wide.isna()
    if miss.any().any():
        rows = miss.any(axis=1)
        if not drop_incomplete:
            u = wide.index[rows.to_numpy()][0]
            y = wide.columns[miss.loc[u].to_numpy()][0]
            raise DataError(f"{where}: unit {u!r} has no score in {y} ({int(rows.sum())} unit(s) are incomplete); "
                            "pass drop_incomplete=True to leave such units out")
        warnings.warn(f"{where}: {int(rows.sum())} unit(s) without a score in every year left out "
                      f"({', '.join(map(str, wide.index[rows.to_numpy()][:5]))})", CompindexWarning, stacklevel=3)
        wide = wide[~rows.to_numpy()]
    if len(wide) < 3:
        raise DataError(f"{where}: {len(wide)} unit(s) with scores in every year; at least 3 are needed")
    return wide, comparable, first


def _attrs(data: Any, first: Any) -> dict[str, Any]:
    # the data's attrs (e.g. the SIMULATED note) travel with the tables, for the charts
    return dict(getattr(first, "attrs", None) or getattr(data, "attrs", None) or {})


def _two_years(wide: pd.DataFrame, start: int | None, end: int | None, where: str) -> tuple[int, int]:
    years = list(wide.columns)
    a = years[0] if start is None else int(start)
    b = years[-1] if end is None else int(end)
    for y in (a, b):
        if y not in years:
            raise SpecError(f"{where}: no scores for the year {y} (years: {', '.join(map(str, years))})")
    if b <= a:
        raise SpecError(f"{where}: end ({b}) must come after start ({a})")
    return a, b


# -- sigma-convergence -------------------------------------------------------------------------

@dataclass(frozen=True)
class SigmaConvergence:
    """Dispersion of scores by year and its linear trend (from :func:`sigma_convergence`).

    Attributes
    ----------
    by_year
        Years x measures (``sd``, ``cv``, ``gini``, ``theil_t``, ...), with ``n_units`` and ``mean``.
    trend
        One row per measure: ``slope`` (change per year of the OLS line of the measure on the
        year), ``se``, ``t``, ``p`` (classical OLS, t with ``years - 2`` degrees of freedom),
        ``r2``, ``change`` (last year minus first), ``converging`` (slope < 0) and ``note``
        (with two years the slope is the change and has no standard error).
    comparable
        Whether the scores share one scale across years (a pooled panel or a user table).
    """

    by_year: pd.DataFrame
    trend: pd.DataFrame
    comparable: bool


def _dispersion(x: np.ndarray, p: np.ndarray, m: str, units: pd.Index, where: str) -> float:
    if m == "sd":
        mu = float(np.dot(p, x))
        return math.sqrt(float(np.dot(p, (x - mu) ** 2)))
    if m == "cv":
        return _cv(x, p)
    if m == "gini":
        return _gini(x, p)
    return _ge(x, p, 1.0 if m == "theil_t" else 0.0, units, where)


def sigma_convergence(data: Any, *, node: str | None = None, measures: Sequence[str] = ("sd", "cv", "gini", "theil_t"),
                      weights: Any = None, drop_incomplete: bool = False) -> SigmaConvergence:
    """Sigma-convergence: the dispersion of scores in every year and its trend over the years
    (Barro and Sala-i-Martin 1992). Dispersion falls over time (negative slope) when units
    converge.

    Parameters
    ----------
    data
        A :class:`compindex.analysis.Panel` (pooled for comparable scores; a panel normalized
        year by year gives a :class:`compindex.CompindexWarning`) or a DataFrame of units x years.
    node
        The node of a Panel (default the root).
    measures
        Among ``sd`` (population standard deviation), ``cv``, ``gini``, ``theil_t``, ``theil_l``.
    weights
        Population weights: a Series or a mapping by unit (the same in every year).
    drop_incomplete
        Leave out units without a score in every year (with a warning) instead of raising.

    Returns
    -------
    SigmaConvergence

    Raises
    ------
    DataError
        A unit without a score in a year (unless ``drop_incomplete``), a year without scores,
        fewer than 3 units or 2 years, a negative score.
    """
    where = "sigma_convergence"
    for m in measures:
        if m not in SIGMA_MEASURES:
            raise SpecError(f"{where}: unknown measure {m!r} (expected some of {', '.join(SIGMA_MEASURES)})")
    wide, comparable, first = _wide(data, node, where, drop_incomplete)
    if wide.shape[1] < 2:
        raise DataError(f"{where}: {wide.shape[1]} year(s); dispersion over time needs at least 2")
    neg = (wide < 0).any(axis=1)
    if neg.any():
        u = wide.index[neg.to_numpy()][0]
        raise DataError(f"{where}: unit {u!r} has a negative score; dispersion measures need scores >= 0")
    w = _weights(weights, first, wide.index, where) if weights is not None else None
    p = np.full(len(wide), 1.0 / len(wide)) if w is None else w / w.sum()
    rows = []
    for y in wide.columns:
        x = wide[y].to_numpy(dtype=float)
        rec: dict[str, Any] = {"year": y, "n_units": len(x), "mean": float(np.dot(p, x))}
        for m in measures:
            rec[m] = _dispersion(x, p, m, wide.index, f"{where} ({y})")
        rows.append(rec)
    by_year = pd.DataFrame(rows).set_index("year")
    years = by_year.index.to_numpy(dtype=float)
    trend_rows = []
    for m in measures:
        vals = by_year[m].to_numpy(dtype=float)
        rec = {"measure": m, "change": float(vals[-1] - vals[0])}
        if len(years) == 2:
            rec.update(slope=float((vals[1] - vals[0]) / (years[1] - years[0])), se=math.nan, t=math.nan, p=math.nan,
                       r2=math.nan, note="two years: the slope is the change per year; no standard error (0 degrees of freedom)")
        else:
            fit = ols(pd.Series(vals), pd.DataFrame({"year": years}), cov_type="nonrobust")
            rec.update(slope=float(fit.params["year"]), se=float(fit.bse["year"]), t=float(fit.tvalues["year"]),
                       p=float(fit.pvalues["year"]), r2=fit.rsquared, note="")
        rec["converging"] = bool(rec["slope"] < 0)
        trend_rows.append(rec)
    trend = pd.DataFrame(trend_rows).set_index("measure")[["slope", "se", "t", "p", "r2", "change", "converging", "note"]]
    by_year.attrs = _attrs(data, first)
    return SigmaConvergence(by_year=by_year, trend=trend, comparable=comparable)


# -- beta-convergence --------------------------------------------------------------------------

@dataclass(frozen=True)
class BetaConvergence:
    """Beta-convergence between two years (from :func:`beta_convergence`).

    Attributes
    ----------
    beta, se, p
        The coefficient of :math:`\\ln y_0` in the growth regression, its robust standard error
        and p-value; ``beta < 0`` means units that started lower grew faster.
    speed
        The implied speed of convergence :math:`\\lambda = -\\ln(1 + \\beta T)/T` per year (NaN
        when :math:`1 + \\beta T \\le 0`, see ``note``).
    half_life
        :math:`\\ln 2/\\lambda` years (NaN when :math:`\\lambda \\le 0`: no convergence).
    start
        The first year.
    end
        The last year.
    years
        :math:`T` = end - start.
    fit
        The :class:`OLSFit` (``cov_type`` HC1 by default).
    data
        One row per unit: ``y0``, ``yT``, ``log_y0``, ``growth`` (:math:`\\ln(y_T/y_0)/T`) and the
        covariates (``group[...]`` dummies and user columns).
    conditional
        Whether covariates were included.
    reference
        The group left out of the dummies ("" without groups).
    note
        Anything the numbers need said (two years only, no convergence, ...).
    """

    beta: float
    se: float
    p: float
    speed: float
    half_life: float
    start: int
    end: int
    years: int
    fit: OLSFit
    data: pd.DataFrame
    conditional: bool
    reference: str = ""
    note: str = ""


def beta_convergence(data: Any, start: int | None = None, end: int | None = None, *, node: str | None = None,
                     group: Any = None, covariates: pd.DataFrame | Sequence[str] | None = None, cov_type: str = "HC1",
                     drop_incomplete: bool = False) -> BetaConvergence:
    """Beta-convergence: average annual growth regressed on the initial level (Barro and
    Sala-i-Martin 1992), :math:`\\ln(y_{iT}/y_{i0})/T = a + \\beta \\ln y_{i0} (+ \\gamma' z_i) + e_i`.

    Absolute convergence without covariates; conditional with region dummies (``group``) and/or
    user ``covariates``. Standard errors are heteroskedasticity-robust, HC1 by default.

    Parameters
    ----------
    data
        A :class:`compindex.analysis.Panel` (pooled for comparable scores) or a DataFrame of
        units x years.
    start, end
        The two years (default the first and the last).
    node
        The node of a Panel (default the root).
    group
        Region dummies: a unit-group column of the Panel's results (e.g. ``"region"``) or a
        Series of labels by unit. The first label in sorted order is the reference (left out).
    covariates
        A DataFrame of numeric columns indexed by unit, or a list of numeric unit-group columns
        of the Panel's results (passed with ``groups=`` to ``score_years``), added to the regression.
    cov_type
        ``"HC1"`` (default), ``"HC0"``, ``"HC2"``, ``"HC3"`` or ``"nonrobust"``; see :func:`ols`.
    drop_incomplete
        Leave out units without a score in both years (with a warning) instead of raising.

    Returns
    -------
    BetaConvergence

    Raises
    ------
    DataError
        A score <= 0 (its logarithm is undefined; named unit), a unit missing in a year, a
        covariate missing for a unit, fewer than 3 units or no residual degree of freedom.
    SpecError
        A year not in the data, ``end <= start``.
    ComputationError
        Collinear regressors.
    """
    where = "beta_convergence"
    wide, _comparable, first = _wide(data, node, where, drop_incomplete)
    a, b = _two_years(wide, start, end, where)
    y0, yT = wide[a], wide[b]
    for y, s in ((a, y0), (b, yT)):
        bad = s <= 0
        if bad.any():
            u = s.index[bad.to_numpy()][0]
            raise DataError(f"{where}: unit {u!r} has the score {s[u]:g} in {y}; growth rates need scores > 0")
    T = b - a
    table = pd.DataFrame({"y0": y0, "yT": yT, "log_y0": np.log(y0), "growth": np.log(yT / y0) / T})
    X = pd.DataFrame({"log_y0": table["log_y0"]})
    reference = ""
    if group is not None:
        if isinstance(group, str):
            if first is None:
                raise SpecError(f"{where}: group={group!r} names a unit-group column of a Panel; with a DataFrame pass a Series of labels")
            from ._common import _group_labels

            labels = _group_labels(first, group).reindex(wide.index)
        else:
            labels = (pd.Series(dict(group)) if isinstance(group, Mapping) else pd.Series(group)).copy()
            labels.index = pd.Index([str(u).strip() for u in labels.index])
            labels = labels.reindex(wide.index)
        missing = labels.isna() | (labels.astype(str).str.strip() == "")
        if missing.any():
            raise DataError(f"{where}: unit {labels.index[missing.to_numpy()][0]!r} has no group label")
        labels = labels.astype(str)
        cats = sorted(set(labels))
        reference = cats[0]
        for c in cats[1:]:
            X[f"group[{c}]"] = (labels == c).astype(float)
        table["group"] = labels
    if covariates is not None and not isinstance(covariates, pd.DataFrame):
        if isinstance(covariates, str) or not all(isinstance(c, str) for c in covariates):
            raise SpecError(f"{where}: covariates must be a DataFrame indexed by unit or a list of column names, "
                            f"got {covariates!r}")
        have = list(first.groups.columns) if first is not None else []
        unknown = [c for c in covariates if c not in have]
        if unknown:
            raise SpecError(f"{where}: covariate column(s) {', '.join(map(repr, unknown))} are not unit-group columns of the "
                            f"panel (columns: {', '.join(map(str, have)) or 'none'}); pass a DataFrame indexed by unit")
        covariates = first.groups[list(covariates)]  # type: ignore[union-attr]
    if covariates is not None:
        if not isinstance(covariates, pd.DataFrame):
            raise SpecError(f"{where}: covariates must be a DataFrame indexed by unit, got {type(covariates).__name__}")
        cov = covariates.copy()
        cov.index = pd.Index([str(u).strip() for u in cov.index])
        for c in cov.columns:
            col = pd.to_numeric(cov[c], errors="coerce").reindex(wide.index)
            if col.isna().any():
                u = col.index[col.isna().to_numpy()][0]
                raise DataError(f"{where}: covariate {c!r} has no numeric value for unit {u!r}")
            X[str(c)] = col.astype(float)
            table[str(c)] = col.astype(float)
    fit = ols(table["growth"], X, cov_type=cov_type)
    table.attrs = _attrs(data, first)
    beta = float(fit.params["log_y0"])
    notes = []
    if wide.shape[1] == 2 or T == 1:
        notes.append(f"one growth period ({a}-{b}, {T} year{'s' if T != 1 else ''}) only: read the estimate as descriptive")
    inner = 1 + beta * T
    if inner <= 0:
        speed = math.nan
        notes.append("1 + beta*T <= 0: the implied speed is undefined (overshooting)")
    else:
        speed = -math.log(inner) / T
    if not math.isnan(speed) and speed > 0:
        half = math.log(2) / speed
    else:
        half = math.nan
        if not math.isnan(speed):
            notes.append("beta >= 0: no convergence, no half-life")
    return BetaConvergence(beta=beta, se=float(fit.bse["log_y0"]), p=float(fit.pvalues["log_y0"]), speed=speed, half_life=half,
                           start=a, end=b, years=T, fit=fit, data=table, conditional=X.shape[1] > 1, reference=reference,
                           note="; ".join(notes))


# -- rank mobility -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RankMobility:
    """Rank mobility between two years (from :func:`rank_mobility`).

    Attributes
    ----------
    spearman, spearman_p, kendall, kendall_p
        Spearman's rho and Kendall's tau-b between the two years' scores, with their p-values
        (scipy.stats; ties handled as scipy does).
    transition
        Counts: classes in ``start`` (rows) x classes in ``end`` (columns); class 1 holds the
        lowest scores, class ``k`` the highest.
    shares
        The transition matrix :math:`P`: each row divided by its total.
    up, down, stayed
        Shares of units that moved to a higher class, a lower one, or stayed.
    shorrocks
        Shorrocks' mobility index :math:`(k - \\mathrm{tr} P)/(k - 1)`: 0 when nobody changes
        class (the identity), 1 for perfect mobility (every row of :math:`P` is :math:`1/k`),
        at most ``k/(k-1)`` (nobody stays).
    units
        One row per unit: ``score_from``, ``score_to``, ``rank_from``, ``rank_to`` (1 = best,
        ties share the best place), ``rank_change`` (positive: moved up), ``class_from``,
        ``class_to``, ``move`` (``up``, ``down`` or ``stayed``).
    start
        The first year.
    end
        The second year.
    classes
        The number of classes.
    """

    spearman: float
    spearman_p: float
    kendall: float
    kendall_p: float
    transition: pd.DataFrame
    shares: pd.DataFrame
    up: float
    down: float
    stayed: float
    shorrocks: float
    units: pd.DataFrame
    start: int
    end: int
    classes: int = field(default=5)


def _classes(s: pd.Series, k: int) -> pd.Series:
    # Quantile classes by position: the units sorted by score (ties by unit order) cut into k
    # groups of (almost) equal size; class 1 = the lowest scores.
    pos = s.rank(method="first").to_numpy()
    n = len(s)
    return pd.Series(np.ceil(pos * k / n).astype(int), index=s.index)


def rank_mobility(data: Any, start: int | None = None, end: int | None = None, *, node: str | None = None, classes: int = 5,
                  drop_incomplete: bool = False) -> RankMobility:
    """Rank mobility between two years: rank correlations, a transition matrix between quantile
    classes, the shares of units moving up and down, and Shorrocks' (1978) mobility index.

    Parameters
    ----------
    data
        A :class:`compindex.analysis.Panel` or a DataFrame of units x years.
    start, end
        The two years (default the first and the last).
    node
        The node of a Panel (default the root).
    classes
        The number of quantile classes (default 5, quintiles); between 2 and the number of units.
    drop_incomplete
        Leave out units without a score in both years (with a warning) instead of raising.

    Returns
    -------
    RankMobility

    Raises
    ------
    DataError
        A unit missing in a year, fewer than 3 units.
    SpecError
        A year not in the data, a number of classes out of range.
    """
    where = "rank_mobility"
    wide, _comparable, _first = _wide(data, node, where, drop_incomplete)
    a, b = _two_years(wide, start, end, where)
    k = int(classes)
    if not 2 <= k <= len(wide):
        raise SpecError(f"{where}: classes must be between 2 and the number of units ({len(wide)}), got {classes!r}")
    s0, s1 = wide[a], wide[b]
    rho = _stats().spearmanr(s0.to_numpy(), s1.to_numpy())
    tau = _stats().kendalltau(s0.to_numpy(), s1.to_numpy(), variant="b")
    c0, c1 = _classes(s0, k), _classes(s1, k)
    labels = list(range(1, k + 1))
    counts = pd.crosstab(c0, c1).reindex(index=labels, columns=labels, fill_value=0)
    counts.index.name, counts.columns.name = f"class {a}", f"class {b}"
    shares = counts.div(counts.sum(axis=1), axis=0)
    move = np.where(c1 > c0, "up", np.where(c1 < c0, "down", "stayed"))
    r0 = s0.rank(ascending=False, method="min").astype(int)
    r1 = s1.rank(ascending=False, method="min").astype(int)
    units = pd.DataFrame({"score_from": s0, "score_to": s1, "rank_from": r0, "rank_to": r1, "rank_change": r0 - r1,
                          "class_from": c0, "class_to": c1, "move": move})
    n = len(units)
    units.attrs = _attrs(data, _first)
    P = shares.to_numpy()
    return RankMobility(spearman=float(rho.statistic), spearman_p=float(rho.pvalue), kendall=float(tau.statistic),
                        kendall_p=float(tau.pvalue), transition=counts, shares=shares, up=float((move == "up").sum() / n),
                        down=float((move == "down").sum() / n), stayed=float((move == "stayed").sum() / n),
                        shorrocks=float((k - np.trace(P)) / (k - 1)), units=units, start=a, end=b, classes=k)
