// Benchmarks the GII outlier treatment at scale (100,000 units x 200 indicators) and at the size of
// a real index (the PII: 63 units x 52 indicators), against a baseline measured in the same run:
// streaming the data matrix once (a column-wise sum of every value). Same synthetic data as
// bench_pipeline (log-normal per indicator, ~2% missing, fixed seed).
//
// Reported, as medians of several repetitions (wall time, steady_clock; and the thread's CPU time,
// which a busy machine barely moves):
//   - run_indicators (the per-indicator stages) without and with the GII treatment, on a result
//     re-used from one run to the next; their difference, in streams of the data, is what the
//     treatment adds (issue #18's target: at most 3);
//   - the treatment alone, every column treated into a matrix (the one-pass path), and the
//     reference two-pass path it replaced (copy the column, then treat it in place);
//   - a floor for the treatment: copying the data once plus the log of every value of the
//     indicators that are log-transformed (the log is the same std::log call the result must
//     reproduce bit for bit).
//
// Usage: bench_treatment [--units N] [--indicators M] [--reps R] [--pii-reps R] [--no-pii] [--no-old]
//                        [--sigma-max S]   (the data's largest log-normal spread, default 1.2 as
//                                           bench_pipeline; e.g. 0.65 leaves few indicators to the log)
#include "bench_common.hpp"
#include "bench_index.hpp"

#include <compindex/compindex.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using bench::consume;
using bench::make_data;
using bench::make_framework;
using bench::make_units;
using bench::median_of;

using clock_type = std::chrono::steady_clock;
using bench::arg_int;
using bench::has_flag;
using bench::thread_cpu_seconds;

// --sigma-max lowers the largest spread of the synthetic data: fewer indicators need the log.
double g_sigma_max = 1.2;

struct timing {
  double wall, cpu;
};

timing measure(int reps, const std::function<void()>& f) {
  f();
  std::vector<double> wall, cpu;
  for (int r = 0; r < reps; ++r) {
    const double c0 = thread_cpu_seconds();
    const auto t0 = clock_type::now();
    f();
    const auto t1 = clock_type::now();
    const double c1 = thread_cpu_seconds();
    wall.push_back(std::chrono::duration<double>(t1 - t0).count());
    cpu.push_back(c1 - c0);
  }
  return {median_of(wall), median_of(cpu)};
}

std::string fmt_time(double s) {
  char buf[64];
  if (s >= 1.0) std::snprintf(buf, sizeof buf, "%.3f s", s);
  else if (s >= 1e-3) std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
  else std::snprintf(buf, sizeof buf, "%.2f µs", s * 1e6);
  return buf;
}

struct row {
  std::string step;
  timing t;
};

void print_rows(const std::vector<row>& rows, const timing& base) {
  std::printf("| Step | Median wall time | × baseline | Median CPU time | × baseline (CPU) |\n|---|---:|---:|---:|---:|\n");
  for (auto& r : rows)
    std::printf("| %s | %s | %.2f | %s | %.2f |\n", r.step.c_str(), fmt_time(r.t.wall).c_str(), r.t.wall / base.wall,
                fmt_time(r.t.cpu).c_str(), r.t.cpu / base.cpu);
  std::printf("\n");
}

