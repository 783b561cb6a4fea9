// Benchmarks the ranks of every node (compindex::rank_nodes) against a hand-written floor for the
// same job and against streaming the data once, on the synthetic index of bench_pipeline: at
// scale (100,000 units x 200 indicators, tree 200 -> 40 -> 8 -> 2 -> 1, log-normal, ~2% missing)
// and at the size of a real index (the PII: 63 units x 52 indicators).
//
// Reported, as medians of several repetitions (after one warm-up), with wall time
// (std::chrono::steady_clock), the CPU time of the calling thread and the CPU time of the process
// (all threads), each also as a ratio to the baseline measured in the same run:
//   baseline      : stream the data matrix once (column sums, as bench_pipeline);
//   also          : stream the ranked columns once (every indicator's normalized column and every
//                   aggregate's: what ranking must read at least);
//   rank_nodes    : the library call, on its default thread count (columns shared over the
//                   hardware threads from a million cells up), and on one thread (the same
//                   kernel, rank_scores_into, over every column with one reused workspace);
//   previous      : the kernel rank_nodes used before issue #18 (kept below for comparison);
//   floor         : the cheapest correct ranking of the same columns written here (see
//                   floor_rank): same output, on one thread and on the threads rank_nodes uses;
//   not a ranking : at scale, one counting pass on 16 bits plus the rank writes (wrong wherever
//                   two scores share a bucket): the least memory traffic of any bucket ranking.
// The floor skips what makes the kernel total (missing scores, ties, +0 == -0); the program
// checks that it gives compindex's ranks on every column without missing scores or ties.
//
// Usage: bench_ranks [--units N] [--indicators M] [--reps R] [--pii-reps R] [--no-pii]
#include "bench_common.hpp"
#include "bench_index.hpp"
#include "reference/previous_ranking.hpp"

#include <compindex/compindex.hpp>
#include <compindex/detail/huge_pages.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using bench::consume;
using bench::make_data;
using bench::make_framework;
using bench::make_units;
using bench::median_of;

using clock_type = std::chrono::steady_clock;
using compindex::index_t;
using compindex::rank_t;

// The synthetic index is bench_pipeline's (bench_index.hpp: same tree rule, distributions, seed).

// ---------------------------------------------------------------------------------------------
// Timing

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct timing {
  double wall, cpu, process;  // medians: wall, calling thread's CPU, process CPU (seconds)
};

timing measure(int reps, const std::function<void()>& f) {
  f();
  std::vector<double> wall, cpu, proc;
  for (int r = 0; r < reps; ++r) {
    const double p0 = process_cpu_seconds(), c0 = bench::thread_cpu_seconds();
    const auto t0 = clock_type::now();
    f();
    const auto t1 = clock_type::now();
    const double c1 = bench::thread_cpu_seconds(), p1 = process_cpu_seconds();
    wall.push_back(std::chrono::duration<double>(t1 - t0).count());
    cpu.push_back(c1 - c0);
    proc.push_back(p1 - p0);
  }
  return {median_of(wall), median_of(cpu), median_of(proc)};
}

std::string fmt_time(double s) {
  char buf[64];
  if (s >= 1.0) std::snprintf(buf, sizeof buf, "%.3f s", s);
  else if (s >= 1e-3) std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
  else std::snprintf(buf, sizeof buf, "%.2f µs", s * 1e6);
  return buf;
}

// The kernel rank_nodes used before issue #18 (for comparison) is the ranking test's oracle:
// tests/cpp/reference/previous_ranking.hpp.
inline std::uint64_t descending_key(double x) { return previous_ranking::oracle_key(x); }  // the library's key

struct two_arrays {
  std::vector<std::uint64_t> a, b;
};

// The column's best key and the shift that fits (key - best) for every score into `bits` bits: so
// the sort key spends its bits on the column's own range.
std::uint64_t range_shift(const double* x, index_t n, int bits, std::uint64_t& best) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (index_t i = 0; i < n; ++i) {
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
  }
  best = descending_key(hi);
  const std::uint64_t range = descending_key(lo) - best;
  int used = 0;
  while (used < 64 && (range >> used) != 0) ++used;
  return static_cast<std::uint64_t>(used > bits ? used - bits : 0);
}

