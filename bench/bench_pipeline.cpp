// Benchmarks compindex::build and its parts, at the size of a real index (the PII: 63 units x 52
// indicators) and at scale (100,000 units x 200 indicators), against a baseline measured in the
// same run: streaming the data matrix once (a column-wise sum of every value).
//
// Reported, as medians of several repetitions (std::chrono::steady_clock):
//   (a) scoring   = run_indicators + aggregate, with a resolved plan (min-max, arithmetic mean, no
//                   treatment);
//   (b) ranking   = rank_nodes (every node);
//   (c) build     = build() from the spec, with the GII outlier treatment on;
//   (d) at PII size, the same as per-call times in microseconds;
// plus, at scale, a breakdown of the steps inside scoring, to show where the time goes. At scale
// the median CPU time of the thread is shown too, which a busy machine does not inflate.
//
// Usage: bench_pipeline [--units N] [--indicators M] [--reps R] [--pii-reps R] [--no-pii]
//   --units/--indicators/--reps change the scale case (default 100000 x 200, 7 repetitions).
//   The data are synthetic, log-normal with ~2% missing, from std::mt19937_64 with a fixed seed.
#include "bench_common.hpp"
#include "bench_index.hpp"

#include <compindex/compindex.hpp>
#include <compindex/detail/huge_pages.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
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

// ---------------------------------------------------------------------------------------------
// Timing

using bench::thread_cpu_seconds;

struct timing {
  double wall;  // median wall time (steady_clock), seconds
  double cpu;   // median thread CPU time, seconds (NaN when not measured)
};

// Median times of `reps` calls, after one warm-up call. CPU time is read only for long calls
// (`with_cpu`), where the cost of reading it is negligible.
timing measure(int reps, bool with_cpu, const std::function<void()>& f) {
  f();
  std::vector<double> wall, cpu;
  wall.reserve(static_cast<std::size_t>(reps));
  cpu.reserve(static_cast<std::size_t>(reps));
  for (int r = 0; r < reps; ++r) {
    const double c0 = with_cpu ? thread_cpu_seconds() : 0.0;
    const auto t0 = clock_type::now();
    f();
    const auto t1 = clock_type::now();
    const double c1 = with_cpu ? thread_cpu_seconds() : 0.0;
    wall.push_back(std::chrono::duration<double>(t1 - t0).count());
    cpu.push_back(c1 - c0);
  }
  return {median_of(wall), with_cpu ? median_of(cpu) : std::numeric_limits<double>::quiet_NaN()};
}

struct row {
  std::string step;
  timing t;
};

std::string fmt_time(double s) {
  char buf[64];
  if (s >= 1.0) std::snprintf(buf, sizeof buf, "%.3f s", s);
  else if (s >= 1e-3) std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
  else std::snprintf(buf, sizeof buf, "%.2f µs", s * 1e6);
  return buf;
}

void print_table(const std::vector<row>& rows, const timing& base, bool per_call_us) {
  if (per_call_us) {
    std::printf("| Step | Per call (µs) | × baseline |\n|---|---:|---:|\n");
    for (auto& r : rows) std::printf("| %s | %.2f | %.1f |\n", r.step.c_str(), r.t.wall * 1e6, r.t.wall / base.wall);
  } else {
    std::printf("| Step | Median wall time | × baseline | Median CPU time | × baseline (CPU) |\n|---|---:|---:|---:|---:|\n");
    for (auto& r : rows)
      std::printf("| %s | %s | %.2f | %s | %.2f |\n", r.step.c_str(), fmt_time(r.t.wall).c_str(), r.t.wall / base.wall,
                  fmt_time(r.t.cpu).c_str(), r.t.cpu / base.cpu);
  }
  std::printf("\n");
}

// ---------------------------------------------------------------------------------------------
// A floor for scoring (for comparison only, not compindex code)

