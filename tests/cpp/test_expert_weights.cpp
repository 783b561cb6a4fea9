// Weights from experts: AHP against Saaty's published drinks example, closed forms for n = 2 and
// 3, an independent power iteration, consistent matrices, several experts (geometric mean of
// judgements), and budget allocation by hand; bad judgements are typed errors naming the cell.
#include <boost/test/unit_test.hpp>

#include <compindex/expert_weights.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace ci = compindex;
namespace wt = compindex::weighting;
namespace tt = boost::test_tools;

namespace {

// Index -> P1 (a, b, c), P2 (d, e), P3 (f). Indicators a..f.
ci::framework tree() {
  return ci::framework({{"Index", ""}, {"P1", "Index", 2.0}, {"P2", "Index", 1.0}, {"P3", "Index", 1.0},
                        {"a", "P1", 1.0}, {"b", "P1", 1.0}, {"c", "P1", 1.0}, {"d", "P2", 3.0}, {"e", "P2", 1.0}, {"f", "P3"}});
}

// Saaty's drinks: coffee, wine, tea, beer, sodas, milk, water.
const char* drinks[7] = {"coffee", "wine", "tea", "beer", "sodas", "milk", "water"};

ci::framework drinks_tree() {
  std::vector<ci::node> n{{"Consumption", ""}};
  for (auto d : drinks) n.push_back({d, "Consumption"});
  return ci::framework(n);
}

// The upper triangle of Saaty (2008), "Decision making with the analytic hierarchy process",
// Int. J. Services Sciences 1(1):83-98, Table 2 ("Which drink is consumed more in the U.S.?").
std::vector<wt::ahp_judgement> drinks_judgements() {
  const double upper[7][7] = {{0, 9, 5, 2, 1, 1, 0.5},
                              {0, 0, 1.0 / 3, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9},
                              {0, 0, 0, 1.0 / 3, 1.0 / 4, 1.0 / 3, 1.0 / 9},
                              {0, 0, 0, 0, 0.5, 1, 1.0 / 3},
                              {0, 0, 0, 0, 0, 2, 0.5},
                              {0, 0, 0, 0, 0, 0, 1.0 / 3},
                              {0, 0, 0, 0, 0, 0, 0}};
  std::vector<wt::ahp_judgement> j;
  for (int i = 0; i < 7; ++i)
    for (int k = i + 1; k < 7; ++k) j.push_back({"Consumption", drinks[i], drinks[k], upper[i][k], ""});
  return j;
}

// Independent oracle: power iteration on the full matrix to 1e-15.
ci::vector power_iteration(const ci::matrix& a, double& lambda) {
  ci::vector w = ci::vector::Constant(a.rows(), 1.0 / static_cast<double>(a.rows()));
  for (int it = 0; it < 10000; ++it) {
    ci::vector next = a * w;
    next /= next.sum();
    const double d = (next - w).cwiseAbs().maxCoeff();
    w = next;
    if (d < 1e-15) break;
  }
  lambda = ((a * w).array() / w.array()).mean();
  return w;
}

template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no exception)";
}

