#pragma once
// Out-of-line definitions of uncertainty.hpp.

#include "../uncertainty.hpp"
#include "../detail/format.hpp"
#include "../detail/threads.hpp"
#include "../random.hpp"
#include "../ranking.hpp"
#include "../sobol_sequence.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <thread>

namespace compindex::uncertainty {

namespace detail {

using compindex::detail::throw_computation;
using compindex::detail::throw_spec;

// A factor resolved against the framework.
struct resolved {
  enum kind_t { weights, normalization, aggregation, imputation, treatment, exclusion, weight_sets } kind;
  std::string name;
  std::size_t offset = 0, dims = 0;  // its uniform variates
  std::size_t n_alternatives = 0;    // discrete factors
  // weights
  std::vector<std::size_t> nodes;
  double spread = 0.0;
  bool dirichlet = false;
  double concentration = 0.0;
  std::vector<std::vector<std::size_t>> sibling_groups;  // Dirichlet: perturbed nodes by parent
  // exclusion: node per alternative (npos: none)
  std::vector<std::size_t> excluded;
  // aggregation alternatives
  std::vector<compindex::aggregation::method> aggregations;
  // weight sets: the weights of each alternative, per node
  std::vector<vector> set_weights;
};

inline std::size_t pick(double u, std::size_t l) {
  const auto k = static_cast<std::size_t>(u * static_cast<double>(l));
  return std::min(k, l - 1);
}

// Linear-interpolation quantile (numpy's default) of sorted values.
inline double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace detail

struct engine::impl {
  framework fw;
  dataset data;
  pipeline_spec spec;
  plan base;
  result nominal;
  std::vector<detail::resolved> factors;
  std::vector<std::string> factor_names, input_names;
  std::vector<std::size_t> group_of_input;
  std::size_t dims = 0;
  // Per-indicator stage variants: index = imputation alt * (T * N) + treatment alt * N + normalization alt.
  int f_imp = -1, f_tr = -1, f_norm = -1;  // factor positions (-1: absent)
  int f_sets = -1;                          // the weight-sets factor (-1: absent)
  std::size_t n_imp = 1, n_tr = 1, n_norm = 1;
  std::vector<shared_matrix> variants;
  std::vector<matrix> log_variants;  // natural logs of each variant, for geometric means
  std::vector<std::string> variant_error;
  // Variants with a stochastic imputation (em_draw): their plan, re-run in every replication with
  // the replication's Philox stream (null for deterministic variants).
  std::vector<std::shared_ptr<const plan>> stochastic;
  bool has_weights = false;

