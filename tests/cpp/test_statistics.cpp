// Descriptive statistics against values computed by hand.

#include <boost/test/unit_test.hpp>

#include <compindex/statistics.hpp>

#include "kernel_test_helpers.hpp"

#include <cmath>

using namespace compindex;
namespace stats = compindex::statistics;
using kernel_test::check_close;
using kernel_test::NaN;
using kernel_test::vec;

namespace {

// Excel's documented forms, from raw central sums S2 = sum d^2, S3 = sum d^3, S4 = sum d^4
// (d = x - mean) and the sample sd s = sqrt(S2/(n-1)):
//   SKEW = n/((n-1)(n-2)) * S3/s^3
//   KURT = n(n+1)/((n-1)(n-2)(n-3)) * S4/s^4 - 3(n-1)^2/((n-2)(n-3))
// (The library uses the equivalent g1/g2 forms, so this is an independent route.)
double excel_skew(double n, double s2, double s3) {
  const double s = std::sqrt(s2 / (n - 1));
  return n / ((n - 1) * (n - 2)) * s3 / (s * s * s);
}
double excel_kurt(double n, double s2, double s4) {
  const double s = std::sqrt(s2 / (n - 1));
  return n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * s4 / (s * s * s * s) - 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(statistics)

BOOST_AUTO_TEST_CASE(count_min_max_skip_missing) {
  const auto x = vec({3, NaN, -2, 7, NaN});
  BOOST_TEST(stats::count(x) == 3);
  BOOST_TEST(stats::min(x) == -2.0);
  BOOST_TEST(stats::max(x) == 7.0);
  // NaN in first position must not poison min/max
  BOOST_TEST(stats::min(vec({NaN, 5, 4})) == 4.0);
  BOOST_TEST(stats::max(vec({NaN, 5, 4})) == 5.0);
  BOOST_TEST(std::isnan(stats::min(vec({NaN, NaN}))));
  BOOST_TEST(std::isnan(stats::max(vec({NaN}))));
  BOOST_TEST(stats::count(vec({NaN, NaN})) == 0);
}

BOOST_AUTO_TEST_CASE(mean_and_median) {
  // odd: {3,1,2}: mean 6/3 = 2, sorted 1,2,3 -> median 2
  check_close(stats::mean(vec({3, 1, 2})), 2.0);
  check_close(stats::median(vec({3, 1, 2})), 2.0);
  // even: {4,1,3,10}: mean 18/4 = 4.5, sorted 1,3,4,10 -> (3+4)/2 = 3.5
  check_close(stats::mean(vec({4, 1, 3, 10})), 4.5);
  check_close(stats::median(vec({4, 1, 3, 10})), 3.5);
  // with NaN, odd count present {NaN,5,1,NaN,9}: mean 15/3 = 5, sorted 1,5,9 -> 5
  check_close(stats::mean(vec({NaN, 5, 1, NaN, 9})), 5.0);
  check_close(stats::median(vec({NaN, 5, 1, NaN, 9})), 5.0);
  // with NaN, even count present {1,NaN,10,2,4}: mean 17/4 = 4.25, sorted 1,2,4,10 -> (2+4)/2 = 3
  check_close(stats::mean(vec({1, NaN, 10, 2, 4})), 4.25);
  check_close(stats::median(vec({1, NaN, 10, 2, 4})), 3.0);
  // single value
  check_close(stats::median(vec({7})), 7.0);
  // nothing present
  BOOST_TEST(std::isnan(stats::mean(vec({NaN, NaN}))));
  BOOST_TEST(std::isnan(stats::median(vec({NaN, NaN}))));
}

BOOST_AUTO_TEST_CASE(sd_uses_n_minus_1) {
  // {2,4,4,4,5,5,7,9}: mean 40/8 = 5, sum d^2 = 9+1+1+1+0+0+4+16 = 32, sd = sqrt(32/7)
  check_close(stats::sd(vec({2, 4, 4, 4, 5, 5, 7, 9})), std::sqrt(32.0 / 7.0));
  // {1, NaN, 3}: mean 2, sum d^2 = 2, n-1 = 1 -> sqrt(2)
  check_close(stats::sd(vec({1, NaN, 3})), std::sqrt(2.0));
  // constant -> 0
  check_close(stats::sd(vec({4, 4, 4})), 0.0);
  // fewer than 2 values -> NaN
  BOOST_TEST(std::isnan(stats::sd(vec({5}))));
  BOOST_TEST(std::isnan(stats::sd(vec({5, NaN}))));
}

BOOST_AUTO_TEST_CASE(skewness_and_kurtosis_excel) {
  // {1,2,3,4,10}: n = 5, mean 20/5 = 4, d = -3,-2,-1,0,6
  //   S2 = 9+4+1+0+36 = 50; S3 = -27-8-1+0+216 = 180; S4 = 81+16+1+0+1296 = 1394
  const auto x = vec({1, 2, 3, 4, 10});
  const double skew = excel_skew(5, 50, 180);  // = 5/12 * 180/12.5^1.5 = 12/sqrt(50) = 1.6970562748...
  const double kurt = excel_kurt(5, 50, 1394);  // = 30/24 * 1394/156.25 - 3*16/6 = 11.152 - 8 = 3.152
  check_close(skew, 12.0 / std::sqrt(50.0));  // sanity of the closed form itself
  check_close(kurt, 3.152);
  check_close(stats::skewness(x), skew);
  check_close(stats::kurtosis(x), kurt);

  // NaN is skipped: same values with gaps
  check_close(stats::skewness(vec({NaN, 1, 2, NaN, 3, 4, 10})), skew);
  check_close(stats::kurtosis(vec({NaN, 1, 2, NaN, 3, 4, 10})), kurt);

  // {2,4,4,4,5,5,7,9}: n = 8, mean 5, d = -3,-1,-1,-1,0,0,2,4
  //   S2 = 32; S3 = -27-1-1-1+0+0+8+64 = 42; S4 = 81+1+1+1+0+0+16+256 = 356
  //   s^2 = 32/7; SKEW = 8/(7*6) * 42/s^3 = 8/(32/7)^1.5 = 0.81848755...
  //   KURT = 72/210 * 356/(32/7)^2 - 3*49/30 = 0.342857.. * 17.03515625 - 4.9 = 0.940625
  const auto y = vec({2, 4, 4, 4, 5, 5, 7, 9});
  check_close(excel_skew(8, 32, 42), 8.0 / std::pow(32.0 / 7.0, 1.5));
  check_close(excel_kurt(8, 32, 356), 0.940625);
  check_close(stats::skewness(y), excel_skew(8, 32, 42));
  check_close(stats::kurtosis(y), excel_kurt(8, 32, 356));

  // mirrored data: skewness changes sign, kurtosis is unchanged
  check_close(stats::skewness(-x), -skew);
  check_close(stats::kurtosis(-x), kurt);
}

BOOST_AUTO_TEST_CASE(skewness_and_kurtosis_undefined) {
  BOOST_TEST(std::isnan(stats::skewness(vec({1, 2}))));            // n < 3
  BOOST_TEST(std::isnan(stats::skewness(vec({1, NaN, 2, NaN}))));  // 2 present
  BOOST_TEST(!std::isnan(stats::skewness(vec({1, 2, 5}))));        // n = 3 is enough
  BOOST_TEST(std::isnan(stats::kurtosis(vec({1, 2, 5}))));         // n < 4
  BOOST_TEST(!std::isnan(stats::kurtosis(vec({1, 2, 5, 9}))));     // n = 4 is enough
  BOOST_TEST(std::isnan(stats::skewness(vec({3, 3, 3, 3}))));      // zero variance
  BOOST_TEST(std::isnan(stats::kurtosis(vec({3, 3, 3, 3, 3}))));   // zero variance
  // symmetric data: skewness exactly 0 ({1,2,3}: S3 = -1 + 0 + 1 = 0)
  check_close(stats::skewness(vec({1, 2, 3})), 0.0);
}

BOOST_AUTO_TEST_CASE(skewness_kurtosis_together_equal_each) {
  // The two-pass form the outlier treatment uses gives skewness() and kurtosis() bit for bit,
  // undefined cases included.
  auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
  for (const vector& x : {vec({1, 2}), vec({1, 2, 5}), vec({1, 2, 5, 9}), vec({3, 3, 3, 3, 3}), vec({1, NaN, 2, 40, 3, NaN, 7.5}),
                          vec({-1e3, 0.25, 7, 7, 7, 1e4, 3.5, NaN, 12})}) {
    const auto sk = stats::skewness_kurtosis(x);
    BOOST_TEST(same(sk.skewness, stats::skewness(x)));
    BOOST_TEST(same(sk.kurtosis, stats::kurtosis(x)));
  }
}

BOOST_AUTO_TEST_CASE(pearson_by_hand) {
  // x = 1..5, y = {2,4,5,4,5}: means 3 and 4
  //   dx = -2,-1,0,1,2; dy = -2,0,1,0,1
  //   Sxy = 4+0+0+0+2 = 6; Sxx = 10; Syy = 4+0+1+0+1 = 6 -> r = 6/sqrt(60)
  const auto x = vec({1, 2, 3, 4, 5});
  const auto y = vec({2, 4, 5, 4, 5});
  check_close(stats::pearson(x, y), 6.0 / std::sqrt(60.0));
  check_close(stats::pearson(y, x), 6.0 / std::sqrt(60.0));
  // rows with a NaN on either side are dropped: same result
  check_close(stats::pearson(vec({1, NaN, 2, 3, 4, 5, 7}), vec({2, 100, 4, 5, 4, 5, NaN})), 6.0 / std::sqrt(60.0));
  // exact linear relations
  check_close(stats::pearson(x, 2.0 * x.array() + 1.0), 1.0);
  check_close(stats::pearson(x, -3.0 * x), -1.0);
  // undefined: zero variance, fewer than 2 common rows
  BOOST_TEST(std::isnan(stats::pearson(x, vec({4, 4, 4, 4, 4}))));
  BOOST_TEST(std::isnan(stats::pearson(vec({1, NaN, 3}), vec({NaN, 2, NaN}))));
  BOOST_TEST(std::isnan(stats::pearson(vec({1, 2}), vec({3, NaN}))));
}

BOOST_AUTO_TEST_CASE(spearman_average_ranks) {
  // x = {10,20,20,30,40} -> average ranks 1, 2.5, 2.5, 4, 5
  // y = {1,3,2,5,4}      -> ranks 1, 3, 2, 5, 4
  //   both rank means 3; dx = -2,-.5,-.5,1,2; dy = -2,0,-1,2,1
  //   Sxy = 4+0+0.5+2+2 = 8.5; Sxx = 4+.25+.25+1+4 = 9.5; Syy = 4+0+1+4+1 = 10
  //   rho = 8.5/sqrt(95)
  check_close(stats::spearman(vec({10, 20, 20, 30, 40}), vec({1, 3, 2, 5, 4})), 8.5 / std::sqrt(95.0));
  // ties on both sides: x = {1,1,2,3} -> 1.5,1.5,3,4 ; y = {5,6,6,9} -> 1,2.5,2.5,4
  //   means 2.5; dx = -1,-1,.5,1.5; dy = -1.5,0,0,1.5
  //   Sxy = 1.5+0+0+2.25 = 3.75; Sxx = 1+1+.25+2.25 = 4.5; Syy = 2.25+0+0+2.25 = 4.5 -> 3.75/4.5
  check_close(stats::spearman(vec({1, 1, 2, 3}), vec({5, 6, 6, 9})), 3.75 / 4.5);
  // NaN rows dropped before ranking: the pair (NaN, 0) and (100, NaN) disappear
  check_close(stats::spearman(vec({10, NaN, 20, 20, 30, 40, 100}), vec({1, 0, 3, 2, 5, 4, NaN})),
              8.5 / std::sqrt(95.0));
  // invariant under a monotone transform, unlike Pearson
  const auto x = vec({0.5, 1, 2, 3, 4});
  check_close(stats::spearman(x, x.array().exp().matrix()), 1.0);
  check_close(stats::spearman(x, (-x.array().cube()).matrix()), -1.0);
  BOOST_TEST(std::isnan(stats::spearman(x, vec({2, 2, 2, 2, 2}))));
}

BOOST_AUTO_TEST_SUITE_END()
