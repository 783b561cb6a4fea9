// Benefit of the Doubt against linear programmes solved by hand (3 units, 2 children), with and
// without share restrictions; missing values, coverage, zeros, zero weights, bad input, the
// pipeline's details, and thread invariance in uncertainty analysis. (The comparison with scipy's
// HiGHS on random problems is in tests/python/test_benefit_of_doubt.py.)
#include <boost/test/unit_test.hpp>

#include <compindex/benefit_of_doubt.hpp>
#include <compindex/pipeline.hpp>
#include <compindex/uncertainty.hpp>

#include "kernel_test_helpers.hpp"

#include <algorithm>
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
const codes units = {"A", "B", "C", "D", "E"};
const codes children = {"x", "y", "z"};

struct node_result {
  vector scores;
  aggregation_details details;
};

node_result bod(const ag::benefit_of_doubt& m, const std::vector<column>& cols, const std::vector<double>& weights,
                double coverage = 0.0) {
  children_view v;
  for (const auto& c : cols) v.columns.push_back(c.data());
  v.weights = weights;
  const index_t n = static_cast<index_t>(cols.front().size());
  node_result r;
  r.scores.resize(n);
  aggregate_node(m, v, n, coverage, r.scores.data(), "Pillar", units, children, &r.details);
  return r;
}

// The 3-unit problem of every hand-solved case: A = (4, 1), B = (1, 4), C = (2, 2).
const std::vector<column> abc = {{4, 1, 2}, {1, 4, 2}};

// Every unit's weights are feasible (sum_j w_j y_kj <= 1 for all k, w >= 0) and attain its score.
void check_weights_attain(const node_result& r, const std::vector<column>& cols, double lo = 0, double hi = 100) {
  const matrix& w = r.details.unit_weights;
  const index_t n = r.scores.size();
  for (index_t i = 0; i < n; ++i) {
    if (std::isnan(r.scores[i])) continue;
    double own = 0;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      BOOST_TEST(w(i, static_cast<index_t>(c)) >= 0.0);
      const double y = std::isnan(cols[c][static_cast<std::size_t>(i)]) ? 0.0 : cols[c][static_cast<std::size_t>(i)];
      own += w(i, static_cast<index_t>(c)) * y;
    }
    check_close(lo + (hi - lo) * own, r.scores[i], 1e-9);
    for (index_t k = 0; k < n; ++k) {
      double t = 0;
      for (std::size_t c = 0; c < cols.size(); ++c) {
        const double y = std::isnan(cols[c][static_cast<std::size_t>(k)]) ? 0.0 : cols[c][static_cast<std::size_t>(k)];
        t += w(i, static_cast<index_t>(c)) * y;
      }
      BOOST_TEST(t <= 1.0 + 1e-12);
    }
  }
}

std::vector<index_t> peers_of(const node_result& r, index_t i) { return r.details.peers[static_cast<std::size_t>(i)]; }

}  // namespace

BOOST_AUTO_TEST_SUITE(benefit_of_doubt)

BOOST_AUTO_TEST_CASE(solver_is_available) { BOOST_TEST(has_lp_solver()); }

