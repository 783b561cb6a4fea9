#pragma once
/// @file normalization.hpp
/// Normalization methods. Direction is applied first (values of an indicator with direction -1
/// are negated, and its goalposts and target mirrored), so every method sees higher-is-better data.
/// Methods whose natural result lies on [0, 1] are then mapped onto the output range, which is
/// independent of the method (default 0-100).

#include "config.hpp"
#include "error.hpp"
#include "statistics.hpp"
#include "transform.hpp"
#include "types.hpp"

#include <string>
#include <variant>

namespace compindex {
namespace normalization {

/// Leaves values as they are (after direction).
struct none {};
/// (x - min)/(max - min), mapped onto the range. A constant indicator is an error.
struct min_max {};
/// mean + sd * (x - mean(x))/sd(x), sample sd. The range does not apply. A constant indicator is an error.
struct z_score {
  double mean = 0.0;
  double sd = 1.0;
};
/// (x - lower)/(upper - lower), clamped to [0, 1] when `clamp`, mapped onto the range (the HDI's
/// method). Goalposts are in raw units; NaN takes the indicator's own goalposts from the framework.
struct goalposts {
  double lower = nan;
  double upper = nan;
  bool clamp = true;
};
/// 1 - (max - x)/(max - min) (COINr's n_dist2max), mapped onto the range.
struct distance_to_max {};
/// (x - min)/(x_ref - min): the distance to a reference unit, 1 at the reference, capped at 1 when
/// `cap`, mapped onto the range.
struct distance_to_reference {
  std::string unit;
  bool cap = false;
};
/// (x - min)/(target - min), capped at 1 when `cap`, mapped onto the range. The target is in raw
/// units; NaN takes the indicator's own target from the framework.
struct distance_to_target {
  double target = nan;
  bool cap = true;
};
/// Fraction of the best value: x / max for direction +1, min / x for direction -1 (so the best unit
/// gets 1), mapped onto the range. Values must be positive.
struct fraction_of_max {};
/// Rank from the worst (1) to the best (n), ties take the lowest place. The range does not apply.
struct rank {};
/// (rank - 1)/(n - 1), mapped onto the range.
struct percentile_rank {};
/// Borda score: rank - 1 (the number of units beaten). The range does not apply.
struct borda {};

using method = std::variant<min_max, z_score, goalposts, distance_to_max, distance_to_reference, distance_to_target,
                            fraction_of_max, rank, percentile_rank, borda, none>;

/// The method's name ("min_max", "z_score", ...).
std::string name(const method& m);
/// The method of that name with default parameters. @throws spec_error for an unknown name.
method from_name(const std::string& name);
/// Whether the output range applies to the method.
bool uses_range(const method& m);

}  // namespace normalization

/// The output range of normalization.
struct range {
  double lower = 0.0;
  double upper = 100.0;
};

/// What normalizing one indicator column needs to know besides the method.
struct treatment_report;

struct column_context {
  const std::string* indicator = nullptr;  ///< for messages
  const codes* units = nullptr;            ///< unit codes, for messages and distance_to_reference
  int direction = 1;
  const transform::method* transform = nullptr;  ///< applied to goalposts and target (values are already transformed)
  /// The outlier treatment of the values; its log transform, when it applied one, maps goalposts
  /// and target too (before `transform`).
  const treatment_report* treatment = nullptr;
  double lower = nan, upper = nan, target = nan;  ///< the indicator's own parameters, raw units
};

/// Normalizes one column in place: the values are already transformed but not direction-adjusted.
/// Missing values stay missing.
/// @throws data_error for a constant indicator under min_max or z_score, an indicator without
///         data, a reference unit without a value, under fraction_of_max a negative value, an
///         all-zero indicator or (direction -1) a zero.
/// @throws spec_error for missing goalposts or target, or lower >= upper.
void normalize_column(const normalization::method& m, const range& r, Eigen::Ref<vector> x, const column_context& ctx);

/// Normalizes `src` into `dst` in one pass, given the column's summary (count, min, max of the
/// undirected values), for the methods that need nothing else (min_max, distance_to_max).
/// @return false (nothing written) for other methods: use normalize_column.
/// @throws data_error for a constant indicator or one without data
bool normalize_column_into(const normalization::method& m, const range& r, const double* src, double* dst, index_t n,
                           const statistics::summary& summary, const column_context& ctx);

/// Ascending ranks of a column (1 = smallest), ties sharing the lowest place, NaN kept.
vector ascending_ranks(vector_cref x);

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/normalization.ipp"
#endif