// One row-wise pass over the K indicator columns of an aggregate: each value is normalized
// ((x - min) * scale, the direction folded into both), written out, and added into the row's
// weighted sum. Missing values propagate as NaN; nothing is checked.
template <int K>
void floor_rows(const double* const* xs, double* const* ys, const double* mn, const double* sc, const double* w,
                double* __restrict o, compindex::index_t n) {
  const double* __restrict x[K];
  double* __restrict y[K];
  for (int k = 0; k < K; ++k) x[k] = xs[k], y[k] = ys[k];
  for (compindex::index_t i = 0; i < n; ++i) {
    double s = 0.0;
    for (int k = 0; k < K; ++k) {
      const double v = (x[k][i] - mn[k]) * sc[k];
      y[k][i] = v;
      s += w[k] * v;
    }
    o[i] = s;
  }
}

// ---------------------------------------------------------------------------------------------
// One benchmark case

struct case_config {
  std::string title;
  compindex::index_t units;
  std::vector<int> levels;
  int reps;
  bool per_call_us;  // PII size: report microseconds per call
  bool breakdown;    // scale: time the steps inside scoring
};

void run_case(const case_config& c) {
  using namespace compindex;
  const framework fw = make_framework(c.levels);
  const index_t n = c.units, m = static_cast<index_t>(fw.n_indicators());
  const dataset data(make_units(n), make_data(n, m, 20240607u));
  const auto X = data.values();  // a view of the dataset's values

  pipeline_spec plain;  // min-max 0-100, arithmetic mean, no treatment (the defaults)
  pipeline_spec gii = plain;
  gii.treatment = treatment::gii{};
  const plan p_plain(fw, plain);
  const plan p_gii(fw, gii);

  std::string tree;
  for (std::size_t l = 0; l < c.levels.size(); ++l) tree += (l ? " → " : "") + std::to_string(c.levels[l]);
  std::printf("### %s: %lld units × %lld indicators (%s), %d repetitions\n\n", c.title.c_str(), static_cast<long long>(n),
              static_cast<long long>(m), tree.c_str(), c.reps);

  // Baseline: stream the data matrix once.
  const timing t_base = measure(c.reps, !c.per_call_us, [&] {
    const Eigen::RowVectorXd s = X.colwise().sum();
    consume(s.sum());
  });
  const double bytes = static_cast<double>(X.size()) * sizeof(double);

  // Inputs of (b) and of the breakdown, computed once.
  result scored;
  run_indicators(p_plain, data, scored);
  const matrix agg = aggregate(fw, *scored.normalized, p_plain.weights, p_plain.aggregation, p_plain.coverage, data.units());

  std::vector<row> rows;
  rows.push_back({"baseline: stream the data once (column sums)", t_base});
  // Scoring as a re-run does it (uncertainty analysis, what-if loops): the result and the
  // aggregator keep their buffers from one run to the next.
  result reused;
  aggregator reused_agg(fw);
  rows.push_back({"(a) scoring: run_indicators + aggregate", measure(c.reps, !c.per_call_us, [&] {
                    run_indicators(p_plain, data, reused);
                    reused_agg.run(*reused.normalized, p_plain.weights, p_plain.aggregation, p_plain.coverage, data.units(),
                                   reused.aggregated);
                    consume(reused.aggregated(0, 0));
                  })});
  rows.push_back({"    of which run_indicators", measure(c.reps, !c.per_call_us, [&] {
                    run_indicators(p_plain, data, reused);
                    consume((*reused.normalized)(0, 0));
                  })});
  rows.push_back({"    of which aggregate", measure(c.reps, !c.per_call_us, [&] {
                    reused_agg.run(*scored.normalized, p_plain.weights, p_plain.aggregation, p_plain.coverage, data.units(),
                                   reused.aggregated);
                    consume(reused.aggregated(0, 0));
                  })});
  // The same job through score(), the entry point build() uses: an arithmetic mean of min-max
  // normalized indicators is computed block by block of units while its normalized values are in
  // cache (the same values bit for bit).
  result reused_s;
  aggregator reused_sagg(fw);
  rows.push_back({"(a) scoring with score() (as build() scores)", measure(c.reps, !c.per_call_us, [&] {
                    score(p_plain, data, reused_s, reused_sagg);
                    consume(reused_s.aggregated(0, 0));
                  })});
  rows.push_back({"(a') scoring into fresh memory (a new result each run)", measure(c.reps, !c.per_call_us, [&] {
                    result out;
                    run_indicators(p_plain, data, out);
                    const matrix a = aggregate(fw, *out.normalized, p_plain.weights, p_plain.aggregation, p_plain.coverage,
                                               data.units());
                    consume(a(0, 0));
                  })});
  rows.push_back({"(b) ranking: rank_nodes (all nodes)", measure(c.reps, !c.per_call_us, [&] {
                    const rank_matrix r = rank_nodes(fw, *scored.normalized, agg);
                    consume(r(0, 0));
                  })});
  rows.push_back({"(c) build() with GII treatment", measure(c.reps, !c.per_call_us, [&] {
                    const result r = build(fw, data, gii);
                    consume(r.aggregated(0, 0));
                  })});
  rows.push_back({"    build() without treatment", measure(c.reps, !c.per_call_us, [&] {
                    const result r = build(fw, data, plain);
                    consume(r.aggregated(0, 0));
                  })});
  rows.push_back({"    run_indicators with GII treatment", measure(c.reps, !c.per_call_us, [&] {
                    result out;
                    run_indicators(p_gii, data, out);
                    consume((*out.normalized)(0, 0));
                  })});
  rows.push_back({"    plan(fw, spec) (resolving the spec)", measure(c.reps, !c.per_call_us, [&] {
                    const plan pl(fw, gii);
                    consume(pl.weights[0]);
                  })});

  print_table(rows, t_base, c.per_call_us);
  std::printf("Baseline: %s for %.1f MB (%.2f GB/s).\n\n", fmt_time(t_base.wall).c_str(), bytes / 1e6, bytes / t_base.wall / 1e9);

  if (!c.breakdown) return;

  // Where build() spends its time. build() = plan + run(), and run() is score(), effective
  // weights, rank_nodes and putting the result together; the benchmark runs that sequence step by
  // step, with a clock read between steps, into fresh memory as build() does, and takes each
  // step's median over the repetitions (after a warm-up run). The total of the steps is compared
  // with build() itself, timed separately. Then, for the split inside score(), the per-indicator
  // stages and the aggregation are timed alone (run_indicators into a new result; aggregate into
  // a new matrix), and the input checks (a summary pass per column: with the treatment they are
  // a pass of their own; without, normalization's own summary pass makes them).
  {
    const char* steps[] = {"plan(fw, spec): resolving and checking the spec",
                           "score(): per-indicator stages + aggregation",
                           "effective weights",
                           "ranks: rank_nodes (2 threads; CPU: calling thread)",
                           "other: missing-score diagnostics, result assembly, freeing the result"};
    constexpr int n_steps = 5;
    auto run_steps = [&](const pipeline_spec& sp, std::vector<std::vector<double>>& wall, std::vector<std::vector<double>>& cpu) {
      double w0 = 0, c0 = 0;
      int k = 0;
      auto lap = [&] {
        const double c1 = thread_cpu_seconds();
        const double w1 = std::chrono::duration<double>(clock_type::now().time_since_epoch()).count();
        if (k > 0) {
          wall[static_cast<std::size_t>(k - 1)].push_back(w1 - w0);
          cpu[static_cast<std::size_t>(k - 1)].push_back(c1 - c0);
        }
        w0 = std::chrono::duration<double>(clock_type::now().time_since_epoch()).count();
        c0 = thread_cpu_seconds();
        ++k;
      };
      lap();
      {
        auto out = std::make_unique<result>();
        const plan pl(fw, sp);
        lap();
        aggregator ag(pl.fw);
        score(pl, data, *out, ag);
        lap();
        out->weights = pl.weights;
        out->effective_weights = effective_weights(pl.fw, pl.weights);
        lap();
        out->ranks = rank_nodes(pl.fw, *out->normalized, out->aggregated);
        lap();
        const auto root_col = static_cast<index_t>(pl.fw.aggregate_column(pl.fw.root()));
        for (index_t i = 0; i < n; ++i)
          if (std::isnan(out->aggregated(i, root_col)))
            out->diagnostics.push_back({"missing_score", pl.fw.at(pl.fw.root()).code, "unit has no score"});
        consume(out->aggregated(0, root_col));
        const result moved = std::move(*out);  // build() returns its result by value
        out.reset();
        consume(moved.aggregated(0, 0));
      }
      lap();
    };
    struct column {
      std::vector<timing> step;
      timing total, build;
    };
    auto breakdown = [&](const pipeline_spec& sp) {
      std::vector<std::vector<double>> wall(n_steps), cpu(n_steps);
      std::vector<std::vector<double>> w_warm(n_steps), c_warm(n_steps);
      run_steps(sp, w_warm, c_warm);
      std::vector<double> tw, tc;
      for (int r = 0; r < c.reps; ++r) {
        run_steps(sp, wall, cpu);
        double sw = 0, sc = 0;
        for (int k = 0; k < n_steps; ++k) sw += wall[static_cast<std::size_t>(k)].back(), sc += cpu[static_cast<std::size_t>(k)].back();
        tw.push_back(sw);
        tc.push_back(sc);
      }
      column col;
      for (int k = 0; k < n_steps; ++k)
        col.step.push_back({median_of(wall[static_cast<std::size_t>(k)]), median_of(cpu[static_cast<std::size_t>(k)])});
      col.total = {median_of(tw), median_of(tc)};
      col.build = measure(c.reps, true, [&] {
        const result r = build(fw, data, sp);
        consume(r.aggregated(0, 0));
      });
      return col;
    };
    const column bp = breakdown(plain), bg = breakdown(gii);
    auto alone = [&](const std::function<void(const plan&)>& f) {
      return std::make_pair(measure(c.reps, true, [&] { f(p_plain); }), measure(c.reps, true, [&] { f(p_gii); }));
    };
    const auto checks = alone([&](const plan&) {
      index_t k = 0;
      for (index_t j = 0; j < m; ++j) k += statistics::summarize(X.col(j).data(), n).count;
      consume(static_cast<double>(k));
    });
    const auto stages = alone([&](const plan& pl) {
      result out;
      run_indicators(pl, data, out);
      consume((*out.normalized)(0, 0));
    });
    const auto aggregation = alone([&](const plan& pl) {
      const matrix a = aggregate(fw, *scored.normalized, pl.weights, pl.aggregation, pl.coverage, data.units());
      consume(a(0, 0));
    });
    std::printf("#### Breakdown of build() at this size\n\n");
    std::printf("Medians over the repetitions, into fresh memory as build() runs. Ranks use 2 threads: their CPU "
                "time counts the calling thread only (compare wall times). The treatment is inside the per-indicator "
                "stages.\n\n");
    std::printf("| Step | without treatment | × baseline | CPU × baseline | with GII treatment | × baseline | CPU × baseline |\n"
                "|---|---:|---:|---:|---:|---:|---:|\n");
    auto line = [&](const std::string& step, const timing& a, const timing& b) {
      std::printf("| %s | %s | %.2f | %.2f | %s | %.2f | %.2f |\n", step.c_str(), fmt_time(a.wall).c_str(), a.wall / t_base.wall,
                  a.cpu / t_base.cpu, fmt_time(b.wall).c_str(), b.wall / t_base.wall, b.cpu / t_base.cpu);
    };
    for (int k = 0; k < n_steps; ++k) {
      line(steps[k], bp.step[static_cast<std::size_t>(k)], bg.step[static_cast<std::size_t>(k)]);
      if (k == 1) {
        line("    input checks alone (a summary pass per column)", checks.first, checks.second);
        line("    per-indicator stages alone (run_indicators, new result)", stages.first, stages.second);
        line("    aggregation alone (aggregate, new matrix)", aggregation.first, aggregation.second);
      }
    }
    line("total of the steps", bp.total, bg.total);
    line("build() (everything, timed as one call)", bp.build, bg.build);
    std::printf("\n");
  }

  // Where scoring spends its time: the building blocks run_indicators and aggregate are made of,
  // each over every indicator column (or every aggregate node), timed the same way.
  std::vector<row> parts;
  parts.push_back({"baseline: stream the data once (column sums)", t_base});
  parts.push_back({"copy the data matrix (run_indicators copies once)", measure(c.reps, !c.per_call_us, [&] {
                     const auto cp = std::make_shared<matrix>(X);
                     consume((*cp)(0, 0));
                   })});
  parts.push_back({"allocate + first touch a units × indicators matrix", measure(c.reps, !c.per_call_us, [&] {
                     matrix y(n, m);
                     y.setConstant(1.0);  // not zero: malloc + memset(0) may become an untouched calloc
                     consume(y(n - 1, m - 1));
                   })});
  {
    matrix y = matrix::Constant(n, m, 1.0);
    parts.push_back({"copy the data into an existing matrix", measure(c.reps, !c.per_call_us, [&] {
                       y = X;
                       consume(y(0, 0));
                     })});
  }
  // The input check at the top of run_indicators, written out here exactly as it is there.
  parts.push_back({"input check loop (isinf / any value), as in run_indicators", measure(c.reps, !c.per_call_us, [&] {
                     bool all = true;
                     for (index_t j = 0; j < m; ++j) {
                       bool any = false;
                       for (index_t i = 0; i < n; ++i) {
                         const double v = X(i, j);
                         if (std::isinf(v)) std::abort();
                         any = any || !std::isnan(v);
                       }
                       all = all && any;
                     }
                     consume(all ? 1.0 : 0.0);
                   })});
  matrix work = X;  // normalizing already-normalized data costs the same, so one copy serves every rep
  parts.push_back({"statistics::count, every column", measure(c.reps, !c.per_call_us, [&] {
                     index_t k = 0;
                     for (index_t j = 0; j < m; ++j) k += statistics::count(X.col(j));
                     consume(static_cast<double>(k));
                   })});
  parts.push_back({"statistics::min, every column", measure(c.reps, !c.per_call_us, [&] {
                     double s = 0;
                     for (index_t j = 0; j < m; ++j) s += statistics::min(X.col(j));
                     consume(s);
                   })});
  parts.push_back({"statistics::max, every column", measure(c.reps, !c.per_call_us, [&] {
                     double s = 0;
                     for (index_t j = 0; j < m; ++j) s += statistics::max(X.col(j));
                     consume(s);
                   })});
  parts.push_back({"normalize_column (min-max), every column, in place", measure(c.reps, !c.per_call_us, [&] {
                     const codes& units = data.units();
                     for (index_t j = 0; j < m; ++j) {
                       const node& nd = fw.at(fw.indicators()[static_cast<std::size_t>(j)]);
                       column_context ctx;
                       ctx.indicator = &nd.code;
                       ctx.units = &units;
                       ctx.direction = nd.direction;
                       ctx.transform = &p_plain.transform[static_cast<std::size_t>(j)];
                       normalize_column(p_plain.normalization[static_cast<std::size_t>(j)],
                                        p_plain.output_range[static_cast<std::size_t>(j)], work.col(j), ctx);
                     }
                     consume(work(0, 0));
                   })});
  // aggregate, node by node, split by level: the first level reads every indicator column.
  {
    const auto& order = fw.evaluation_order();
    std::vector<std::size_t> first_level;
    for (auto a : order)
      if (fw.level(a) == 2) first_level.push_back(a);
    std::vector<double> out(static_cast<std::size_t>(n));
    parts.push_back({"aggregate_node, the first aggregate level only", measure(c.reps, !c.per_call_us, [&] {
                       children_view ch;
                       codes child_codes;
                       for (auto a : first_level) {
                         ch.columns.clear();
                         ch.weights.clear();
                         child_codes.clear();
                         for (auto k : fw.children(a)) {
                           ch.columns.push_back(scored.normalized->col(static_cast<index_t>(fw.indicator_column(k))).data());
                           ch.weights.push_back(p_plain.weights[static_cast<index_t>(k)]);
                           child_codes.push_back(fw.at(k).code);
                         }
                         aggregate_node(p_plain.aggregation[a], ch, n, p_plain.coverage[a], out.data(), fw.at(a).code,
                                        data.units(), child_codes);
                       }
                       consume(out[0]);
                     })});
  }
  // For comparison only (not compindex code): min-max normalization written as one streaming pass
  // per column (copy + count/min/max), then one in-cache pass (scale), the shape a fused
  // run_indicators could have. With a fresh output matrix, and with an output reused across runs.
  auto fused = [&](matrix& y) {
    for (index_t j = 0; j < m; ++j) {
      const double* src = X.col(j).data();
      double* dst = y.col(j).data();
      const double dir = fw.at(fw.indicators()[static_cast<std::size_t>(j)]).direction;
      double mn = std::numeric_limits<double>::infinity(), mx = -mn;
      for (index_t i = 0; i < n; ++i) {
        const double v = dir * src[i];
        dst[i] = v;
        mn = v < mn ? v : mn;  // NaN compares false: skipped
        mx = v > mx ? v : mx;
      }
      if (!(mx > mn) || !std::isfinite(mx - mn)) std::abort();
      const double k = 100.0 / (mx - mn);
      for (index_t i = 0; i < n; ++i) dst[i] = (dst[i] - mn) * k;
    }
  };
  parts.push_back({"for comparison: fused one-pass min-max, fresh output", measure(c.reps, !c.per_call_us, [&] {
                     matrix y(n, m);
                     fused(y);
                     consume(y(0, 0));
                   })});
  {
    matrix y(n, m);
    parts.push_back({"for comparison: fused one-pass min-max, reused output", measure(c.reps, !c.per_call_us, [&] {
                       fused(y);
                       consume(y(0, 0));
                     })});
  }
  // For comparison only: a floor for scoring on this machine, hand-written with the memory traffic
  // scoring cannot avoid and the least arithmetic. Per aggregate of the first level: a summary pass
  // over its indicator columns (min and max), then one row-wise pass that writes every normalized
  // value and the row's weighted sum (floor_rows); then each upper aggregate sums its children's
  // columns. No input checks, no coverage rule, no renormalization over missing values (NaN just
  // propagates), a multiplication where compindex divides. Shown when every first-level aggregate
  // has 5 indicator children (the scale tree).
  {
    const auto& order = fw.evaluation_order();
    bool shaped = true;
    for (auto a : order)
      for (auto k : fw.children(a)) shaped = shaped && (fw.level(a) != 2 || (fw.is_indicator(k) && fw.children(a).size() == 5));
    if (shaped) {
      matrix y(n, m), agg_floor(n, static_cast<index_t>(fw.n_aggregates()));
      y.setConstant(1.0);
      agg_floor.setConstant(1.0);
      auto floor_scoring = [&](matrix& yo, matrix& ao) {
        for (auto a : order) {
          const auto& ch = fw.children(a);
          double* o = ao.col(static_cast<index_t>(fw.aggregate_column(a))).data();
          if (fw.level(a) == 2) {
            const double* xs[5];
            double* ys[5];
            double mn[5], sc[5], w[5], total = 0.0;
            for (int k = 0; k < 5; ++k) total += p_plain.weights[static_cast<index_t>(ch[static_cast<std::size_t>(k)])];
            for (int k = 0; k < 5; ++k) {
              const std::size_t ind = ch[static_cast<std::size_t>(k)];
              const index_t j = static_cast<index_t>(fw.indicator_column(ind));
              xs[k] = X.col(j).data();
              ys[k] = yo.col(j).data();
              const auto sm = statistics::summarize(xs[k], n);
              const double dir = fw.at(ind).direction < 0 ? -1.0 : 1.0;
              sc[k] = dir * 100.0 / (sm.max - sm.min);
              mn[k] = dir > 0 ? sm.min : sm.max;
              w[k] = p_plain.weights[static_cast<index_t>(ind)] / total;
            }
            floor_rows<5>(xs, ys, mn, sc, w, o, n);
          } else {
            double total = 0.0;
            for (auto k : ch) total += p_plain.weights[static_cast<index_t>(k)];
            for (index_t i = 0; i < n; ++i) o[i] = 0.0;
            for (auto k : ch) {
              const double wk = p_plain.weights[static_cast<index_t>(k)] / total;
              const double* x = ao.col(static_cast<index_t>(fw.aggregate_column(k))).data();
              for (index_t i = 0; i < n; ++i) o[i] += wk * x[i];
            }
          }
        }
      };
      parts.push_back({"for comparison: a floor for scoring (hand-written, reused output)", measure(c.reps, !c.per_call_us, [&] {
                         floor_scoring(y, agg_floor);
                         consume(agg_floor(0, 0));
                       })});
      // The same into fresh memory (on huge pages, as compindex's results are): a floor for the
      // scoring inside build(), which returns a new result.
      parts.push_back({"for comparison: the floor into fresh memory (new output each run)", measure(c.reps, !c.per_call_us, [&] {
                         auto yf = detail::new_matrix<matrix>(n, m);
                         auto af = detail::new_matrix<matrix>(n, static_cast<index_t>(fw.n_aggregates()));
                         floor_scoring(*yf, *af);
                         consume((*af)(0, 0));
                       })});
      // The floor computes what (a) computes wherever a row has every value (the checks below
      // compare it with compindex's result), so it is a floor for the same job.
      index_t differ = 0;
      for (auto a : order) {
        const index_t col = static_cast<index_t>(fw.aggregate_column(a));
        for (index_t i = 0; i < n; ++i) {
          const double f = agg_floor(i, col), r = agg(i, col);
          if (!std::isnan(f) && !(std::abs(f - r) <= 1e-9 * std::max(1.0, std::abs(r)))) ++differ;
        }
      }
      if (differ) std::printf("warning: the floor's scores differ from compindex's in %lld cells\n\n", static_cast<long long>(differ));
    }
  }
  std::printf("#### Breakdown of scoring at this size\n\n");
  print_table(parts, t_base, false);
}

