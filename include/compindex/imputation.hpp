#pragma once
/// @file imputation.hpp
/// Imputation of missing values: one indicator at a time (mean, median, group mean or median), or
/// several indicators modelled together (EM, k nearest neighbours, chained regressions; their
/// kernels are in imputation_models.hpp).

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <cstdint>
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

/// Multivariate methods model the indicators of a `scope` together: "pillar" (the default; the
/// indicators sharing a parent), "all" (every indicator with this method), or a level number
/// ("2": the indicators under each aggregate of level 2). Only indicators given the same method
/// (same parameters) are modelled together.
///
/// Expectation-maximization under a multivariate normal model (Dempster, Laird and Rubin 1977):
/// imputed values are the conditional means E[x_mis | x_obs] at the maximum-likelihood estimates.
/// Converged when no entry of the estimated mean or covariance (of the indicators standardized by
/// their observed mean and sd) changes by more than `tolerance` in an iteration.
struct em {
  std::string scope = "pillar";
  double tolerance = 1e-8;
  int max_iterations = 1000;
  bool clamp = false;  ///< keep imputed values within the indicator's observed [min, max]
  double ridge = 0.0;  ///< after each M-step, Sigma += ridge diag(Sigma) (0: none)
};
/// As em, then one draw per missing block from N(conditional mean, conditional covariance) with a
/// Philox stream (multiple imputation; in uncertainty analysis one draw per replication).
struct em_draw {
  std::string scope = "pillar";
  double tolerance = 1e-8;
  int max_iterations = 1000;
  bool clamp = false;
  double ridge = 0.0;
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;  ///< the Philox stream of the draw (uncertainty analysis: the replication + 1)
};
/// k nearest neighbours on the standardized indicators of the scope (nan-Euclidean distance of
/// scikit-learn's KNNImputer), uniform or inverse-distance ("distance") weights.
struct knn {
  std::string scope = "pillar";
  int k = 5;
  std::string weights = "uniform";
  std::string group;  ///< if set, donors are units of the same group (a unit group such as a region)
};
/// Chained regressions (iterative imputation, as scikit-learn's IterativeImputer with a linear
/// model): start from the means, regress each indicator with missing values on the others (least
/// squares, or ridge), cycle until the largest row sum of changes < tolerance max|observed|.
struct chained {
  std::string scope = "pillar";
  double tolerance = 1e-3;
  int max_iterations = 10;
  double ridge = 0.0;
  bool clamp = false;
};

using method = std::variant<none, mean, median, group_mean, group_median, em, knn, chained, em_draw>;

/// Whether a method models several indicators together (em, knn, chained, em_draw).
inline bool is_multivariate(const method& m) noexcept { return m.index() >= 5; }
/// Whether a method draws random numbers (em_draw).
inline bool is_stochastic(const method& m) noexcept { return std::holds_alternative<em_draw>(m); }
/// The method with its parameters, e.g. "knn(k=5, weights=uniform, scope=pillar)" (the key that
/// groups indicators into one model, and the name the diagnostics use).
std::string describe(const method& m);
/// The scope of a multivariate method ("" for the others).
const std::string& scope_of(const method& m);

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