double at(const ci::vector& w, const ci::framework& fw, const std::string& code) {
  return w[static_cast<ci::index_t>(fw.index_of(code))];
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(expert_weights)

BOOST_AUTO_TEST_CASE(saaty_drinks_example_published_weights_and_cr) {
  const auto fw = drinks_tree();
  const auto r = wt::ahp_weights(fw, drinks_judgements());
  // Published derived scale: .177 .019 .042 .116 .190 .129 .327, consistency ratio .022.
  const double published[7] = {0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327};
  for (int i = 0; i < 7; ++i) BOOST_TEST(r.weights[i + 1] == published[i], tt::tolerance(0.0005 / published[i]));
  BOOST_REQUIRE_EQUAL(r.matrices.size(), 2u);  // the expert, then the combined matrix
  const auto& c = r.matrices.back();
  BOOST_TEST(c.combined);
  BOOST_TEST(std::abs(c.cr - 0.022) < 0.0005);
  BOOST_TEST(c.ri == 0.0 + 1.32);
  BOOST_TEST(c.consistent);
  BOOST_TEST(r.diagnostics.empty());
  // Against an independent power iteration, to 1e-10.
  double lambda = 0;
  const ci::vector w = power_iteration(c.comparisons, lambda);
  for (int i = 0; i < 7; ++i) BOOST_TEST(c.weights[i] == w[i], tt::tolerance(1e-10));
  BOOST_TEST(c.lambda_max == lambda, tt::tolerance(1e-10));
  BOOST_TEST(c.ci == (lambda - 7) / 6, tt::tolerance(1e-8));
  // Saaty's 2005 table (RI(7) = 1.35) only changes the ratio.
  wt::ahp_options o;
  o.random_index = wt::ahp_random_index::saaty2005;
  const auto r2 = wt::ahp_weights(fw, drinks_judgements(), o);
  BOOST_TEST(r2.matrices.back().cr == c.ci / 1.35, tt::tolerance(1e-12));
  // The reciprocal matrix is complete and reciprocal.
  for (int i = 0; i < 7; ++i)
    for (int k = 0; k < 7; ++k) BOOST_TEST(c.comparisons(i, k) * c.comparisons(k, i) == 1.0, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(three_by_three_closed_form_and_an_inconsistent_matrix_warns) {
  // For n = 3 with a12 = x, a13 = y, a23 = z: lambda_max = 1 + t^(1/3) + t^(-1/3), t = y / (x z),
  // and the eigenvector equals the row geometric means.
  const auto fw = tree();
  auto check = [&](double x, double y, double z, bool consistent) {
    std::vector<wt::ahp_judgement> j{{"P1", "a", "b", x, "ann"}, {"P1", "a", "c", y, "ann"}, {"P1", "b", "c", z, "ann"}};
    const auto r = wt::ahp_weights(fw, j);
    const double t = y / (x * z), lambda = 1 + std::cbrt(t) + 1 / std::cbrt(t);
    const double g[3] = {std::cbrt(x * y), std::cbrt(z / x), std::cbrt(1 / (y * z))};
    const double sum = g[0] + g[1] + g[2];
    for (int i = 0; i < 3; ++i) BOOST_TEST(at(r.weights, fw, std::string(1, char('a' + i))) == g[i] / sum, tt::tolerance(1e-12));
    const auto& m = r.matrices.front();
    BOOST_TEST(m.expert == "ann");
    BOOST_TEST(m.lambda_max == lambda, tt::tolerance(1e-12));
    BOOST_TEST(m.cr == (lambda - 3) / 2 / 0.58, tt::tolerance(1e-10));
    BOOST_TEST(m.consistent == consistent);
    BOOST_TEST(r.diagnostics.size() == (consistent ? 0u : 1u));
    // The geometric method gives the same weights for n = 3.
    wt::ahp_options o;
    o.method = wt::ahp_method::geometric;
    const auto rg = wt::ahp_weights(fw, j, o);
    for (int i = 0; i < 3; ++i) BOOST_TEST(rg.weights[4 + i] == g[i] / sum, tt::tolerance(1e-12));
    return r;
  };
  check(3, 5, 2, true);   // t = 5/6: lambda = 3.0037..., CR = 0.0032
  const auto bad = check(9, 1.0 / 9, 9, false);  // t = 1/729: lambda = 1 + 1/9 + 9, CR = 6.13
  BOOST_TEST(bad.diagnostics[0].kind == "ahp_inconsistent");
  BOOST_TEST(bad.diagnostics[0].code == "P1");
  BOOST_TEST(contains(bad.diagnostics[0].message, "node 'P1', expert 'ann'"));
  BOOST_TEST(bad.matrices.back().cr == (1.0 / 9 + 9 - 2) / 2 / 0.58, tt::tolerance(1e-10));
}

BOOST_AUTO_TEST_CASE(consistent_matrices_give_their_ratios) {
  // a_ij = v_i / v_j: weights v / sum(v), lambda_max = n, CI = CR = 0, for both methods.
  const auto fw = drinks_tree();
  const double v[7] = {4, 1, 2, 3, 8, 6, 9};
  std::vector<wt::ahp_judgement> j;
  for (int i = 0; i < 7; ++i)
    for (int k = i + 1; k < 7; ++k) j.push_back({"Consumption", drinks[i], drinks[k], v[i] / v[k], ""});
  for (auto method : {wt::ahp_method::eigenvector, wt::ahp_method::geometric}) {
    wt::ahp_options o;
    o.method = method;
    const auto r = wt::ahp_weights(fw, j, o);
    for (int i = 0; i < 7; ++i) BOOST_TEST(r.weights[i + 1] == v[i] / 33.0, tt::tolerance(1e-12));
    BOOST_TEST(r.matrices.back().lambda_max == 7.0, tt::tolerance(1e-12));
    BOOST_TEST(r.matrices.back().cr < 1e-12);
    BOOST_TEST(r.matrices.back().gci < 1e-20);
  }
}

BOOST_AUTO_TEST_CASE(two_children_one_child_and_unjudged_nodes) {
  const auto fw = tree();
  // P2: d is 3 times as important as e (given in reverse as 1/3): 0.75, 0.25, CR 0.
  // P3: its only child f, compared with itself: weight 1.
  // P1: no judgements: a, b, c keep their nominal weights (1 each), and so do P1..P3.
  const auto r = wt::ahp_weights(fw, {{"P2", "e", "d", 1.0 / 3, ""}, {"P3", "f", "f", 1.0, ""}});
  BOOST_TEST(at(r.weights, fw, "d") == 0.75, tt::tolerance(1e-12));
  BOOST_TEST(at(r.weights, fw, "e") == 0.25, tt::tolerance(1e-12));
  BOOST_TEST(at(r.weights, fw, "f") == 1.0);
  BOOST_TEST(at(r.weights, fw, "a") == 1.0);
  BOOST_TEST(at(r.weights, fw, "P1") == 2.0);
  BOOST_TEST((r.nodes == std::vector<std::string>{"P2", "P3"}));
  for (auto& m : r.matrices) {
    BOOST_TEST(m.cr == 0.0);
    BOOST_TEST(m.ci == 0.0);
  }
  // Both directions given, reciprocal within the tolerance (0.33 for 1/3): their geometric mean.
  const auto r2 = wt::ahp_weights(fw, {{"P2", "d", "e", 3.0, "x"}, {"P2", "e", "d", 0.33, "x"}});
  const double a = std::sqrt(3.0 / 0.33);  // a_de
  BOOST_TEST(at(r2.weights, fw, "d") == a / (a + 1), tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(several_experts_geometric_mean_of_judgements) {
  const auto fw = tree();
  // P2: ann says d = 2 e, bob says d = 8 e: combined a_de = sqrt(16) = 4: weights 0.8, 0.2.
  // Each expert's own: ann 2/3, 1/3; bob 8/9, 1/9.
  const auto r = wt::ahp_weights(fw, {{"P2", "d", "e", 2.0, "bob"}, {"P2", "d", "e", 8.0, "ann"}});
  BOOST_TEST(at(r.weights, fw, "d") == 0.8, tt::tolerance(1e-12));
  BOOST_REQUIRE_EQUAL(r.matrices.size(), 3u);
  BOOST_TEST(r.matrices[0].expert == "ann");  // sorted by name
  BOOST_TEST(r.matrices[0].weights[0] == 8.0 / 9, tt::tolerance(1e-12));
  BOOST_TEST(r.matrices[1].expert == "bob");
  BOOST_TEST(r.matrices[1].weights[0] == 2.0 / 3, tt::tolerance(1e-12));
  BOOST_TEST(r.matrices[2].combined);
  BOOST_TEST(r.matrices[2].comparisons(0, 1) == 4.0, tt::tolerance(1e-12));
  // Three children, two experts: the combined matrix is the element-wise geometric mean.
  const auto r3 = wt::ahp_weights(fw, {{"P1", "a", "b", 3, "x"}, {"P1", "a", "c", 5, "x"}, {"P1", "b", "c", 2, "x"},
                                       {"P1", "a", "b", 1, "y"}, {"P1", "c", "a", 3, "y"}, {"P1", "b", "c", 1.0 / 2, "y"}});
  const auto& c = r3.matrices.back();
  BOOST_TEST(c.comparisons(0, 1) == std::sqrt(3.0), tt::tolerance(1e-12));
  BOOST_TEST(c.comparisons(0, 2) == std::sqrt(5.0 / 3), tt::tolerance(1e-12));
  BOOST_TEST(c.comparisons(1, 2) == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(c.comparisons(2, 0) == std::sqrt(3.0 / 5), tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(weighted_experts) {
  const auto fw = tree();
  // ann (weight 3) says d = 8 e, bob (weight 1) d = 2 e: a_de = (8^3 * 2)^(1/4) = 2^(10/4).
  wt::ahp_options o;
  o.expert_weights = {{"ann", 3.0}, {"bob", 1.0}, {"nobody", 5.0}};
  const std::vector<wt::ahp_judgement> j{{"P2", "d", "e", 2.0, "bob"}, {"P2", "d", "e", 8.0, "ann"}};
  const auto r = wt::ahp_weights(fw, j, o);
  const double a = std::pow(2.0, 2.5);
  BOOST_TEST(at(r.weights, fw, "d") == a / (a + 1), tt::tolerance(1e-12));
  o.expert_weights = {{"ann", 3.0}};
  const auto m = message_of<ci::spec_error>([&] { wt::ahp_weights(fw, j, o); });
  BOOST_TEST(contains(m, "expert 'bob' has no weight"), m);
  o.expert_weights = {{"ann", 3.0}, {"bob", -1.0}};
  BOOST_CHECK_THROW(wt::ahp_weights(fw, j, o), ci::spec_error);
  // Budget: ann .7/.3 (weight 3), bob .4/.6 (weight 1): d = (3 * .7 + .4) / 4 = .625.
  const std::vector<wt::budget_allocation> al{{"P2", "d", 7, "ann"}, {"P2", "e", 3, "ann"}, {"P2", "d", 4, "bob"}, {"P2", "e", 6, "bob"}};
  const auto b = wt::budget_weights(fw, al, wt::budget_statistic::mean, {{"ann", 3.0}, {"bob", 1.0}});
  BOOST_TEST(at(b.weights, fw, "d") == 0.625, tt::tolerance(1e-12));
  BOOST_TEST(b.details[0].sd[0] == std::sqrt(0.045), tt::tolerance(1e-12));  // unweighted: (.15^2 * 2) / 1
  BOOST_CHECK_THROW(wt::budget_weights(fw, al, wt::budget_statistic::median, {{"ann", 3.0}, {"bob", 1.0}}), ci::spec_error);
}

BOOST_AUTO_TEST_CASE(bad_judgements_are_typed_errors_naming_the_cell) {
  const auto fw = tree();
  using J = std::vector<wt::ahp_judgement>;
  auto data_msg = [&](const J& j) { return message_of<ci::data_error>([&] { wt::ahp_weights(fw, j); }); };
  auto spec_msg = [&](const J& j) { return message_of<ci::spec_error>([&] { wt::ahp_weights(fw, j); }); };
  // Not reciprocal: 3 and 3 in reverse.
  auto m = data_msg({{"P2", "d", "e", 3, "ann"}, {"P2", "e", "d", 3, "ann"}});
  BOOST_TEST(contains(m, "node 'P2', expert 'ann', pair ('d', 'e')"), m);
  BOOST_TEST(contains(m, "not reciprocal"), m);
  // Outside 1/9..9, zero, NaN.
  for (double v : {10.0, 0.1, 0.0, -2.0, std::nan("")}) {
    m = data_msg({{"P2", "d", "e", v, "ann"}});
    BOOST_TEST(contains(m, "node 'P2', expert 'ann', pair ('d', 'e')"), m);
    BOOST_TEST(contains(m, "between 1/9 and 9"), m);
  }
  // A missing pair.
  m = data_msg({{"P1", "a", "b", 3, "bob"}, {"P1", "a", "c", 5, "bob"}});
  BOOST_TEST(contains(m, "node 'P1', expert 'bob'"), m);
  BOOST_TEST(contains(m, "no judgement for the pair ('b', 'c')"), m);
  // Judged twice; a self-comparison other than 1.
  m = data_msg({{"P2", "d", "e", 3, ""}, {"P2", "d", "e", 3, ""}});
  BOOST_TEST(contains(m, "node 'P2', pair ('d', 'e'): judged twice"), m);
  m = data_msg({{"P3", "f", "f", 2, ""}});
  BOOST_TEST(contains(m, "compared with itself"), m);
  // Unknown node, an indicator as node, a child of another node.
  m = spec_msg({{"P9", "d", "e", 3, ""}});
  BOOST_TEST(contains(m, "row 1: unknown node 'P9'"), m);
  m = spec_msg({{"P2", "d", "e", 3, ""}, {"d", "x", "y", 3, ""}});
  BOOST_TEST(contains(m, "row 2: node 'd' is an indicator"), m);
  m = spec_msg({{"P2", "d", "a", 3, ""}});
  BOOST_TEST(contains(m, "'a' is not a child of node 'P2' (its children: d, e)"), m);
  // Options.
  wt::ahp_options o;
  o.tolerance = -1;
  BOOST_CHECK_THROW(wt::ahp_weights(fw, {}, o), ci::spec_error);
  // Random-index tables.
  BOOST_TEST(wt::ahp_random_index_value(3) == 0.58);
  BOOST_TEST(wt::ahp_random_index_value(9) == 1.45);
  BOOST_TEST(wt::ahp_random_index_value(3, wt::ahp_random_index::saaty2005) == 0.52);
  BOOST_TEST(wt::ahp_random_index_value(2) == 0.0);
  BOOST_CHECK_THROW(wt::ahp_random_index_value(16), ci::spec_error);
}

BOOST_AUTO_TEST_CASE(budget_allocation_by_hand) {
  const auto fw = tree();
  // P1: ann 50/30/20, bob 20/20/60 (of 100), cid 1/3/6 (of 10).
  // Shares: ann .5 .3 .2, bob .2 .2 .6, cid .1 .3 .6.
  // Mean: .8/3, .8/3, 1.4/3. Median: .2, .3, .6 (sum 1.1) -> 2/11, 3/11, 6/11.
  // SD of a's shares: mean .8/3, deviations .7/3, -.2/3, -.5/3: var = (.49 + .04 + .25)/9/2 = .78/18.
  std::vector<wt::budget_allocation> al{{"P1", "a", 50, "ann"}, {"P1", "b", 30, "ann"}, {"P1", "c", 20, "ann"},
                                        {"P1", "a", 20, "bob"}, {"P1", "b", 20, "bob"}, {"P1", "c", 60, "bob"},
                                        {"P1", "c", 6, "cid"},  {"P1", "b", 3, "cid"},  {"P1", "a", 1, "cid"}};
  const auto r = wt::budget_weights(fw, al);
  BOOST_TEST(at(r.weights, fw, "a") == 0.8 / 3, tt::tolerance(1e-12));
  BOOST_TEST(at(r.weights, fw, "b") == 0.8 / 3, tt::tolerance(1e-12));
  BOOST_TEST(at(r.weights, fw, "c") == 1.4 / 3, tt::tolerance(1e-12));
  BOOST_TEST(at(r.weights, fw, "d") == 3.0);  // P2 not allocated: nominal
  BOOST_REQUIRE_EQUAL(r.details.size(), 1u);
  const auto& d = r.details[0];
  BOOST_TEST((d.experts == std::vector<std::string>{"ann", "bob", "cid"}));
  BOOST_TEST(d.shares(2, 2) == 0.6, tt::tolerance(1e-12));
  BOOST_TEST(d.sd[0] == std::sqrt(0.78 / 18), tt::tolerance(1e-12));
  BOOST_TEST(d.min[0] == 0.1, tt::tolerance(1e-12));
  BOOST_TEST(d.max[0] == 0.5, tt::tolerance(1e-12));
  const auto rm = wt::budget_weights(fw, al, wt::budget_statistic::median);
  BOOST_TEST(at(rm.weights, fw, "a") == 2.0 / 11, tt::tolerance(1e-12));
  BOOST_TEST(at(rm.weights, fw, "b") == 3.0 / 11, tt::tolerance(1e-12));
  BOOST_TEST(at(rm.weights, fw, "c") == 6.0 / 11, tt::tolerance(1e-12));
  // One expert: the shares themselves, no spread (NaN standard deviation), 0 points allowed.
  const auto one = wt::budget_weights(fw, {{"P2", "d", 0, ""}, {"P2", "e", 4, ""}});
  BOOST_TEST(at(one.weights, fw, "d") == 0.0);
  BOOST_TEST(at(one.weights, fw, "e") == 1.0);
  BOOST_TEST(std::isnan(one.details[0].sd[0]));
}

BOOST_AUTO_TEST_CASE(bad_allocations_are_typed_errors) {
  const auto fw = tree();
  using A = std::vector<wt::budget_allocation>;
  auto data_msg = [&](const A& a) { return message_of<ci::data_error>([&] { wt::budget_weights(fw, a); }); };
  auto m = data_msg({{"P2", "d", 5, "ann"}});
  BOOST_TEST(contains(m, "node 'P2', expert 'ann', child 'e': no allocation"), m);
  m = data_msg({{"P2", "d", -5, "ann"}, {"P2", "e", 5, "ann"}});
  BOOST_TEST(contains(m, "node 'P2', expert 'ann', child 'd': points must be a non-negative number"), m);
  m = data_msg({{"P2", "d", 0, "ann"}, {"P2", "e", 0, "ann"}});
  BOOST_TEST(contains(m, "node 'P2', expert 'ann': the points sum to 0"), m);
  m = data_msg({{"P2", "d", 1, "ann"}, {"P2", "d", 1, "ann"}, {"P2", "e", 1, "ann"}});
  BOOST_TEST(contains(m, "child 'd': allocated twice"), m);
  m = message_of<ci::spec_error>([&] { wt::budget_weights(fw, {{"P2", "a", 1, ""}}); });
  BOOST_TEST(contains(m, "'a' is not a child of node 'P2'"), m);
  BOOST_CHECK_THROW(wt::budget_weights(fw, {{"Nope", "a", 1, ""}}), ci::spec_error);
}

BOOST_AUTO_TEST_SUITE_END()