  impl(const framework& f, const dataset& d, const pipeline_spec& s) : fw(f), data(d), spec(s), base(f, s) {}
};

COMPINDEX_INLINE engine::engine(const framework& fw, const dataset& data, const pipeline_spec& nominal, std::vector<factor> factors)
    : p_(std::make_unique<impl>(fw, data, nominal)) {
  auto& P = *p_;
  P.nominal = run(P.base, P.data);
  const framework& f = P.fw;
  auto node_of = [&](const std::string& code, const std::string& where) {
    const auto i = f.find(code);
    if (i == framework::npos) detail::throw_spec(where + ": unknown node '" + code + "'");
    return i;
  };
  std::map<std::string, int> seen_names;
  for (std::size_t k = 0; k < factors.size(); ++k) {
    detail::resolved r;
    std::visit([&](auto& fac) { r.name = fac.name; }, factors[k]);
    if (r.name.empty()) detail::throw_spec("factor " + std::to_string(k + 1) + ": empty name");
    if (seen_names[r.name]++) detail::throw_spec("two factors are named '" + r.name + "'");
    const std::string where = "factor '" + r.name + "'";
    if (auto* w = std::get_if<weights_factor>(&factors[k])) {
      r.kind = detail::resolved::weights;
      if (!(w->spread >= 0.0 && w->spread < 1.0)) detail::throw_spec(where + ": spread must be in [0, 1), got " + compindex::detail::fmt_double(w->spread));
      if (w->nodes.empty()) {
        for (std::size_t i = 0; i < f.size(); ++i)
          if (i != f.root() && !f.is_ratio(i)) r.nodes.push_back(i);  // a ratio node's weight is in no aggregate
      } else {
        for (auto& c : w->nodes) {
          const auto i = node_of(c, where);
          if (i == f.root()) detail::throw_spec(where + ": the root's weight cannot vary");
          if (f.is_ratio(i)) detail::throw_spec(where + ": '" + c + "' is a ratio node, whose weight is in no aggregate");
          r.nodes.push_back(i);
        }
      }
      r.spread = w->spread;
      r.dirichlet = w->dirichlet;
      r.concentration = w->concentration;
      if (r.dirichlet) {
        if (!(w->concentration > 0.0) || !std::isfinite(w->concentration))
          detail::throw_spec(where + ": the Dirichlet concentration must be positive");
        std::map<std::size_t, std::vector<std::size_t>> by_parent;
        for (auto i : r.nodes) by_parent[f.parent(i)].push_back(i);
        for (auto& kv : by_parent) r.sibling_groups.push_back(kv.second);
        r.dims = 0;
      } else {
        r.dims = r.nodes.size();
      }
      for (auto i : r.nodes)
        if (!r.dirichlet) P.input_names.push_back(r.name + ":" + f.at(i).code);
      P.has_weights = true;
    } else if (auto* n = std::get_if<normalization_factor>(&factors[k])) {
      r.kind = detail::resolved::normalization;
      r.n_alternatives = n->alternatives.size();
      if (P.f_norm >= 0) detail::throw_spec(where + ": only one normalization factor is allowed");
      P.f_norm = static_cast<int>(k);
      P.n_norm = r.n_alternatives;
    } else if (auto* a = std::get_if<aggregation_factor>(&factors[k])) {
      r.kind = detail::resolved::aggregation;
      r.n_alternatives = a->alternatives.size();
      r.aggregations = a->alternatives;
      if (!a->nodes.empty()) {
        for (auto& c : a->nodes) {
          const auto i = node_of(c, where);
          if (f.is_indicator(i)) detail::throw_spec(where + ": '" + c + "' is an indicator, not an aggregate");
          if (f.is_ratio(i)) detail::throw_spec(where + ": '" + c + "' is a ratio node, which aggregates nothing");
          r.nodes.push_back(i);
        }
      } else {
        for (auto i : f.aggregates())
          if (!f.is_ratio(i) && (a->level <= 0 || f.level(i) == a->level)) r.nodes.push_back(i);
        if (r.nodes.empty()) detail::throw_spec(where + ": no aggregate at level " + std::to_string(a->level));
      }
      // Bad method parameters fail here, naming a node, rather than in every replication.
      for (const auto& alt : a->alternatives)
        for (auto i : r.nodes) compindex::aggregation::validate(alt, f.at(i).code);
    } else if (auto* im = std::get_if<imputation_factor>(&factors[k])) {
      r.kind = detail::resolved::imputation;
      r.n_alternatives = im->alternatives.size();
      if (P.f_imp >= 0) detail::throw_spec(where + ": only one imputation factor is allowed");
      P.f_imp = static_cast<int>(k);
      P.n_imp = r.n_alternatives;
    } else if (auto* t = std::get_if<treatment_factor>(&factors[k])) {
      r.kind = detail::resolved::treatment;
      r.n_alternatives = t->alternatives.size();
      if (P.f_tr >= 0) detail::throw_spec(where + ": only one treatment factor is allowed");
      P.f_tr = static_cast<int>(k);
      P.n_tr = r.n_alternatives;
    } else if (auto* ws = std::get_if<weight_sets_factor>(&factors[k])) {
      r.kind = detail::resolved::weight_sets;
      if (P.f_sets >= 0) detail::throw_spec(where + ": only one weight-sets factor is allowed");
      P.f_sets = static_cast<int>(k);
      const auto known = f.weight_set_names();
      for (const auto& set : ws->sets) {
        if (set.empty() || set == "nominal") {
          r.set_weights.push_back(P.base.weights);
          continue;
        }
        if (std::find(known.begin(), known.end(), set) == known.end()) {
          std::string names;
          for (const auto& nm : known) names += (names.empty() ? "'" : ", '") + nm + "'";
          detail::throw_spec(where + ": unknown weight set '" + set + "' (the framework has " +
                             (names.empty() ? std::string("no named weight sets") : names) + "; \"nominal\" is the nominal weights)");
        }
        vector ws_w = f.weight_set(set);
        for (auto& [code, v] : P.spec.weights) ws_w[static_cast<index_t>(f.index_of(code))] = v;
        f.validate_weights(ws_w);
        r.set_weights.push_back(std::move(ws_w));
      }
      r.n_alternatives = r.set_weights.size();
      P.has_weights = true;
    } else {
      const auto& e = std::get<exclusion_factor>(factors[k]);
      r.kind = detail::resolved::exclusion;
      if (e.include_none) r.excluded.push_back(framework::npos);
      if (e.candidates.empty()) {
        for (auto i : f.indicators()) r.excluded.push_back(i);
      } else {
        for (auto& c : e.candidates) {
          const auto i = node_of(c, where);
          if (i == f.root()) detail::throw_spec(where + ": the root cannot be left out");
          if (f.is_ratio(i)) detail::throw_spec(where + ": '" + c + "' is a ratio node, which is in no aggregate");
          r.excluded.push_back(i);
        }
      }
      r.n_alternatives = r.excluded.size();
    }
    if (r.kind != detail::resolved::weights) {
      if (r.n_alternatives == 0) detail::throw_spec(where + ": no alternatives");
      r.dims = 1;
      P.input_names.push_back(r.name);
    }
    r.offset = P.dims;
    P.dims += r.dims;
    for (std::size_t d = 0; d < r.dims; ++d) P.group_of_input.push_back(k);
    P.factor_names.push_back(r.name);
    P.factors.push_back(std::move(r));
  }

  // Every combination of per-indicator choices, computed once. A combination that fails is
  // remembered with its reason: the replications that use it fail with that reason.
  const std::size_t n_var = P.n_imp * P.n_tr * P.n_norm;
  P.variants.assign(n_var, shared_matrix());
  P.variant_error.assign(n_var, std::string());
  P.log_variants.assign(n_var, matrix());
  P.stochastic.assign(n_var, nullptr);
  for (std::size_t v = 0; v < n_var; ++v) {
    const std::size_t ai = v / (P.n_tr * P.n_norm), ti = (v / P.n_norm) % P.n_tr, ni = v % P.n_norm;
    pipeline_spec s = P.spec;
    if (P.f_imp >= 0) {
      s.imputation = std::get<imputation_factor>(factors[static_cast<std::size_t>(P.f_imp)]).alternatives[ai];
      s.imputation_by_indicator.clear();
    }
    if (P.f_tr >= 0) {
      s.treatment = std::get<treatment_factor>(factors[static_cast<std::size_t>(P.f_tr)]).alternatives[ti];
      s.treatment_by_indicator.clear();
    }
    if (P.f_norm >= 0) {
      s.normalization = std::get<normalization_factor>(factors[static_cast<std::size_t>(P.f_norm)]).alternatives[ni];
      s.normalization_by_indicator.clear();
    }
    plan pl(P.fw, s);  // spec errors (e.g. goalposts without goalposts) surface here, at set-up
    if (std::any_of(pl.imputation.begin(), pl.imputation.end(), [](const auto& m) { return compindex::imputation::is_stochastic(m); }))
      P.stochastic[v] = std::make_shared<const plan>(pl);
    try {
      result r;
      run_indicators(pl, P.data, r);
      P.variants[v] = r.normalized;
      P.log_variants[v] = r.normalized->array().log().matrix();
    } catch (const std::exception& e) {
      P.variant_error[v] = e.what();
    }
  }
}

COMPINDEX_INLINE engine::~engine() = default;

COMPINDEX_INLINE std::size_t engine::dims() const noexcept { return p_->dims; }
COMPINDEX_INLINE std::size_t engine::n_factors() const noexcept { return p_->factors.size(); }
COMPINDEX_INLINE const std::vector<std::string>& engine::factor_names() const noexcept { return p_->factor_names; }
COMPINDEX_INLINE const std::vector<std::string>& engine::input_names() const noexcept { return p_->input_names; }
COMPINDEX_INLINE const std::vector<std::size_t>& engine::group_of_input() const noexcept { return p_->group_of_input; }
COMPINDEX_INLINE const result& engine::nominal() const noexcept { return p_->nominal; }
COMPINDEX_INLINE const codes& engine::units() const noexcept { return p_->data.units(); }

COMPINDEX_INLINE matrix engine::sample(std::size_t first, std::size_t count, const options& opt) const {
  const std::size_t d = p_->dims;
  matrix u(static_cast<index_t>(count), static_cast<index_t>(d));
  if (d == 0 || count == 0) return u;
  if (opt.sampling == sampler::sobol) {
    sobol_sequence seq(d, digital_shift{opt.seed}, false);
    seq.skip(first);
    return seq.draw(count);
  }
  for (std::size_t r = 0; r < count; ++r) {
    philox rng(opt.seed, first + r);
    for (std::size_t j = 0; j < d; ++j) u(static_cast<index_t>(r), static_cast<index_t>(j)) = rng.uniform();
  }
  return u;
}

COMPINDEX_INLINE replications engine::evaluate(const matrix& inputs, std::size_t first, const options& opt,
                                               const control& ctl) const {
  const auto& P = *p_;
  const framework& f = P.fw;
  if (static_cast<std::size_t>(inputs.cols()) != P.dims)
    detail::throw_spec("evaluate: expected " + std::to_string(P.dims) + " input columns, got " + std::to_string(inputs.cols()));
  const auto rows = static_cast<std::size_t>(inputs.rows());
  const auto n_units = P.data.n_units();
  replications out;
  out.index.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) out.index[r] = first + r;
  out.ranks.setConstant(static_cast<index_t>(rows), n_units, nan);
  out.scores.setConstant(static_cast<index_t>(rows), n_units, nan);
  out.inputs = inputs;
  out.choices.assign(rows, std::vector<int>(P.factors.size(), -1));
  if (P.has_weights) out.weights_used.setConstant(static_cast<index_t>(rows), static_cast<index_t>(f.size()), nan);
  const unsigned nt = compindex::detail::thread_count(opt.threads, rows);
  std::vector<std::vector<failure>> fails(nt);
  const auto root_col = static_cast<index_t>(f.aggregate_column(f.root()));

