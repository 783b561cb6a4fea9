// Extreme values (issue #16): values and weights near the limits of double precision (1e300,
// 1e-300, subnormals), spans and moments that overflow, power means at large or tiny powers,
// transforms that overflow, and a million identical values but one. Each case is a defect found
// by random specifications: the results must be finite and correct, or a clear error, never a
// silent NaN or infinity. Expected values are computed by hand in the comments.
#include <boost/test/unit_test.hpp>

#include <compindex/aggregation.hpp>
#include <compindex/imputation.hpp>
#include <compindex/normalization.hpp>
#include <compindex/pipeline.hpp>
#include <compindex/statistics.hpp>
#include <compindex/transform.hpp>
#include <compindex/uncertainty.hpp>

#include "kernel_test_helpers.hpp"

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace compindex;
namespace ag = compindex::aggregation;
namespace nm = compindex::normalization;
namespace st = compindex::statistics;
namespace ua = compindex::uncertainty;
using kernel_test::check_close;
using kernel_test::check_column;
using kernel_test::message_has;
using kernel_test::NaN;
using kernel_test::vec;

namespace {

const std::string indicator = "IND";
const codes units = {"A", "B", "C", "D", "E"};
const codes children = {"c1", "c2", "c3"};

column_context ctx(int direction = 1, const transform::method* tf = nullptr) {
  column_context c;
  c.indicator = &indicator;
  c.units = &units;
  c.direction = direction;
  c.transform = tf;
  return c;
}

vector norm(const nm::method& m, vector x, range r = {0.0, 1.0}, const column_context& c = ctx()) {
  normalize_column(m, r, x, c);
  return x;
}

vector agg(const ag::method& m, const std::vector<std::vector<double>>& cols, const std::vector<double>& w, double coverage = 0.0) {
  children_view v;
  for (const auto& c : cols) v.columns.push_back(c.data());
  v.weights = w;
  const index_t n = static_cast<index_t>(cols.front().size());
  vector out(n);
  aggregate_node(m, v, n, coverage, out.data(), "Pillar", units, children);
  return out;
}

bool all_finite(const vector& x) { return x.allFinite(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(extreme_values)

// ---------------------------------------------------------------- weights near the limits

BOOST_AUTO_TEST_CASE(weights_near_the_limits_of_double_precision) {
  const std::vector<std::vector<double>> cols = {{10, 40}, {30, 80}};
  // Equal weights of any size: the plain mean, (10 + 30)/2 = 20, (40 + 80)/2 = 60. Before the fix
  // 1e300 x 10 + 1e300 x 30 overflowed (inf), 1.7e308 gave NaN (inf / inf), 1e-300 gave 0.
  for (double w : {1e300, 1.7e308, 1e-300, 4.9e-324}) {
    BOOST_TEST_CONTEXT("weight " << w) {
      check_column(agg(ag::arithmetic_mean{}, cols, {w, w}), {20, 60});
      // geometric: sqrt(10 x 30) = sqrt(300); sqrt(3200)
      check_column(agg(ag::geometric_mean{}, cols, {w, w}), {std::sqrt(300.0), std::sqrt(3200.0)});
      // harmonic: 2/(1/10 + 1/30) = 2/(4/30) = 15; 2/(1/40 + 1/80) = 2/(3/80) = 160/3
      check_column(agg(ag::harmonic_mean{}, cols, {w, w}), {15, 160.0 / 3});
      // generalized p = 2: sqrt((100 + 900)/2) = sqrt(500); sqrt((1600 + 6400)/2) = sqrt(4000)
      check_column(agg(ag::generalized_mean{2.0}, cols, {w, w}), {std::sqrt(500.0), std::sqrt(4000.0)});
    }
  }
  // Unequal weights 1e-300 and 3e-300 (shares 1/4, 3/4): 10/4 + 90/4 = 25; 40/4 + 240/4 = 70.
  check_column(agg(ag::arithmetic_mean{}, cols, {1e-300, 3e-300}), {25, 70});
  // Weights 1e308 and 1 (shares 1 - 1e-308 and 1e-308): the first child's values.
  check_column(agg(ag::arithmetic_mean{}, cols, {1e308, 1.0}), {10, 40});
}

BOOST_AUTO_TEST_CASE(values_near_the_limits_of_double_precision) {
  // Normalized weights: (1e308 + 1.5e308)/2 = 1.25e308, no overflow of the sum w x.
  check_column(agg(ag::arithmetic_mean{}, {{1e308}, {1.5e308}}, {1, 1}), {1.25e308});
  check_column(agg(ag::arithmetic_mean{}, {{1.7e308}, {1.7e308}}, {3, 5}), {1.7e308});
  // Geometric of 1e300 and 1e-300: 1.
  check_column(agg(ag::geometric_mean{}, {{1e300}, {1e-300}}, {1, 1}), {1.0});
  // Harmonic of a subnormal 1e-310 and 1: 2/(1e310 + 1) = 2e-310 (1/1e-310 overflows on its own).
  check_column(agg(ag::harmonic_mean{}, {{1e-310}, {1.0}}, {1, 1}), {2e-310}, 1e-10);
}

BOOST_AUTO_TEST_CASE(uncertainty_replications_with_huge_and_tiny_weights) {
  // The same index with every weight multiplied by 1e300 (or 1e-300) gives the same scores in
  // every replication of a weights factor: weights renormalize within each parent.
  auto make = [](double scale) {
    std::vector<node> n{{"I", ""}};
    for (int p = 0; p < 3; ++p) n.push_back({"P" + std::to_string(p), "I", scale * (p + 1)});
    for (int j = 0; j < 6; ++j) n.push_back({"x" + std::to_string(j), "P" + std::to_string(j / 2), scale * (j % 2 + 1)});
    return framework(n);
  };
  codes u;
  for (int i = 0; i < 10; ++i) u.push_back("u" + std::to_string(i));
  std::mt19937_64 g(3);
  std::uniform_real_distribution<double> d(1.0, 50.0);
  matrix v(10, 6);
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 6; ++j) v(i, j) = d(g);
  const dataset data(u, v);
  pipeline_spec spec;
  ua::options o;
  o.n = 64;
  o.seed = 5;
  o.threads = 1;
  const std::vector<ua::factor> f{ua::weights_factor{}};
  const auto ref = ua::uncertainty_analysis(make(1.0), data, spec, f, o);
  for (double scale : {1e300, 1e-300}) {
    BOOST_TEST_CONTEXT("scale " << scale) {
      const auto r = ua::uncertainty_analysis(make(scale), data, spec, f, o);
      BOOST_TEST(r.runs.failures.empty());
      BOOST_TEST(r.runs.scores.allFinite());
      BOOST_TEST(((r.runs.scores - ref.runs.scores).array().abs() <= 1e-9).all());
      BOOST_TEST((r.runs.ranks.array() == ref.runs.ranks.array()).all());
    }
  }
}

BOOST_AUTO_TEST_CASE(methods_beyond_means_with_extreme_weights_and_scores) {
  // Found by the random specifications. mean_min(alpha 0.5, beta 10) of 10 and 30, any equal
  // weights: mean 20, gap to the minimum 10, penalty 0.5 (sqrt(100 + 100) - 10): 20 - that.
  const double want = 20 - 0.5 * (std::sqrt(200.0) - 10);
  for (double w : {1.0, 1e300, 1.7e308, 1e-300})
    check_column(agg(ag::mean_min{0.5, 10}, {{10}, {30}}, {w, w}), {want});
  // Scores of +-1.5e308: mean 0, gap 1.5e308 (its square overflows): penalty 0.5 (1.5e308 - 10
  // + 10 to rounding) = 7.5e307, so -7.5e307 (was -inf).
  check_column(agg(ag::mean_min{0.5, 10}, {{1.5e308}, {-1.5e308}}, {1, 1}), {-7.5e307});
  // TOPSIS and Wroclaw: weights of 1.7e308 (their sum overflows) or 1e-300 as weights of 1.
  const std::vector<std::vector<double>> cols = {{10, 40, 25}, {30, 80, 20}};
  for (double w : {1.7e308, 1e-300}) {
    check_column(agg(ag::topsis{}, cols, {w, w}), agg(ag::topsis{}, cols, {1, 1}));
    check_column(agg(ag::wroclaw{}, cols, {w / 4, 3 * (w / 4)}), agg(ag::wroclaw{}, cols, {1, 3}));
  }
}

// ---------------------------------------------------------------- ranges whose span overflows

BOOST_AUTO_TEST_CASE(a_range_whose_span_overflows_is_rejected) {
  // (-1.7e308, 1.7e308): both bounds finite, the span 3.4e308 is not.
  const range wide{-1.7e308, 1.7e308};
  BOOST_CHECK_EXCEPTION(norm(nm::min_max{}, vec({1, 2, 3}), wide), spec_error, message_has({"span", "1.7e+308"}));
  BOOST_CHECK_EXCEPTION(norm(nm::percentile_rank{}, vec({1, 2, 3}), wide), spec_error, message_has({"span"}));
  const framework fw({{"I", ""}, {"a", "I"}, {"b", "I"}});
  matrix m(3, 2);
  m << 1, 4, 2, 5, 3, 9;
  pipeline_spec spec;
  spec.output_range = wide;
  BOOST_CHECK_EXCEPTION(build(fw, dataset({"U1", "U2", "U3"}, m), spec), spec_error, message_has({"span", "narrower"}));
  // A wide range whose span is finite works: -8e307 .. 8e307 (span 1.6e308).
  spec.output_range = {-8e307, 8e307};
  const auto r = build(fw, dataset({"U1", "U2", "U3"}, m), spec);
  BOOST_TEST(r.normalized->allFinite());
  check_close((*r.normalized)(1, 0), 0.0, 1e-300);  // a = 1, 2, 3: the middle maps to the middle, 0
}

// ---------------------------------------------------------------- spans and moments that overflow

BOOST_AUTO_TEST_CASE(min_max_goalposts_and_distances_whose_span_overflows) {
  const vector x = vec({-1e308, 0, 1e308});
  // (x - min)/(max - min) with max - min = 2e308 (overflows): 0, 1e308/2e308 = 0.5, 1.
  check_column(norm(nm::min_max{}, x), {0, 0.5, 1});
  check_column(norm(nm::distance_to_max{}, x), {0, 0.5, 1});
  // Direction -1: the order reverses: 1, 0.5, 0.
  check_column(norm(nm::min_max{}, x, {0, 1}, ctx(-1)), {1, 0.5, 0});
  // Goalposts -1e308 and 1e308: the same.
  check_column(norm(nm::goalposts{-1e308, 1e308, false}, x), {0, 0.5, 1});
  // Goalposts -1.5e308 .. 1.5e308: (x + 1.5e308)/3e308 = 0.5/3, 0.5, 2.5/3.
  check_column(norm(nm::goalposts{-1.5e308, 1.5e308, false}, x), {0.5 / 3, 0.5, 2.5 / 3});
  // Target 1e308: (x - min)/(target - min), the min_max values.
  check_column(norm(nm::distance_to_target{1e308, false}, x), {0, 0.5, 1});
  // Reference unit C (1e308): the same.
  check_column(norm(nm::distance_to_reference{"C", false}, x), {0, 0.5, 1});
  // Range 0..100 onto the same: 0, 50, 100.
  check_column(norm(nm::min_max{}, x, {0, 100}), {0, 50, 100});
}

BOOST_AUTO_TEST_CASE(z_scores_whose_moments_overflow) {
  // [1e200, 2e200, 3e200]: mean 2e200, sd sqrt((1e400 + 0 + 1e400)/2) = 1e200 (its squares
  // overflow): -1, 0, 1. Before the fix sd = inf and every z-score 0.
  check_column(norm(nm::z_score{}, vec({1e200, 2e200, 3e200})), {-1, 0, 1});
  BOOST_TEST(st::sd(vec({1e200, 2e200, 3e200})) == 1e200, boost::test_tools::tolerance(1e-14));
  // [1.77e308, 1.46e308]: the mean 1.615e308 (the sum overflows); sd |d| sqrt 2 / 1 with
  // d = 0.155e308: z = +-0.155e308/(0.155e308 sqrt 2) = +-1/sqrt 2.
  check_column(norm(nm::z_score{}, vec({1.77e308, 1.46e308})), {1 / std::sqrt(2.0), -1 / std::sqrt(2.0)});
  BOOST_TEST(st::mean(vec({1.77e308, 1.46e308})) == 1.615e308, boost::test_tools::tolerance(1e-14));
  // [-1.7e308, 1.7e308]: mean 0, x - mean fine, (x - mean)^2 overflows: +-1/sqrt 2.
  check_column(norm(nm::z_score{}, vec({-1.7e308, 1.7e308})), {-1 / std::sqrt(2.0), 1 / std::sqrt(2.0)});
  // Subnormal spreads: [1e-310, 2e-310, 3e-310] is not constant (its squares underflow to 0):
  // -1, 0, 1 (within the precision of subnormals, about 5e-324 / 1e-310 = 5e-14).
  check_column(norm(nm::z_score{}, vec({1e-310, 2e-310, 3e-310})), {-1, 0, 1}, 1e-10);
  // The requested mean and sd: 100 + 10 z.
  check_column(norm(nm::z_score{100, 10}, vec({1e200, 2e200, 3e200})), {90, 100, 110});
}

BOOST_AUTO_TEST_CASE(skewness_and_kurtosis_are_scale_free) {
  // [1, 2, 4, 10] and the same times 1e200 or 1e-305 have the same skewness and kurtosis.
  const auto ref = st::skewness_kurtosis(vec({1, 2, 4, 10}));
  for (double s : {1e200, 1e-305}) {
    BOOST_TEST_CONTEXT("scale " << s) {
      const auto got = st::skewness_kurtosis(vec({s * 1, s * 2, s * 4, s * 10}));
      check_close(got.skewness, ref.skewness, 1e-12);
      check_close(got.kurtosis, ref.kurtosis, 1e-12);
    }
  }
  // By hand for [1, 2, 4, 10]: mean 4.25, d = -3.25, -2.25, -0.25, 5.75; sum d^2 = 10.5625 +
  // 5.0625 + 0.0625 + 33.0625 = 48.75; sum d^3 = -34.328125 - 11.390625 - 0.015625 + 190.109375
  // = 144.375; g1 = sqrt(4) 144.375 / 48.75^1.5; G1 = g1 sqrt(12) / 2.
  const double g1 = 2 * 144.375 / std::pow(48.75, 1.5);
  check_close(ref.skewness, g1 * std::sqrt(12.0) / 2, 1e-12);
}

BOOST_AUTO_TEST_CASE(identical_values_whose_mean_rounds_are_constant) {
  // Found by the random specifications: six times 0.1 sum to 0.6000000000000001, whose sixth is
  // 0.09999999999999999, so x - mean was not 0 and the sd about 1.5e-17: z_score standardized a
  // constant column (every unit the same z of about 0.91). Identical values have sd 0 exactly.
  const vector x = vec({0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  BOOST_TEST(st::sd(x) == 0.0);
  BOOST_TEST(std::isnan(st::skewness(x)));
  BOOST_TEST(std::isnan(st::kurtosis(x)));
  BOOST_CHECK_EXCEPTION(norm(nm::z_score{}, x), data_error, message_has({"IND", "constant", "z_score"}));
  // The same column reached by imputation: one value, the others imputed with the mean.
  vector y = vec({NaN, NaN, 0.1, NaN, NaN, NaN});
  impute_column(imputation::mean{}, y, {}, "IND");
  BOOST_CHECK_EXCEPTION(norm(nm::z_score{}, y), data_error, message_has({"constant"}));
  // Values that differ keep their sd: five times 0.1 and one 0.2, mean 7/60;
  // squared deviations 5 x (0.1 - 7/60)^2 + (0.2 - 7/60)^2 = 5/3600 + 25/3600 = 30/3600; / 5 -> 1/600.
  BOOST_TEST(st::sd(vec({0.1, 0.1, 0.1, 0.1, 0.1, 0.2})) == std::sqrt(1.0 / 600), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(mean_imputation_of_huge_values) {
  // [1e308, 1.5e308, NaN]: the mean of the two, 1.25e308 (the sum 2.5e308 overflows).
  vector x = vec({1e308, 1.5e308, NaN});
  impute_column(imputation::mean{}, x, {}, "IND");
  check_close(x[2], 1.25e308);
  // Found by the random specifications: the median of an even count, (1.7e308 + 1.56e308)/2,
  // overflowed, imputed infinity, and min_max then gave NaN: 1.63e308.
  vector y = vec({NaN, 1.7e308, 1.56e308});
  impute_column(imputation::median{}, y, {}, "IND");
  check_close(y[0], 1.63e308);
  check_close(st::median(vec({1.7e308, 1.56e308, -1.0, 1.0e308})), 1.28e308);  // (1e308 + 1.56e308)/2
}

// ---------------------------------------------------------------- power means

BOOST_AUTO_TEST_CASE(generalized_mean_at_large_and_tiny_powers) {
  // p = 200 on 100 and 50 (equal weights): 100 ((1 + 0.5^200)/2)^(1/200) = 100 2^(-1/200)
  // (0.5^200 = 6e-61 is far below the last digit). 100^200 alone overflows.
  check_column(agg(ag::generalized_mean{200}, {{100}, {50}}, {1, 1}), {100 * std::pow(2.0, -1.0 / 200)});
  // p = 50 on 2e-300 and 1e-300: 2e-300 ((1 + 0.5^50)/2)^(1/50); (1e-300)^50 alone underflows to 0.
  check_column(agg(ag::generalized_mean{50}, {{2e-300}, {1e-300}}, {1, 1}),
               {2e-300 * std::pow((1 + std::pow(0.5, 50)) / 2, 1.0 / 50)});
  // p = -50 (values > 0): 1e-300 ((1 + 2^-50)/2)^(-1/50); (1e-300)^-50 alone overflows.
  check_column(agg(ag::generalized_mean{-50}, {{2e-300}, {1e-300}}, {1, 1}),
               {1e-300 * std::pow((1 + std::pow(0.5, 50)) / 2, -1.0 / 50)});
  // A single child scores as itself, exactly, whatever the power (was 100.0000049 at p = 1e-9).
  for (double p : {1e-9, -1e-9, 0.3, 2.0, 200.0, -7.0}) {
    BOOST_TEST_CONTEXT("p " << p) {
      const vector r = agg(ag::generalized_mean{p}, {{100, 3.3, NaN}}, {1});
      BOOST_TEST(r[0] == 100.0);
      BOOST_TEST(r[1] == 3.3);
      BOOST_TEST(std::isnan(r[2]));
      // and a unit whose other children are missing
      const vector r2 = agg(ag::generalized_mean{p}, {{100, NaN}, {NaN, 3.3}}, {1, 2});
      BOOST_TEST(r2[0] == 100.0);
      BOOST_TEST(r2[1] == 3.3);
    }
  }
  BOOST_TEST(agg(ag::geometric_mean{}, {{3.3}}, {1})[0] == 3.3);
  // p = 1e-9 on 50 and 100: the geometric mean sqrt(5000) to about p var(log x)/2 = 6e-11
  // (var(log x) = (log 2 / 2)^2 = 0.12).
  check_column(agg(ag::generalized_mean{1e-9}, {{50}, {100}}, {1, 1}), {std::sqrt(5000.0)}, 1e-9);
  check_column(agg(ag::generalized_mean{-1e-9}, {{50}, {100}}, {1, 1}), {std::sqrt(5000.0)}, 1e-9);
  // p = 0.25 by hand: ((50^0.25 + 100^0.25)/2)^4.
  check_column(agg(ag::generalized_mean{0.25}, {{50}, {100}}, {1, 1}),
               {std::pow((std::pow(50.0, 0.25) + std::pow(100.0, 0.25)) / 2, 4)}, 1e-13);
  // Zeros at p > 0: every child 0 is 0; 0 and 100 at p = 200: 100 (1/2)^(1/200).
  check_column(agg(ag::generalized_mean{200}, {{0, 0}, {0, 100}}, {1, 1}), {0, 100 * std::pow(0.5, 1.0 / 200)});
  check_column(agg(ag::generalized_mean{0.1}, {{0}, {0}}, {1, 1}), {0});
  // Means stay between the children.
  const vector big = agg(ag::generalized_mean{300}, {{1, 20, 99}, {100, 30, 98}}, {1e-300, 1e300});
  BOOST_TEST(all_finite(big));
  for (index_t i = 0; i < 3; ++i) BOOST_TEST((big[i] >= std::min({1.0, 20.0, 98.0}) && big[i] <= 100.0));
}

// ---------------------------------------------------------------- transforms

BOOST_AUTO_TEST_CASE(transform_output_is_checked) {
  // box_cox(lambda = 2) of 1e200: (1e400 - 1)/2 overflows.
  vector x = vec({1, 1e200, 3});
  BOOST_CHECK_EXCEPTION(transform_column(transform::box_cox{2.0}, x, "IND", units), computation_error,
                        message_has({"IND", "'B'", "box_cox", "1e+200"}));
  // log of a subnormal is fine: log(5e-324) = -744.44.
  vector y = vec({4.9406564584124654e-324, 1});
  transform_column(transform::log{}, y, "IND", units);
  check_close(y[0], -744.44007192138122, 1e-12);
}

BOOST_AUTO_TEST_CASE(goalposts_checked_after_the_transform) {
  // box_cox(lambda = -40): (x^-40 - 1)/-40 = 0.025 - x^-40/40, and 10^-40/40 = 2.5e-42 is far
  // below the last digit of 0.025: the goalposts 10 and 60 both map to 0.025.
  const transform::method bc = transform::box_cox{-40.0};
  vector x = vec({20, 30, 40});
  transform_column(bc, x, "IND", units);
  BOOST_CHECK_EXCEPTION(norm(nm::goalposts{10, 60, false}, x, {0, 1}, ctx(1, &bc)), spec_error,
                        message_has({"IND", "goalposts", "10", "60", "box_cox"}));
  // A goalpost the transform overflows: box_cox(2) of 1e200.
  const transform::method bc2 = transform::box_cox{2.0};
  vector z = vec({1, 2, 3});
  BOOST_CHECK_EXCEPTION(norm(nm::goalposts{0.5, 1e200, false}, z, {0, 1}, ctx(1, &bc2)), computation_error,
                        message_has({"IND", "upper goalpost"}));
}

BOOST_AUTO_TEST_CASE(normalization_output_overflow_is_an_error) {
  // Goalposts 0 and 1e-300 on values up to 1e10: (1e10 - 0)/1e-300 overflows, unclamped.
  BOOST_CHECK_EXCEPTION(norm(nm::goalposts{0, 1e-300, false}, vec({0, 1e10})), computation_error,
                        message_has({"IND", "goalposts", "'B'", "overflows"}));
  // Clamped: 0 and 1.
  check_column(norm(nm::goalposts{0, 1e-300, true}, vec({0, 1e10})), {0, 1});
  // z_score with sd 1e300: 1e300 x 1/sqrt 2 fine, sd 1e308 x 5 (z up to about 2) overflows.
  BOOST_CHECK_EXCEPTION(norm(nm::z_score{0, 1.7e308}, vec({1, 1, 1, 1, 100})), computation_error,
                        message_has({"IND", "z_score", "'E'"}));
}

// ---------------------------------------------------------------- a million identical values but one

BOOST_AUTO_TEST_CASE(a_million_identical_values_but_one) {
  const index_t n = 1000000;
  vector x = vector::Constant(n, 5.0);
  x[n / 2] = 6.0;
  // min_max: every unit 0 but the one, 1.
  const vector mm = norm(nm::min_max{}, x);
  BOOST_TEST(mm[n / 2] == 1.0);
  BOOST_TEST((mm.head(n / 2).array() == 0.0).all());
  BOOST_TEST((mm.tail(n / 2 - 1).array() == 0.0).all());
  // z_score: mean 5 + 1/n; sum of squared deviations (n - 1)/n^2 + (1 - 1/n)^2 = (n - 1)/n, so
  // sd = sqrt(1/n) = 1e-3; z = (1 - 1/n)/1e-3 = 999.999 for the one, -(1/n)/1e-3 = -1e-3 else.
  const vector z = norm(nm::z_score{}, x);
  check_close(z[n / 2], 999.999, 1e-9);
  check_close(z[0], -1e-3, 1e-9);
  // The same at 2^1020 = 1.1e307 (the sum overflows) and 2^-1060 = 8e-320 (subnormal): scaled
  // (by powers of two, so the sums stay exact), the same z-scores.
  for (double s : {0x1p1020, 0x1p-1060}) {
    BOOST_TEST_CONTEXT("scale " << s) {
      const vector zs = norm(nm::z_score{}, x * s);
      check_close(zs[n / 2], 999.999, 1e-6);
      check_close(zs[0], -1e-3, 1e-6);
      check_close(st::mean(x * s), (5.0 + 1e-6) * s, 1e-9);
    }
  }
  // An arithmetic mean over the million identical values and the one, weights 1 and 1e300.
  std::vector<double> a(static_cast<std::size_t>(n), 5.0), b(static_cast<std::size_t>(n), 7.0);
  a[7] = 6.0;
  children_view v;
  v.columns = {a.data(), b.data()};
  v.weights = {1.0, 1e300};
  vector out(n);
  aggregate_node(ag::arithmetic_mean{}, v, n, 0.0, out.data(), "P", codes{}, children);
  // (5 + 1e300 x 7)/(1 + 1e300) = 7 to the last digit; the one: the same.
  BOOST_TEST((out.array() == 7.0).all());
}

BOOST_AUTO_TEST_SUITE_END()
