// Weights from data (equal, PCA, factor analysis, entropy, CRITIC) and the objective of optimized
// weights, against values computed by hand in the comments.
#include <boost/test/unit_test.hpp>

#include <compindex/weighting.hpp>

#include "kernel_test_helpers.hpp"

#include <cmath>
#include <string>
#include <vector>

using namespace compindex;
namespace wt = compindex::weighting;
using kernel_test::check_close;
using kernel_test::check_column;
using kernel_test::message_has;
using kernel_test::NaN;

namespace {

// P (root) with children a, b, c; a second aggregate Q with children d, e sits under P too in
// `two_level`.
framework one_node() {
  return framework({{"P", "", 1.0}, {"a", "P", 2.0}, {"b", "P", 1.0}, {"c", "P", 1.0}});
}

const codes units = {"AUT", "BEL", "CZE", "DNK"};

// units x nodes (P, a, b, c); P's own column is not used by the methods.
matrix values(const std::vector<double>& a, const std::vector<double>& b, const std::vector<double>& c) {
  matrix x(4, 4);
  for (index_t i = 0; i < 4; ++i) {
    x(i, 0) = NaN;
    x(i, 1) = a[static_cast<std::size_t>(i)];
    x(i, 2) = b[static_cast<std::size_t>(i)];
    x(i, 3) = c[static_cast<std::size_t>(i)];
  }
  return x;
}

double per_child(const wt::node_diagnostics& d, const std::string& name, index_t j) {
  for (const auto& [n, v] : d.per_child)
    if (n == name) return v[j];
  BOOST_FAIL("no per-child value " + name);
  return NaN;
}

double scalar(const wt::node_diagnostics& d, const std::string& name) {
  for (const auto& [n, v] : d.scalars)
    if (n == name) return v;
  BOOST_FAIL("no scalar " + name);
  return NaN;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(weighting)

BOOST_AUTO_TEST_CASE(names_and_equal_weights) {
  BOOST_TEST(wt::name(wt::method{wt::factor_analysis{}}) == "factor_analysis");
  BOOST_TEST(wt::name(wt::method{wt::critic{}}) == "critic");
  BOOST_CHECK_THROW(wt::pca_rule_from_name("cubed"), spec_error);
  const auto fw = one_node();
  // Equal weights need no data: a's nominal 2 becomes 1/3 like the others; P keeps its weight 1.
  const auto r = wt::derive_weights(fw, matrix::Constant(4, 4, NaN), wt::equal{});
  check_column(r.weights, {1.0, 1.0 / 3, 1.0 / 3, 1.0 / 3});
  BOOST_TEST(r.diagnostics.size() == 1u);
  BOOST_TEST(r.diagnostics[0].node == "P");
}

BOOST_AUTO_TEST_CASE(entropy_with_a_zero_cell) {
  // a = 1 2 3 4: p = .1 .2 .3 .4, e_a = -(.1 ln .1 + .2 ln .2 + .3 ln .3 + .4 ln .4) / ln 4.
  // b = 0 1 1 2: p = 0 .25 .25 .5 (0 ln 0 = 0), H = 2 (.25 ln 4) + .5 ln 2 = 1.5 ln 2, e_b = 1.5 ln 2 / (2 ln 2) = 0.75.
  // c = 2 2 2 4: p = .2 .2 .2 .4, e_c = -(3 (.2 ln .2) + .4 ln .4) / ln 4.
  // d = 1 - e, w = d / sum d.
  const double ea = -(0.1 * std::log(0.1) + 0.2 * std::log(0.2) + 0.3 * std::log(0.3) + 0.4 * std::log(0.4)) / std::log(4.0);
  const double eb = 0.75;
  const double ec = -(3 * 0.2 * std::log(0.2) + 0.4 * std::log(0.4)) / std::log(4.0);
  const double s = (1 - ea) + (1 - eb) + (1 - ec);
  const auto r = wt::derive_weights(one_node(), values({1, 2, 3, 4}, {0, 1, 1, 2}, {2, 2, 2, 4}), wt::entropy{});
  check_column(r.weights, {1.0, (1 - ea) / s, (1 - eb) / s, (1 - ec) / s}, 1e-12);
  const auto& d = r.diagnostics[0];
  check_close(per_child(d, "entropy", 1), 0.75);
  check_close(per_child(d, "divergence", 1), 0.25);
  // Numerically: e_a = 0.923221, weights 0.20989 0.68340 0.10671.
  check_close(r.weights[1], 0.20989, 1e-4);
  check_close(r.weights[2], 0.68340, 1e-4);
}

BOOST_AUTO_TEST_CASE(entropy_with_missing_values_uses_available_units) {
  // c = 2 NaN 2 4: its 3 available units, p = .25 .25 .5, H = 1.5 ln 2, e_c = 1.5 ln 2 / ln 3.
  // a and b as in entropy_with_a_zero_cell (all 4 units).
  const double ea = -(0.1 * std::log(0.1) + 0.2 * std::log(0.2) + 0.3 * std::log(0.3) + 0.4 * std::log(0.4)) / std::log(4.0);
  const double eb = 0.75;
  const double ec = 1.5 * std::log(2.0) / std::log(3.0);
  const double s = (1 - ea) + (1 - eb) + (1 - ec);
  const auto r = wt::derive_weights(one_node(), values({1, 2, 3, 4}, {0, 1, 1, 2}, {2, NaN, 2, 4}), wt::entropy{});
  check_column(r.weights.tail(3), {(1 - ea) / s, (1 - eb) / s, (1 - ec) / s}, 1e-12);
  const auto& d = r.diagnostics[0];
  check_close(per_child(d, "n_units", 2), 3.0);
  check_close(per_child(d, "n_units", 0), 4.0);
  BOOST_TEST(d.n_units == 3);  // units with every child
  BOOST_TEST(d.n_dropped == 1);
}

BOOST_AUTO_TEST_CASE(entropy_errors_name_node_child_and_unit) {
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, 2, 3, 4}, {0, -1, 1, 2}, {2, 2, 2, 4}), wt::entropy{}, {}, units),
                        data_error, (message_has{"entropy", "node 'P'", "child 'b'", "unit 'BEL'", "negative"}));
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, 2, 3, 4}, {0, 1, 1, 2}, {2, 2, 2, 2}), wt::entropy{}),
                        data_error, (message_has{"node 'P'", "child 'c'", "constant"}));
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, 2, 3, 4}, {0, 0, 0, 0}, {2, 2, 2, 4}), wt::entropy{}),
                        data_error, (message_has{"child 'b'", "constant"}));
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, NaN, NaN, 4}, {0, 1, 1, 2}, {2, 2, 2, 4}), wt::entropy{}),
                        data_error, (message_has{"child 'a'", "at least 3"}));
  BOOST_CHECK_EXCEPTION(
      wt::derive_weights(one_node(), values({1, 2, 3, INFINITY}, {0, 1, 1, 2}, {2, 2, 2, 4}), wt::entropy{}, {}, units),
      data_error, (message_has{"child 'a'", "unit 'DNK'", "infinite"}));
}

