// Tests of compindex/random.hpp: Philox4x32-10 known answers, moments of the distributions.
#include <compindex/random.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <set>

using namespace compindex;

namespace {
using block = std::array<std::uint32_t, 4>;

// Mean and (population) variance of `n` draws of `draw()`.
template <class F>
std::pair<double, double> moments(std::size_t n, F draw) {
  double s = 0.0, s2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = draw();
    s += x, s2 += x * x;
  }
  const double m = s / static_cast<double>(n);
  return {m, s2 / static_cast<double>(n) - m * m};
}
}  // namespace

// The suite is named after the file (tests/cpp/CMakeLists.txt runs --run_test=random). Boost
// makes a suite a namespace, and a namespace `random` at global scope would clash with POSIX
// ::random() from <stdlib.h>, so the suite sits in an enclosing namespace.
namespace random_tests {
BOOST_AUTO_TEST_SUITE(random)

// Known-answer vectors for Philox4x32-10 from the file kat_vectors of the Random123 distribution
// (D. E. Shaw Research), as reproduced in DEShawResearch/fs123, core123/ut/ut_philox.cpp:
//   philox4x32 10  00000000 00000000 00000000 00000000  00000000 00000000  6627e8d5 e169c58d bc57ac4c 9b00dbd8
//   philox4x32 10  ffffffff ffffffff ffffffff ffffffff  ffffffff ffffffff  408f276d 41c83b0e a20bc7c6 6d5451fd
//   philox4x32 10  243f6a88 85a308d3 13198a2e 03707344  a4093822 299f31d0  d16cfe09 94fdcceb 5001e420 24126ea1
// (four counter words, two key words, four output words).
BOOST_AUTO_TEST_CASE(philox4x32_10_known_answers) {
  BOOST_TEST((philox4x32_10({0, 0, 0, 0}, {0, 0}) == block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  BOOST_TEST((philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
              block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  BOOST_TEST((philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
              block{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

BOOST_AUTO_TEST_CASE(stream_is_a_function_of_seed_stream_and_counter) {
  const std::uint64_t seed = 0x0123456789abcdefULL, stream = 0xfedcba9876543210ULL;
  philox rng(seed, stream);
  const std::array<std::uint32_t, 2> key{0x89abcdefu, 0x01234567u};
  for (std::uint64_t b = 0; b < 3; ++b) {
    const block expect = philox4x32_10({static_cast<std::uint32_t>(b), 0, 0x76543210u, 0xfedcba98u}, key);
    const std::uint64_t first = rng.next_u64(), second = rng.next_u64();
    BOOST_TEST(first == (std::uint64_t{expect[0]} | (std::uint64_t{expect[1]} << 32)));
    BOOST_TEST(second == (std::uint64_t{expect[2]} | (std::uint64_t{expect[3]} << 32)));
  }
  // Stream i can be regenerated on its own, in any order.
  philox a(7, 3), b(7, 3), c(7, 4), d(8, 3);
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    BOOST_TEST(x == b.next_u64());
    BOOST_TEST(x != c.next_u64());
    BOOST_TEST(x != d.next_u64());
  }
  BOOST_TEST(a.seed() == 7u);
  BOOST_TEST(a.stream() == 3u);
}

BOOST_AUTO_TEST_CASE(uniform_moments) {
  philox rng(20240601, 0);
  double lo = 1.0, hi = 0.0;
  const auto [m, v] = moments(1000000, [&] {
    const double u = rng.uniform();
    lo = std::min(lo, u), hi = std::max(hi, u);
    return u;
  });
  // Standard errors: sqrt(1/12/1e6) = 2.9e-4 for the mean, sqrt((1/80 - 1/144)/1e6) = 7.5e-5 for
  // the variance; the tolerances are about 5 of them.
  BOOST_TEST(std::abs(m - 0.5) < 1.5e-3);
  BOOST_TEST(std::abs(v - 1.0 / 12.0) < 4e-4);
  BOOST_TEST(lo >= 0.0);
  BOOST_TEST(hi < 1.0);
}

BOOST_AUTO_TEST_CASE(below_is_in_range_and_unbiased) {
  philox rng(11, 2);
  std::array<int, 7> counts{};
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const auto k = rng.below(7);
    BOOST_REQUIRE(k < 7u);
    ++counts[k];
  }
  for (int c : counts) BOOST_TEST(std::abs(c - n / 7) < 5 * 93);  // sd = sqrt(n p (1-p)) = 92.6
  BOOST_TEST(rng.below(1) == 0u);
  BOOST_CHECK_THROW(rng.below(0), spec_error);
}

BOOST_AUTO_TEST_CASE(normal_moments) {
  philox rng(5, 1);
  const auto [m, v] = moments(400000, [&] { return rng.normal(); });
  BOOST_TEST(std::abs(m) < 5 * std::sqrt(1.0 / 4e5));
  BOOST_TEST(std::abs(v - 1.0) < 5 * std::sqrt(2.0 / 4e5));
}

BOOST_AUTO_TEST_CASE(gamma_mean_is_shape) {
  const std::size_t n = 100000;
  for (double shape : {0.05, 0.3, 1.0, 2.5, 10.0}) {
    philox rng(99, static_cast<std::uint64_t>(shape * 100));
    bool positive = true;
    const auto [m, v] = moments(n, [&] {
      const double g = rng.gamma(shape);
      positive = positive && g >= 0.0 && std::isfinite(g);
      return g;
    });
    BOOST_TEST_CONTEXT("shape " << shape) {
      BOOST_TEST(positive);
      // Gamma(shape, 1) has mean and variance shape, and fourth central moment
      // shape^2 (3 + 6 / shape); the sample variance has standard error
      // sqrt((mu4 - sigma^4) / n) = shape sqrt((2 + 6 / shape) / n). Tolerances: 5 standard errors.
      const double dn = static_cast<double>(n);
      BOOST_TEST(std::abs(m - shape) < 5 * std::sqrt(shape / dn));
      BOOST_TEST(std::abs(v - shape) < 5 * shape * std::sqrt((2 + 6 / shape) / dn));
    }
  }
}

BOOST_AUTO_TEST_CASE(gamma_rejects_bad_shape) {
  philox rng(1, 0);
  BOOST_CHECK_THROW(rng.gamma(0.0), spec_error);
  BOOST_CHECK_THROW(rng.gamma(-1.0), spec_error);
  BOOST_CHECK_THROW(rng.gamma(std::nan("")), spec_error);
  BOOST_CHECK_THROW(rng.gamma(INFINITY), spec_error);
}

BOOST_AUTO_TEST_CASE(dirichlet_mean_is_alpha_over_sum) {
  vector alpha(3);
  alpha << 0.5, 1.0, 2.5;
  const double a0 = alpha.sum();
  philox rng(314, 15);
  const int n = 50000;
  vector sum = vector::Zero(3);
  bool on_simplex = true;
  for (int i = 0; i < n; ++i) {
    const vector w = dirichlet(rng, alpha);
    on_simplex = on_simplex && (w.array() >= 0.0).all() && std::abs(w.sum() - 1.0) < 1e-12;
    sum += w;
  }
  BOOST_TEST(on_simplex);
  for (index_t i = 0; i < 3; ++i) {
    const double expect = alpha[i] / a0;
    const double sd = std::sqrt(alpha[i] * (a0 - alpha[i]) / (a0 * a0 * (a0 + 1)) / n);
    BOOST_TEST(std::abs(sum[i] / n - expect) < 5 * sd, "component " << i);
  }
}

BOOST_AUTO_TEST_CASE(dirichlet_with_tiny_alpha_stays_on_the_simplex) {
  vector alpha = vector::Constant(4, 1e-4);
  philox rng(2, 2);
  for (int i = 0; i < 1000; ++i) {
    const vector w = dirichlet(rng, alpha);
    BOOST_REQUIRE(w.allFinite());
    BOOST_REQUIRE(std::abs(w.sum() - 1.0) < 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(dirichlet_rejects_bad_alpha) {
  philox rng(1, 0);
  BOOST_CHECK_THROW(dirichlet(rng, vector()), spec_error);
  vector bad(2);
  bad << 1.0, 0.0;
  BOOST_CHECK_THROW(dirichlet(rng, bad), spec_error);
  bad << 1.0, std::nan("");
  BOOST_CHECK_THROW(dirichlet(rng, bad), spec_error);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace random_tests
