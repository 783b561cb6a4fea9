#pragma once
// Out-of-line definitions of imputation.hpp.

#include "../imputation.hpp"
#include "../statistics.hpp"

#include <cmath>
#include <map>

namespace compindex {

namespace imputation {

COMPINDEX_INLINE std::string name(const method& m) {
  static const char* const names[] = {"none", "mean", "median", "group_mean", "group_median"};
  return names[m.index()];
}

COMPINDEX_INLINE method from_name(const std::string& n, const std::string& group) {
  if (n.empty() || n == "none") return none{};
  if (n == "mean") return mean{};
  if (n == "median") return median{};
  if (n == "group_mean" || n == "group_median") {
    if (group.empty()) detail::throw_spec("imputation '" + n + "' needs the name of a unit group column");
    if (n == "group_mean") return group_mean{group};
    return group_median{group};
  }
  detail::throw_spec("unknown imputation '" + n + "' (expected none, mean, median, group_mean or group_median)");
}

COMPINDEX_INLINE const std::string& group_of(const method& m) {
  static const std::string empty;
  if (auto* g = std::get_if<group_mean>(&m)) return g->group;
  if (auto* g = std::get_if<group_median>(&m)) return g->group;
  return empty;
}

}  // namespace imputation

COMPINDEX_INLINE imputation_report impute_column(const imputation::method& m, Eigen::Ref<vector> x,
                                                 const std::vector<int>& group_ids, const std::string& indicator) {
  imputation_report rep;
  if (m.index() == 0) return rep;
  const index_t n = x.size();
  bool any_missing = false;
  for (index_t i = 0; i < n && !any_missing; ++i) any_missing = std::isnan(x[i]);
  if (!any_missing) return rep;
  if (statistics::count(x) == 0) detail::throw_data("indicator '" + indicator + "' has no data to impute from");
  const bool use_median = std::holds_alternative<imputation::median>(m) || std::holds_alternative<imputation::group_median>(m);
  const double overall = use_median ? statistics::median(x) : statistics::mean(x);
  const bool grouped = m.index() >= 3;
  if (grouped && group_ids.size() != static_cast<std::size_t>(n))
    detail::throw_spec("indicator '" + indicator + "': group imputation needs one group per unit");
  std::map<int, double> group_value;
  if (grouped) {
    std::map<int, std::vector<double>> members;
    for (index_t i = 0; i < n; ++i)
      if (!std::isnan(x[i]) && group_ids[static_cast<std::size_t>(i)] >= 0)
        members[group_ids[static_cast<std::size_t>(i)]].push_back(x[i]);
    for (auto& [g, v] : members) {
      Eigen::Map<const vector> mv(v.data(), static_cast<index_t>(v.size()));
      group_value[g] = use_median ? statistics::median(mv) : statistics::mean(mv);
    }
  }
  for (index_t i = 0; i < n; ++i) {
    if (!std::isnan(x[i])) continue;
    double v = overall;
    if (grouped) {
      auto it = group_value.find(group_ids[static_cast<std::size_t>(i)]);
      if (it != group_value.end()) {
        v = it->second;
      } else {
        rep.fallback_rows.push_back(i);
      }
    }
    x[i] = v;
    rep.rows.push_back(i);
  }
  return rep;
}

}  // namespace compindex
