#pragma once
/// @file analysis.hpp
/// Analysis of a scored index: statistical coherence of each aggregate's children (Cronbach's
/// alpha, principal components of the correlation matrix, correlation matrices), and the data
/// operations the unit-level analyses need (re-scoring a dataset with other values, splitting a
/// pooled run into parts).
///
/// Missing values: coherence statistics use the complete rows of the block (rows where every
/// column has a value); correlation matrices use pairwise-complete rows.

#include "config.hpp"
#include "error.hpp"
#include "framework.hpp"
#include "pipeline.hpp"
#include "types.hpp"

#include <vector>

namespace compindex::analysis {

/// Positions of the rows of x that have no missing value.
std::vector<index_t> complete_rows(matrix_cref x);

/// Cronbach's alpha of a block of Q columns.
struct alpha_result {
  double alpha = nan;      ///< NaN when undefined (see cronbach_alpha)
  index_t n_complete = 0;  ///< complete rows used
};

/// Cronbach's alpha on the complete rows of x (units x Q):
/// alpha = Q/(Q-1) * (1 - sum_q var(x_q) / var(sum_q x_q)), with sample variances (n - 1).
/// NaN when Q < 2, when fewer than 2 rows are complete, or when the total has zero variance.
alpha_result cronbach_alpha(matrix_cref x);

enum class correlation { pearson, spearman };

/// Q x Q correlation matrix of the columns of x, each pair over the rows where both are present
/// (Spearman: Pearson on average ranks). NaN where a pair has fewer than 2 common rows or a
/// column is constant on them; 1 on the diagonal of a column with variance.
matrix correlation_matrix(matrix_cref x, correlation method = correlation::pearson);

/// Principal components of the correlation matrix of a block.
struct pca_result {
  vector eigenvalues;  ///< descending; they sum to Q
  vector explained;    ///< eigenvalue / Q: the share of the total variance of each component
  vector loadings;     ///< the first eigenvector (unit length), signed so that its sum is >= 0
  index_t n_complete = 0;
};

/// PCA of the Pearson correlation matrix of x's Q >= 2 columns on its complete rows
/// (Eigen::SelfAdjointEigenSolver). `names` (optional, one per column) only serve messages.
/// @throws data_error when Q < 2, when fewer than 3 rows are complete, or when a column is
///         constant on the complete rows (its correlations are undefined), naming the column
pca_result pca(matrix_cref x, const codes& names = {});

/// A copy of `d` with other indicator values: the same units, denominators and unit groups.
/// @throws spec_error when the shape differs from d's values
dataset with_values(const dataset& d, matrix values);

/// The rows `rows` of a dataset (values, denominators, groups), renamed to `units` when given.
/// @throws spec_error on a row out of range, or when `units` has the wrong length
dataset subset(const dataset& d, const std::vector<index_t>& rows, const codes& units = {});

/// The rows `rows` of a result: every stage, aggregates, imputed cells and treatment rows restricted
/// to those rows (stages that shared a data set still share one), ranks recomputed among them.
/// Weights, the treatment decisions and the diagnostics are those of the whole run.
/// @throws spec_error on a row out of range, or when `units` has the wrong length
result subset(const result& r, const framework& fw, const std::vector<index_t>& rows, const codes& units = {});

}  // namespace compindex::analysis

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/analysis.ipp"
#endif
