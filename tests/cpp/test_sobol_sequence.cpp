// Tests of compindex/sobol_sequence.hpp: the points of scipy.stats.qmc.Sobol(scramble=False),
// stratification of the marginals, digital shift, skipping, and integration error.
#include <compindex/sobol_sequence.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

using namespace compindex;

namespace {
// Exact integer x 2^30 of a coordinate (all unscrambled coordinates of the first 2^30 points are
// multiples of 2^-30).
std::int64_t times_2_30(double x) { return static_cast<std::int64_t>(std::ldexp(x, 30)); }

// f(x) = prod_j exp(x_j) / (e - 1) on [0, 1]^d has integral 1.
double product_exp(const double* x, int d) {
  double f = 1.0;
  for (int j = 0; j < d; ++j) f *= std::exp(x[j]) / (std::exp(1.0) - 1.0);
  return f;
}
}  // namespace

// The suite is the namespace ::sobol_sequence, so the class is always written
// compindex::sobol_sequence below.
BOOST_AUTO_TEST_SUITE(sobol_sequence)

// The rows of scipy.stats.qmc.Sobol(3, scramble=False).random(8) (scipy 1.17.1), which uses the
// same Joe-Kuo new-joe-kuo-6.21201 direction numbers:
//   [0 0 0] [0.5 0.5 0.5] [0.75 0.25 0.25] [0.25 0.75 0.75] [0.375 0.375 0.625]
//   [0.875 0.875 0.125] [0.625 0.125 0.875] [0.125 0.625 0.375]
BOOST_AUTO_TEST_CASE(first_points_match_scipy) {
  const double expect[8][3] = {{0, 0, 0},           {0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},
                               {0.25, 0.75, 0.75},  {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125},
                               {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375}};
  compindex::sobol_sequence with_origin(3, false);
  const matrix p = with_origin.draw(8);
  BOOST_TEST(p.rows() == 8);
  BOOST_TEST(p.cols() == 3);
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 3; ++j) BOOST_TEST(p(i, j) == expect[i][j], "point " << i << " coordinate " << j);

  // The default skips the origin: the first point is (0.5, 0.5, 0.5).
  compindex::sobol_sequence s(3);
  BOOST_TEST(s.index() == 1u);
  const matrix q = s.draw(7);
  for (int i = 0; i < 7; ++i)
    for (int j = 0; j < 3; ++j) BOOST_TEST(q(i, j) == expect[i + 1][j]);

  // Dimension 1 alone is the van der Corput sequence.
  compindex::sobol_sequence one(1);
  double x = 0;
  const double vdc[] = {0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125};
  for (double v : vdc) {
    one.next(&x);
    BOOST_TEST(x == v);
  }
}

// Points 1000 and 4096 of scipy.stats.qmc.Sobol(1024, scramble=False), as integers x 2^30, at
// dimensions 1, 2, 3, 64, 65, 512, 1000, 1024, with the sum over all 1024 coordinates. They check
// the direction-number table from its first to its last row.
BOOST_AUTO_TEST_CASE(high_dimensions_match_scipy) {
  struct reference {
    std::uint64_t index;
    std::int64_t coords[8];
    std::int64_t sum;
  };
  const reference refs[] = {
      {1000, {235929600, 103809024, 556793856, 479199232, 139460608, 424673280, 214958080, 766509056}, 535686021120},
      {4096, {393216, 505282560, 897449984, 478543872, 736755712, 464388096, 541982720, 709492736}, 540058845184},
  };
  const int dims_checked[] = {1, 2, 3, 64, 65, 512, 1000, 1024};
  for (const auto& r : refs) {
    compindex::sobol_sequence s(1024, false);
    s.skip(r.index);
    std::vector<double> x(1024);
    s.next(x.data());
    std::int64_t sum = 0;
    for (double v : x) sum += times_2_30(v);
    BOOST_TEST(sum == r.sum, "point " << r.index);
    for (int c = 0; c < 8; ++c)
      BOOST_TEST(times_2_30(x[static_cast<std::size_t>(dims_checked[c] - 1)]) == r.coords[c],
                 "point " << r.index << " dimension " << dims_checked[c]);
  }
}

BOOST_AUTO_TEST_CASE(skip_equals_stepping) {
  compindex::sobol_sequence stepped(40, false), jumped(40, false);
  std::vector<double> a(40), b(40);
  for (int i = 0; i < 777; ++i) stepped.next(a.data());
  jumped.skip(777);
  BOOST_TEST(jumped.index() == 777u);
  for (int i = 0; i < 50; ++i) {
    stepped.next(a.data());
    jumped.next(b.data());
    BOOST_TEST(a == b, "point " << 777 + i);
    if (i % 7 == 0) jumped.skip(1), stepped.next(a.data());
  }
  BOOST_CHECK_THROW(jumped.skip(~std::uint64_t{0}), spec_error);
}