BOOST_AUTO_TEST_CASE(critic_with_perfectly_correlated_children) {
  // a = 1 2 3 4 and b = 2 4 6 8 are perfectly correlated (r_ab = 1); c = 4 1 3 2.
  // Min-max normalized: a' = b' = 0 1/3 2/3 1, c' = 1 0 2/3 1/3 (the same values, permuted), so
  // s_a = s_b = s_c = sqrt(((.5)^2 + (1/6)^2 + (1/6)^2 + (.5)^2) / 3) = sqrt(5/27).
  // r_ac = r_bc: centered a -1.5 -.5 .5 1.5, centered c 1.5 -1.5 .5 -.5, sum of products -2,
  // sums of squares 5 and 5: r = -2/5 = -0.4.
  // Conflict sums: a: (1 - 1) + (1 + 0.4) = 1.4; b: 1.4; c: 1.4 + 1.4 = 2.8.
  // C = s * conflict: 1.4 s, 1.4 s, 2.8 s -> w = .25 .25 .5.
  const auto r = wt::derive_weights(one_node(), values({1, 2, 3, 4}, {2, 4, 6, 8}, {4, 1, 3, 2}), wt::critic{});
  check_column(r.weights.tail(3), {0.25, 0.25, 0.5}, 1e-12);
  const auto& d = r.diagnostics[0];
  check_close(per_child(d, "conflict", 0), 1.4, 1e-12);
  check_close(per_child(d, "conflict", 1), 1.4, 1e-12);
  check_close(per_child(d, "conflict", 2), 2.8, 1e-12);
  check_close(per_child(d, "sd", 2), std::sqrt(5.0 / 27.0), 1e-12);
  // Listwise: a fifth unit missing c is dropped, and counted.
  matrix x(5, 4);
  x.topRows(4) = values({1, 2, 3, 4}, {2, 4, 6, 8}, {4, 1, 3, 2});
  x.row(4) << NaN, 10, 0, NaN;
  const auto r5 = wt::derive_weights(one_node(), x, wt::critic{});
  check_column(r5.weights.tail(3), {0.25, 0.25, 0.5}, 1e-12);
  BOOST_TEST(r5.diagnostics[0].n_units == 4);
  BOOST_TEST(r5.diagnostics[0].n_dropped == 1);
  // Every child perfectly correlated: no conflict at all.
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, 2, 3, 4}, {2, 4, 6, 8}, {3, 4, 5, 6}), wt::critic{}),
                        data_error, (message_has{"node 'P'", "perfectly correlated"}));
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, 2, 3, 4}, {2, 4, 6, 8}, {3, 3, 3, 3}), wt::critic{}),
                        data_error, (message_has{"critic", "node 'P'", "child 'c'", "constant"}));
}