BOOST_AUTO_TEST_CASE(three_units_by_hand) {
  // Constraints 4a + b <= 1 (A), a + 4b <= 1 (B), 2a + 2b <= 1 (C), a, b >= 0.
  // A: max 4a + b <= 1 by its own row, attained at (1/4, 0): e = 1. B likewise: e = 1.
  // C: max 2a + 2b. The rows of A and B meet at a = b = 1/5 (4/5 + 1/5 = 1), where 2a + 2b = 4/5;
  //    the objective (1, 1) lies strictly between their normals (4, 1) and (1, 4), so that vertex
  //    is the unique optimum: e = 0.8, w = (0.2, 0.2), peers A and B (both rows bind).
  const auto r = bod({}, abc, {1, 1});
  check_column(r.scores, {100, 100, 80}, 1e-9);
  check_column(r.details.per_unit.at(0).second, {1, 1, 0.8}, 1e-9);
  BOOST_TEST(r.details.per_unit.at(0).first == "efficiency");
  check_close(r.details.unit_weights(2, 0), 0.2, 1e-9);
  check_close(r.details.unit_weights(2, 1), 0.2, 1e-9);
  BOOST_TEST((peers_of(r, 2) == std::vector<index_t>{0, 1}));
  // A frontier unit is its own peer.
  const auto pa = peers_of(r, 0);
  BOOST_TEST(std::count(pa.begin(), pa.end(), 0) == 1);
  check_weights_attain(r, abc);
  BOOST_TEST(r.details.scalars.at(0).first == "frontier_units");
  BOOST_TEST(r.details.scalars.at(0).second == 2.0);
  // Weights of the node change nothing (only zero weights matter), and lo/hi map the scale.
  ag::benefit_of_doubt m;
  m.lo = 1;
  m.hi = 10;
  check_column(bod(m, abc, {5, 1}).scores, {10, 10, 1 + 9 * 0.8}, 1e-9);
}

BOOST_AUTO_TEST_CASE(three_units_with_share_bounds_by_hand) {
  // Both shares >= 0.4 (so each lies in [0.4, 0.6]).
  // A: write p = 4a (child x's part of A's score S) and q = b (child y's), S = p + q, q >= 0.4 S.
  //    B's row: p/4 + 4q = S/4 + 3.75 q <= 1 and C's row: p/2 + 2q = S/2 + 1.5 q <= 1 both favour
  //    the smallest q = 0.4 S: S <= 1/(0.25 + 1.5) = 4/7 (B), S <= 1/1.1 (C), S <= 1 (A). So
  //    e = 4/7, b = 0.4 * 4/7 = 8/35, a = 0.6 * 4/7 / 4 = 3/35; B's row binds: peers {B}.
  // B: the mirror image: e = 4/7, w = (8/35, 3/35), peers {A}.
  // C: the unrestricted optimum (0.2, 0.2) has shares 1/2 each, allowed: e = 0.8, peers {A, B}.
  ag::benefit_of_doubt m;
  m.share_lower = {0.4};
  const auto r = bod(m, abc, {1, 1});
  check_column(r.scores, {400.0 / 7, 400.0 / 7, 80}, 1e-9);
  check_close(r.details.unit_weights(0, 0), 3.0 / 35, 1e-9);
  check_close(r.details.unit_weights(0, 1), 8.0 / 35, 1e-9);
  check_close(r.details.unit_weights(1, 0), 8.0 / 35, 1e-9);
  BOOST_TEST((peers_of(r, 0) == std::vector<index_t>{1}));
  BOOST_TEST((peers_of(r, 1) == std::vector<index_t>{0}));
  BOOST_TEST((peers_of(r, 2) == std::vector<index_t>{0, 1}));
  check_weights_attain(r, abc);
  // The same bounds given per child, or as upper bounds 0.6, give the same LPs.
  m.share_lower = {0.4, 0.4};
  check_column(bod(m, abc, {1, 1}).scores, {400.0 / 7, 400.0 / 7, 80}, 1e-9);
  ag::benefit_of_doubt u;
  u.share_upper = {0.6};
  check_column(bod(u, abc, {1, 1}).scores, {400.0 / 7, 400.0 / 7, 80}, 1e-9);
  // nominal_spread 0.2 around equal weights: shares in [0.4, 0.6] again.
  ag::benefit_of_doubt s;
  s.nominal_spread = 0.2;
  check_column(bod(s, abc, {1, 1}).scores, {400.0 / 7, 400.0 / 7, 80}, 1e-9);
}

