// Benchmark of uncertainty analysis, in three parts.
//
// (1) Overview: 10,000 replications (weights +/-25%, two normalizations, two aggregations,
//     treatment on/off) on a 50-unit x 50-indicator index and on the PII demonstration (63
//     provinces x 52 indicators, simulated data), on 1 and on all threads. Baseline, measured in the
//     same run: the naive approach (what COINr does), re-running the whole pipeline
//     (compindex::build) for each replication with the sampled choices.
// (2) Per replication at ASEM size (51 units x 49 indicators on COINr's ASEM tree: 8 pillars of
//     8, 5, 3, 6, 8 | 5, 9, 5 indicators in 2 sub-indices; synthetic data), weights +/-25% on the
//     pillars and sub-indices, aggregation arithmetic or geometric mean. Baseline: a hand-written
//     floor for one replication, one aggregation pass over the cached normalized data (and its
//     cached logs) with the sampled weights plus ranking the index column, checked to give the
//     engine's index scores and ranks.
// (3) At scale: 3,000 units x 60 indicators (10 pillars of 6, 2 sub-indices), 10,000
//     replications, the same factors, on 2 threads, against the same floor.
//
// Options: --no-overview skips (1), --no-scale skips (3), --reps R sets the repetitions of (2)
// (default 7), --scale-units N and --scale-reps R the size of (3).
#include "bench_common.hpp"

#include <compindex/datasets.hpp>
#include <compindex/uncertainty.hpp>

#include <cmath>
#include <cstring>
#include <ctime>

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


// ---------------------------------------------------------------------------------------------
// Parts (2) and (3): the hand-written floor against the engine.

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// A two-level tree: pillars of the given sizes, the first `in_first` pillars under sub-index S1,
// the others under S2, both under the index.
ci::framework two_level_tree(const std::vector<int>& pillar_sizes, std::size_t in_first) {
  std::vector<ci::node> nodes{{"Index", ""}, {"S1", "Index"}, {"S2", "Index"}};
  for (std::size_t p = 0; p < pillar_sizes.size(); ++p) nodes.push_back({"P" + std::to_string(p), p < in_first ? "S1" : "S2"});
  int j = 0;
  for (std::size_t p = 0; p < pillar_sizes.size(); ++p)
    for (int k = 0; k < pillar_sizes[p]; ++k) nodes.push_back({"x" + std::to_string(j++), "P" + std::to_string(p)});
  return ci::framework(nodes);
}

// Log-normal data with a location and spread per indicator, no missing values.
ci::dataset lognormal_data(std::size_t n_units, std::size_t n_ind, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  ci::matrix v(static_cast<ci::index_t>(n_units), static_cast<ci::index_t>(n_ind));
  for (std::size_t j = 0; j < n_ind; ++j) {
    std::lognormal_distribution<double> ln(0.1 * static_cast<double>(j % 7), 0.5 + 0.1 * static_cast<double>(j % 5));
    for (std::size_t i = 0; i < n_units; ++i) v(static_cast<ci::index_t>(i), static_cast<ci::index_t>(j)) = ln(g);
  }
  ci::codes units;
  for (std::size_t i = 0; i < n_units; ++i) units.push_back("u" + std::to_string(i));
  return ci::dataset(units, v);
}

// The factors of parts (2) and (3): weights of the pillars and sub-indices +/-25%, the
// aggregation of every aggregate arithmetic or geometric.
std::vector<ua::factor> floor_factors(const ci::framework& fw) {
  std::vector<std::string> varied;
  for (auto a : fw.aggregates())
    if (a != fw.root()) varied.push_back(fw.at(a).code);
  return {ua::weights_factor{"weights", varied, 0.25},
          ua::aggregation_factor{"aggregation", {ci::aggregation::arithmetic_mean{}, ci::aggregation::geometric_mean{}}, {}, 0}};
}

// The floor: what one replication cannot avoid. For each aggregate (children first): its
// children's weights divided by their sum, one weighted sum over the units (columns contiguous),
// on the cached logs of the normalized data for a geometric mean, and its finish (exp for a
// geometric mean); then the ranks of the index. The weight normalization and the sums follow
// the library's formula (aggregation.ipp, normalized_weights and power_family) operation for
// operation, so the scores are the same to the bit.
struct floor_replication {
  const ci::framework& fw;
  ci::index_t n;
  ci::matrix x, lx;              // normalized data and its natural logs, cached once
  std::vector<std::size_t> varied;  // node of each weight input
  ci::vector w0;
  struct agg_node {
    double* out;
    std::vector<std::size_t> child;  // node indexes
    std::vector<const double*> xs, ls;  // indicator columns and their logs (null for an aggregate child)
    std::vector<const double*> as;       // aggregate child columns (null for an indicator)
  };
  std::vector<agg_node> order;
  ci::matrix agg;
  const double* root = nullptr;
  std::vector<double> w, nw;
  ci::rank_workspace ws;
  ci::rank_vector ranks;

