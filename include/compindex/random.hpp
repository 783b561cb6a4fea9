#pragma once
/// @file random.hpp
/// A counter-based random number generator: Philox4x32-10 (Salmon, Moraes, Dror and Shaw,
/// "Parallel random numbers: as easy as 1, 2, 3", SC'11, 2011).
///
/// Every number a `philox` returns is a pure function of (seed, stream, position in the stream):
/// the 128-bit counter block fed to the bijection is (block lo, block hi, stream lo, stream hi)
/// and the 64-bit key is (seed lo, seed hi). Giving replication (or bootstrap resample) i the
/// stream i makes its numbers independent of how replications are split across threads.

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <array>
#include <cstdint>

namespace compindex {

/// The Philox4x32-10 bijection on one 128-bit block: ten rounds with the published multipliers
/// 0xD2511F53, 0xCD9E8D57 and Weyl key increments 0x9E3779B9, 0xBB67AE85.
/// @param counter the four 32-bit counter words
/// @param key the two 32-bit key words
/// @return the four 32-bit output words
std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter,
                                           std::array<std::uint32_t, 2> key) noexcept;

/// A stream of random numbers from Philox4x32-10.
///
/// Output block b of stream `stream` under `seed` is
/// `philox4x32_10({lo32(b), hi32(b), lo32(stream), hi32(stream)}, {lo32(seed), hi32(seed)})`; its
/// four words are used in order, and `next_u64()` joins two consecutive words as (lo | hi << 32).
/// A stream holds 2^64 blocks. Copying a `philox` copies its position.
struct philox {
  /// @param seed the key: different seeds give unrelated generators
  /// @param stream the stream (for instance the replication index): different streams under one
  ///        seed never overlap
  explicit philox(std::uint64_t seed, std::uint64_t stream = 0) noexcept;

  /// The next 64 random bits.
  std::uint64_t next_u64() noexcept;
  /// A uniform double in [0, 1) with 53 random bits: (next_u64() >> 11) * 2^-53.
  double uniform() noexcept;
  /// A uniform integer in [0, bound), without modulo bias (Lemire's multiply-and-reject method).
  /// @throws spec_error if bound is 0
  std::uint64_t below(std::uint64_t bound);
  /// A standard normal variate (Box-Muller; the second variate of each pair is kept for the next
  /// call).
  double normal() noexcept;
  /// A Gamma(shape, scale 1) variate by Marsaglia and Tsang (2000); for shape < 1 it draws
  /// Gamma(shape + 1) and multiplies by U^(1/shape).
  /// @param shape the shape parameter, finite and > 0
  /// @throws spec_error if shape is not a finite positive number
  double gamma(double shape);

  std::uint64_t seed() const noexcept { return seed_; }
  std::uint64_t stream() const noexcept { return stream_; }

 private:
  std::uint32_t next_u32() noexcept;

  std::uint64_t seed_;
  std::uint64_t stream_;
  std::uint64_t block_ = 0;  ///< index of the next block to compute
  std::array<std::uint32_t, 4> buffer_{};
  unsigned used_ = 4;  ///< words of buffer_ already returned
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

/// A Dirichlet(alpha) draw: independent Gamma(alpha_i) variates divided by their sum. The
/// variates are formed in log space, so very small alphas give a valid point of the simplex
/// (non-negative, summing to 1) instead of 0/0.
/// @param rng the generator; it advances
/// @param alpha the concentration parameters, at least one, each finite and > 0
/// @throws spec_error if alpha is empty or holds a value that is not finite and positive
vector dirichlet(philox& rng, vector_cref alpha);

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/random.ipp"
#endif
