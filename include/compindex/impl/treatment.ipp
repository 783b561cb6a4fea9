#pragma once
// Out-of-line definitions of treatment.hpp.

#include "../treatment.hpp"
#include "../detail/format.hpp"
#include "../statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace compindex {

COMPINDEX_INLINE std::string treatment::name(const method& m) { return m.index() == 0 ? "none" : "gii"; }

COMPINDEX_INLINE std::string to_string(treatment_action a) {
  switch (a) {
    case treatment_action::none: return "none";
    case treatment_action::winsorized: return "winsorized";
    case treatment_action::log_transformed: return "log_transformed";
    default: return "too_few_values";
  }
}

COMPINDEX_INLINE bool needs_treatment(double skew, double kurtosis, const treatment::gii& rule) {
  return std::abs(skew) > rule.skew_threshold && kurtosis > rule.kurtosis_threshold;
}

namespace detail {

// The fallback log of one value, fitted on the original minimum and maximum; mirrored for a
// negative skew so the order of units is kept. NaN outside its domain.
inline double treatment_log(treatment::log_kind kind, double mn, double mx, bool mirrored, double v) {
  const double w = mx - mn;
  if (kind == treatment::log_kind::coin_tool) {
    const double a = 0.01 * w;
    const double arg = mirrored ? mx + a - v : v - mn + a;
    if (!(arg > 0.0)) return nan;
    return mirrored ? -std::log(arg) : std::log(arg);
  }
  const double t = mirrored ? (mx - v) / w : (v - mn) / w;
  const double arg = (mx - 1.0) * t + 1.0;
  if (!(arg > 0.0)) return nan;
  const double y = std::log(arg);
  return mirrored ? -y : y;
}

// The report's log transform of one value (its kind, minimum, maximum, and mirrored when the
// skew was negative).
inline double report_log(const treatment_report& rep, double v) {
  return treatment_log(rep.log, rep.log_min, rep.log_max, rep.skew_before < 0, v);
}

// Fits the fallback log on the original values (recorded in `rep`) and applies it to them.
inline void log_fallback(Eigen::Ref<vector> x, treatment::log_kind kind, const std::string& indicator, treatment_report& rep) {
  const double mn = statistics::min(x), mx = statistics::max(x);
  if (kind == treatment::log_kind::gii && !(mx > 1.0))
    throw_data("indicator '" + indicator + "': the GII log transform needs a maximum above 1, the maximum is " + fmt_double(mx));
  rep.log = kind;
  rep.log_min = mn;
  rep.log_max = mx;
  for (index_t i = 0; i < x.size(); ++i) x[i] = report_log(rep, x[i]);  // NaN stays NaN
}

}  // namespace detail

COMPINDEX_INLINE double treated_value(const treatment_report& rep, double v) {
  if (rep.action != treatment_action::log_transformed) return v;
  return detail::report_log(rep, v);
}

