#pragma once
/// @file imputation.hpp
/// Imputation of missing values, one indicator at a time.

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <string>
#include <variant>
#include <vector>

namespace compindex {
namespace imputation {

struct none {};
/// The indicator's mean over units with a value.
struct mean {};
/// The indicator's median over units with a value.
struct median {};
/// The mean over units of the same group (a unit group such as a region). A unit whose whole
/// group lacks the value gets the indicator's overall mean, and the result says so.
struct group_mean {
  std::string group;
};
/// As group_mean, with medians.
struct group_median {
  std::string group;
};

using method = std::variant<none, mean, median, group_mean, group_median>;

std::string name(const method& m);
/// @throws spec_error for an unknown name; group methods need the group's name.
method from_name(const std::string& name, const std::string& group = {});
/// The group a method uses ("" for none).
const std::string& group_of(const method& m);

}  // namespace imputation

/// What imputing one column did.
struct imputation_report {
  std::vector<index_t> rows;           ///< rows that received a value
  std::vector<index_t> fallback_rows;  ///< rows of group methods that fell back to the overall value
};

/// Imputes one column in place.
/// @param group_ids one group id per unit (0..n_groups-1, or -1 for a unit without a group); only
///        used by group methods
/// @throws data_error if the indicator has no data at all
imputation_report impute_column(const imputation::method& m, Eigen::Ref<vector> x, const std::vector<int>& group_ids,
                                const std::string& indicator);

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/imputation.ipp"
#endif
