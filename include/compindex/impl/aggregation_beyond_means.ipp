#pragma once
// Aggregation beyond weighted means (issue #12): OWA, the mean-min function, MPI, AMPI, TOPSIS and
// the Wroclaw taxonomy. Included by aggregation.ipp; formulas and sources in docs/aggregation.md.
//
// Conventions shared by these methods:
// - A child of weight 0 is left out (as for the means); the coverage rule counts the other
//   children: a unit with fewer than coverage * k of them, or with none, gets no score (NaN).
// - Statistics across units (means, standard deviations, ideal values, goalposts, norms) are
//   computed once per call over every unit that has the child.
// - Scratch memory is allocated once per call, never per unit.

#include "../aggregation.hpp"
#include "../detail/format.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace compindex {

namespace aggregation {

namespace detail_owa {

// Ordered weights of the RIM quantifier Q(r) = r^a for k values.
inline void quantifier_weights(double a, std::size_t k, double* w) {
  double prev = 0.0;
  for (std::size_t j = 1; j <= k; ++j) {
    const double q = j == k ? 1.0 : std::pow(static_cast<double>(j) / static_cast<double>(k), a);
    w[j - 1] = q - prev;
    prev = q;
  }
}

inline double orness_of(const double* w, std::size_t k) {
  if (k <= 1) return 0.5;
  double s = 0.0;
  for (std::size_t j = 0; j < k; ++j) s += w[j] * static_cast<double>(k - 1 - j);
  return s / static_cast<double>(k - 1);
}

// The quantifier exponent whose k weights have the given orness (bisection on log a; the orness
// falls as a grows). 0 and 1 are the limits a -> infinity and a -> 0.
inline double quantifier_exponent(double orness, std::size_t k, double* scratch) {
  if (k <= 1) return 1.0;
  double lo = -60.0, hi = 60.0;  // log a
  for (int it = 0; it < 200 && hi - lo > 1e-13; ++it) {
    const double mid = 0.5 * (lo + hi);
    quantifier_weights(std::exp(mid), k, scratch);
    if (orness_of(scratch, k) > orness)
      lo = mid;
    else
      hi = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

inline void weights_for(double orness, std::size_t k, double* w) {
  if (k == 0) return;
  if (k == 1) {
    w[0] = 1.0;
    return;
  }
  if (orness <= 0.0 || orness >= 1.0) {  // the minimum's or the maximum's weights, exactly
    std::fill(w, w + k, 0.0);
    w[orness <= 0.0 ? k - 1 : 0] = 1.0;
    return;
  }
  if (orness == 0.5) {  // the mean, exactly
    std::fill(w, w + k, 1.0 / static_cast<double>(k));
    return;
  }
  quantifier_weights(quantifier_exponent(orness, k, w), k, w);
}

}  // namespace detail_owa

COMPINDEX_INLINE std::vector<double> owa_weights(double orness, std::size_t k) {
  if (!(orness >= 0.0 && orness <= 1.0)) detail::throw_spec("owa: orness must be between 0 and 1, got " + detail::fmt_double(orness));
  std::vector<double> w(k);
  detail_owa::weights_for(orness, k, w.data());
  return w;
}

COMPINDEX_INLINE double owa_orness(const std::vector<double>& w) { return detail_owa::orness_of(w.data(), w.size()); }

COMPINDEX_INLINE void validate(const method& m, const std::string& node) {
  // aggregate_node calls this on every call (every replication of an uncertainty analysis): the
  // checks allocate nothing; messages are built only when one fails.
  const auto at = [&node] { return "node '" + node + "': "; };
  auto penalty_ok = [&](int p, const char* what) {
    if (p != -1 && p != 1) detail::throw_spec(at() + what + ": penalty must be -1 (negative, M - S cv) or +1 (positive, M + S cv), got " + std::to_string(p));
  };
  auto range_ok = [&](double lo, double hi, const char* what) {
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi))
      detail::throw_spec(at() + what + ": the output range needs finite lower < upper, got " + detail::fmt_double(lo) + ".." + detail::fmt_double(hi));
  };
  if (const auto* g = std::get_if<generalized_mean>(&m)) {
    if (!std::isfinite(g->p)) detail::throw_spec(at() + "generalized_mean needs a finite power p");
  } else if (const auto* o = std::get_if<owa>(&m)) {
    if (o->weights.empty()) {
      if (!(o->orness >= 0.0 && o->orness <= 1.0))
        detail::throw_spec(at() + "owa: orness must be between 0 and 1, got " + detail::fmt_double(o->orness));
    } else {
      double s = 0.0;
      for (std::size_t j = 0; j < o->weights.size(); ++j) {
        const double w = o->weights[j];
        if (!std::isfinite(w) || w < 0.0)
          detail::throw_spec(at() + "owa: ordered weight " + std::to_string(j + 1) + " is " + detail::fmt_double(w) +
                             "; ordered weights must be finite and non-negative");
        s += w;
      }
      if (std::abs(s - 1.0) > 1e-9) {
        std::string list;
        for (std::size_t j = 0; j < o->weights.size(); ++j) list += (j ? ";" : "") + detail::fmt_double(o->weights[j]);
        detail::throw_spec(at() + "owa: ordered weights must sum to 1, but " + list + " sum to " + detail::fmt_double(s));
      }
    }
  } else if (const auto* mm = std::get_if<mean_min>(&m)) {
    if (!(mm->alpha >= 0.0 && mm->alpha <= 1.0))
      detail::throw_spec(at() + "mean_min: alpha must be between 0 and 1, got " + detail::fmt_double(mm->alpha));
    if (!(mm->beta >= 0.0) || !std::isfinite(mm->beta))
      detail::throw_spec(at() + "mean_min: beta must be finite and >= 0, got " + detail::fmt_double(mm->beta));
  } else if (const auto* p = std::get_if<mpi>(&m)) {
    penalty_ok(p->penalty, "mpi");
  } else if (const auto* a = std::get_if<ampi>(&m)) {
    penalty_ok(a->penalty, "ampi");
    if (std::isinf(a->reference)) detail::throw_spec(at() + "ampi: the reference must be finite (or NaN for the child's mean)");
    if (!std::isnan(a->range) && !(a->range > 0.0 && std::isfinite(a->range)))
      detail::throw_spec(at() + "ampi: the range (half the distance between the goalposts) must be finite and > 0, got " +
                         detail::fmt_double(a->range));
  } else if (const auto* t = std::get_if<topsis>(&m)) {
    range_ok(t->lower, t->upper, "topsis");
  } else if (const auto* w = std::get_if<wroclaw>(&m)) {
    range_ok(w->lower, w->upper, "wroclaw");
  }
}

}  // namespace aggregation

