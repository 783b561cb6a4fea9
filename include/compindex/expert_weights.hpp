#pragma once
/// @file expert_weights.hpp
/// Weights from experts, for the children of any aggregate of the tree: the Analytic Hierarchy
/// Process (Saaty's pairwise comparisons) and budget allocation (experts share points).
///
/// Both read tidy judgements (one row per judgement and expert), check them against the framework,
/// and return a weight per node: the children of every judged aggregate get weights summing to 1,
/// every other node keeps its nominal weight. See docs/expert_weights.md for the formulas and
/// sources.

#include "config.hpp"
#include "error.hpp"
#include "framework.hpp"
#include "pipeline.hpp"
#include "types.hpp"

#include <map>
#include <string>
#include <vector>

namespace compindex::weighting {

// -------------------------------------------------------------------------------------------------
// AHP

/// One pairwise judgement at aggregate `node`: child_a is `value` times as important as child_b
/// (Saaty's 1-9 scale, 1/9..9). It implies child_b is 1/value times as important as child_a.
struct ahp_judgement {
  std::string node;
  std::string child_a;
  std::string child_b;
  double value = 1.0;
  std::string expert;  ///< who judged ("" when there is one expert)
};

/// How the weights are derived from a (combined) comparison matrix.
enum class ahp_method {
  eigenvector,  ///< the principal right eigenvector, normalized to sum 1 (Saaty 1977, 1980)
  geometric     ///< the row geometric means, normalized to sum 1 (Crawford & Williams 1985)
};

/// Which published random index (mean CI of random reciprocal matrices) divides CI.
enum class ahp_random_index {
  saaty,     ///< Saaty (1980), n <= 15: 0, 0, .58, .90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59
  saaty2005  ///< Saaty (2005), n <= 15: 0, 0, .52, .89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59
};

/// The random index RI(n) of a table. @throws spec_error for n = 0 or n > 15
double ahp_random_index_value(std::size_t n, ahp_random_index table = ahp_random_index::saaty);

struct ahp_options {
  ahp_method method = ahp_method::eigenvector;
  ahp_random_index random_index = ahp_random_index::saaty;
  /// Judgements are accepted within this relative tolerance: a_ab a_ba = 1 +/- tolerance when both
  /// directions are given, values within [1/9, 9] widened by it (so 0.33 for 1/3, 0.11 for 1/9).
  double tolerance = 0.05;
  double cr_threshold = 0.1;  ///< a consistency ratio above it is reported as a diagnostic
  /// Relative weight of each expert in the combined matrix (weighted geometric mean, the weights
  /// renormalized over the experts who judged the node); empty: experts count equally.
  std::map<std::string, double> expert_weights;
};

/// The consistency of one reciprocal matrix, and the weights it gives.
struct ahp_matrix_result {
  std::string node;
  std::string expert;          ///< "" for the combined matrix of the node's experts
  bool combined = false;
  codes children;              ///< the node's children, framework order (rows and columns of `matrix`)
  matrix comparisons;          ///< n x n, a_ii = 1, a_ji = 1 / a_ij
  vector weights;              ///< per child, sum 1
  double lambda_max = nan;     ///< the principal eigenvalue (whatever the method)
  double ci = 0.0;             ///< (lambda_max - n) / (n - 1); 0 for n <= 2
  double ri = 0.0;             ///< the random index for n
  double cr = 0.0;             ///< ci / ri; 0 for n <= 2
  double gci = 0.0;            ///< geometric consistency index (Aguarón & Moreno-Jiménez 2003); 0 for n <= 2
  bool consistent = true;      ///< cr <= cr_threshold
};

/// Weights of every judged aggregate.
struct ahp_result {
  vector weights;                        ///< per node (framework order): judged children their weights, others nominal
  std::vector<std::string> nodes;        ///< the judged aggregates, framework order
  std::vector<ahp_matrix_result> matrices;  ///< per judged node: each expert (sorted by name), then the combined matrix
  std::vector<diagnostic> diagnostics;   ///< "ahp_inconsistent": a CR above the threshold (node, expert)
};

/// AHP weights from pairwise judgements. Each expert's matrix at a node is built from their
/// judgements (a_ii = 1, a_ba = 1/a_ab) and must be complete; several experts' matrices are
/// combined by their element-wise geometric mean (aggregation of individual judgements, AIJ), and
/// the combined matrix gives the node's weights (ahp_options::expert_weights weights the experts).
/// @throws spec_error for an unknown node, an indicator given as node, a child that is not the
///         node's, bad options, or an expert without a weight when expert weights are given
/// @throws data_error for a non-finite value, a value outside [1/9, 9], a judgement given twice,
///         a non-reciprocal pair, or a missing pair (naming node, expert and pair)
/// @throws computation_error if the eigen decomposition fails
ahp_result ahp_weights(const framework& fw, const std::vector<ahp_judgement>& judgements, const ahp_options& opt = {});

/// The consistency and weights of one complete positive reciprocal matrix (no checks of the
/// scale; node and expert only label the result).
ahp_matrix_result ahp_matrix(const matrix& comparisons, const ahp_options& opt = {});

// -------------------------------------------------------------------------------------------------
// Budget allocation

/// Points an expert gives to one child of an aggregate.
struct budget_allocation {
  std::string node;
  std::string child;
  double points = 0.0;
  std::string expert;  ///< "" when there is one expert
};

enum class budget_statistic { mean, median };

/// The allocations at one aggregate.
struct budget_node_result {
  std::string node;
  codes children;                    ///< framework order
  std::vector<std::string> experts;  ///< sorted by name
  matrix shares;                     ///< experts x children: points / the expert's total
  vector weights;                    ///< per child, sum 1
  vector sd;                         ///< per child: sample standard deviation of the shares (NaN for one expert)
  vector min, max;                   ///< per child: the smallest and largest share
};

struct budget_result {
  vector weights;                         ///< per node (framework order): allocated children their weights, others nominal
  std::vector<std::string> nodes;         ///< the allocated aggregates, framework order
  std::vector<budget_node_result> details;
};

/// Budget-allocation weights: each expert's points at a node become shares of their total; a
/// child's weight is the mean (or the median, renormalized to sum 1) of its shares over experts.
/// Every expert who allocates at a node must give every child of it a number of points (0 allowed).
/// `expert_weights` (optional, mean only) weights the experts in the mean, renormalized over the
/// experts of each node; the spread (sd, min, max) stays unweighted.
/// @throws spec_error for an unknown node, an indicator given as node, a child that is not the node's
/// @throws data_error for negative or non-finite points, a child allocated twice or left out by an
///         expert, an expert whose points sum to 0, medians that are all 0 (naming node, expert, child)
budget_result budget_weights(const framework& fw, const std::vector<budget_allocation>& allocations,
                             budget_statistic statistic = budget_statistic::mean,
                             const std::map<std::string, double>& expert_weights = {});

}  // namespace compindex::weighting

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/expert_weights.ipp"
#endif
