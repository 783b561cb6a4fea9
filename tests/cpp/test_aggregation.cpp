// Aggregation of a node's children against hand-computed weighted means and Copeland scores.

#include <boost/test/unit_test.hpp>

#include <compindex/aggregation.hpp>

#include "kernel_test_helpers.hpp"

#include <cmath>
#include <string>
#include <vector>

using namespace compindex;
namespace ag = compindex::aggregation;
using kernel_test::check_column;
using kernel_test::message_has;
using kernel_test::NaN;
using kernel_test::vec;

namespace {

using column = std::vector<double>;
const codes units = {"AUT", "BEL", "CZE", "DNK"};
const codes children = {"c1", "c2", "c3"};

// Aggregates children (one column each, all the same length) with the given weights.
vector agg(const ag::method& m, const std::vector<column>& cols, const std::vector<double>& weights, double coverage = 0.0) {
  children_view v;
  for (const auto& c : cols) v.columns.push_back(c.data());
  v.weights = weights;
  const index_t n = static_cast<index_t>(cols.front().size());
  vector out(n);
  aggregate_node(m, v, n, coverage, out.data(), "Pillar", units, children);
  return out;
}

const ag::method arithmetic = ag::arithmetic_mean{}, geometric = ag::geometric_mean{}, harmonic = ag::harmonic_mean{};
const ag::method all_means[] = {arithmetic, geometric, harmonic, ag::generalized_mean{2.0}, ag::generalized_mean{-1.0},
                                ag::generalized_mean{0.0}, ag::generalized_mean{0.5}};

}  // namespace

BOOST_AUTO_TEST_SUITE(aggregation)

BOOST_AUTO_TEST_CASE(weighted_means_by_hand) {
  const std::vector<column> cols = {{1, 4, 3}, {8, 2, 3}};
  const std::vector<double> w = {1, 2};
  // arithmetic: (1*1 + 2*8)/3 = 17/3; (4 + 2*2)/3 = 8/3; (3 + 6)/3 = 3
  check_column(agg(arithmetic, cols, w), {17.0 / 3, 8.0 / 3, 3});
  // geometric: (1 * 8^2)^(1/3) = 64^(1/3) = 4; (4 * 2^2)^(1/3) = 16^(1/3); 3
  check_column(agg(geometric, cols, w), {4, std::cbrt(16.0), 3});
  // harmonic: 3/(1/1 + 2/8) = 3/1.25 = 2.4; 3/(1/4 + 2/2) = 3/1.25 = 2.4; 3/(1/3 + 2/3) = 3
  check_column(agg(harmonic, cols, w), {2.4, 2.4, 3});
  // generalized p = 2: sqrt((1 + 2*64)/3) = sqrt(43); sqrt((16 + 2*4)/3) = sqrt(8); 3
  check_column(agg(ag::generalized_mean{2.0}, cols, w), {std::sqrt(43.0), std::sqrt(8.0), 3});
  // generalized p = 0.5: ((1 + 2 sqrt 8)/3)^2; ((2 + 2 sqrt 2)/3)^2
  const double r8 = std::sqrt(8.0), r2 = std::sqrt(2.0);
  check_column(agg(ag::generalized_mean{0.5}, cols, w),
               {std::pow((1 + 2 * r8) / 3, 2), std::pow((2 + 2 * r2) / 3, 2), 3});
  // generalized p = 1 is arithmetic
  check_column(agg(ag::generalized_mean{1.0}, cols, w), {17.0 / 3, 8.0 / 3, 3});
}