BOOST_AUTO_TEST_CASE(pca_by_hand) {
  // a = 1 2 3 4, b = 1 3 2 4, c = 2 0 0 2. Centered: a -1.5 -.5 .5 1.5, b -1.5 .5 -.5 1.5,
  // c 1 -1 -1 1. a.b = 2.25 - .25 - .25 + 2.25 = 4, |a|^2 = |b|^2 = 5: r_ab = 0.8; a.c = b.c = 0.
  // R = [[1 .8 0] [.8 1 0] [0 0 1]]: eigenvalues 1.8 (vector (1 1 0)/sqrt 2), 1 (0 0 1), 0.2.
  // Weights: loadings 1/sqrt2 1/sqrt2 0, normalized: .5 .5 0; explained variance 1.8/3 = 0.6.
  const auto r = wt::derive_weights(one_node(), values({1, 2, 3, 4}, {1, 3, 2, 4}, {2, 0, 0, 2}), wt::pca{});
  check_column(r.weights.tail(3), {0.5, 0.5, 0.0}, 1e-12);
  const auto& d = r.diagnostics[0];
  check_column(d.eigenvalues, {1.8, 1.0, 0.2}, 1e-12);
  check_close(scalar(d, "explained_variance"), 0.6, 1e-12);
  check_close(per_child(d, "loading", 0), 1.0 / std::sqrt(2.0), 1e-12);
  // Factor analysis keeps the one component with eigenvalue > 1 when it explains enough (1.8/3
  // = 60% >= 50%): no rotation, weights the squared loadings .5 .5 0.
  const auto f = wt::derive_weights(one_node(), values({1, 2, 3, 4}, {1, 3, 2, 4}, {2, 0, 0, 2}), wt::factor_analysis{1.0, 0.5});
  check_column(f.weights.tail(3), {0.5, 0.5, 0.0}, 1e-12);
  check_close(scalar(f.diagnostics[0], "n_factors"), 1.0);
}

