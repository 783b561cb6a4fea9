// Concurrency: many threads on one shared framework, dataset and replication engine give exactly
// the serial results (scores, ranks, uncertainty and sensitivity analysis); a stop flag set from
// another thread interrupts an evaluation between blocks, and the done counter counts every row.
// This suite also runs on its own, header-only, under ThreadSanitizer (target compindex_tsan,
// COMPINDEX_TSAN=ON; scripts/test.sh), which reports any data race.
#include <boost/test/unit_test.hpp>

#include <compindex/pipeline.hpp>
#include <compindex/uncertainty.hpp>

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace ci = compindex;
namespace ua = compindex::uncertainty;

namespace {

constexpr int n_threads = 8;

// 30 units x 12 indicators in 4 pillars; log-normal data with two missing cells.
struct shared_index {
  ci::framework fw;
  ci::dataset data;
  ci::pipeline_spec spec;
  shared_index() : fw(nodes()), data(units(), values()) { spec.output_range = {1, 100}; }
  static std::vector<ci::node> nodes() {
    std::vector<ci::node> n{{"I", ""}};
    for (int p = 0; p < 4; ++p) n.push_back({"P" + std::to_string(p), "I"});
    for (int j = 0; j < 12; ++j) n.push_back({"x" + std::to_string(j), "P" + std::to_string(j / 3)});
    return n;
  }
  static ci::codes units() {
    ci::codes u;
    for (int i = 0; i < 30; ++i) u.push_back("u" + std::to_string(i));
    return u;
  }
  static ci::matrix values() {
    std::mt19937_64 g(11);
    std::lognormal_distribution<double> ln(0.0, 1.0);
    ci::matrix v(30, 12);
    for (int i = 0; i < 30; ++i)
      for (int j = 0; j < 12; ++j) v(i, j) = ln(g);
    v(3, 4) = ci::nan;
    v(17, 9) = ci::nan;
    return v;
  }
};

std::vector<ua::factor> factors() {
  return {ua::weights_factor{},
          ua::normalization_factor{"normalization", {ci::normalization::min_max{}, ci::normalization::percentile_rank{}}},
          ua::aggregation_factor{"aggregation", {ci::aggregation::arithmetic_mean{}, ci::aggregation::geometric_mean{}}, {}, 0}};
}

// Exactly equal, NaN equal to NaN.
template <class A, class B>
bool same(const Eigen::DenseBase<A>& a, const Eigen::DenseBase<B>& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         (a.derived().array() == b.derived().array() || (a.derived().array().isNaN() && b.derived().array().isNaN())).all();
}

// Runs f(t) on n_threads threads released together; returns how many returned true.
template <class F>
int run_together(F f) {
  std::atomic<bool> go{false};
  std::atomic<int> ok{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < n_threads; ++t)
    pool.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      if (f(t)) ok.fetch_add(1);
    });
  go.store(true);
  for (auto& th : pool) th.join();
  return ok.load();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(scoring_from_eight_threads_gives_the_serial_result) {
  const shared_index s;
  const ci::result serial = ci::build(s.fw, s.data, s.spec);
  const int ok = run_together([&](int) {
    bool all = true;
    for (int k = 0; k < 3; ++k) {
      const ci::result r = ci::build(s.fw, s.data, s.spec);
      all = all && same(r.aggregated, serial.aggregated) && same(*r.normalized, *serial.normalized) &&
            (r.ranks.array() == serial.ranks.array()).all();
    }
    return all;
  });
  BOOST_TEST(ok == n_threads);
}

BOOST_AUTO_TEST_CASE(uncertainty_analysis_from_eight_threads_gives_the_serial_result) {
  const shared_index s;
  ua::options o;
  o.n = 96;
  o.seed = 3;
  o.threads = 1;
  const auto serial = ua::uncertainty_analysis(s.fw, s.data, s.spec, factors(), o);
  BOOST_TEST(serial.n_successful == 96u);
  const int ok = run_together([&](int t) {
    ua::options mine = o;
    mine.threads = static_cast<unsigned>(1 + t % 3);  // each call also splits its rows over 1 to 3 threads
    const auto r = ua::uncertainty_analysis(s.fw, s.data, s.spec, factors(), mine);
    return same(r.runs.ranks, serial.runs.ranks) && same(r.runs.scores, serial.runs.scores) && same(r.mean_rank, serial.mean_rank) &&
           same(r.p95_rank, serial.p95_rank) && same(r.outrank_probability, serial.outrank_probability);
  });
  BOOST_TEST(ok == n_threads);
}