  floor_replication(const ci::framework& f, const ci::matrix& normalized) : fw(f), n(normalized.rows()), x(normalized) {
    lx = x.array().log().matrix();  // as the engine caches them
    for (auto a : fw.aggregates())
      if (a != fw.root()) varied.push_back(a);
    w0.resize(static_cast<ci::index_t>(fw.size()));
    for (std::size_t i = 0; i < fw.size(); ++i) w0[static_cast<ci::index_t>(i)] = fw.at(i).weight;
    agg.resize(n, static_cast<ci::index_t>(fw.n_aggregates()));
    for (auto a : fw.evaluation_order()) {
      agg_node nd;
      nd.out = agg.col(static_cast<ci::index_t>(fw.aggregate_column(a))).data();
      for (auto c : fw.children(a)) {
        nd.child.push_back(c);
        const bool ind = fw.is_indicator(c);
        nd.xs.push_back(ind ? x.col(static_cast<ci::index_t>(fw.indicator_column(c))).data() : nullptr);
        nd.ls.push_back(ind ? lx.col(static_cast<ci::index_t>(fw.indicator_column(c))).data() : nullptr);
        nd.as.push_back(ind ? nullptr : agg.col(static_cast<ci::index_t>(fw.aggregate_column(c))).data());
      }
      order.push_back(std::move(nd));
    }
    root = agg.col(static_cast<ci::index_t>(fw.aggregate_column(fw.root()))).data();
    w.resize(fw.size());
    ranks.resize(n);
  }

  // One replication from its row of uniform variates (the weights first, then the aggregation).
  void run(const double* u, std::size_t stride) {
    for (std::size_t i = 0; i < fw.size(); ++i) w[i] = w0[static_cast<ci::index_t>(i)];
    for (std::size_t k = 0; k < varied.size(); ++k) w[varied[k]] *= 1.0 + 0.25 * (2.0 * u[k * stride] - 1.0);
    const bool geo = u[varied.size() * stride] >= 0.5;
    for (auto& nd : order) {
      const std::size_t k = nd.child.size();
      double mx = 0.0, t = 0.0, tot = 0.0;
      for (std::size_t c = 0; c < k; ++c) mx = std::max(mx, std::abs(w[nd.child[c]]));
      for (std::size_t c = 0; c < k; ++c) t += w[nd.child[c]] / mx;
      nw.resize(k);
      for (std::size_t c = 0; c < k; ++c) tot += nw[c] = (w[nd.child[c]] / mx) / t;
      const double inv = tot == 1.0 ? 1.0 : 1.0 / tot;
      double* __restrict o = nd.out;
      for (std::size_t c = 0; c < k; ++c) {
        const double wc = nw[c];
        if (nd.xs[c]) {
          const double* __restrict s = geo ? nd.ls[c] : nd.xs[c];
          if (c == 0)
            for (ci::index_t i = 0; i < n; ++i) o[i] = wc * s[i];
          else
            for (ci::index_t i = 0; i < n; ++i) o[i] += wc * s[i];
        } else {
          const double* __restrict s = nd.as[c];
          if (geo) {
            if (c == 0)
              for (ci::index_t i = 0; i < n; ++i) o[i] = wc * std::log(s[i]);
            else
              for (ci::index_t i = 0; i < n; ++i) o[i] += wc * std::log(s[i]);
          } else {
            if (c == 0)
              for (ci::index_t i = 0; i < n; ++i) o[i] = wc * s[i];
            else
              for (ci::index_t i = 0; i < n; ++i) o[i] += wc * s[i];
          }
        }
      }
      if (geo)
        for (ci::index_t i = 0; i < n; ++i) o[i] = std::exp(o[i] * inv);
      else
        for (ci::index_t i = 0; i < n; ++i) o[i] *= inv;
    }
    ci::rank_scores_into(root, n, ranks.data(), ws);
  }
};

struct timing {
  double wall = 0, cpu = 0;  // seconds
};

template <class F>
std::vector<timing> repeat(int reps, F f, bool process_cpu = false) {
  std::vector<timing> out;
  for (int r = 0; r < reps; ++r) {
    const double c0 = process_cpu ? process_cpu_seconds() : bench::thread_cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    f();
    timing t;
    t.wall = seconds_since(t0);
    t.cpu = (process_cpu ? process_cpu_seconds() : bench::thread_cpu_seconds()) - c0;
    out.push_back(t);
  }
  return out;
}

