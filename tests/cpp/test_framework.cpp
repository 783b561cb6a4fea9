// The index tree: structure, validation errors, weight sets, effective weights.
#include <boost/test/unit_test.hpp>

#include <compindex/framework.hpp>

#include <cmath>
#include <string>

namespace ci = compindex;
namespace tt = boost::test_tools;

namespace {

// Index -> {P1 -> {a, b}, P2 -> {S -> {c, d}, e}}: an uneven tree (P2 has a sub-pillar and an indicator).
std::vector<ci::node> uneven() {
  return {{"Index", ""}, {"P1", "Index", 2.0}, {"P2", "Index", 1.0}, {"a", "P1"}, {"b", "P1", 3.0},
          {"S", "P2"},   {"c", "S"},           {"d", "S", 1.0, -1},  {"e", "P2"}};
}

// True if constructing the framework throws spec_error whose message contains `needle`.
bool rejects(std::vector<ci::node> nodes, const std::string& needle) {
  try {
    ci::framework fw(std::move(nodes));
  } catch (const ci::spec_error& e) {
    if (std::string(e.what()).find(needle) != std::string::npos) return true;
    BOOST_TEST_MESSAGE("message was: " << e.what());
    return false;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(framework)

BOOST_AUTO_TEST_CASE(structure_of_an_uneven_tree) {
  ci::framework fw(uneven());
  BOOST_TEST(fw.size() == 9u);
  BOOST_TEST(fw.n_indicators() == 5u);
  BOOST_TEST((fw.indicator_codes() == ci::codes{"a", "b", "c", "d", "e"}));
  BOOST_TEST((fw.aggregate_codes() == ci::codes{"Index", "P1", "P2", "S"}));
  BOOST_TEST(fw.at(fw.root()).code == "Index");
  BOOST_TEST(fw.level(fw.index_of("a")) == 1);
  BOOST_TEST(fw.level(fw.index_of("S")) == 2);
  BOOST_TEST(fw.level(fw.index_of("P1")) == 2);
  BOOST_TEST(fw.level(fw.index_of("P2")) == 3);
  BOOST_TEST(fw.level(fw.root()) == 4);
  // Children come before parents in the evaluation order.
  const auto& order = fw.evaluation_order();
  auto pos = [&](const std::string& c) { return std::find(order.begin(), order.end(), fw.index_of(c)) - order.begin(); };
  BOOST_TEST(pos("S") < pos("P2"));
  BOOST_TEST(pos("P2") < pos("Index"));
  BOOST_TEST(pos("P1") < pos("Index"));
  BOOST_TEST(fw.ancestors(fw.index_of("c")).size() == 3u);
  BOOST_TEST(fw.find("nope") == ci::framework::npos);
  BOOST_CHECK_THROW(fw.index_of("nope"), ci::spec_error);
}

BOOST_AUTO_TEST_CASE(effective_weights_by_hand) {
  ci::framework fw(uneven());
  const auto eff = ci::effective_weights(fw, fw.nominal_weights());
  auto w = [&](const char* c) { return eff[static_cast<ci::index_t>(fw.index_of(c))]; };
  // P1: 2/3, P2: 1/3. a: 1/4 of P1 = 1/6, b: 3/4 of P1 = 1/2. S and e: 1/2 of P2 = 1/6 each;
  // c, d: 1/2 of S = 1/12 each.
  BOOST_TEST(w("P1") == 2.0 / 3, tt::tolerance(1e-15));
  BOOST_TEST(w("a") == 1.0 / 6, tt::tolerance(1e-15));
  BOOST_TEST(w("b") == 0.5, tt::tolerance(1e-15));
  BOOST_TEST(w("c") == 1.0 / 12, tt::tolerance(1e-15));
  BOOST_TEST(w("e") == 1.0 / 6, tt::tolerance(1e-15));
  BOOST_TEST(w("Index") == 1.0);
  // Scaling every weight by a constant changes nothing.
  const auto eff2 = ci::effective_weights(fw, 7.5 * fw.nominal_weights());
  BOOST_TEST((eff2 - eff).cwiseAbs().maxCoeff() < 1e-15);
}

BOOST_AUTO_TEST_CASE(weight_sets) {
  ci::framework fw(uneven());
  fw.add_weight_set("equal_pillars", {{"P1", 1.0}});
  const auto w = fw.weight_set("equal_pillars");
  BOOST_TEST(w[static_cast<ci::index_t>(fw.index_of("P1"))] == 1.0);
  BOOST_TEST(w[static_cast<ci::index_t>(fw.index_of("b"))] == 3.0);  // untouched
  BOOST_TEST((fw.weight_set("") - fw.nominal_weights()).norm() == 0.0);
  BOOST_TEST((fw.weight_set_names() == std::vector<std::string>{"equal_pillars"}));
  BOOST_CHECK_THROW(fw.weight_set("missing"), ci::spec_error);
  BOOST_CHECK_THROW(fw.add_weight_set("bad", {{"zz", 1.0}}), ci::spec_error);
  BOOST_CHECK_THROW(fw.add_weight_set("neg", {{"a", -1.0}}), ci::spec_error);
  BOOST_CHECK_THROW(fw.add_weight_set("zero", {{"a", 0.0}, {"b", 0.0}}), ci::spec_error);
}

BOOST_AUTO_TEST_CASE(validation_errors_name_the_node) {
  BOOST_TEST(rejects({}, "no nodes"));
  BOOST_TEST(rejects({{"I", ""}, {"a", "I"}, {"a", "I"}}, "duplicate code 'a'"));
  BOOST_TEST(rejects({{"I", ""}, {"", "I"}}, "empty code"));
  BOOST_TEST(rejects({{"I", ""}, {"a", "J"}}, "node 'a': unknown parent 'J'"));
  BOOST_TEST(rejects({{"I", ""}, {"a", "I"}, {"x", "y"}, {"y", "x"}}, "cycle"));
  BOOST_TEST(rejects({{"a", "a"}, {"I", ""}}, "its own parent"));
  BOOST_TEST(rejects({{"I", ""}, {"J", ""}, {"a", "I"}, {"b", "J"}}, "more than one root"));
  BOOST_TEST(rejects({{"I", ""}}, "root 'I' has no children"));
  ci::node agg{"P", "I"};
  agg.kind = ci::node_kind::aggregate;
  BOOST_TEST(rejects({{"I", ""}, {"a", "I"}, agg}, "aggregate 'P' has no children"));
  ci::node ind{"P", "I"};
  ind.kind = ci::node_kind::indicator;
  BOOST_TEST(rejects({{"I", ""}, ind, {"a", "P"}}, "indicator 'P' has children"));
  BOOST_TEST(rejects({{"I", ""}, {"a", "I", -1.0}}, "node 'a': weight must be"));
  BOOST_TEST(rejects({{"I", ""}, {"a", "I", std::nan("")}}, "node 'a': weight must be"));
  BOOST_TEST(rejects({{"I", ""}, {"a", "I", 0.0}, {"b", "I", 0.0}}, "aggregate 'I': the weights of its children sum to zero"));
  BOOST_TEST(rejects({{"I", ""}, {"a", "I", 1.0, 2}}, "node 'a': direction must be 1 or -1"));
  ci::node gp{"a", "I"};
  gp.lower = 5;
  gp.upper = 5;
  BOOST_TEST(rejects({{"I", ""}, gp}, "node 'a': goalposts need lower < upper"));
}

BOOST_AUTO_TEST_SUITE_END()
