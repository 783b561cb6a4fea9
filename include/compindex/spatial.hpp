#pragma once
/// @file spatial.hpp
/// Spatial autocorrelation of unit scores: sparse spatial weights, global Moran's I (Moran 1950)
/// and Geary's C (Geary 1954) with their analytic moments under normality and under randomization
/// (Cliff and Ord 1981), local Moran's I_i (Anselin 1995) and permutation inference for all three.
///
/// Conventions follow PySAL's esda 2.x (the oracle of the tests): the same statistics, moments,
/// local scaling and folded pseudo p-value (M + 1) / (R + 1). Permutations draw from the
/// counter-based generator (random.hpp): permutation r uses the stream r under the seed, so the
/// results are a pure function of (data, weights, seed, permutations) whatever the thread count.
/// The formulas are in docs/spatial.md.

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <cstdint>
#include <vector>

namespace compindex::spatial {

/// Sparse spatial weights in compressed-row form: the neighbours of unit i are
/// `neighbours[offsets[i] .. offsets[i+1])` with weights `values[...]` (w_ij).
/// A unit without neighbours is an island (its row is empty).
struct weights {
  index_t n = 0;                    ///< number of units
  std::vector<index_t> offsets;     ///< n + 1 row starts, offsets[0] = 0
  std::vector<index_t> neighbours;  ///< column index j of each stored w_ij
  std::vector<double> values;       ///< w_ij, finite and > 0
  codes units;                      ///< optional unit codes (messages only)

  /// Number of neighbours of unit i.
  index_t cardinality(index_t i) const {
    return offsets[static_cast<std::size_t>(i) + 1] - offsets[static_cast<std::size_t>(i)];
  }
};

/// Checks and builds weights from compressed rows.
/// @param offsets n + 1 non-decreasing row starts from 0 to the number of entries
/// @param neighbours column indices in [0, n), no unit its own neighbour, no repeated neighbour in a row
/// @param values one weight per entry, finite and > 0
/// @param units optional codes (empty, or n of them) used in messages
/// @throws spec_error naming the unit on any violation
weights make_weights(index_t n, std::vector<index_t> offsets, std::vector<index_t> neighbours,
                     std::vector<double> values, codes units = {});

/// Row-standardized copy: each non-empty row divided by its sum (islands stay empty).
weights row_standardize(const weights& w);

/// Positions of the islands (units without neighbours), ascending.
std::vector<index_t> islands(const weights& w);

/// The weight sums of Cliff and Ord (1981): S0 = sum_ij w_ij, S1 = 1/2 sum_ij (w_ij + w_ji)^2,
/// S2 = sum_i (w_i. + w_.i)^2.
struct weight_sums {
  double s0 = 0, s1 = 0, s2 = 0;
};
weight_sums sums(const weights& w);

/// Spatial lag (W y)_i = sum_j w_ij y_j (0 for an island).
vector lag(const weights& w, vector_cref y);

/// Permutation settings.
struct permutation_options {
  index_t permutations = 999;  ///< R >= 0; 0 skips the permutation inference
  std::uint64_t seed = 0;      ///< key of the generator
  unsigned threads = 1;        ///< 0: one per hardware thread; results do not depend on it
};

/// A global statistic (Moran's I or Geary's C) with its inference.
struct global_result {
  double statistic = nan;  ///< I or C
  double expected = nan;   ///< E[I] = -1/(n-1); E[C] = 1
  double var_norm = nan;   ///< variance under normality
  double var_rand = nan;   ///< variance under randomization (NaN when n < 4: undefined)
  double z_norm = nan, z_rand = nan;
  double p_norm = nan, p_rand = nan;  ///< two-sided normal p-values
  index_t permutations = 0;
  double p_sim = nan;  ///< folded pseudo p-value (min(#{sim >= obs}, R - #{sim >= obs}) + 1) / (R + 1)
  double mean_sim = nan, sd_sim = nan;  ///< of the R simulated statistics (sd with divisor R)
  vector sims;  ///< the R simulated statistics, permutation r at position r
};

/// Global Moran's I: I = n / S0 * sum_ij w_ij z_i z_j / sum_i z_i^2 with z = y - mean(y).
/// @param y one finite value per unit
/// @throws spec_error when y and w have different sizes, data_error when n < 3, a value is not
///         finite (naming the unit), y is constant, or the weights have no link (S0 = 0)
global_result moran(vector_cref y, const weights& w, const permutation_options& opt = {});

/// Global Geary's C: C = (n - 1) sum_ij w_ij (y_i - y_j)^2 / (2 S0 sum_i z_i^2).
/// @throws as moran
global_result geary(vector_cref y, const weights& w, const permutation_options& opt = {});

/// Local Moran's I_i with conditional permutation inference.
struct local_result {
  vector z;          ///< (y - mean) / sd, sd with divisor n (esda's z)
  vector lag;        ///< spatial lag of z
  vector I;          ///< I_i = (n - 1) z_i lag_i / sum_k z_k^2
  std::vector<int> quadrant;  ///< 1 HH (z > 0, lag > 0), 2 LH, 3 LL, 4 HL (esda's q; 0 = island)
  vector p_sim;      ///< folded pseudo p-value per unit; NaN for an island (no neighbours)
  vector mean_sim, sd_sim;  ///< of the unit's R simulated I_i; NaN for an island
  index_t permutations = 0;
};

/// Local Moran: for unit i, each permutation draws the unit's cardinality k_i of values from the
/// other n - 1 units without replacement and recomputes I_i with the unit's own weights.
/// Islands get I_i = 0, quadrant 0 and p_sim NaN.
/// @throws as moran
local_result local_moran(vector_cref y, const weights& w, const permutation_options& opt = {});

}  // namespace compindex::spatial

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/spatial.ipp"
#endif