  // Rows go out in blocks, taken in turn by the threads; a stop request is honored between blocks.
  // Small blocks (at most 16 rows: milliseconds) keep the answer to a stop request prompt; taking
  // one costs an atomic increment.
  const std::size_t block =
      ctl.block ? ctl.block : std::max<std::size_t>(1, std::min<std::size_t>(16, rows / (static_cast<std::size_t>(nt) * 16)));
  const std::size_t n_blocks = (rows + block - 1) / block;
  std::atomic<std::size_t> next_block{0}, rows_done{0};
  std::atomic<bool> stopped{false};

  auto work = [&](unsigned t) {
    // Per-thread buffers, refilled for each replication without allocating.
    aggregator agg(f, false);  // the root's ranks only: ratio nodes are not computed
    matrix aggregated;
    vector w;
    std::vector<compindex::aggregation::method> methods;
    rank_workspace rank_ws;
    rank_vector root_ranks(n_units);
    std::vector<std::unique_ptr<plan>> own_plans(P.stochastic.size());  // stochastic variants' plans, copied once per thread
    result drawn;
    for (;;) {
      if (ctl.stop && ctl.stop->load(std::memory_order_relaxed)) {
        stopped.store(true, std::memory_order_relaxed);
        return;
      }
      const std::size_t b = next_block.fetch_add(1, std::memory_order_relaxed);
      if (b >= n_blocks) return;
      const std::size_t lo = b * block, hi = std::min(rows, lo + block);
      for (std::size_t r = lo; r < hi; ++r) {
        const std::size_t rep = first + r;
        try {
          methods = P.base.aggregation;
          std::size_t ai = 0, ti = 0, ni = 0;
          // The weight set first, so that weight perturbations and exclusions apply to it.
          const vector* center = &P.base.weights;
          if (P.f_sets >= 0) {
            const auto k = static_cast<std::size_t>(P.f_sets);
            const auto& fac = P.factors[k];
            const std::size_t choice = detail::pick(inputs(static_cast<index_t>(r), static_cast<index_t>(fac.offset)), fac.n_alternatives);
            out.choices[r][k] = static_cast<int>(choice);
            center = &fac.set_weights[choice];
          }
          w = *center;
          for (std::size_t k = 0; k < P.factors.size(); ++k) {
            const auto& fac = P.factors[k];
            using K = detail::resolved;
            if (fac.kind == K::weight_sets) continue;
            if (fac.kind == K::weights) {
              if (fac.dirichlet) {
                philox rng(opt.seed ^ 0xD1B54A32D192ED03ull, rep * 64 + k);
                for (const auto& g : fac.sibling_groups) {
                  double total = 0.0;
                  for (auto i : g) total += (*center)[static_cast<index_t>(i)];
                  vector alpha(static_cast<index_t>(g.size()));
                  for (std::size_t j = 0; j < g.size(); ++j)
                    alpha[static_cast<index_t>(j)] = fac.concentration * (*center)[static_cast<index_t>(g[j])] / total;
                  for (index_t j = 0; j < alpha.size(); ++j)
                    if (!(alpha[j] > 0)) alpha[j] = 1e-12;  // a zero nominal weight stays (almost) zero
                  const vector s = dirichlet(rng, alpha);
                  for (std::size_t j = 0; j < g.size(); ++j) w[static_cast<index_t>(g[j])] = s[static_cast<index_t>(j)] * total;
                }
              } else {
                for (std::size_t j = 0; j < fac.nodes.size(); ++j) {
                  const double u = inputs(static_cast<index_t>(r), static_cast<index_t>(fac.offset + j));
                  w[static_cast<index_t>(fac.nodes[j])] *= 1.0 + fac.spread * (2.0 * u - 1.0);
                }
              }
              continue;
            }
            const std::size_t choice = detail::pick(inputs(static_cast<index_t>(r), static_cast<index_t>(fac.offset)), fac.n_alternatives);
            out.choices[r][k] = static_cast<int>(choice);
            switch (fac.kind) {
              case K::normalization: ni = choice; break;
              case K::imputation: ai = choice; break;
              case K::treatment: ti = choice; break;
              case K::aggregation:
                for (auto i : fac.nodes) methods[i] = fac.aggregations[choice];
                break;
              case K::exclusion:
                if (fac.excluded[choice] != framework::npos) w[static_cast<index_t>(fac.excluded[choice])] = 0.0;
                break;
              default: break;
            }
          }
          if (P.has_weights) out.weights_used.row(static_cast<index_t>(r)) = w.transpose();
          const std::size_t v = ai * (P.n_tr * P.n_norm) + ti * P.n_norm + ni;
          if (P.stochastic[v]) {
            // Multiple imputation: one EM draw per replication, from the replication's own stream
            // (so the draw does not depend on the thread that runs it).
            auto& pl = own_plans[v];
            if (!pl) pl = std::make_unique<plan>(*P.stochastic[v]);
            for (std::size_t j = 0; j < pl->imputation.size(); ++j)
              if (auto* d = std::get_if<compindex::imputation::em_draw>(&pl->imputation[j])) {
                const auto& d0 = std::get<compindex::imputation::em_draw>(P.stochastic[v]->imputation[j]);
                d->seed = d0.seed ^ (opt.seed * 0x9E3779B97F4A7C15ull);
                d->stream = rep + 1;
              }
            run_indicators(*pl, P.data, drawn);
            agg.run(*drawn.normalized, w, methods, P.base.coverage, P.data.units(), aggregated, nullptr);
          } else {
            if (!P.variants[v]) throw data_error(P.variant_error[v]);
            agg.run(*P.variants[v], w, methods, P.base.coverage, P.data.units(), aggregated, &P.log_variants[v]);
          }
          out.scores.row(static_cast<index_t>(r)) = aggregated.col(root_col).transpose();
          rank_scores_into(aggregated.col(root_col).data(), n_units, root_ranks.data(), rank_ws);
          for (index_t u = 0; u < root_ranks.size(); ++u)
            out.ranks(static_cast<index_t>(r), u) = root_ranks[u] == unranked ? nan : static_cast<double>(root_ranks[u]);
        } catch (const std::exception& e) {
          out.ranks.row(static_cast<index_t>(r)).setConstant(nan);
          out.scores.row(static_cast<index_t>(r)).setConstant(nan);
          fails[t].push_back({rep, e.what()});
        }
      }
      rows_done.fetch_add(hi - lo, std::memory_order_relaxed);
      if (ctl.done) ctl.done->fetch_add(hi - lo, std::memory_order_relaxed);
    }
  };
  if (nt == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < nt; ++t) pool.emplace_back(work, t);
    for (auto& th : pool) th.join();
  }
  if (stopped.load()) {
    const std::size_t done = rows_done.load();
    throw interrupted("evaluation interrupted after " + std::to_string(done) + " of " + std::to_string(rows) + " replications",
                      done);
  }
  for (auto& v : fails) out.failures.insert(out.failures.end(), v.begin(), v.end());
  // Threads took blocks in any order: list the failures in replication order.
  std::sort(out.failures.begin(), out.failures.end(),
            [](const failure& a, const failure& b) { return a.replication < b.replication; });
  return out;
}