// ---------------------------------------------------------------------------------------------
// The floor: the cheapest correct ranking of a column without missing scores or ties written
// here. One pass for the extremes (so the 32-bit sort key spends its bits on the column's own
// range), one pass that builds (key, row) entries and their digit counts, an LSD radix sort on
// 11-bit digits (skipping digits every entry shares), then one walk that writes position + 1;
// entries sharing a key (distinct scores closer than 32 bits resolve) are put in order by an
// insertion sort on the score, which correctness on tie-free data needs. No check for missing
// scores, no ties, no +0 == -0, no fallback for long runs, no allocation.
void floor_rank(const double* x, index_t n, rank_t* out, two_arrays& ws) {
  const auto m = static_cast<std::size_t>(n);
  std::uint64_t* a = ws.a.data();
  std::uint64_t* b = ws.b.data();
  if (m < 128) {  // small columns: a comparison sort of (high half of the key, row), no extremes pass
    for (index_t i = 0; i < n; ++i) a[i] = (descending_key(x[i]) & 0xFFFFFFFF00000000ULL) | static_cast<std::uint64_t>(i);
    std::sort(a, a + m);
  } else {
    std::uint64_t best = 0;
    const std::uint64_t shift = range_shift(x, n, 32, best);
    std::array<std::array<std::uint32_t, 2048>, 3> hist{};
    for (index_t i = 0; i < n; ++i) {
      const std::uint64_t r = static_cast<std::uint32_t>((descending_key(x[i]) - best) >> shift);  // NaN: any key, in bounds
      ++hist[0][r & 0x7FF];
      ++hist[1][(r >> 11) & 0x7FF];
      ++hist[2][r >> 22];
      a[i] = (r << 32) | static_cast<std::uint64_t>(i);
    }
    for (int p = 0; p < 3; ++p) {
      auto& h = hist[static_cast<std::size_t>(p)];
      const int s = 32 + 11 * p;
      if (h[(a[0] >> s) & 0x7FF] == m) continue;
      std::uint32_t sum = 0;
      for (auto& c : h) {
        const std::uint32_t t = c;
        c = sum;
        sum += t;
      }
      for (std::size_t i = 0; i < m; ++i) b[h[(a[i] >> s) & 0x7FF]++] = a[i];
      std::swap(a, b);
    }
  }
  for (std::size_t k = 0; k < m;) {
    std::size_t j = k + 1;
    while (j < m && (a[j] >> 32) == (a[k] >> 32)) ++j;
    for (std::size_t q = k + 1; q < j; ++q)  // insertion sort of a shared key, descending
      for (std::size_t w = q; w > k && x[a[w - 1] & 0xFFFFFFFF] < x[a[w] & 0xFFFFFFFF]; --w) std::swap(a[w], a[w - 1]);
    for (; k < j; ++k) out[a[k] & 0xFFFFFFFF] = static_cast<rank_t>(k + 1);
  }
}

// Not a ranking (for comparison only): one counting pass on the top 16 bits of the same reduced
// key, then each score's place in its bucket as its rank. Wrong wherever two scores share a
// bucket (most cells at scale); it shows what one extremes pass, one counting pass and one write
// of the ranks cost, the least memory traffic any ranking by buckets has.
void one_counting_pass(const double* x, index_t n, rank_t* out, std::vector<std::uint32_t>& keys,
                       std::vector<std::uint32_t>& hist) {
  std::uint64_t best = 0;
  const std::uint64_t shift = range_shift(x, n, 16, best);
  keys.resize(static_cast<std::size_t>(n));
  hist.assign(65536, 0);
  for (index_t i = 0; i < n; ++i) {
    const std::uint32_t r = static_cast<std::uint32_t>((descending_key(x[i]) - best) >> shift) & 0xFFFF;
    keys[static_cast<std::size_t>(i)] = r;
    ++hist[r];
  }
  std::uint32_t sum = 0;
  for (auto& c : hist) {
    const std::uint32_t t = c;
    c = sum;
    sum += t;
  }
  for (index_t i = 0; i < n; ++i) out[i] = static_cast<rank_t>(hist[keys[static_cast<std::size_t>(i)]]++ + 1);
}

