#pragma once
// Out-of-line definitions of aggregation.hpp.

#include "../aggregation.hpp"
#include "../detail/format.hpp"
#include "aggregation_beyond_means.ipp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <variant>

namespace compindex {

namespace aggregation {

COMPINDEX_INLINE std::string name(const method& m) {
  return std::visit([](const auto& x) { return std::string(std::decay_t<decltype(x)>::name); }, m);
}

COMPINDEX_INLINE method from_name(const std::string& n, double p) {
  if (n == "arithmetic_mean") return arithmetic_mean{};
  if (n == "geometric_mean") return geometric_mean{};
  if (n == "harmonic_mean") return harmonic_mean{};
  if (n == "generalized_mean") {
    if (!std::isfinite(p)) detail::throw_spec("generalized_mean: the power p must be finite");
    return generalized_mean{p};
  }
  if (n == "copeland") return copeland{};
  // Beyond weighted means (issue #12), with default parameters.
  if (n == "owa") return owa{};
  if (n == "mean_min") return mean_min{};
  if (n == "mpi") return mpi{};
  if (n == "ampi") return ampi{};
  if (n == "topsis") return topsis{};
  if (n == "wroclaw") return wroclaw{};
  if (n == "benefit_of_doubt") return benefit_of_doubt{};
  detail::throw_spec("unknown aggregation '" + n +
                     "' (expected arithmetic_mean, geometric_mean, harmonic_mean, generalized_mean, copeland, owa, "
                     "mean_min, mpi, ampi, topsis, wroclaw or benefit_of_doubt)");
}

}  // namespace aggregation

namespace detail {

[[noreturn]] inline void domain_error_at(const std::string& node, const std::string& method, const std::string& what,
                                         const codes& units, index_t i, const codes& child_codes, std::size_t c,
                                         double v) {
  throw_data("node '" + node + "': " + method + " needs " + what + ", but unit '" +
             (static_cast<std::size_t>(i) < units.size() ? units[static_cast<std::size_t>(i)] : std::to_string(i)) +
             "' has " + fmt_double(v) + " for '" + (c < child_codes.size() ? child_codes[c] : std::to_string(c)) +
             "' (normalize onto a positive range, e.g. range=(1, 100))");
}

// o[i] (+)= w0 f(x0[i]) + ... + w(R-1) f(x(R-1)[i]), added left to right.
template <int R, class F>
inline void chunk(double* __restrict o, const double* const* xs, const double* ws, index_t m, bool first, F f) {
  const double* __restrict x0 = xs[0];
  const double* __restrict x1 = R > 1 ? xs[1] : xs[0];
  const double* __restrict x2 = R > 2 ? xs[2] : xs[0];
  const double* __restrict x3 = R > 3 ? xs[3] : xs[0];
  const double w0 = ws[0], w1 = R > 1 ? ws[1] : 0.0, w2 = R > 2 ? ws[2] : 0.0, w3 = R > 3 ? ws[3] : 0.0;
  auto body = [&](index_t i, double s) {
    if (R > 1) s = s + w1 * f(x1[i]);
    if (R > 2) s = s + w2 * f(x2[i]);
    if (R > 3) s = s + w3 * f(x3[i]);
    o[i] = s;
  };
  if (first)
    for (index_t i = 0; i < m; ++i) body(i, w0 * f(x0[i]));
  else
    for (index_t i = 0; i < m; ++i) body(i, o[i] + w0 * f(x0[i]));
}

// The weights of a node divided by their sum, w / sum w, so that the weighted sums below never
// multiply a value by a huge weight (1e300 x 100 overflows) nor a tiny one (1e-300 x 1e-30
// underflows). The sum is taken over the weights divided by the largest one, so that weights
// near the limits of double precision neither overflow nor underflow. Returns the sum of the
// normalized weights (1 up to rounding; 0 when no child carries weight).
inline double normalized_weights(const std::vector<double>& w, std::vector<double>& nw) {
  double mx = 0.0;
  for (double v : w) mx = std::max(mx, std::abs(v));
  nw.assign(w.size(), 0.0);
  if (!(mx > 0.0)) return 0.0;
  double t = 0.0;
  for (double v : w) t += v / mx;
  double tot = 0.0;
  for (std::size_t c = 0; c < w.size(); ++c) tot += nw[c] = (w[c] / mx) / t;
  return tot;
}

// The generalized (power) mean of values v (all > 0 when p < 0) with weights w summing to sw,
// p != 0, computed without overflow or underflow: scaled by the largest value (p > 0) or the
// smallest (p < 0), so every (v / m)^p is at most 1, and in the form
//   M = m exp(log1p(sum w expm1(p log(v / m)) / sw) / p),
// which stays accurate as p approaches 0 (where it tends to the geometric mean).
inline double robust_power_mean(const double* v, const double* w, std::size_t k, double sw, double p) {
  double m = v[0];
  for (std::size_t j = 1; j < k; ++j) m = p > 0 ? std::max(m, v[j]) : std::min(m, v[j]);
  if (m == 0.0) return 0.0;  // p > 0 and every value is 0
  if (std::abs(p) >= 0.5) {
    // log M = log m + log(sum exp(log w + p log(v / m)) / sw) / p, the sum shifted by its largest
    // term: no power or weight can overflow or underflow it, and 1 + (a / sw) below is never formed
    // (it loses the digits of a sum far below the largest value's weight).
    double lmax = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < k; ++j)
      if (w[j] > 0.0) lmax = std::max(lmax, std::log(w[j]) + p * std::log(v[j] / m));
    double s = 0.0;
    for (std::size_t j = 0; j < k; ++j)
      if (w[j] > 0.0) s += std::exp(std::log(w[j]) + p * std::log(v[j] / m) - lmax);
    const double e = (lmax + std::log(s) - std::log(sw)) / p;
    const double r = std::exp(e);
    const double out = m * r;
    if (out > 0.0 && std::isfinite(out) && std::isnormal(r)) return out;
    return std::exp(std::log(m) + e);  // r itself under- or overflowed
  }
  double a = 0.0;
  for (std::size_t j = 0; j < k; ++j) a += w[j] * (v[j] == m ? 0.0 : std::expm1(p * std::log(v[j] / m)));
  const double r = std::exp(std::log1p(a / sw) / p);
  const double out = m * r;
  if (out > 0.0 && std::isfinite(out) && std::isnormal(r)) return out;
  return std::exp(std::log(m) + std::log1p(a / sw) / p);  // r itself under- or overflowed
}

// Weighted means of the power family: finish(sum w f(x)) over the available children, with the
// weights normalized first (normalized_weights). One pass per block of rows computes the sum over
// every weighted child, letting a missing value (NaN) propagate; rows that come out NaN (a child
// is missing), or whose sum `ok` rejects (a power that overflowed or underflowed), are then redone
// one by one by slow_row: the missing children skipped, the coverage rule applied, and
// `robust(values, weights, count, weight sum)` computing the mean without overflow. Rows with
// every child present, most of them in practice, cost one multiply-add per child, which GCC
// vectorizes. A row with a single available child scores as that child, exactly.
template <class F, class Finish, class Ok, class Robust>
void power_family(const children_view& ch, index_t n, double coverage, double* out, F f, Finish finish, Ok ok,
                  Robust robust, bool use_logs = false) {
  const std::size_t nc = ch.columns.size();
  auto logs_of = [&](std::size_t c) { return use_logs && c < ch.logs.size() ? ch.logs[c] : nullptr; };
  std::vector<double> nw;
  const double total = normalized_weights(ch.weights, nw);
  double k = 0.0;  // coverage counts the children that carry weight (zero weight = excluded)
  std::size_t only = 0;
  for (std::size_t c = 0; c < nc; ++c)
    if (ch.weights[c] != 0.0) k += 1.0, only = c;
  const double need = coverage * k - 1e-12;
  const double missing = std::numeric_limits<double>::quiet_NaN();
  if (k == 0.0 || !(total > 0.0)) {
    for (index_t i = 0; i < n; ++i) out[i] = missing;
    return;
  }
  if (k == 1.0) {  // one child: its scores (a missing one stays missing)
    std::copy(ch.columns[only], ch.columns[only] + n, out);
    return;
  }
  const double inv_total = total == 1.0 ? 1.0 : 1.0 / total;
  std::vector<double> sv(nc), sw_(nc);
  auto slow_row = [&](index_t i) {
    double s = 0.0, sw = 0.0;
    std::size_t cc = 0;
    for (std::size_t c = 0; c < nc; ++c) {
      const double w = nw[c], v = ch.columns[c][i];
      if (ch.weights[c] == 0.0 || !(v == v)) continue;
      const double* lg = logs_of(c);
      const double fv = lg ? lg[i] : f(v);
      s += w * fv;
      sw += w;
      sv[cc] = v, sw_[cc] = w, ++cc;
    }
    if (cc == 0 || static_cast<double>(cc) < need) return missing;
    if (cc == 1) return sv[0];
    if (!(sw >= std::numeric_limits<double>::min())) {
      // The present children's shares of the node's weight underflow (weights 1e300 apart):
      // their own weights, scaled by the largest of them, weigh them instead.
      double wmax = 0.0;
      for (std::size_t c = 0; c < nc; ++c)
        if (ch.weights[c] != 0.0 && ch.columns[c][i] == ch.columns[c][i]) wmax = std::max(wmax, ch.weights[c]);
      s = sw = 0.0;
      std::size_t j = 0;
      for (std::size_t c = 0; c < nc; ++c) {
        const double v = ch.columns[c][i];
        if (ch.weights[c] == 0.0 || !(v == v)) continue;
        const double* lg = logs_of(c);
        const double w = ch.weights[c] / wmax;
        s += w * (lg ? lg[i] : f(v));
        sw += w;
        sw_[j++] = w;
      }
      if (!(sw > 0.0)) return missing;
    }
    const double a = s / sw;
    if (ok(a)) {
      const double r = finish(a);
      if (std::isfinite(r)) return r;
    }
    return robust(sv.data(), sw_.data(), cc, sw);
  };
  constexpr index_t block = 2048;  // 16 KiB of sums stay in the L1 cache while the children stream
  // The rows of a block that come out NaN or not finite (a child is missing, mostly): their sums
  // over the present children, taken together child by child without branches (see below).
  std::vector<index_t> redo(static_cast<std::size_t>(std::min(block, n)));
  std::vector<const double*> wcol, wlog;  // the weighted children: columns, cached logs, weights
  std::vector<double> wnw;
  for (std::size_t c = 0; c < nc; ++c)
    if (ch.weights[c] != 0.0) wcol.push_back(ch.columns[c]), wlog.push_back(logs_of(c)), wnw.push_back(nw[c]);
  const std::size_t nwc = wcol.size();
  for (index_t b0 = 0; b0 < n; b0 += block) {
    const index_t m = std::min(block, n - b0);
    double* __restrict o = out + b0;
    // Up to four children per pass over the sums (fewer loads and stores of them), added in
    // child order: ((o + t0) + t1) + ... as one child at a time would.
    bool first = true;
    std::size_t r = 0;
    const double* xs[4];
    double ws[4];
    auto flush = [&] {
      switch (r) {
        case 1: chunk<1>(o, xs, ws, m, first, f); break;
        case 2: chunk<2>(o, xs, ws, m, first, f); break;
        case 3: chunk<3>(o, xs, ws, m, first, f); break;
        case 4: chunk<4>(o, xs, ws, m, first, f); break;
        default: return;
      }
      first = false;
      r = 0;
    };
    for (std::size_t c = 0; c < nc; ++c) {
      const double w = nw[c];
      if (ch.weights[c] == 0.0) continue;
      if (const double* lg0 = logs_of(c)) {  // geometric mean on cached logs (NaN where x is)
        flush();
        const double* __restrict lg = lg0 + b0;
        if (first)
          for (index_t i = 0; i < m; ++i) o[i] = w * lg[i];
        else
          for (index_t i = 0; i < m; ++i) o[i] += w * lg[i];
        first = false;
        continue;
      }
      xs[r] = ch.columns[c] + b0;
      ws[r] = w;
      if (++r == 4) flush();
    }
    flush();
    // Finish every row (vectorized; a missing value stays NaN through finish, a sum `ok` rejects
    // becomes NaN), then redo the rows that are NaN or not finite.
    for (index_t i = 0; i < m; ++i) {
      const double a = o[i] * inv_total;
      o[i] = ok(a) ? finish(a) : missing;
    }
    std::size_t nr = 0;
    for (index_t i = 0; i < m; ++i) {
      redo[nr] = i;
      nr += !(std::abs(o[i]) <= std::numeric_limits<double>::max());
    }
    if (nr == 0) continue;
    // slow_row's sums for every row to redo at once: s and sw start at +0 and add w f(v) and w for
    // each present weighted child in child order, a missing child adding +0 instead. That is
    // slow_row's sum bit for bit: s + (+0) == s for every s but -0, and a sum that starts at +0
    // never becomes -0 in round-to-nearest (x + y is -0 only when both are). The rows whose sums
    // cannot be finished as they are (one child present, weights that underflow, a sum `ok`
    // rejects or a result that is not finite) go to slow_row itself.
    for (std::size_t q = 0; q < nr; ++q) {
      const index_t i = redo[q];
      double s = 0.0, sw = 0.0, cc = 0.0;
      for (std::size_t c = 0; c < nwc; ++c) {
        const double v = wcol[c][b0 + i];
        const bool present = v == v;
        const double fv = present ? (wlog[c] ? wlog[c][b0 + i] : f(v)) : 0.0;
        s += present ? wnw[c] * fv : 0.0;
        sw += present ? wnw[c] : 0.0;
        cc += present ? 1.0 : 0.0;
      }
      if (cc == 0.0 || cc < need) {
        o[i] = missing;
        continue;
      }
      if (cc != 1.0 && sw >= std::numeric_limits<double>::min()) {
        const double a = s / sw;
        if (ok(a)) {
          const double fin = finish(a);
          if (std::isfinite(fin)) {
            o[i] = fin;
            continue;
          }
        }
      }
      o[i] = slow_row(b0 + i);
    }
  }
}

// Copeland's rule over the units that meet the coverage rule (see aggregation.hpp).
inline void copeland_node(const children_view& ch, index_t n, double coverage, double* out) {
  const std::size_t k = ch.columns.size();
  std::size_t weighted = 0;
  for (double w : ch.weights) weighted += w != 0.0;
  std::vector<char> covered(static_cast<std::size_t>(n));
  for (index_t i = 0; i < n; ++i) {
    std::size_t avail = 0;
    for (std::size_t c = 0; c < k; ++c) avail += !std::isnan(ch.columns[c][i]) && ch.weights[c] != 0.0;
    covered[static_cast<std::size_t>(i)] =
        avail > 0 && static_cast<double>(avail) >= coverage * static_cast<double>(weighted) - 1e-12;
  }
  for (index_t j = 0; j < n; ++j) out[j] = covered[static_cast<std::size_t>(j)] ? 0.0 : std::nan("");
  for (index_t j = 0; j < n; ++j) {
    if (!covered[static_cast<std::size_t>(j)]) continue;
    for (index_t l = j + 1; l < n; ++l) {
      if (!covered[static_cast<std::size_t>(l)]) continue;
      // j's weighted share of the pair, (better + tied / 2) / total, is above 1/2 exactly when
      // the weight of the children where j is better exceeds that of the children where l is.
      // Those two sums are compared, with a tolerance for rounding: summed in another order,
      // equal weights can differ in the last bit, and an exact tie must not become a win.
      double better = 0.0, worse = 0.0, total = 0.0;
      for (std::size_t c = 0; c < k; ++c) {
        const double a = ch.columns[c][j], b = ch.columns[c][l];
        if (std::isnan(a) || std::isnan(b)) continue;
        const double w = ch.weights[c];
        total += w;
        if (a > b) better += w;
        if (a < b) worse += w;
      }
      if (!(total > 0.0)) continue;
      const double margin = 1e-12 * total;
      if (better - worse > margin) {
        out[j] += 1.0, out[l] -= 1.0;
      } else if (worse - better > margin) {
        out[j] -= 1.0, out[l] += 1.0;
      }
    }
  }
}

}  // namespace detail

