#pragma once
/// @file sobol_sequence.hpp
/// Sobol' low-discrepancy points in [0, 1)^dims, built with the Gray-code construction of
/// Antonov and Saleev (1979) from the direction numbers of Joe and Kuo (2008), file
/// "new-joe-kuo-6.21201" (dimensions 1 to 1024 are embedded). Point i (0-based) is the XOR of the
/// direction numbers selected by the bits of the Gray code i ^ (i >> 1); unscrambled points agree
/// with scipy.stats.qmc.Sobol(d, scramble=False). Coordinates carry 64-bit integers and are
/// returned as doubles with their top 53 bits.
///
/// An optional random digital shift (XOR of every coordinate with one random 64-bit word per
/// dimension, drawn from `philox(seed, 0)`) randomizes the points while keeping their net
/// structure: the first 2^m points of each dimension still fall one into each interval
/// [k 2^-m, (k + 1) 2^-m). No Owen scrambling is done.

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace compindex {

/// Seed of the random digital shift of a `sobol_sequence` (a distinct type, so that a seed is
/// never mistaken for the `skip_first_point` flag).
struct digital_shift {
  std::uint64_t seed = 0;
};

/// A Sobol' sequence generator.
class sobol_sequence {
 public:
  /// Number of dimensions in the embedded direction-number table.
  static constexpr std::size_t max_dims = 1024;

  /// The unscrambled sequence.
  /// @param dims number of coordinates of each point, 1 to max_dims
  /// @param skip_first_point start at point 1 instead of point 0 (the origin)
  /// @throws spec_error if dims is 0 or larger than max_dims
  explicit sobol_sequence(std::size_t dims, bool skip_first_point = true);

  /// The sequence with a random digital shift: point i is the unscrambled point i XOR a random
  /// 64-bit word per dimension. Every point is then randomized, the origin included, so keeping
  /// point 0 (skip_first_point = false) keeps the balance of the first 2^m points.
  /// @param dims number of coordinates of each point, 1 to max_dims
  /// @param shift seed of the shift; the same seed gives the same points
  /// @param skip_first_point start at point 1 instead of point 0
  /// @throws spec_error if dims is 0 or larger than max_dims
  sobol_sequence(std::size_t dims, digital_shift shift, bool skip_first_point = true);

  /// A plain integer second argument is rejected at compile time: write
  /// `sobol_sequence(d, digital_shift{seed})` for a shifted sequence.
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  sobol_sequence(std::size_t dims, T seed_or_flag) = delete;

  std::size_t dims() const noexcept { return dims_; }
  /// Index (0-based, counting the origin as point 0) of the point the next call to next() returns.
  std::uint64_t index() const noexcept { return index_; }
  /// Whether a digital shift is applied.
  bool shifted() const noexcept { return !shift_.empty(); }

  /// Writes the next point to out[0], ..., out[dims() - 1] and advances.
  /// @throws computation_error once 2^64 - 1 points have been used
  void next(double* out);
  /// The next n points as the rows of an n x dims() matrix.
  matrix draw(std::size_t n);
  /// Skips n points (in O(dims x 64), not O(n)).
  /// @throws spec_error if the sequence would pass its 2^64 - 1 points
  void skip(std::uint64_t n);

 private:
  void build(std::size_t dims);
  void seek(std::uint64_t index);

  std::size_t dims_ = 0;
  std::uint64_t index_ = 0;
  std::vector<std::uint64_t> direction_;  ///< dims x 64: direction_[64 j + b] is v_(b+1) of dimension j
  std::vector<std::uint64_t> state_;      ///< unshifted point `index_` as 64-bit integers
  std::vector<std::uint64_t> shift_;      ///< empty, or one XOR word per dimension
};

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/sobol_sequence.ipp"
#endif
