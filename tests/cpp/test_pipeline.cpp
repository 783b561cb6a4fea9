// The whole pipeline: stages in order, per-node methods, coverage, weights, ranks, errors.
#include <boost/test/unit_test.hpp>

#include <compindex/detail/huge_pages.hpp>
#include <compindex/pipeline.hpp>

#include <fstream>

#include <cmath>
#include <random>
#include <string>

namespace ci = compindex;
namespace tt = boost::test_tools;

namespace {

const double NA = std::nan("");

// Index -> P1 {a, b, c}, P2 {d, e (weight 3)}.
ci::framework two_pillars() {
  return ci::framework({{"Index", ""}, {"P1", "Index"}, {"P2", "Index"}, {"a", "P1"}, {"b", "P1"}, {"c", "P1"},
                        {"d", "P2"}, {"e", "P2", 3.0}});
}

ci::dataset three_units() {
  ci::matrix v(3, 5);
  // a     b     c     d    e
  v << 10, 30, 50, 4, 1,    //
      20, NA, 60, 1, 4,     //
      NA, NA, 70, 9, 9;
  return ci::dataset({"U1", "U2", "U3"}, v);
}

double score(const ci::framework& fw, const ci::result& r, const std::string& node, int unit) {
  return r.node_scores(fw, fw.index_of(node))[unit];
}
// A node's rank of a unit as a double, NaN when unranked (stored as 0).
double rank(const ci::framework& fw, const ci::result& r, const std::string& node, int unit) {
  const ci::rank_t k = r.ranks(unit, static_cast<ci::index_t>(fw.index_of(node)));
  return k == ci::unranked ? std::nan("") : static_cast<double>(k);
}

template <class E>
bool throws_with(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
  } catch (const E& e) {
    const bool ok = std::string(e.what()).find(needle) != std::string::npos;
    if (!ok) BOOST_TEST_MESSAGE("message was: " << e.what());
    return ok;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pipeline)

BOOST_AUTO_TEST_CASE(per_node_methods_and_coverage) {
  const auto fw = two_pillars();
  ci::pipeline_spec spec;
  spec.normalization = ci::normalization::none{};
  spec.aggregation_by_node["P2"] = ci::aggregation::geometric_mean{};
  spec.coverage_by_node["P1"] = 2.0 / 3.0;
  const auto r = ci::build(fw, three_units(), spec);
  // P1 arithmetic: U1 (10+30+50)/3 = 30; U2 has a and c (2 of 3, enough): (20+60)/2 = 40; U3 has 1 of 3: missing.
  BOOST_TEST(score(fw, r, "P1", 0) == 30.0, tt::tolerance(1e-14));
  BOOST_TEST(score(fw, r, "P1", 1) == 40.0, tt::tolerance(1e-14));
  BOOST_TEST(std::isnan(score(fw, r, "P1", 2)));
  // P2 geometric, weights 1 and 3: U1 4^(1/4) = sqrt 2, U2 4^(3/4) = 2 sqrt 2, U3 9.
  BOOST_TEST(score(fw, r, "P2", 0) == std::sqrt(2.0), tt::tolerance(1e-14));
  BOOST_TEST(score(fw, r, "P2", 1) == 2 * std::sqrt(2.0), tt::tolerance(1e-14));
  BOOST_TEST(score(fw, r, "P2", 2) == 9.0, tt::tolerance(1e-14));
  // Index: the mean of the available pillars.
  BOOST_TEST(score(fw, r, "Index", 0) == (30 + std::sqrt(2.0)) / 2, tt::tolerance(1e-14));
  BOOST_TEST(score(fw, r, "Index", 1) == (40 + 2 * std::sqrt(2.0)) / 2, tt::tolerance(1e-14));
  BOOST_TEST(score(fw, r, "Index", 2) == 9.0, tt::tolerance(1e-14));
  BOOST_TEST(rank(fw, r, "Index", 0) == 2.0);
  BOOST_TEST(rank(fw, r, "Index", 1) == 1.0);
  BOOST_TEST(rank(fw, r, "Index", 2) == 3.0);
  BOOST_TEST(std::isnan(rank(fw, r, "P1", 2)));
  // Indicator ranks: c = 50, 60, 70 -> 3, 2, 1; a has a missing value, unranked.
  BOOST_TEST(rank(fw, r, "c", 0) == 3.0);
  BOOST_TEST(std::isnan(rank(fw, r, "a", 2)));
  // With an Index coverage of 1, U3 (P1 missing) loses its index score and a diagnostic says so.
  spec.coverage_by_node["Index"] = 1.0;
  const auto r2 = ci::build(fw, three_units(), spec);
  BOOST_TEST(std::isnan(score(fw, r2, "Index", 2)));
  BOOST_TEST(r2.diagnostics.size() == 1u);
  BOOST_TEST(r2.diagnostics[0].kind == "missing_score");
  BOOST_TEST(r2.diagnostics[0].message.find("'U3'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(min_max_direction_and_ranks) {
  // One pillar, two indicators; b is inverse. Min-max onto 0-100 after direction.
  ci::framework fw({{"I", ""}, {"a", "I"}, {"b", "I", 1.0, -1}});
  ci::matrix v(4, 2);
  v << 0, 10,  //
      5, 10,   //
      10, 0,   //
      10, 20;
  const auto r = ci::build(fw, ci::dataset({"w", "x", "y", "z"}, v));
  // a: 0, 50, 100, 100. b (inverse): (20-10)/20 = 50, 50, 100, 0. I: 25, 50, 100, 50.
  ci::vector expected(4);
  expected << 25, 50, 100, 50;
  BOOST_TEST((r.node_scores(fw, fw.root()) - expected).cwiseAbs().maxCoeff() < 1e-12);
  // Ties share the best place: x and z tie at 50 -> both 2nd, w 4th.
  BOOST_TEST(r.ranks(0, 0) == 4.0);
  BOOST_TEST(r.ranks(1, 0) == 2.0);
  BOOST_TEST(r.ranks(2, 0) == 1.0);
  BOOST_TEST(r.ranks(3, 0) == 2.0);
}

BOOST_AUTO_TEST_CASE(stages_in_order) {
  ci::framework fw({{"I", ""}, {"gdp", "I"}, {"pat", "I"}});
  ci::matrix v(4, 2);
  v << 100, 10,  //
      200, NA,   //
      300, 30,   //
      400, 20;
  ci::dataset d({"A", "B", "C", "D"}, v);
  ci::matrix pop(4, 1);
  pop << 10, 10, 20, 20;
  d.set_denominators({"population"}, pop);
  d.add_group("region", {"north", "north", "south", "south"});
  ci::pipeline_spec spec;
  spec.denominators["gdp"] = {"population", 1000.0};
  spec.imputation = ci::imputation::group_mean{"region"};
  const auto r = ci::build(fw, d, spec);
  // Denomination: gdp * 1000 / population = 10000, 20000, 15000, 20000.
  BOOST_TEST((*r.denominated)(0, 0) == 10000.0);
  BOOST_TEST((*r.denominated)(1, 0) == 20000.0);
  BOOST_TEST((*r.denominated)(2, 0) == 15000.0);
  BOOST_TEST((*r.denominated)(3, 0) == 20000.0);
  BOOST_TEST(r.raw->operator()(0, 0) == 100.0);  // the raw data are untouched
  // Imputation: B's patents take the mean of its group (north: A only) = 10.
  BOOST_TEST((*r.imputed)(1, 1) == 10.0);
  BOOST_TEST(r.imputed_cells.size() == 1u);
  BOOST_TEST(r.imputed_cells[0].first == 1);
  // No treatment: the treated data set is the imputed one (shared, not copied).
  BOOST_TEST(r.treated.get() == r.imputed.get());
  BOOST_TEST(r.raw.get() == d.values().data());  // the dataset's values themselves, not a copy
  BOOST_TEST(r.data(ci::stage::treated).data() == r.imputed.get());
}

BOOST_AUTO_TEST_CASE(weights_sets_and_overrides) {
  auto fw = two_pillars();
  fw.add_weight_set("output_heavy", {{"P2", 3.0}});
  ci::pipeline_spec spec;
  spec.normalization = ci::normalization::none{};
  spec.weight_set = "output_heavy";
  const auto r = ci::build(fw, three_units(), spec);
  // U1: (1 * 30 + 3 * P2)/4 where P2 arithmetic = (4 + 3 * 1)/4 = 1.75.
  BOOST_TEST(score(fw, r, "P2", 0) == 1.75, tt::tolerance(1e-14));
  BOOST_TEST(score(fw, r, "Index", 0) == (30 + 3 * 1.75) / 4, tt::tolerance(1e-14));
  BOOST_TEST(r.effective_weights[static_cast<ci::index_t>(fw.index_of("e"))] == 0.75 * 0.75, tt::tolerance(1e-14));
  spec.weights["P2"] = 1.0;  // an override on top of the set
  const auto r2 = ci::build(fw, three_units(), spec);
  BOOST_TEST(score(fw, r2, "Index", 0) == (30 + 1.75) / 2, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(copeland_at_one_node_arithmetic_elsewhere) {
  auto fw = two_pillars();
  ci::pipeline_spec spec;
  spec.normalization = ci::normalization::none{};
  spec.aggregation_by_node["P1"] = ci::aggregation::copeland{};
  const auto r = ci::build(fw, three_units(), spec);
  // P1 children a, b, c (equal weights). U1 vs U2: common a, c: U2 better on both -> U2 wins.
  // U1 vs U3: common c only: U3 better -> U3 wins. U2 vs U3: common c: U3 wins.
  // Copeland: U1 -2, U2 0, U3 +2.
  BOOST_TEST(score(fw, r, "P1", 0) == -2.0);
  BOOST_TEST(score(fw, r, "P1", 1) == 0.0);
  BOOST_TEST(score(fw, r, "P1", 2) == 2.0);
  // P2 stays arithmetic: U1 (4 + 3)/4.
  BOOST_TEST(score(fw, r, "P2", 0) == 1.75, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(dataset_borrows_memory) {
  // A dataset can view memory it does not own: the run reads it in place, the result's raw stage
  // is that memory, and the owner lives as long as the last holder.
  const ci::framework fw({{"I", ""}, {"a", "I"}, {"b", "I"}});
  auto owner = std::make_shared<std::vector<double>>(std::vector<double>{1, 2, 3, 30, 20, 10});  // column-major 3 x 2
  std::weak_ptr<std::vector<double>> watch = owner;
  ci::result r;
  {
    ci::dataset d({"p", "q", "r"}, ci::shared_matrix::borrow(owner->data(), 3, 2, owner));
    owner.reset();  // the dataset keeps it alive now
    BOOST_TEST(d.shared_values().borrowed());
    r = ci::build(fw, d);
    BOOST_TEST(r.raw.get() == d.values().data());
  }
  BOOST_TEST(!watch.expired());  // the result still holds it
  BOOST_TEST((*r.raw)(2, 1) == 10.0);
  // a: 0, 50, 100; b: 100, 50, 0 -> the index ties at 50: every unit shares rank 1.
  BOOST_TEST(r.ranks(0, 0) == 1);
  BOOST_TEST(r.ranks(2, 0) == 1);
  r = ci::result();
  BOOST_TEST(watch.expired());
  BOOST_CHECK_THROW(ci::dataset({"p", "q", "r"}, ci::shared_matrix::borrow(nullptr, 3, 2, nullptr)), ci::spec_error);  // no values
}

BOOST_AUTO_TEST_CASE(shared_matrix_reuse_only_when_sole_writable_holder) {
  auto m = std::make_shared<ci::matrix>(ci::matrix::Ones(2, 2));
  ci::shared_matrix a(m);
  BOOST_TEST(a.unique_owned() == nullptr);  // m still holds it
  m.reset();
  BOOST_TEST(a.unique_owned() != nullptr);
  ci::shared_matrix b = a;
  BOOST_TEST(a.unique_owned() == nullptr);  // shared with b
  ci::shared_matrix c(std::make_shared<const ci::matrix>(ci::matrix::Ones(2, 2)));
  BOOST_TEST(c.unique_owned() == nullptr);  // const: never written
  BOOST_TEST(!ci::shared_matrix());
}

// Large result matrices ask the kernel for transparent huge pages before their first write
// (detail/huge_pages.hpp); small ones are left alone. Values are unaffected.
BOOST_AUTO_TEST_CASE(large_matrices_ask_for_huge_pages) {
  namespace d = ci::detail;
  auto small = d::new_matrix<ci::matrix>(256, 256);  // 512 KiB
  BOOST_TEST(!d::advise_huge_pages(small->data(), sizeof(double) * 256 * 256));
  BOOST_TEST(!d::advise_huge_pages(nullptr, std::size_t(64) << 20));
  // Where the kernel offers transparent huge pages, advice on an 8 MiB matrix is taken.
  std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string mode;
  std::getline(thp, mode);
  if (thp && mode.find("[never]") == std::string::npos) {
    auto big = d::new_matrix<ci::matrix>(1024, 1024);
    BOOST_TEST(d::advise_huge_pages(big->data(), sizeof(double) * 1024 * 1024));
  }
  // Copies and resizes keep shapes and values.
  ci::matrix src(700, 800);
  for (ci::index_t j = 0; j < src.cols(); ++j)
    for (ci::index_t i = 0; i < src.rows(); ++i) src(i, j) = static_cast<double>(i) - 0.5 * static_cast<double>(j);
  auto copy = d::copy_matrix<ci::matrix>(src);
  BOOST_TEST(copy->rows() == 700);
  BOOST_TEST(copy->cols() == 800);
  BOOST_TEST((*copy)(699, 799) == 699.0 - 399.5);
  BOOST_TEST((*copy == src));
  ci::rank_matrix r;
  d::resize_matrix(r, 3000, 400);
  BOOST_TEST(r.rows() == 3000);
  BOOST_TEST(r.cols() == 400);
  const ci::rank_t* before = r.data();
  d::resize_matrix(r, 3000, 400);  // same shape: the same memory
  BOOST_TEST(r.data() == before);
}

BOOST_AUTO_TEST_CASE(group_ranks) {
  ci::framework fw({{"I", ""}, {"a", "I"}, {"b", "I"}});
  ci::matrix v(5, 2);
  v << 1, 1, 2, 2, 3, 3, 4, 4, 3, 3;
  ci::dataset d({"p", "q", "r", "s", "t"}, v);
  d.add_group("region", {"A", "B", "A", "B", ""});
  const auto res = ci::build(fw, d);
  const auto g = ci::rank_within_groups(fw, res, d, "region");
  const auto root = static_cast<ci::index_t>(fw.root());
  // Region A: p (1), r (3) -> r 1st, p 2nd. Region B: q (2), s (4) -> s 1st, q 2nd. t has no region.
  BOOST_TEST(g(0, root) == 2.0);
  BOOST_TEST(g(2, root) == 1.0);
  BOOST_TEST(g(1, root) == 2.0);
  BOOST_TEST(g(3, root) == 1.0);
  BOOST_TEST(g(4, root) == ci::unranked);
  BOOST_CHECK_THROW(ci::rank_within_groups(fw, res, d, "province"), ci::spec_error);
}

BOOST_AUTO_TEST_CASE(treatment_in_the_pipeline) {
  // b has one huge outlier: winsorized to the next value before min-max.
  ci::framework fw({{"I", ""}, {"a", "I"}, {"b", "I"}});
  ci::matrix v(10, 2);
  for (int i = 0; i < 10; ++i) v(i, 0) = i, v(i, 1) = i;
  v(9, 1) = 1000;
  ci::codes units;
  for (int i = 0; i < 10; ++i) units.push_back("u" + std::to_string(i));
  ci::pipeline_spec spec;
  spec.treatment = ci::treatment::gii{};
  const auto r = ci::build(fw, ci::dataset(units, v), spec);
  BOOST_TEST(r.treatment.size() == 2u);
  BOOST_TEST(r.treatment[0].action == ci::treatment_action::none);
  BOOST_TEST(r.treatment[1].action == ci::treatment_action::winsorized);
  BOOST_TEST((*r.treated)(9, 1) == 8.0);
  // After winsorization u8 and u9 tie at the top of b: both 100.
  BOOST_TEST((*r.normalized)(9, 1) == 100.0);
  BOOST_TEST((*r.normalized)(8, 1) == 100.0);
  // A per-indicator override turns treatment off for b.
  spec.treatment_by_indicator["b"] = ci::treatment::none{};
  const auto r2 = ci::build(fw, ci::dataset(units, v), spec);
  BOOST_TEST((*r2.treated)(9, 1) == 1000.0);
}

// three_units() with a second value of b, so every indicator can be min-max normalized.
ci::dataset three_units_complete() {
  ci::matrix v = three_units().values();
  v(1, 1) = 40;
  return ci::dataset({"U1", "U2", "U3"}, v);
}

BOOST_AUTO_TEST_CASE(errors_name_what_is_wrong) {
  const auto fw = two_pillars();
  ci::matrix bad(3, 4);
  bad.setOnes();
  BOOST_TEST(throws_with<ci::data_error>([&] { ci::build(fw, ci::dataset({"a", "b", "c"}, bad)); },
                                         "4 indicator columns, but the framework has 5"));
  ci::matrix v = three_units_complete().values();
  v(1, 3) = std::numeric_limits<double>::infinity();
  BOOST_TEST(throws_with<ci::data_error>([&] { ci::build(fw, ci::dataset({"U1", "U2", "U3"}, v)); },
                                         "indicator 'd': unit 'U2' has an infinite value"));
  v = three_units_complete().values();
  v.col(1).setConstant(NA);
  BOOST_TEST(throws_with<ci::data_error>([&] { ci::build(fw, ci::dataset({"U1", "U2", "U3"}, v)); },
                                         "indicator 'b' has no data"));
  v = three_units_complete().values();
  v.col(4).setConstant(2.0);
  BOOST_TEST(throws_with<ci::data_error>([&] { ci::build(fw, ci::dataset({"U1", "U2", "U3"}, v)); },
                                         "indicator 'e' is constant"));
  // Geometric mean on min-max data meets a 0: the message names node, unit and child.
  ci::pipeline_spec spec;
  spec.aggregation_by_node["P2"] = ci::aggregation::geometric_mean{};
  BOOST_TEST(throws_with<ci::data_error>([&] { ci::build(fw, three_units_complete(), spec); }, "node 'P2': geometric_mean needs positive values, but unit 'U2' has 0 for 'd'"));
  // ... and a positive range fixes it.
  spec.output_range = {1.0, 100.0};
  BOOST_CHECK_NO_THROW(ci::build(fw, three_units_complete(), spec));
  // Spec errors.
  ci::pipeline_spec s2;
  s2.normalization_by_indicator["zz"] = ci::normalization::rank{};
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::plan(fw, s2); }, "unknown indicator 'zz'"));
  ci::pipeline_spec s3;
  s3.aggregation_by_node["a"] = ci::aggregation::harmonic_mean{};
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::plan(fw, s3); }, "'a' is an indicator, not an aggregate"));
  ci::pipeline_spec s4;
  s4.coverage = 1.5;
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::plan(fw, s4); }, "coverage must be between 0 and 1"));
  ci::pipeline_spec s5;
  s5.normalization = ci::normalization::goalposts{};
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::plan(fw, s5); }, "indicator 'a': goalposts normalization needs"));
  ci::pipeline_spec s6;
  s6.weight_set = "expert";
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::plan(fw, s6); }, "unknown weight set 'expert'"));
  ci::pipeline_spec s7;
  s7.output_range = {5.0, 5.0};
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::plan(fw, s7); }, "two different finite bounds"));
  s7.output_range = {100.0, 0.0};  // would rank the best unit last
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::plan(fw, s7); }, "needs lower < upper, got (100, 0)"));
  ci::pipeline_spec s8;
  s8.denominators["a"] = {"population", 1.0};
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::build(fw, three_units_complete(), s8); }, "denominator 'population' is not in the data"));
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::dataset({"x", "x"}, ci::matrix::Zero(2, 1)); }, "duplicate unit code 'x'"));
  BOOST_TEST(throws_with<ci::spec_error>([&] { ci::dataset({"x", "y"}, ci::matrix::Zero(3, 1)); }, "2 unit codes but 3 rows"));
}