BOOST_AUTO_TEST_CASE(nominal_spread_by_hand) {
  // Weights (3, 1): v = (0.75, 0.25); spread 0.2: x's share in [0.6, 0.9], y's in [0.2, 0.3].
  // A: p = 4a, q = b, q in [0.2 S, 0.3 S]. B's row S/4 + 3.75 q <= 1 with q = 0.2 S gives S <= 1,
  //    C's row S/2 + 1.5 q = 0.8 S <= 1: e = 1 at a = b = 0.2 (A's and B's rows bind).
  // B: p = a, q = 4b, p in [0.7 S, 0.8 S] (y's share 0.2..0.3). A's row 4p + q/4 = 4S - 3.75 q <= 1
  //    wants q large: q = 0.3 S gives 2.875 S <= 1, S = 8/23; C's row 2S - 1.5 q = 1.55 S <= 1
  //    does not bind. a = 0.7 * 8/23 = 5.6/23, b = 0.3 * 8/23 / 4 = 0.6/23; peers {A}.
  // C: p = 2a = t S, t in [0.7, 0.8]. A's row (1.5 t + 0.5) S <= 1 wants t small, B's row
  //    (2 - 1.5 t) S <= 1 wants t large; at t = 0.7: S <= 1/1.55 (A), 1/0.95 (B): e = 20/31,
  //    a = 0.35 * 20/31 = 7/31, b = 0.15 * 20/31 = 3/31; peers {A}.
  ag::benefit_of_doubt m;
  m.nominal_spread = 0.2;
  const auto r = bod(m, abc, {3, 1});
  check_column(r.details.per_unit.at(0).second, {1, 8.0 / 23, 20.0 / 31}, 1e-9);
  check_close(r.details.unit_weights(0, 0), 0.2, 1e-9);
  check_close(r.details.unit_weights(0, 1), 0.2, 1e-9);
  check_close(r.details.unit_weights(1, 0), 5.6 / 23, 1e-9);
  check_close(r.details.unit_weights(1, 1), 0.6 / 23, 1e-9);
  check_close(r.details.unit_weights(2, 0), 7.0 / 31, 1e-9);
  check_close(r.details.unit_weights(2, 1), 3.0 / 31, 1e-9);
  BOOST_TEST((peers_of(r, 0) == std::vector<index_t>{0, 1}));
  BOOST_TEST((peers_of(r, 1) == std::vector<index_t>{0}));
  BOOST_TEST((peers_of(r, 2) == std::vector<index_t>{0}));
  check_weights_attain(r, abc);
}