namespace detail {

// The children that carry weight, and the coverage rule's threshold.
struct active_children {
  std::vector<std::size_t> idx;  // positions in the view of the children with weight != 0
  double need = 0.0;             // a unit needs at least this many of them (and at least one)
  active_children(const children_view& ch, double coverage) {
    for (std::size_t c = 0; c < ch.columns.size(); ++c)
      if (ch.weights[c] != 0.0) idx.push_back(c);
    need = coverage * static_cast<double>(idx.size()) - 1e-12;
  }
  bool covered(double count) const { return count > 0.0 && count >= need; }
};

// Each child's share of the weight, w / sum w over the children that carry weight (0 for the
// others), the sum taken over the weights divided by the largest: weights of 1e300 or 1e-300
// neither overflow nor underflow, and weighted sums stay within the range of their values.
inline std::vector<double> weight_shares(const children_view& ch, const active_children& act) {
  std::vector<double> nw(ch.weights.size(), 0.0);
  double wmax = 0.0, t = 0.0;
  for (std::size_t idx : act.idx) wmax = std::max(wmax, std::abs(ch.weights[idx]));
  if (!(wmax > 0.0)) return nw;
  for (std::size_t idx : act.idx) t += ch.weights[idx] / wmax;
  for (std::size_t idx : act.idx) nw[idx] = (ch.weights[idx] / wmax) / t;
  return nw;
}

struct node_context {
  const std::string& node;
  const codes& units;
  const codes& child_codes;
  std::string unit(index_t i) const {
    return static_cast<std::size_t>(i) < units.size() ? units[static_cast<std::size_t>(i)] : std::to_string(i);
  }
  std::string child(std::size_t c) const { return c < child_codes.size() ? child_codes[c] : std::to_string(c); }
};

// Mean and standard deviation (two passes) of a child across the units that have it.
struct column_stats {
  double mean = 0.0, sd = 0.0, min = 0.0, max = 0.0;
  index_t count = 0;
};
inline column_stats stats_of(const double* x, index_t n, aggregation::sd_kind kind) {
  column_stats s;
  double sum = 0.0;
  s.min = std::numeric_limits<double>::infinity();
  s.max = -s.min;
  for (index_t i = 0; i < n; ++i)
    if (x[i] == x[i]) {
      sum += x[i];
      ++s.count;
      s.min = std::min(s.min, x[i]);
      s.max = std::max(s.max, x[i]);
    }
  if (s.count == 0) return s;
  s.mean = sum / static_cast<double>(s.count);
  double ss = 0.0;
  for (index_t i = 0; i < n; ++i)
    if (x[i] == x[i]) ss += (x[i] - s.mean) * (x[i] - s.mean);
  const double d = kind == aggregation::sd_kind::sample ? static_cast<double>(s.count) - 1.0 : static_cast<double>(s.count);
  s.sd = d > 0.0 ? std::sqrt(ss / d) : 0.0;
  if (!std::isfinite(s.mean) || !std::isfinite(ss)) {
    // Scores near the limits of double precision: the sums redone on the values scaled by a
    // power of two (exact), the results scaled back.
    const int e = std::ilogb(std::max(std::abs(s.min), std::abs(s.max)));
    double t = 0.0, q = 0.0;
    for (index_t i = 0; i < n; ++i)
      if (x[i] == x[i]) t += std::ldexp(x[i], -e);
    t /= static_cast<double>(s.count);
    for (index_t i = 0; i < n; ++i)
      if (x[i] == x[i]) q += (std::ldexp(x[i], -e) - t) * (std::ldexp(x[i], -e) - t);
    s.mean = std::ldexp(t, e);
    s.sd = d > 0.0 ? std::ldexp(std::sqrt(q / d), e) : 0.0;
  }
  return s;
}

// Standardization needs a spread: a child with fewer than two values, or the same value for every
// unit, cannot be standardized.
inline void need_spread(const column_stats& s, const node_context& ctx, std::size_t c, const char* method) {
  if (s.count < 2 || !(s.sd > 0.0))
    throw_data("node '" + ctx.node + "': " + method + " standardizes each child across units, but '" + ctx.child(c) + "' " +
               (s.count < 2 ? "has fewer than two values" : "has the same value for every unit") +
               " (leave it out, or use another aggregation at this node)");
}

inline void put(aggregation_details* d, const char* name, std::vector<double>&& v, bool per_unit) {
  vector e(static_cast<index_t>(v.size()));
  for (std::size_t i = 0; i < v.size(); ++i) e[static_cast<index_t>(i)] = v[i];
  (per_unit ? d->per_unit : d->per_child).emplace_back(name, std::move(e));
}

// Per child of the view, a value (NaN for a child of weight 0).
inline std::vector<double> per_view_child(const children_view& ch, const active_children& act, const std::vector<double>& vals) {
  std::vector<double> out(ch.columns.size(), nan);
  for (std::size_t a = 0; a < act.idx.size(); ++a) out[act.idx[a]] = vals[a];
  return out;
}

inline void owa_node(const aggregation::owa& o, const children_view& ch, index_t n, double coverage, double* out,
                     const node_context& ctx, aggregation_details* details) {
  const active_children act(ch, coverage);
  const std::size_t k = act.idx.size();
  const bool explicit_weights = !o.weights.empty();
  if (explicit_weights && o.weights.size() != k)
    throw_spec("node '" + ctx.node + "': owa has " + std::to_string(o.weights.size()) + " ordered weights for " +
               std::to_string(k) + " children (one per child that carries weight)");
  // table[c(c-1)/2 ...]: the ordered weights for a unit with c children, c = 1..k, generated
  // the first time a unit has c children (with complete data, only c = k).
  std::vector<double> table(k * (k + 1) / 2);
  std::vector<char> ready(k + 1, 0);
  auto weights_for = [&](std::size_t c) {
    double* w = table.data() + c * (c - 1) / 2;
    if (!ready[c]) {
      if (explicit_weights)
        std::copy(o.weights.begin(), o.weights.end(), w);  // c == k: a missing child was an error
      else
        aggregation::detail_owa::weights_for(o.orness, c, w);
      ready[c] = 1;
    }
    return static_cast<const double*>(w);
  };
  std::vector<double> buf(k);
  for (index_t i = 0; i < n; ++i) {
    std::size_t c = 0;
    for (std::size_t a = 0; a < k; ++a) {
      const double v = ch.columns[act.idx[a]][i];
      if (v == v) {
        buf[c++] = v;
      } else if (explicit_weights) {
        throw_data("node '" + ctx.node + "': owa with explicit ordered weights needs every child, but unit '" + ctx.unit(i) +
                   "' has no value for '" + ctx.child(act.idx[a]) + "' (use owa(orness=...), whose weights are regenerated " +
                   "for the children a unit has, or impute)");
      }
    }
    if (!act.covered(static_cast<double>(c))) {
      out[i] = nan;
      continue;
    }
    std::sort(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(c), std::greater<double>());
    const double* w = weights_for(c);
    double s = 0.0;
    for (std::size_t j = 0; j < c; ++j) s += w[j] * buf[j];
    out[i] = s;
  }
  if (!details || k == 0) return;
  const double* w = weights_for(k);
  double entropy = 0.0;
  for (std::size_t j = 0; j < k; ++j)
    if (w[j] > 0.0) entropy -= w[j] * std::log(w[j]);
  details->scalars.emplace_back("orness", aggregation::detail_owa::orness_of(w, k));
  details->scalars.emplace_back("dispersion", entropy);
  if (!explicit_weights && k > 1 && o.orness > 0.0 && o.orness < 1.0) {
    std::vector<double> scratch(k);
    details->scalars.emplace_back("quantifier_exponent", aggregation::detail_owa::quantifier_exponent(o.orness, k, scratch.data()));
  }
  for (std::size_t j = 0; j < k; ++j) details->scalars.emplace_back("weight_" + std::to_string(j + 1), w[j]);
}

inline void mean_min_node(const aggregation::mean_min& mm, const children_view& ch, index_t n, double coverage, double* out,
                          aggregation_details* details) {
  const active_children act(ch, coverage);
  std::vector<double> dm, dmin, dp;
  if (details) dm.assign(static_cast<std::size_t>(n), nan), dmin = dm, dp = dm;
  // The weights divided by their sum first (scaled by the largest, so that weights of 1e300 or
  // 1e-300 neither overflow nor underflow), as for the power means.
  const std::vector<double> nw = weight_shares(ch, act);
  for (index_t i = 0; i < n; ++i) {
    double s = 0.0, sw = 0.0, c = 0.0, lo = std::numeric_limits<double>::infinity();
    for (std::size_t idx : act.idx) {
      const double v = ch.columns[idx][i];
      if (!(v == v)) continue;
      s += nw[idx] * v;
      sw += nw[idx];
      c += 1.0;
      lo = std::min(lo, v);
    }
    if (!act.covered(c) || !(sw > 0.0)) {
      out[i] = nan;
      continue;
    }
    const double m = s / sw, gap = m - lo;
    double penalty = mm.alpha * (std::sqrt(gap * gap + mm.beta * mm.beta) - mm.beta);
    if (std::isfinite(penalty)) {
      out[i] = m - penalty;
    } else {  // the gap, or its square, overflows (scores near 1e308): in halves, with hypot
      const double half = mm.alpha * (std::hypot(0.5 * m - 0.5 * lo, 0.5 * mm.beta) - 0.5 * mm.beta);
      out[i] = 2.0 * (0.5 * m - half);
      penalty = 2.0 * half;  // may be infinite in the details when it exceeds the largest double
    }
    if (details) {
      const auto u = static_cast<std::size_t>(i);
      dm[u] = m, dmin[u] = lo, dp[u] = penalty;
    }
  }
  if (!details) return;
  put(details, "mean", std::move(dm), true);
  put(details, "minimum", std::move(dmin), true);
  put(details, "penalty", std::move(dp), true);
}

// MPI and AMPI: the children's values rescaled per child (z = a_c + b_c x), then per unit
// M + penalty * S^2 / M over the children it has.
inline void mpi_family(const char* method, int penalty_sign, aggregation::sd_kind sd, const std::vector<double>& offset,
                       const std::vector<double>& scale, const active_children& act, const children_view& ch, index_t n,
                       double* out, const node_context& ctx, aggregation_details* details) {
  const std::size_t k = act.idx.size();
  std::vector<double> dm, ds, dcv, dp;
  if (details) dm.assign(static_cast<std::size_t>(n), nan), ds = dm, dcv = dm, dp = dm;
  for (index_t i = 0; i < n; ++i) {
    double s = 0.0, c = 0.0;
    for (std::size_t a = 0; a < k; ++a) {
      const double v = ch.columns[act.idx[a]][i];
      if (v == v) s += offset[a] + scale[a] * v, c += 1.0;
    }
    if (!act.covered(c)) {
      out[i] = nan;
      continue;
    }
    const double m = s / c;
    double ss = 0.0;
    for (std::size_t a = 0; a < k; ++a) {
      const double v = ch.columns[act.idx[a]][i];
      if (v == v) {
        const double d = offset[a] + scale[a] * v - m;
        ss += d * d;
      }
    }
    const double den = sd == aggregation::sd_kind::sample ? c - 1.0 : c;
    const double S = den > 0.0 ? std::sqrt(ss / den) : 0.0;
    if (!(m > 0.0))
      throw_data("node '" + ctx.node + "': " + method + " needs a positive mean of the rescaled children, but unit '" + ctx.unit(i) +
                 "' has " + fmt_double(m) + " (its coefficient of variation is undefined)");
    const double cv = S / m, penalty = S * cv;
    out[i] = m + static_cast<double>(penalty_sign) * penalty;
    if (details) {
      const auto u = static_cast<std::size_t>(i);
      dm[u] = m, ds[u] = S, dcv[u] = cv, dp[u] = penalty;
    }
  }
  if (!details) return;
  put(details, "mean", std::move(dm), true);
  put(details, "sd", std::move(ds), true);
  put(details, "cv", std::move(dcv), true);
  put(details, "penalty", std::move(dp), true);
}

inline void mpi_node(const aggregation::mpi& p, const children_view& ch, index_t n, double coverage, double* out,
                     const node_context& ctx, aggregation_details* details) {
  const active_children act(ch, coverage);
  const std::size_t k = act.idx.size();
  std::vector<double> offset(k), scale(k), means(k), sds(k);
  for (std::size_t a = 0; a < k; ++a) {
    const column_stats s = stats_of(ch.columns[act.idx[a]], n, p.sd);
    need_spread(s, ctx, act.idx[a], "mpi");
    // z = 100 + 10 (x - mean)/sd = (100 - 10 mean/sd) + (10/sd) x
    scale[a] = 10.0 / s.sd;
    offset[a] = 100.0 - scale[a] * s.mean;
    means[a] = s.mean, sds[a] = s.sd;
  }
  mpi_family("mpi", p.penalty, p.sd, offset, scale, act, ch, n, out, ctx, details);
  if (!details) return;
  put(details, "mean", per_view_child(ch, act, means), false);
  put(details, "sd", per_view_child(ch, act, sds), false);
}

inline void ampi_node(const aggregation::ampi& p, const children_view& ch, index_t n, double coverage, double* out,
                      const node_context& ctx, aggregation_details* details) {
  const active_children act(ch, coverage);
  const std::size_t k = act.idx.size();
  const bool fixed = !std::isnan(p.reference) || !std::isnan(p.range);
  std::vector<double> offset(k), scale(k), lower(k), upper(k), refs(k);
  for (std::size_t a = 0; a < k; ++a) {
    const std::size_t c = act.idx[a];
    const double* x = ch.columns[c];
    const column_stats s = stats_of(x, n, aggregation::sd_kind::population);
    const double ref = std::isnan(p.reference) ? s.mean : p.reference;
    const double delta = std::isnan(p.range) ? 0.5 * (s.max - s.min) : p.range;
    if (s.count == 0) throw_data("node '" + ctx.node + "': ampi: '" + ctx.child(c) + "' has no values");
    if (!(delta > 0.0))
      throw_data("node '" + ctx.node + "': ampi: '" + ctx.child(c) +
                 "' has the same value for every unit, so its goalposts (reference -/+ (max - min)/2) coincide; give range=...");
    const double lo = ref - delta, hi = ref + delta;
    if (fixed) {
      const double tol = 1e-12 * std::max(1.0, std::abs(delta) + std::abs(ref));
      if (s.min < lo - tol || s.max > hi + tol)
        for (index_t i = 0; i < n; ++i)
          if (x[i] < lo - tol || x[i] > hi + tol)
            throw_data("node '" + ctx.node + "': ampi: unit '" + ctx.unit(i) + "' has " + fmt_double(x[i]) + " for '" +
                       ctx.child(c) + "', outside the goalposts " + fmt_double(lo) + ".." + fmt_double(hi) +
                       " (reference " + fmt_double(ref) + " -/+ range " + fmt_double(delta) + "; goalposts must contain the data)");
    }
    // r = 70 + 60 (x - lo)/(2 delta)
    scale[a] = 30.0 / delta;
    offset[a] = 70.0 - scale[a] * lo;
    lower[a] = lo, upper[a] = hi, refs[a] = ref;
  }
  mpi_family("ampi", p.penalty, p.sd, offset, scale, act, ch, n, out, ctx, details);
  if (!details) return;
  put(details, "reference", per_view_child(ch, act, refs), false);
  put(details, "lower_goalpost", per_view_child(ch, act, lower), false);
  put(details, "upper_goalpost", per_view_child(ch, act, upper), false);
}

inline void topsis_node(const aggregation::topsis& t, const children_view& ch, index_t n, double coverage, double* out,
                        const node_context& ctx, aggregation_details* details) {
  const active_children act(ch, coverage);
  const std::size_t k = act.idx.size();
  std::vector<double> factor(k, 1.0), ideal(k), anti(k), w(k), norms(k, nan);
  const std::vector<double> shares = weight_shares(ch, act);
  for (std::size_t a = 0; a < k; ++a) {
    const std::size_t c = act.idx[a];
    const double* x = ch.columns[c];
    const column_stats s = stats_of(x, n, aggregation::sd_kind::population);
    if (s.count == 0) throw_data("node '" + ctx.node + "': topsis: '" + ctx.child(c) + "' has no values");
    if (t.vector_normalize) {
      double ss = 0.0;
      for (index_t i = 0; i < n; ++i)
        if (x[i] == x[i]) ss += x[i] * x[i];
      if (!(ss > 0.0))
        throw_data("node '" + ctx.node + "': topsis with vector normalization: '" + ctx.child(c) + "' is zero for every unit");
      norms[a] = std::sqrt(ss);
      factor[a] = 1.0 / norms[a];
    }
    w[a] = shares[c];
    ideal[a] = s.max * factor[a];
    anti[a] = s.min * factor[a];
  }
  std::vector<double> dplus, dminus, close;
  if (details) dplus.assign(static_cast<std::size_t>(n), nan), dminus = dplus, close = dplus;
  for (index_t i = 0; i < n; ++i) {
    double p = 0.0, m = 0.0, c = 0.0;
    for (std::size_t a = 0; a < k; ++a) {
      const double v = ch.columns[act.idx[a]][i];
      if (!(v == v)) continue;
      const double r = v * factor[a];
      const double dp = w[a] * (r - ideal[a]), dm = w[a] * (r - anti[a]);
      p += dp * dp, m += dm * dm, c += 1.0;
    }
    if (!act.covered(c)) {
      out[i] = nan;
      continue;
    }
    p = std::sqrt(p), m = std::sqrt(m);
    if (!(p + m > 0.0))
      throw_data("node '" + ctx.node + "': topsis cannot score unit '" + ctx.unit(i) +
                 "': on every child it has, all units have the same value (its ideal and anti-ideal coincide)");
    const double closeness = m / (p + m);
    out[i] = t.lower + (t.upper - t.lower) * closeness;
    if (details) {
      const auto u = static_cast<std::size_t>(i);
      dplus[u] = p, dminus[u] = m, close[u] = closeness;
    }
  }
  if (!details) return;
  put(details, "distance_to_ideal", std::move(dplus), true);
  put(details, "distance_to_anti_ideal", std::move(dminus), true);
  put(details, "closeness", std::move(close), true);
  put(details, "ideal", per_view_child(ch, act, ideal), false);
  put(details, "anti_ideal", per_view_child(ch, act, anti), false);
  put(details, "weight", per_view_child(ch, act, w), false);
  if (t.vector_normalize) put(details, "norm", per_view_child(ch, act, norms), false);
}

inline void wroclaw_node(const aggregation::wroclaw& t, const children_view& ch, index_t n, double coverage, double* out,
                         const node_context& ctx, aggregation_details* details) {
  const active_children act(ch, coverage);
  const std::size_t k = act.idx.size();
  std::vector<double> means(k), sds(k), ideal(k);
  for (std::size_t a = 0; a < k; ++a) {
    const column_stats s = stats_of(ch.columns[act.idx[a]], n, t.sd);
    need_spread(s, ctx, act.idx[a], "wroclaw");
    means[a] = s.mean, sds[a] = s.sd, ideal[a] = (s.max - s.mean) / s.sd;
  }
  const std::vector<double> shares = weight_shares(ch, act);
  // d_i = sqrt(k * sum_j w_j (z_ij - z0_j)^2 / sum_j w_j) over the children unit i has: Hellwig's
  // sqrt(sum_j (z_ij - z0_j)^2) for equal weights and full data. Kept in `out` until d0 is known.
  double sum = 0.0, count = 0.0;
  for (index_t i = 0; i < n; ++i) {
    double s = 0.0, sw = 0.0, c = 0.0;
    for (std::size_t a = 0; a < k; ++a) {
      const std::size_t idx = act.idx[a];
      const double v = ch.columns[idx][i];
      if (!(v == v)) continue;
      const double d = (v - means[a]) / sds[a] - ideal[a];
      s += shares[idx] * d * d, sw += shares[idx], c += 1.0;
    }
    if (!act.covered(c) || !(sw > 0.0)) {
      out[i] = nan;
      continue;
    }
    out[i] = std::sqrt(static_cast<double>(k) * s / sw);
    sum += out[i], count += 1.0;
  }
  double d0 = nan;
  if (count > 0.0) {
    const double mean = sum / count;
    double ss = 0.0;
    for (index_t i = 0; i < n; ++i)
      if (out[i] == out[i]) ss += (out[i] - mean) * (out[i] - mean);
    const double den = t.sd == aggregation::sd_kind::sample ? count - 1.0 : count;
    d0 = mean + 2.0 * (den > 0.0 ? std::sqrt(ss / den) : 0.0);
    if (!(d0 > 0.0))
      throw_data("node '" + ctx.node + "': wroclaw: every unit is at the ideal (d0 = 0), so the taxonomic measure is undefined");
  }
  std::vector<double> dist, ratio;
  if (details) dist.assign(static_cast<std::size_t>(n), nan), ratio = dist;
  for (index_t i = 0; i < n; ++i) {
    if (!(out[i] == out[i])) continue;
    const double d = out[i];
    out[i] = t.lower + (t.upper - t.lower) * (1.0 - d / d0);
    if (details) dist[static_cast<std::size_t>(i)] = d, ratio[static_cast<std::size_t>(i)] = d / d0;
  }
  if (!details) return;
  put(details, "distance", std::move(dist), true);
  put(details, "distance_ratio", std::move(ratio), true);
  put(details, "mean", per_view_child(ch, act, means), false);
  put(details, "sd", per_view_child(ch, act, sds), false);
  put(details, "ideal", per_view_child(ch, act, ideal), false);
  details->scalars.emplace_back("d0", d0);
}

}  // namespace detail

}  // namespace compindex
