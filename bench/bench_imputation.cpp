// Multivariate imputation at scale: 3,000 units x 60 indicators (10 pillars of 6), 5 % of the
// cells missing at random, each method through the pipeline's per-indicator stages
// (run_indicators: imputation, then min-max normalization). Each time is the median of --reps
// runs after a warm-up, in thread CPU time, shown as a ratio to mean imputation measured in the
// same run (the baseline); the range over the runs is given too.
#include "bench_common.hpp"

#include <compindex/pipeline.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace ci = compindex;
namespace im = compindex::imputation;

int main(int argc, char** argv) {
  const int n = bench::arg_int(argc, argv, "--units", 3000);
  const int p = bench::arg_int(argc, argv, "--indicators", 60);
  const int reps = bench::arg_int(argc, argv, "--reps", 5);
  const double share = bench::arg_double(argc, argv, "--missing", 0.05);
  const int per_pillar = 6;
  std::vector<ci::node> nodes{{"I", ""}};
  for (int q = 0; q < (p + per_pillar - 1) / per_pillar; ++q) nodes.push_back({"P" + std::to_string(q), "I"});
  for (int j = 0; j < p; ++j) nodes.push_back({"x" + std::to_string(j), "P" + std::to_string(j / per_pillar)});
  const ci::framework fw(nodes);
  std::mt19937_64 g(1);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  ci::matrix v(n, p);
  for (int i = 0; i < n; ++i) {
    const double common = nd(g);
    std::vector<double> pillar(static_cast<std::size_t>(p / per_pillar + 1));
    for (auto& x : pillar) x = nd(g);
    for (int j = 0; j < p; ++j) v(i, j) = 50 + 10 * (0.5 * common + 0.5 * pillar[static_cast<std::size_t>(j / per_pillar)] + 0.7 * nd(g));
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < p; ++j)
      if (u(g) < share) v(i, j) = ci::nan;
  ci::codes units;
  for (int i = 0; i < n; ++i) units.push_back("u" + std::to_string(i));
  const ci::dataset data(units, v);

  struct method {
    std::string label;
    im::method m;
  };
  std::vector<method> methods{{"mean (baseline)", im::mean{}},
                              {"em (pillar)", im::em{}},
                              {"em (all)", im::em{"all", 1e-8, 1000, false, 0.0}},
                              {"knn k=5 (pillar)", im::knn{}},
                              {"knn k=5 (all)", im::knn{"all", 5, "uniform", ""}},
                              {"chained (pillar)", im::chained{}},
                              {"chained (all)", im::chained{"all", 1e-3, 10, 0.0, false}},
                              {"em_draw (pillar)", im::em_draw{}}};
  std::vector<std::vector<double>> times(methods.size());
  std::vector<int> iterations(methods.size(), 0);
  for (std::size_t k = 0; k < methods.size(); ++k) {
    ci::pipeline_spec spec;
    spec.imputation = methods[k].m;
    const ci::plan pl(fw, spec);
    ci::result r;
    ci::run_indicators(pl, data, r);  // warm-up
    for (auto& b : r.imputation_blocks) iterations[k] = std::max(iterations[k], b.iterations);
  }
  // Interleaved repetitions: every method is measured in every round, so drifts of the machine's
  // load hit them all alike.
  for (int rep = 0; rep < reps; ++rep)
    for (std::size_t k = 0; k < methods.size(); ++k) {
      ci::pipeline_spec spec;
      spec.imputation = methods[k].m;
      const ci::plan pl(fw, spec);
      ci::result r;
      const double t0 = bench::thread_cpu_seconds();
      ci::run_indicators(pl, data, r);
      times[k].push_back(bench::thread_cpu_seconds() - t0);
    }
  std::printf("%d units x %d indicators (pillars of %d), %.0f %% missing, %d runs each (thread CPU time)\n", n, p, per_pillar,
              100 * share, reps);
  std::printf("%-20s %12s %10s %22s %6s\n", "method", "median (s)", "x mean", "range of ratio per run", "iter");
  for (std::size_t k = 0; k < methods.size(); ++k) {
    auto t = times[k];
    std::sort(t.begin(), t.end());
    const double med = t[t.size() / 2];
    double lo = 1e300, hi = 0;
    for (int rep = 0; rep < reps; ++rep) {
      const double ratio = times[k][static_cast<std::size_t>(rep)] / times[0][static_cast<std::size_t>(rep)];
      lo = std::min(lo, ratio), hi = std::max(hi, ratio);
    }
    auto b = times[0];
    std::sort(b.begin(), b.end());
    std::printf("%-20s %12.4f %10.1f %10.1f - %-10.1f %6d\n", methods[k].label.c_str(), med, med / b[b.size() / 2], lo, hi,
                iterations[k]);
  }
  return 0;
}