COMPINDEX_INLINE const framework& engine::fw() const noexcept { return p_->fw; }

COMPINDEX_INLINE vector engine::nominal_ranks() const {
  return ranks_as_double(p_->nominal.ranks.col(static_cast<index_t>(p_->fw.root())));
}

COMPINDEX_INLINE ua_result summarize(const engine& e, replications runs, const options& opt) {
  ua_result s;
  s.units = e.units();
  s.factor_names = e.factor_names();
  s.input_names = e.input_names();
  s.nominal_ranks = e.nominal_ranks();
  s.nominal_scores = e.nominal().node_scores(e.fw(), e.fw().root());
  const index_t rows = runs.ranks.rows(), n = static_cast<index_t>(s.units.size());
  std::vector<char> ok(static_cast<std::size_t>(rows), 1);
  for (auto& f : runs.failures) {
    auto it = std::lower_bound(runs.index.begin(), runs.index.end(), f.replication);
    if (it != runs.index.end() && *it == f.replication) ok[static_cast<std::size_t>(it - runs.index.begin())] = 0;
  }
  for (auto c : ok) s.n_successful += c != 0;
  s.mean_rank.setConstant(n, nan);
  s.median_rank.setConstant(n, nan);
  s.p05_rank.setConstant(n, nan);
  s.p95_rank.setConstant(n, nan);
  std::vector<double> v;
  for (index_t u = 0; u < n; ++u) {
    v.clear();
    for (index_t r = 0; r < rows; ++r)
      if (ok[static_cast<std::size_t>(r)] && !std::isnan(runs.ranks(r, u))) v.push_back(runs.ranks(r, u));
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    s.mean_rank[u] = sum / static_cast<double>(v.size());
    s.median_rank[u] = detail::quantile(v, 0.5);
    s.p05_rank[u] = detail::quantile(v, 0.05);
    s.p95_rank[u] = detail::quantile(v, 0.95);
  }
  s.mean_abs_shift.setConstant(rows, nan);
  for (index_t r = 0; r < rows; ++r) {
    if (!ok[static_cast<std::size_t>(r)]) continue;
    double sum = 0;
    index_t m = 0;
    for (index_t u = 0; u < n; ++u) {
      const double a = runs.ranks(r, u), b = s.nominal_ranks[u];
      if (std::isnan(a) || std::isnan(b)) continue;
      sum += std::abs(a - b);
      ++m;
    }
    if (m) s.mean_abs_shift[r] = sum / static_cast<double>(m);
  }
  // P(rank_i < rank_j) over the replications in which both are ranked. Row-major counters, and
  // the units split over threads by row i (each thread owns its rows: no sharing, and every sum
  // runs over the replications in the same order whatever the thread count).
  const auto nn = static_cast<std::size_t>(n);
  std::vector<double> wins(nn * nn, 0.0), both(nn * nn, 0.0);
  // Replication-major copy of the ranks (NaN as 0 with a validity flag) so the inner loop is contiguous.
  std::vector<double> rk(static_cast<std::size_t>(rows) * nn), valid(static_cast<std::size_t>(rows) * nn);
  for (index_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < nn; ++j) {
      const double x = runs.ranks(r, static_cast<index_t>(j));
      const bool present = ok[static_cast<std::size_t>(r)] && !std::isnan(x);
      rk[static_cast<std::size_t>(r) * nn + j] = present ? x : 0.0;
      valid[static_cast<std::size_t>(r) * nn + j] = present ? 1.0 : 0.0;
    }
  auto count_rows = [&](std::size_t i0, std::size_t i1) {
    for (index_t r = 0; r < rows; ++r) {
      const double* row = &rk[static_cast<std::size_t>(r) * nn];
      const double* val = &valid[static_cast<std::size_t>(r) * nn];
      for (std::size_t i = i0; i < i1; ++i) {
        if (val[i] == 0.0) continue;
        const double a = row[i];
        double* wi = &wins[i * nn];
        double* bi = &both[i * nn];
        for (std::size_t j = 0; j < nn; ++j) {
          bi[j] += val[j];
          wi[j] += (a < row[j]) ? val[j] : 0.0;
        }
      }
    }
  };
  const unsigned nt = compindex::detail::thread_count(opt.threads, nn);
  if (nt == 1) {
    count_rows(0, nn);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < nt; ++t) pool.emplace_back(count_rows, nn * t / nt, nn * (t + 1) / nt);
    for (auto& th : pool) th.join();
  }
  s.outrank_probability = matrix::Constant(n, n, nan);
  for (std::size_t i = 0; i < nn; ++i)
    for (std::size_t j = 0; j < nn; ++j)
      if (i != j && both[i * nn + j] > 0)
        s.outrank_probability(static_cast<index_t>(i), static_cast<index_t>(j)) = wins[i * nn + j] / both[i * nn + j];
  s.runs = std::move(runs);
  return s;
}