// f(column) for every column, shared over `threads` threads as rank_nodes shares them.
void over_columns(std::size_t columns, unsigned threads, const std::function<void(std::size_t, unsigned)>& f) {
  std::atomic<std::size_t> next{0};
  auto work = [&](unsigned t) {
    for (std::size_t i = next++; i < columns; i = next++) f(i, t);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
}

// ---------------------------------------------------------------------------------------------

struct row {
  std::string step;
  timing t;
};

void print_table(const std::vector<row>& rows, const timing& base, bool per_call_us) {
  if (per_call_us) {
    std::printf("| Step | Per call (µs) | × baseline |\n|---|---:|---:|\n");
    for (auto& r : rows) std::printf("| %s | %.2f | %.1f |\n", r.step.c_str(), r.t.wall * 1e6, r.t.wall / base.wall);
  } else {
    std::printf("| Step | Median wall time | × baseline | Thread CPU | × baseline | Process CPU | × baseline |\n"
                "|---|---:|---:|---:|---:|---:|---:|\n");
    for (auto& r : rows)
      std::printf("| %s | %s | %.2f | %s | %.2f | %s | %.2f |\n", r.step.c_str(), fmt_time(r.t.wall).c_str(),
                  r.t.wall / base.wall, fmt_time(r.t.cpu).c_str(), r.t.cpu / base.cpu, fmt_time(r.t.process).c_str(),
                  r.t.process / base.process);
  }
  std::printf("\n");
}

void run_case(const char* title, index_t n, const std::vector<int>& levels, int reps, bool per_call_us) {
  using namespace compindex;
  const framework fw = make_framework(levels);
  const index_t m = static_cast<index_t>(fw.n_indicators());
  const dataset data(make_units(n), make_data(n, m, 20240607u));
  const auto X = data.values();
  const plan p(fw, pipeline_spec{});
  result scored;
  run_indicators(p, data, scored);
  const matrix agg = aggregate(fw, *scored.normalized, p.weights, p.aggregation, p.coverage, data.units());
  const std::size_t nodes = fw.size();
  std::vector<const double*> cols(nodes);
  for (std::size_t i = 0; i < nodes; ++i)
    cols[i] = fw.is_indicator(i) ? scored.normalized->col(static_cast<index_t>(fw.indicator_column(i))).data()
                                 : agg.col(static_cast<index_t>(fw.aggregate_column(i))).data();
  const unsigned nt = static_cast<double>(n) * static_cast<double>(nodes) >= 1048576.0
                          ? std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(nodes)))
                          : 1;

  std::string tree;
  for (std::size_t l = 0; l < levels.size(); ++l) tree += (l ? " → " : "") + std::to_string(levels[l]);
  std::printf("### %s: %lld units × %lld indicators (%s), %zu columns ranked, %d repetitions\n\n", title,
              static_cast<long long>(n), static_cast<long long>(m), tree.c_str(), nodes, reps);

  std::vector<row> rows;
  const timing base = measure(reps, [&] {
    const Eigen::RowVectorXd s = X.colwise().sum();
    consume(s.sum());
  });
  rows.push_back({"baseline: stream the data once (column sums)", base});
  rows.push_back({"stream the ranked columns once (column sums)", measure(reps, [&] {
                    double s = 0.0;
                    for (const double* c : cols) s += Eigen::Map<const vector>(c, n).sum();
                    consume(s);
                  })});
  rank_matrix ref;
  rows.push_back({"rank_nodes (" + std::to_string(nt) + (nt == 1 ? " thread)" : " threads)"), measure(reps, [&] {
                    ref = rank_nodes(fw, *scored.normalized, agg);
                    consume(ref(0, 0));
                  })});
  {
    rank_workspace ws;
    rows.push_back({"rank_nodes' kernel on 1 thread (rank_scores_into, fresh output)", measure(reps, [&] {
                      rank_matrix r;
                      detail::resize_matrix(r, n, static_cast<index_t>(nodes));  // as rank_nodes allocates
                      for (std::size_t i = 0; i < nodes; ++i) rank_scores_into(cols[i], n, r.col(static_cast<index_t>(i)).data(), ws);
                      consume(r(0, 0));
                    })});
    rank_matrix r(n, static_cast<index_t>(nodes));
    rows.push_back({"rank_nodes' kernel on 1 thread, reused output", measure(reps, [&] {
                      for (std::size_t i = 0; i < nodes; ++i) rank_scores_into(cols[i], n, r.col(static_cast<index_t>(i)).data(), ws);
                      consume(r(0, 0));
                    })});
  }
  {
    std::vector<previous_ranking::oracle_workspace> ws(nt);
    rank_matrix prev;
    rows.push_back({"previous kernel (before #18), " + std::to_string(nt) + (nt == 1 ? " thread" : " threads"), measure(reps, [&] {
                      prev = rank_matrix();
                      detail::resize_matrix(prev, n, static_cast<index_t>(nodes));
                      over_columns(nodes, nt, [&](std::size_t i, unsigned t) {
                        previous_ranking::oracle_rank(cols[i], n, prev.col(static_cast<index_t>(i)).data(), ws[t]);
                      });
                      consume(prev(0, 0));
                    })});
    if (prev != ref) std::printf("warning: the previous kernel's ranks differ from rank_nodes'\n\n");
    if (nt > 1)
      rows.push_back({"previous kernel (before #18), 1 thread", measure(reps, [&] {
                        over_columns(nodes, 1, [&](std::size_t i, unsigned t) {
                          previous_ranking::oracle_rank(cols[i], n, prev.col(static_cast<index_t>(i)).data(), ws[t]);
                        });
                        consume(prev(0, 0));
                      })});
  }
  {
    std::vector<two_arrays> ws(nt);
    for (auto& w : ws) {
      w.a.resize(static_cast<std::size_t>(n));
      w.b.resize(static_cast<std::size_t>(n));
    }
    rank_matrix fl;
    rows.push_back({"floor (hand-written), " + std::to_string(nt) + (nt == 1 ? " thread" : " threads") + ", fresh output",
                    measure(reps, [&] {
                      fl = rank_matrix();
                      detail::resize_matrix(fl, n, static_cast<index_t>(nodes));
                      over_columns(nodes, nt, [&](std::size_t i, unsigned t) {
                        floor_rank(cols[i], n, fl.col(static_cast<index_t>(i)).data(), ws[t]);
                      });
                      consume(fl(0, 0));
                    })});
    if (nt > 1)
      rows.push_back({"floor (hand-written), 1 thread, fresh output", measure(reps, [&] {
                      rank_matrix r;
                      detail::resize_matrix(r, n, static_cast<index_t>(nodes));
                      over_columns(nodes, 1, [&](std::size_t i, unsigned t) {
                        floor_rank(cols[i], n, r.col(static_cast<index_t>(i)).data(), ws[t]);
                      });
                      consume(r(0, 0));
                    })});
    rows.push_back({"floor (hand-written), 1 thread, reused output", measure(reps, [&] {
                      over_columns(nodes, 1, [&](std::size_t i, unsigned t) {
                        floor_rank(cols[i], n, fl.col(static_cast<index_t>(i)).data(), ws[t]);
                      });
                      consume(fl(0, 0));
                    })});
    if (!per_call_us) {  // at scale only (its 64 Ki counters dwarf a small column)
      std::vector<std::vector<std::uint32_t>> keys(nt), hist(nt);
      rows.push_back({"not a ranking: one counting pass (16 bits) + rank writes, " + std::to_string(nt) +
                          (nt == 1 ? " thread" : " threads") + ", reused output",
                      measure(reps, [&] {
                        over_columns(nodes, nt, [&](std::size_t i, unsigned t) {
                          one_counting_pass(cols[i], n, fl.col(static_cast<index_t>(i)).data(), keys[t], hist[t]);
                        });
                        consume(fl(0, 0));
                      })});
      // back to the floor's ranks for the check below
      over_columns(nodes, 1, [&](std::size_t i, unsigned t) { floor_rank(cols[i], n, fl.col(static_cast<index_t>(i)).data(), ws[t]); });
    }
    // The floor is a floor for the same job: on every column without missing scores or ties it
    // gives rank_nodes' ranks.
    std::size_t checked = 0, differ = 0;
    for (std::size_t i = 0; i < nodes; ++i) {
      std::vector<double> v(cols[i], cols[i] + n);
      if (std::any_of(v.begin(), v.end(), [](double d) { return std::isnan(d); })) continue;
      std::sort(v.begin(), v.end());
      if (std::adjacent_find(v.begin(), v.end()) != v.end()) continue;
      ++checked;
      differ += fl.col(static_cast<index_t>(i)) != ref.col(static_cast<index_t>(i));
    }
    std::printf("The floor's ranks equal rank_nodes' on %zu of the %zu columns without missing scores or ties%s.\n\n",
                checked - differ, checked, differ ? " (WARNING: not on every one)" : "");
  }
  print_table(rows, base, per_call_us);
}

}  // namespace