BOOST_AUTO_TEST_CASE(goalposts_from_the_framework) {
  // HDI-style: life expectancy with goalposts 20-85, income log-transformed with goalposts 100-75000,
  // aggregated by the geometric mean.
  ci::node le{"le", "HDI"}, inc{"inc", "HDI"};
  le.lower = 20, le.upper = 85;
  inc.lower = 100, inc.upper = 75000;
  ci::framework fw({{"HDI", ""}, le, inc});
  ci::matrix v(2, 2);
  v << 72.5, 15000,  //
      90.0, 200;
  ci::pipeline_spec spec;
  spec.normalization = ci::normalization::goalposts{};
  spec.output_range = {0.0, 1.0};
  spec.transform_by_indicator["inc"] = ci::transform::log{};
  spec.aggregation = ci::aggregation::geometric_mean{};
  const auto r = ci::build(fw, ci::dataset({"A", "B"}, v), spec);
  const double i_le = (72.5 - 20) / 65.0;
  const double i_inc = (std::log(15000.0) - std::log(100.0)) / (std::log(75000.0) - std::log(100.0));
  BOOST_TEST((*r.normalized)(0, 0) == i_le, tt::tolerance(1e-14));
  BOOST_TEST((*r.normalized)(0, 1) == i_inc, tt::tolerance(1e-14));
  BOOST_TEST(r.node_scores(fw, fw.root())[0] == std::sqrt(i_le * i_inc), tt::tolerance(1e-14));
  // B's life expectancy is above the upper goalpost: clamped to 1.
  BOOST_TEST((*r.normalized)(1, 0) == 1.0);
  // Below the lower goalpost: clamped to 0, which the geometric mean refuses, naming node, unit and child.
  v(1, 1) = 50;
  BOOST_TEST(throws_with<ci::data_error>([&] { ci::build(fw, ci::dataset({"A", "B"}, v), spec); },
                                         "node 'HDI': geometric_mean needs positive values, but unit 'B' has 0 for 'inc'"));
}

