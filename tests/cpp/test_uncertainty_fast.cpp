// The uncertainty engine's fast path (arithmetic and geometric means computed by the engine
// itself on cached normalized data and logs) against two oracles, replication by replication:
//  - the general path it replaces, kept here as written before: the library's aggregator over
//    the variant's normalized data with its cached logs, then the ranks of the root; the scores
//    must be equal to the bit, the ranks equal, and a failing replication must fail with the same
//    reason;
//  - the whole pipeline, build(), with the replication's weights, normalization and aggregation:
//    equal to the bit for arithmetic means; for geometric means to 1e-12 relative, the tolerance
//    of the existing comparisons (tests/python/test_weight_sets_uncertainty.py), because the
//    engine takes logs once per normalized data set (Eigen's log) where build() takes std::log.
// The data have missing values, ties, +0 and -0, a constant column and values that min-max puts
// at 0 (which a geometric mean refuses).
#include <boost/test/unit_test.hpp>

#include <compindex/uncertainty.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

namespace ci = compindex;
namespace ua = compindex::uncertainty;

namespace {

// 40 units x 12 indicators: pillars of 4, 3, 1 (a pillar with a single child), 4, in two
// sub-indices.
ci::framework tree() {
  std::vector<ci::node> n{{"I", ""}, {"S1", "I"}, {"S2", "I"}, {"P0", "S1"}, {"P1", "S1"}, {"P2", "S2"}, {"P3", "S2"}};
  const int sizes[] = {4, 3, 1, 4};
  int j = 0;
  for (int p = 0; p < 4; ++p)
    for (int k = 0; k < sizes[p]; ++k) n.push_back({"x" + std::to_string(j++), "P" + std::to_string(p)});
  n[static_cast<std::size_t>(7 + 5)].direction = -1;
  return ci::framework(n);
}

// with_missing: about 4% missing cells; constant: indicator x10 constant (min-max then fails).
ci::dataset data(std::uint64_t seed, bool with_missing, bool constant) {
  std::mt19937_64 g(seed);
  std::lognormal_distribution<double> ln(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  ci::matrix v(40, 12);
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 12; ++j) v(i, j) = ln(g);
  for (int i = 0; i + 1 < 40; i += 3) v(i, 1) = v(i + 1, 1);  // ties
  for (int i = 0; i < 40; i += 5) v(i, 2) = 2.5;           // more ties
  v(3, 4) = 0.0, v(4, 4) = -0.0, v(5, 4) = 0.0;            // +0 and -0 (and the column's minimum)
  for (int i = 0; i < 40; ++i) v(i, 5) -= 1.0;             // some negative values
  if (constant)
    for (int i = 0; i < 40; ++i) v(i, 10) = 7.0;
  if (with_missing)
    for (int i = 0; i < 40; ++i)
      for (int j = 0; j < 12; ++j)
        if (u(g) < 0.04) v(i, j) = ci::nan;
  ci::codes units;
  for (int i = 0; i < 40; ++i) units.push_back("u" + std::to_string(i));
  return ci::dataset(units, v);
}

bool same_bits(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// The general path, as the engine computed every replication before the fast path: the
// variant's normalized data (run_indicators), its logs taken once with Eigen, the library's
// aggregator (ratios off), the ranks of the root.
struct old_replication {
  bool failed = false;
  std::string reason;
  ci::vector scores, ranks;
};

old_replication general_path(const ci::framework& fw, const ci::dataset& d, const ci::pipeline_spec& variant_spec,
                             const ci::vector& w, const std::vector<ci::aggregation::method>& methods) {
  old_replication out;
  const ci::plan pl(fw, variant_spec);
  ci::result r;
  try {
    ci::run_indicators(pl, d, r);
  } catch (const std::exception& e) {
    out.failed = true;
    out.reason = e.what();
    return out;
  }
  const ci::matrix logs = r.normalized->array().log().matrix();
  ci::aggregator agg(fw, false);
  ci::matrix a;
  try {
    agg.run(*r.normalized, w, methods, pl.coverage, d.units(), a, &logs);
  } catch (const std::exception& e) {
    out.failed = true;
    out.reason = e.what();
    return out;
  }
  out.scores = a.col(static_cast<ci::index_t>(fw.aggregate_column(fw.root())));
  out.ranks = ci::rank_scores(out.scores);
  return out;
}

struct setup {
  std::vector<ci::normalization::method> norms;
  std::vector<ci::aggregation::method> aggs;
};

// Runs the engine and checks every replication against the general path (bit for bit) and,
// where it succeeds, against build() (bit for bit for arithmetic means, 1e-12 for geometric).
// Returns the number of successful replications.
std::size_t check_against_oracles(const ci::framework& fw, const ci::dataset& d, const ci::pipeline_spec& spec,
                                  const std::vector<ua::factor>& factors, const setup& s, std::size_t n, bool compare_build = true) {
  ua::engine e(fw, d, spec, factors);
  ua::options o;
  o.n = n;
  o.seed = 5;
  o.threads = 1;
  const auto runs = e.evaluate(e.sample(0, n, o), 0, o);
  o.threads = 2;
  const auto runs2 = e.evaluate(e.sample(0, n, o), 0, o);
  std::size_t ok = 0, fi = 0;
  int f_norm = -1, f_agg = -1;
  for (std::size_t k = 0; k < factors.size(); ++k) {
    if (std::holds_alternative<ua::normalization_factor>(factors[k])) f_norm = static_cast<int>(k);
    if (std::holds_alternative<ua::aggregation_factor>(factors[k])) f_agg = static_cast<int>(k);
  }
  for (std::size_t r = 0; r < n; ++r) {
    const auto ri = static_cast<ci::index_t>(r);
    ci::pipeline_spec vs = spec;
    if (f_norm >= 0) vs.normalization = s.norms[static_cast<std::size_t>(runs.choices[r][static_cast<std::size_t>(f_norm)])];
    const ci::plan base(fw, spec);
    std::vector<ci::aggregation::method> methods = base.aggregation;
    if (f_agg >= 0) {
      const auto& af = std::get<ua::aggregation_factor>(factors[static_cast<std::size_t>(f_agg)]);
      for (auto a : fw.aggregates())
        if (af.nodes.empty() || std::find(af.nodes.begin(), af.nodes.end(), fw.at(a).code) != af.nodes.end())
          methods[a] = s.aggs[static_cast<std::size_t>(runs.choices[r][static_cast<std::size_t>(f_agg)])];
    }
    const ci::vector w = runs.weights_used.size() ? ci::vector(runs.weights_used.row(ri).transpose()) : base.weights;
    const auto want = general_path(fw, d, vs, w, methods);
    // The thread count changes nothing.
    for (ci::index_t u = 0; u < d.n_units(); ++u) BOOST_TEST_REQUIRE(same_bits(runs.scores(ri, u), runs2.scores(ri, u)));
    if (want.failed) {
      BOOST_TEST_REQUIRE(fi < runs.failures.size());
      BOOST_TEST(runs.failures[fi].replication == r);
      BOOST_TEST(runs.failures[fi].reason == want.reason);
      ++fi;
      BOOST_TEST(std::isnan(runs.scores(ri, 0)));
      continue;
    }
    ++ok;
    for (ci::index_t u = 0; u < d.n_units(); ++u) {
      BOOST_TEST_REQUIRE(same_bits(runs.scores(ri, u), want.scores[u]), "replication " << r << ", unit " << u << ": "
                                                                            << runs.scores(ri, u) << " vs " << want.scores[u]);
      BOOST_TEST_REQUIRE(same_bits(runs.ranks(ri, u), want.ranks[u]));
    }
    if (!compare_build) continue;
    // The whole pipeline with this replication's choices: every node's weight set explicitly.
    ci::pipeline_spec bs = vs;
    for (std::size_t i = 0; i < fw.size(); ++i)
      if (i != fw.root()) bs.weights[fw.at(i).code] = w[static_cast<ci::index_t>(i)];
    bool geo = false;  // some node takes logs
    for (auto a : fw.aggregates()) {
      bs.aggregation_by_node[fw.at(a).code] = methods[a];
      geo = geo || !std::holds_alternative<ci::aggregation::arithmetic_mean>(methods[a]);
    }
    ci::result full;
    try {
      full = ci::build(fw, d, bs);
    } catch (const ci::spec_error&) {
      continue;  // build() refuses an aggregate whose every child has weight 0 (the engine leaves it unscored)
    }
    const ci::vector direct = full.node_scores(fw, fw.root());
    for (ci::index_t u = 0; u < d.n_units(); ++u) {
      const double a = runs.scores(ri, u), b = direct[u];
      if (!geo) {
        BOOST_TEST_REQUIRE(same_bits(a, b), "replication " << r << ", unit " << u << ": " << a << " vs build() " << b);
      } else {
        BOOST_TEST_REQUIRE(std::isnan(a) == std::isnan(b));
        if (!std::isnan(a)) BOOST_TEST_REQUIRE(std::abs(a - b) <= 1e-12 * std::abs(b));
      }
    }
  }
  BOOST_TEST(fi == runs.failures.size());
  return ok;
}


// summarize() as it was before the outranking counts became integers and the quantiles counts
// (the oracle of summary_statistics_unchanged): sorting per unit, counters of doubles.
struct old_summary {
  ci::vector mean_rank, median_rank, p05_rank, p95_rank, mean_abs_shift;
  ci::matrix outrank;
  std::size_t n_successful = 0;
};

double old_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

old_summary old_summarize(const ci::vector& nominal_ranks, const ua::replications& runs) {
  old_summary s;
  const ci::index_t rows = runs.ranks.rows(), n = runs.ranks.cols();
  std::vector<char> ok(static_cast<std::size_t>(rows), 1);
  for (auto& f : runs.failures) {
    auto it = std::lower_bound(runs.index.begin(), runs.index.end(), f.replication);
    if (it != runs.index.end() && *it == f.replication) ok[static_cast<std::size_t>(it - runs.index.begin())] = 0;
  }
  for (auto c : ok) s.n_successful += c != 0;
  s.mean_rank.setConstant(n, ci::nan);
  s.median_rank.setConstant(n, ci::nan);
  s.p05_rank.setConstant(n, ci::nan);
  s.p95_rank.setConstant(n, ci::nan);
  std::vector<double> v;
  for (ci::index_t u = 0; u < n; ++u) {
    v.clear();
    for (ci::index_t r = 0; r < rows; ++r)
      if (ok[static_cast<std::size_t>(r)] && !std::isnan(runs.ranks(r, u))) v.push_back(runs.ranks(r, u));
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    s.mean_rank[u] = sum / static_cast<double>(v.size());
    s.median_rank[u] = old_quantile(v, 0.5);
    s.p05_rank[u] = old_quantile(v, 0.05);
    s.p95_rank[u] = old_quantile(v, 0.95);
  }
  s.mean_abs_shift.setConstant(rows, ci::nan);
  for (ci::index_t r = 0; r < rows; ++r) {
    if (!ok[static_cast<std::size_t>(r)]) continue;
    double sum = 0;
    ci::index_t m = 0;
    for (ci::index_t u = 0; u < n; ++u) {
      const double a = runs.ranks(r, u), b = nominal_ranks[u];
      if (std::isnan(a) || std::isnan(b)) continue;
      sum += std::abs(a - b);
      ++m;
    }
    if (m) s.mean_abs_shift[r] = sum / static_cast<double>(m);
  }
  const auto nn = static_cast<std::size_t>(n);
  std::vector<double> wins(nn * nn, 0.0), both(nn * nn, 0.0);
  for (ci::index_t r = 0; r < rows; ++r)
    for (std::size_t i = 0; i < nn; ++i) {
      const double a = runs.ranks(r, static_cast<ci::index_t>(i));
      if (!ok[static_cast<std::size_t>(r)] || std::isnan(a)) continue;
      for (std::size_t j = 0; j < nn; ++j) {
        const double b = runs.ranks(r, static_cast<ci::index_t>(j));
        const double val = std::isnan(b) ? 0.0 : 1.0;
        both[i * nn + j] += val;
        wins[i * nn + j] += (a < b) ? val : 0.0;
      }
    }
  s.outrank = ci::matrix::Constant(n, n, ci::nan);
  for (std::size_t i = 0; i < nn; ++i)
    for (std::size_t j = 0; j < nn; ++j)
      if (i != j && both[i * nn + j] > 0)
        s.outrank(static_cast<ci::index_t>(i), static_cast<ci::index_t>(j)) = wins[i * nn + j] / both[i * nn + j];
  return s;
}

bool same_vector(const ci::vector& a, const ci::vector& b) {
  if (a.size() != b.size()) return false;
  for (ci::index_t i = 0; i < a.size(); ++i)
    if (!same_bits(a[i], b[i])) return false;
  return true;
}

void check_summary(const ua::engine& e, const ua::replications& runs, unsigned threads) {
  ua::options o;
  o.threads = threads;
  const auto want = old_summarize(e.nominal_ranks(), runs);
  const auto got = ua::summarize(e, runs, o);
  BOOST_TEST(got.n_successful == want.n_successful);
  BOOST_TEST(same_vector(got.mean_rank, want.mean_rank));
  BOOST_TEST(same_vector(got.median_rank, want.median_rank));
  BOOST_TEST(same_vector(got.p05_rank, want.p05_rank));
  BOOST_TEST(same_vector(got.p95_rank, want.p95_rank));
  BOOST_TEST(same_vector(got.mean_abs_shift, want.mean_abs_shift));
  BOOST_TEST_REQUIRE(got.outrank_probability.rows() == want.outrank.rows());
  for (ci::index_t i = 0; i < want.outrank.rows(); ++i)
    for (ci::index_t j = 0; j < want.outrank.cols(); ++j)
      BOOST_TEST_REQUIRE(same_bits(got.outrank_probability(i, j), want.outrank(i, j)), "outranking " << i << ", " << j);
}

const setup means{{ci::normalization::min_max{}, ci::normalization::percentile_rank{}},
                  {ci::aggregation::arithmetic_mean{}, ci::aggregation::geometric_mean{}}};

}  // namespace

BOOST_AUTO_TEST_SUITE(uncertainty_fast)

BOOST_AUTO_TEST_CASE(complete_data_weights_and_means) {
  const auto fw = tree();
  const auto d = data(1, false, false);
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  std::vector<ua::factor> f{ua::weights_factor{"weights", {"S1", "S2", "P0", "P1", "P2", "P3"}, 0.25},
                            ua::aggregation_factor{"aggregation", means.aggs, {}, 0}};
  BOOST_TEST(check_against_oracles(fw, d, spec, f, means, 200) == 200u);
  // Every node's weight varies, and the normalization too.
  std::vector<ua::factor> g{ua::weights_factor{"weights", {}, 0.4}, ua::normalization_factor{"normalization", means.norms},
                            ua::aggregation_factor{"aggregation", means.aggs, {}, 0}};
  BOOST_TEST(check_against_oracles(fw, d, spec, g, means, 200) == 200u);
}

BOOST_AUTO_TEST_CASE(missing_values_and_coverage) {
  const auto fw = tree();
  const auto d = data(2, true, false);
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  std::vector<ua::factor> f{ua::weights_factor{"weights", {}, 0.25}, ua::normalization_factor{"normalization", means.norms},
                            ua::aggregation_factor{"aggregation", means.aggs, {}, 0}};
  BOOST_TEST(check_against_oracles(fw, d, spec, f, means, 160) == 160u);
  spec.coverage = 0.7;  // units with too few children are unscored at that node
  BOOST_TEST(check_against_oracles(fw, d, spec, f, means, 160) == 160u);
}

BOOST_AUTO_TEST_CASE(zeros_refused_by_the_geometric_mean_fail_as_before) {
  const auto fw = tree();
  const auto d = data(3, true, false);
  ci::pipeline_spec spec;  // min-max onto 0-100: every indicator has a 0
  std::vector<ua::factor> f{ua::weights_factor{"weights", {}, 0.25}, ua::aggregation_factor{"aggregation", means.aggs, {}, 0}};
  const auto ok = check_against_oracles(fw, d, spec, f, means, 128);
  BOOST_TEST(ok > 0u);
  BOOST_TEST(ok < 128u);
}

BOOST_AUTO_TEST_CASE(constant_column_exclusion_and_single_children) {
  const auto fw = tree();
  const auto d = data(4, true, true);
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  spec.normalization = ci::normalization::percentile_rank{};  // the nominal run needs one that works
  // Min-max fails on the constant column (those replications fail with its reason); percentile
  // ranks tie it. Leaving one node out gives pillars with one weighted child, and P2's only
  // child (x7) left out gives a pillar without score.
  std::vector<ua::factor> f{ua::normalization_factor{"normalization", means.norms},
                            ua::aggregation_factor{"aggregation", means.aggs, {}, 0},
                            ua::exclusion_factor{"exclusion", {"x0", "x4", "x5", "x7", "P1", "x8"}, true},
                            ua::weights_factor{"weights", {"P0", "P3", "S2"}, 0.3}};
  const auto ok = check_against_oracles(fw, d, spec, f, means, 200);
  BOOST_TEST(ok > 50u);
  BOOST_TEST(ok < 200u);
}

BOOST_AUTO_TEST_CASE(weight_sets_dirichlet_and_generalized_means) {
  std::vector<ci::node> n{{"I", ""}, {"S1", "I"}, {"S2", "I"}, {"P0", "S1"}, {"P1", "S1"}, {"P2", "S2"}, {"P3", "S2"}};
  for (int j = 0; j < 12; ++j) n.push_back({"x" + std::to_string(j), "P" + std::to_string(j / 3), 1.0 + 0.1 * j});
  ci::framework fw(n);
  fw.add_weight_set("skewed", {{"x0", 5.0}, {"x4", 0.2}, {"P2", 3.0}});
  const auto d = data(5, true, false);
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  const setup gen{{}, {ci::aggregation::generalized_mean{1.0}, ci::aggregation::generalized_mean{0.0}}};
  std::vector<ua::factor> f{ua::weight_sets_factor{"sets", {"nominal", "skewed"}},
                            ua::aggregation_factor{"aggregation", gen.aggs, {}, 0},
                            ua::weights_factor{"weights", {"S1", "P1"}, 0.25}};
  BOOST_TEST(check_against_oracles(fw, d, spec, f, gen, 120) == 120u);
  // Dirichlet weights (Monte Carlo): the general path with the weights the engine drew.
  std::vector<ua::factor> g{ua::weights_factor{"weights", {}, 0.25, true, 50.0},
                            ua::aggregation_factor{"aggregation", means.aggs, {}, 0}};
  BOOST_TEST(check_against_oracles(fw, d, spec, g, means, 120) == 120u);
}

BOOST_AUTO_TEST_CASE(one_level_aggregation_factor_keeps_other_nodes_nominal) {
  // Only the pillars' aggregation varies (level 2); the sub-indices and index stay geometric.
  const auto fw = tree();
  const auto d = data(6, false, false);
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  spec.aggregation = ci::aggregation::geometric_mean{};
  std::vector<ua::factor> f{ua::weights_factor{"weights", {}, 0.25},
                            ua::aggregation_factor{"aggregation", means.aggs, {"P0", "P1", "P2", "P3"}, 0}};
  ua::engine e(fw, d, spec, f);
  ua::options o;
  o.n = 64;
  const auto runs = e.evaluate(e.sample(0, 64, o), 0, o);
  const ci::plan base(fw, spec);
  for (std::size_t r = 0; r < 64; ++r) {
    auto methods = base.aggregation;
    for (auto p : {"P0", "P1", "P2", "P3"}) methods[fw.index_of(p)] = means.aggs[static_cast<std::size_t>(runs.choices[r][1])];
    const auto want = general_path(fw, d, spec, runs.weights_used.row(static_cast<ci::index_t>(r)).transpose(), methods);
    BOOST_TEST_REQUIRE(!want.failed);
    for (ci::index_t u = 0; u < d.n_units(); ++u) BOOST_TEST_REQUIRE(same_bits(runs.scores(static_cast<ci::index_t>(r), u), want.scores[u]));
  }
}

BOOST_AUTO_TEST_CASE(a_single_child_with_zeros_and_missing_values_under_a_geometric_mean) {
  // P2's only child x7 is normalized onto 0-100 (a 0 at its minimum) and has missing values: P2
  // scores as x7, and the geometric mean of S2 must refuse its 0 as the library does.
  const auto fw = tree();
  auto d = data(8, false, false);
  ci::matrix v = d.values();
  v(0, 7) = ci::nan, v(7, 7) = ci::nan;
  d = ci::dataset(d.units(), v);
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  spec.range_by_indicator["x7"] = {0, 100};
  // With P3 left out, S2 has the single child P2 too, and the 0 must still be refused at S2.
  std::vector<ua::factor> f{ua::weights_factor{"weights", {"P0", "P3"}, 0.25}, ua::aggregation_factor{"aggregation", means.aggs, {}, 0},
                            ua::exclusion_factor{"exclusion", {"P3"}, true}};
  // Only the sub-indices and the index vary, the pillars stay arithmetic: P2 is x7 with its 0.
  std::vector<ua::factor> g{ua::weights_factor{"weights", {"P0", "P3"}, 0.25},
                            ua::aggregation_factor{"aggregation", means.aggs, {"S1", "S2", "I"}, 0},
                            ua::exclusion_factor{"exclusion", {"P3"}, true}};
  const auto ok_g = check_against_oracles(fw, d, spec, g, means, 64);
  BOOST_TEST(ok_g > 0u);
  BOOST_TEST(ok_g < 64u);
  const auto ok = check_against_oracles(fw, d, spec, f, means, 64);
  BOOST_TEST(ok > 0u);
  BOOST_TEST(ok < 64u);  // the geometric replications fail
}

BOOST_AUTO_TEST_CASE(summary_statistics_unchanged) {
  const auto fw = tree();
  const auto d = data(7, true, false);
  ci::pipeline_spec spec;  // min-max onto 0-100: the geometric alternative fails on zeros
  std::vector<ua::factor> f{ua::weights_factor{"weights", {}, 0.5}, ua::aggregation_factor{"aggregation", means.aggs, {}, 0}};
  ua::engine e(fw, d, spec, f);
  ua::options o;
  o.n = 300;
  auto runs = e.evaluate(e.sample(0, 300, o), 0, o);
  BOOST_TEST(!runs.failures.empty());
  for (unsigned t : {1u, 2u, 3u}) check_summary(e, runs, t);
  std::mt19937_64 g(3);
  std::uniform_int_distribution<int> unit(0, 39), row(0, 299);
  // Every unit ranked in every replication (the failed ones replaced by a successful one), with
  // ties: units sharing a rank.
  {
    auto full = runs;
    full.failures.clear();
    ci::index_t good = 0;
    while (full.ranks.row(good).array().isNaN().any()) ++good;
    for (ci::index_t r = 0; r < 300; ++r)
      if (full.ranks.row(r).array().isNaN().any()) full.ranks.row(r) = full.ranks.row(good);
    for (int k = 0; k < 150; ++k) {
      const auto r = row(g);
      full.ranks(r, unit(g)) = full.ranks(r, unit(g));
    }
    for (ci::index_t u = 0; u < 40; ++u) full.ranks(9, u) = 1.0;  // everyone tied first
    for (unsigned t : {1u, 2u}) check_summary(e, full, t);
  }
  // Unranked units in some replications, and ties.
  for (int k = 0; k < 200; ++k) runs.ranks(row(g), unit(g)) = ci::nan;
  for (int k = 0; k < 100; ++k) {
    const auto r = row(g);
    runs.ranks(r, unit(g)) = runs.ranks(r, unit(g));
  }
  for (ci::index_t u = 0; u < 40; ++u) runs.ranks(17, u) = ci::nan;  // a replication with nobody ranked
  for (ci::index_t r = 0; r < 300; ++r) runs.ranks(r, 5) = ci::nan;  // a unit never ranked
  for (unsigned t : {1u, 2u}) check_summary(e, runs, t);
  // Ranks that are not whole numbers (replications assembled by hand) take the general route.
  runs.ranks(4, 2) = 2.5;
  check_summary(e, runs, 2);
}

BOOST_AUTO_TEST_SUITE_END()