namespace detail {

// The reference implementation (two passes per skewness/kurtosis, a rescan per winsorization
// step): used for small columns and the cases the one-pass path does not settle; the tests keep
// it as the oracle of the one-pass path.
COMPINDEX_INLINE treatment_report treat_column_two_pass(const treatment::method& m, Eigen::Ref<vector> x, const std::string& indicator) {
  treatment_report rep;
  rep.indicator = indicator;
  if (m.index() == 0) return rep;  // no treatment: nothing measured, nothing changed
  const auto before = statistics::skewness_kurtosis(x);
  rep.skew_before = rep.skew_after = before.skewness;
  rep.kurtosis_before = rep.kurtosis_after = before.kurtosis;
  const auto& rule = std::get<treatment::gii>(m);
  if (statistics::count(x) < 4) {
    rep.action = treatment_action::too_few_values;
    return rep;
  }
  if (!needs_treatment(rep.skew_before, rep.kurtosis_before, rule)) return rep;

  const vector original = x;
  std::vector<index_t> high, low, extreme;
  int count = 0;
  bool fails = true;
  // Winsorize: the most extreme value(s) of the skewed tail take the next value in. Once a point is
  // winsorized it ties with the next one, so the tied set is every point winsorized so far.
  while (fails && count < rule.max_winsorized) {
    const bool top = rep.skew_after >= 0;  // the skewness of x as it is now
    const double ext = top ? statistics::max(x) : statistics::min(x);
    extreme.clear();
    double next = nan;
    for (index_t i = 0; i < x.size(); ++i) {
      const double v = x[i];
      if (std::isnan(v)) continue;
      if (v == ext) {
        extreme.push_back(i);
      } else if (std::isnan(next) || (top ? v > next : v < next)) {
        next = v;
      }
    }
    if (std::isnan(next)) break;  // every value is the same: nothing to winsorize
    // The limit is on points: a step that would take more (the extreme value is shared by
    // several units) is not taken, and the indicator goes on to the log transform.
    // (`extreme` holds the points of this tail moved so far too: they tie with the extreme value.)
    if (extreme.size() + (top ? low.size() : high.size()) > static_cast<std::size_t>(rule.max_winsorized)) break;
    for (auto i : extreme) x[i] = next;
    (top ? high : low) = extreme;
    count = static_cast<int>(high.size() + low.size());
    const auto after = statistics::skewness_kurtosis(x);
    rep.skew_after = after.skewness;
    rep.kurtosis_after = after.kurtosis;
    fails = needs_treatment(rep.skew_after, rep.kurtosis_after, rule);
  }
  if (!fails) {
    rep.action = treatment_action::winsorized;
    rep.winsorized = count;
    rep.winsorized_high = std::move(high);
    rep.winsorized_low = std::move(low);
    rep.passes_after = true;
    return rep;
  }
  x = original;
  detail::log_fallback(x, rule.fallback, indicator, rep);
  rep.action = treatment_action::log_transformed;
  const auto logged = statistics::skewness_kurtosis(x);
  rep.skew_after = logged.skewness;
  rep.kurtosis_after = logged.kurtosis;
  rep.passes_after = !needs_treatment(rep.skew_after, rep.kurtosis_after, rule);
  return rep;
}


}  // namespace detail