BOOST_AUTO_TEST_CASE(treatment_log_maps_goalposts_too) {
  // 60 small values and 9 large ones: winsorizing 5 points is not enough, so the GII rule falls
  // back to the COIN Tool log f(v) = ln(v - min + 0.01 (max - min)), fitted on min 1, max 1000.
  // Goalposts 1 and 1000 are raw values: they go through the same f, so the unit at the upper
  // goalpost scores 1 and the others (f(v) - f(1)) / (f(1000) - f(1)).
  ci::node x{"x", "I"};
  x.lower = 1, x.upper = 1000;
  ci::framework fw({{"I", ""}, x});
  std::vector<double> raw;
  for (int i = 0; i < 60; ++i) raw.push_back(1.0 + i % 4);
  for (double v : {100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 1000.0}) raw.push_back(v);
  const auto n = static_cast<ci::index_t>(raw.size());
  ci::matrix v(n, 1);
  ci::codes units;
  for (ci::index_t i = 0; i < n; ++i) v(i, 0) = raw[static_cast<std::size_t>(i)], units.push_back("u" + std::to_string(i));
  ci::pipeline_spec spec;
  spec.treatment = ci::treatment::gii{};
  spec.normalization = ci::normalization::goalposts{};
  spec.output_range = {0.0, 1.0};
  const auto r = ci::build(fw, ci::dataset(units, v), spec);
  BOOST_TEST(r.treatment.at(0).action == ci::treatment_action::log_transformed);
  auto f = [](double t) { return std::log(t - 1.0 + 0.01 * 999.0); };
  BOOST_TEST((*r.normalized)(n - 1, 0) == 1.0, tt::tolerance(1e-14));
  BOOST_TEST((*r.normalized)(1, 0) == (f(2.0) - f(1.0)) / (f(1000.0) - f(1.0)), tt::tolerance(1e-13));
  BOOST_TEST((*r.normalized)(60, 0) == (f(100.0) - f(1.0)) / (f(1000.0) - f(1.0)), tt::tolerance(1e-13));
  BOOST_TEST(ci::treated_value(r.treatment.at(0), 2.0) == f(2.0), tt::tolerance(1e-15));
  // A goalpost the fitted log cannot take (1 - 9.99 or below) is an error that names it.
  ci::framework fw2({{"I", ""}, {"x", "I"}});
  spec.normalization = ci::normalization::goalposts{-50.0, 1000.0};
  BOOST_TEST(throws_with<ci::data_error>([&] { ci::build(fw2, ci::dataset(units, v), spec); },
                                         "indicator 'x': its lower goalpost -50 is outside the domain of the log transform the "
                                         "outlier treatment applied (fitted on values from 1 to 1000)"));
  // Without treatment the goalposts stay as they are: (2 - 1) / 999.
  spec.treatment = ci::treatment::none{};
  spec.normalization = ci::normalization::goalposts{};
  const auto plain = ci::build(fw, ci::dataset(units, v), spec);
  BOOST_TEST((*plain.normalized)(1, 0) == 1.0 / 999.0, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(aggregation_with_missing_values_matches_the_formula) {
  // Aggregation sums every child per block of rows and redoes the rows with a missing child one by
  // one. Check both paths against the definition, over 5000 units (several blocks) with 5% of
  // values missing: each aggregate = sum w x / sum w over the children present (zero weights
  // excluded), NaN when fewer than coverage x (weighted children) are present.
  const ci::framework fw({{"I", ""}, {"P1", "I"}, {"P2", "I"}, {"a", "P1"}, {"b", "P1"}, {"c", "P1"}, {"d", "P2"}, {"e", "P2"}});
  const ci::index_t n = 5000, k = 5;
  std::mt19937_64 gen(11);
  std::uniform_real_distribution<double> u(0.0, 100.0), miss(0.0, 1.0);
  ci::matrix x(n, k);
  for (ci::index_t j = 0; j < k; ++j)
    for (ci::index_t i = 0; i < n; ++i) x(i, j) = miss(gen) < 0.05 ? NA : u(gen);
  ci::codes units;
  for (ci::index_t i = 0; i < n; ++i) units.push_back("u" + std::to_string(i));
  for (const double coverage : {0.0, 0.6}) {
    ci::vector w = ci::vector::Ones(static_cast<ci::index_t>(fw.size()));
    w[static_cast<ci::index_t>(fw.index_of("b"))] = 2.5;
    w[static_cast<ci::index_t>(fw.index_of("c"))] = 0.0;  // excluded from P1 (and from its coverage)
    const std::vector<ci::aggregation::method> methods(fw.size(), ci::aggregation::arithmetic_mean{});
    const std::vector<double> cov(fw.size(), coverage);
    const ci::matrix agg = ci::aggregate(fw, x, w, methods, cov, units);
    auto mean = [&](const std::vector<std::pair<double, double>>& vw, double weighted) {
      double s = 0.0, sw = 0.0, present = 0.0;
      for (auto [v, wt] : vw)
        if (wt != 0.0 && !std::isnan(v)) s += wt * v, sw += wt, present += 1.0;
      return present == 0.0 || present < coverage * weighted - 1e-12 ? NA : s / sw;
    };
    int wrong = 0, missing = 0;
    for (ci::index_t i = 0; i < n; ++i) {
      const double p1 = mean({{x(i, 0), 1.0}, {x(i, 1), 2.5}, {x(i, 2), 0.0}}, 2.0);
      const double p2 = mean({{x(i, 3), 1.0}, {x(i, 4), 1.0}}, 2.0);
      const double idx = mean({{p1, 1.0}, {p2, 1.0}}, 2.0);
      const double got[] = {agg(i, static_cast<ci::index_t>(fw.aggregate_column(fw.index_of("P1")))),
                            agg(i, static_cast<ci::index_t>(fw.aggregate_column(fw.index_of("P2")))),
                            agg(i, static_cast<ci::index_t>(fw.aggregate_column(fw.index_of("I"))))};
      const double want[] = {p1, p2, idx};
      for (int q = 0; q < 3; ++q) {
        missing += std::isnan(want[q]);
        wrong += std::isnan(want[q]) != std::isnan(got[q]) || (!std::isnan(want[q]) && std::abs(got[q] - want[q]) > 1e-12);
      }
    }
    BOOST_TEST(wrong == 0, "coverage " << coverage);
    BOOST_TEST(missing > 0);  // some aggregates lack data (all children missing, or too few)
  }
}

BOOST_AUTO_TEST_SUITE_END()
