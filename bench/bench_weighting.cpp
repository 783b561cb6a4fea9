// Weights from data at scale: entropy, CRITIC, PCA (and factor analysis) weights of 100,000 units
// x 200 indicators, against a baseline measured in the same run: streaming the indicator data once
// (a column-wise sum of every value), as bench_pipeline does.
//
// Trees: 10 nodes of 20 children each (the usual shape: pillars of indicators), and one node of
// 200 children (a worst case for the correlation-based methods, whose cost grows with the square
// of the number of children). Data: log-normal per indicator with a common factor per node (so the
// children correlate positively, as an index's indicators do), no missing value by default
// (`--missing P` puts a share P of the cells missing). Times are medians of `--reps` calls after
// one warm-up call; the thread's CPU time is shown too (a busy machine inflates wall time only).
#include "bench_common.hpp"

#include <compindex/weighting.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace compindex;
using clock_type = std::chrono::steady_clock;

volatile double g_sink = 0.0;
void consume(double x) { g_sink = g_sink + x; }

// Root "idx", `groups` nodes "pil<k>", each with `per_group` indicators "ind<j>".
framework make_framework(int groups, int per_group) {
  std::vector<node> nodes;
  nodes.push_back({"idx", ""});
  for (int k = 0; k < groups; ++k) nodes.push_back({"pil" + std::to_string(k), "idx"});
  for (int k = 0; k < groups; ++k)
    for (int j = 0; j < per_group; ++j) nodes.push_back({"ind" + std::to_string(k * per_group + j), "pil" + std::to_string(k)});
  return framework(std::move(nodes));
}

// Units x nodes (framework order): aggregate columns NaN, indicator columns log-normal with a
// common factor per group.
matrix make_values(const framework& fw, index_t n, int groups, int per_group, double missing, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> mu_d(0.0, 3.0), sigma_d(0.2, 1.0), load_d(0.3, 0.8), u(0.0, 1.0);
  std::normal_distribution<double> z(0.0, 1.0);
  matrix x = matrix::Constant(n, static_cast<index_t>(fw.size()), compindex::nan);
  matrix f(n, groups);
  for (index_t i = 0; i < f.size(); ++i) f.data()[i] = z(rng);
  for (int k = 0; k < groups; ++k)
    for (int j = 0; j < per_group; ++j) {
      const index_t col = static_cast<index_t>(fw.index_of("ind" + std::to_string(k * per_group + j)));
      const double mu = mu_d(rng), sigma = sigma_d(rng), a = load_d(rng), b = std::sqrt(1 - a * a);
      for (index_t i = 0; i < n; ++i) {
        const double v = std::exp(mu + sigma * (a * f(i, k) + b * z(rng)));
        x(i, col) = missing > 0.0 && u(rng) < missing ? compindex::nan : v;
      }
    }
  return x;
}

using bench::thread_cpu_seconds;

struct timing {
  double wall, cpu;
};

double median_of(std::vector<double> t) {
  std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
  return t[t.size() / 2];
}

timing measure(int reps, const std::function<void()>& f) {
  f();
  std::vector<double> wall, cpu;
  for (int r = 0; r < reps; ++r) {
    const double c0 = thread_cpu_seconds();
    const auto t0 = clock_type::now();
    f();
    const auto t1 = clock_type::now();
    cpu.push_back(thread_cpu_seconds() - c0);
    wall.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  return {median_of(wall), median_of(cpu)};
}

void print_row(const std::string& step, const timing& t, const timing& base) {
  std::printf("| %s | %.1f ms | %.1f | %.1f ms | %.1f |\n", step.c_str(), 1e3 * t.wall, t.wall / base.wall, 1e3 * t.cpu,
              t.cpu / base.cpu);
}

void run_case(index_t n, int groups, int per_group, int reps, double missing, bool with_fa) {
  const framework fw = make_framework(groups, per_group);
  const matrix x = make_values(fw, n, groups, per_group, missing, 42);
  codes nodes;
  for (int k = 0; k < groups; ++k) nodes.push_back("pil" + std::to_string(k));
  const index_t first = static_cast<index_t>(fw.index_of("ind0"));
  const index_t m = static_cast<index_t>(groups) * per_group;
  std::printf("### %lld units × %lld indicators: %d node(s) of %d children, %g%% missing, %d repetitions\n\n",
              static_cast<long long>(n), static_cast<long long>(m), groups, per_group, 100.0 * missing, reps);
  std::printf("| Step | Median wall time | × baseline | Median CPU time | × baseline (CPU) |\n|---|---:|---:|---:|---:|\n");
  // Baseline: stream the indicator block once (the columns every method reads).
  const timing base = measure(reps, [&] {
    const Eigen::RowVectorXd s = x.middleCols(first, m).colwise().sum();
    consume(s.sum());
  });
  print_row("baseline: stream the data once (column sums)", base, base);
  const std::vector<std::pair<std::string, weighting::method>> methods = {
      {"entropy", weighting::entropy{}}, {"critic", weighting::critic{}}, {"pca", weighting::pca{}}};
  for (const auto& [label, how] : methods) {
    const timing t = measure(reps, [&] { consume(weighting::derive_weights(fw, x, how, nodes).weights.sum()); });
    print_row(label, t, base);
  }
  if (with_fa) {
    const timing t = measure(reps, [&] {
      consume(weighting::derive_weights(fw, x, weighting::factor_analysis{}, nodes).weights.sum());
    });
    print_row("factor_analysis", t, base);
  }
  std::printf("\n");
}

using bench::arg_int;

using bench::arg_double;

}  // namespace

int main(int argc, char** argv) {
  const index_t n = arg_int(argc, argv, "--units", 100000);
  const int reps = arg_int(argc, argv, "--reps", 5);
  const double missing = arg_double(argc, argv, "--missing", 0.0);
  std::printf("## Weights from data (bench_weighting)\n\n");
  run_case(n, 10, 20, reps, missing, true);
  run_case(n, 1, 200, reps, missing, false);
  return 0;
}
