#pragma once
// Out-of-line definitions of ranking.hpp.

#include "../ranking.hpp"
#include "../error.hpp"

#include <algorithm>
#include <cmath>

namespace compindex {

COMPINDEX_INLINE vector rank_scores(vector_cref x) {
  const index_t n = x.size();
  std::vector<index_t> idx;
  idx.reserve(static_cast<std::size_t>(n));
  for (index_t i = 0; i < n; ++i)
    if (!std::isnan(x[i])) idx.push_back(i);
  std::sort(idx.begin(), idx.end(), [&](index_t a, index_t b) { return x[a] > x[b]; });
  vector r = vector::Constant(n, nan);
  for (std::size_t k = 0; k < idx.size(); ++k)
    r[idx[k]] = (k > 0 && x[idx[k]] == x[idx[k - 1]]) ? r[idx[k - 1]] : static_cast<double>(k + 1);
  return r;
}

COMPINDEX_INLINE matrix rank_columns(matrix_cref x) {
  matrix r(x.rows(), x.cols());
  for (index_t j = 0; j < x.cols(); ++j) r.col(j) = rank_scores(x.col(j));
  return r;
}

COMPINDEX_INLINE vector rank_within_groups(vector_cref x, const std::vector<int>& g) {
  const index_t n = x.size();
  if (g.size() != static_cast<std::size_t>(n))
    detail::throw_spec("rank_within_groups: expected " + std::to_string(n) + " group ids, got " + std::to_string(g.size()));
  std::vector<index_t> idx;
  for (index_t i = 0; i < n; ++i)
    if (!std::isnan(x[i]) && g[static_cast<std::size_t>(i)] >= 0) idx.push_back(i);
  // Sort by group, then by score descending; rank within each run of one group.
  std::sort(idx.begin(), idx.end(), [&](index_t a, index_t b) {
    const int ga = g[static_cast<std::size_t>(a)], gb = g[static_cast<std::size_t>(b)];
    return ga != gb ? ga < gb : x[a] > x[b];
  });
  vector r = vector::Constant(n, nan);
  std::size_t start = 0;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const bool new_group = k == 0 || g[static_cast<std::size_t>(idx[k])] != g[static_cast<std::size_t>(idx[k - 1])];
    if (new_group) start = k;
    r[idx[k]] = (!new_group && x[idx[k]] == x[idx[k - 1]]) ? r[idx[k - 1]] : static_cast<double>(k - start + 1);
  }
  return r;
}

}  // namespace compindex
