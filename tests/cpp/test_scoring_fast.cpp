// The fast scoring paths against the straightforward formulas they replace, bit for bit:
// - aggregate_node's power means redo the rows with a missing child by branch-free sums over the
//   present children; the oracle is the former row-by-row code (kept here);
// - score() normalizes and averages a pillar's indicators block by block; the oracle is
//   run_indicators followed by aggregate, which compute whole columns one after the other.
// Random data with missing values, ties, +0 and -0, constant children, units missing every child
// of a pillar, zero weights and the coverage rule.
#include <boost/test/unit_test.hpp>

#include <compindex/aggregation.hpp>
#include <compindex/pipeline.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace ci = compindex;

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

std::uint64_t bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// Same bits, or both NaN (a NaN's payload is not part of the contract).
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || bits(a) == bits(b); }

// ---------------------------------------------------------------------------------------------
// Oracle for a power-family node: the code aggregate_node ran before the missing rows were
// batched. Full rows: ((w0 f(x0) + w1 f(x1)) + ...) / total, weights divided by their sum first;
// a row with a missing child (or a sum that is not finite): the present weighted children only,
// row by row, with the coverage rule; one present child scores as itself.
struct family {
  std::function<double(double)> f, finish;
  std::function<bool(double)> ok;
};

std::vector<double> oracle_node(const family& fam, const std::vector<std::vector<double>>& cols,
                                const std::vector<double>& weights, double coverage, bool& needs_robust) {
  const std::size_t nc = cols.size(), n = cols.front().size();
  double mx = 0.0;
  for (double v : weights) mx = std::max(mx, std::abs(v));
  std::vector<double> nw(nc, 0.0);
  double total = 0.0;
  if (mx > 0.0) {
    double t = 0.0;
    for (double v : weights) t += v / mx;
    for (std::size_t c = 0; c < nc; ++c) total += nw[c] = (weights[c] / mx) / t;
  }
  double k = 0.0;
  std::size_t only = 0;
  for (std::size_t c = 0; c < nc; ++c)
    if (weights[c] != 0.0) k += 1.0, only = c;
  const double need = coverage * k - 1e-12;
  std::vector<double> out(n, NA);
  if (k == 0.0 || !(total > 0.0)) return out;
  if (k == 1.0) return cols[only];
  const double inv_total = total == 1.0 ? 1.0 : 1.0 / total;
  for (std::size_t i = 0; i < n; ++i) {
    double o = 0.0;
    bool first = true;
    for (std::size_t c = 0; c < nc; ++c) {
      if (weights[c] == 0.0) continue;
      const double t = nw[c] * fam.f(cols[c][i]);
      o = first ? t : o + t;
      first = false;
    }
    const double a = o * inv_total;
    double r = fam.ok(a) ? fam.finish(a) : NA;
    if (std::abs(r) <= std::numeric_limits<double>::max()) {
      out[i] = r;
      continue;
    }
    // The former slow row.
    double s = 0.0, sw = 0.0;
    std::size_t cc = 0;
    double first_value = NA;
    for (std::size_t c = 0; c < nc; ++c) {
      const double v = cols[c][i];
      if (weights[c] == 0.0 || !(v == v)) continue;
      s += nw[c] * fam.f(v);
      sw += nw[c];
      if (cc == 0) first_value = v;
      ++cc;
    }
    if (cc == 0 || static_cast<double>(cc) < need) continue;  // missing
    if (cc == 1) {
      out[i] = first_value;
      continue;
    }
    if (!(sw >= std::numeric_limits<double>::min())) {
      needs_robust = true;
      continue;
    }
    const double aa = s / sw;
    if (fam.ok(aa)) {
      r = fam.finish(aa);
      if (std::isfinite(r)) {
        out[i] = r;
        continue;
      }
    }
    needs_robust = true;  // the robust formula: not exercised by these data
  }
  return out;
}

// Random children: values from a few distinct levels (ties), +0 and -0 where the family allows
// them, missing values at rate `miss`, some constant children, some rows missing every child.
std::vector<std::vector<double>> random_children(std::mt19937_64& rng, std::size_t nc, std::size_t n, double miss,
                                                 bool positive) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> level(0, 12);
  std::vector<std::vector<double>> cols(nc, std::vector<double>(n));
  for (std::size_t c = 0; c < nc; ++c) {
    const bool constant = u(rng) < 0.2;
    const double cv = positive ? 1.0 + 99.0 * u(rng) : 100.0 * u(rng);
    for (std::size_t i = 0; i < n; ++i) {
      double v;
      if (constant) {
        v = cv;
      } else if (u(rng) < 0.3) {
        v = positive ? 1.0 + level(rng) * 8.25 : level(rng) * 8.25;  // ties
      } else {
        v = positive ? 1.0 + 99.0 * u(rng) : 100.0 * u(rng);
      }
      if (!positive && u(rng) < 0.05) v = u(rng) < 0.5 ? 0.0 : -0.0;
      cols[c][i] = u(rng) < miss ? NA : v;
    }
  }
  for (std::size_t i = 0; i < n; i += 97)  // rows with no child at all
    for (auto& col : cols) col[i] = NA;
  return cols;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scoring_fast)

