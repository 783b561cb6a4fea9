#pragma once
/// @file types.hpp
/// Matrix aliases and NaN helpers. Data are units x indicators, column-major doubles,
/// NaN for a missing value.

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace compindex {

using matrix = Eigen::MatrixXd;
using vector = Eigen::VectorXd;
using index_t = Eigen::Index;
using matrix_cref = Eigen::Ref<const Eigen::MatrixXd>;
using vector_cref = Eigen::Ref<const Eigen::VectorXd>;
using codes = std::vector<std::string>;

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

inline bool is_missing(double x) noexcept { return std::isnan(x); }

}  // namespace compindex
