// Uncertainty and sensitivity analysis of ranks: determinism, thread invariance, hand-checked
// statistics, failures reported, zero sensitivity for identical alternatives, leave-one-out.
#include <boost/test/unit_test.hpp>

#include <compindex/uncertainty.hpp>

#include <cmath>
#include <random>
#include <string>

namespace ci = compindex;
namespace ua = compindex::uncertainty;
namespace tt = boost::test_tools;

namespace {

// 12 units x 8 indicators in 4 pillars; log-normal data.
struct small_index {
  ci::framework fw;
  ci::dataset data;
  small_index() : fw(nodes()), data(units(), values()) {}
  static std::vector<ci::node> nodes() {
    std::vector<ci::node> n{{"I", ""}};
    for (int p = 0; p < 4; ++p) n.push_back({"P" + std::to_string(p), "I"});
    for (int j = 0; j < 8; ++j) n.push_back({"x" + std::to_string(j), "P" + std::to_string(j / 2)});
    return n;
  }
  static ci::codes units() {
    ci::codes u;
    for (int i = 0; i < 12; ++i) u.push_back("u" + std::to_string(i));
    return u;
  }
  static ci::matrix values() {
    std::mt19937_64 g(7);
    std::lognormal_distribution<double> ln(0.0, 1.0);
    ci::matrix v(12, 8);
    for (int i = 0; i < 12; ++i)
      for (int j = 0; j < 8; ++j) v(i, j) = ln(g);
    return v;
  }
};

std::vector<ua::factor> four_factors() {
  return {ua::weights_factor{},
          ua::normalization_factor{"normalization", {ci::normalization::min_max{}, ci::normalization::percentile_rank{}}},
          ua::aggregation_factor{"aggregation", {ci::aggregation::arithmetic_mean{}, ci::aggregation::geometric_mean{}}, {}, 0},
          ua::treatment_factor{"treatment", {ci::treatment::none{}, ci::treatment::gii{}}}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(uncertainty)

BOOST_AUTO_TEST_CASE(bit_identical_whatever_the_thread_count_and_split) {
  small_index s;
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  ua::options o;
  o.n = 300;
  o.seed = 42;
  std::vector<ua::factor> f{ua::weights_factor{}, ua::aggregation_factor{"aggregation", {ci::aggregation::arithmetic_mean{}, ci::aggregation::geometric_mean{}}, {}, 0}};
  o.threads = 1;
  const auto a = ua::uncertainty_analysis(s.fw, s.data, spec, f, o);
  o.threads = 3;
  const auto b = ua::uncertainty_analysis(s.fw, s.data, spec, f, o);
  BOOST_TEST((a.runs.scores.array() == b.runs.scores.array()).all());
  // Replications 100..199 computed on their own equal the same rows of the full run.
  ua::engine e(s.fw, s.data, spec, f);
  const auto part = e.evaluate(e.sample(100, 100, o), 100, o);
  BOOST_TEST((part.scores.array() == a.runs.scores.middleRows(100, 100).array()).all());
  BOOST_TEST(part.index.front() == 100u);
  // Another seed gives other draws; Monte Carlo sampling works too.
  o.seed = 43;
  const auto c = ua::uncertainty_analysis(s.fw, s.data, spec, f, o);
  BOOST_TEST(!(c.runs.inputs.array() == a.runs.inputs.array()).all());
  o.sampling = ua::sampler::monte_carlo;
  const auto d1 = ua::uncertainty_analysis(s.fw, s.data, spec, f, o);
  o.threads = 1;
  const auto d2 = ua::uncertainty_analysis(s.fw, s.data, spec, f, o);
  BOOST_TEST((d1.runs.scores.array() == d2.runs.scores.array()).all());
}

BOOST_AUTO_TEST_CASE(statistics_by_hand) {
  small_index s;
  ua::options o;
  o.n = 200;
  const auto r = ua::uncertainty_analysis(s.fw, s.data, {}, {ua::weights_factor{"w", {}, 0.5}}, o);
  BOOST_TEST(r.n_successful == 200u);
  // Recompute unit 0's statistics from the raw replications, independently.
  std::vector<double> v;
  for (ci::index_t k = 0; k < r.runs.ranks.rows(); ++k) v.push_back(r.runs.ranks(k, 0));
  std::sort(v.begin(), v.end());
  double mean = 0;
  for (double x : v) mean += x / 200.0;
  BOOST_TEST(r.mean_rank[0] == mean, tt::tolerance(1e-12));
  BOOST_TEST(r.median_rank[0] == 0.5 * (v[99] + v[100]));          // even count: midpoint of the middle pair
  BOOST_TEST(r.p05_rank[0] == v[9] + 0.95 * (v[10] - v[9]), tt::tolerance(1e-12));  // h = 0.05 * 199 = 9.95
  BOOST_TEST(r.p95_rank[0] == v[189] + 0.05 * (v[190] - v[189]), tt::tolerance(1e-12));  // h = 189.05
  // Mean absolute rank shift of replication 3, and P(u0 ahead of u1).
  double shift = 0;
  for (int u = 0; u < 12; ++u) shift += std::abs(r.runs.ranks(3, u) - r.nominal_ranks[u]) / 12.0;
  BOOST_TEST(r.mean_abs_shift[3] == shift, tt::tolerance(1e-12));
  double ahead = 0;
  for (ci::index_t k = 0; k < 200; ++k) ahead += r.runs.ranks(k, 0) < r.runs.ranks(k, 1) ? 1.0 / 200 : 0.0;
  BOOST_TEST(r.outrank_probability(0, 1) == ahead, tt::tolerance(1e-12));
  BOOST_TEST(std::isnan(r.outrank_probability(0, 0)));
  // Weights stay within +/- 50% of nominal (1), and the inputs are recorded.
  BOOST_TEST(r.runs.weights_used.maxCoeff() <= 1.5);
  BOOST_TEST(r.input_names.size() == 12u);  // every node but the root
  BOOST_TEST(r.input_names[0] == "w:P0");
}

BOOST_AUTO_TEST_CASE(a_weight_spread_of_zero_reproduces_the_nominal_ranks) {
  small_index s;
  ua::options o;
  o.n = 20;
  const auto r = ua::uncertainty_analysis(s.fw, s.data, {}, {ua::weights_factor{"w", {}, 0.0}}, o);
  for (ci::index_t k = 0; k < 20; ++k) BOOST_TEST((r.runs.ranks.row(k).transpose().array() == r.nominal_ranks.array()).all());
  BOOST_TEST(r.mean_abs_shift.maxCoeff() == 0.0);
}

BOOST_AUTO_TEST_CASE(failed_replications_are_reported_not_dropped) {
  small_index s;
  ua::options o;
  o.n = 64;
  // Min-max onto 0-100 gives zeros, which the geometric mean refuses: those replications fail.
  std::vector<ua::factor> f{ua::aggregation_factor{"aggregation", {ci::aggregation::arithmetic_mean{}, ci::aggregation::geometric_mean{}}, {}, 0}};
  const auto r = ua::uncertainty_analysis(s.fw, s.data, {}, f, o);
  BOOST_TEST(!r.runs.failures.empty());
  BOOST_TEST(r.n_successful + r.runs.failures.size() == 64u);
  BOOST_TEST(r.runs.failures[0].reason.find("geometric_mean needs positive values") != std::string::npos);
  for (auto& fl : r.runs.failures) {
    BOOST_TEST(r.runs.choices[fl.replication][0] == 1);  // always the geometric alternative
    BOOST_TEST(std::isnan(r.runs.ranks(static_cast<ci::index_t>(fl.replication), 0)));
  }
  BOOST_CHECK_THROW(ua::sensitivity_analysis(s.fw, s.data, {}, f, "", o), ci::computation_error);
}

BOOST_AUTO_TEST_CASE(identical_alternatives_have_zero_sensitivity) {
  small_index s;
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  ua::options o;
  o.n = 256;
  std::vector<ua::factor> f{ua::weights_factor{"weights", {}, 0.4},
                            ua::normalization_factor{"same_normalization", {ci::normalization::min_max{}, ci::normalization::min_max{}}}};
  for (const std::string target : {"u3", ""}) {
    const auto r = ua::sensitivity_analysis(s.fw, s.data, spec, f, target, o);
    BOOST_TEST(r.indices.first_order[1] == 0.0);
    BOOST_TEST(r.indices.total_order[1] == 0.0);
    BOOST_TEST(r.indices.total_order[0] > 0.0);
    BOOST_TEST(r.runs.ranks.rows() == 256 * 4);  // n (k + 2)
  }
}

BOOST_AUTO_TEST_CASE(sensitivity_of_a_dominant_factor) {
  small_index s;
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  ua::options o;
  o.n = 512;
  const auto r = ua::sensitivity_analysis(s.fw, s.data, spec, four_factors(), "", o);
  BOOST_TEST(r.factor_names.size() == 4u);
  for (ci::index_t k = 0; k < 4; ++k) {
    BOOST_TEST(r.indices.total_order[k] >= r.indices.first_order[k] - 0.1);
    BOOST_TEST(r.indices.total_order[k] >= -0.05);
  }
  BOOST_CHECK_THROW(ua::sensitivity_analysis(s.fw, s.data, spec, {ua::weights_factor{"w", {}, 0.2, true}}, "", o), ci::spec_error);
  BOOST_CHECK_THROW(ua::sensitivity_analysis(s.fw, s.data, spec, four_factors(), "nobody", o), ci::spec_error);
}

BOOST_AUTO_TEST_CASE(dirichlet_weights_keep_sibling_totals) {
  small_index s;
  ua::options o;
  o.n = 50;
  ua::weights_factor w{"w", {"P0", "P1", "P2", "P3"}, 0.0, true, 40.0};
  const auto r = ua::uncertainty_analysis(s.fw, s.data, {}, {w}, o);
  for (ci::index_t k = 0; k < 50; ++k) {
    double total = 0;
    for (int p = 1; p <= 4; ++p) total += r.runs.weights_used(k, p);
    BOOST_TEST(total == 4.0, tt::tolerance(1e-12));  // the pillars' nominal total
    BOOST_TEST(r.runs.weights_used(k, 5) == 1.0);    // indicators untouched
  }
}

BOOST_AUTO_TEST_CASE(exclusion_and_leave_one_out) {
  // Two pillars; A is strong on x, B on y. Leaving out pillar Q (y) makes A first.
  ci::framework fw({{"I", ""}, {"P", "I"}, {"Q", "I"}, {"x", "P"}, {"y", "Q"}});
  ci::matrix v(3, 2);
  v << 10, 0,  //
      0, 10,   //
      4, 8;
  ci::dataset d({"A", "B", "C"}, v);
  // Nominal: A = (100 + 0)/2 = 50, B = (0 + 100)/2 = 50, C = (40 + 80)/2 = 60 -> C 1st, A and B 2nd.
  const auto loo = ua::leave_one_out(fw, d, {}, {"Q", "x"});
  BOOST_TEST((loo.removed == std::vector<std::string>{"Q", "x"}));
  BOOST_TEST(loo.nominal_ranks[2] == 1.0);
  // Without Q: A 100, B 0, C 40 -> A 1st (+1), C 2nd (-1), B 3rd (-1).
  BOOST_TEST(loo.ranks(0, 0) == 1.0);
  BOOST_TEST(loo.rank_change(0, 0) == 1.0);
  BOOST_TEST(loo.rank_change(0, 1) == -1.0);
  BOOST_TEST(loo.rank_change(0, 2) == 0.0 - 1.0);
  BOOST_TEST(loo.mean_abs_change[0] == 1.0);
  // Without x (P then has no weighted child, so only Q counts): B 100, C 80, A 0.
  BOOST_TEST(loo.ranks(1, 1) == 1.0);
  BOOST_TEST(loo.ranks(1, 0) == 3.0);
  // The exclusion factor draws the same three configurations.
  ua::options o;
  o.n = 30;
  const auto r = ua::uncertainty_analysis(fw, d, {}, {ua::exclusion_factor{"drop", {"Q", "x"}, true}}, o);
  for (ci::index_t k = 0; k < 30; ++k) {
    const int c = r.runs.choices[static_cast<std::size_t>(k)][0];
    const double rank_a = r.runs.ranks(k, 0);
    BOOST_TEST(rank_a == (c == 0 ? 2.0 : c == 1 ? 1.0 : 3.0));
  }
  BOOST_CHECK_THROW(ua::leave_one_out(fw, d, {}, {"I"}), ci::spec_error);
}

BOOST_AUTO_TEST_CASE(bad_factors_are_spec_errors) {
  small_index s;
  ua::options o;
  BOOST_CHECK_THROW(ua::engine(s.fw, s.data, {}, {ua::normalization_factor{"n", {}}}), ci::spec_error);
  BOOST_CHECK_THROW(ua::engine(s.fw, s.data, {}, {ua::weights_factor{"w", {"zz"}}}), ci::spec_error);
  BOOST_CHECK_THROW(ua::engine(s.fw, s.data, {}, {ua::weights_factor{"w", {}, 1.5}}), ci::spec_error);
  BOOST_CHECK_THROW(ua::engine(s.fw, s.data, {}, {ua::weights_factor{}, ua::weights_factor{}}), ci::spec_error);
  BOOST_CHECK_THROW(ua::engine(s.fw, s.data, {}, {ua::aggregation_factor{"a", {ci::aggregation::arithmetic_mean{}}, {"x0"}, 0}}), ci::spec_error);
  BOOST_CHECK_THROW(ua::engine(s.fw, s.data, {}, {ua::normalization_factor{"n", {ci::normalization::goalposts{}}}}), ci::spec_error);
  o.n = 0;
  BOOST_CHECK_THROW(ua::uncertainty_analysis(s.fw, s.data, {}, {ua::weights_factor{}}, o), ci::spec_error);
}

BOOST_AUTO_TEST_CASE(weight_sets_factor_picks_a_set_per_replication) {
  // I -> x, y. Min-max: A (1, 0), B (0, 1), C (0.6, 0.6).
  // nominal (1, 1):      A .5, B .5, C .6 -> ranks A 2, B 2, C 1
  // x_heavy (0.9, 0.1):  A .9, B .1, C .6 -> ranks A 1, B 3, C 2
  // y_heavy (0.1, 0.9):  A .1, B .9, C .6 -> ranks A 3, B 1, C 2
  ci::framework fw({{"I", ""}, {"x", "I"}, {"y", "I"}});
  fw.add_weight_set("x_heavy", {{"x", 0.9}, {"y", 0.1}});
  fw.add_weight_set("y_heavy", {{"x", 0.1}, {"y", 0.9}});
  ci::matrix v(3, 2);
  v << 10, 0,  //
      0, 10,   //
      6, 6;
  ci::dataset d({"A", "B", "C"}, v);
  const double expected[3][3] = {{2, 2, 1}, {1, 3, 2}, {3, 1, 2}};
  const ua::weight_sets_factor sets{"weight_sets", {"nominal", "x_heavy", "y_heavy"}};
  ua::options o;
  o.n = 96;
  o.seed = 5;
  o.threads = 1;
  const auto a = ua::uncertainty_analysis(fw, d, {}, {sets}, o);
  int count[3] = {0, 0, 0};
  for (ci::index_t r = 0; r < 96; ++r) {
    const int c = a.runs.choices[static_cast<std::size_t>(r)][0];
    BOOST_TEST(c == static_cast<int>(std::floor(a.runs.inputs(r, 0) * 3)));  // floor(u L)
    ++count[c];
    for (ci::index_t u = 0; u < 3; ++u) BOOST_TEST(a.runs.ranks(r, u) == expected[c][u]);
    BOOST_TEST(a.runs.weights_used(r, 1) == (c == 0 ? 1.0 : c == 1 ? 0.9 : 0.1));
  }
  for (int c : count) BOOST_TEST(std::abs(c - 32) <= 1);  // the Sobol points fill the thirds evenly
  o.threads = 2;
  const auto b = ua::uncertainty_analysis(fw, d, {}, {sets}, o);
  BOOST_TEST((a.runs.ranks.array() == b.runs.ranks.array()).all());
  BOOST_TEST((a.runs.scores.array() == b.runs.scores.array()).all());
  BOOST_TEST((a.runs.choices == b.runs.choices));
  // With a weights factor (declared first): the perturbation applies around the chosen set.
  o.sampling = ua::sampler::monte_carlo;
  const auto w = ua::uncertainty_analysis(fw, d, {}, {ua::weights_factor{"w", {"x"}, 0.5}, sets}, o);
  const double set_x[3] = {1.0, 0.9, 0.1}, set_y[3] = {1.0, 0.1, 0.9};
  for (ci::index_t r = 0; r < 96; ++r) {
    const int c = w.runs.choices[static_cast<std::size_t>(r)][1];
    BOOST_TEST(c == static_cast<int>(std::floor(w.runs.inputs(r, 1) * 3)));
    BOOST_TEST(w.runs.weights_used(r, 1) == set_x[c] * (1.0 + 0.5 * (2.0 * w.runs.inputs(r, 0) - 1.0)));
    BOOST_TEST(w.runs.weights_used(r, 2) == set_y[c]);
  }
  // Sobol sensitivity, factors as groups: a factor with identical alternatives has no effect.
  o.n = 64;
  const auto sa = ua::sensitivity_analysis(
      fw, d, {}, {sets, ua::aggregation_factor{"same", {ci::aggregation::arithmetic_mean{}, ci::aggregation::arithmetic_mean{}}, {}, 0}}, "A", o);
  BOOST_TEST(sa.indices.total_order[1] == 0.0);
  BOOST_TEST(sa.indices.total_order[0] > 0.5);
  // An unknown set, two weight-set factors.
  const auto m = [&] {
    try {
      ua::engine(fw, d, {}, {ua::weight_sets_factor{"ws", {"x_heavy", "pca"}}});
    } catch (const ci::spec_error& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  BOOST_TEST(m.find("factor 'ws': unknown weight set 'pca'") != std::string::npos, m);
  BOOST_CHECK_THROW(ua::engine(fw, d, {}, {sets, ua::weight_sets_factor{"other", {"x_heavy"}}}), ci::spec_error);
  BOOST_CHECK_THROW(ua::engine(fw, d, {}, {ua::weight_sets_factor{"ws", {}}}), ci::spec_error);
}

BOOST_AUTO_TEST_SUITE_END()