void run_case(const std::string& title, compindex::index_t n, const std::vector<int>& levels, int reps, bool with_old) {
  using namespace compindex;
  const framework fw = make_framework(levels);
  const index_t m = static_cast<index_t>(fw.n_indicators());
  const dataset data(make_units(n), make_data(n, m, 20240607u, g_sigma_max));
  const auto X = data.values();
  pipeline_spec plain;
  pipeline_spec gii = plain;
  gii.treatment = treatment::gii{};
  const plan p_plain(fw, plain), p_gii(fw, gii);
  const treatment::method rule = treatment::gii{};

  // What the treatment does to these data.
  int n_none = 0, n_wins = 0, n_log = 0;
  std::vector<index_t> logged;
  {
    matrix T(n, m);
    for (index_t j = 0; j < m; ++j) {
      const auto rep = treat_column(rule, X.col(j), T.col(j), "x");
      if (rep.action == treatment_action::winsorized) ++n_wins;
      else if (rep.action == treatment_action::log_transformed) ++n_log, logged.push_back(j);
      else ++n_none;
    }
  }
  std::printf("### %s: %lld units × %lld indicators, %d repetitions\n\n", title.c_str(), static_cast<long long>(n),
              static_cast<long long>(m), reps);
  std::printf("GII rule (2.25, 3.5, 5 points, COIN Tool log): %d indicators untreated, %d winsorized, %d log-transformed.\n\n",
              n_none, n_wins, n_log);

  const timing base = measure(reps, [&] {
    const Eigen::RowVectorXd s = X.colwise().sum();
    consume(s.sum());
  });
  std::vector<row> rows;
  rows.push_back({"baseline: stream the data once (column sums)", base});

  result r_plain, r_gii;
  const timing t_plain = measure(reps, [&] {
    run_indicators(p_plain, data, r_plain);
    consume((*r_plain.normalized)(0, 0));
  });
  const timing t_gii = measure(reps, [&] {
    run_indicators(p_gii, data, r_gii);
    consume((*r_gii.normalized)(0, 0));
  });
  rows.push_back({"run_indicators without treatment (re-used result)", t_plain});
  rows.push_back({"run_indicators with the GII treatment (re-used result)", t_gii});

  matrix T(n, m);
  const timing t_new = measure(reps, [&] {
    for (index_t j = 0; j < m; ++j) consume(treat_column(rule, X.col(j), T.col(j), "x").skew_before);
  });
  rows.push_back({"treatment alone: every column treated into a matrix (one pass)", t_new});
  timing t_old{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  if (with_old) {
    t_old = measure(reps, [&] {
      for (index_t j = 0; j < m; ++j) {
        T.col(j) = X.col(j);
        consume(detail::treat_column_two_pass(rule, T.col(j), "x").skew_before);
      }
    });
    rows.push_back({"treatment alone, reference two-pass path (copy, then treat in place)", t_old});
  }
  const timing t_floor = measure(reps, [&] {
    T = X;
    for (index_t j : logged) {
      double* y = T.col(j).data();
      for (index_t i = 0; i < n; ++i) y[i] = std::log(y[i]);
    }
    consume(T(0, 0));
  });
  rows.push_back({"floor: copy the data once + std::log of each log-transformed indicator", t_floor});
  print_rows(rows, base);
  std::printf("The GII treatment adds %.2f streams (wall) / %.2f (CPU) to run_indicators; alone it costs %.2f / %.2f streams",
              (t_gii.wall - t_plain.wall) / base.wall, (t_gii.cpu - t_plain.cpu) / base.cpu, t_new.wall / base.wall,
              t_new.cpu / base.cpu);
  if (with_old) std::printf(" (the reference path %.2f / %.2f)", t_old.wall / base.wall, t_old.cpu / base.cpu);
  std::printf("; its floor %.2f / %.2f.\n\n", t_floor.wall / base.wall, t_floor.cpu / base.cpu);
}

}  // namespace

int main(int argc, char** argv) {
  const int units = arg_int(argc, argv, "--units", 100000);
  const int indicators = arg_int(argc, argv, "--indicators", 200);
  const int reps = arg_int(argc, argv, "--reps", 7);
  const int pii_reps = arg_int(argc, argv, "--pii-reps", 1000);
  g_sigma_max = bench::arg_double(argc, argv, "--sigma-max", 1.2);
  if (units < 4 || indicators < 2 || reps < 1 || pii_reps < 1) {
    std::fprintf(stderr, "usage: bench_treatment [--units N>=4] [--indicators M>=2] [--reps R] [--pii-reps R] [--no-pii] [--no-old] [--sigma-max S]\n");
    return 2;
  }
  std::printf("## compindex %s outlier treatment benchmark\n\n", COMPINDEX_VERSION_STRING);
  if (!has_flag(argc, argv, "--no-pii")) run_case("PII size", 63, {52, 21, 7, 2, 1}, pii_reps, true);
  std::vector<int> levels{indicators, std::max(2, indicators / 5), std::max(2, indicators / 25), 2, 1};
  for (std::size_t l = 1; l < levels.size(); ++l) levels[l] = std::min(levels[l], levels[l - 1]);
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  if (levels.back() != 1) levels.push_back(1);
  run_case("Scale", units, levels, reps, !has_flag(argc, argv, "--no-old"));
  return 0;
}
