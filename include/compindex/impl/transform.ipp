#pragma once
// Out-of-line definitions of transform.hpp.

#include "../transform.hpp"
#include "../detail/format.hpp"

#include <cmath>

namespace compindex {

namespace transform {

COMPINDEX_INLINE std::string name(const method& m) {
  switch (m.index()) {
    case 0: return "none";
    case 1: return "log";
    case 2: return "log10";
    case 3: return "log1p";
    case 4: return "sqrt";
    default: return "box_cox";
  }
}

COMPINDEX_INLINE method from_name(const std::string& n, double lambda) {
  if (n.empty() || n == "none") return none{};
  if (n == "log") return log{};
  if (n == "log10") return log10{};
  if (n == "log1p") return log1p{};
  if (n == "sqrt") return sqrt{};
  if (n == "box_cox") return box_cox{lambda};
  detail::throw_spec("unknown transform '" + n + "' (expected none, log, log10, log1p, sqrt or box_cox)");
}

}  // namespace transform

COMPINDEX_INLINE double apply_transform(const transform::method& m, double x) {
  switch (m.index()) {
    case 0: return x;
    case 1: return std::log(x);
    case 2: return std::log10(x);
    case 3: return std::log1p(x);
    case 4: return std::sqrt(x);
    default: {
      const double l = std::get<transform::box_cox>(m).lambda;
      return l == 0.0 ? std::log(x) : (std::pow(x, l) - 1.0) / l;
    }
  }
}

COMPINDEX_INLINE bool transform_domain_ok(const transform::method& m, double x) {
  switch (m.index()) {
    case 0: return true;
    case 3: return x > -1.0;
    case 4: return x >= 0.0;
    default: return x > 0.0;
  }
}

COMPINDEX_INLINE void transform_column(const transform::method& m, Eigen::Ref<vector> x, const std::string& indicator,
                                       const codes& units) {
  if (m.index() == 0) return;
  for (index_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    if (std::isnan(v)) continue;
    if (!transform_domain_ok(m, v))
      detail::throw_data("indicator '" + indicator + "': transform '" + transform::name(m) + "' is undefined for the value " +
                         detail::fmt_double(v) + " of unit '" + (static_cast<std::size_t>(i) < units.size() ? units[static_cast<std::size_t>(i)] : std::to_string(i)) + "'");
    x[i] = apply_transform(m, v);
    if (!std::isfinite(x[i]))  // box_cox with a large |lambda| overflows
      detail::throw_computation("indicator '" + indicator + "': transform '" + transform::name(m) + "' of the value " +
                                detail::fmt_double(v) + " of unit '" +
                                (static_cast<std::size_t>(i) < units.size() ? units[static_cast<std::size_t>(i)] : std::to_string(i)) +
                                "' gives " + detail::fmt_double(x[i]) +
                                ", beyond the largest double (use a smaller lambda or another transform)");
  }
}

}  // namespace compindex
