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
#include <limits>
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


// What one replication needs of the tree, resolved once per engine, for the fast path: for each
// aggregate (children before parents), its children's columns and, when no child's weight can
// vary between replications, their normalized weights. The fast path computes an arithmetic or
// geometric mean with the library's arithmetic, operation for operation (aggregation.ipp:
// normalized_weights and power_family, whose rows with every child present are one weighted sum
// in child order, scaled by 1 / total, exp for a geometric mean), so its scores are the library's
// to the bit. Whatever is unusual in a node (a missing value, a non-finite result, a value a
// geometric mean refuses) hands that node to the library's aggregate_node, which fills in the
// missing rows (or throws the library's error).
struct fast_tree {
  struct node {
    std::size_t id = 0;                 // framework index
    index_t col = 0;                    // aggregate column
    std::vector<std::size_t> children;  // framework indexes
    std::vector<index_t> ind_col;       // per child: indicator column, -1 for an aggregate
    std::vector<index_t> agg_col;       // per child: aggregate column, -1 for an indicator
    codes child_codes;
    bool fixed = false;                 // no child's weight varies: normalized weights cached
    std::vector<std::vector<double>> nw;  // per weight set (one without a weight-sets factor)
    std::vector<double> total;
  };
  std::vector<node> order;
  std::vector<signed char> base_kind;  // per node: 0 arithmetic, 1 geometric (-1: indicator)
  // Per aggregation factor (by factor position) and alternative: the kind it sets.
  std::vector<std::vector<signed char>> alt_kind;
};

// 0 for an arithmetic mean, 1 for a geometric mean (as aggregate_node computes them), -1 else.
inline signed char mean_kind(const compindex::aggregation::method& m) {
  using namespace compindex::aggregation;
  if (std::holds_alternative<arithmetic_mean>(m)) return 0;
  if (std::holds_alternative<geometric_mean>(m)) return 1;
  if (const auto* g = std::get_if<generalized_mean>(&m)) return g->p == 1.0 ? 0 : g->p == 0.0 ? 1 : -1;
  return -1;
}

// The library's weight normalization (aggregation.ipp, normalized_weights), into nw[0..k).
inline double normalize_weights(const double* w, std::size_t k, double* nw) {
  double mx = 0.0;
  for (std::size_t c = 0; c < k; ++c) mx = std::max(mx, std::abs(w[c]));
  for (std::size_t c = 0; c < k; ++c) nw[c] = 0.0;
  if (!(mx > 0.0)) return 0.0;
  double t = 0.0;
  for (std::size_t c = 0; c < k; ++c) t += w[c] / mx;
  double tot = 0.0;
  for (std::size_t c = 0; c < k; ++c) tot += nw[c] = (w[c] / mx) / t;
  return tot;
}

// o[i] (+)= w * s[i] over the units.
inline void weighted_add(double* __restrict o, const double* __restrict s, double w, index_t n, bool first) {
  if (first)
    for (index_t i = 0; i < n; ++i) o[i] = w * s[i];
  else
    for (index_t i = 0; i < n; ++i) o[i] += w * s[i];
}