BOOST_AUTO_TEST_CASE(generalized_limits) {
  const std::vector<column> cols = {{1, 4, 0.5}, {8, 2, 7}, {3, 3, 3}};
  const std::vector<double> w = {1, 2, 0.5};
  check_column(agg(ag::generalized_mean{-1.0}, cols, w), agg(harmonic, cols, w));
  check_column(agg(ag::generalized_mean{0.0}, cols, w), agg(geometric, cols, w));
  // unit 0, harmonic by hand: 3.5/(1/1 + 2/8 + 0.5/3) = 3.5/(17/12) = 42/17
  BOOST_TEST(agg(ag::generalized_mean{-1.0}, cols, w)[0] == 42.0 / 17, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(missing_children_renormalize) {
  // weights {1, 1, 2}
  //   unit 0: all present: (1 + 3 + 2*5)/4 = 3.5
  //   unit 1: c1 missing: (8 + 2*2)/3 = 4
  //   unit 2: only c3: 6
  //   unit 3: nothing: NaN
  const std::vector<column> cols = {{1, NaN, NaN, NaN}, {3, 8, NaN, NaN}, {5, 2, 6, NaN}};
  const std::vector<double> w = {1, 1, 2};
  check_column(agg(arithmetic, cols, w), {3.5, 4, 6, NaN});
  // geometric, unit 1: (8 * 2^2)^(1/3) = 32^(1/3)
  check_column(agg(geometric, cols, w), {std::pow(1.0 * 3 * 25, 0.25), std::cbrt(32.0), 6, NaN});
  // harmonic, unit 1: 3/(1/8 + 2/2) = 3/1.125 = 8/3
  check_column(agg(harmonic, cols, w), {4.0 / (1 + 1.0 / 3 + 2.0 / 5), 8.0 / 3, 6, NaN});
}

BOOST_AUTO_TEST_CASE(coverage_threshold) {
  // 3 children: unit 0 has 3, unit 1 has 2, unit 2 has 1
  const std::vector<column> cols = {{1, NaN, NaN}, {3, 8, NaN}, {5, 2, 6}};
  const std::vector<double> w = {1, 1, 1};
  check_column(agg(arithmetic, cols, w, 2.0 / 3), {3, 5, NaN});  // 2 of 3 meets 2/3; 1 of 3 does not
  check_column(agg(arithmetic, cols, w, 0.5), {3, 5, NaN});      // 1/3 < 0.5
  check_column(agg(arithmetic, cols, w, 1.0), {3, NaN, NaN});
  check_column(agg(arithmetic, cols, w, 0.0), {3, 5, 6});
  check_column(agg(geometric, cols, w, 2.0 / 3), {std::cbrt(15.0), 4, NaN});  // sqrt(8*2) = 4
}

BOOST_AUTO_TEST_CASE(domain_errors_name_node_unit_child) {
  const std::vector<column> zero = {{1, 2, 3}, {4, 0, 6}};  // BEL has 0 for c2
  const std::vector<column> negative = {{1, 2, -3}, {4, 5, 6}};  // CZE has -3 for c1
  const std::vector<double> w = {1, 1};
  const auto names = [](const char* unit, const char* child) { return message_has({"Pillar", unit, child}); };
  BOOST_CHECK_EXCEPTION(agg(geometric, zero, w), data_error, names("BEL", "c2"));
  BOOST_CHECK_EXCEPTION(agg(harmonic, zero, w), data_error, names("BEL", "c2"));
  BOOST_CHECK_EXCEPTION(agg(geometric, negative, w), data_error, names("CZE", "c1"));
  BOOST_CHECK_EXCEPTION(agg(harmonic, negative, w), data_error, names("CZE", "c1"));
  BOOST_CHECK_EXCEPTION(agg(ag::generalized_mean{-1.0}, zero, w), data_error, names("BEL", "c2"));
  BOOST_CHECK_EXCEPTION(agg(ag::generalized_mean{0.0}, zero, w), data_error, names("BEL", "c2"));
  BOOST_CHECK_EXCEPTION(agg(ag::generalized_mean{2.0}, negative, w), data_error, names("CZE", "c1"));
  // p > 0 accepts zero: sqrt((1 + 16)/2), BEL sqrt((4 + 0)/2), sqrt((9 + 36)/2)
  check_column(agg(ag::generalized_mean{2.0}, zero, w), {std::sqrt(17.0 / 2), std::sqrt(4.0 / 2), std::sqrt(45.0 / 2)});
  // arithmetic has no domain
  check_column(agg(arithmetic, negative, w), {2.5, 3.5, 1.5});
}

BOOST_AUTO_TEST_CASE(zero_weight_child_ignored) {
  // c3 has weight 0: its values (even 0 or -5, outside the geometric domain) change nothing
  const std::vector<column> two = {{1, 4}, {9, 1}};
  const std::vector<column> three = {{1, 4}, {9, 1}, {0, -5}};
  for (const auto& m : all_means) {
    BOOST_TEST_CONTEXT(ag::name(m)) { check_column(agg(m, three, {1, 1, 0}), agg(m, two, {1, 1})); }
  }
  check_column(agg(geometric, three, {1, 1, 0}), {3, 2});  // sqrt(1*9) = 3, sqrt(4*1) = 2
  // A zero-weight child is excluded, not missing: coverage 1 is met by the two weighted children
  // even where the excluded one has no value.
  const std::vector<column> gap = {{1, 4}, {9, 1}, {NaN, NaN}};
  children_view v;
  for (const auto& c : gap) v.columns.push_back(c.data());
  v.weights = {1, 1, 0};
  std::vector<double> out(2);
  aggregate_node(arithmetic, v, 2, 1.0, out.data(), "P", {"u1", "u2"}, {"c1", "c2", "c3"});
  BOOST_TEST(out[0] == 5.0);  // (1 + 9)/2
  BOOST_TEST(out[1] == 2.5);  // (4 + 1)/2
}

BOOST_AUTO_TEST_CASE(identical_children_give_the_child) {
  const column c = {0.5, 2, 7, NaN};
  for (const auto& m : all_means) {
    BOOST_TEST_CONTEXT(ag::name(m)) { check_column(agg(m, {c, c, c}, {1, 2, 3}), vec(c)); }
  }
}

BOOST_AUTO_TEST_CASE(weight_scale_invariance) {
  const std::vector<column> cols = {{1, 4, 0.5, NaN}, {8, 2, 7, 3}, {3, NaN, 3, 5}};
  const std::vector<double> w = {1, 2, 0.5}, w10 = {10.5, 21, 5.25};
  for (const auto& m : all_means) {
    BOOST_TEST_CONTEXT(ag::name(m)) { check_column(agg(m, cols, w10), agg(m, cols, w)); }
  }
  check_column(agg(ag::copeland{}, cols, w10), agg(ag::copeland{}, cols, w));
}

BOOST_AUTO_TEST_CASE(copeland_by_hand) {
  // weights c1 = 2, c2 = 1, c3 = 1 (total 4); j beats k when its weighted win share > 1/2
  //          c1 c2 c3
  //   AUT     4  1  3
  //   BEL     3  3  1
  //   CZE     2  3  2
  //   DNK     1  4  2
  // AUT-BEL: c1 2 + c3 1 = 3/4 -> AUT      AUT-CZE: 2 + 1 = 3/4 -> AUT     AUT-DNK: 2 + 1 = 3/4 -> AUT
  // BEL-CZE: c1 2 + c2 tie 0.5 = 2.5/4 -> BEL     BEL-DNK: c1 2 = 2/4 -> tie
  // CZE-DNK: c1 2 + c3 tie 0.5 = 2.5/4 -> CZE
  // scores (wins - losses): AUT 3-0 = 3; BEL 1-1 = 0; CZE 1-2 = -1; DNK 0-2 = -2
  const std::vector<column> cols = {{4, 3, 2, 1}, {1, 3, 3, 4}, {3, 1, 2, 2}};
  check_column(agg(ag::copeland{}, cols, {2, 1, 1}), {3, 0, -1, -2});
  // with equal weights BEL-CZE becomes 1 + 0.5 = 1.5/3 = 1/2 -> tie; AUT-BEL 2/3 AUT; BEL-DNK 1/3 -> DNK;
  // CZE-DNK 1 + 0.5 = 1.5/3 -> tie; AUT-CZE 2/3, AUT-DNK 2/3 -> AUT
  // AUT 3; BEL 0-2 = -2 (loses AUT, DNK); CZE 0-1 = -1; DNK 1-1 = 0
  check_column(agg(ag::copeland{}, cols, {1, 1, 1}), {3, -2, -1, 0});
}

BOOST_AUTO_TEST_CASE(copeland_exact_ties_whatever_the_rounding) {
  // Weights 0.1, 0.2, 0.3: A is better on c1 and c2 (0.1 + 0.2), B on c3 (0.3), an exact tie
  // (share 1/2) in both orders, though 0.1 + 0.2 != 0.3 in floating point. Both score 0.
  check_column(agg(ag::copeland{}, {{1, 0}, {1, 0}, {0, 1}}, {0.1, 0.2, 0.3}), {0, 0});
  check_column(agg(ag::copeland{}, {{0, 1}, {0, 1}, {1, 0}}, {0.1, 0.2, 0.3}), {0, 0});
  // A tie on c2 counts half to each: A better on c1 (0.1 + 0.1 of the tie), B on c3 (0.3):
  // B wins 0.3 + 0.1 = 0.4 of 0.6.
  check_column(agg(ag::copeland{}, {{1, 0}, {5, 5}, {0, 1}}, {0.1, 0.2, 0.3}), {-1, 1});
}

BOOST_AUTO_TEST_CASE(copeland_missing_values) {
  // DNK lacks c1, so its pairs compare on c2 (w 1) and c3 (w 1) only:
  //   AUT-DNK: c3 3 > 2 -> 1/2 -> tie;  BEL-DNK: 0/2 -> DNK;  CZE-DNK: c3 tie 0.5/2 -> DNK
  //   other pairs as in copeland_by_hand: AUT beats BEL, CZE; BEL beats CZE
  // AUT 2-0 = 2; BEL 1-2 = -1; CZE 0-3 = -3; DNK 2-0 = 2
  const std::vector<column> cols = {{4, 3, 2, NaN}, {1, 3, 3, 4}, {3, 1, 2, 2}};
  check_column(agg(ag::copeland{}, cols, {2, 1, 1}), {2, -1, -3, 2});
  // coverage 1: DNK is left out and unranked: AUT 2, BEL 1-1 = 0, CZE -2
  check_column(agg(ag::copeland{}, cols, {2, 1, 1}, 1.0), {2, 0, -2, NaN});
}

BOOST_AUTO_TEST_CASE(names) {
  for (const char* n : {"arithmetic_mean", "geometric_mean", "harmonic_mean", "generalized_mean", "copeland"})
    BOOST_TEST(ag::name(ag::from_name(n)) == std::string(n));
  BOOST_TEST(std::get<ag::generalized_mean>(ag::from_name("generalized_mean", 3.0)).p == 3.0);
  BOOST_CHECK_THROW(ag::from_name("generalized_mean", std::nan("")), spec_error);
  BOOST_CHECK_THROW(ag::from_name("generalized_mean", INFINITY), spec_error);
  BOOST_CHECK_EXCEPTION(ag::from_name("median"), spec_error, message_has({"median"}));
}

BOOST_AUTO_TEST_CASE(many_children_every_mean_matches_its_formula) {
  // Nine children (summed four at a time), one of them with zero weight, over 3000 rows (two
  // row blocks), with missing values: every power mean against its definition, the sums over
  // the children present, f^-1(sum w f(x) / sum w), in the same order.
  const std::size_t k = 9;
  const index_t n = 3000;
  std::vector<column> cols(k, column(static_cast<std::size_t>(n)));
  for (std::size_t c = 0; c < k; ++c)
    for (index_t i = 0; i < n; ++i)
      cols[c][static_cast<std::size_t>(i)] = (i * 7 + static_cast<index_t>(c) * 13) % 23 == 0 ? NaN : 1.0 + static_cast<double>((i * 31 + static_cast<index_t>(c) * 17) % 97);
  const std::vector<double> w = {1, 2, 0.5, 0, 3, 1, 1, 2.5, 0.25};
  codes u;
  for (index_t i = 0; i < n; ++i) u.push_back("u" + std::to_string(i));
  const codes ch = {"a", "b", "c", "d", "e", "f", "g", "h", "i"};
  auto f = [](double p, double x) { return p == 0.0 ? std::log(x) : std::pow(x, p); };
  auto finv = [](double p, double m) { return p == 0.0 ? std::exp(m) : std::pow(m, 1.0 / p); };
  for (const double p : {1.0, 0.0, -1.0, 2.0}) {
    const ag::method m = p == 1.0 ? ag::method(ag::arithmetic_mean{}) : ag::method(ag::generalized_mean{p});
    children_view v;
    for (const auto& c : cols) v.columns.push_back(c.data());
    v.weights = w;
    vector out(n);
    aggregate_node(m, v, n, 0.0, out.data(), "P", u, ch);
    int wrong = 0;
    for (index_t i = 0; i < n; ++i) {
      double s = 0.0, sw = 0.0;
      for (std::size_t c = 0; c < k; ++c) {
        const double x = cols[c][static_cast<std::size_t>(i)];
        if (w[c] == 0.0 || std::isnan(x)) continue;
        s += w[c] * f(p, x);
        sw += w[c];
      }
      const double want = finv(p, s / sw);
      wrong += !(std::abs(out[i] - want) <= 1e-12 * std::abs(want));
    }
    BOOST_TEST(wrong == 0, "p = " << p);
  }
}

BOOST_AUTO_TEST_SUITE_END()