namespace detail {

// ---------------------------------------------------------------------------------------------
// The one-pass path. Per column, one pass over the data (copying it into the output when that is
// another column) takes the count, sum, minimum and maximum, the sums of the powers 1 to 4 of
// x - c about c = the mean of the first 64 values, and the few most extreme values at each end (a
// bounded selection). Skewness and kurtosis come from the sums (taken again about the mean, over
// the column while it is in cache, when the first ones do not settle the test); a winsorization
// step updates the sums for the points it moves; the log fallback writes the logged values in one
// pass and sums their powers over the cached column. Every threshold decision is taken from the
// sums only when they settle it beyond a bound on the rounding of both this and the reference
// computation; otherwise the reference formula (statistics::skewness_kurtosis) decides, on the
// column as it is at that point.

// Sums of powers of d = x - c over the present values, and the magnitudes summed (for the bound).
struct power_sums {
  double n = 0, c = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  double a2 = 0, a4 = 0;  // sums of |terms| added or removed (d^2, d^4)
  double xabs = 0;        // largest |x|
};

struct shape_estimate {
  double skewness = nan, kurtosis = nan;
  double skew_err = 0, kurt_err = 0;
  bool usable = false;  // false: the reference formula must be used
};

// Skewness and kurtosis (the formulas of statistics::skewness_kurtosis) from power sums about a
// shift, with a bound on how far this estimate and the reference two-pass value can be apart.
inline shape_estimate estimate_shape(const power_sums& p) {
  shape_estimate e;
  const double n = p.n, u = 0x1p-53;
  if (!(n >= 4)) return e;
  const double mu = p.s1 / n, q2 = p.s2 / n, q3 = p.s3 / n, q4 = p.s4 / n;
  const double m2 = q2 - mu * mu;
  const double m3 = q3 - 3.0 * mu * q2 + 2.0 * mu * mu * mu;
  const double m4 = q4 - 4.0 * mu * q3 + 6.0 * mu * mu * q2 - 3.0 * mu * mu * mu * mu;
  const double s2 = n * m2, s3 = n * m3, s4 = n * m4;
  // Outside the range the reference computes without rescaling, or nearly constant: reference.
  if (!(s2 > 0x1p-800 && s4 > 0x1p-800 && s4 < 0x1p800 && p.a4 < 0x1p800 && p.xabs < 0x1p100)) return e;
  if (!(s2 > 16.0 * n * (p.c * 0x1p-48) * (p.c * 0x1p-48))) return e;
  const double sd = std::sqrt(m2);
  const double g = std::sqrt(n * (n - 1)) / (n - 2), kf = (n + 1) * (n - 1) / ((n - 2) * (n - 3));
  e.skewness = std::sqrt(n) * s3 / std::pow(s2, 1.5) * g;
  const double r = n * s4 / (s2 * s2);
  e.kurtosis = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3));
  // Rounding of sums of n terms: at most (n + 16) u times the sum of their magnitudes, in either
  // computation. The mean each one centers on is off by at most that times max |x| (and this
  // estimate's shift is corrected to first order by s1), which moves s3 by 3 e s2 and s4 by
  // 4 e |s3| (first order, valid while e / sd is small).
  const double eta = (n + 16.0) * u;
  const double e_sd = eta * (p.xabs + std::abs(p.c)) / sd + std::abs(mu) * u / sd;
  if (!(e_sd < 1e-6)) return e;
  const double a3 = std::sqrt(p.a2 * p.a4);  // >= the sum of |d|^3 (Cauchy-Schwarz)
  const double am = std::abs(mu);
  const double conv3 = 8.0 * u * n * (std::abs(q3) + 3.0 * am * q2 + 2.0 * am * am * am);
  const double conv4 = 8.0 * u * n * (q4 + 4.0 * am * std::abs(q3) + 6.0 * am * am * q2 + 3.0 * am * am * am * am);
  const double ds2 = eta * p.a2 + 8.0 * u * (p.s2 + n * mu * mu) + s2 * e_sd * e_sd;
  const double ds3 = eta * a3 + conv3 + 3.0 * e_sd * sd * p.a2;
  const double ds4 = eta * p.a4 + conv4 + 4.0 * e_sd * sd * a3;
  const double rel2 = ds2 / s2;
  const double F = 64.0;  // safety factor over the first-order bound
  e.skew_err = F * (g * std::sqrt(n) * ds3 / std::pow(s2, 1.5) + 1.5 * std::abs(e.skewness) * rel2) + 1e-300;
  e.kurt_err = F * kf * (n * ds4 / (s2 * s2) + 2.0 * std::abs(r) * rel2) + 1e-300;
  e.usable = std::isfinite(e.skewness) && std::isfinite(e.kurtosis) && std::isfinite(e.skew_err) &&
             std::isfinite(e.kurt_err) && e.skew_err < 1e-3 && e.kurt_err < 1e-3;
  return e;
}

// Whether the estimate settles needs_treatment (each comparison beyond its error bound).
inline bool settled(const shape_estimate& e, const treatment::gii& rule) {
  return e.usable && std::abs(std::abs(e.skewness) - rule.skew_threshold) > e.skew_err &&
         std::abs(e.kurtosis - rule.kurtosis_threshold) > e.kurt_err;
}

// Skewness and kurtosis of the column as it is: from the sums when they settle the decision,
// else the reference formula on the column.
inline statistics::shape decide_shape(const power_sums& p, const treatment::gii& rule, const double* x, index_t n) {
  const auto e = estimate_shape(p);
  if (settled(e, rule)) return {e.skewness, e.kurtosis};
  return statistics::skewness_kurtosis(Eigen::Map<const vector>(x, n));
}

// One of the most extreme values: its row, original value and value now.
struct tracked_point {
  index_t row;
  double orig, cur;
};