BOOST_AUTO_TEST_CASE(warm_start_changes_nothing) {
  std::mt19937_64 g(3);
  std::uniform_real_distribution<double> u(0.0, 100.0);
  matrix y(60, 6);
  for (index_t i = 0; i < y.rows(); ++i)
    for (index_t j = 0; j < y.cols(); ++j) y(i, j) = u(g);
  for (auto lower : {std::vector<double>{}, std::vector<double>{0.05}}) {
    const auto a = solve_benefit_of_doubt(y, lower, {0.5}, {}, true);
    const auto b = solve_benefit_of_doubt(y, lower, {0.5}, {}, false);
    // Both are optima of the same LP, to the solver's tolerances (1e-9).
    for (index_t i = 0; i < y.rows(); ++i) check_close(a.efficiency[i], b.efficiency[i], 1e-8);
    BOOST_TEST(a.efficiency.maxCoeff() == 1.0, boost::test_tools::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(missing_values_coverage_and_zeros) {
  // D = (missing, 2) counts as (0, 2): its row 2b <= 1 binds nobody above (C's optimum has
  // b = 0.2), so A, B, C keep their scores; D: max 2b with b <= 1/4 (B's row) -> e = 0.5, peers {B}.
  // E = (0, 0) scores 0 with zero weights and no peers.
  const std::vector<column> cols = {{4, 1, 2, NaN, 0}, {1, 4, 2, 2, 0}};
  const auto r = bod({}, cols, {1, 1});
  check_column(r.scores, {100, 100, 80, 50, 0}, 1e-9);
  BOOST_TEST((peers_of(r, 3) == std::vector<index_t>{1}));
  BOOST_TEST(peers_of(r, 4).empty());
  BOOST_TEST(r.details.unit_weights(4, 0) == 0.0);
  check_weights_attain(r, cols);
  // Coverage 1: D lacks a child and is not scored (NaN score, NaN weights, no peers).
  const auto c = bod({}, cols, {1, 1}, 1.0);
  check_column(c.scores, {100, 100, 80, NaN, 0}, 1e-9);
  BOOST_TEST(std::isnan(c.details.unit_weights(3, 0)));
  // A unit with every child missing is not scored whatever the coverage.
  const std::vector<column> m2 = {{4, 1, 2, NaN}, {1, 4, 2, NaN}};
  check_column(bod({}, m2, {1, 1}).scores, {100, 100, 80, NaN}, 1e-9);
}

BOOST_AUTO_TEST_CASE(zero_weight_children_are_left_out) {
  // z has weight 0: left out of the LPs (even with a value that would dominate), weight 0 reported.
  const std::vector<column> cols = {{4, 1, 2}, {1, 4, 2}, {0, 0, 1000}};
  const auto r = bod({}, cols, {1, 1, 0});
  check_column(r.scores, {100, 100, 80}, 1e-9);
  BOOST_TEST(r.details.unit_weights.cols() == 3);
  BOOST_TEST(r.details.unit_weights(2, 2) == 0.0);
  // Negative values of a zero-weight child are not checked either.
  const std::vector<column> neg = {{4, 1, 2}, {1, 4, 2}, {-5, 0, 0}};
  BOOST_CHECK_NO_THROW(bod({}, neg, {1, 1, 0}));
}

BOOST_AUTO_TEST_CASE(bad_input_gets_typed_errors) {
  const std::vector<column> neg = {{4, -1, 2}, {1, 4, 2}};
  BOOST_CHECK_EXCEPTION(bod({}, neg, {1, 1}), data_error, (message_has{"Pillar", "benefit_of_doubt", "'B'", "'x'", "-1", "non-negative"}));
  const std::vector<column> inf = {{4, 1, 2}, {1, HUGE_VAL, 2}};
  BOOST_CHECK_EXCEPTION(bod({}, inf, {1, 1}), data_error, (message_has{"Pillar", "'B'", "'y'"}));
  ag::benefit_of_doubt m;
  m.share_lower = {0.6};  // 0.6 + 0.6 > 1
  BOOST_CHECK_EXCEPTION(bod(m, abc, {1, 1}), spec_error, (message_has{"Pillar", "infeasible", "lower bounds add up to 1.2"}));
  m.share_lower = {0.5, 0.1};
  m.share_upper = {0.4};  // x: 0.5 > 0.4
  BOOST_CHECK_EXCEPTION(bod(m, abc, {1, 1}), spec_error, (message_has{"Pillar", "'x'", "infeasible"}));
  m.share_lower = {};
  m.share_upper = {0.3};  // 0.3 + 0.3 < 1
  BOOST_CHECK_EXCEPTION(bod(m, abc, {1, 1}), spec_error, (message_has{"Pillar", "upper bounds add up to 0.6"}));
  m.share_upper = {0.5, 0.5, 0.5};  // three bounds for two children
  BOOST_CHECK_EXCEPTION(bod(m, abc, {1, 1}), spec_error, (message_has{"Pillar", "share_upper", "one per child (2)"}));
  m.share_upper = {1.5};
  BOOST_CHECK_EXCEPTION(bod(m, abc, {1, 1}), spec_error, (message_has{"Pillar", "between 0 and 1"}));
  ag::benefit_of_doubt s;
  s.nominal_spread = -0.1;
  BOOST_CHECK_EXCEPTION(bod(s, abc, {1, 1}), spec_error, (message_has{"Pillar", "nominal_spread"}));
  s.nominal_spread = 0.2;
  s.share_lower = {0.1};
  BOOST_CHECK_EXCEPTION(bod(s, abc, {1, 1}), spec_error, (message_has{"Pillar", "not both"}));
  ag::benefit_of_doubt h;
  h.hi = NaN;
  BOOST_CHECK_EXCEPTION(bod(h, abc, {1, 1}), spec_error, (message_has{"Pillar", "lo..hi"}));
  // The standalone solver names rows and columns.
  matrix y(2, 2);
  y << 1, 2, 3, -4;
  BOOST_CHECK_EXCEPTION(solve_benefit_of_doubt(y), data_error, (message_has{"'1'", "-4"}));
}

BOOST_AUTO_TEST_CASE(pipeline_reports_details) {
  // Normalization 'none' keeps the values: the root is the 3-unit problem above.
  const framework fw({{"I", ""}, {"x", "I"}, {"y", "I"}});
  matrix v(3, 2);
  v << 4, 1, 1, 4, 2, 2;
  pipeline_spec spec;
  spec.normalization = normalization::none{};
  spec.aggregation_by_node["I"] = ag::benefit_of_doubt{};
  const result r = build(fw, dataset({"A", "B", "C"}, v), spec);
  const auto col = static_cast<index_t>(fw.aggregate_column(fw.root()));
  check_column(r.aggregated.col(col), {100, 100, 80}, 1e-9);
  BOOST_TEST(r.ranks(2, static_cast<index_t>(fw.root())) == 3);
  BOOST_TEST_REQUIRE(r.node_details.size() == 1u);
  const auto& d = r.node_details.front();
  BOOST_TEST(d.node == "I");
  BOOST_TEST(d.method == "benefit_of_doubt");
  BOOST_TEST((d.children == codes{"x", "y"}));
  BOOST_TEST((d.peers.at(2) == std::vector<index_t>{0, 1}));
  BOOST_TEST(aggregation::name(aggregation::from_name("benefit_of_doubt")) == "benefit_of_doubt");
}

BOOST_AUTO_TEST_CASE(uncertainty_is_thread_count_invariant) {
  // 12 units x 6 indicators in 3 pillars; BoD is one alternative of the index's aggregation.
  std::vector<node> nodes{{"I", ""}};
  for (int p = 0; p < 3; ++p) nodes.push_back({"P" + std::to_string(p), "I"});
  for (int j = 0; j < 6; ++j) nodes.push_back({"x" + std::to_string(j), "P" + std::to_string(j / 2)});
  const framework fw(nodes);
  std::mt19937_64 g(11);
  std::lognormal_distribution<double> ln(0.0, 1.0);
  matrix v(12, 6);
  codes u;
  for (int i = 0; i < 12; ++i) {
    u.push_back("u" + std::to_string(i));
    for (int j = 0; j < 6; ++j) v(i, j) = ln(g);
  }
  const dataset data(u, v);
  pipeline_spec spec;
  namespace ua = compindex::uncertainty;
  std::vector<ua::factor> f{ua::weights_factor{},
                            ua::aggregation_factor{"aggregation", {ag::arithmetic_mean{}, ag::benefit_of_doubt{}}, {"I"}, 0}};
  ua::options o;
  o.n = 64;
  o.seed = 5;
  o.threads = 1;
  const auto a = ua::uncertainty_analysis(fw, data, spec, f, o);
  o.threads = 2;
  const auto b = ua::uncertainty_analysis(fw, data, spec, f, o);
  BOOST_TEST(a.n_successful == 64u);
  BOOST_TEST((a.runs.scores.array() == b.runs.scores.array()).all());
  // Some replications used BoD: a frontier unit scores 100 at the root there.
  BOOST_TEST((a.runs.scores.array() == 100.0).any());
}

BOOST_AUTO_TEST_SUITE_END()
