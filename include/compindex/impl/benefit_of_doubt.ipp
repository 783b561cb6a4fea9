#pragma once
// Out-of-line definitions of benefit_of_doubt.hpp. The linear programmes are solved by COIN-OR CLP
// when COMPINDEX_HAS_CLP is defined; without it every entry point throws a computation_error.

#include "../aggregation.hpp"
#include "../benefit_of_doubt.hpp"
#include "../detail/format.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#ifdef COMPINDEX_HAS_CLP
#include <ClpDualRowDantzig.hpp>
#include <ClpSimplex.hpp>
#include <CoinError.hpp>
#endif

namespace compindex {

COMPINDEX_INLINE bool has_lp_solver() noexcept {
#ifdef COMPINDEX_HAS_CLP
  return true;
#else
  return false;
#endif
}

namespace detail {

[[noreturn]] inline void bod_no_solver(const std::string& where) {
  throw_computation(where +
                    " needs a linear-programming solver, but compindex was built without COIN-OR CLP: install it "
                    "(Debian/Ubuntu: apt-get install coinor-libclp-dev; conda: coin-or-clp) and rebuild compindex "
                    "(CMake finds it; header-only users define COMPINDEX_HAS_CLP and link Clp and CoinUtils)");
}

inline const std::string& bod_code(const codes& c, std::size_t i, std::string& tmp) {
  if (i < c.size()) return c[i];
  tmp = std::to_string(i);
  return tmp;
}

// Per-child share bounds from a parameter vector (empty: `dflt`, one value: every child, else one
// per child). Checked to lie in [0, 1].
inline std::vector<double> bod_bounds(const std::vector<double>& given, double dflt, std::size_t n_children,
                                      const char* what, const std::string& where) {
  if (given.empty()) return std::vector<double>(n_children, dflt);
  if (given.size() != 1 && given.size() != n_children)
    throw_spec(where + ": " + what + " needs one value or one per child (" + std::to_string(n_children) + "), got " +
               std::to_string(given.size()));
  std::vector<double> out = given.size() == 1 ? std::vector<double>(n_children, given[0]) : given;
  for (double v : out)
    if (!(v >= 0.0 && v <= 1.0)) throw_spec(where + ": " + what + " must lie between 0 and 1, got " + fmt_double(v));
  return out;
}

// Bounds that admit no share vector: a lower above an upper, lower bounds adding to more than 1,
// upper bounds adding to less than 1.
inline void bod_check_bounds(const std::vector<double>& lower, const std::vector<double>& upper, const codes& children,
                             const std::string& where) {
  double sl = 0.0, su = 0.0;
  std::string tmp;
  for (std::size_t j = 0; j < lower.size(); ++j) {
    if (lower[j] > upper[j])
      throw_spec(where + ": the share bounds of '" + bod_code(children, j, tmp) + "' are infeasible (lower " +
                 fmt_double(lower[j]) + " > upper " + fmt_double(upper[j]) + ")");
    sl += lower[j];
    su += upper[j];
  }
  if (sl > 1.0 + 1e-12)
    throw_spec(where + ": the share restrictions are infeasible: the lower bounds add up to " + fmt_double(sl) +
               " > 1 (shares of a unit's score add up to 1)");
  if (su < 1.0 - 1e-12)
    throw_spec(where + ": the share restrictions are infeasible: the upper bounds add up to " + fmt_double(su) +
               " < 1 (shares of a unit's score add up to 1)");
}

#ifdef COMPINDEX_HAS_CLP

// The LPs of every scored unit. y: units x children, finite, >= 0 (missing already 0). Solved on
// columns scaled to a maximum of 1 (better conditioned; shares and scores are unchanged, and the
// weights are scaled back). Columns that are 0 for every unit are left out (their weight is 0).
//
// CLP solves the dual of each unit's problem (the envelopment form of DEA): one row per child and
// one column per unit, so the basis has only as many rows as there are children, however many
// units there are. Without restrictions,
//     min sum_k l_k  subject to  sum_k y_kj l_k >= y_ij for every child j,  l >= 0,
// whose row duals are the unit's optimal weights w. The matrix is the same for every unit; only
// the right-hand side changes, so the model is built once per node and each unit only changes
// the right-hand side and re-solves by the dual simplex (the slack basis is dual feasible). With share restrictions the dual of
//     max S  s.t.  Y w <= 1,  y_i.w - S = 0,  y_ij w_j - L_j S >= 0,  y_ij w_j - U_j S <= 0,  w, S >= 0
// is solved: min sum_k l_k subject to, for every child j,
//     sum_k y_kj l_k + y_ij (m - a_j + b_j) >= 0,   and   -m + sum_j (L_j a_j - U_j b_j) >= 1,
// with m free and a, b >= 0 (a_j only where L_j > 0, b_j only where U_j < 1); per unit only the
// y_ij coefficients of m, a_j and b_j change. A child the unit scores 0 on drops its lower bound
// (a_j fixed at 0). The weights are again the duals of the child rows.
inline benefit_of_doubt_solution bod_solve(const matrix& y, const std::vector<double>& lower,
                                           const std::vector<double>& upper, const std::vector<char>& scored, bool warm,
                                           const std::string& where, const codes& units) {
  const index_t n = y.rows(), k = y.cols();
  benefit_of_doubt_solution sol;
  sol.efficiency = vector::Constant(n, nan);
  sol.weights = matrix::Constant(n, k, nan);
  sol.peers.assign(static_cast<std::size_t>(n), {});
  std::vector<index_t> act;  // columns with a positive value somewhere
  std::vector<double> scale;
  for (index_t j = 0; j < k; ++j) {
    const double mx = n > 0 ? y.col(j).maxCoeff() : 0.0;
    if (mx > 0.0) act.push_back(j), scale.push_back(mx);
  }
  const int ka = static_cast<int>(act.size());
  matrix ys(n, ka);  // the scaled active columns
  for (int c = 0; c < ka; ++c) ys.col(c) = y.col(act[static_cast<std::size_t>(c)]) / scale[static_cast<std::size_t>(c)];
  std::vector<int> ref;  // units with a positive value: their constraints can bind
  for (index_t i = 0; i < n; ++i)
    if (ka > 0 && ys.row(i).maxCoeff() > 0.0) ref.push_back(static_cast<int>(i));
  auto is_scored = [&](index_t i) { return scored.empty() || scored[static_cast<std::size_t>(i)]; };
  auto set_zero = [&](index_t i) {
    sol.efficiency[i] = 0.0;
    sol.weights.row(i).setZero();
  };
  if (ka == 0) {
    for (index_t i = 0; i < n; ++i)
      if (is_scored(i)) set_zero(i);
    return sol;
  }
  const auto uc = [](int c) { return static_cast<std::size_t>(c); };
  bool restricted = false;
  for (int c = 0; c < ka; ++c) {
    const auto j = static_cast<std::size_t>(act[uc(c)]);
    restricted |= lower[j] > 0.0 || upper[j] < 1.0;
  }
  const double inf = COIN_DBL_MAX;
  const int m = static_cast<int>(ref.size());
  // Columns: l (one per reference unit), then, if restricted, m, a_j, b_j.
  int n_cols = m, col_m = -1, s_row = -1;
  std::vector<int> col_a(uc(ka), -1), col_b(uc(ka), -1);
  if (restricted) {
    col_m = n_cols++;
    for (int c = 0; c < ka; ++c) {
      const auto j = static_cast<std::size_t>(act[uc(c)]);
      if (lower[j] > 0.0) col_a[uc(c)] = n_cols++;
      if (upper[j] < 1.0) col_b[uc(c)] = n_cols++;
    }
    s_row = ka;
  }
  const int n_rows = ka + (restricted ? 1 : 0);
  std::vector<CoinBigIndex> start(uc(n_cols) + 1, 0);
  std::vector<int> index;
  std::vector<double> value;
  for (int r = 0; r < m; ++r) {
    for (int c = 0; c < ka; ++c) {
      const double v = ys(ref[uc(r)], c);
      if (v > 0.0) index.push_back(c), value.push_back(v);
    }
    start[uc(r) + 1] = static_cast<CoinBigIndex>(index.size());
  }
  std::vector<double> col_lo(uc(n_cols), 0.0), col_up(uc(n_cols), inf), obj(uc(n_cols), 0.0);
  for (int r = 0; r < m; ++r) obj[uc(r)] = 1.0;
  // Row lower bounds: y_i without restrictions (set per unit), 0 and 1 with them.
  std::vector<double> row_lo(uc(n_rows), 0.0), row_up(uc(n_rows), inf);
  if (restricted) {
    // The y_ij coefficients start at 1 (a placeholder that keeps the entry) and are set per unit.
    col_lo[uc(col_m)] = -inf;
    for (int c = 0; c < ka; ++c) index.push_back(c), value.push_back(1.0);
    index.push_back(s_row), value.push_back(-1.0);
    start[uc(col_m) + 1] = static_cast<CoinBigIndex>(index.size());
    for (int c = 0; c < ka; ++c) {
      const auto j = static_cast<std::size_t>(act[uc(c)]);
      if (const int a = col_a[uc(c)]; a >= 0) {
        index.push_back(c), value.push_back(-1.0);
        index.push_back(s_row), value.push_back(lower[j]);
        start[uc(a) + 1] = static_cast<CoinBigIndex>(index.size());
      }
      if (const int b = col_b[uc(c)]; b >= 0) {
        index.push_back(c), value.push_back(1.0);
        index.push_back(s_row), value.push_back(-upper[j]);
        start[uc(b) + 1] = static_cast<CoinBigIndex>(index.size());
      }
    }
    row_lo[uc(s_row)] = 1.0;
  }

  std::string tmp;
  try {
    ClpSimplex model;
    model.setLogLevel(0);
    // Tighter than CLP's defaults (1e-7): on the scaled problem (values in [0, 1]) scores then agree
    // with other solvers to about 1e-9.
    model.setPrimalTolerance(1e-9);
    model.setDualTolerance(1e-9);
    model.loadProblem(n_cols, n_rows, start.data(), index.data(), value.data(), col_lo.data(), col_up.data(), obj.data(),
                      row_lo.data(), row_up.data());
    model.setOptimizationDirection(1.0);  // minimize
    model.scaling(0);  // the columns are scaled already
    // Dantzig's rule (largest infeasibility) for the dual simplex: each unit takes a few pivots from
    // the slack basis, too few to repay steepest edge's bookkeeping (measured 40% faster).
    ClpDualRowDantzig dantzig;
    model.setDualRowPivotAlgorithm(dantzig);
    vector w(ka), act_k(n);
    for (index_t i = 0; i < n; ++i) {
      if (!is_scored(i)) continue;
      if (!(ys.row(i).maxCoeff() > 0.0)) {  // nothing to weigh: the score is 0
        set_zero(i);
        continue;
      }
      if (!restricted) {
        for (int c = 0; c < ka; ++c) model.setRowLower(c, ys(i, c));
      } else {
        for (int c = 0; c < ka; ++c) {
          const double v = ys(i, c);
          model.modifyCoefficient(c, col_m, v, true);
          if (const int a = col_a[uc(c)]; a >= 0) {
            model.modifyCoefficient(c, a, -v, true);
            model.setColumnUpper(a, v > 0.0 ? inf : 0.0);
          }
          if (const int b = col_b[uc(c)]; b >= 0) model.modifyCoefficient(c, b, v, true);
        }
      }
      // By default every unit starts from the slack basis (l = 0): its optimum uses few units, so
      // the dual simplex takes a few pivots. The previous unit's optimal basis (warm = true) is
      // dual feasible too, but pivoting its peers out costs more: measured 3 to 10 times slower.
      if (!warm) model.allSlackBasis(true);
      // Without restrictions only row bounds change between units, so CLP may keep its work areas
      // and skip re-initializing them (startFinishOptions 1 + 2 + 4: 30% faster). With them the
      // matrix changes, and everything is set up afresh.
      model.dual(0, restricted ? 0 : 7);
      if (!model.isProvenOptimal()) {  // retry from scratch before giving up
        model.allSlackBasis(true);
        model.primal();
      }
      if (!model.isProvenOptimal())
        throw_computation(where + ": the LP solver (COIN-OR CLP) found no optimum for unit '" +
                          bod_code(units, static_cast<std::size_t>(i), tmp) + "' (status " +
                          std::to_string(model.status()) + ")");
      const double* d = model.dualRowSolution();
      for (int c = 0; c < ka; ++c) w[c] = std::max(0.0, d[c]);
      // Polish: scale w so that the largest unit total is exactly 1 (the other constraints are
      // homogeneous); the score, the weights and the binding units follow from it.
      act_k.noalias() = ys * w;
      const double amax = act_k.maxCoeff();
      if (!(amax > 0.0)) {  // the restrictions only admit w = 0
        set_zero(i);
        continue;
      }
      w /= amax;
      act_k /= amax;
      // Rounded to 12 decimals (the solver is accurate to about 1e-9), so that units whose LPs are
      // mirror images of each other tie instead of differing in the last bit.
      sol.efficiency[i] = std::min(1.0, std::max(0.0, std::round(act_k[i] * 1e12) / 1e12));
      sol.weights.row(i).setZero();
      for (int c = 0; c < ka; ++c) sol.weights(i, act[uc(c)]) = w[c] / scale[uc(c)];
      auto& p = sol.peers[static_cast<std::size_t>(i)];
      for (index_t u = 0; u < n; ++u)
        if (act_k[u] >= 1.0 - 1e-9) p.push_back(u);
    }
  } catch (const CoinError& e) {
    throw_computation(where + ": the LP solver (COIN-OR CLP) failed: " + e.message() + " (in " + e.methodName() + ")");
  }
  return sol;
}

#endif  // COMPINDEX_HAS_CLP

// Checks the values (finite, >= 0; NaN is missing) and returns them with missing as 0.
inline matrix bod_values(const std::vector<const double*>& columns, index_t n, const std::string& where,
                         const codes& units, const codes& children) {
  matrix y(n, static_cast<index_t>(columns.size()));
  std::string t1, t2;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const double* x = columns[c];
    for (index_t i = 0; i < n; ++i) {
      const double v = x[i];
      if (std::isnan(v)) {
        y(i, static_cast<index_t>(c)) = 0.0;
        continue;
      }
      if (!(v >= 0.0) || std::isinf(v))
        throw_data(where + " needs non-negative values, but unit '" + bod_code(units, static_cast<std::size_t>(i), t1) +
                   "' has " + fmt_double(v) + " for '" + bod_code(children, c, t2) +
                   "' (normalize onto a non-negative range, e.g. min_max onto 0-100)");
      y(i, static_cast<index_t>(c)) = v;
    }
  }
  return y;
}

}  // namespace detail

