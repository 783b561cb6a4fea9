#pragma once
// Out-of-line definitions of treatment.hpp.

#include "../treatment.hpp"
#include "../detail/format.hpp"
#include "../statistics.hpp"

#include <cmath>

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

COMPINDEX_INLINE treatment_report treat_column(const treatment::method& m, Eigen::Ref<vector> x, const std::string& indicator) {
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

}  // namespace compindex
