// Benchmark of uncertainty analysis: 10,000 replications (weights +/-25%, two normalizations,
// two aggregations, treatment on/off) on a 50-unit x 50-indicator index and on the PII
// demonstration (63 provinces x 52 indicators, simulated data), on 1 and on all threads.
//
// Baseline, measured in the same run: the naive approach (what COINr does), re-running the whole
// pipeline (compindex::build) for each replication with the sampled choices. Figures are reported
// as absolute times and as the ratio naive / engine.
#include <compindex/datasets.hpp>
#include <compindex/uncertainty.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace ci = compindex;
namespace ua = compindex::uncertainty;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <class F>
double median_time(int reps, F f) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(seconds_since(t0));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::vector<ua::factor> factors() {
  return {ua::weights_factor{"weights", {}, 0.25},
          ua::normalization_factor{"normalization", {ci::normalization::min_max{}, ci::normalization::percentile_rank{}}},
          ua::aggregation_factor{"aggregation", {ci::aggregation::arithmetic_mean{}, ci::aggregation::geometric_mean{}}, {}, 0},
          ua::treatment_factor{"treatment", {ci::treatment::none{}, ci::treatment::gii{}}}};
}

// The naive baseline: one full build per replication, with the same sampled choices.
double naive(const ci::framework& fw, const ci::dataset& d, const ci::pipeline_spec& base, std::size_t n) {
  const auto t0 = std::chrono::steady_clock::now();
  std::mt19937_64 g(1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  double sink = 0;
  for (std::size_t r = 0; r < n; ++r) {
    ci::pipeline_spec s = base;
    for (std::size_t i = 0; i < fw.size(); ++i)
      if (i != fw.root()) s.weights[fw.at(i).code] = fw.at(i).weight * (1.0 + 0.25 * (2 * u(g) - 1));
    s.normalization = u(g) < 0.5 ? ci::normalization::method{ci::normalization::min_max{}} : ci::normalization::percentile_rank{};
    s.aggregation = u(g) < 0.5 ? ci::aggregation::method{ci::aggregation::arithmetic_mean{}} : ci::aggregation::geometric_mean{};
    s.treatment = u(g) < 0.5 ? ci::treatment::method{ci::treatment::none{}} : ci::treatment::gii{};
    sink += ci::build(fw, d, s).ranks(0, static_cast<ci::index_t>(fw.root()));
  }
  if (sink < 0) std::printf("%g", sink);
  return seconds_since(t0);
}

void run_case(const char* name, const ci::framework& fw, const ci::dataset& d) {
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};  // so the geometric mean is defined
  const std::size_t n = 10000;
  const double t_naive = naive(fw, d, spec, 1000) * 10.0;  // 1,000 naive runs, scaled to 10,000
  ua::options o;
  o.n = n;
  o.threads = 1;
  const double t1 = median_time(3, [&] { ua::uncertainty_analysis(fw, d, spec, factors(), o); });
  o.threads = 0;
  const double tn = median_time(3, [&] { ua::uncertainty_analysis(fw, d, spec, factors(), o); });
  ua::options s;
  s.n = 1024;
  const double tsa = median_time(3, [&] { ua::sensitivity_analysis(fw, d, spec, factors(), "", s); });
  std::printf("| %s | %.3f s | %.3f s | %.1f s | %.0fx | %.3f s |\n", name, t1, tn, t_naive, t_naive / tn, tsa);
}

}  // namespace

int main() {
  std::printf("compindex uncertainty benchmark: 10,000 replications, weights +/-25%%, 2 normalizations x 2 aggregations x treatment on/off;\n");
  std::printf("%u hardware threads. Naive = the whole pipeline re-run per replication (1,000 runs, scaled).\n\n",
              std::thread::hardware_concurrency());
  std::printf("| index | engine, 1 thread | engine, all threads | naive re-runs | speed-up | Sobol SA, n = 1024 (6,144 runs) |\n");
  std::printf("|---|---|---|---|---|---|\n");
  {
    std::vector<ci::node> nodes{{"I", ""}, {"S1", "I"}, {"S2", "I"}};
    for (int p = 0; p < 10; ++p) nodes.push_back({"P" + std::to_string(p), p < 5 ? "S1" : "S2"});
    for (int j = 0; j < 50; ++j) nodes.push_back({"x" + std::to_string(j), "P" + std::to_string(j / 5)});
    ci::framework fw(nodes);
    std::mt19937_64 g(1);
    std::lognormal_distribution<double> ln(0, 1);
    ci::matrix v(50, 50);
    for (int i = 0; i < 50; ++i)
      for (int j = 0; j < 50; ++j) v(i, j) = ln(g);
    ci::codes units;
    for (int i = 0; i < 50; ++i) units.push_back("u" + std::to_string(i));
    run_case("50 units x 50 indicators", fw, ci::dataset(units, v));
  }
  run_case("PII demo, 63 x 52 (simulated)", ci::datasets::pii_framework(), ci::datasets::pii_demo(2024));
  return 0;
}