// aggregate_node (arithmetic, geometric, harmonic, generalized p = 1) on random nodes against the
// former row-by-row code, every cell bit for bit.
BOOST_AUTO_TEST_CASE(power_means_match_the_row_by_row_formula) {
  std::mt19937_64 rng(20261204);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const family arithmetic{[](double v) { return v; }, [](double a) { return a; }, [](double) { return true; }};
  const family geometric{[](double v) { return std::log(v); }, [](double a) { return std::exp(a); },
                         [](double) { return true; }};
  const family harmonic{[](double v) { return 1.0 / v; }, [](double a) { return 1.0 / a; },
                        [](double a) { return a >= 0x1p-1000 && a <= 0x1p1000; }};
  struct named {
    ci::aggregation::method m;
    const family* fam;
    bool positive;
  };
  const named methods[] = {{ci::aggregation::arithmetic_mean{}, &arithmetic, false},
                           {ci::aggregation::generalized_mean{1.0}, &arithmetic, false},
                           {ci::aggregation::geometric_mean{}, &geometric, true},
                           {ci::aggregation::harmonic_mean{}, &harmonic, true}};
  std::size_t cells = 0, missing_rows = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t nc = 1 + static_cast<std::size_t>(u(rng) * 7);
    const std::size_t n = 1 + static_cast<std::size_t>(u(rng) * 5000);  // several 2048-row blocks
    const double miss = trial % 4 == 0 ? 0.0 : (trial % 4 == 1 ? 0.02 : (trial % 4 == 2 ? 0.3 : 0.8));
    const double coverage = trial % 3 == 0 ? 0.0 : (trial % 3 == 1 ? 0.5 : 1.0);
    std::vector<double> w(nc);
    for (auto& x : w) x = u(rng) < 0.15 ? 0.0 : (u(rng) < 0.3 ? 1.0 : 0.1 + 3.0 * u(rng));
    for (const auto& nm : methods) {
      const auto cols = random_children(rng, nc, n, miss, nm.positive);
      ci::children_view view;
      for (auto& c : cols) view.columns.push_back(c.data());
      view.weights = w;
      ci::codes units(n, "u"), child_codes(nc, "c");
      std::vector<double> got(n, 123.0);
      ci::aggregate_node(nm.m, view, static_cast<ci::index_t>(n), coverage, got.data(), "node", units, child_codes);
      bool robust = false;
      const auto want = oracle_node(*nm.fam, cols, w, coverage, robust);
      BOOST_TEST_REQUIRE(!robust);  // the data never need the overflow-safe formula
      std::size_t differ = 0;
      for (std::size_t i = 0; i < n; ++i) {
        differ += !same(got[i], want[i]);
        bool any_missing = false;
        for (auto& c : cols) any_missing = any_missing || std::isnan(c[i]);
        missing_rows += any_missing;
      }
      cells += n;
      BOOST_TEST(differ == 0u, "trial " << trial << " method " << ci::aggregation::name(nm.m) << ": " << differ
                                        << " of " << n << " cells differ");
    }
  }
  BOOST_TEST(cells > 100000u);
  BOOST_TEST(missing_rows > 10000u);  // the batched path was exercised
}

namespace {

// Index -> 2 sub-indices -> 6 pillars of 1-6 indicators (22 indicators), with per-node methods
// chosen so that some pillars take the block-by-block path and some do not.
ci::framework test_framework() {
  std::vector<ci::node> nodes{{"Index", ""}, {"S1", "Index"}, {"S2", "Index", 2.0}};
  const int sizes[] = {5, 1, 6, 3, 4, 3};
  int k = 0;
  for (int p = 0; p < 6; ++p) {
    nodes.push_back({"P" + std::to_string(p), p < 3 ? "S1" : "S2", p == 4 ? 0.5 : 1.0});
    for (int i = 0; i < sizes[p]; ++i, ++k) {
      ci::node nd{"i" + std::to_string(k), "P" + std::to_string(p), k % 5 == 2 ? 0.0 : 1.0 + 0.25 * (k % 3)};
      if (k % 4 == 1) nd.direction = -1;
      nodes.push_back(nd);
    }
  }
  return ci::framework(nodes);
}

ci::dataset random_dataset(std::mt19937_64& rng, ci::index_t n, ci::index_t m, double miss) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  ci::matrix x(n, m);
  for (ci::index_t j = 0; j < m; ++j)
    for (ci::index_t i = 0; i < n; ++i) {
      double v = u(rng) < 0.3 ? std::floor(10.0 * u(rng)) : std::exp(3.0 * u(rng)) - 5.0;  // ties, negatives
      if (u(rng) < 0.03) v = u(rng) < 0.5 ? 0.0 : -0.0;
      x(i, j) = u(rng) < miss ? NA : v;
    }
  x.col(12) = x.col(12).cwiseAbs();  // i12 takes a square root in one spec
  for (ci::index_t i = 0; i < n; i += 53)  // units without any value of pillar P0 (columns 0-4)
    for (ci::index_t j = 0; j < 5; ++j) x(i, j) = NA;
  ci::codes units;
  for (ci::index_t i = 0; i < n; ++i) units.push_back("u" + std::to_string(i));
  return ci::dataset(units, x);
}

