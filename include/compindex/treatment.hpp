#pragma once
/// @file treatment.hpp
/// Outlier treatment by the JRC/GII rule: an indicator is treated only when its absolute skewness
/// AND its excess kurtosis (Excel's SKEW and KURT forms) exceed their thresholds; points are then
/// winsorized one at a time from the skewed tail (the most extreme value(s) take the next value in),
/// up to a limit; if the indicator still fails, the winsorization is undone and the original values
/// are log-transformed instead.

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <ostream>
#include <string>
#include <variant>
#include <vector>

namespace compindex {
namespace treatment {

/// The log transform used when winsorization is not enough.
enum class log_kind {
  /// COIN Tool log, as COINr's default log_CT: log(x - min + 0.01 (max - min)); for negative
  /// skew the mirrored form -log(max + 0.01 (max - min) - x), so the order of units is kept.
  coin_tool,
  /// GII scaled log: ln[(max - 1)(x - min)/(max - min) + 1] (mirrored for negative skew); maps
  /// the data onto [0, ln max] and needs max > 1.
  gii,
};

/// No treatment.
struct none {};

/// The JRC/GII rule. The GII uses 2.25 and 3.5; COINr's default skew threshold is 2.
struct gii {
  double skew_threshold = 2.25;
  double kurtosis_threshold = 3.5;
  int max_winsorized = 5;
  log_kind fallback = log_kind::coin_tool;
};

using method = std::variant<none, gii>;

std::string name(const method& m);

}  // namespace treatment

/// What treatment did to one indicator.
enum class treatment_action {
  none,             ///< passed the test (or treatment was off)
  winsorized,       ///< winsorization brought it within the thresholds
  log_transformed,  ///< winsorization was not enough: the original values were log-transformed
  too_few_values,   ///< fewer than 4 values: skewness and kurtosis are undefined, left as it is
};

std::string to_string(treatment_action a);
inline std::ostream& operator<<(std::ostream& os, treatment_action a) { return os << to_string(a); }

struct treatment_report {
  std::string indicator;
  double skew_before = nan, kurtosis_before = nan;
  double skew_after = nan, kurtosis_after = nan;
  treatment_action action = treatment_action::none;
  bool passes_after = true;                ///< within the thresholds after treatment
  int winsorized = 0;                      ///< number of points winsorized (kept winsorization only)
  std::vector<index_t> winsorized_high;    ///< rows whose value was lowered
  std::vector<index_t> winsorized_low;     ///< rows whose value was raised
  /// The log transform applied (action log_transformed): its kind, and the minimum and maximum
  /// of the original values it was fitted on. The same transform maps a raw-unit goalpost or
  /// target (`treated_value`).
  treatment::log_kind log = treatment::log_kind::coin_tool;
  double log_min = nan, log_max = nan;
};

/// A raw-unit value (a goalpost, a target) as the treatment maps the indicator's values: through
/// its log transform when it log-transformed them (NaN outside the transform's domain), unchanged
/// otherwise (winsorization moves data points, not the scale).
double treated_value(const treatment_report& rep, double v);

/// Whether an indicator needs treatment: |skew| > skew_threshold and kurtosis > kurtosis_threshold.
bool needs_treatment(double skew, double kurtosis, const treatment::gii& rule);

/// Treats one column in place (missing values are ignored and kept).
/// @throws data_error when the GII log fallback meets max <= 1.
treatment_report treat_column(const treatment::method& m, Eigen::Ref<vector> x, const std::string& indicator);

/// Treats column `src` into `dst` (same size; `src` is left as it is): the same values and report
/// as copying `src` into `dst` and treating `dst` in place, in fewer passes over the data.
/// @throws data_error when the GII log fallback meets max <= 1; spec_error when the sizes differ.
treatment_report treat_column(const treatment::method& m, vector_cref src, Eigen::Ref<vector> dst, const std::string& indicator);

namespace detail {
/// The reference implementation treat_column used before the one-pass path (two passes for each
/// skewness/kurtosis, a rescan per winsorization step), in place. treat_column still runs it on
/// small columns (fewer than 256 rows) and on the columns the one-pass path leaves to it; the
/// tests and bench/bench_treatment compare the one-pass path with it.
treatment_report treat_column_two_pass(const treatment::method& m, Eigen::Ref<vector> x, const std::string& indicator);
}  // namespace detail

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/treatment.ipp"
#endif