double median_of(std::vector<timing> v, bool cpu) {
  std::sort(v.begin(), v.end(), [&](const timing& a, const timing& b) { return cpu ? a.cpu < b.cpu : a.wall < b.wall; });
  return cpu ? v[v.size() / 2].cpu : v[v.size() / 2].wall;
}

// Times the floor and the engine on the same sampled replications; checks that they agree.
struct floor_vs_engine {
  double floor_wall, floor_cpu;    // per replication, seconds
  double eng_wall, eng_cpu;        // evaluate(), 1 thread, per replication
  double ua_wall;                  // uncertainty_analysis() end to end, 1 thread, per replication
  double eng2_wall, eng2_cpu;      // evaluate(), 2 threads, per replication (CPU of the process)
  bool scores_equal, ranks_equal;
};

floor_vs_engine measure(const ci::framework& fw, const ci::dataset& d, std::size_t n_rep, int reps, double geo_share,
                        bool with_ua) {
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};  // so the geometric mean is defined
  const auto f = floor_factors(fw);
  ua::engine e(fw, d, spec, f);
  ua::options o;
  o.n = n_rep;
  o.seed = 1;
  ci::matrix inputs = e.sample(0, n_rep, o);
  // geo_share 0 or 1 pins the aggregation (the last input), else the sample decides.
  if (geo_share == 0.0 || geo_share == 1.0) inputs.col(inputs.cols() - 1).setConstant(geo_share == 0.0 ? 0.25 : 0.75);
  floor_replication fl(fw, *e.nominal().normalized);
  const auto stride = static_cast<std::size_t>(inputs.rows());
  floor_vs_engine m{};
  // Check: the floor gives the engine's scores and ranks, replication by replication.
  {
    o.threads = 1;
    const auto runs = e.evaluate(inputs, 0, o);
    m.scores_equal = m.ranks_equal = true;
    for (std::size_t r = 0; r < n_rep; ++r) {
      fl.run(&inputs(static_cast<ci::index_t>(r), 0), stride);
      for (ci::index_t i = 0; i < d.n_units(); ++i) {
        const double s = runs.scores(static_cast<ci::index_t>(r), i);
        if (std::memcmp(&s, fl.root + i, sizeof s) != 0) m.scores_equal = false;
        if (runs.ranks(static_cast<ci::index_t>(r), i) != static_cast<double>(fl.ranks[i])) m.ranks_equal = false;
      }
    }
  }
  const double per = 1.0 / static_cast<double>(n_rep);
  auto tf = repeat(reps, [&] {
    for (std::size_t r = 0; r < n_rep; ++r) fl.run(&inputs(static_cast<ci::index_t>(r), 0), stride);
  });
  m.floor_wall = median_of(tf, false) * per;
  m.floor_cpu = median_of(tf, true) * per;
  o.threads = 1;
  auto te = repeat(reps, [&] { e.evaluate(inputs, 0, o); });
  m.eng_wall = median_of(te, false) * per;
  m.eng_cpu = median_of(te, true) * per;
  if (with_ua) {
    ua::options oa = o;
    auto tu = repeat(reps, [&] { ua::uncertainty_analysis(fw, d, spec, f, oa); });
    m.ua_wall = median_of(tu, false) * per;
  }
  o.threads = 2;
  auto t2 = repeat(reps, [&] { e.evaluate(inputs, 0, o); }, true);
  m.eng2_wall = median_of(t2, false) * per;
  m.eng2_cpu = median_of(t2, true) * per;
  return m;
}