BOOST_AUTO_TEST_CASE(marginals_are_stratified) {
  // The first 1024 points put exactly one coordinate in each interval [k/1024, (k+1)/1024), in
  // every dimension, unshifted or digitally shifted.
  const std::size_t d = 64;
  for (int shifted = 0; shifted < 2; ++shifted) {
    compindex::sobol_sequence s =
        shifted ? compindex::sobol_sequence(d, digital_shift{12345}, false) : compindex::sobol_sequence(d, false);
    const matrix p = s.draw(1024);
    for (index_t j = 0; j < p.cols(); ++j) {
      std::vector<int> bins(1024, 0);
      for (index_t i = 0; i < p.rows(); ++i) {
        BOOST_REQUIRE(p(i, j) >= 0.0);
        BOOST_REQUIRE(p(i, j) < 1.0);
        ++bins[static_cast<std::size_t>(p(i, j) * 1024)];
      }
      bool one_each = true;
      for (int c : bins) one_each = one_each && c == 1;
      BOOST_TEST(one_each, "dimension " << j + 1 << (shifted ? " (shifted)" : ""));
    }
  }
  // With the origin skipped the stratification is lost by one point; the means stay at 1/2.
  compindex::sobol_sequence s(d);
  const matrix p = s.draw(1024);
  for (index_t j = 0; j < p.cols(); ++j) BOOST_TEST(std::abs(p.col(j).mean() - 0.5) < 1e-3);
}

BOOST_AUTO_TEST_CASE(digital_shift_is_deterministic) {
  const matrix a = compindex::sobol_sequence(5, digital_shift{42}).draw(16);
  const matrix b = compindex::sobol_sequence(5, digital_shift{42}).draw(16);
  const matrix c = compindex::sobol_sequence(5, digital_shift{43}).draw(16);
  const matrix plain = compindex::sobol_sequence(5).draw(16);
  BOOST_TEST((a.array() == b.array()).all());
  BOOST_TEST((a.array() != c.array()).all());
  BOOST_TEST((a.array() != plain.array()).all());
  BOOST_TEST(compindex::sobol_sequence(5, digital_shift{42}).shifted());
  BOOST_TEST(!compindex::sobol_sequence(5).shifted());
}

BOOST_AUTO_TEST_CASE(integration_error_beats_monte_carlo) {
  // f = prod_{j<5} exp(x_j) / (e - 1): integral 1, variance ((e + 1) / (2 (e - 1)))^5 - 1.
  const int d = 5;
  const double e = std::exp(1.0);
  const double sigma = std::sqrt(std::pow((e + 1) / (2 * (e - 1)), d) - 1);
  auto qmc_error = [&](std::size_t n) {
    compindex::sobol_sequence s(d, digital_shift{7}, false);
    std::vector<double> x(d);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      s.next(x.data());
      sum += product_exp(x.data(), d);
    }
    return std::abs(sum / static_cast<double>(n) - 1.0);
  };
  const double err_small = qmc_error(1024), err_large = qmc_error(16384);
  BOOST_TEST_MESSAGE("QMC error at 1024: " << err_small << ", at 16384: " << err_large << "; MC standard error "
                                           << sigma / 32 << " and " << sigma / 128);
  // Monte Carlo's standard error is sigma / sqrt(n); the QMC error is far below it...
  BOOST_TEST(err_small < 0.1 * sigma / std::sqrt(1024.0));
  BOOST_TEST(err_large < 0.1 * sigma / std::sqrt(16384.0));
  // ...and falls by more than the factor 4 Monte Carlo would gain from 16 times the points.
  BOOST_TEST(err_large < err_small / 4);
}

BOOST_AUTO_TEST_CASE(rejects_bad_dimensions) {
  BOOST_CHECK_THROW(compindex::sobol_sequence(0), spec_error);
  BOOST_CHECK_THROW(compindex::sobol_sequence(compindex::sobol_sequence::max_dims + 1), spec_error);
  // (void) keeps "T(T::name);" from parsing as a declaration (clang rejects it; it would test nothing)
  BOOST_CHECK_NO_THROW(static_cast<void>(compindex::sobol_sequence(compindex::sobol_sequence::max_dims)));
}

BOOST_AUTO_TEST_SUITE_END()
