#pragma once
/// @file sobol_indices.hpp
/// Variance-based (Sobol') sensitivity analysis: the Saltelli design and the first- and
/// total-order indices of single inputs or of groups of inputs, with bootstrap confidence
/// intervals and a convergence check.
///
/// Workflow: `saltelli_sample(n, k, seed)` gives an n (k + 2) x k matrix of points in [0, 1)^k;
/// map each column to its input's distribution (by its inverse CDF), evaluate the model on every
/// row, and pass the outputs, in the same row order, to `sobol_indices(y, n, k)`.

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace compindex::sensitivity {

/// The Saltelli design for k inputs, each one its own group. Same as the grouped overload with
/// group_of_input = {0, 1, ..., k - 1}.
/// @param n base sample size (number of rows of A); a power of 2 keeps the Sobol' points balanced
/// @param k number of inputs, 1 to sobol_sequence::max_dims / 2
/// @param seed seed of the digital shift of the Sobol' points
/// @return an n (k + 2) x k matrix of points in [0, 1)^k, rows as described in the grouped overload
/// @throws spec_error if n < 2, k is 0, or 2k exceeds the Sobol' direction-number table
matrix saltelli_sample(std::size_t n, std::size_t k, std::uint64_t seed);

/// The Saltelli design for k = group_of_input.size() inputs in g groups.
///
/// Base points: the first n points (origin included) of the k x 2-dimensional Sobol' sequence with
/// the digital shift `digital_shift{seed}`; columns 0..k-1 of point r form row r of A, columns
/// k..2k-1 form row r of B. The returned matrix stacks, in this order,
///  - rows [0, n): A;
///  - rows [n, 2n): B;
///  - rows [(2 + j) n, (3 + j) n), for each group j = 0..g-1: AB_j, which is A with the columns of
///    every input of group j taken from B.
/// The number of rows is n (g + 2).
/// @param n base sample size; a power of 2 keeps the Sobol' points balanced
/// @param group_of_input the group (0..g-1) of each input; every group must have an input
/// @param seed seed of the digital shift of the Sobol' points
/// @throws spec_error if n < 2, group_of_input is empty, a group number in 0..g-1 is unused,
///         2k exceeds the Sobol' direction-number table, or the design would be too large
matrix saltelli_sample(std::size_t n, const std::vector<std::size_t>& group_of_input, std::uint64_t seed);

/// Options of sobol_indices.
struct sobol_options {
  /// Bootstrap resamples for the confidence intervals. 0 skips the bootstrap: the interval bounds
  /// are then NaN and `converged` is false.
  std::size_t n_bootstrap = 1000;
  /// Coverage of the percentile intervals, in (0, 1).
  double confidence = 0.95;
  /// Threshold of the convergence check, > 0 (see sobol_result::converged).
  double tolerance = 0.05;
  /// Seed of the bootstrap: resample b uses philox(seed, b).
  std::uint64_t seed = 0;
};

/// First- and total-order indices of each group (or input), with their bootstrap intervals.
struct sobol_result {
  vector first_order;  ///< S_j = V_j / V
  vector total_order;  ///< ST_j = V_Tj / V
  vector first_low, first_high;  ///< percentile interval of S_j
  vector total_low, total_high;  ///< percentile interval of ST_j
  double variance = 0.0;         ///< V, the population variance of [f(A); f(B)]
  std::size_t n = 0;             ///< base sample size
  /// Indices computed on the first n / 2 base rows only (rows [0, n/2) of A, B and every AB_j).
  vector first_order_half_n, total_order_half_n;
  /// max over j of |S_j - S_j(n/2)| and |ST_j - ST_j(n/2)|.
  double max_change = 0.0;
  /// max over j of (high - low) / 2 of the intervals of S_j and ST_j (NaN without bootstrap).
  double max_half_width = 0.0;
  /// True if and only if max_change < tolerance AND max_half_width < tolerance (so with
  /// n_bootstrap = 0 it is false).
  bool converged = false;
};

/// Sobol' indices from model outputs on a Saltelli design.
///
/// With f(A), f(B), f(AB_j) the outputs on the blocks of `saltelli_sample`, after subtracting
/// the mean of [f(A); f(B)] from every output (as SALib does; the indices do not change, the
/// first-order estimator becomes invariant to adding a constant to y):
///  - V    = population variance of the 2n values [f(A); f(B)];
///  - V_j  = mean over rows of f(B) (f(AB_j) - f(A))      (Saltelli et al. 2010, first order);
///  - V_Tj = mean over rows of (f(A) - f(AB_j))^2 / 2     (Jansen 1999, total order);
///  - S_j = V_j / V, ST_j = V_Tj / V.
/// If V is 0 (all values of [f(A); f(B)] are equal, as for a constant model) every index is
/// exactly 0, not NaN; the same rule applies within each bootstrap resample and the half sample.
///
/// Confidence intervals: resample b (b = 0..n_bootstrap-1) draws n base-row indices with
/// replacement from philox(opt.seed, b) and uses those rows of A, B and every AB_j together; the
/// interval is the (1 - confidence)/2 and (1 + confidence)/2 quantiles of the resampled indices
/// (linear interpolation between order statistics, numpy's default). Results depend only on the
/// inputs and the seed.
///
/// @param y model outputs, n (n_groups + 2) values in the row order of saltelli_sample
/// @param n base sample size, at least 2
/// @param n_groups number of groups (or inputs), at least 1
/// @param opt bootstrap and convergence options
/// @throws spec_error if n < 2, n_groups is 0, y does not have n (n_groups + 2) values, or an
///         option is out of range
/// @throws data_error if y holds a NaN or infinite value
sobol_result sobol_indices(vector_cref y, std::size_t n, std::size_t n_groups, const sobol_options& opt = {});

}  // namespace compindex::sensitivity

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/sobol_indices.ipp"
#endif
