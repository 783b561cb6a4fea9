#pragma once
/// @file ranking.hpp
/// Ranks of scores: 1 = best (highest score), ties share the best place ("sport" or "min"
/// ranking: 1, 2, 2, 4), missing scores stay unranked.
///
/// Two forms: `rank_scores` returns doubles with NaN for unranked (for arithmetic on ranks, as in
/// uncertainty analysis); `rank_scores_into` writes 32-bit ranks with 0 (`unranked`) for
/// unranked, the form a `result` stores. Both sort by a radix sort of the scores' bits, so
/// ranking costs a few passes over a column rather than a comparison sort: from 128 units, one
/// pass for the column's extremes, one that keys every score by 32 bits spent on the column's own
/// range (so close scores rarely share a key, whatever the column's scale), at most three 11-bit
/// counting passes, and one walk that writes the places.

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <cstdint>
#include <vector>

namespace compindex {

/// Scratch memory for ranking, reused across columns (and runs) to avoid allocations: two arrays
/// of 8 bytes per unit.
struct rank_workspace {
  std::vector<std::uint64_t> sorted, scratch;  // (32-bit sort key of a score, unit row) pairs
};

/// Descending ranks of one column as 32-bit integers (0 = unranked) into out[0..n).
void rank_scores_into(const double* scores, index_t n, rank_t* out, rank_workspace& ws);
/// Descending ranks of one column (NaN = unranked).
vector rank_scores(vector_cref scores);
/// Descending ranks of every column (NaN = unranked).
matrix rank_columns(matrix_cref scores);
/// Descending ranks within groups: group_ids holds one id per unit (-1: no group, unranked).
/// @throws spec_error if group_ids does not hold one id per unit
vector rank_within_groups(vector_cref scores, const std::vector<int>& group_ids);
/// Ranks as doubles, NaN where unranked.
vector ranks_as_double(const Eigen::Ref<const rank_vector>& ranks);

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/ranking.ipp"
#endif