void asem_size(int reps) {
  // COINr's ASEM tree: Connectivity (Physical 8, ConEcFin 5, Political 3, Instit 6, P2P 8) and
  // Sustainability (Environ 5, Social 9, SusEcFin 5): 49 indicators, 51 units.
  const ci::framework fw = two_level_tree({8, 5, 3, 6, 8, 5, 9, 5}, 5);
  const ci::dataset d = lognormal_data(51, 49, 2024);
  std::printf("\n## Per replication at ASEM size: 51 units x 49 indicators (ASEM's tree, synthetic data), 10,000 replications\n\n");
  std::printf("Weights +/-25%% on the 8 pillars and 2 sub-indices; aggregation as given. Floor: one aggregation pass over the\n"
              "cached normalized data (and logs) with the sampled weights + ranking the index (rank_scores_into). Medians of %d runs.\n\n",
              reps);
  std::printf("| aggregation | floor | engine, 1 thread | engine / floor | floor CPU | engine CPU | CPU ratio | engine, 2 threads (wall) | UA end to end, 1 thread | floor = engine |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  const std::pair<const char*, double> cases[] = {{"arithmetic", 0.0}, {"geometric", 1.0}, {"either (the factor)", 0.5}};
  for (const auto& [name, share] : cases) {
    const auto m = measure(fw, d, 10000, reps, share, share == 0.5);
    char ua_txt[32] = "";
    if (share == 0.5) std::snprintf(ua_txt, sizeof ua_txt, "%.2f us", m.ua_wall * 1e6);
    std::printf("| %s | %.2f us | %.2f us | **%.2f** | %.2f us | %.2f us | **%.2f** | %.2f us | %s | scores %s, ranks %s |\n", name,
                m.floor_wall * 1e6, m.eng_wall * 1e6, m.eng_wall / m.floor_wall, m.floor_cpu * 1e6, m.eng_cpu * 1e6,
                m.eng_cpu / m.floor_cpu, m.eng2_wall * 1e6, ua_txt, m.scores_equal ? "bit-equal" : "DIFFER",
                m.ranks_equal ? "equal" : "DIFFER");
  }
}

void at_scale(std::size_t units, std::size_t n_rep, int reps) {
  const ci::framework fw = two_level_tree(std::vector<int>(10, 6), 5);
  const ci::dataset d = lognormal_data(units, 60, 7);
  std::printf("\n## At scale: %zu units x 60 indicators (10 pillars of 6, 2 sub-indices), %zu replications, the same factors\n\n",
              units, n_rep);
  const auto m = measure(fw, d, n_rep, reps, 0.5, false);
  const double nr = static_cast<double>(n_rep);
  std::printf("| | wall | CPU | x floor (wall) | x floor (CPU) |\n|---|---:|---:|---:|---:|\n");
  std::printf("| floor, 1 thread (scaled: per replication x %zu) | %.3f s | %.3f s | 1 | 1 |\n", n_rep, m.floor_wall * nr,
              m.floor_cpu * nr);
  std::printf("| engine evaluate(), 1 thread | %.3f s | %.3f s | %.2f | %.2f |\n", m.eng_wall * nr, m.eng_cpu * nr,
              m.eng_wall / m.floor_wall, m.eng_cpu / m.floor_cpu);
  std::printf("| engine evaluate(), 2 threads (CPU: both threads) | **%.3f s** | %.3f s | %.2f (floor / 2: %.2f) | %.2f |\n",
              m.eng2_wall * nr, m.eng2_cpu * nr, m.eng2_wall / m.floor_wall, 2.0 * m.eng2_wall / m.floor_wall,
              m.eng2_cpu / m.floor_cpu);
  // The whole analysis, with its summary (mean, median and percentile ranks, the units x units
  // outranking probabilities), on 2 threads.
  ci::pipeline_spec spec;
  spec.output_range = {1, 100};
  ua::options o;
  o.n = n_rep;
  o.seed = 1;
  o.threads = 2;
  ua::engine e(fw, d, spec, floor_factors(fw));
  ua::replications runs;
  auto tu = repeat(1, [&] { runs = e.evaluate(e.sample(0, n_rep, o), 0, o); }, true);
  auto ts = repeat(1, [&] { ua::summarize(e, std::move(runs), o); }, true);
  std::printf("| uncertainty_analysis(), 2 threads: replications | %.3f s | %.3f s | | |\n", tu[0].wall, tu[0].cpu);
  std::printf("| uncertainty_analysis(), 2 threads: summary (%zu x %zu outranking matrix) | %.3f s | %.3f s | | |\n", units, units,
              ts[0].wall, ts[0].cpu);
  std::printf("\nfloor = engine: scores %s, ranks %s\n", m.scores_equal ? "bit-equal" : "DIFFER", m.ranks_equal ? "equal" : "DIFFER");
}

}  // namespace

int main(int argc, char** argv) {
  const bool overview = !bench::has_flag(argc, argv, "--no-overview");
  const bool scale = !bench::has_flag(argc, argv, "--no-scale");
  const int reps = bench::arg_int(argc, argv, "--reps", 7);
  if (overview) {
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
  }
  asem_size(reps);
  if (scale)
    at_scale(static_cast<std::size_t>(bench::arg_int(argc, argv, "--scale-units", 3000)),
             static_cast<std::size_t>(bench::arg_int(argc, argv, "--scale-reps", 10000)), 3);
  return 0;
}
