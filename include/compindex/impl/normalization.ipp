#pragma once
// Out-of-line definitions of normalization.hpp.

#include "../normalization.hpp"
#include "../detail/format.hpp"
#include "../detail/min_max.hpp"
#include "../statistics.hpp"
#include "../treatment.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace compindex {

namespace normalization {

// A function-local table, so the inline functions below use one entity in every translation unit.
inline const char* const* method_names() {
  static const char* const names[] = {"min_max",  "z_score",         "goalposts", "distance_to_max",
                                    "distance_to_reference", "distance_to_target", "fraction_of_max",
                                    "rank",     "percentile_rank", "borda",     "none"};
  return names;
}
inline constexpr std::size_t n_methods = 11;

COMPINDEX_INLINE std::string name(const method& m) { return method_names()[m.index()]; }

COMPINDEX_INLINE method from_name(const std::string& n) {
  if (n == "min_max") return min_max{};
  if (n == "z_score") return z_score{};
  if (n == "goalposts") return goalposts{};
  if (n == "distance_to_max") return distance_to_max{};
  if (n == "distance_to_reference") return distance_to_reference{};
  if (n == "distance_to_target") return distance_to_target{};
  if (n == "fraction_of_max") return fraction_of_max{};
  if (n == "rank") return rank{};
  if (n == "percentile_rank") return percentile_rank{};
  if (n == "borda") return borda{};
  if (n == "none") return none{};
  std::string list;
  for (std::size_t k = 0; k < n_methods; ++k) list += (list.empty() ? "" : ", ") + std::string(method_names()[k]);
  compindex::detail::throw_spec("unknown normalization '" + n + "' (expected one of " + list + ")");
}

COMPINDEX_INLINE bool uses_range(const method& m) {
  return !(std::holds_alternative<z_score>(m) || std::holds_alternative<rank>(m) || std::holds_alternative<borda>(m) ||
           std::holds_alternative<none>(m));
}

}  // namespace normalization

COMPINDEX_INLINE vector ascending_ranks(vector_cref x) {
  const index_t n = x.size();
  std::vector<index_t> idx;
  idx.reserve(static_cast<std::size_t>(n));
  for (index_t i = 0; i < n; ++i)
    if (!std::isnan(x[i])) idx.push_back(i);
  std::sort(idx.begin(), idx.end(), [&](index_t a, index_t b) { return x[a] < x[b]; });
  vector r = vector::Constant(n, nan);
  for (std::size_t k = 0; k < idx.size(); ++k)
    r[idx[k]] = (k > 0 && x[idx[k]] == x[idx[k - 1]]) ? r[idx[k - 1]] : static_cast<double>(k + 1);
  return r;
}

namespace detail {

inline std::string unit_name(const column_context& c, index_t i) {
  if (c.units && static_cast<std::size_t>(i) < c.units->size()) return (*c.units)[static_cast<std::size_t>(i)];
  return "row " + std::to_string(i + 1);
}

inline std::string ind_name(const column_context& c) { return c.indicator ? *c.indicator : std::string("?"); }

// A raw-unit parameter, transformed and direction-adjusted.
inline double prepare_parameter(double raw, const column_context& c, const char* what) {
  double v = raw;
  if (c.treatment) {
    v = treated_value(*c.treatment, raw);  // unchanged unless the treatment log-transformed
    if (std::isnan(v) && !std::isnan(raw))
      throw_data("indicator '" + ind_name(c) + "': its " + what + " " + fmt_double(raw) +
                 " is outside the domain of the log transform the outlier treatment applied (fitted on values from " +
                 fmt_double(c.treatment->log_min) + " to " + fmt_double(c.treatment->log_max) + ")");
  }
  if (c.transform) {
    if (!transform_domain_ok(*c.transform, v))
      throw_data("indicator '" + ind_name(c) + "': its " + what + " " + fmt_double(raw) + " is outside the domain of transform '" +
                 transform::name(*c.transform) + "'");
    v = apply_transform(*c.transform, v);
    if (!std::isfinite(v))
      throw_computation("indicator '" + ind_name(c) + "': transform '" + transform::name(*c.transform) + "' of its " + what +
                        " " + fmt_double(raw) + " gives " + fmt_double(v) + ", beyond the largest double");
  }
  return c.direction * v;
}

// A normalization's output must be finite where its input is (a user's goalposts, target or z
// parameters can push a value beyond the largest double).
inline void check_finite_output(const double* out, index_t n, const column_context& c, const char* method) {
  bool bad = false;
  for (index_t i = 0; i < n; ++i) bad |= std::isinf(out[i]);
  if (!bad) return;
  for (index_t i = 0; i < n; ++i)
    if (std::isinf(out[i]))
      throw_computation("indicator '" + ind_name(c) + "': " + method + " gives " + fmt_double(out[i]) + " for unit '" +
                        unit_name(c, i) + "': the result overflows the largest double; rescale the indicator or change the method's parameters");
}

// Maps t (on [0, 1]) onto the range.
inline void to_range(Eigen::Ref<vector> x, const range& r) {
  const double w = r.upper - r.lower;
  for (index_t i = 0; i < x.size(); ++i) x[i] = r.lower + w * x[i];
}

}  // namespace detail

