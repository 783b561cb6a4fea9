#pragma once
// Out-of-line definitions of random.hpp.

#include "../random.hpp"
#include "../detail/format.hpp"

#include <cmath>
#include <string>

namespace compindex {

namespace detail {

// Philox4x32 round constants (Salmon et al. 2011, table 2 and section 5).
inline constexpr std::uint32_t philox_m0 = 0xD2511F53u;
inline constexpr std::uint32_t philox_m1 = 0xCD9E8D57u;
inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u;
inline constexpr std::uint32_t philox_w1 = 0xBB67AE85u;

inline constexpr double two_pi = 6.283185307179586476925286766559005768;

// High and low 64-bit halves of the 128-bit product a * b, from 32-bit pieces (portable, no
// __int128).
inline void mul_64x64(std::uint64_t a, std::uint64_t b, std::uint64_t& hi, std::uint64_t& lo) noexcept {
  const std::uint64_t a_lo = a & 0xFFFFFFFFu, a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xFFFFFFFFu, b_hi = b >> 32;
  const std::uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  const std::uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
  lo = (mid << 32) | (ll & 0xFFFFFFFFu);
  hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

// Marsaglia and Tsang (2000), "A simple method for generating gamma variables", for shape >= 1.
inline double gamma_shape_at_least_one(philox& rng, double shape) noexcept {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

inline void check_gamma_shape(double shape, const char* what) {
  if (!(std::isfinite(shape) && shape > 0.0))
    throw_spec(std::string(what) + " must be a finite number > 0, got " + fmt_double(shape));
}

}  // namespace detail

COMPINDEX_INLINE std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter,
                                                            std::array<std::uint32_t, 2> key) noexcept {
  std::array<std::uint32_t, 4> x = counter;
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) k0 += detail::philox_w0, k1 += detail::philox_w1;
    const std::uint64_t p0 = static_cast<std::uint64_t>(detail::philox_m0) * x[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(detail::philox_m1) * x[2];
    const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    x = {hi1 ^ x[1] ^ k0, lo1, hi0 ^ x[3] ^ k1, lo0};
  }
  return x;
}

COMPINDEX_INLINE philox::philox(std::uint64_t seed, std::uint64_t stream) noexcept
    : seed_(seed), stream_(stream) {}

COMPINDEX_INLINE std::uint32_t philox::next_u32() noexcept {
  if (used_ == 4) {
    buffer_ = philox4x32_10({static_cast<std::uint32_t>(block_), static_cast<std::uint32_t>(block_ >> 32),
                             static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32)},
                            {static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)});
    ++block_;
    used_ = 0;
  }
  return buffer_[used_++];
}

COMPINDEX_INLINE std::uint64_t philox::next_u64() noexcept {
  const std::uint64_t lo = next_u32();
  const std::uint64_t hi = next_u32();
  return lo | (hi << 32);
}

COMPINDEX_INLINE double philox::uniform() noexcept {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

COMPINDEX_INLINE std::uint64_t philox::below(std::uint64_t bound) {
  if (bound == 0) detail::throw_spec("philox::below: bound must be at least 1, got 0");
  // Lemire (2019), "Fast random integer generation in an interval": the high word of x * bound
  // is uniform on [0, bound) once the low words below (2^64 mod bound) are rejected.
  std::uint64_t hi = 0, lo = 0;
  detail::mul_64x64(next_u64(), bound, hi, lo);
  if (lo < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (lo < threshold) detail::mul_64x64(next_u64(), bound, hi, lo);
  }
  return hi;
}

COMPINDEX_INLINE double philox::normal() noexcept {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  const double u1 = 1.0 - uniform();  // (0, 1], so the log is finite
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = detail::two_pi * u2;
  spare_normal_ = r * std::sin(theta);
  has_spare_normal_ = true;
  return r * std::cos(theta);
}

COMPINDEX_INLINE double philox::gamma(double shape) {
  detail::check_gamma_shape(shape, "philox::gamma: shape");
  if (shape >= 1.0) return detail::gamma_shape_at_least_one(*this, shape);
  // Boost for shape < 1: if G ~ Gamma(shape + 1) and U ~ U(0, 1], G U^(1/shape) ~ Gamma(shape).
  const double g = detail::gamma_shape_at_least_one(*this, shape + 1.0);
  const double u = 1.0 - uniform();
  return g * std::pow(u, 1.0 / shape);
}

COMPINDEX_INLINE vector dirichlet(philox& rng, vector_cref alpha) {
  if (alpha.size() == 0) detail::throw_spec("dirichlet: alpha is empty");
  for (index_t i = 0; i < alpha.size(); ++i)
    if (!(std::isfinite(alpha[i]) && alpha[i] > 0.0))
      detail::throw_spec("dirichlet: alpha[" + std::to_string(i) + "] must be a finite number > 0, got " +
                         detail::fmt_double(alpha[i]));
  // log Gamma(alpha_i) variates, drawn in the same order as philox::gamma draws them.
  vector log_g(alpha.size());
  for (index_t i = 0; i < alpha.size(); ++i) {
    const double a = alpha[i];
    if (a >= 1.0) {
      log_g[i] = std::log(detail::gamma_shape_at_least_one(rng, a));
    } else {
      const double g = detail::gamma_shape_at_least_one(rng, a + 1.0);
      const double u = 1.0 - rng.uniform();
      log_g[i] = std::log(g) + std::log(u) / a;
    }
  }
  const double top = log_g.maxCoeff();
  vector w = (log_g.array() - top).exp().matrix();
  w /= w.sum();  // the largest term is exactly 1, so the sum is >= 1
  return w;
}

}  // namespace compindex
