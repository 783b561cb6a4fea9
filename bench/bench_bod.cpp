// Benchmarks the Benefit of the Doubt aggregation of one node: 3,000 units x 50 children by
// default (uniform random values on 0..100, std::mt19937_64 with a fixed seed), against baselines
// measured in the same run:
//   stream   a column-wise sum of every value (reading the data once);
//   mean     the weighted arithmetic mean of the same node (aggregate_node).
// Cases, each the median (and range) of --reps repetitions (default 1: a run takes a minute or two
// at the default size; run the program several times for a range):
//   (a) BoD through aggregate_node (the default: one model per node, each unit re-solved by the
//       dual simplex from the slack basis);
//   (b) the same LPs, each warm-started from the previous unit's optimal basis
//       (solve_benefit_of_doubt with warm_start = true);
//   (c) BoD with pie-share restrictions (every share in [0.005, 0.2]).
//
// Usage: bench_bod [--units N] [--children K] [--reps R] [--no-warm]
#include <compindex/aggregation.hpp>
#include <compindex/benefit_of_doubt.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
volatile double g_sink = 0.0;

struct timing {
  double median, lo, hi;
};

// The median and range of `reps` calls, after one warm-up call (skipped for the LP cases, which
// take seconds: a warm-up would change nothing there but the run time).
timing measure(int reps, const std::function<double()>& f, bool warm_up = true) {
  if (warm_up) g_sink = g_sink + f();
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = clock_type::now();
    g_sink = g_sink + f();
    t.push_back(std::chrono::duration<double>(clock_type::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t.front(), t.back()};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace compindex;
  index_t n = 3000, k = 50;
  int reps = 1;
  bool warm_case = true;
  for (int a = 1; a < argc; ++a) {
    auto next = [&] { return a + 1 < argc ? std::atol(argv[++a]) : 0L; };
    if (!std::strcmp(argv[a], "--units")) n = next();
    else if (!std::strcmp(argv[a], "--children")) k = next();
    else if (!std::strcmp(argv[a], "--reps")) reps = static_cast<int>(next());
    else if (!std::strcmp(argv[a], "--no-warm")) warm_case = false;
    else {
      std::fprintf(stderr, "usage: bench_bod [--units N] [--children K] [--reps R] [--no-warm]\n");
      return 2;
    }
  }
  if (n < 2 || k < 1 || reps < 1) return 2;
  if (!has_lp_solver()) {
    std::fprintf(stderr, "bench_bod: compindex was built without COIN-OR CLP\n");
    return 1;
  }
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> u(0.0, 100.0);
  matrix y(n, k);
  for (index_t j = 0; j < k; ++j)
    for (index_t i = 0; i < n; ++i) y(i, j) = u(rng);
  codes units, children;
  for (index_t i = 0; i < n; ++i) units.push_back("u" + std::to_string(i));
  children_view view;
  for (index_t j = 0; j < k; ++j) {
    children.push_back("x" + std::to_string(j));
    view.columns.push_back(y.col(j).data());
    view.weights.push_back(1.0);
  }
  vector out(n);
  auto node = [&](const aggregation::method& m) {
    return [&, m] {
      aggregate_node(m, view, n, 0.0, out.data(), "I", units, children);
      return out.sum();
    };
  };
  const timing stream = measure(std::max(reps, 51), [&] {
    double s = 0;
    for (index_t j = 0; j < k; ++j) s += y.col(j).sum();
    return s;
  });
  const timing mean = measure(std::max(reps, 51), node(aggregation::arithmetic_mean{}));
  const timing bod = measure(reps, node(aggregation::benefit_of_doubt{}), false);
  aggregation::benefit_of_doubt restricted;
  restricted.share_lower = {0.005};
  restricted.share_upper = {0.2};
  const timing shares = measure(reps, node(restricted), false);
  timing warm{0, 0, 0};
  if (warm_case) warm = measure(reps, [&] { return solve_benefit_of_doubt(y, {}, {}, {}, true).efficiency.sum(); }, false);

  std::printf("Benefit of the Doubt, %ld units x %ld children (uniform 0..100), %d repetitions\n\n",
              static_cast<long>(n), static_cast<long>(k), reps);
  std::printf("| case | median | range | x stream | x arithmetic mean |\n|---|---:|---:|---:|---:|\n");
  auto row = [&](const char* name, const timing& t) {
    std::printf("| %s | %.4g s | %.4g-%.4g s | %.3g | %.3g |\n", name, t.median, t.lo, t.hi, t.median / stream.median,
                t.median / mean.median);
  };
  row("baseline: stream the data once", stream);
  row("baseline: arithmetic mean (aggregate_node)", mean);
  row("BoD (each LP from the slack basis)", bod);
  if (warm_case) row("BoD, each LP warm-started from the previous unit's basis", warm);
  row("BoD, shares in [0.005, 0.2]", shares);
  std::printf("\nper unit (BoD): %.3g ms; units on the frontier: %ld of %ld\n", 1e3 * bod.median / static_cast<double>(n),
              static_cast<long>((solve_benefit_of_doubt(y).efficiency.array() >= 1.0 - 1e-9).count()), static_cast<long>(n));
  return 0;
}