COMPINDEX_INLINE benefit_of_doubt_solution solve_benefit_of_doubt(matrix_cref y, const std::vector<double>& share_lower,
                                                                  const std::vector<double>& share_upper,
                                                                  const std::vector<char>& scored, bool warm_start) {
  const std::string where = "benefit_of_doubt";
  const index_t n = y.rows(), k = y.cols();
  if (!scored.empty() && scored.size() != static_cast<std::size_t>(n))
    detail::throw_spec(where + ": `scored` needs one entry per unit (" + std::to_string(n) + "), got " +
                       std::to_string(scored.size()));
  const auto kk = static_cast<std::size_t>(k);
  const std::vector<double> lower = detail::bod_bounds(share_lower, 0.0, kk, "share_lower", where);
  const std::vector<double> upper = detail::bod_bounds(share_upper, 1.0, kk, "share_upper", where);
  detail::bod_check_bounds(lower, upper, {}, where);
  std::vector<const double*> cols;
  matrix copy = y;  // column pointers of a contiguous copy
  for (index_t j = 0; j < k; ++j) cols.push_back(copy.col(j).data());
  const matrix values = detail::bod_values(cols, n, where, {}, {});
#ifdef COMPINDEX_HAS_CLP
  return detail::bod_solve(values, lower, upper, scored, warm_start, where, {});
#else
  (void)warm_start;
  detail::bod_no_solver(where);
#endif
}