// o[i] (+)= w * log(s[i]) over the units.
inline void weighted_add_log(double* __restrict o, const double* __restrict s, double w, index_t n, bool first) {
  if (first)
    for (index_t i = 0; i < n; ++i) o[i] = w * std::log(s[i]);
  else
    for (index_t i = 0; i < n; ++i) o[i] += w * std::log(s[i]);
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

  // The fast path (detail::fast_tree): every aggregate is an arithmetic or a geometric mean in
  // every alternative, and the framework has no ratio node. Null otherwise.
  std::unique_ptr<detail::fast_tree> fast;
  // Per variant and indicator column: the smallest value and the largest magnitude when every
  // value is finite (NaN, NaN when some value is missing or not finite). They bound the scores of
  // the aggregates (a weighted mean lies between its children's extremes), so that a replication
  // needs no scan for values a geometric mean refuses, nor for non-finite results.
  std::vector<std::vector<double>> col_min, col_max;

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

  // The fast path's tree, when every aggregate is an arithmetic or geometric mean in every
  // alternative and no node is a ratio.
  bool fast_ok = true;
  for (std::size_t i = 0; i < f.size(); ++i)
    if (f.is_ratio(i) || (!f.is_indicator(i) && detail::mean_kind(P.base.aggregation[i]) < 0)) fast_ok = false;
  for (const auto& fac : P.factors)
    if (fac.kind == detail::resolved::aggregation)
      for (const auto& m : fac.aggregations)
        if (detail::mean_kind(m) < 0) fast_ok = false;
  if (fast_ok) {
    auto ft = std::make_unique<detail::fast_tree>();
    ft->base_kind.assign(f.size(), -1);
    for (auto a : f.aggregates()) ft->base_kind[a] = detail::mean_kind(P.base.aggregation[a]);
    ft->alt_kind.resize(P.factors.size());
    std::vector<char> varies(f.size(), 0);  // the node's weight can differ from its weight set's
    for (std::size_t k = 0; k < P.factors.size(); ++k) {
      const auto& fac = P.factors[k];
      if (fac.kind == detail::resolved::aggregation)
        for (const auto& m : fac.aggregations) ft->alt_kind[k].push_back(detail::mean_kind(m));
      if (fac.kind == detail::resolved::weights)
        for (auto i : fac.nodes) varies[i] = 1;
      if (fac.kind == detail::resolved::exclusion)
        for (auto i : fac.excluded)
          if (i != framework::npos) varies[i] = 1;
    }
    std::vector<const vector*> sets{&P.base.weights};
    if (P.f_sets >= 0) {
      sets.clear();
      for (const auto& ws : P.factors[static_cast<std::size_t>(P.f_sets)].set_weights) sets.push_back(&ws);
    }
    for (auto a : f.evaluation_order()) {
      detail::fast_tree::node nd;
      nd.id = a;
      nd.col = static_cast<index_t>(f.aggregate_column(a));
      nd.fixed = true;
      for (auto c : f.children(a)) {
        nd.children.push_back(c);
        const bool ind = f.is_indicator(c);
        nd.ind_col.push_back(ind ? static_cast<index_t>(f.indicator_column(c)) : -1);
        nd.agg_col.push_back(ind ? -1 : static_cast<index_t>(f.aggregate_column(c)));
        nd.child_codes.push_back(f.at(c).code);
        if (varies[c]) nd.fixed = false;
      }
      if (nd.fixed) {
        std::vector<double> cw(nd.children.size());
        for (const vector* ws : sets) {
          for (std::size_t c = 0; c < cw.size(); ++c) cw[c] = (*ws)[static_cast<index_t>(nd.children[c])];
          nd.nw.emplace_back(cw.size());
          nd.total.push_back(detail::normalize_weights(cw.data(), cw.size(), nd.nw.back().data()));
        }
      }
      ft->order.push_back(std::move(nd));
    }
    P.col_min.assign(n_var, std::vector<double>());
    P.col_max.assign(n_var, std::vector<double>());
    for (std::size_t v = 0; v < n_var; ++v) {
      if (!P.variants[v]) continue;
      const auto& x = *P.variants[v];
      P.col_min[v].assign(static_cast<std::size_t>(x.cols()), nan);
      P.col_max[v].assign(static_cast<std::size_t>(x.cols()), nan);
      for (index_t j = 0; j < x.cols(); ++j) {
        double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
        bool finite = true;
        for (index_t i = 0; i < x.rows(); ++i) {
          finite = finite && std::isfinite(x(i, j));
          lo = std::min(lo, x(i, j));
          hi = std::max(hi, std::abs(x(i, j)));
        }
        if (finite && x.rows() > 0) P.col_min[v][static_cast<std::size_t>(j)] = lo, P.col_max[v][static_cast<std::size_t>(j)] = hi;
      }
    }
    P.fast = std::move(ft);
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
  // Every row is written by its replication (NaN if it fails), so the outputs start uninitialized.
  out.ranks.resize(static_cast<index_t>(rows), n_units);
  out.scores.resize(static_cast<index_t>(rows), n_units);
  out.inputs = inputs;
  out.choices.assign(rows, std::vector<int>(P.factors.size(), -1));
  if (P.has_weights) out.weights_used.resize(static_cast<index_t>(rows), static_cast<index_t>(f.size()));
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

  // One replication on the fast path (see detail::fast_tree): every aggregate in evaluation order
  // from the cached normalized data of variant v (and its cached logs), with the replication's
  // weights w and aggregation choices; the root's scores end up in `aggregated`.
  struct fast_buffers {
    std::vector<signed char> kinds;
    std::vector<double> cw, nwb;
    std::vector<double> lo, hi;  // per aggregate column: bounds of its scores (see impl::col_min)
    children_view view;
  };
  auto fast_replication = [&](std::size_t v, const vector& w, const std::vector<int>& choices, fast_buffers& B,
                              matrix& aggregated) {
    const auto& ft = *P.fast;
    B.kinds.assign(ft.base_kind.begin(), ft.base_kind.end());
    for (std::size_t k = 0; k < P.factors.size(); ++k) {
      const auto& fac = P.factors[k];
      if (fac.kind != detail::resolved::aggregation) continue;
      const signed char kind = ft.alt_kind[k][static_cast<std::size_t>(choices[k])];
      for (auto i : fac.nodes) B.kinds[i] = kind;
    }
    const std::size_t set = P.f_sets >= 0 ? static_cast<std::size_t>(choices[static_cast<std::size_t>(P.f_sets)]) : 0;
    const shared_matrix::view_type x = *P.variants[v];  // a view: no copy
    const matrix& lx = P.log_variants[v];
    const auto& cmin = P.col_min[v];
    const auto& cmax = P.col_max[v];
    const index_t n = n_units;
    constexpr double big = 1e300, tiny = 1e-290;
    const double inf = std::numeric_limits<double>::infinity();
    double* cw = B.cw.data();
    for (const auto& nd : ft.order) {
      const std::size_t k = nd.children.size();
      double kk = 0.0;  // the children that carry weight
      std::size_t only = 0;
      double lo = inf, hi = 0.0;  // bounds over the weighted children (NaN: some child unbounded)
      for (std::size_t c = 0; c < k; ++c) {
        cw[c] = w[static_cast<index_t>(nd.children[c])];
        if (cw[c] == 0.0) continue;
        kk += 1.0, only = c;
        const bool ind = nd.ind_col[c] >= 0;
        const double cl = ind ? cmin[static_cast<std::size_t>(nd.ind_col[c])] : B.lo[static_cast<std::size_t>(nd.agg_col[c])];
        const double ch = ind ? cmax[static_cast<std::size_t>(nd.ind_col[c])] : B.hi[static_cast<std::size_t>(nd.agg_col[c])];
        if (!(cl >= lo)) lo = cl;  // NaN (a child without bounds) stays NaN
        hi = ch <= big && hi <= big ? std::max(hi, ch) : nan;
      }
      const double* nw = nd.fixed ? nd.nw[set].data() : B.nwb.data();
      const double total = nd.fixed ? nd.total[set] : detail::normalize_weights(cw, k, B.nwb.data());
      const bool geo = B.kinds[nd.id] == 1;
      double* __restrict o = aggregated.col(nd.col).data();
      double& out_lo = B.lo[static_cast<std::size_t>(nd.col)];
      double& out_hi = B.hi[static_cast<std::size_t>(nd.col)];
      out_lo = -inf, out_hi = nan;
      auto column = [&](std::size_t c) {
        return nd.ind_col[c] >= 0 ? x.col(nd.ind_col[c]).data() : aggregated.col(nd.agg_col[c]).data();
      };
      bool library = false;  // hand the node to aggregate_node
      if (geo)  // its domain check: a weighted child with a value <= 0 (scanned unless bounded away from 0)
        for (std::size_t c = 0; c < k && !library; ++c) {
          if (cw[c] == 0.0) continue;
          const double cl = nd.ind_col[c] >= 0 ? cmin[static_cast<std::size_t>(nd.ind_col[c])] : B.lo[static_cast<std::size_t>(nd.agg_col[c])];
          if (cl > 0.0) continue;
          const double* a = column(c);
          bool bad = false;
          for (index_t i = 0; i < n; ++i) bad |= a[i] <= 0.0;
          library = bad;
        }
      if (!library) {
        if (kk == 0.0 || !(total > 0.0)) {
          std::fill(o, o + n, nan);
          continue;
        }
        if (kk == 1.0) {  // one child: its scores
          const double* a = column(only);
          std::copy(a, a + n, o);
          out_lo = lo, out_hi = hi;
          continue;
        }
        bool first_child = true;
        for (std::size_t c = 0; c < k; ++c) {
          if (cw[c] == 0.0) continue;
          if (nd.ind_col[c] >= 0)
            detail::weighted_add(o, geo ? lx.col(nd.ind_col[c]).data() : x.col(nd.ind_col[c]).data(), nw[c], n, first_child);
          else if (geo)
            detail::weighted_add_log(o, column(c), nw[c], n, first_child);
          else
            detail::weighted_add(o, column(c), nw[c], n, first_child);
          first_child = false;
        }
        const double inv_total = total == 1.0 ? 1.0 : 1.0 / total;
        if (geo)
          for (index_t i = 0; i < n; ++i) o[i] = std::exp(o[i] * inv_total);
        else if (inv_total != 1.0)
          for (index_t i = 0; i < n; ++i) o[i] *= inv_total;
        if (hi <= big) {
          // Every weighted child is finite and at most 1e300 in magnitude: so is their weighted
          // mean (the normalized weights sum to 1), which lies between their extremes up to rounding.
          out_hi = 2.0 * hi;
          out_lo = lo > tiny ? 0.5 * lo : -inf;
          continue;
        }
        bool finite = true;
        for (index_t i = 0; i < n; ++i) finite &= std::abs(o[i]) <= std::numeric_limits<double>::max();
        if (finite) continue;
      }
      // A missing value, a non-finite result or a domain error: the library's node computes the
      // rows the sums above cannot (or throws its error), as the general path would.
      const compindex::aggregation::method* m = &P.base.aggregation[nd.id];
      for (std::size_t f2 = 0; f2 < P.factors.size(); ++f2) {
        const auto& fac = P.factors[f2];
        if (fac.kind == detail::resolved::aggregation && std::find(fac.nodes.begin(), fac.nodes.end(), nd.id) != fac.nodes.end())
          m = &fac.aggregations[static_cast<std::size_t>(choices[f2])];
      }
      auto& fv = B.view;
      fv.columns.clear();
      fv.weights.clear();
      fv.logs.clear();
      for (std::size_t c = 0; c < k; ++c) {
        fv.columns.push_back(column(c));
        fv.weights.push_back(cw[c]);
        fv.logs.push_back(nd.ind_col[c] >= 0 ? lx.col(nd.ind_col[c]).data() : nullptr);
      }
      aggregate_node(*m, fv, n, P.base.coverage[nd.id], o, f.at(nd.id).code, P.data.units(), nd.child_codes);
    }
  };

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
    matrix block_scores(static_cast<index_t>(block), n_units), block_ranks(static_cast<index_t>(block), n_units);
    matrix block_weights(static_cast<index_t>(block), P.has_weights ? static_cast<index_t>(f.size()) : 0);
    fast_buffers fb;  // the fast path's
    if (P.fast) {
      std::size_t most = 0;
      for (const auto& nd : P.fast->order) most = std::max(most, nd.children.size());
      fb.cw.resize(most);
      fb.nwb.resize(most);
      fb.lo.resize(f.n_aggregates());
      fb.hi.resize(f.n_aggregates());
      aggregated.resize(n_units, static_cast<index_t>(f.n_aggregates()));
    }
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
        const auto br = static_cast<index_t>(r - lo);  // the row in the block's buffers
        bool weights_written = false;
        try {
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
              case K::aggregation: break;  // applied below
              case K::exclusion:
                if (fac.excluded[choice] != framework::npos) w[static_cast<index_t>(fac.excluded[choice])] = 0.0;
                break;
              default: break;
            }
          }
          if (P.has_weights) block_weights.row(br) = w.transpose();
          weights_written = true;
          const std::size_t v = ai * (P.n_tr * P.n_norm) + ti * P.n_norm + ni;
          if (P.fast && !P.stochastic[v]) {
            if (!P.variants[v]) throw data_error(P.variant_error[v]);
            fast_replication(v, w, out.choices[r], fb, aggregated);
          } else {
            methods = P.base.aggregation;
            for (std::size_t k = 0; k < P.factors.size(); ++k) {
              const auto& fac = P.factors[k];
              if (fac.kind == detail::resolved::aggregation)
                for (auto i : fac.nodes) methods[i] = fac.aggregations[static_cast<std::size_t>(out.choices[r][k])];
            }
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
          }
          block_scores.row(br) = aggregated.col(root_col).transpose();
          rank_scores_into(aggregated.col(root_col).data(), n_units, root_ranks.data(), rank_ws);
          for (index_t u = 0; u < root_ranks.size(); ++u)
            block_ranks(br, u) = root_ranks[u] == unranked ? nan : static_cast<double>(root_ranks[u]);
        } catch (const std::exception& e) {
          block_ranks.row(br).setConstant(nan);
          block_scores.row(br).setConstant(nan);
          if (P.has_weights && !weights_written) block_weights.row(br).setConstant(nan);
          fails[t].push_back({rep, e.what()});
        }
      }
      // The block's rows into the outputs: each unit's column receives a contiguous run, rather
      // than every replication writing one value in each unit's column (a page apart at scale).
      const auto nb = static_cast<index_t>(hi - lo);
      out.scores.middleRows(static_cast<index_t>(lo), nb) = block_scores.topRows(nb);
      out.ranks.middleRows(static_cast<index_t>(lo), nb) = block_ranks.topRows(nb);
      if (P.has_weights) out.weights_used.middleRows(static_cast<index_t>(lo), nb) = block_weights.topRows(nb);
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

