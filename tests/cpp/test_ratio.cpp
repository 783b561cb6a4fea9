// Ratio nodes (the GII's Innovation Efficiency Ratio: output sub-index / input sub-index):
// declaration, validation, scores, ranks, errors, and uncertainty analysis.
#include <boost/test/unit_test.hpp>

#include <compindex/io.hpp>
#include <compindex/pipeline.hpp>
#include <compindex/uncertainty.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace ci = compindex;
namespace ua = compindex::uncertainty;

namespace {

const double NA = std::nan("");

ci::node ratio_node(const std::string& code, const std::string& parent, const std::string& num, const std::string& den) {
  ci::node n;
  n.code = code;
  n.parent = parent;
  n.kind = ci::node_kind::ratio;
  n.numerator = num;
  n.denominator = den;
  return n;
}

// Index -> IN {a, b}, OUT {c, d}; optionally R = OUT / IN shown under Index.
std::vector<ci::node> tree() {
  return {{"Index", ""}, {"IN", "Index"}, {"OUT", "Index"}, {"a", "IN"}, {"b", "IN"}, {"c", "OUT"}, {"d", "OUT"}};
}
ci::framework with_ratio() {
  auto n = tree();
  n.push_back(ratio_node("R", "Index", "OUT", "IN"));
  return ci::framework(n);
}

ci::dataset three_units() {
  ci::matrix v(3, 4);
  // a   b   c   d
  v << 0, 30, 5, 1,  //
      10, 0, 10, 2,  //
      20, 10, 0, 3;
  return ci::dataset({"U1", "U2", "U3"}, v);
}

double score(const ci::framework& fw, const ci::result& r, const std::string& node, int unit) {
  return r.node_scores(fw, fw.index_of(node))[unit];
}
int rank(const ci::framework& fw, const ci::result& r, const std::string& node, int unit) {
  return static_cast<int>(r.ranks(unit, static_cast<ci::index_t>(fw.index_of(node))));
}

template <class E>
bool throws_with(const std::function<void()>& f, const std::vector<std::string>& needles) {
  try {
    f();
  } catch (const E& e) {
    const std::string what = e.what();
    for (auto& n : needles)
      if (what.find(n) == std::string::npos) {
        BOOST_TEST_MESSAGE("message was: " << what);
        return false;
      }
    return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ratio)

BOOST_AUTO_TEST_CASE(structure) {
  const auto fw = with_ratio();
  const auto r = fw.index_of("R");
  BOOST_TEST(fw.is_ratio(r));
  BOOST_TEST(!fw.is_indicator(r));
  BOOST_TEST(fw.numerator(r) == fw.index_of("OUT"));
  BOOST_TEST(fw.denominator(r) == fw.index_of("IN"));
  BOOST_TEST(fw.numerator(fw.index_of("IN")) == ci::framework::npos);
  // Not a child of its parent, but shown under it.
  BOOST_TEST(fw.children(fw.root()).size() == 2u);
  BOOST_TEST(fw.parent(r) == fw.root());
  BOOST_TEST(fw.children(r).empty());
  // A score column among the aggregates (the last one, in the given order), four indicators.
  BOOST_TEST(fw.n_indicators() == 4u);
  BOOST_TEST(fw.n_aggregates() == 4u);
  BOOST_TEST(fw.aggregate_column(r) == 3u);
  BOOST_TEST(fw.indicator_column(r) == ci::framework::npos);
  // Level: that of its operands (IN and OUT are at level 2); the index stays the top level.
  BOOST_TEST(fw.level(r) == 2);
  BOOST_TEST(fw.max_level() == 3);
  // Evaluated after both operands.
  const auto& order = fw.evaluation_order();
  auto pos = [&](const std::string& c) { return std::find(order.begin(), order.end(), fw.index_of(c)) - order.begin(); };
  BOOST_TEST(pos("R") > pos("IN"));
  BOOST_TEST(pos("R") > pos("OUT"));
  // Effective weight 0; the others as without it: IN, OUT 1/2, each indicator 1/4.
  const auto eff = ci::effective_weights(fw, fw.nominal_weights());
  BOOST_TEST(eff[static_cast<ci::index_t>(r)] == 0.0);
  BOOST_TEST(eff[static_cast<ci::index_t>(fw.index_of("c"))] == 0.25);
  // Its weight is ignored: even a NaN is no error.
  auto n = tree();
  n.push_back(ratio_node("R", "", "OUT", "IN"));
  n.back().weight = NA;
  const ci::framework fw2(n);
  BOOST_TEST(fw2.parent(fw2.index_of("R")) == ci::framework::npos);
  BOOST_TEST(fw2.root() == fw2.index_of("Index"));  // a ratio without a parent is not a second root
  // Declared by naming its operands alone (kind automatic).
  auto m = tree();
  ci::node a;
  a.code = "R";
  a.numerator = "OUT";
  a.denominator = "IN";
  m.push_back(a);
  BOOST_TEST(ci::framework(m).is_ratio(7));
}

BOOST_AUTO_TEST_CASE(scores_and_ranks_by_hand) {
  const auto fw = with_ratio();
  const auto r = ci::build(fw, three_units());
  // Min-max 0..100: a = 0, 50, 100; b = 100, 0, 100/3; c = 50, 100, 0; d = 0, 50, 100.
  // IN = (a + b)/2 = 50, 25, 200/3; OUT = (c + d)/2 = 25, 75, 50.
  // R = OUT / IN = 0.5, 3, 0.75: ranks U2 1, U3 2, U1 3.
  BOOST_TEST(score(fw, r, "IN", 2) == 200.0 / 3.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(score(fw, r, "R", 0) == 0.5, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(score(fw, r, "R", 1) == 3.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(score(fw, r, "R", 2) == 0.75, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(rank(fw, r, "R", 0) == 3);
  BOOST_TEST(rank(fw, r, "R", 1) == 1);
  BOOST_TEST(rank(fw, r, "R", 2) == 2);
  // The index is the mean of IN and OUT only: 37.5, 50, 175/3, as without the ratio node.
  BOOST_TEST(score(fw, r, "Index", 0) == 37.5, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(score(fw, r, "Index", 2) == 175.0 / 3.0, boost::test_tools::tolerance(1e-12));
  const ci::framework plain(tree());
  const auto p = ci::build(plain, three_units());
  for (int u = 0; u < 3; ++u) {
    BOOST_TEST(score(fw, r, "Index", u) == score(plain, p, "Index", u));
    BOOST_TEST(rank(fw, r, "Index", u) == rank(plain, p, "Index", u));
  }
  BOOST_TEST(r.effective_weights[7] == 0.0);
}

BOOST_AUTO_TEST_CASE(missing_operand_and_ratio_of_ratios) {
  auto n = tree();
  n.push_back(ratio_node("RR", "", "R", "Index"));  // a ratio of a ratio, declared before the ratio it divides
  n.push_back(ratio_node("R", "Index", "OUT", "IN"));
  const ci::framework fw(n);
  BOOST_TEST(fw.level(fw.index_of("RR")) == 3);  // max(level R = 2, level Index = 3)
  const auto& order = fw.evaluation_order();
  BOOST_TEST(order.back() == fw.index_of("RR"));
  ci::matrix v(3, 4);
  v << 0, 30, 5, 2,  //
      10, 0, 10, 1,  //
      20, 10, NA, NA;
  const auto r = ci::build(fw, ci::dataset({"U1", "U2", "U3"}, v));
  // c = 0, 100, NA; d = 100, 0, NA (min-max over U1, U2): OUT = 50, 50, NA.
  // IN = (a + b)/2 = 50, 25, 200/3 as before. R = 1, 2, NA (U3 has no OUT score: unranked).
  // Index = (IN + OUT)/2 = 50, 37.5, and 200/3 for U3 (its one child with a score).
  // RR = R / Index = 1/50 = 0.02, 2/37.5 = 4/75, NA.
  BOOST_TEST(std::isnan(score(fw, r, "R", 2)));
  BOOST_TEST(rank(fw, r, "R", 2) == 0);
  BOOST_TEST(score(fw, r, "R", 0) == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(score(fw, r, "R", 1) == 2.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(rank(fw, r, "R", 1) == 1);
  BOOST_TEST(rank(fw, r, "R", 0) == 2);
  BOOST_TEST(score(fw, r, "RR", 0) == 0.02, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(score(fw, r, "RR", 1) == 4.0 / 75.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(std::isnan(score(fw, r, "RR", 2)));
  BOOST_TEST(rank(fw, r, "RR", 1) == 1);
  BOOST_TEST(score(fw, r, "Index", 2) == 200.0 / 3.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(declaration_errors_name_the_node) {
  auto with = [](ci::node extra) {
    auto n = tree();
    n.push_back(std::move(extra));
    return [n]() { ci::framework fw(n); };
  };
  BOOST_TEST(throws_with<ci::spec_error>(with(ratio_node("R", "Index", "OUTPUT", "IN")), {"ratio node 'R'", "numerator 'OUTPUT'"}));
  BOOST_TEST(throws_with<ci::spec_error>(with(ratio_node("R", "Index", "OUT", "X")), {"ratio node 'R'", "denominator 'X'"}));
  BOOST_TEST(throws_with<ci::spec_error>(with(ratio_node("R", "Index", "OUT", "R")), {"ratio node 'R'", "denominator is the node itself"}));
  BOOST_TEST(throws_with<ci::spec_error>(with(ratio_node("R", "Index", "OUT", "")), {"ratio node 'R'", "no denominator"}));
  BOOST_TEST(throws_with<ci::spec_error>(with(ratio_node("R", "Index", "IN", "IN")), {"ratio node 'R'", "same node 'IN'"}));
  BOOST_TEST(throws_with<ci::spec_error>(with(ratio_node("R", "a", "OUT", "IN")), {"ratio node 'R'", "parent 'a' is an indicator"}));
  BOOST_TEST(throws_with<ci::spec_error>(with(ratio_node("R", "nowhere", "OUT", "IN")), {"node 'R'", "unknown parent 'nowhere'"}));
  ci::node declared;
  declared.code = "R";
  declared.parent = "Index";
  declared.kind = ci::node_kind::aggregate;
  declared.numerator = "OUT";
  BOOST_TEST(throws_with<ci::spec_error>(with(declared), {"node 'R'", "not a ratio"}));
  // A ratio with children; ratios dividing each other.
  auto n = tree();
  n.push_back(ratio_node("R", "Index", "OUT", "IN"));
  n.push_back({"e", "R"});
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::framework fw(n); }, {"ratio node 'R' has children ('e'"}));
  auto m = tree();
  m.push_back(ratio_node("R1", "", "R2", "IN"));
  m.push_back(ratio_node("R2", "", "R1", "OUT"));
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::framework fw(m); }, {"ratio node 'R", "cycle"}));
  // Per-node aggregation or coverage of a ratio node.
  const auto fw = with_ratio();
  ci::pipeline_spec s;
  s.aggregation_by_node["R"] = ci::aggregation::geometric_mean{};
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::plan p(fw, s); }, {"'R' is a ratio node", "'OUT' / 'IN'"}));
}

BOOST_AUTO_TEST_CASE(zero_and_negative_operands_name_the_unit) {
  const auto fw = with_ratio();
  ci::matrix v(3, 4);
  // U1 is the lowest on a and b: IN = 0 after min-max.
  v << 0, 0, 5, 1,  //
      10, 20, 10, 2,  //
      20, 10, 0, 3;
  BOOST_TEST(throws_with<ci::data_error>([&] { ci::build(fw, ci::dataset({"U1", "U2", "U3"}, v)); },
                                         {"ratio node 'R'", "unit 'U1'", "zero denominator", "'IN'"}));
  // z-scores are negative below the mean: an error naming the operand and the unit.
  ci::pipeline_spec z;
  z.normalization = ci::normalization::z_score{};
  BOOST_TEST(throws_with<ci::data_error>([&] { ci::build(fw, three_units(), z); }, {"ratio node 'R'", "unit 'U", "negative"}));
  // The same through the reusable aggregator.
  ci::matrix normalized(2, 4);
  normalized << 10, 20, 30, 40,  //
      10, 20, 0, -1;
  ci::matrix agg;
  ci::aggregator a(fw);
  ci::plan p(fw, {});
  BOOST_TEST(throws_with<ci::data_error>(
      [&] { a.run(normalized, p.weights, p.aggregation, p.coverage, {"A", "B"}, agg); },
      {"ratio node 'R'", "unit 'B'", "negative 'OUT' score (-0.5)"}));
  // Without ratios (what uncertainty analysis asks for) the column is NaN and nothing fails.
  ci::aggregator quiet(fw, false);
  quiet.run(normalized, p.weights, p.aggregation, p.coverage, {"A", "B"}, agg);
  BOOST_TEST(std::isnan(agg(0, 3)));
  BOOST_TEST(agg(1, 0) == 7.25);  // Index of B: IN 15, OUT -0.5 -> 7.25
}

BOOST_AUTO_TEST_CASE(uncertainty_analysis_thread_invariant_and_unchanged) {
  const auto fw = with_ratio();
  const ci::framework plain(tree());
  ci::matrix v(6, 4);
  v << 0, 30, 5, 1,  //
      10, 0, 10, 2,  //
      20, 10, 0, 3,  //
      5, 25, 7, 9,  //
      15, 5, 3, 4,  //
      12, 12, 8, 0;
  const ci::dataset data({"U1", "U2", "U3", "U4", "U5", "U6"}, v);
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};  // no zero denominators in the nominal run
  // z-scores make the ratio undefined; the analysis ranks the root and must not fail on it.
  std::vector<ua::factor> f{ua::weights_factor{},
                            ua::normalization_factor{"normalization", {ci::normalization::min_max{}, ci::normalization::z_score{}}},
                            ua::aggregation_factor{"aggregation", {ci::aggregation::arithmetic_mean{}, ci::aggregation::geometric_mean{}}, {}, 0}};
  ua::options o;
  o.n = 256;
  o.seed = 7;
  o.threads = 1;
  const auto a = ua::uncertainty_analysis(fw, data, spec, f, o);
  o.threads = 2;
  const auto b = ua::uncertainty_analysis(fw, data, spec, f, o);
  BOOST_TEST(a.n_successful == b.n_successful);
  BOOST_TEST((a.runs.inputs.array() == b.runs.inputs.array()).all());
  BOOST_TEST(((a.runs.scores.array() == b.runs.scores.array()) || (a.runs.scores.array().isNaN() && b.runs.scores.array().isNaN())).all());
  // The ratio node adds no input (its weight is in no aggregate) and changes no root score.
  const auto c = ua::uncertainty_analysis(plain, data, spec, f, o);
  BOOST_TEST(a.input_names == c.input_names);
  BOOST_TEST(a.n_successful == c.n_successful);
  BOOST_TEST(((a.runs.scores.array() == c.runs.scores.array()) || (a.runs.scores.array().isNaN() && c.runs.scores.array().isNaN())).all());
  BOOST_TEST((a.mean_rank.array() == c.mean_rank.array()).all());
  // Naming the ratio node in a factor is an error naming it.
  BOOST_TEST(throws_with<ci::spec_error>([&] { ua::uncertainty_analysis(fw, data, spec, {ua::weights_factor{"w", {"R"}}}, o); },
                                         {"'R' is a ratio node"}));
  BOOST_TEST(throws_with<ci::spec_error>([&] { ua::leave_one_out(fw, data, spec, {"R"}); }, {"'R' is a ratio node"}));
}

BOOST_AUTO_TEST_CASE(read_from_a_metadata_csv) {
  auto read = [](const std::string& text) {
    std::istringstream in(text);
    return ci::read_framework(ci::read_csv(in, "meta.csv"));
  };
  const std::string head = "code,parent,weight,kind,aggregation\nIndex,,,,\nIN,Index,,,\nOUT,Index,,,\na,IN,,,\nb,IN,,,\nc,OUT,,,\nd,OUT,,,\n";
  // The weight cell of a ratio row is not read; both forms of the cell, any case, quotes.
  for (const std::string row : {"R,Index,heavy,,\"ratio(numerator=OUT, denominator=IN)\"\n", "R,,,ratio,\"Ratio( 'OUT' , \"\"IN\"\" )\"\n",
                                "R,Index,,,\"ratio(denominator = IN, numerator = OUT)\"\n"}) {
    const auto fw = read(head + row);
    const auto r = fw.index_of("R");
    BOOST_TEST(fw.is_ratio(r));
    BOOST_TEST(fw.numerator(r) == fw.index_of("OUT"));
    BOOST_TEST(fw.denominator(r) == fw.index_of("IN"));
    // Scores as from the hand-built framework: R = 0.5, 3, 0.75.
    const auto res = ci::build(fw, three_units());
    BOOST_TEST(score(fw, res, "R", 1) == 3.0, boost::test_tools::tolerance(1e-12));
  }
  BOOST_TEST(throws_with<ci::spec_error>([&] { read(head + "R,Index,,,ratio(numerator=OUT)\n"); },
                                         {"meta.csv", "ratio node 'R'", "no denominator"}));
  BOOST_TEST(throws_with<ci::spec_error>([&] { read(head + "R,Index,,,\"ratio(top=OUT, denominator=IN)\"\n"); },
                                         {"ratio node 'R'", "unknown argument 'top'"}));
  BOOST_TEST(throws_with<ci::spec_error>([&] { read(head + "R,Index,,indicator,\"ratio(OUT, IN)\"\n"); },
                                         {"node 'R' is declared 'indicator'"}));
  BOOST_TEST(throws_with<ci::spec_error>([&] { read(head + "R,Index,,ratio,\n"); }, {"ratio node 'R'", "aggregation column"}));
  BOOST_TEST(throws_with<ci::spec_error>([&] { read(head + "R,Index,,,\"ratio(numerator=OUTPUT, denominator=IN)\"\n"); },
                                         {"meta.csv", "ratio node 'R'", "numerator 'OUTPUT'"}));
}

BOOST_AUTO_TEST_SUITE_END()