BOOST_AUTO_TEST_CASE(one_engine_shared_by_eight_threads) {
  const shared_index s;
  const ua::engine e(s.fw, s.data, s.spec, factors());
  ua::options o;
  o.seed = 9;
  o.threads = 1;
  const ci::matrix u = e.sample(0, 80, o);
  const auto serial = e.evaluate(u, 0, o);
  const int ok = run_together([&](int t) {
    // Each thread evaluates its own range of the same design, and the whole design.
    ua::options mine = o;
    mine.threads = static_cast<unsigned>(1 + t % 2);
    const std::size_t first = static_cast<std::size_t>(t) * 10;
    const auto part = e.evaluate(e.sample(first, 10, mine), first, mine);
    const auto whole = e.evaluate(u, 0, mine);
    return same(part.ranks, serial.ranks.middleRows(static_cast<ci::index_t>(first), 10)) && same(whole.scores, serial.scores);
  });
  BOOST_TEST(ok == n_threads);
}

BOOST_AUTO_TEST_CASE(sensitivity_analysis_from_eight_threads_gives_the_serial_result) {
  const shared_index s;
  ua::options o;
  o.n = 16;
  o.seed = 5;
  o.threads = 1;
  ci::sensitivity::sobol_options so;
  so.n_bootstrap = 50;
  const auto serial = ua::sensitivity_analysis(s.fw, s.data, s.spec, factors(), "", o, so);
  const int ok = run_together([&](int t) {
    ua::options mine = o;
    mine.threads = static_cast<unsigned>(1 + t % 2);
    const auto r = ua::sensitivity_analysis(s.fw, s.data, s.spec, factors(), "", mine, so);
    return same(r.y, serial.y) && same(r.indices.first_order, serial.indices.first_order) &&
           same(r.indices.total_order, serial.indices.total_order) && same(r.indices.total_high, serial.indices.total_high);
  });
  BOOST_TEST(ok == n_threads);
}

BOOST_AUTO_TEST_CASE(failures_are_listed_in_replication_order_whatever_the_threads) {
  // Onto [0, 100] min-max gives zeros, which a geometric mean refuses: about half the
  // replications fail (those drawing the geometric mean with min-max).
  shared_index s;
  s.spec.output_range = {0, 100};
  const ua::engine e(s.fw, s.data, s.spec, factors());
  ua::options o;
  o.seed = 2;
  o.threads = 1;
  const ci::matrix u = e.sample(0, 200, o);
  const auto one = e.evaluate(u, 0, o);
  BOOST_TEST(!one.failures.empty());
  o.threads = 4;
  ua::control ctl;
  ctl.block = 3;
  const auto four = e.evaluate(u, 0, o, ctl);
  BOOST_REQUIRE(four.failures.size() == one.failures.size());
  for (std::size_t k = 0; k < one.failures.size(); ++k) {
    BOOST_TEST(four.failures[k].replication == one.failures[k].replication);
    BOOST_TEST(four.failures[k].reason == one.failures[k].reason);
    if (k) BOOST_TEST(one.failures[k - 1].replication < one.failures[k].replication);
  }
}

BOOST_AUTO_TEST_CASE(a_stop_flag_interrupts_between_blocks_and_done_counts_rows) {
  const shared_index s;
  const ua::engine e(s.fw, s.data, s.spec, factors());
  ua::options o;
  o.seed = 1;
  o.threads = 2;
  // Not stopped: done counts every row, and blocks of any size give the same rows.
  const ci::matrix u = e.sample(0, 100, o);
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> done{0};
  ua::control ctl;
  ctl.stop = &stop;
  ctl.done = &done;
  ctl.block = 7;
  const auto full = e.evaluate(u, 0, o, ctl);
  BOOST_TEST(done.load() == 100u);
  BOOST_TEST(same(full.ranks, e.evaluate(u, 0, o).ranks));
  // Stopped before it starts: nothing is done.
  stop.store(true);
  done.store(0);
  try {
    (void)e.evaluate(u, 0, o, ctl);
    BOOST_FAIL("expected interrupted");
  } catch (const ci::interrupted& x) {
    BOOST_TEST(x.done() == 0u);
    BOOST_TEST(std::string(x.what()) == "evaluation interrupted after 0 of 100 replications");
  }
  // Stopped from another thread in mid-run: the evaluation throws, having done whole blocks only.
  const ci::matrix big = e.sample(0, 50000, o);
  stop.store(false);
  done.store(0);
  ctl.block = 16;
  std::thread stopper([&] {
    while (done.load() == 0) std::this_thread::yield();
    stop.store(true);
  });
  std::size_t reported = 0;
  try {
    (void)e.evaluate(big, 0, o, ctl);
  } catch (const ci::interrupted& x) {
    reported = x.done();
  }
  stopper.join();
  BOOST_TEST(reported > 0u);
  BOOST_TEST(reported < 50000u);
  BOOST_TEST(reported == done.load());
  BOOST_TEST(reported % 16 == 0u);  // 50000 is a multiple of 16: every block is whole
}

BOOST_AUTO_TEST_SUITE_END()