namespace detail {

// Outranking counts from ranks held as small integers, rows x n row-major, in which an unranked
// unit (or every unit of a failed replication) holds `none`, the type's largest value. For the
// pairs i < j with i in [i0, i1): wins[i n + j] += the replications in which both are ranked and
// i ranks strictly ahead of j, and, over the replications listed in `partial` (those in which
// some unit is unranked), both[i n + j] += those in which both are ranked. The pairs j < i follow
// from these and the ties (summarize). Units are taken in tiles whose counters (of type R, flushed
// before they can overflow) stay in the cache while every replication streams past: each pair
// costs a compare and an add on packed integers. An unranked i (none) is ahead of nobody; a
// ranked i is "ahead" of an unranked j there, which the pass over `partial` takes back.
template <class R>
void outrank_counts(const std::vector<R>& rk, std::size_t rows, std::size_t n, const std::vector<std::size_t>& partial,
                    std::size_t i0, std::size_t i1, std::vector<std::uint32_t>& wins, std::vector<std::uint32_t>& both,
                    std::vector<R>& cw, std::vector<R>& cb) {
  constexpr R none = std::numeric_limits<R>::max();
  constexpr std::size_t chunk = static_cast<std::size_t>(std::numeric_limits<R>::max());  // rows per flush
  const std::size_t tile = i1 - i0;
  cw.resize(tile * n);
  if (!partial.empty()) cb.resize(tile * n);
  for (std::size_t c0 = 0; c0 < rows; c0 += chunk) {
    const std::size_t c1 = std::min(rows, c0 + chunk);
    std::fill(cw.begin(), cw.end(), R(0));
    for (std::size_t r = c0; r < c1; ++r) {
      const R* __restrict row = &rk[r * n];
      std::size_t i = i0;
      for (; i + 1 < i1; i += 2) {  // two units per pass over the row (i + 1 against itself adds 0)
        const R a0 = row[i], a1 = row[i + 1];
        R* __restrict w0 = &cw[(i - i0) * n];
        R* __restrict w1 = w0 + n;
        for (std::size_t j = i + 1; j < n; ++j) {
          const R x = row[j];
          w0[j] = static_cast<R>(w0[j] + (a0 < x));
          w1[j] = static_cast<R>(w1[j] + (a1 < x));
        }
      }
      for (; i < i1; ++i) {
        const R a0 = row[i];
        R* __restrict w0 = &cw[(i - i0) * n];
        for (std::size_t j = i + 1; j < n; ++j) w0[j] = static_cast<R>(w0[j] + (a0 < row[j]));
      }
    }
    for (std::size_t i = i0; i < i1; ++i)
      for (std::size_t j = i + 1; j < n; ++j) wins[i * n + j] += static_cast<std::uint32_t>(cw[(i - i0) * n + j]);
  }
  // Replications with unranked units: their pairs with both ranked, and the wins over an
  // unranked unit counted above taken back.
  if (partial.empty()) return;
  std::fill(cb.begin(), cb.end(), R(0));
  std::size_t since = 0;
  auto flush = [&] {
    for (std::size_t i = i0; i < i1; ++i)
      for (std::size_t j = i + 1; j < n; ++j) both[i * n + j] += static_cast<std::uint32_t>(cb[(i - i0) * n + j]);
    std::fill(cb.begin(), cb.end(), R(0));
    since = 0;
  };
  for (std::size_t r : partial) {
    const R* __restrict row = &rk[r * n];
    for (std::size_t i = i0; i < i1; ++i) {
      const R a = row[i];
      if (a == none) continue;
      R* __restrict b0 = &cb[(i - i0) * n];
      for (std::size_t j = i + 1; j < n; ++j) b0[j] = static_cast<R>(b0[j] + (row[j] != none));
      for (std::size_t j = i + 1; j < n; ++j)
        if (row[j] == none) --wins[i * n + j];
    }
    if (++since == chunk) flush();
  }
  flush();
}

}  // namespace detail