COMPINDEX_INLINE bool normalize_column_into(const normalization::method& m, const range& r, const double* src, double* dst,
                                            index_t n, const statistics::summary& sm, const column_context& c) {
  // min_max and distance_to_max in one pass: direction, scaling and range together. (The two
  // formulas are equal; distance_to_max is COINr's 1 - (max - x)/(max - min).)
  if (!detail::is_min_max_family(m)) return false;
  detail::min_max_apply(detail::min_max_prepare(m, r, sm, c), src, dst, n);
  return true;
}

COMPINDEX_INLINE void normalize_column(const normalization::method& m, const range& r, Eigen::Ref<vector> x,
                                       const column_context& c) {
  using namespace normalization;
  const index_t n = x.size();
  // One pass for count, minimum and maximum of the undirected values.
  const auto sm = statistics::summarize(x.data(), n);
  if (sm.count == 0) detail::throw_data("indicator '" + detail::ind_name(c) + "' has no data (every value is missing)");
  const index_t avail = sm.count;
  if (uses_range(m)) detail::check_output_range(r);
  if (std::holds_alternative<fraction_of_max>(m)) {
    // Works on undirected values: the best value is the max (direction +1) or the min (direction -1).
    // Direction +1 is x / max: a zero is fine (it scores 0), the max must be positive. Direction
    // -1 is min / x: every value must be positive (a zero has no fraction; name its unit).
    const double mn0 = sm.min, mx0 = sm.max;
    if (mn0 < 0.0) {
      index_t at = 0;
      while (at < n && !(x[at] < 0.0)) ++at;
      detail::throw_data("indicator '" + detail::ind_name(c) + "': fraction_of_max needs values >= 0, unit '" +
                         detail::unit_name(c, at) + "' has " + detail::fmt_double(x[at]));
    }
    if (c.direction > 0 && !(mx0 > 0.0))
      detail::throw_data("indicator '" + detail::ind_name(c) +
                         "': fraction_of_max needs a positive maximum (x / max), every value is 0");
    if (c.direction < 0 && !(mn0 > 0.0)) {
      index_t at = 0;
      while (at < n && !(x[at] == 0.0)) ++at;
      detail::throw_data("indicator '" + detail::ind_name(c) + "': fraction_of_max of an inverse indicator is min / x, "
                         "undefined at 0: unit '" + detail::unit_name(c, at) + "' has 0");
    }
    for (index_t i = 0; i < n; ++i) x[i] = c.direction > 0 ? x[i] / mx0 : mn0 / x[i];
    detail::to_range(x, r);
    return;
  }
  const double dir = c.direction < 0 ? -1.0 : 1.0;
  // Directed minimum.
  const double mn = dir > 0 ? sm.min : -sm.max;
  auto constant_error = [&](const char* method_name) {
    detail::throw_data("indicator '" + detail::ind_name(c) + "' is constant (every value is " + detail::fmt_double(sm.min) +
                       "); " + method_name + " is undefined for it");
  };
  if (normalize_column_into(m, r, x.data(), x.data(), n, sm, c)) return;
  // The directed minimum and maximum of the column.
  auto dmin_of = [](const statistics::summary& s, double d) { return d > 0 ? s.min : -s.max; };
  auto dmax_of = [](const statistics::summary& s, double d) { return d > 0 ? s.max : -s.min; };
  if (dir < 0) x = -x;
  switch (m.index()) {
    case 1: {  // z_score
      const auto& z = std::get<z_score>(m);
      // z-scores are scale-free: a column near the limits of double precision (its sum, squares
      // or sd would overflow, or its squares underflow) is scaled by a power of two first, which
      // is exact.
      const double big = std::max(std::abs(sm.min), std::abs(sm.max));
      if (big > 0x1p900 || (big > 0.0 && big < 0x1p-900)) {
        const int e = std::ilogb(big);
        for (index_t i = 0; i < n; ++i) x[i] = std::ldexp(x[i], -e);
      }
      const double mu = statistics::mean(x), s = statistics::sd(x);
      if (!(s > 0)) constant_error("z_score");
      for (index_t i = 0; i < n; ++i) x[i] = z.mean + z.sd * ((x[i] - mu) / s);
      detail::check_finite_output(x.data(), n, c, "z_score");
      return;
    }
    case 2: {  // goalposts
      const auto& g = std::get<goalposts>(m);
      const double lo_raw = std::isnan(g.lower) ? c.lower : g.lower;
      const double hi_raw = std::isnan(g.upper) ? c.upper : g.upper;
      if (std::isnan(lo_raw) || std::isnan(hi_raw))
        detail::throw_spec("indicator '" + detail::ind_name(c) + "': goalposts normalization needs a lower and an upper goalpost");
      if (!(lo_raw < hi_raw))
        detail::throw_spec("indicator '" + detail::ind_name(c) + "': goalposts need lower < upper, got " + detail::fmt_double(lo_raw) +
                           " and " + detail::fmt_double(hi_raw));
      double lo = detail::prepare_parameter(lo_raw, c, "lower goalpost");
      double hi = detail::prepare_parameter(hi_raw, c, "upper goalpost");
      if (lo > hi) std::swap(lo, hi);
      if (!(lo < hi))  // a transform can map two different goalposts onto one value
        detail::throw_spec("indicator '" + detail::ind_name(c) + "': the goalposts " + detail::fmt_double(lo_raw) + " and " +
                           detail::fmt_double(hi_raw) + " are both " + detail::fmt_double(lo) + " after the transform" +
                           (c.transform ? " '" + transform::name(*c.transform) + "'" : std::string()) +
                           ", so goalposts normalization is undefined (choose other goalposts or another transform)");
      const double w = hi - lo;
      const bool halve = std::isinf(w) || std::isinf(dmax_of(sm, dir) - lo) || std::isinf(dmin_of(sm, dir) - lo);
      for (index_t i = 0; i < n; ++i) {
        double t = halve ? detail::halved_fraction(x[i], lo, hi) : (x[i] - lo) / w;
        if (g.clamp) t = std::clamp(t, 0.0, 1.0);  // NaN passes through std::clamp unchanged
        x[i] = t;
      }
      detail::to_range(x, r);
      detail::check_finite_output(x.data(), n, c, "goalposts");
      return;
    }
    case 4: {  // distance_to_reference
      const auto& d = std::get<distance_to_reference>(m);
      index_t ref = -1;
      if (c.units)
        for (std::size_t i = 0; i < c.units->size(); ++i)
          if ((*c.units)[i] == d.unit) ref = static_cast<index_t>(i);
      if (ref >= n) ref = -1;
      if (ref < 0) detail::throw_spec("indicator '" + detail::ind_name(c) + "': unknown reference unit '" + d.unit + "'");
      const double xr = x[ref];
      if (std::isnan(xr))
        detail::throw_data("indicator '" + detail::ind_name(c) + "': the reference unit '" + d.unit + "' has no value");
      if (!(xr > mn))
        detail::throw_data("indicator '" + detail::ind_name(c) + "': the reference unit '" + d.unit +
                           "' has the worst value, so distance_to_reference is undefined");
      const bool halve = std::isinf(xr - mn) || std::isinf(dmax_of(sm, dir) - mn);
      for (index_t i = 0; i < n; ++i) {
        double t = halve ? detail::halved_fraction(x[i], mn, xr) : (x[i] - mn) / (xr - mn);
        if (d.cap && t > 1.0) t = 1.0;
        x[i] = t;
      }
      detail::to_range(x, r);
      detail::check_finite_output(x.data(), n, c, "distance_to_reference");
      return;
    }
    case 5: {  // distance_to_target
      const auto& d = std::get<distance_to_target>(m);
      const double raw = std::isnan(d.target) ? c.target : d.target;
      if (std::isnan(raw)) detail::throw_spec("indicator '" + detail::ind_name(c) + "': distance_to_target needs a target");
      const double tg = detail::prepare_parameter(raw, c, "target");
      if (!(tg > mn))
        detail::throw_data("indicator '" + detail::ind_name(c) + "': the target " + detail::fmt_double(raw) +
                           " is not better than the worst value, so distance_to_target is undefined");
      const bool halve = std::isinf(tg - mn) || std::isinf(dmax_of(sm, dir) - mn);
      for (index_t i = 0; i < n; ++i) {
        double t = halve ? detail::halved_fraction(x[i], mn, tg) : (x[i] - mn) / (tg - mn);
        if (d.cap && t > 1.0) t = 1.0;
        x[i] = t;
      }
      detail::to_range(x, r);
      detail::check_finite_output(x.data(), n, c, "distance_to_target");
      return;
    }
    case 7:  // rank
      x = ascending_ranks(x);
      return;
    case 8: {  // percentile_rank
      if (avail < 2)
        detail::throw_data("indicator '" + detail::ind_name(c) + "': percentile_rank needs at least 2 values");
      vector rk = ascending_ranks(x);
      for (index_t i = 0; i < n; ++i) x[i] = (rk[i] - 1.0) / static_cast<double>(avail - 1);
      detail::to_range(x, r);
      return;
    }
    case 9: {  // borda
      vector rk = ascending_ranks(x);
      x = rk.array() - 1.0;
      return;
    }
    default:  // none
      return;
  }
}

}  // namespace compindex