BOOST_AUTO_TEST_CASE(pca_negative_loading) {
  // c = 4 3 2 1 is a reversed: r_ac = -1, r_bc = -0.8, r_ab = 0.8. R = [[1 .8 -1] [.8 1 -.8] [-1 -.8 1]].
  // With y = (1, t, -1): R y = (2 + .8t, 1.6 + t, -(2 + .8t)), so 1.6 + t = t (2 + .8t), i.e.
  // .8 t^2 + t - 1.6 = 0, t = (-1 + sqrt(1 + 5.12)) / 1.6 = 0.92116; eigenvalue 2 + .8 t = 2.73693.
  // The loadings (1, t, -1)/norm sum positive, so c's loading is negative: an error by default;
  // rule=absolute weights |l|: (1, t, 1)/(2 + t); rule=squared: (1, t^2, 1)/(2 + t^2).
  const auto x = values({1, 2, 3, 4}, {1, 3, 2, 4}, {4, 3, 2, 1});
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), x, wt::pca{}), data_error,
                        (message_has{"pca", "node 'P'", "child 'c'", "negative loading"}));
  const double t = (-1 + std::sqrt(6.12)) / 1.6;
  const auto ab = wt::derive_weights(one_node(), x, wt::pca{wt::pca_rule::absolute});
  check_column(ab.weights.tail(3), {1 / (2 + t), t / (2 + t), 1 / (2 + t)}, 1e-10);
  check_close(ab.diagnostics[0].eigenvalues[0], 2 + 0.8 * t, 1e-10);
  BOOST_TEST(ab.diagnostics[0].warnings.size() == 1u);
  BOOST_TEST(ab.diagnostics[0].warnings[0].find("child 'c'") != std::string::npos);
  const auto sq = wt::derive_weights(one_node(), x, wt::pca{wt::pca_rule::squared});
  check_column(sq.weights.tail(3), {1 / (2 + t * t), t * t / (2 + t * t), 1 / (2 + t * t)}, 1e-10);
}

BOOST_AUTO_TEST_CASE(pca_errors) {
  // Fewer than 3 complete units (listwise: rows 2 and 3 each miss a child).
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, NaN, 3, 4}, {1, 3, NaN, 4}, {2, 0, 0, 2}), wt::pca{}),
                        data_error, (message_has{"pca", "node 'P'", "at least 3 units", "got 2"}));
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, 2, 3, 4}, {5, 5, 5, 5}, {2, 0, 0, 2}), wt::factor_analysis{}),
                        data_error, (message_has{"factor_analysis", "node 'P'", "child 'b'", "constant"}));
  // Unknown node, an indicator, a wrong shape.
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, 2, 3, 4}, {1, 3, 2, 4}, {2, 0, 0, 2}), wt::pca{}, {"Z"}),
                        spec_error, (message_has{"Z"}));
  BOOST_CHECK_EXCEPTION(wt::derive_weights(one_node(), values({1, 2, 3, 4}, {1, 3, 2, 4}, {2, 0, 0, 2}), wt::pca{}, {"a"}),
                        spec_error, (message_has{"'a' is an indicator"}));
  BOOST_CHECK_THROW(wt::derive_weights(one_node(), matrix::Zero(4, 3), wt::pca{}), spec_error);
}

namespace {
// The varimax criterion of Kaiser-normalized loadings: sum_k [sum_i z_ik^4 - (sum_i z_ik^2)^2 / p].
double varimax_criterion(const matrix& l) {
  matrix z = l;
  for (index_t i = 0; i < z.rows(); ++i) z.row(i) /= z.row(i).norm();
  const matrix z2 = z.array().square().matrix();
  return z2.array().square().sum() - z2.colwise().sum().squaredNorm() / static_cast<double>(z.rows());
}
}  // namespace

