#pragma once
/// @file ranking.hpp
/// Ranks of scores: 1 = best (highest score), ties share the best place ("sport" or "min"
/// ranking: 1, 2, 2, 4), missing scores stay unranked (NaN).

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <vector>

namespace compindex {

/// Descending ranks of one column.
vector rank_scores(vector_cref scores);
/// Descending ranks of every column.
matrix rank_columns(matrix_cref scores);
/// Descending ranks within groups: group_ids holds one id per unit (-1: no group, unranked).
/// @throws spec_error if group_ids does not hold one id per unit
vector rank_within_groups(vector_cref scores, const std::vector<int>& group_ids);

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/ranking.ipp"
#endif