// The k largest (top) or smallest values seen, sorted from the most extreme; `bar` is the value a
// newcomer must beat (strictly) once k are held.
struct extremes {
  tracked_point p[16];
  int k = 0, held = 0;
  bool top = true;
  double bar = 0;
  void init(int k_, bool top_) {
    k = k_, top = top_, held = 0;
    bar = top ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  bool beats(double v, double w) const { return top ? v > w : v < w; }
  void offer(index_t row, double v) {
    if (!beats(v, bar)) return;
    int i = held < k ? held++ : k - 1;  // the last one drops out when full
    while (i > 0 && beats(v, p[i - 1].orig)) {
      p[i] = p[i - 1];
      --i;
    }
    p[i] = {row, v, v};
    if (held == k) bar = p[k - 1].orig;
  }
};

// The pass over the data: count, sum, minimum and maximum (the minimum and maximum exactly as
// statistics::summarize computes them), the sums of powers of x - p.c and the most extreme values
// at each end; copying into `dst` unless it is `src`.
inline void first_pass(const double* src, double* dst, index_t n, double& count, double& sum, double& mn, double& mx,
                       power_sums& p, extremes& hi, extremes& lo) {
  const bool copy = dst != src;
  const double c = p.c;
  mn = std::numeric_limits<double>::infinity(), mx = -mn;
  double cnt = 0.0, s = 0.0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  index_t i = 0;
#if defined(__SSE2__)
  __m128d vmn0 = _mm_set1_pd(mn), vmn1 = vmn0, vmx0 = _mm_set1_pd(mx), vmx1 = vmx0;
  __m128d vc0 = _mm_setzero_pd(), vc1 = vc0, vs0 = vc0, vs1 = vc0;
  __m128d a1 = vc0, a2 = vc0, a3 = vc0, a4 = vc0, b1 = vc0, b2 = vc0, b3 = vc0, b4 = vc0;
  const __m128d one = _mm_set1_pd(1.0), vc = _mm_set1_pd(c);
  __m128d vhi = _mm_set1_pd(hi.bar), vlo = _mm_set1_pd(lo.bar);
  for (; i + 4 <= n; i += 4) {
    const __m128d a = _mm_loadu_pd(src + i), b = _mm_loadu_pd(src + i + 2);
    if (copy) {
      _mm_storeu_pd(dst + i, a);
      _mm_storeu_pd(dst + i + 2, b);
    }
    vmn0 = _mm_min_pd(a, vmn0);
    vmn1 = _mm_min_pd(b, vmn1);
    vmx0 = _mm_max_pd(a, vmx0);
    vmx1 = _mm_max_pd(b, vmx1);
    const __m128d oa = _mm_cmpord_pd(a, a), ob = _mm_cmpord_pd(b, b);
    vc0 = _mm_add_pd(vc0, _mm_and_pd(oa, one));
    vc1 = _mm_add_pd(vc1, _mm_and_pd(ob, one));
    vs0 = _mm_add_pd(vs0, _mm_and_pd(oa, a));
    vs1 = _mm_add_pd(vs1, _mm_and_pd(ob, b));
    const __m128d da = _mm_and_pd(_mm_sub_pd(a, vc), oa), db = _mm_and_pd(_mm_sub_pd(b, vc), ob);
    const __m128d da2 = _mm_mul_pd(da, da), db2 = _mm_mul_pd(db, db);
    a1 = _mm_add_pd(a1, da);
    b1 = _mm_add_pd(b1, db);
    a2 = _mm_add_pd(a2, da2);
    b2 = _mm_add_pd(b2, db2);
    a3 = _mm_add_pd(a3, _mm_mul_pd(da2, da));
    b3 = _mm_add_pd(b3, _mm_mul_pd(db2, db));
    a4 = _mm_add_pd(a4, _mm_mul_pd(da2, da2));
    b4 = _mm_add_pd(b4, _mm_mul_pd(db2, db2));
    const __m128d out = _mm_or_pd(_mm_or_pd(_mm_cmpgt_pd(a, vhi), _mm_cmplt_pd(a, vlo)),
                                  _mm_or_pd(_mm_cmpgt_pd(b, vhi), _mm_cmplt_pd(b, vlo)));
    if (_mm_movemask_pd(out)) {
      for (index_t k = i; k < i + 4; ++k) hi.offer(k, src[k]), lo.offer(k, src[k]);
      vhi = _mm_set1_pd(hi.bar);
      vlo = _mm_set1_pd(lo.bar);
    }
  }
  alignas(16) double t[2];
  _mm_store_pd(t, _mm_min_pd(vmn0, vmn1));
  mn = std::min(t[0], t[1]);
  _mm_store_pd(t, _mm_max_pd(vmx0, vmx1));
  mx = std::max(t[0], t[1]);
  _mm_store_pd(t, _mm_add_pd(vc0, vc1));
  cnt = t[0] + t[1];
  _mm_store_pd(t, _mm_add_pd(vs0, vs1));
  s = t[0] + t[1];
  _mm_store_pd(t, _mm_add_pd(a1, b1));
  s1 = t[0] + t[1];
  _mm_store_pd(t, _mm_add_pd(a2, b2));
  s2 = t[0] + t[1];
  _mm_store_pd(t, _mm_add_pd(a3, b3));
  s3 = t[0] + t[1];
  _mm_store_pd(t, _mm_add_pd(a4, b4));
  s4 = t[0] + t[1];
#endif
  for (; i < n; ++i) {
    const double v = src[i];
    if (copy) dst[i] = v;
    mn = v < mn ? v : mn;
    mx = v > mx ? v : mx;
    if (v != v) continue;
    cnt += 1.0, s += v;
    const double d = v - c, d2 = d * d;
    s1 += d, s2 += d2, s3 += d2 * d, s4 += d2 * d2;
    hi.offer(i, v);
    lo.offer(i, v);
  }
  count = cnt, sum = s;
  p.s1 = s1, p.s2 = s2, p.s3 = s3, p.s4 = s4;
  p.a2 = s2, p.a4 = s4;
}

// Sums of powers of x - p.c over the column (again, about a better shift or after moves that
// cancelled most of the sums).
inline void power_pass(const double* x, index_t n, power_sums& p) {
  const double c = p.c;
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  index_t i = 0;
#if defined(__SSE2__)
  const __m128d vc = _mm_set1_pd(c);
  __m128d a1 = _mm_setzero_pd(), a2 = a1, a3 = a1, a4 = a1, b1 = a1, b2 = a1, b3 = a1, b4 = a1;
  for (; i + 4 <= n; i += 4) {
    const __m128d a = _mm_loadu_pd(x + i), b = _mm_loadu_pd(x + i + 2);
    const __m128d da = _mm_and_pd(_mm_sub_pd(a, vc), _mm_cmpord_pd(a, a));
    const __m128d db = _mm_and_pd(_mm_sub_pd(b, vc), _mm_cmpord_pd(b, b));
    const __m128d da2 = _mm_mul_pd(da, da), db2 = _mm_mul_pd(db, db);
    a1 = _mm_add_pd(a1, da);
    b1 = _mm_add_pd(b1, db);
    a2 = _mm_add_pd(a2, da2);
    b2 = _mm_add_pd(b2, db2);
    a3 = _mm_add_pd(a3, _mm_mul_pd(da2, da));
    b3 = _mm_add_pd(b3, _mm_mul_pd(db2, db));
    a4 = _mm_add_pd(a4, _mm_mul_pd(da2, da2));
    b4 = _mm_add_pd(b4, _mm_mul_pd(db2, db2));
  }
  alignas(16) double t[2];
  _mm_store_pd(t, _mm_add_pd(a1, b1));
  s1 = t[0] + t[1];
  _mm_store_pd(t, _mm_add_pd(a2, b2));
  s2 = t[0] + t[1];
  _mm_store_pd(t, _mm_add_pd(a3, b3));
  s3 = t[0] + t[1];
  _mm_store_pd(t, _mm_add_pd(a4, b4));
  s4 = t[0] + t[1];
#endif
  for (; i < n; ++i) {
    const double v = x[i];
    if (std::isnan(v)) continue;
    const double d = v - c, d2 = d * d;
    s1 += d, s2 += d2, s3 += d2 * d, s4 += d2 * d2;
  }
  p.s1 = s1, p.s2 = s2, p.s3 = s3, p.s4 = s4;
  p.a2 = s2, p.a4 = s4;
}

// Moves one tracked point to `w`, in the column and in the sums.
inline void move_point(tracked_point& t, double w, double* x, power_sums& p) {
  const double dv = t.cur - p.c, dw = w - p.c;
  const double v2 = dv * dv, w2 = dw * dw;
  p.s1 += dw - dv;
  p.s2 += w2 - v2;
  p.s3 += w2 * dw - v2 * dv;
  p.s4 += w2 * w2 - v2 * v2;
  p.a2 += w2 + v2;
  p.a4 += w2 * w2 + v2 * v2;
  t.cur = w;
  x[t.row] = w;
}

// The one-pass treatment of `src` into `dst` (which may be `src`). Returns false, with `dst` a
// copy of `src`, when the column is one the reference path must treat (few values, values
// beyond the range the sums handle, ties across the whole column).
inline bool treat_one_pass(const treatment::gii& rule, const double* src, double* dst, index_t rows, const std::string& indicator,
                           treatment_report& rep) {
  const int k = rule.max_winsorized + 1;
  if (rule.max_winsorized > 14 || rows < 256) {
    if (dst != src) std::copy(src, src + rows, dst);
    return false;
  }
  // One pass, the powers taken about the mean of the first few values; again about the mean of
  // all of them (over the column, now in cache) when the first estimate does not settle the test.
  power_sums p;
  {
    double c0 = 0;
    int taken = 0;
    for (index_t i = 0; i < rows && taken < 64; ++i)
      if (!std::isnan(src[i])) c0 += src[i], ++taken;
    p.c = taken ? c0 / taken : 0.0;
  }
  extremes hi, lo;
  hi.init(k, true);
  lo.init(k, false);
  double count = 0, sum = 0, mn = 0, mx = 0;
  first_pass(src, dst, rows, count, sum, mn, mx, p, hi, lo);
  if (count < 2.0 * k + 4 || !std::isfinite(sum) || !(mn < mx)) return false;
  p.n = count;
  p.xabs = std::max(std::abs(mn), std::abs(mx));
  if (!settled(estimate_shape(p), rule) || !std::isfinite(p.c)) {
    p.c = sum / count;
    power_pass(dst, rows, p);
  }
  const auto before_est = estimate_shape(p);
  if (!before_est.usable) return false;
  statistics::shape before{before_est.skewness, before_est.kurtosis};
  if (!settled(before_est, rule)) before = statistics::skewness_kurtosis(Eigen::Map<const vector>(dst, rows));
  rep.skew_before = rep.skew_after = before.skewness;
  rep.kurtosis_before = rep.kurtosis_after = before.kurtosis;
  if (!needs_treatment(rep.skew_before, rep.kurtosis_before, rule)) return true;
  // The k-th largest value must lie above the k-th smallest: the points a step can move (at most
  // max_winsorized, all above or below the k-th value) are then the tracked ones.
  const double a_k = hi.p[k - 1].orig, b_k = lo.p[k - 1].orig;
  if (!(a_k > b_k)) return false;

  std::vector<index_t> high, low, extreme;
  int moved = 0;
  bool fails = true;
  while (fails && moved < rule.max_winsorized) {
    const bool top = rep.skew_after >= 0;
    extremes& side = top ? hi : lo;
    // The extreme value now, and the next value in (a tracked one: the k-th value never moves).
    double ext = side.p[0].cur;
    for (int j = 1; j < k; ++j)
      if (side.beats(side.p[j].cur, ext)) ext = side.p[j].cur;
    // At the k-th value, k > max_winsorized points share it: the step is not taken.
    if (!side.beats(ext, side.p[k - 1].orig)) break;
    double next = side.p[k - 1].orig;
    std::size_t at_ext = 0;
    for (int j = 0; j < k; ++j) {
      const double v = side.p[j].cur;
      if (v == ext) ++at_ext;
      else if (side.beats(v, next)) next = v;
    }
    if (at_ext + (top ? low.size() : high.size()) > static_cast<std::size_t>(rule.max_winsorized)) break;
    // The reference takes the next value from the first row that holds it: its bits matter only
    // for a zero (+0 and -0 compare equal), then found by the same scan.
    if (next == 0.0)
      for (index_t i = 0; i < rows; ++i)
        if (dst[i] == 0.0) {
          next = dst[i];
          break;
        }
    extreme.clear();
    for (int j = 0; j < k; ++j)
      if (side.p[j].cur == ext) {
        extreme.push_back(side.p[j].row);
        move_point(side.p[j], next, dst, p);
      }
    std::sort(extreme.begin(), extreme.end());  // in row order, as the reference lists them
    (top ? high : low) = extreme;
    moved = static_cast<int>(high.size() + low.size());
    // When the moved points held most of the sums (few strong outliers), what is left has lost
    // digits to the cancellation: the sums are taken again over the column (still in cache).
    if (p.a4 > 1024.0 * p.s4 || p.a2 > 1024.0 * p.s2) power_pass(dst, rows, p);
    const auto after = decide_shape(p, rule, dst, rows);
    rep.skew_after = after.skewness;
    rep.kurtosis_after = after.kurtosis;
    fails = needs_treatment(rep.skew_after, rep.kurtosis_after, rule);
  }
  if (!fails) {
    rep.action = treatment_action::winsorized;
    rep.winsorized = moved;
    rep.winsorized_high = std::move(high);
    rep.winsorized_low = std::move(low);
    rep.passes_after = true;
    return true;
  }
  // The log fallback, fitted on the original minimum and maximum, in one pass over the original
  // values (restored first when treating in place), then one over the cached logged column.
  if (dst == src)
    for (auto* side : {&hi, &lo})
      for (int j = 0; j < k; ++j) dst[side->p[j].row] = side->p[j].orig;
  if (rule.fallback == treatment::log_kind::gii && !(mx > 1.0))
    throw_data("indicator '" + indicator + "': the GII log transform needs a maximum above 1, the maximum is " + fmt_double(mx));
  rep.log = rule.fallback;
  rep.log_min = mn;
  rep.log_max = mx;
  rep.action = treatment_action::log_transformed;
  const bool mirrored = rep.skew_before < 0;
  // The logged values (a tight loop around std::log, which leaves no register to accumulators),
  // then their count, sum, range and sums of powers about the log of the mean over the column
  // while it is in cache; the powers again about the logged values' mean when that does not
  // settle the test.
  for (index_t i = 0; i < rows; ++i) dst[i] = treatment_log(rule.fallback, mn, mx, mirrored, src[i]);  // NaN stays NaN
  power_sums q;
  q.c = treatment_log(rule.fallback, mn, mx, mirrored, sum / count);
  if (!std::isfinite(q.c)) q.c = 0.0;
  extremes none_hi, none_lo;  // no selection: nothing beats these bars
  none_hi.init(k, false);
  none_lo.init(k, true);
  none_hi.top = true, none_lo.top = false;
  double lc = 0, ls = 0, lmn = 0, lmx = 0;
  first_pass(dst, dst, rows, lc, ls, lmn, lmx, q, none_hi, none_lo);
  q.n = lc;
  q.xabs = std::max(std::abs(lmn), std::abs(lmx));
  statistics::shape logged{nan, nan};
  bool done = false;
  if (lc >= 4 && std::isfinite(ls) && lmn < lmx) {
    auto est = estimate_shape(q);
    if (!settled(est, rule)) {
      q.c = ls / lc;
      power_pass(dst, rows, q);
      est = estimate_shape(q);
    }
    if (settled(est, rule)) logged = {est.skewness, est.kurtosis}, done = true;
  }
  if (!done) logged = statistics::skewness_kurtosis(Eigen::Map<const vector>(dst, rows));
  rep.skew_after = logged.skewness;
  rep.kurtosis_after = logged.kurtosis;
  rep.passes_after = !needs_treatment(rep.skew_after, rep.kurtosis_after, rule);
  return true;
}

}  // namespace detail

COMPINDEX_INLINE treatment_report treat_column(const treatment::method& m, Eigen::Ref<vector> x, const std::string& indicator) {
  if (m.index() != 0) {
    treatment_report rep;
    rep.indicator = indicator;
    if (detail::treat_one_pass(std::get<treatment::gii>(m), x.data(), x.data(), x.size(), indicator, rep)) return rep;
  }
  return detail::treat_column_two_pass(m, x, indicator);
}

COMPINDEX_INLINE treatment_report treat_column(const treatment::method& m, vector_cref src, Eigen::Ref<vector> dst,
                                               const std::string& indicator) {
  if (src.size() != dst.size())
    detail::throw_spec("indicator '" + indicator + "': the treated column has " + std::to_string(dst.size()) + " rows, the column " +
               std::to_string(src.size()));
  treatment_report rep;
  rep.indicator = indicator;
  if (m.index() == 0) {
    if (dst.data() != src.data()) dst = src;
    return rep;
  }
  if (detail::treat_one_pass(std::get<treatment::gii>(m), src.data(), dst.data(), src.size(), indicator, rep)) return rep;
  return detail::treat_column_two_pass(m, dst, indicator);  // dst holds a copy of src
}

}  // namespace compindex