BOOST_AUTO_TEST_CASE(varimax_maximizes_the_criterion) {
  // Two factors: the rotation is one angle, so a grid over [0, pi/2) (step 2e-5; the criterion is
  // periodic in pi/2) finds the maximum independently. Varimax must reach it, keep communalities
  // (row sums of squares) and be orthogonal.
  matrix l0(5, 2);
  l0 << 0.8, 0.1, 0.7, 0.0, 0.1, 0.8, 0.0, 0.6, 0.5, 0.4;
  const double a = 0.4;
  matrix rot(2, 2);
  rot << std::cos(a), -std::sin(a), std::sin(a), std::cos(a);
  const matrix start = l0 * rot;
  matrix t;
  const matrix l = wt::varimax(start, 1e-12, 1000, &t);
  BOOST_TEST((t.transpose() * t - matrix::Identity(2, 2)).cwiseAbs().maxCoeff() < 1e-12);
  check_column(l.rowwise().squaredNorm(), start.rowwise().squaredNorm(), 1e-12);
  double best = -1.0;
  for (int k = 0; k < 78540; ++k) {
    const double phi = 2e-5 * k;
    matrix r(2, 2);
    r << std::cos(phi), -std::sin(phi), std::sin(phi), std::cos(phi);
    best = std::max(best, varimax_criterion(start * r));
  }
  BOOST_TEST(varimax_criterion(l) >= best - 1e-9);
  BOOST_TEST(varimax_criterion(l) > varimax_criterion(start) + 0.1);
  // One factor: nothing to rotate.
  check_column(wt::varimax(l0.col(0)).col(0), l0.col(0));
}

BOOST_AUTO_TEST_CASE(two_levels_and_base_weights) {
  // I <- {P, Q}; P <- {a, b, c}; Q <- {d, e}. Only P is weighted; I and Q keep the base weights.
  framework fw({{"I", "", 1.0}, {"P", "I", 3.0}, {"Q", "I", 1.0}, {"a", "P"}, {"b", "P"}, {"c", "P"}, {"d", "Q", 5.0}, {"e", "Q"}});
  matrix x = matrix::Constant(4, 8, NaN);
  x.col(3) << 1, 2, 3, 4;
  x.col(4) << 2, 4, 6, 8;
  x.col(5) << 4, 1, 3, 2;
  vector base = fw.nominal_weights();
  base[2] = 7.0;
  const auto r = wt::derive_weights(fw, x, wt::critic{}, {"P"}, {}, base);
  check_column(r.weights, {1.0, 3.0, 7.0, 0.25, 0.25, 0.5, 5.0, 1.0}, 1e-12);
  BOOST_TEST(r.nodes.size() == 1u);
  // Every aggregate: Q's children have no data -> an error naming Q.
  BOOST_CHECK_EXCEPTION(wt::derive_weights(fw, x, wt::critic{}), data_error, (message_has{"node 'I'"}));
}

BOOST_AUTO_TEST_CASE(correlation_objective_by_hand) {
  // a = 1 2 3 4, b = 2 4 6 8, c = 4 1 3 2, equal weights: y = (7 7 12 14)/3, centered (x3)
  // -3 -3 2 4 (sum of squares 38). a centered -1.5 -.5 .5 1.5: sum of products 4.5 + 1.5 + 1 + 6 = 13,
  // r_a = 13 / sqrt(5 * 38) = r_b; c centered 1.5 -1.5 .5 -.5: -4.5 + 4.5 + 1 - 2 = -1, r_c = -1/sqrt(190).
  matrix x(4, 3);
  x << 1, 2, 4, 2, 4, 1, 3, 6, 3, 4, 8, 2;
  wt::correlation_objective obj("P", {"a", "b", "c"}, units, x, aggregation::arithmetic_mean{});
  const vector w = vector::Ones(3);
  check_column(obj.scores(w), {7.0 / 3, 7.0 / 3, 4.0, 14.0 / 3}, 1e-12);
  check_column(obj.correlations(w), {13 / std::sqrt(190.0), 13 / std::sqrt(190.0), -1 / std::sqrt(190.0)}, 1e-12);
  // Weight only on c: the score is c, r_c = 1.
  check_close(obj.correlations(kernel_test::vec({0, 0, 1}))[2], 1.0, 1e-12);
  BOOST_CHECK_THROW(obj.correlations(kernel_test::vec({1, 1})), spec_error);
  BOOST_CHECK_EXCEPTION(obj.correlations(kernel_test::vec({1, -1, 1})), spec_error, (message_has{"child 'b'"}));
}

BOOST_AUTO_TEST_SUITE_END()