COMPINDEX_INLINE ua_result summarize(const engine& e, replications runs, const options& opt) {
  ua_result s;
  s.units = e.units();
  s.factor_names = e.factor_names();
  s.input_names = e.input_names();
  s.nominal_ranks = e.nominal_ranks();
  s.nominal_scores = e.nominal().node_scores(e.fw(), e.fw().root());
  const index_t rows = runs.ranks.rows(), n = static_cast<index_t>(s.units.size());
  const auto nn = static_cast<std::size_t>(n), nr = static_cast<std::size_t>(rows);
  std::vector<char> ok(nr, 1);
  for (auto& f : runs.failures) {
    auto it = std::lower_bound(runs.index.begin(), runs.index.end(), f.replication);
    if (it != runs.index.end() && *it == f.replication) ok[static_cast<std::size_t>(it - runs.index.begin())] = 0;
  }
  for (auto c : ok) s.n_successful += c != 0;
  // Ranks are whole numbers from 1 to n (or NaN): then counting replaces sorting below. Anything
  // else (replications assembled by hand) takes the general route.
  bool whole = true;
  for (index_t u = 0; u < n && whole; ++u)
    for (index_t r = 0; r < rows; ++r) {
      const double x = runs.ranks(r, u);
      if (!ok[static_cast<std::size_t>(r)] || std::isnan(x)) continue;
      if (!(x >= 1.0 && x <= static_cast<double>(n) && x == std::floor(x))) {
        whole = false;
        break;
      }
    }
  s.mean_rank.setConstant(n, nan);
  s.median_rank.setConstant(n, nan);
  s.p05_rank.setConstant(n, nan);
  s.p95_rank.setConstant(n, nan);
  std::vector<double> v;
  std::vector<std::size_t> hist(whole ? nn + 1 : 0);
  for (index_t u = 0; u < n; ++u) {
    if (whole) {
      // A histogram of the unit's ranks: its order statistics are the sorted values.
      std::fill(hist.begin(), hist.end(), std::size_t{0});
      std::size_t m = 0;
      std::uint64_t total = 0;
      for (index_t r = 0; r < rows; ++r) {
        const double x = runs.ranks(r, u);
        if (!ok[static_cast<std::size_t>(r)] || std::isnan(x)) continue;
        const auto k = static_cast<std::size_t>(x);
        ++hist[k], ++m, total += k;
      }
      if (m == 0) continue;
      // The k-th smallest rank (0-based).
      auto order_stat = [&](std::size_t k) {
        std::size_t seen = 0;
        for (std::size_t b = 1; b <= nn; ++b) {
          seen += hist[b];
          if (seen > k) return static_cast<double>(b);
        }
        return static_cast<double>(nn);
      };
      auto quantile = [&](double q) {  // as detail::quantile on the sorted values
        const double h = q * static_cast<double>(m - 1);
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const auto hi = std::min(lo + 1, m - 1);
        const double a = order_stat(lo), b = order_stat(hi);
        return a + (h - static_cast<double>(lo)) * (b - a);
      };
      // The sum of whole numbers is exact (as the sorted sum was).
      s.mean_rank[u] = static_cast<double>(total) / static_cast<double>(m);
      s.median_rank[u] = quantile(0.5);
      s.p05_rank[u] = quantile(0.05);
      s.p95_rank[u] = quantile(0.95);
      continue;
    }
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
  // P(rank_i < rank_j) over the replications in which both are ranked: counts of whole numbers,
  // so the order in which they are added (the thread count) cannot change them.
  const unsigned nt = compindex::detail::thread_count(opt.threads, nn);
  s.outrank_probability = matrix::Constant(n, n, nan);
  std::vector<std::uint32_t> wins, both;
  std::size_t n_full = 0;  // replications in which every unit is ranked
  auto run_threads = [&](auto&& body) {
    if (nt == 1) {
      body(std::size_t{0}, nn);
    } else {
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < nt; ++t) pool.emplace_back(body, nn * t / nt, nn * (t + 1) / nt);
      for (auto& th : pool) th.join();
    }
  };
  std::vector<std::uint32_t> ties;  // pairs i < j of equal ranks (allocated at the first tie)
  auto integer_counts = [&](auto zero) {
    using R = decltype(zero);
    constexpr R none = std::numeric_limits<R>::max();
    // Row-major copy of the ranks, transposed by tiles (the ranks are column-major).
    std::vector<R> rk(nr * nn);
    std::vector<std::size_t> partial;
    constexpr std::size_t t = 64;
    for (std::size_t r0 = 0; r0 < nr; r0 += t)
      for (std::size_t u0 = 0; u0 < nn; u0 += t)
        for (std::size_t u = u0; u < std::min(nn, u0 + t); ++u)
          for (std::size_t r = r0; r < std::min(nr, r0 + t); ++r) {
            const double x = runs.ranks(static_cast<index_t>(r), static_cast<index_t>(u));
            rk[r * nn + u] = ok[r] && !std::isnan(x) ? static_cast<R>(x) : none;
          }
    // Per replication: whether every unit is ranked, and its ties (units sharing a rank).
    std::vector<std::size_t> seen(nn + 1, 0), head(nn + 1, nn), next(nn, nn);
    for (std::size_t r = 0; r < nr; ++r) {
      const R* row = &rk[r * nn];
      bool all = true, tie = false;
      for (std::size_t u = 0; u < nn; ++u) {
        if (row[u] == none) {
          all = false;
          continue;
        }
        const auto k = static_cast<std::size_t>(row[u]);
        tie = tie || seen[k] == r + 1;
        seen[k] = r + 1;
      }
      if (all)
        ++n_full;
      else
        partial.push_back(r);
      if (!tie) continue;
      if (ties.empty()) ties.assign(nn * nn, 0);
      for (std::size_t u = nn; u-- > 0;)  // lists of the units of each rank, in increasing order
        if (row[u] != none) {
          const auto k = static_cast<std::size_t>(row[u]);
          next[u] = head[k];
          head[k] = u;
        }
      for (std::size_t u = 0; u < nn; ++u) {
        if (row[u] == none) continue;
        const auto k = static_cast<std::size_t>(row[u]);
        if (head[k] == nn) continue;
        for (std::size_t a = head[k]; a != nn; a = next[a])
          for (std::size_t b = next[a]; b != nn; b = next[b]) ++ties[a * nn + b];
        head[k] = nn;
      }
    }
    wins.assign(nn * nn, 0);
    if (!partial.empty()) both.assign(nn * nn, 0);
    // Tiles of units, taken in turn by the threads (the later ones have fewer pairs i < j).
    const std::size_t tile = std::max<std::size_t>(2, std::min<std::size_t>(64, (std::size_t{256} << 10) / (sizeof(R) * std::max<std::size_t>(nn, 1))));
    const std::size_t n_tiles = (nn + tile - 1) / tile;
    std::atomic<std::size_t> next_tile{0};
    run_threads([&](std::size_t, std::size_t) {
      std::vector<R> cw, cb;
      for (std::size_t k = next_tile++; k < n_tiles; k = next_tile++)
        detail::outrank_counts<R>(rk, nr, nn, partial, k * tile, std::min(nn, (k + 1) * tile), wins, both, cw, cb);
    });
  };
  if (whole && nn < 32767) {
    integer_counts(std::int16_t{0});
  } else if (whole && nn < 2147483647u) {
    integer_counts(std::int32_t{0});
  }
  if (whole) {
    // Over the replications in which both are ranked, j is ahead of i when i is neither ahead
    // of j nor tied with it.
    for (std::size_t i = 0; i < nn; ++i)
      for (std::size_t j = i + 1; j < nn; ++j) {
        const std::size_t b = n_full + (both.empty() ? 0 : both[i * nn + j]);
        if (b == 0) continue;
        const std::size_t w = wins[i * nn + j], back = b - w - (ties.empty() ? 0 : ties[i * nn + j]);
        s.outrank_probability(static_cast<index_t>(i), static_cast<index_t>(j)) = static_cast<double>(w) / static_cast<double>(b);
        s.outrank_probability(static_cast<index_t>(j), static_cast<index_t>(i)) = static_cast<double>(back) / static_cast<double>(b);
      }
    s.runs = std::move(runs);
    return s;
  }
  // The general route: counters of doubles, row-major, the units split over threads by row i.
  std::vector<double> dwins(nn * nn, 0.0), dboth(nn * nn, 0.0);
  std::vector<double> rk(nr * nn), valid(nr * nn);
  for (index_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < nn; ++j) {
      const double x = runs.ranks(r, static_cast<index_t>(j));
      const bool present = ok[static_cast<std::size_t>(r)] && !std::isnan(x);
      rk[static_cast<std::size_t>(r) * nn + j] = present ? x : 0.0;
      valid[static_cast<std::size_t>(r) * nn + j] = present ? 1.0 : 0.0;
    }
  run_threads([&](std::size_t i0, std::size_t i1) {
    for (index_t r = 0; r < rows; ++r) {
      const double* row = &rk[static_cast<std::size_t>(r) * nn];
      const double* val = &valid[static_cast<std::size_t>(r) * nn];
      for (std::size_t i = i0; i < i1; ++i) {
        if (val[i] == 0.0) continue;
        const double a = row[i];
        double* wi = &dwins[i * nn];
        double* bi = &dboth[i * nn];
        for (std::size_t j = 0; j < nn; ++j) {
          bi[j] += val[j];
          wi[j] += (a < row[j]) ? val[j] : 0.0;
        }
      }
    }
  });
  for (std::size_t i = 0; i < nn; ++i)
    for (std::size_t j = 0; j < nn; ++j)
      if (i != j && dboth[i * nn + j] > 0)
        s.outrank_probability(static_cast<index_t>(i), static_cast<index_t>(j)) = dwins[i * nn + j] / dboth[i * nn + j];
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