using bench::arg_int;

using bench::has_flag;

}  // namespace

int main(int argc, char** argv) {
  const int units = arg_int(argc, argv, "--units", 100000);
  const int indicators = arg_int(argc, argv, "--indicators", 200);
  const int reps = arg_int(argc, argv, "--reps", 7);
  const int pii_reps = arg_int(argc, argv, "--pii-reps", 1000);
  if (units < 4 || indicators < 2 || reps < 1 || pii_reps < 1) {
    std::fprintf(stderr, "usage: bench_pipeline [--units N>=4] [--indicators M>=2] [--reps R] [--pii-reps R] [--no-pii]\n");
    return 2;
  }

  std::printf("## compindex %s pipeline benchmark\n\n", COMPINDEX_VERSION_STRING);
  std::printf("Compiler: %s; ", __VERSION__);
#ifdef NDEBUG
  std::printf("NDEBUG on; ");
#else
  std::printf("NDEBUG OFF (assertions on: build with -DCMAKE_BUILD_TYPE=Release); ");
#endif
  std::printf("Eigen SIMD: %s.\n\n", Eigen::SimdInstructionSetsInUse());

  if (!has_flag(argc, argv, "--no-pii"))
    run_case({"PII size", 63, {52, 21, 7, 2, 1}, pii_reps, true, false});

  // The scale tree: 200 -> 40 -> 8 -> 2 -> 1 by default; other sizes keep the same shape.
  std::vector<int> levels{indicators, std::max(2, indicators / 5), std::max(2, indicators / 25), 2, 1};
  for (std::size_t l = 1; l < levels.size(); ++l) levels[l] = std::min(levels[l], levels[l - 1]);
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  if (levels.back() != 1) levels.push_back(1);
  run_case({"Scale", units, levels, reps, false, true});
  return 0;
}
