#pragma once
/// @file imputation_models.hpp
/// Multivariate imputation: several indicators (a block, e.g. the indicators of one pillar)
/// modelled together. Expectation-maximization under a multivariate normal model, with conditional
/// means or conditional draws; k nearest neighbours on standardized indicators; chained
/// regressions. Formulas and conventions: docs/imputation.md.

#include "config.hpp"
#include "error.hpp"
#include "framework.hpp"
#include "imputation.hpp"
#include "types.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace compindex {

/// What imputing one block did.
struct imputation_block_report {
  std::string method;                                ///< imputation::describe of the method
  std::string block;                                 ///< the block's name (the aggregate's code, or "all")
  std::vector<std::string> indicators;               ///< the block's indicators, in column order
  std::vector<std::pair<index_t, index_t>> cells;    ///< (row, block column) of every value filled
  std::vector<std::pair<index_t, index_t>> fallback_cells;  ///< kNN: cells filled with the mean (no donor had a distance)
  std::vector<std::pair<index_t, index_t>> group_fallback_cells;  ///< kNN by group: cells whose group had no donor (all units used)
  int iterations = 0;                                ///< EM and chained: iterations run
  bool converged = true;                             ///< EM and chained: whether the tolerance was met
  double log_likelihood = nan;                       ///< EM: observed-data log-likelihood at the estimates
  vector mean;                                       ///< EM: the estimated mean
  matrix covariance;                                 ///< EM: the estimated covariance (maximum likelihood, divisor n)
};

/// Imputes a block in place with a multivariate method.
/// @param x units x block indicators, NaN for missing
/// @param names the block's indicator codes (for messages)
/// @param block the block's name (for messages)
/// @param group_ids one group id per unit (-1: none), for knn with a group; else empty
/// @throws data_error naming the indicator if a column has no value at all
/// @throws computation_error naming the block if EM meets a singular covariance matrix
/// @throws spec_error for invalid parameters, or a per-column method
imputation_block_report impute_block(const imputation::method& m, Eigen::Ref<matrix> x, const std::vector<std::string>& names,
                                     const std::string& block, const std::vector<int>& group_ids = {});

namespace imputation {

/// Checks a multivariate method's parameters (tolerance > 0, max_iterations >= 1, k >= 1, weights
/// uniform or distance, ridge >= 0 and finite, a valid scope for the framework).
/// @throws spec_error naming `where`
void validate(const method& m, const framework& fw, const std::string& where);

/// The block of each indicator (framework indicator order) under a scope: the node whose
/// indicators are modelled together (framework::npos for "all").
/// @throws spec_error for an unknown scope
std::vector<std::size_t> blocks_of(const framework& fw, const std::string& scope);

}  // namespace imputation
}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/imputation_models.ipp"
#endif