COMPINDEX_INLINE ua_result uncertainty_analysis(const framework& fw, const dataset& data, const pipeline_spec& nominal,
                                                const std::vector<factor>& factors, const options& opt) {
  if (opt.n == 0) detail::throw_spec("uncertainty analysis: the number of replications must be positive");
  engine e(fw, data, nominal, factors);
  return summarize(e, e.evaluate(e.sample(0, opt.n, opt), 0, opt), opt);
}

COMPINDEX_INLINE vector sensitivity_output(const engine& e, const replications& runs, const std::string& target_unit) {
  const index_t rows = runs.ranks.rows();
  vector y(rows);
  if (!target_unit.empty()) {
    const auto& units = e.units();
    const auto it = std::find(units.begin(), units.end(), target_unit);
    if (it == units.end()) detail::throw_spec("sensitivity analysis: unknown unit '" + target_unit + "'");
    const auto u = static_cast<index_t>(it - units.begin());
    for (index_t r = 0; r < rows; ++r) {
      y[r] = runs.ranks(r, u);
      if (std::isnan(y[r]))
        detail::throw_computation("sensitivity analysis: unit '" + target_unit + "' is unranked in replication " +
                                  std::to_string(runs.index[static_cast<std::size_t>(r)]));
    }
    return y;
  }
  const vector nominal = e.nominal_ranks();
  for (index_t r = 0; r < rows; ++r) {
    double sum = 0;
    index_t m = 0;
    for (index_t u = 0; u < runs.ranks.cols(); ++u)
      if (!std::isnan(runs.ranks(r, u)) && !std::isnan(nominal[u])) sum += std::abs(runs.ranks(r, u) - nominal[u]), ++m;
    y[r] = m ? sum / static_cast<double>(m) : 0.0;
  }
  return y;
}