COMPINDEX_INLINE void aggregate_node(const aggregation::method& m, const children_view& ch, index_t n, double coverage,
                                     double* out, const std::string& node, const codes& units, const codes& child_codes,
                                     aggregation_details* details) {
  using namespace aggregation;
  const std::string mname = name(m);
  // Domain check: a fast branch-free scan per child; the slow search for the offending unit only
  // runs when the scan finds something.
  auto check = [&](bool strictly_positive) {
    for (std::size_t c = 0; c < ch.columns.size(); ++c) {
      if (ch.weights[c] == 0.0) continue;
      const double* x = ch.columns[c];
      bool bad = false;
      for (index_t i = 0; i < n; ++i) bad |= strictly_positive ? (x[i] <= 0.0) : (x[i] < 0.0);
      if (!bad) continue;
      for (index_t i = 0; i < n; ++i)
        if (strictly_positive ? x[i] <= 0.0 : x[i] < 0.0)
          detail::domain_error_at(node, mname, strictly_positive ? "positive values" : "non-negative values", units, i,
                                  child_codes, c, x[i]);
    }
  };
  // The weighted sums of the power family (see detail::power_family); `ok` says whether a row's
  // sum can be finished as it is, `robust` redoes a row without overflow or underflow.
  auto arithmetic = [&] {
    detail::power_family(
        ch, n, coverage, out, [](double v) { return v; }, [](double a) { return a; }, [](double) { return true; },
        [](const double* v, const double* w, std::size_t k, double sw) {
          double s = 0.0;
          for (std::size_t j = 0; j < k; ++j) s += (w[j] / sw) * v[j];
          return s;
        });
  };
  auto geometric = [&] {
    check(true);
    detail::power_family(
        ch, n, coverage, out, [](double v) { return std::log(v); }, [](double a) { return std::exp(a); },
        [](double) { return true; },
        [](const double* v, const double* w, std::size_t k, double sw) {
          double s = 0.0;
          for (std::size_t j = 0; j < k; ++j) s += w[j] * std::log(v[j]);
          return std::exp(s / sw);
        },
        true);
  };
  // x^p sums outside [2^-1000, 2^1000] have lost precision to underflow or are about to overflow.
  auto power = [&](double p) {
    check(p < 0.0);
    auto robust = [p](const double* v, const double* w, std::size_t k, double sw) {
      return detail::robust_power_mean(v, w, k, sw, p);
    };
    if (std::abs(p) >= 0.5) {
      detail::power_family(
          ch, n, coverage, out, [p](double v) { return std::pow(v, p); }, [p](double a) { return std::pow(a, 1.0 / p); },
          [](double a) { return a >= 0x1p-1000 && a <= 0x1p1000; }, robust);
    } else {
      // Small |p|: x^p - 1 = expm1(p log x) keeps the digits that x^p would round away (at
      // p = 1e-9 the mean of 50 and 100 would otherwise be off in its seventh digit).
      detail::power_family(
          ch, n, coverage, out, [p](double v) { return std::expm1(p * std::log(v)); },
          [p](double a) { return std::exp(std::log1p(a) / p); }, [](double a) { return a > -0.99 && a <= 0x1p1000; },
          robust);
    }
  };
  if (std::holds_alternative<arithmetic_mean>(m)) {
    arithmetic();
    return;
  }
  if (std::holds_alternative<geometric_mean>(m)) {
    geometric();
    return;
  }
  if (std::holds_alternative<harmonic_mean>(m)) {
    check(true);
    detail::power_family(
        ch, n, coverage, out, [](double v) { return 1.0 / v; }, [](double a) { return 1.0 / a; },
        [](double a) { return a >= 0x1p-1000 && a <= 0x1p1000; },
        [](const double* v, const double* w, std::size_t k, double sw) { return detail::robust_power_mean(v, w, k, sw, -1.0); });
    return;
  }
  if (const auto* g = std::get_if<generalized_mean>(&m)) {
    const double p = g->p;
    if (p == 1.0)
      arithmetic();
    else if (p == 0.0)
      geometric();
    else
      power(p);
    return;
  }
  if (std::holds_alternative<copeland>(m)) {
    detail::copeland_node(ch, n, coverage, out);
    return;
  }
  // Beyond weighted means (issue #12): OWA, mean-min, MPI, AMPI, TOPSIS, Wroclaw
  // (impl/aggregation_beyond_means.ipp). The power means and Copeland's rule report no details.
  {
    const detail::node_context ctx{node, units, child_codes};
    if (const auto* o = std::get_if<owa>(&m)) {
      validate(m, node);
      detail::owa_node(*o, ch, n, coverage, out, ctx, details);
      return;
    }
    if (const auto* mm = std::get_if<mean_min>(&m)) {
      validate(m, node);
      detail::mean_min_node(*mm, ch, n, coverage, out, details);
      return;
    }
    if (const auto* p = std::get_if<mpi>(&m)) {
      validate(m, node);
      detail::mpi_node(*p, ch, n, coverage, out, ctx, details);
      return;
    }
    if (const auto* a = std::get_if<ampi>(&m)) {
      validate(m, node);
      detail::ampi_node(*a, ch, n, coverage, out, ctx, details);
      return;
    }
    if (const auto* t = std::get_if<topsis>(&m)) {
      validate(m, node);
      detail::topsis_node(*t, ch, n, coverage, out, ctx, details);
      return;
    }
    if (const auto* w = std::get_if<wroclaw>(&m)) {
      validate(m, node);
      detail::wroclaw_node(*w, ch, n, coverage, out, ctx, details);
      return;
    }
  }
  if (const auto* b = std::get_if<benefit_of_doubt>(&m)) {  // the LPs: impl/benefit_of_doubt.ipp
    detail::benefit_of_doubt_node(*b, ch, n, coverage, out, node, units, child_codes, details);
    return;
  }
  // Further methods are dispatched here, by type (never by variant index).
  detail::throw_spec("node '" + node + "': aggregation '" + mname + "' has no implementation");
}

}  // namespace compindex