void check_same(const ci::matrix& got, const ci::matrix& want, const std::string& what) {
  BOOST_TEST_REQUIRE(got.rows() == want.rows());
  BOOST_TEST_REQUIRE(got.cols() == want.cols());
  std::size_t differ = 0;
  for (ci::index_t j = 0; j < got.cols(); ++j)
    for (ci::index_t i = 0; i < got.rows(); ++i) differ += !same(got(i, j), want(i, j));
  BOOST_TEST(differ == 0u, what << ": " << differ << " cells differ");
}

}  // namespace

// score() and build() against run_indicators + aggregate, bit for bit, over specs where every
// pillar, some or none take the block-by-block path; unit counts around the block size.
BOOST_AUTO_TEST_CASE(score_matches_run_indicators_then_aggregate) {
  namespace ag = ci::aggregation;
  namespace nz = ci::normalization;
  std::mt19937_64 rng(7);
  const auto fw = test_framework();
  const ci::index_t m = static_cast<ci::index_t>(fw.n_indicators());
  std::vector<ci::pipeline_spec> specs(5);
  specs[1].coverage = 0.6;
  specs[1].coverage_by_node["P2"] = 1.0;
  specs[1].normalization_by_indicator["i3"] = nz::distance_to_max{};
  specs[1].output_range = {1.0, 10.0};
  specs[2].output_range = {1.0, 100.0};  // positive scores for the geometric means
  specs[2].aggregation_by_node["P1"] = ag::geometric_mean{};  // P1 (one indicator) is not blocked
  specs[2].aggregation_by_node["P3"] = ag::generalized_mean{1.0};
  specs[2].normalization_by_indicator["i7"] = nz::z_score{};  // P2 is not blocked
  specs[2].aggregation_by_node["S2"] = ag::geometric_mean{};
  specs[3].transform_by_indicator["i12"] = ci::transform::sqrt{};  // P3 is not blocked
  specs[3].imputation = ci::imputation::mean{};  // a stage before normalization: checks first
  specs[3].weights["i0"] = 0.0;
  specs[4].treatment = ci::treatment::gii{};
  specs[4].aggregation = ag::generalized_mean{1.0};
  for (ci::index_t n : {ci::index_t(50), ci::index_t(4095), ci::index_t(4096), ci::index_t(4097), ci::index_t(9001)}) {
    for (double miss : {0.0, 0.05, 0.4}) {
      const ci::dataset data = random_dataset(rng, n, m, miss);
      for (std::size_t k = 0; k < specs.size(); ++k) {
        BOOST_TEST_CONTEXT("units " << n << ", missing " << miss << ", spec " << k) {
          ci::pipeline_spec sp = specs[k];
          const ci::plan p(fw, sp);
          ci::result old;
          ci::run_indicators(p, data, old);
          const ci::matrix old_agg = ci::aggregate(fw, *old.normalized, p.weights, p.aggregation, p.coverage, data.units());
          ci::result fresh;
          ci::aggregator agg(fw);
          ci::score(p, data, fresh, agg);
          check_same(*fresh.normalized, *old.normalized, "normalized");
          check_same(fresh.aggregated, old_agg, "aggregated");
          // A re-run into the same result (buffers reused) gives the same again.
          ci::score(p, data, fresh, agg);
          check_same(*fresh.normalized, *old.normalized, "normalized, re-run");
          check_same(fresh.aggregated, old_agg, "aggregated, re-run");
          const ci::result b = ci::build(fw, data, sp);
          check_same(*b.normalized, *old.normalized, "build: normalized");
          check_same(b.aggregated, old_agg, "build: aggregated");
        }
      }
    }
  }
}

// The errors are those of run_indicators, for the first column in error.
BOOST_AUTO_TEST_CASE(score_reports_the_same_errors) {
  std::mt19937_64 rng(11);
  const auto fw = test_framework();
  const ci::index_t m = static_cast<ci::index_t>(fw.n_indicators());
  auto message = [](const std::function<void()>& f) -> std::string {
    try {
      f();
    } catch (const std::exception& e) {
      return e.what();
    }
    return "no error";
  };
  for (int c = 0; c < 3; ++c) {
    const ci::dataset base = random_dataset(rng, 300, m, 0.05);
    ci::matrix x = base.values();
    if (c == 0) x.col(7).setConstant(2.5);  // constant (P2, blocked)
    if (c == 1) x.col(14).setConstant(NA), x.col(3).setConstant(1.0);  // no data, and an earlier constant one
    if (c == 2) x(17, 9) = std::numeric_limits<double>::infinity();
    const ci::dataset data(base.units(), x);
    const ci::plan p(fw, ci::pipeline_spec{});
    ci::result r1, r2;
    ci::aggregator agg(fw);
    const std::string want = message([&] { ci::run_indicators(p, data, r1); });
    BOOST_TEST(want != "no error");
    BOOST_TEST(message([&] { ci::score(p, data, r2, agg); }) == want);
  }
}

BOOST_AUTO_TEST_SUITE_END()