COMPINDEX_INLINE sa_result sensitivity_analysis(const framework& fw, const dataset& data, const pipeline_spec& nominal,
                                                const std::vector<factor>& factors, const std::string& target_unit,
                                                const options& opt, const sensitivity::sobol_options& sobol) {
  if (opt.n < 2) detail::throw_spec("sensitivity analysis: the base sample size n must be at least 2");
  for (auto& f : factors)
    if (auto* w = std::get_if<weights_factor>(&f); w && w->dirichlet)
      detail::throw_spec("sensitivity analysis: factor '" + w->name +
                         "' draws Dirichlet weights, which a Saltelli design cannot vary; use uniform weights");
  if (factors.empty()) detail::throw_spec("sensitivity analysis: no factors");
  engine e(fw, data, nominal, factors);
  const matrix design = sensitivity::saltelli_sample(opt.n, e.group_of_input(), opt.seed);
  sa_result out;
  out.factor_names = e.factor_names();
  out.output = target_unit.empty() ? "mean absolute rank shift" : "rank of " + target_unit;
  out.runs = e.evaluate(design, 0, opt);
  if (!out.runs.failures.empty()) {
    std::string msg = "sensitivity analysis: " + std::to_string(out.runs.failures.size()) + " of " +
                      std::to_string(design.rows()) + " replications failed";
    for (std::size_t i = 0; i < out.runs.failures.size() && i < 3; ++i)
      msg += (i ? "; " : ": ") + std::string("replication ") + std::to_string(out.runs.failures[i].replication) + ": " +
             out.runs.failures[i].reason;
    detail::throw_computation(msg);
  }
  out.y = sensitivity_output(e, out.runs, target_unit);
  out.indices = sensitivity::sobol_indices(out.y, opt.n, e.n_factors(), sobol);
  return out;
}

