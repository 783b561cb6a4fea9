#pragma once
// Out-of-line definitions of imputation.hpp.

#include "../imputation.hpp"
#include "../statistics.hpp"

#include <cmath>
#include <map>
#include <sstream>
#include <type_traits>

namespace compindex {

namespace imputation {

COMPINDEX_INLINE std::string name(const method& m) {
  static const char* const names[] = {"none", "mean", "median", "group_mean", "group_median", "em", "knn", "chained", "em_draw"};
  return names[m.index()];
}

COMPINDEX_INLINE std::string describe(const method& m) {
  auto num = [](double x) {
    std::ostringstream s;
    s.precision(17);
    s << x;
    return s.str();
  };
  auto b = [](bool x) { return std::string(x ? "true" : "false"); };
  if (auto* e = std::get_if<em>(&m))
    return "em(tolerance=" + num(e->tolerance) + ", max_iterations=" + std::to_string(e->max_iterations) + ", clamp=" + b(e->clamp) +
           ", ridge=" + num(e->ridge) + ", scope=" + e->scope + ")";
  if (auto* e = std::get_if<em_draw>(&m))
    return "em_draw(tolerance=" + num(e->tolerance) + ", max_iterations=" + std::to_string(e->max_iterations) +
           ", clamp=" + b(e->clamp) + ", ridge=" + num(e->ridge) + ", seed=" + std::to_string(e->seed) + ", scope=" + e->scope + ")";
  if (auto* k = std::get_if<knn>(&m))
    return "knn(k=" + std::to_string(k->k) + ", weights=" + k->weights + (k->group.empty() ? "" : ", group=" + k->group) +
           ", scope=" + k->scope + ")";
  if (auto* c = std::get_if<chained>(&m))
    return "chained(tolerance=" + num(c->tolerance) + ", max_iterations=" + std::to_string(c->max_iterations) +
           ", ridge=" + num(c->ridge) + ", clamp=" + b(c->clamp) + ", scope=" + c->scope + ")";
  if (auto* g = std::get_if<group_mean>(&m)) return "group_mean(group=" + g->group + ")";
  if (auto* g = std::get_if<group_median>(&m)) return "group_median(group=" + g->group + ")";
  return name(m);
}

COMPINDEX_INLINE const std::string& scope_of(const method& m) {
  static const std::string empty;
  return std::visit(
      [](const auto& x) -> const std::string& {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, em> || std::is_same_v<std::decay_t<decltype(x)>, em_draw> ||
                      std::is_same_v<std::decay_t<decltype(x)>, knn> || std::is_same_v<std::decay_t<decltype(x)>, chained>)
          return x.scope;
        else
          return empty;
      },
      m);
}

COMPINDEX_INLINE method from_name(const std::string& n, const std::string& group) {
  if (n.empty() || n == "none") return none{};
  if (n == "mean") return mean{};
  if (n == "median") return median{};
  if (n == "em") return em{};
  if (n == "em_draw") return em_draw{};
  if (n == "knn") {
    knn k;
    k.group = group;
    return k;
  }
  if (n == "chained") return chained{};
  if (n == "group_mean" || n == "group_median") {
    if (group.empty()) detail::throw_spec("imputation '" + n + "' needs the name of a unit group column");
    if (n == "group_mean") return group_mean{group};
    return group_median{group};
  }
  detail::throw_spec("unknown imputation '" + n + "' (expected none, mean, median, group_mean, group_median, em, em_draw, knn or chained)");
}

COMPINDEX_INLINE const std::string& group_of(const method& m) {
  static const std::string empty;
  if (auto* g = std::get_if<group_mean>(&m)) return g->group;
  if (auto* g = std::get_if<group_median>(&m)) return g->group;
  if (auto* g = std::get_if<knn>(&m)) return g->group;
  return empty;
}

}  // namespace imputation

COMPINDEX_INLINE imputation_report impute_column(const imputation::method& m, Eigen::Ref<vector> x,
                                                 const std::vector<int>& group_ids, const std::string& indicator) {
  imputation_report rep;
  if (m.index() == 0) return rep;
  if (imputation::is_multivariate(m))
    detail::throw_spec("indicator '" + indicator + "': imputation '" + imputation::name(m) +
                       "' models several indicators together (see impute_block), not one column");
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
