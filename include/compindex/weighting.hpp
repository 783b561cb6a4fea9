#pragma once
/// @file weighting.hpp
/// Weights derived from data: for each chosen aggregate, the weights of its children computed
/// from the children's values in a result (normalized indicators under the lowest aggregates,
/// aggregate scores above them).
///
/// Methods: equal weights, PCA (first component of the children's correlation matrix), factor
/// analysis (OECD/JRC Handbook 2008: retained components, varimax rotation, squared loadings),
/// Shannon entropy and CRITIC (Diakoulaki, Mavrotas and Papayannakis 1995). The objective of
/// optimized weights (each child's correlation with the node's score, for candidate weights) is
/// `correlation_objective`; the optimizer itself lives in Python (scipy).
///
/// Missing values: PCA, factor analysis and CRITIC use the units where every child of the node
/// has a value (listwise, as COINr does) and report how many were dropped; entropy uses the
/// available units of each child. Errors name the node and the child (and the unit for a value):
/// fewer than 3 usable units, a constant child, a negative value under entropy, an infinite value.

#include "aggregation.hpp"
#include "config.hpp"
#include "error.hpp"
#include "framework.hpp"
#include "types.hpp"

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace compindex {
namespace weighting {

/// Every child of a node gets 1/(number of children). Needs no data.
struct equal {
  static constexpr const char* name = "equal";
};

/// How PCA turns the first component's loadings into weights.
enum class pca_rule {
  loadings,  ///< the loadings themselves (COINr's get_PCA); a negative loading is a data_error
  absolute,  ///< |loading| (a negative loading is kept as a warning)
  squared    ///< loading^2 (the share of the component's variance; a negative loading is a warning)
};

/// First principal component of the children's Pearson correlation matrix (complete units). The
/// eigenvector is signed so that its loadings sum to a positive number; weights are the loadings
/// (per `rule`) normalized to sum 1 within the node.
struct pca {
  static constexpr const char* name = "pca";
  pca_rule rule = pca_rule::loadings;
};

/// Factor analysis as in the OECD/JRC Handbook (2008, section 6.1, after Nicoletti et al. 2000):
/// principal components of the correlation matrix; keep those with eigenvalue > min_eigenvalue
/// (at least one), adding the next ones while the kept ones explain less than min_cumulative of
/// the variance; varimax-rotate the kept loadings (Kaiser-normalized; no rotation with one
/// factor); squared rotated loadings scaled to unity sum within each factor; each child is
/// assigned to the factor where its scaled squared loading is largest (ties: the first factor);
/// its weight is that scaled squared loading times the factor's share of the rotated explained
/// variance; weights normalized to sum 1 within the node.
struct factor_analysis {
  static constexpr const char* name = "factor_analysis";
  double min_eigenvalue = 1.0;
  double min_cumulative = 0.6;
};

/// Shannon entropy on non-negative values: p_ij = x_ij / sum_i x_ij, e_j = -(1/ln n_j) sum_i
/// p_ij ln p_ij (0 ln 0 = 0), d_j = 1 - e_j, w_j = d_j / sum_k d_k; n_j is the number of units
/// where child j has a value (each child uses its available units).
struct entropy {
  static constexpr const char* name = "entropy";
};

/// CRITIC (Diakoulaki, Mavrotas and Papayannakis 1995): each child min-max normalized onto
/// [0, 1] over the complete units; C_j = s_j sum_k (1 - r_jk), w_j = C_j / sum_k C_k, with s_j the
/// sample standard deviation (n - 1) of the normalized child and r the Pearson correlations.
struct critic {
  static constexpr const char* name = "critic";
};

/// Every method is a type with a static `name`; code dispatches on the type, never on the
/// variant's index.
using method = std::variant<equal, pca, factor_analysis, entropy, critic>;

std::string name(const method& m);
std::string name(pca_rule r);
/// @throws spec_error for an unknown rule
pca_rule pca_rule_from_name(const std::string& name);

/// What a method found at one node.
struct node_diagnostics {
  std::string node;    ///< the node's code
  std::string method;  ///< the method's name
  codes children;      ///< the node's child codes
  vector weights;      ///< the derived weights of the children (sum 1)
  index_t n_units = 0;    ///< units used (complete units; for entropy: units with every child)
  index_t n_dropped = 0;  ///< units left out for a missing child value
  /// Named numbers, e.g. "explained_variance", "n_factors", "cumulative_variance".
  std::vector<std::pair<std::string, double>> scalars;
  /// Named per-child values, e.g. "loading", "entropy", "divergence", "sd", "conflict", "factor".
  std::vector<std::pair<std::string, vector>> per_child;
  vector eigenvalues;  ///< PCA, factor analysis: every eigenvalue, descending
  matrix loadings;     ///< children x kept components (factor analysis: rotated) ; PCA: the first
  std::vector<std::string> warnings;  ///< e.g. a negative loading, naming the node and the child
};

/// The weights a method derived, and its diagnostics.
struct weighting_result {
  std::string method;
  vector weights;  ///< one per node (framework order): `base` with the chosen nodes' children replaced
  std::vector<std::size_t> nodes;  ///< the weighted aggregates (framework positions)
  std::vector<node_diagnostics> diagnostics;  ///< one per weighted aggregate, in `nodes` order
};

/// Derives the weights of the children of `nodes` (codes of aggregates; empty: every aggregate).
/// @param node_values units x nodes in framework node order (result::scores(fw)); NaN = missing
/// @param units unit codes (one per row) for messages; empty: rows are named by number
/// @param base one weight per node (empty: the framework's nominal weights)
/// @throws spec_error on an unknown code or a code that is not an aggregate, a wrong shape
/// @throws data_error naming the node and child (and unit) for data the method cannot take
/// @throws computation_error if an eigen decomposition or the rotation fails
weighting_result derive_weights(const framework& fw, matrix_cref node_values, const method& m,
                                const codes& nodes = {}, const codes& units = {}, const vector& base = vector());

/// Varimax rotation (Kaiser 1958) of a loading matrix (rows: variables, columns: factors), with
/// Kaiser normalization (rows scaled to unit communality before rotating, scaled back after), by
/// the iterative SVD algorithm: T <- U V' from the SVD of L'(Z^3 - Z diag(Z'Z)/p), Z = L T, until
/// the criterion (sum of singular values) grows by less than a relative `tolerance` (the angles
/// are then accurate to about sqrt(tolerance)).
/// @param rotation if not null, receives the orthogonal rotation T (factors x factors)
/// @throws computation_error if it does not converge within max_iterations
matrix varimax(matrix_cref loadings, double tolerance = 1e-14, int max_iterations = 10000, matrix* rotation = nullptr);

/// The objective of optimized weights at one node: for candidate weights of its children, the
/// node's score re-aggregated with the node's method (aggregate_node) and each child's Pearson
/// correlation with it (over the units where both have a value). Holds a copy of the children's
/// values; each evaluation costs one aggregation and one pass per child.
class correlation_objective {
 public:
  /// @param child_values units x children
  /// @throws spec_error on a shape mismatch; data_error on fewer than 3 units
  correlation_objective(std::string node, codes children, codes units, matrix child_values,
                        aggregation::method how, double coverage = 0.0);

  /// Each child's correlation with the node's score under `weights` (one per child, >= 0).
  /// NaN where undefined (a constant score or child). @throws spec_error on a wrong length
  vector correlations(const vector& weights) const;
  /// The node's score under `weights` (n_units values).
  vector scores(const vector& weights) const;

  const std::string& node() const noexcept { return node_; }
  const codes& children() const noexcept { return children_; }
  index_t n_units() const noexcept { return values_.rows(); }

 private:
  std::string node_;
  codes children_, units_;
  matrix values_;
  aggregation::method method_;
  double coverage_;
};

}  // namespace weighting
}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/weighting.ipp"
#endif