COMPINDEX_INLINE loo_result leave_one_out(const framework& fw, const dataset& data, const pipeline_spec& nominal,
                                          const std::vector<std::string>& nodes) {
  const plan p(fw, nominal);
  const result base = run(p, data);
  loo_result out;
  out.units = data.units();
  const auto root = fw.root();
  const auto root_col = static_cast<index_t>(fw.aggregate_column(root));
  out.nominal_ranks = ranks_as_double(base.ranks.col(static_cast<index_t>(root)));
  std::vector<std::size_t> drop;
  if (nodes.empty()) {
    drop = fw.indicators();
  } else {
    for (auto& c : nodes) {
      const auto i = fw.index_of(c);
      if (i == root) detail::throw_spec("leave_one_out: the root cannot be left out");
      if (fw.is_ratio(i)) detail::throw_spec("leave_one_out: '" + c + "' is a ratio node, which is in no aggregate");
      drop.push_back(i);
    }
  }
  const index_t n = data.n_units();
  out.ranks.resize(static_cast<index_t>(drop.size()), n);
  out.rank_change.resize(static_cast<index_t>(drop.size()), n);
  out.mean_abs_change.resize(static_cast<index_t>(drop.size()));
  aggregator agg(fw, false);
  matrix aggregated;
  for (std::size_t k = 0; k < drop.size(); ++k) {
    vector w = p.weights;
    w[static_cast<index_t>(drop[k])] = 0.0;
    out.removed.push_back(fw.at(drop[k]).code);
    agg.run(*base.normalized, w, p.aggregation, p.coverage, data.units(), aggregated);
    const vector r = rank_scores(aggregated.col(root_col));
    out.ranks.row(static_cast<index_t>(k)) = r.transpose();
    double sum = 0;
    index_t m = 0;
    for (index_t u = 0; u < n; ++u) {
      const double d = out.nominal_ranks[u] - r[u];
      out.rank_change(static_cast<index_t>(k), u) = d;
      if (!std::isnan(d)) sum += std::abs(d), ++m;
    }
    out.mean_abs_change[static_cast<index_t>(k)] = m ? sum / static_cast<double>(m) : nan;
  }
  return out;
}

}  // namespace compindex::uncertainty
