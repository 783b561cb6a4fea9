#pragma once
/// @file types.hpp
/// Matrix aliases and NaN helpers. Data are units x indicators, column-major doubles,
/// NaN for a missing value.

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <cstdint>
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
/// Ranks: 1 = best, 0 = unranked (no score). 32-bit, so the ranks of every node of a large index
/// take half the memory of its scores.
using rank_t = std::int32_t;
using rank_matrix = Eigen::Matrix<rank_t, Eigen::Dynamic, Eigen::Dynamic>;
using rank_vector = Eigen::Matrix<rank_t, Eigen::Dynamic, 1>;
inline constexpr rank_t unranked = 0;

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

inline bool is_missing(double x) noexcept { return std::isnan(x); }

}  // namespace compindex
