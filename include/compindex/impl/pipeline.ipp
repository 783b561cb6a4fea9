#pragma once
// Out-of-line definitions of pipeline.hpp.

#include "../pipeline.hpp"
#include "../detail/format.hpp"
#include "../detail/huge_pages.hpp"
#include "../detail/min_max.hpp"
#include "../detail/threads.hpp"
#include "../statistics.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <map>
#include <string_view>
#include <thread>
#include <unordered_set>

namespace compindex {

// ---------------------------------------------------------------------------------------------
// dataset

namespace detail {
inline void check_unit_codes(const codes& units) {
  if (units.empty()) throw_spec("data: no units");
  for (std::size_t i = 0; i < units.size(); ++i)
    if (units[i].empty()) throw_spec("data: the unit in row " + std::to_string(i + 1) + " has an empty code");
  // Duplicates by sorting (code, row) views: one contiguous block, released whole afterwards (a
  // hash set of a million codes would leave its nodes behind in the heap).
  std::vector<std::pair<std::string_view, std::size_t>> sorted(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) sorted[i] = {units[i], i};
  std::sort(sorted.begin(), sorted.end());
  std::size_t first_repeat = units.size();  // the first row whose code an earlier row has
  for (std::size_t k = 1; k < sorted.size(); ++k)
    if (sorted[k].first == sorted[k - 1].first) first_repeat = std::min(first_repeat, sorted[k].second);
  if (first_repeat < units.size()) throw_spec("data: duplicate unit code '" + units[first_repeat] + "'");
}
}  // namespace detail

COMPINDEX_INLINE dataset::dataset(codes units, matrix values)
    : dataset(std::move(units), shared_matrix(std::move(values))) {}

COMPINDEX_INLINE dataset::dataset(codes units, shared_matrix values) {
  detail::check_unit_codes(units);
  if (!values) detail::throw_spec("data: no values");
  if (values.rows() != static_cast<index_t>(units.size()))
    detail::throw_spec("data: " + std::to_string(units.size()) + " unit codes but " + std::to_string(values.rows()) +
                       " rows of values");
  units_ = std::make_shared<const codes>(std::move(units));
  values_ = std::move(values);
}

COMPINDEX_INLINE void dataset::set_denominators(codes names, matrix values) {
  if (values.rows() != n_units() || values.cols() != static_cast<index_t>(names.size()))
    detail::throw_spec("denominators: expected " + std::to_string(n_units()) + " x " + std::to_string(names.size()) +
                       " values, got " + std::to_string(values.rows()) + " x " + std::to_string(values.cols()));
  std::unordered_set<std::string> seen;
  for (auto& nm : names)
    if (nm.empty() || !seen.insert(nm).second) detail::throw_spec("denominators: empty or duplicate code '" + nm + "'");
  denominator_codes_ = std::move(names);
  denominators_ = std::move(values);
}

COMPINDEX_INLINE void dataset::add_group(const std::string& name, const codes& labels) {
  if (name.empty()) detail::throw_spec("unit group: the name must not be empty");
  if (labels.size() != units_->size())
    detail::throw_spec("unit group '" + name + "': " + std::to_string(labels.size()) + " labels for " +
                       std::to_string(units_->size()) + " units");
  group g;
  std::map<std::string, int> id;
  g.ids.reserve(labels.size());
  for (auto& l : labels) {
    if (l.empty()) {
      g.ids.push_back(-1);
      continue;
    }
    auto it = id.find(l);
    if (it == id.end()) {
      it = id.emplace(l, static_cast<int>(g.labels.size())).first;
      g.labels.push_back(l);
    }
    g.ids.push_back(it->second);
  }
  groups_[name] = std::move(g);
}

COMPINDEX_INLINE bool dataset::has_group(const std::string& name) const { return groups_.count(name) > 0; }

COMPINDEX_INLINE const std::vector<int>& dataset::group_ids(const std::string& name) const {
  auto it = groups_.find(name);
  if (it == groups_.end()) detail::throw_spec("unknown unit group '" + name + "'");
  return it->second.ids;
}

COMPINDEX_INLINE const codes& dataset::group_labels(const std::string& name) const {
  auto it = groups_.find(name);
  if (it == groups_.end()) detail::throw_spec("unknown unit group '" + name + "'");
  return it->second.labels;
}

COMPINDEX_INLINE std::vector<std::string> dataset::group_names() const {
  std::vector<std::string> out;
  for (auto& kv : groups_) out.push_back(kv.first);
  return out;
}

// ---------------------------------------------------------------------------------------------
// plan

namespace detail {

template <class M>
void resolve_by_indicator(const framework& fw, const std::map<std::string, M>& by, std::vector<M>& out, const char* what) {
  for (auto& [code, m] : by) {
    auto i = fw.find(code);
    if (i == framework::npos) throw_spec(std::string(what) + ": unknown indicator '" + code + "'");
    if (!fw.is_indicator(i)) throw_spec(std::string(what) + ": '" + code + "' is an aggregate, not an indicator");
    out[fw.indicator_column(i)] = m;
  }
}

template <class M>
void resolve_by_node(const framework& fw, const std::map<std::string, M>& by, std::vector<M>& out, const char* what) {
  for (auto& [code, m] : by) {
    auto i = fw.find(code);
    if (i == framework::npos) throw_spec(std::string(what) + ": unknown node '" + code + "'");
    if (fw.is_indicator(i)) throw_spec(std::string(what) + ": '" + code + "' is an indicator, not an aggregate");
    if (fw.is_ratio(i))
      throw_spec(std::string(what) + ": '" + code + "' is a ratio node (its score is '" + fw.at(fw.numerator(i)).code +
                 "' / '" + fw.at(fw.denominator(i)).code + "'), not an aggregate");
    out[i] = m;
  }
}

inline void check_range(const range& r, const std::string& where) {
  if (!std::isfinite(r.lower) || !std::isfinite(r.upper) || r.lower == r.upper)
    throw_spec(where + ": the normalization range needs two different finite bounds, got (" + fmt_double(r.lower) + ", " +
               fmt_double(r.upper) + ")");
  if (std::isinf(r.upper - r.lower))
    throw_spec(where + ": the normalization range (" + fmt_double(r.lower) + ", " + fmt_double(r.upper) +
               ") has a span beyond the largest double; use a narrower range");
  if (r.lower > r.upper)
    throw_spec(where + ": the normalization range needs lower < upper, got (" + fmt_double(r.lower) + ", " +
               fmt_double(r.upper) + "); the best value always maps to the upper bound (to make lower values better, "
               "give the indicator direction -1)");
}

inline void check_normalization(const normalization::method& m, const node& nd) {
  using namespace normalization;
  if (auto* z = std::get_if<z_score>(&m)) {
    if (!std::isfinite(z->mean) || !(z->sd > 0) || !std::isfinite(z->sd))
      throw_spec("indicator '" + nd.code + "': z_score needs a finite mean and a positive sd");
    // Scores mean + sd z with sd below the precision of doubles at the mean would all round to
    // the mean (mean 1e300, sd 1e-300): every unit would tie.
    if (z->sd < std::abs(z->mean) * 0x1p-40)
      throw_spec("indicator '" + nd.code + "': z_score(mean=" + fmt_double(z->mean) + ", sd=" + fmt_double(z->sd) +
                 ") has an sd too small against its mean: the scores would round to the mean (the sd must be at least "
                 "|mean| x 1e-12)");
  } else if (auto* g = std::get_if<goalposts>(&m)) {
    const double lo = std::isnan(g->lower) ? nd.lower : g->lower, hi = std::isnan(g->upper) ? nd.upper : g->upper;
    if (std::isnan(lo) || std::isnan(hi))
      throw_spec("indicator '" + nd.code + "': goalposts normalization needs a lower and an upper goalpost");
    if (!(lo < hi))
      throw_spec("indicator '" + nd.code + "': goalposts need lower < upper, got " + fmt_double(lo) + " and " + fmt_double(hi));
  } else if (auto* t = std::get_if<distance_to_target>(&m)) {
    if (std::isnan(t->target) && std::isnan(nd.target))
      throw_spec("indicator '" + nd.code + "': distance_to_target needs a target");
  } else if (auto* r = std::get_if<distance_to_reference>(&m)) {
    if (r->unit.empty()) throw_spec("indicator '" + nd.code + "': distance_to_reference needs a reference unit");
  }
}

inline void check_treatment(const treatment::method& m, const std::string& where) {
  if (auto* g = std::get_if<treatment::gii>(&m)) {
    if (!(g->skew_threshold >= 0) || !std::isfinite(g->skew_threshold) || !std::isfinite(g->kurtosis_threshold))
      throw_spec(where + ": treatment thresholds must be finite, the skew threshold non-negative");
    if (g->max_winsorized < 0) throw_spec(where + ": the maximum number of winsorized points must be >= 0");
  }
}

}  // namespace detail

COMPINDEX_INLINE plan::plan(framework f, const pipeline_spec& s) : fw(std::move(f)) {
  const std::size_t ni = fw.n_indicators(), nn = fw.size();
  denominator.assign(ni, std::string());
  denominator_scale.assign(ni, 1.0);
  for (auto& [code, d] : s.denominators) {
    auto i = fw.find(code);
    if (i == framework::npos) detail::throw_spec("denomination: unknown indicator '" + code + "'");
    if (!fw.is_indicator(i)) detail::throw_spec("denomination: '" + code + "' is an aggregate, not an indicator");
    if (d.denominator.empty()) detail::throw_spec("denomination of '" + code + "': no denominator named");
    if (!std::isfinite(d.scale) || d.scale == 0.0)
      detail::throw_spec("denomination of '" + code + "': the scale must be finite and non-zero");
    denominator[fw.indicator_column(i)] = d.denominator;
    denominator_scale[fw.indicator_column(i)] = d.scale;
  }
  imputation.assign(ni, s.imputation);
  detail::resolve_by_indicator(fw, s.imputation_by_indicator, imputation, "imputation_by_indicator");
  for (std::size_t j = 0; j < ni; ++j)
    compindex::imputation::validate(imputation[j], fw, "indicator '" + fw.at(fw.indicators()[j]).code + "'");
  treatment.assign(ni, s.treatment);
  detail::resolve_by_indicator(fw, s.treatment_by_indicator, treatment, "treatment_by_indicator");
  transform.assign(ni, s.transform);
  detail::resolve_by_indicator(fw, s.transform_by_indicator, transform, "transform_by_indicator");
  normalization.assign(ni, s.normalization);
  detail::resolve_by_indicator(fw, s.normalization_by_indicator, normalization, "normalization_by_indicator");
  output_range.assign(ni, s.output_range);
  detail::resolve_by_indicator(fw, s.range_by_indicator, output_range, "range_by_indicator");
  for (std::size_t j = 0; j < ni; ++j) {
    const node& nd = fw.at(fw.indicators()[j]);
    detail::check_normalization(normalization[j], nd);
    detail::check_treatment(treatment[j], "indicator '" + nd.code + "'");
    if (compindex::normalization::uses_range(normalization[j])) detail::check_range(output_range[j], "indicator '" + nd.code + "'");
    if (auto* b = std::get_if<compindex::transform::box_cox>(&transform[j]); b && !std::isfinite(b->lambda))
      detail::throw_spec("indicator '" + nd.code + "': box_cox needs a finite lambda");
  }
  aggregation.assign(nn, s.aggregation);
  detail::resolve_by_node(fw, s.aggregation_by_node, aggregation, "aggregation_by_node");
  // Every method's parameters (generalized_mean's p, OWA's weights, ...), naming the node.
  for (std::size_t i = 0; i < nn; ++i)
    if (!fw.is_indicator(i)) compindex::aggregation::validate(aggregation[i], fw.at(i).code);
  auto check_coverage = [](double c, const std::string& where) {
    if (!(c >= 0.0 && c <= 1.0)) detail::throw_spec(where + ": coverage must be between 0 and 1, got " + detail::fmt_double(c));
  };
  check_coverage(s.coverage, "coverage");
  coverage.assign(nn, s.coverage);
  detail::resolve_by_node(fw, s.coverage_by_node, coverage, "coverage_by_node");
  for (std::size_t i = 0; i < nn; ++i) check_coverage(coverage[i], "coverage of node '" + fw.at(i).code + "'");
  weights = fw.weight_set(s.weight_set);
  for (auto& [code, w] : s.weights) weights[static_cast<index_t>(fw.index_of(code))] = w;
  fw.validate_weights(weights);
}

// ---------------------------------------------------------------------------------------------
// result

COMPINDEX_INLINE shared_matrix::view_type result::data(stage s) const {
  switch (s) {
    case stage::raw: return *raw;
    case stage::denominated: return *denominated;
    case stage::imputed: return *imputed;
    case stage::treated: return *treated;
    default: return *normalized;
  }
}

COMPINDEX_INLINE matrix result::scores(const framework& fw) const {
  matrix s(normalized->rows(), static_cast<index_t>(fw.size()));
  for (std::size_t i = 0; i < fw.size(); ++i) s.col(static_cast<index_t>(i)) = node_scores(fw, i);
  return s;
}

COMPINDEX_INLINE vector result::node_scores(const framework& fw, std::size_t i) const {
  if (fw.is_indicator(i)) return normalized->col(static_cast<index_t>(fw.indicator_column(i)));
  return aggregated.col(static_cast<index_t>(fw.aggregate_column(i)));
}

// ---------------------------------------------------------------------------------------------
// running

namespace detail {
// run_indicators; with `fused` (per indicator column), the columns marked there are checked and
// their min-max parameters put in `params`, but their values are left for score to write.
// Returns the normalized matrix it wrote (out.normalized).
inline matrix* run_indicators_impl(const plan& p, const dataset& data, result& out, const std::vector<char>* fused,
                                   std::vector<min_max_params>* params) {
  const framework& fw = p.fw;
  const auto raw = data.values();
  const index_t n = data.n_units(), ni = static_cast<index_t>(fw.n_indicators());
  const codes& units = data.units();
  if (raw.cols() != ni)
    detail::throw_data("data: " + std::to_string(raw.cols()) + " indicator columns, but the framework has " +
                       std::to_string(ni) + " indicators");
  auto icode = [&](index_t j) -> const std::string& { return fw.at(fw.indicators()[static_cast<std::size_t>(j)]).code; };
  // Input checks (an infinite value, an indicator without data), one pass per column. When no stage
  // runs before normalization they are made there, on the column already in cache.
  auto check_summary = [&](index_t j, const statistics::summary& sm) {
    if (sm.count == 0) detail::throw_data("indicator '" + icode(j) + "' has no data (every value is missing)");
    if (std::isinf(sm.min) || std::isinf(sm.max)) {
      for (index_t i = 0; i < n; ++i)
        if (std::isinf(raw(i, j)))
          detail::throw_data("indicator '" + icode(j) + "': unit '" + units[static_cast<std::size_t>(i)] + "' has an infinite value");
    }
  };
  auto check_column = [&](index_t j) { check_summary(j, statistics::summarize(raw.col(j).data(), n)); };
  bool any_denominator = false, any_imputation = false, any_treatment = false;
  for (auto& d : p.denominator) any_denominator = any_denominator || !d.empty();
  for (auto& m : p.imputation) any_imputation = any_imputation || m.index() != 0;
  for (auto& m : p.treatment) any_treatment = any_treatment || m.index() != 0;
  const bool checks_first = any_denominator || any_imputation || any_treatment;
  if (checks_first)
    for (index_t j = 0; j < ni; ++j) check_column(j);
  out.units = data.shared_units();
  out.raw = data.shared_values();

  // Denomination.
  if (any_denominator) {
    auto den = detail::copy_matrix<matrix>(raw);  // the one copy this stage needs
    for (index_t j = 0; j < ni; ++j) {
      const std::string& dcode = p.denominator[static_cast<std::size_t>(j)];
      if (dcode.empty()) continue;
      index_t dj = -1;
      for (std::size_t k = 0; k < data.denominator_codes().size(); ++k)
        if (data.denominator_codes()[k] == dcode) dj = static_cast<index_t>(k);
      if (dj < 0) detail::throw_spec("indicator '" + icode(j) + "': denominator '" + dcode + "' is not in the data");
      const double scale = p.denominator_scale[static_cast<std::size_t>(j)];
      for (index_t i = 0; i < n; ++i) {
        const double d = data.denominators()(i, dj);
        if (std::isnan((*den)(i, j))) continue;
        if (std::isnan(d)) {
          (*den)(i, j) = nan;
          out.diagnostics.push_back({"missing_denominator", icode(j),
                                     "indicator '" + icode(j) + "': unit '" + units[static_cast<std::size_t>(i)] +
                                         "' has no value of denominator '" + dcode + "', so its value is missing"});
          continue;
        }
        if (d == 0.0 || std::isinf(d))
          detail::throw_data("indicator '" + icode(j) + "': denominator '" + dcode + "' is " + detail::fmt_double(d) +
                             " for unit '" + units[static_cast<std::size_t>(i)] + "'");
        (*den)(i, j) = (*den)(i, j) * scale / d;
      }
    }
    out.denominated = std::move(den);
  } else {
    out.denominated = out.raw;
  }

  // Imputation.
  out.imputed_cells.clear();
  out.imputation_blocks.clear();
  if (any_imputation) {
    auto imp = detail::copy_matrix<matrix>(*out.denominated);
    static const std::vector<int> no_groups;
    // Multivariate methods: the indicators with the same method and the same block of the
    // method's scope are imputed together, from the denominated values.
    std::map<std::pair<std::string, std::size_t>, std::vector<index_t>> blocks;
    std::map<std::string, std::vector<std::size_t>> block_of_scope;
    for (index_t j = 0; j < ni; ++j) {
      const auto& m = p.imputation[static_cast<std::size_t>(j)];
      if (!imputation::is_multivariate(m)) continue;
      const std::string& sc = imputation::scope_of(m);
      auto it = block_of_scope.find(sc);
      if (it == block_of_scope.end()) it = block_of_scope.emplace(sc, imputation::blocks_of(fw, sc)).first;
      blocks[{imputation::describe(m), it->second[static_cast<std::size_t>(j)]}].push_back(j);
    }
    for (auto& [key, cols] : blocks) {
      const auto& m = p.imputation[static_cast<std::size_t>(cols.front())];
      const index_t nb = static_cast<index_t>(cols.size());
      matrix x(n, nb);
      std::vector<std::string> names;
      for (index_t c = 0; c < nb; ++c) {
        x.col(c) = imp->col(cols[static_cast<std::size_t>(c)]);
        names.push_back(icode(cols[static_cast<std::size_t>(c)]));
      }
      const std::string& g = imputation::group_of(m);
      const std::string bname = key.second == framework::npos ? std::string("all") : fw.at(key.second).code;
      auto rep = impute_block(m, x, names, bname, g.empty() ? no_groups : data.group_ids(g));
      for (auto& [i, c] : rep.cells) {
        const index_t j = cols[static_cast<std::size_t>(c)];
        (*imp)(i, j) = x(i, c);
        out.imputed_cells.emplace_back(i, j);
      }
      for (auto& [i, c] : rep.fallback_cells)
        out.diagnostics.push_back({"imputation_fallback", names[static_cast<std::size_t>(c)],
                                   "indicator '" + names[static_cast<std::size_t>(c)] + "': unit '" + units[static_cast<std::size_t>(i)] +
                                       "' has no other indicator of block '" + bname + "', so kNN has no distance and the mean was used"});
      for (auto& [i, c] : rep.group_fallback_cells)
        out.diagnostics.push_back({"imputation_fallback", names[static_cast<std::size_t>(c)],
                                   "indicator '" + names[static_cast<std::size_t>(c)] + "': no unit of the group of '" +
                                       units[static_cast<std::size_t>(i)] + "' can be a donor, so kNN used all units"});
      if (!rep.converged)
        out.diagnostics.push_back({"imputation_not_converged", bname,
                                   imputation::name(m) + " imputation of block '" + bname + "' did not converge in " +
                                       std::to_string(rep.iterations) + " iterations"});
      out.imputation_blocks.push_back(std::move(rep));
    }
    for (index_t j = 0; j < ni; ++j) {
      const auto& m = p.imputation[static_cast<std::size_t>(j)];
      if (imputation::is_multivariate(m)) continue;
      const std::string& g = imputation::group_of(m);
      const auto& ids = g.empty() ? no_groups : data.group_ids(g);
      auto rep = impute_column(m, imp->col(j), ids, icode(j));
      for (auto i : rep.rows) out.imputed_cells.emplace_back(i, j);
      for (auto i : rep.fallback_rows)
        out.diagnostics.push_back({"imputation_fallback", icode(j),
                                   "indicator '" + icode(j) + "': no unit of the group of '" + units[static_cast<std::size_t>(i)] +
                                       "' has a value, so the overall " +
                                       (std::holds_alternative<imputation::group_median>(m) ? "median" : "mean") + " was used"});
    }
    std::sort(out.imputed_cells.begin(), out.imputed_cells.end(),
              [](const auto& a, const auto& b) { return a.second != b.second ? a.second < b.second : a.first < b.first; });
    out.imputed = std::move(imp);
  } else {
    out.imputed = out.denominated;
  }

  // Outlier treatment.
  out.treatment.clear();
  if (any_treatment) {
    // Each column is treated straight from the imputed values into the treated matrix (the copy is
    // the treatment's first pass); a re-used result keeps its treated matrix when nobody else holds it.
    shared_matrix tr;
    matrix* tm = out.treated.get() != out.imputed.get() ? out.treated.unique_owned() : nullptr;
    if (tm && tm->rows() == n && tm->cols() == ni) {
      tr = std::move(out.treated);
    } else {
      auto fresh = detail::new_matrix<matrix>(n, ni);
      tm = fresh.get();
      tr = std::move(fresh);
    }
    const auto im = *out.imputed;
    out.treatment.reserve(static_cast<std::size_t>(ni));
    for (index_t j = 0; j < ni; ++j) {
      out.treatment.push_back(treat_column(p.treatment[static_cast<std::size_t>(j)], im.col(j), tm->col(j), icode(j)));
      const auto& rep = out.treatment.back();
      if (rep.action == treatment_action::log_transformed && !rep.passes_after)
        out.diagnostics.push_back({"treatment_incomplete", icode(j),
                                   "indicator '" + icode(j) + "' is still outside the skewness/kurtosis thresholds after the log transform"});
    }
    out.treated = std::move(tr);
  } else {
    out.treated = out.imputed;
  }

  // Transform and normalization, column by column into the output. A result re-used for another
  // run (uncertainty analysis, benchmarks) keeps its normalized matrix when nobody else holds it:
  // writing into memory already mapped is several times faster than into a fresh allocation.
  shared_matrix nm_owner;
  matrix* nm = out.normalized.get() != out.treated.get() ? out.normalized.unique_owned() : nullptr;
  if (nm && nm->rows() == n && nm->cols() == ni) {
    nm_owner = std::move(out.normalized);
  } else {
    auto fresh = detail::new_matrix<matrix>(n, ni);
    nm = fresh.get();
    nm_owner = std::move(fresh);
  }
  const auto src = *out.treated;
  for (index_t j = 0; j < ni; ++j) {
    const node& nd = fw.at(fw.indicators()[static_cast<std::size_t>(j)]);
    const auto& tf = p.transform[static_cast<std::size_t>(j)];
    const auto& method = p.normalization[static_cast<std::size_t>(j)];
    column_context ctx;
    ctx.indicator = &nd.code;
    ctx.units = &units;
    ctx.direction = nd.direction;
    ctx.transform = &tf;
    ctx.lower = nd.lower;
    ctx.upper = nd.upper;
    ctx.target = nd.target;
    ctx.treatment = out.treatment.empty() ? nullptr : &out.treatment[static_cast<std::size_t>(j)];
    if (tf.index() == 0) {
      // The common case, in two passes over the column: its summary (which also makes the input
      // checks), then the normalized values written straight into the output.
      const auto sm = statistics::summarize(src.col(j).data(), n);
      if (!checks_first) check_summary(j, sm);
      if (fused && (*fused)[static_cast<std::size_t>(j)]) {  // written by score, block by block
        (*params)[static_cast<std::size_t>(j)] = min_max_prepare(method, p.output_range[static_cast<std::size_t>(j)], sm, ctx);
        continue;
      }
      if (normalize_column_into(method, p.output_range[static_cast<std::size_t>(j)], src.col(j).data(), nm->col(j).data(), n,
                                sm, ctx))
        continue;
    } else if (!checks_first) {
      check_column(j);
    }
    nm->col(j) = src.col(j);
    transform_column(tf, nm->col(j), nd.code, units);
    normalize_column(method, p.output_range[static_cast<std::size_t>(j)], nm->col(j), ctx);
  }
  out.normalized = std::move(nm_owner);
  return nm;
}
}  // namespace detail

COMPINDEX_INLINE void run_indicators(const plan& p, const dataset& data, result& out) {
  detail::run_indicators_impl(p, data, out, nullptr, nullptr);
}

COMPINDEX_INLINE void score(const plan& p, const dataset& data, result& out, aggregator& agg) {
  const framework& fw = p.fw;
  const index_t n = data.n_units(), ni = static_cast<index_t>(fw.n_indicators());
  // The aggregates scored block by block: arithmetic means of indicators normalized by min-max
  // (or distance to max) without a transform, each indicator in one such aggregate at most.
  std::vector<char> done(fw.size(), 0), fused(static_cast<std::size_t>(ni), 0);
  std::vector<std::size_t> blocked;
  if (data.values().cols() == ni) {  // else run_indicators_impl throws
    for (auto a : fw.evaluation_order()) {
      if (fw.is_indicator(a) || fw.is_ratio(a) || fw.children(a).empty()) continue;
      const auto& m = p.aggregation[a];
      const auto* g = std::get_if<aggregation::generalized_mean>(&m);
      if (!std::holds_alternative<aggregation::arithmetic_mean>(m) && !(g && g->p == 1.0)) continue;
      bool ok = true;
      for (auto c : fw.children(a)) {
        if (!fw.is_indicator(c)) {
          ok = false;
          break;
        }
        const std::size_t j = fw.indicator_column(c);
        ok = ok && !fused[j] && std::holds_alternative<transform::none>(p.transform[j]) &&
             detail::is_min_max_family(p.normalization[j]);
      }
      if (!ok) continue;
      done[a] = 1;
      for (auto c : fw.children(a)) fused[fw.indicator_column(c)] = 1;
      blocked.push_back(a);
    }
  }
  std::vector<detail::min_max_params> params(static_cast<std::size_t>(ni));
  matrix& nm = *detail::run_indicators_impl(p, data, out, blocked.empty() ? nullptr : &fused, &params);
  detail::resize_matrix(out.aggregated, n, static_cast<index_t>(fw.n_aggregates()));
  if (!blocked.empty()) {
    // Per aggregate, per block of units: its indicators' normalized values (written to the
    // normalized matrix, and still in cache when read back), then their mean. Each value and
    // each mean is computed as run_indicators and aggregator::run compute it, so the results are
    // the same bit for bit; only the order in which the cells are visited changes.
    const auto src = *out.treated;
    constexpr index_t block = 4096;
    children_view view;
    for (auto a : blocked) {
      const auto& ch = fw.children(a);
      const auto col = fw.aggregate_column(a);
      double* o = out.aggregated.col(static_cast<index_t>(col)).data();
      for (index_t b0 = 0; b0 < n; b0 += block) {
        const index_t m = std::min(block, n - b0);
        view.columns.clear();
        view.weights.clear();
        for (auto c : ch) {
          const index_t j = static_cast<index_t>(fw.indicator_column(c));
          double* d = nm.col(j).data() + b0;
          detail::min_max_apply(params[static_cast<std::size_t>(j)], src.col(j).data() + b0, d, m);
          view.columns.push_back(d);
          view.weights.push_back(p.weights[static_cast<index_t>(c)]);
        }
        aggregate_node(p.aggregation[a], view, m, p.coverage[a], o + b0, fw.at(a).code, data.units(), agg.child_codes_[col]);
      }
    }
  }
  out.node_details.clear();
  agg.run_impl(*out.normalized, p.weights, p.aggregation, p.coverage, data.units(), out.aggregated, nullptr,
               &out.node_details, &done);
}

namespace detail {
// A ratio node's scores: numerator / denominator per unit; missing if either is.
inline void ratio_node(const double* num, const double* den, index_t n, double* out, const framework& fw, std::size_t r,
                       const codes& units) {
  auto unit = [&](index_t i) {
    return static_cast<std::size_t>(i) < units.size() ? "unit '" + units[static_cast<std::size_t>(i)] + "'"
                                                      : "the unit in row " + std::to_string(i + 1);
  };
  const std::string& nc = fw.at(fw.numerator(r)).code;
  const std::string& dc = fw.at(fw.denominator(r)).code;
  for (index_t i = 0; i < n; ++i) {
    const double x = num[i], y = den[i];
    if (std::isnan(x) || std::isnan(y)) {
      out[i] = nan;
      continue;
    }
    if (y == 0.0)
      throw_data("ratio node '" + fw.at(r).code + "': " + unit(i) + " has a zero denominator (its '" + dc + "' score is 0)");
    if (x < 0.0 || y < 0.0)
      throw_data("ratio node '" + fw.at(r).code + "': " + unit(i) + " has a negative '" + (x < 0.0 ? nc : dc) + "' score (" +
                 fmt_double(x < 0.0 ? x : y) + "); a ratio needs scores on a non-negative scale (min-max 0..100, the default, "
                 "or goalposts), not z-scores");
    out[i] = x / y;
  }
}
}  // namespace detail

COMPINDEX_INLINE aggregator::aggregator(const framework& fw, bool ratios)
    : fw_(&fw), child_codes_(fw.n_aggregates()), ratios_(ratios) {
  for (auto a : fw.aggregates())
    for (auto c : fw.children(a)) child_codes_[fw.aggregate_column(a)].push_back(fw.at(c).code);
}

COMPINDEX_INLINE void aggregator::run(matrix_cref normalized, const vector& weights,
                                      const std::vector<compindex::aggregation::method>& methods,
                                      const std::vector<double>& coverage, const codes& units, matrix& agg,
                                      const matrix* log_normalized, std::vector<aggregation_details>* details) {
  run_impl(normalized, weights, methods, coverage, units, agg, log_normalized, details, nullptr);
}

COMPINDEX_INLINE void aggregator::run_impl(matrix_cref normalized, const vector& weights,
                                           const std::vector<compindex::aggregation::method>& methods,
                                           const std::vector<double>& coverage, const codes& units, matrix& agg,
                                           const matrix* log_normalized, std::vector<aggregation_details>* details,
                                           const std::vector<char>* done) {
  const framework& fw = *fw_;
  const index_t n = normalized.rows();
  if (normalized.cols() != static_cast<index_t>(fw.n_indicators()))
    detail::throw_data("aggregate: " + std::to_string(normalized.cols()) + " columns for " +
                       std::to_string(fw.n_indicators()) + " indicators");
  if (methods.size() != fw.size() || coverage.size() != fw.size() || static_cast<std::size_t>(weights.size()) != fw.size())
    detail::throw_spec("aggregate: methods, coverage and weights need one entry per node");
  detail::resize_matrix(agg, n, static_cast<index_t>(fw.n_aggregates()));
  auto column_of = [&](std::size_t i) {
    return fw.is_indicator(i) ? normalized.col(static_cast<index_t>(fw.indicator_column(i))).data()
                              : agg.col(static_cast<index_t>(fw.aggregate_column(i))).data();
  };
  for (auto a : fw.evaluation_order()) {
    if (done && (*done)[a]) continue;
    if (fw.is_ratio(a)) {
      double* out = agg.col(static_cast<index_t>(fw.aggregate_column(a))).data();
      if (ratios_)
        detail::ratio_node(column_of(fw.numerator(a)), column_of(fw.denominator(a)), n, out, fw, a, units);
      else
        std::fill(out, out + n, nan);
      continue;
    }
    view_.columns.clear();
    view_.weights.clear();
    view_.logs.clear();
    for (auto c : fw.children(a)) {
      const bool ind = fw.is_indicator(c);
      view_.columns.push_back(ind ? normalized.col(static_cast<index_t>(fw.indicator_column(c))).data()
                                  : agg.col(static_cast<index_t>(fw.aggregate_column(c))).data());
      view_.weights.push_back(weights[static_cast<index_t>(c)]);
      view_.logs.push_back(ind && log_normalized ? log_normalized->col(static_cast<index_t>(fw.indicator_column(c))).data() : nullptr);
    }
    const auto col = fw.aggregate_column(a);
    if (!details) {
      aggregate_node(methods[a], view_, n, coverage[a], agg.col(static_cast<index_t>(col)).data(), fw.at(a).code, units,
                     child_codes_[col]);
      continue;
    }
    compindex::aggregation_details d;
    aggregate_node(methods[a], view_, n, coverage[a], agg.col(static_cast<index_t>(col)).data(), fw.at(a).code, units,
                   child_codes_[col], &d);
    if (d.empty()) continue;
    d.node = fw.at(a).code;
    d.method = compindex::aggregation::name(methods[a]);
    d.children = child_codes_[col];
    details->push_back(std::move(d));
  }
}

COMPINDEX_INLINE matrix aggregate(const framework& fw, matrix_cref normalized, const vector& weights,
                                  const std::vector<aggregation::method>& methods, const std::vector<double>& coverage,
                                  const codes& units, std::vector<aggregation_details>* details) {
  matrix agg;
  aggregator(fw).run(normalized, weights, methods, coverage, units, agg, nullptr, details);
  return agg;
}

COMPINDEX_INLINE rank_matrix rank_nodes(const framework& fw, matrix_cref normalized, matrix_cref aggregated) {
  const index_t n = normalized.rows();
  const std::size_t nodes = fw.size();
  rank_matrix r;
  detail::resize_matrix(r, n, static_cast<index_t>(nodes));
  auto rank_node = [&](std::size_t i, rank_workspace& ws) {
    const double* x = fw.is_indicator(i) ? normalized.col(static_cast<index_t>(fw.indicator_column(i))).data()
                                         : aggregated.col(static_cast<index_t>(fw.aggregate_column(i))).data();
    rank_scores_into(x, n, r.col(static_cast<index_t>(i)).data(), ws);
  };
  // Ranking sorts every column, so at scale it costs more than scoring: columns are shared out
  // over the hardware threads once there are a million cells or more (small indices stay on the
  // calling thread). Each column is ranked by one thread, so the result does not depend on it.
  const unsigned nt = static_cast<double>(n) * static_cast<double>(nodes) >= 1048576.0 ? detail::thread_count(0, nodes) : 1;
  if (nt == 1) {
    rank_workspace ws;
    for (std::size_t i = 0; i < nodes; ++i) rank_node(i, ws);
    return r;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(nt);
  auto work = [&](unsigned t) {
    try {
      rank_workspace ws;
      for (std::size_t i = next++; i < nodes; i = next++) rank_node(i, ws);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < nt; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return r;
}

COMPINDEX_INLINE result run(const plan& p, const dataset& data) {
  result out;
  aggregator agg(p.fw);
  score(p, data, out, agg);
  out.weights = p.weights;
  out.effective_weights = effective_weights(p.fw, p.weights);
  out.ranks = rank_nodes(p.fw, *out.normalized, out.aggregated);
  const auto root_col = static_cast<index_t>(p.fw.aggregate_column(p.fw.root()));
  for (index_t i = 0; i < data.n_units(); ++i)
    if (std::isnan(out.aggregated(i, root_col)))
      out.diagnostics.push_back({"missing_score", p.fw.at(p.fw.root()).code,
                                 "unit '" + data.units()[static_cast<std::size_t>(i)] + "' has no '" +
                                     p.fw.at(p.fw.root()).code + "' score (too few of its children have data) and is unranked"});
  return out;
}

COMPINDEX_INLINE result build(const framework& fw, const dataset& data, const pipeline_spec& spec) {
  return run(plan(fw, spec), data);
}

COMPINDEX_INLINE rank_matrix rank_within_groups(const framework& fw, const result& r, const dataset& data,
                                                const std::string& group) {
  const auto& ids = data.group_ids(group);
  rank_matrix out(data.n_units(), static_cast<index_t>(fw.size()));
  for (std::size_t i = 0; i < fw.size(); ++i) {
    const vector g = rank_within_groups(r.node_scores(fw, i), ids);
    for (index_t u = 0; u < g.size(); ++u) out(u, static_cast<index_t>(i)) = std::isnan(g[u]) ? unranked : static_cast<rank_t>(g[u]);
  }
  return out;
}

}  // namespace compindex
