// Aggregation beyond weighted means (issue #12): OWA, mean-min, MPI, AMPI, TOPSIS and the Wroclaw
// taxonomy against values worked out by hand (arithmetic in the comments), their limits, their
// details, typed errors naming node, unit and child, and thread invariance in uncertainty analysis.

#include <boost/test/unit_test.hpp>

#include <compindex/aggregation.hpp>
#include <compindex/pipeline.hpp>
#include <compindex/uncertainty.hpp>

#include "kernel_test_helpers.hpp"

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace compindex;
namespace ag = compindex::aggregation;
using kernel_test::check_close;
using kernel_test::check_column;
using kernel_test::message_has;
using kernel_test::NaN;

namespace {

using column = std::vector<double>;
const codes units = {"AUT", "BEL", "CZE", "DNK"};
const codes children = {"c1", "c2", "c3"};

vector agg(const ag::method& m, const std::vector<column>& cols, const std::vector<double>& weights, double coverage = 0.0,
           aggregation_details* d = nullptr) {
  children_view v;
  for (const auto& c : cols) v.columns.push_back(c.data());
  v.weights = weights;
  const index_t n = static_cast<index_t>(cols.front().size());
  vector out(n);
  aggregate_node(m, v, n, coverage, out.data(), "Pillar", units, children, d);
  return out;
}

// The example used throughout: every child takes two values, each with deviation 1 (c1, c3) or 2
// (c2) from its mean, so population z-scores are -1 or +1.
//        c1  c2  c3
//   AUT   1   0   5
//   BEL   3   0   7
//   CZE   1   4   7
//   DNK   3   4   5
// means 2, 2, 6; population sds 1, 2, 1.
const std::vector<column> X = {{1, 3, 1, 3}, {0, 0, 4, 4}, {5, 7, 7, 5}};
const std::vector<double> equal = {1, 1, 1};

double value_of(const std::vector<std::pair<std::string, vector>>& v, const std::string& k, index_t i) {
  for (const auto& [name, x] : v)
    if (name == k) return x[i];
  BOOST_FAIL("no detail " + k);
  return NaN;
}
double scalar_of(const aggregation_details& d, const std::string& k) {
  for (const auto& [name, x] : d.scalars)
    if (name == k) return x;
  BOOST_FAIL("no scalar " + k);
  return NaN;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(aggregation_methods)

// ---------------------------------------------------------------------------------------------
// OWA

BOOST_AUTO_TEST_CASE(owa_spans_minimum_mean_and_maximum) {
  // AUT (1, 0, 5): min 0, mean 2, max 5; BEL (3, 0, 7): 0, 10/3, 7; CZE (1, 4, 7): 1, 4, 7;
  // DNK (3, 4, 5): 3, 4, 5. Importance weights do not enter (1, 2, 3 gives the same).
  const std::vector<double> w = {1, 2, 3};
  check_column(agg(ag::owa{0.0, {}}, X, w), {0, 0, 1, 3});
  check_column(agg(ag::owa{0.5, {}}, X, w), {2, 10.0 / 3, 4, 4});
  check_column(agg(ag::owa{1.0, {}}, X, w), {5, 7, 7, 5});
}

BOOST_AUTO_TEST_CASE(owa_explicit_weights_and_orness) {
  // weights (0.5, 0.3, 0.2) on the sorted values: AUT 5, 1, 0 -> 2.5 + 0.3 + 0 = 2.8;
  // BEL 7, 3, 0 -> 3.5 + 0.9 = 4.4; CZE 7, 4, 1 -> 3.5 + 1.2 + 0.2 = 4.9; DNK 5, 4, 3 -> 2.5 + 1.2 + 0.6 = 4.3
  aggregation_details d;
  check_column(agg(ag::owa{0.5, {0.5, 0.3, 0.2}}, X, equal, 0.0, &d), {2.8, 4.4, 4.9, 4.3});
  // orness = (0.5 * 2 + 0.3 * 1 + 0.2 * 0)/2 = 0.65
  check_close(scalar_of(d, "orness"), 0.65);
  check_close(scalar_of(d, "weight_2"), 0.3);
  // dispersion = -(0.5 ln 0.5 + 0.3 ln 0.3 + 0.2 ln 0.2)
  check_close(scalar_of(d, "dispersion"), -(0.5 * std::log(0.5) + 0.3 * std::log(0.3) + 0.2 * std::log(0.2)));
  check_close(ag::owa_orness({0.5, 0.3, 0.2}), 0.65);
  check_close(ag::owa_orness({0, 0, 1}), 0.0);
  check_close(ag::owa_orness({1, 0, 0, 0}), 1.0);
}

BOOST_AUTO_TEST_CASE(owa_quantifier_weights_have_the_requested_orness) {
  for (std::size_t k : {2u, 3u, 5u, 12u})
    for (double o : {0.05, 0.3, 0.5, 0.7, 0.99}) {
      const auto w = ag::owa_weights(o, k);
      BOOST_TEST_CONTEXT("k " << k << ", orness " << o) {
        check_close(ag::owa_orness(w), o, 1e-9);
        // They come from Q(r) = r^a: w_1 = (1/k)^a gives a, and every cumulative sum is (j/k)^a.
        const double a = std::log(w[0]) / std::log(1.0 / static_cast<double>(k));
        double cum = 0.0;
        for (std::size_t j = 0; j < k; ++j) {
          cum += w[j];
          check_close(cum, std::pow(static_cast<double>(j + 1) / static_cast<double>(k), a), 1e-9);
        }
      }
    }
  // orness 0.3 at the node: the reported orness is 0.3 and the exponent > 1 (an and-like quantifier)
  aggregation_details d;
  agg(ag::owa{0.3, {}}, X, equal, 0.0, &d);
  check_close(scalar_of(d, "orness"), 0.3, 1e-9);
  BOOST_TEST(scalar_of(d, "quantifier_exponent") > 1.0);
}

BOOST_AUTO_TEST_CASE(owa_missing_children) {
  // DNK lacks c2: quantifier weights are regenerated for its two children: min 3, mean 4, max 5.
  const std::vector<column> cols = {{1, 3, 1, 3}, {0, 0, 4, NaN}, {5, 7, 7, 5}};
  check_column(agg(ag::owa{0.0, {}}, cols, equal), {0, 0, 1, 3});
  check_column(agg(ag::owa{0.5, {}}, cols, equal), {2, 10.0 / 3, 4, 4});
  check_column(agg(ag::owa{1.0, {}}, cols, equal, 1.0), {5, 7, 7, NaN});  // full coverage required
  // Explicit weights need every child.
  BOOST_CHECK_EXCEPTION(agg(ag::owa{0.5, {0.5, 0.3, 0.2}}, cols, equal), data_error, message_has({"Pillar", "DNK", "c2"}));
}

BOOST_AUTO_TEST_CASE(owa_bad_weights_are_spec_errors_naming_the_node) {
  BOOST_CHECK_EXCEPTION(agg(ag::owa{0.5, {0.5, 0.3, 0.1}}, X, equal), spec_error, message_has({"Pillar", "sum to 1", "0.9"}));
  BOOST_CHECK_EXCEPTION(agg(ag::owa{0.5, {1.2, -0.2, 0.0}}, X, equal), spec_error, message_has({"Pillar", "non-negative"}));
  BOOST_CHECK_EXCEPTION(agg(ag::owa{0.5, {0.5, 0.5}}, X, equal), spec_error, message_has({"Pillar", "2 ordered weights for 3"}));
  BOOST_CHECK_EXCEPTION(agg(ag::owa{1.5, {}}, X, equal), spec_error, message_has({"Pillar", "orness"}));
  BOOST_CHECK_THROW(ag::owa_weights(-0.1, 3), spec_error);
}

// ---------------------------------------------------------------------------------------------
// Mean-min

BOOST_AUTO_TEST_CASE(mean_min_limits_and_hand_values) {
  const std::vector<double> w = {1, 2, 1};
  // weighted means: AUT (1 + 0 + 5)/4 = 1.5; BEL (3 + 0 + 7)/4 = 2.5; CZE (1 + 8 + 7)/4 = 4;
  // DNK (3 + 8 + 5)/4 = 4. minima 0, 0, 1, 3.
  check_column(agg(ag::mean_min{0.0, 7.0}, X, w), {1.5, 2.5, 4, 4});  // alpha = 0: the weighted mean
  check_column(agg(ag::mean_min{1.0, 0.0}, X, w), {0, 0, 1, 3});      // alpha = 1, beta = 0: the minimum
  // alpha 0.5, beta 2: AUT gap 1.5 -> 1.5 - 0.5 (sqrt(2.25 + 4) - 2) = 1.5 - 0.5 * 0.5 = 1.25;
  // BEL gap 2.5 -> 2.5 - 0.5 (sqrt(6.25 + 4) - 2); CZE gap 3 -> 4 - 0.5 (sqrt(13) - 2); DNK gap 1 -> 4 - 0.5 (sqrt(5) - 2)
  aggregation_details d;
  check_column(agg(ag::mean_min{0.5, 2.0}, X, w, 0.0, &d),
               {1.25, 2.5 - 0.5 * (std::sqrt(10.25) - 2), 4 - 0.5 * (std::sqrt(13.0) - 2), 4 - 0.5 * (std::sqrt(5.0) - 2)});
  check_close(value_of(d.per_unit, "penalty", 0), 0.25);
  check_close(value_of(d.per_unit, "minimum", 2), 1.0);
  // Missing: BEL without c3 -> mean 3/3 = 1, min 0; alpha 1 beta 0 -> 0; alpha 0 -> 1
  const std::vector<column> cols = {{1, 3, 1, 3}, {0, 0, 4, 4}, {5, NaN, 7, 5}};
  check_column(agg(ag::mean_min{0.0, 0.0}, cols, w), {1.5, 1, 4, 4});
  check_column(agg(ag::mean_min{1.0, 0.0}, cols, w, 1.0), {0, NaN, 1, 3});
  BOOST_CHECK_EXCEPTION(agg(ag::mean_min{1.5, 0.0}, X, w), spec_error, message_has({"Pillar", "alpha"}));
  BOOST_CHECK_EXCEPTION(agg(ag::mean_min{0.5, -1.0}, X, w), spec_error, message_has({"Pillar", "beta"}));
}

// ---------------------------------------------------------------------------------------------
// MPI and AMPI

BOOST_AUTO_TEST_CASE(mpi_by_hand) {
  // z = 100 + 10 (x - mean)/sd (population): c1 {90, 110, 90, 110}, c2 {90, 90, 110, 110},
  // c3 {90, 110, 110, 90}. AUT: 90, 90, 90 -> M 90, S 0 -> 90.
  // BEL, CZE, DNK: two 110s and a 90 -> M = 310/3, S^2 = ((20/3)^2 * 2 + (40/3)^2)/3 = 2400/27,
  // penalty S cv = S^2/M = (2400/27)/(310/3) = 7200/8370.
  const double m = 310.0 / 3, pen = 7200.0 / 8370;
  aggregation_details d;
  check_column(agg(ag::mpi{}, X, equal, 0.0, &d), {90, m - pen, m - pen, m - pen});
  check_column(agg(ag::mpi{+1, ag::sd_kind::population}, X, equal), {90, m + pen, m + pen, m + pen});
  check_close(value_of(d.per_unit, "penalty", 1), pen);
  check_close(value_of(d.per_unit, "mean", 1), m);
  check_close(value_of(d.per_unit, "sd", 1), std::sqrt(2400.0 / 27));
  check_close(value_of(d.per_unit, "penalty", 0), 0.0);
  check_close(value_of(d.per_child, "sd", 1), 2.0);
  check_close(value_of(d.per_child, "mean", 2), 6.0);
  // Importance weights do not enter.
  check_column(agg(ag::mpi{}, X, {1, 2, 3}), agg(ag::mpi{}, X, equal));
}

BOOST_AUTO_TEST_CASE(mpi_sample_convention) {
  // Sample sds across units: c1 sd = sqrt(4/3), so z1 = 100 -/+ 10 / sqrt(4/3) = 100 -/+ 5 sqrt(3);
  // likewise c2 (deviation 2, sd 2 sqrt(4/3)... = 4/sqrt(3)) and c3. Every z is 100 -/+ h, h = 5 sqrt 3.
  // BEL (+h, -h, +h): M = 100 + h/3; deviations 2h/3, -4h/3, 2h/3; sample S^2 = (4/9 + 16/9 + 4/9) h^2 / 2 = 4h^2/3.
  const double h = 5 * std::sqrt(3.0), m = 100 + h / 3, s2 = 4 * h * h / 3;
  check_column(agg(ag::mpi{-1, ag::sd_kind::sample}, X, equal), {100 - h, m - s2 / m, m - s2 / m, m - s2 / m});
}

BOOST_AUTO_TEST_CASE(mpi_missing_values_and_coverage) {
  // DNK lacks c2: c2's mean and sd come from AUT, BEL, CZE (0, 0, 4: mean 4/3, sd sqrt(32/9)).
  // DNK is scored on c1, c3: z = 110, 90 -> M 100, S 10, penalty 100/100 = 1 -> 99.
  // AUT: z2 = 100 - 10 (4/3)/sqrt(32/9) = 100 - 10/sqrt(2); with z1 = z3 = 90.
  const std::vector<column> cols = {{1, 3, 1, 3}, {0, 0, 4, NaN}, {5, 7, 7, 5}};
  const double z2 = 100 - 10 / std::sqrt(2.0), m = (180 + z2) / 3;
  const double s2 = (2 * (90 - m) * (90 - m) + (z2 - m) * (z2 - m)) / 3;
  const vector got = agg(ag::mpi{}, cols, equal);
  check_close(got[3], 99.0);
  check_close(got[0], m - s2 / m);
  check_column(agg(ag::mpi{}, cols, equal, 1.0).tail(1), {NaN});
}

BOOST_AUTO_TEST_CASE(mpi_constant_child_is_an_error) {
  const std::vector<column> cols = {{1, 3, 1, 3}, {2, 2, 2, 2}, {5, 7, 7, 5}};
  BOOST_CHECK_EXCEPTION(agg(ag::mpi{}, cols, equal), data_error, message_has({"Pillar", "c2", "same value"}));
  BOOST_CHECK_EXCEPTION(agg(ag::mpi{0, ag::sd_kind::population}, X, equal), spec_error, message_has({"Pillar", "penalty"}));
}

BOOST_AUTO_TEST_CASE(ampi_default_goalposts_by_hand) {
  // Goalposts mean -/+ (max - min)/2: c1 2 -/+ 1, c2 2 -/+ 2, c3 6 -/+ 1, so r = 70 + 60 (x - lo)/(2 delta):
  // c1 {70, 130, 70, 130}, c2 {70, 70, 130, 130}, c3 {70, 130, 130, 70}.
  // AUT: 70, 70, 70 -> 70. Others: two 130s and a 70 -> M 110, S^2 = (400 + 1600 + 400)/3 = 800,
  // penalty 800/110.
  aggregation_details d;
  check_column(agg(ag::ampi{}, X, equal, 0.0, &d), {70, 110 - 800.0 / 110, 110 - 800.0 / 110, 110 - 800.0 / 110});
  check_column(agg(ag::ampi{+1, NaN, NaN, ag::sd_kind::population}, X, equal), {70, 110 + 800.0 / 110, 110 + 800.0 / 110, 110 + 800.0 / 110});
  check_close(value_of(d.per_unit, "penalty", 2), 800.0 / 110);
  check_close(value_of(d.per_child, "lower_goalpost", 1), 0.0);
  check_close(value_of(d.per_child, "upper_goalpost", 2), 7.0);
}

BOOST_AUTO_TEST_CASE(ampi_fixed_goalposts) {
  // reference 4, range 4: goalposts 0..8, r = 70 + 60 x / 8 = 70 + 7.5 x.
  // AUT (1, 0, 5): 77.5, 70, 107.5 -> M 85; deviations -7.5, -15, 22.5; S^2 = (56.25 + 225 + 506.25)/3 = 262.5
  // -> 85 - 262.5/85. DNK (3, 4, 5): 92.5, 100, 107.5 -> M 100, S^2 = (56.25 + 0 + 56.25)/3 = 37.5 -> 100 - 0.375.
  const vector got = agg(ag::ampi{-1, 4.0, 4.0, ag::sd_kind::population}, X, equal);
  check_close(got[0], 85 - 262.5 / 85);
  check_close(got[3], 100 - 0.375);
  // Goalposts that do not contain the data: 2 -/+ 1 leaves AUT's 0 for c2 outside.
  BOOST_CHECK_EXCEPTION(agg(ag::ampi{-1, 2.0, 1.0, ag::sd_kind::population}, X, equal), data_error,
                        message_has({"Pillar", "AUT", "c2", "outside the goalposts"}));
  BOOST_CHECK_EXCEPTION(agg(ag::ampi{-1, 4.0, -1.0, ag::sd_kind::population}, X, equal), spec_error, message_has({"Pillar", "range"}));
}

// ---------------------------------------------------------------------------------------------
// TOPSIS

BOOST_AUTO_TEST_CASE(topsis_by_hand) {
  // weights 1, 1, 2 -> 0.25, 0.25, 0.5; ideal (3, 4, 7), anti-ideal (1, 0, 5).
  // AUT (1, 0, 5): d+ = sqrt(0.5^2 + 1^2 + 1^2) = 1.5, d- = 0 -> C 0.
  // BEL (3, 0, 7): d+ = sqrt(0 + 1 + 0) = 1, d- = sqrt(0.25 + 0 + 1) -> C = sqrt(1.25)/(1 + sqrt(1.25)).
  // CZE (1, 4, 7): d+ = 0.5, d- = sqrt(0 + 1 + 1) -> C = sqrt 2/(0.5 + sqrt 2).
  // DNK (3, 4, 5): d+ = 1, d- = sqrt(0.25 + 1) -> as BEL.
  const double b = std::sqrt(1.25) / (1 + std::sqrt(1.25)), c = std::sqrt(2.0) / (0.5 + std::sqrt(2.0));
  aggregation_details d;
  check_column(agg(ag::topsis{}, X, {1, 1, 2}, 0.0, &d), {0, 100 * b, 100 * c, 100 * b});
  check_column(agg(ag::topsis{false, 1.0, 10.0}, X, {1, 1, 2}), {1, 1 + 9 * b, 1 + 9 * c, 1 + 9 * b});
  check_close(value_of(d.per_unit, "distance_to_ideal", 0), 1.5);
  check_close(value_of(d.per_unit, "distance_to_anti_ideal", 2), std::sqrt(2.0));
  check_close(value_of(d.per_child, "ideal", 1), 4.0);
  check_close(value_of(d.per_child, "anti_ideal", 2), 5.0);
  check_close(value_of(d.per_child, "weight", 2), 0.5);
}

BOOST_AUTO_TEST_CASE(topsis_textbook_fighter_aircraft) {
  // Hwang and Yoon (1981), the fighter-aircraft example: 4 aircraft, 6 attributes (maximum speed,
  // ferry range, maximum payload, purchasing cost (a cost), reliability, maneuverability), weights
  // 0.2, 0.1, 0.1, 0.1, 0.2, 0.3, vector normalization. The cost is entered negated (as the
  // pipeline's direction -1 does); vector normalization divides by the norm of |x|, so the
  // distances are those of the textbook. Ranking A1 > A3 > A4 > A2 as published; the closeness
  // values (0.643, 0.268, 0.614, 0.312 to three decimals) were recomputed by the textbook steps
  // with numpy (as tests/python/test_aggregation_methods.py does), not read off the book's table.
  const codes planes = {"A1", "A2", "A3", "A4"}, attrs = {"speed", "range", "payload", "cost", "reliability", "maneuver"};
  const std::vector<column> cols = {{2.0, 2.5, 1.8, 2.2},         {1500, 2700, 2000, 1800}, {20000, 18000, 21000, 20000},
                                    {-5.5, -6.5, -4.5, -5.0},     {5, 3, 7, 5},             {9, 5, 7, 5}};
  children_view v;
  for (const auto& c : cols) v.columns.push_back(c.data());
  v.weights = {0.2, 0.1, 0.1, 0.1, 0.2, 0.3};
  vector out(4);
  aggregate_node(ag::topsis{true, 0.0, 1.0}, v, 4, 0.0, out.data(), "Aircraft", planes, attrs);
  check_column(out, {0.6432770006, 0.2683835677, 0.6135422900, 0.3122910656}, 1e-9);
  BOOST_TEST((out[0] > out[2] && out[2] > out[3] && out[3] > out[1]));  // A1 > A3 > A4 > A2
}

BOOST_AUTO_TEST_CASE(topsis_missing_values) {
  // DNK lacks c3: ideal/anti-ideal of c3 from AUT, BEL, CZE (7, 5) as before; DNK (3, 4):
  // d+ = sqrt(0 + 0) = 0, d- = sqrt(0.25 + 1) -> C = 1.
  const std::vector<column> cols = {{1, 3, 1, 3}, {0, 0, 4, 4}, {5, 7, 7, NaN}};
  check_column(agg(ag::topsis{}, cols, {1, 1, 2}), {0, 100 * std::sqrt(1.25) / (1 + std::sqrt(1.25)),
                                                    100 * std::sqrt(2.0) / (0.5 + std::sqrt(2.0)), 100});
  check_column(agg(ag::topsis{}, cols, {1, 1, 2}, 1.0).tail(1), {NaN});
  BOOST_CHECK_EXCEPTION(agg(ag::topsis{false, 5.0, 5.0}, X, equal), spec_error, message_has({"Pillar", "lower < upper"}));
}

// ---------------------------------------------------------------------------------------------
// Wroclaw taxonomy

BOOST_AUTO_TEST_CASE(wroclaw_by_hand) {
  // Population z-scores: c1 {-1, 1, -1, 1}, c2 {-1, -1, 1, 1}, c3 {-1, 1, 1, -1}; ideal (1, 1, 1).
  // d: AUT sqrt(4 + 4 + 4) = sqrt 12; BEL (1, -1, 1) -> 2; CZE (-1, 1, 1) -> 2; DNK (1, 1, -1) -> 2.
  // mean d = (sqrt 12 + 6)/4; population sd of d = sqrt(((sqrt 12 - mean)^2 + 3 (2 - mean)^2)/4);
  // d0 = mean + 2 sd; score = 1 - d/d0 on 0..100.
  const double r12 = std::sqrt(12.0), mean = (r12 + 6) / 4;
  const double sd = std::sqrt(((r12 - mean) * (r12 - mean) + 3 * (2 - mean) * (2 - mean)) / 4), d0 = mean + 2 * sd;
  aggregation_details d;
  check_column(agg(ag::wroclaw{}, X, equal, 0.0, &d), {100 * (1 - r12 / d0), 100 * (1 - 2 / d0), 100 * (1 - 2 / d0), 100 * (1 - 2 / d0)});
  check_close(scalar_of(d, "d0"), d0);
  check_close(value_of(d.per_unit, "distance", 0), r12);
  check_close(value_of(d.per_unit, "distance_ratio", 1), 2 / d0);  // Compind's ci_wroclaw value
  check_close(value_of(d.per_child, "ideal", 0), 1.0);
  // Equal weights of any size give the same scores; the sample convention changes the z's and d0.
  check_column(agg(ag::wroclaw{}, X, {2, 2, 2}), agg(ag::wroclaw{}, X, equal));
  // Sample: z = -/+ sqrt(3)/2 (sd sqrt(4/3) per unit of deviation); distances scale by sqrt(3)/2,
  // d0 too (mean + 2 sample sd): sample sd of d = population sd * sqrt(4/3).
  const double k = std::sqrt(3.0) / 2, d0s = k * (mean + 2 * sd * std::sqrt(4.0 / 3));
  check_column(agg(ag::wroclaw{ag::sd_kind::sample, 0.0, 1.0}, X, equal), {1 - k * r12 / d0s, 1 - 2 * k / d0s, 1 - 2 * k / d0s, 1 - 2 * k / d0s});
}

BOOST_AUTO_TEST_CASE(wroclaw_missing_values_and_weights) {
  // DNK lacks c3; c3's mean and sd come from AUT, BEL, CZE (5, 7, 7: mean 19/3, sd sqrt(8/9)).
  // DNK's distance: sqrt(3 * ((z1 - 1)^2 + (z2 - 1)^2)/2) = sqrt(3 * (0 + 0)/2) = 0 -> score 100.
  const std::vector<column> cols = {{1, 3, 1, 3}, {0, 0, 4, 4}, {5, 7, 7, NaN}};
  aggregation_details d;
  const vector got = agg(ag::wroclaw{}, cols, equal, 0.0, &d);
  check_close(got[3], 100.0);
  check_close(value_of(d.per_child, "mean", 2), 19.0 / 3);
  check_column(agg(ag::wroclaw{}, cols, equal, 1.0).tail(1), {NaN});
  // Weights 2, 1, 1 (normalized 1/2, 1/4, 1/4): AUT d = sqrt(3 (0.5 * 4 + 0.25 * 4 + 0.25 * 4)) = sqrt 12 again,
  // BEL (z 1, -1, 1): sqrt(3 * 0.25 * 4) = sqrt 3; CZE (-1, 1, 1): sqrt(3 * 0.5 * 4) = sqrt 6; DNK (1, 1, -1): sqrt 3.
  aggregation_details dw;
  agg(ag::wroclaw{}, X, {2, 1, 1}, 0.0, &dw);
  check_close(value_of(dw.per_unit, "distance", 0), std::sqrt(12.0));
  check_close(value_of(dw.per_unit, "distance", 1), std::sqrt(3.0));
  check_close(value_of(dw.per_unit, "distance", 2), std::sqrt(6.0));
  const std::vector<column> constant = {{1, 3, 1, 3}, {2, 2, 2, 2}, {5, 7, 7, 5}};
  BOOST_CHECK_EXCEPTION(agg(ag::wroclaw{}, constant, equal), data_error, message_has({"Pillar", "c2"}));
}

// ---------------------------------------------------------------------------------------------
// Names, the pipeline, uncertainty analysis

BOOST_AUTO_TEST_CASE(names_round_trip) {
  for (const char* n : {"owa", "mean_min", "mpi", "ampi", "topsis", "wroclaw"}) BOOST_TEST(ag::name(ag::from_name(n)) == n);
}

namespace {
struct small_index {
  framework fw;
  dataset data;
  small_index() : fw(nodes()), data(unit_codes(), values()) {}
  static std::vector<node> nodes() {
    std::vector<node> n{{"I", ""}};
    for (int p = 0; p < 3; ++p) n.push_back({"P" + std::to_string(p), "I"});
    for (int j = 0; j < 9; ++j) n.push_back({"x" + std::to_string(j), "P" + std::to_string(j / 3)});
    return n;
  }
  static codes unit_codes() {
    codes u;
    for (int i = 0; i < 14; ++i) u.push_back("u" + std::to_string(i));
    return u;
  }
  static matrix values() {
    std::mt19937_64 g(11);
    std::lognormal_distribution<double> ln(0.0, 1.0);
    matrix v(14, 9);
    for (int i = 0; i < 14; ++i)
      for (int j = 0; j < 9; ++j) v(i, j) = ln(g);
    return v;
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(pipeline_collects_details_per_node) {
  small_index s;
  pipeline_spec spec;
  spec.aggregation_by_node["P0"] = ag::mpi{};
  spec.aggregation_by_node["P1"] = ag::owa{0.2, {}};
  spec.aggregation_by_node["I"] = ag::topsis{};
  const auto r = build(s.fw, s.data, spec);
  BOOST_TEST_REQUIRE(r.node_details.size() == 3u);
  std::vector<std::string> seen;
  for (const auto& d : r.node_details) seen.push_back(d.node + ":" + d.method);
  BOOST_TEST((seen == std::vector<std::string>{"P0:mpi", "P1:owa", "I:topsis"}));
  check_close(scalar_of(r.node_details[1], "orness"), 0.2, 1e-9);
}

BOOST_AUTO_TEST_CASE(bad_parameters_fail_when_the_plan_is_made) {
  small_index s;
  pipeline_spec spec;
  spec.aggregation_by_node["P1"] = ag::owa{0.5, {0.6, 0.3}};
  BOOST_CHECK_EXCEPTION(plan(s.fw, spec), spec_error, message_has({"node 'P1'", "sum to 1"}));
  spec.aggregation_by_node["P1"] = ag::mean_min{-0.5, 1.0};
  BOOST_CHECK_EXCEPTION(plan(s.fw, spec), spec_error, message_has({"node 'P1'", "alpha"}));
  // ... and when an uncertainty factor is resolved, before any replication.
  std::vector<uncertainty::factor> f{uncertainty::aggregation_factor{"aggregation", {ag::arithmetic_mean{}, ag::ampi{-1, 0.0, 0.0}}, {"P2"}, 0}};
  BOOST_CHECK_EXCEPTION(uncertainty::engine(s.fw, s.data, pipeline_spec{}, f), spec_error, message_has({"node 'P2'", "range"}));
}

BOOST_AUTO_TEST_CASE(uncertainty_thread_invariance) {
  small_index s;
  pipeline_spec spec;
  spec.output_range = {1, 100};
  uncertainty::options o;
  o.n = 120;
  o.seed = 5;
  std::vector<uncertainty::factor> f{
      uncertainty::weights_factor{},
      uncertainty::aggregation_factor{"aggregation",
                                      {ag::owa{0.3, {}}, ag::mean_min{0.5, 10.0}, ag::mpi{}, ag::ampi{}, ag::topsis{}, ag::wroclaw{}},
                                      {},
                                      0}};
  o.threads = 1;
  const auto a = uncertainty::uncertainty_analysis(s.fw, s.data, spec, f, o);
  o.threads = 2;
  const auto b = uncertainty::uncertainty_analysis(s.fw, s.data, spec, f, o);
  BOOST_TEST(a.runs.failures.empty());
  BOOST_TEST((a.runs.scores.array() == b.runs.scores.array()).all());
  BOOST_TEST((a.runs.inputs.array() == b.runs.inputs.array()).all());
}

BOOST_AUTO_TEST_SUITE_END()
