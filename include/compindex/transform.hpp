#pragma once
/// @file transform.hpp
/// Per-indicator transforms applied before normalization, to values and to goalposts and
/// targets alike (so a goalpost given in raw units stays meaningful).

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <string>
#include <variant>

namespace compindex {
namespace transform {

struct none {};
/// Natural logarithm; values must be > 0.
struct log {};
/// Base-10 logarithm; values must be > 0.
struct log10 {};
/// log(1 + x); values must be > -1.
struct log1p {};
/// Square root (the EU Innovation Scoreboard's transform for skewed indicators); values must be >= 0.
struct sqrt {};
/// Box-Cox: (x^lambda - 1)/lambda, log x at lambda = 0; values must be > 0.
struct box_cox {
  double lambda = 0.0;
};

using method = std::variant<none, log, log10, log1p, sqrt, box_cox>;

/// The method's name as used in specs and metadata ("log", "box_cox", ...).
std::string name(const method& m);
/// The method of that name (box_cox takes lambda). @throws spec_error for an unknown name.
method from_name(const std::string& name, double lambda = 0.0);

}  // namespace transform

/// f(x) without any domain check (NaN passes through as NaN).
double apply_transform(const transform::method& m, double x);
/// Whether x is inside the method's domain.
bool transform_domain_ok(const transform::method& m, double x);

/// Transforms a column in place.
/// @throws data_error naming the indicator and the unit (row) of the first value outside the domain.
void transform_column(const transform::method& m, Eigen::Ref<vector> x, const std::string& indicator,
                      const codes& units);

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/transform.ipp"
#endif