int main(int argc, char** argv) {
  const int units = bench::arg_int(argc, argv, "--units", 100000);
  const int indicators = bench::arg_int(argc, argv, "--indicators", 200);
  const int reps = bench::arg_int(argc, argv, "--reps", 7);
  const int pii_reps = bench::arg_int(argc, argv, "--pii-reps", 1000);
  if (units < 4 || indicators < 2 || reps < 1 || pii_reps < 1) {
    std::fprintf(stderr, "usage: bench_ranks [--units N>=4] [--indicators M>=2] [--reps R] [--pii-reps R] [--no-pii]\n");
    return 2;
  }
  std::printf("## compindex %s ranking benchmark\n\nCompiler: %s; %s; %u hardware threads.\n\n", COMPINDEX_VERSION_STRING,
              __VERSION__,
#ifdef NDEBUG
              "NDEBUG on",
#else
              "NDEBUG OFF (build with -DCMAKE_BUILD_TYPE=Release)",
#endif
              std::thread::hardware_concurrency());
  if (!bench::has_flag(argc, argv, "--no-pii")) run_case("PII size", 63, {52, 21, 7, 2, 1}, pii_reps, true);
  std::vector<int> levels{indicators, std::max(2, indicators / 5), std::max(2, indicators / 25), 2, 1};
  for (std::size_t l = 1; l < levels.size(); ++l) levels[l] = std::min(levels[l], levels[l - 1]);
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  if (levels.back() != 1) levels.push_back(1);
  run_case("Scale", units, levels, reps, false);
  return 0;
}