namespace detail {

COMPINDEX_INLINE void benefit_of_doubt_node(const aggregation::benefit_of_doubt& m, const children_view& ch, index_t n,
                                            double coverage, double* out, const std::string& node, const codes& units,
                                            const codes& child_codes, aggregation_details* details) {
  const std::string where = "node '" + node + "': benefit_of_doubt";
  const std::size_t nc = ch.columns.size();
  if (!std::isfinite(m.lo) || !std::isfinite(m.hi))
    throw_spec(where + ": the output scale lo..hi must be finite, got " + fmt_double(m.lo) + ".." + fmt_double(m.hi));
  const bool spread = !std::isnan(m.nominal_spread);
  if (spread && !(m.nominal_spread >= 0.0 && std::isfinite(m.nominal_spread)))
    throw_spec(where + ": nominal_spread must be finite and >= 0, got " + fmt_double(m.nominal_spread));
  if (spread && (!m.share_lower.empty() || !m.share_upper.empty()))
    throw_spec(where + ": give either nominal_spread or share_lower/share_upper, not both");

  // The children that carry weight; a zero weight leaves a child out.
  std::vector<std::size_t> act;
  double total = 0.0;
  for (std::size_t c = 0; c < nc; ++c)
    if (ch.weights[c] != 0.0) act.push_back(c), total += ch.weights[c];
  std::vector<double> lower = bod_bounds(m.share_lower, 0.0, nc, "share_lower", where);
  std::vector<double> upper = bod_bounds(m.share_upper, 1.0, nc, "share_upper", where);
  if (spread)
    for (std::size_t c : act) {
      const double v = ch.weights[c] / total;
      lower[c] = std::max(0.0, (1.0 - m.nominal_spread) * v);
      upper[c] = std::min(1.0, (1.0 + m.nominal_spread) * v);
    }
  std::vector<double> lo_a, up_a;
  codes act_codes;
  std::vector<const double*> cols;
  for (std::size_t c : act) {
    lo_a.push_back(lower[c]);
    up_a.push_back(upper[c]);
    act_codes.push_back(c < child_codes.size() ? child_codes[c] : std::to_string(c));
    cols.push_back(ch.columns[c]);
  }
  bod_check_bounds(lo_a, up_a, act_codes, where);
  if (act.empty()) {
    for (index_t i = 0; i < n; ++i) out[i] = nan;
    return;
  }
  const matrix y = bod_values(cols, n, where, units, act_codes);
  // Coverage: the share of the weighted children a unit has (a missing child counts as 0 in the LP).
  std::vector<char> scored(static_cast<std::size_t>(n));
  const double need = coverage * static_cast<double>(act.size()) - 1e-12;
  for (index_t i = 0; i < n; ++i) {
    double avail = 0.0;
    for (std::size_t c = 0; c < cols.size(); ++c) avail += !std::isnan(cols[c][i]);
    scored[static_cast<std::size_t>(i)] = avail > 0.0 && avail >= need;
  }
#ifdef COMPINDEX_HAS_CLP
  const benefit_of_doubt_solution sol = bod_solve(y, lo_a, up_a, scored, false, where, units);
#else
  bod_no_solver(where);
  const benefit_of_doubt_solution sol;
#endif
  std::size_t frontier = 0;
  for (index_t i = 0; i < n; ++i) {
    const double e = sol.efficiency[i];
    out[i] = std::isnan(e) ? nan : m.lo + (m.hi - m.lo) * e;
    frontier += e >= 1.0 - 1e-9;
  }
  if (!details) return;
  details->per_unit.emplace_back("efficiency", sol.efficiency);
  details->unit_weights = matrix::Zero(n, static_cast<index_t>(nc));
  for (std::size_t a = 0; a < act.size(); ++a)
    details->unit_weights.col(static_cast<index_t>(act[a])) = sol.weights.col(static_cast<index_t>(a));
  for (index_t i = 0; i < n; ++i)
    if (std::isnan(sol.efficiency[i])) details->unit_weights.row(i).setConstant(nan);
  details->peers = sol.peers;
  details->scalars.emplace_back("frontier_units", static_cast<double>(frontier));
}

}  // namespace detail

}  // namespace compindex
