#pragma once
// Min-max normalization (and distance to max, the same formula) split into its checks and its
// pass over the values, so that the pipeline can check every column first and write the values
// later, block by block (pipeline.ipp, score). normalize_column_into is the two together.

#include "../error.hpp"
#include "../normalization.hpp"
#include "../statistics.hpp"
#include "format.hpp"

#include <cmath>
#include <string>
#include <variant>

namespace compindex::detail {

// The output range: two different finite bounds whose span is finite too (a span beyond the
// largest double, such as (-1.7e308, 1.7e308), would map values to infinity or NaN).
inline void check_output_range(const range& r) {
  if (!(r.lower < r.upper) && !(r.lower > r.upper))
    throw_spec("normalization range: lower and upper must differ, got " + fmt_double(r.lower));
  if (!std::isfinite(r.upper - r.lower))
    throw_spec("normalization range (" + fmt_double(r.lower) + ", " + fmt_double(r.upper) +
               "): its span overflows the largest double; use a narrower range");
}

// (x - a) / (b - a) when b - a, or x - a, overflows: every term halved, which is exact for the
// values that matter here (a halved subnormal loses a bit it cannot contribute to the result).
inline double halved_fraction(double x, double a, double b) { return (0.5 * x - 0.5 * a) / (0.5 * b - 0.5 * a); }

/// Whether `m` is min_max or distance_to_max: the methods this one-pass formula serves.
inline bool is_min_max_family(const normalization::method& m) {
  return std::holds_alternative<normalization::min_max>(m) || std::holds_alternative<normalization::distance_to_max>(m);
}

/// What the pass over a column's values needs: lo + span * ((dir x - mn) / w).
struct min_max_params {
  double dir = 1.0, mn = 0.0, mx = 1.0, w = 1.0, lo = 0.0, span = 1.0;
  bool halve = false;  // the data's span overflows: every term halved (halved_fraction)
};

/// The checks of min_max / distance_to_max (is_min_max_family) on a column's summary, and its
/// parameters. @throws data_error for a column without data or a constant one, spec_error for a
/// bad range
inline min_max_params min_max_prepare(const normalization::method& m, const range& r, const statistics::summary& sm,
                                      const column_context& c) {
  const std::string ind = c.indicator ? *c.indicator : std::string("?");
  if (sm.count == 0) throw_data("indicator '" + ind + "' has no data (every value is missing)");
  check_output_range(r);
  min_max_params p;
  p.dir = c.direction < 0 ? -1.0 : 1.0;
  p.mn = p.dir > 0 ? sm.min : -sm.max;
  p.mx = p.dir > 0 ? sm.max : -sm.min;
  if (!(p.mx > p.mn))
    throw_data("indicator '" + ind + "' is constant (every value is " + fmt_double(sm.min) + "); " +
               normalization::name(m) + " is undefined for it");
  p.w = p.mx - p.mn;
  p.lo = r.lower;
  p.span = r.upper - r.lower;
  p.halve = std::isinf(p.w);
  return p;
}

/// dst[i] = the normalized src[i], for i in [0, n). src and dst may be the same.
inline void min_max_apply(const min_max_params& p, const double* src, double* dst, index_t n) {
  const double dir = p.dir, mn = p.mn, mx = p.mx, w = p.w, lo = p.lo, span = p.span;
  if (p.halve) {
    for (index_t i = 0; i < n; ++i) dst[i] = lo + span * halved_fraction(dir * src[i], mn, mx);
    return;
  }
  for (index_t i = 0; i < n; ++i) dst[i] = lo + span * ((dir * src[i] - mn) / w);
}

}  // namespace compindex::detail
