#pragma once
// Out-of-line definitions of spatial.hpp.

#include "../spatial.hpp"
#include "../random.hpp"
#include "../detail/format.hpp"
#include "../detail/threads.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

namespace compindex::spatial {

namespace detail {

inline std::string unit_name(const weights& w, index_t i) {
  return static_cast<std::size_t>(i) < w.units.size() ? "'" + w.units[static_cast<std::size_t>(i)] + "'"
                                                       : "unit " + std::to_string(i + 1);
}

// Two-sided normal p-value 2 * (1 - Phi(|z|)).
inline double two_sided(double z) { return std::isnan(z) ? nan : std::erfc(std::fabs(z) / std::sqrt(2.0)); }

// The checks every statistic runs on y and w; returns the mean of y.
inline double check_inputs(vector_cref y, const weights& w, const char* what) {
  if (y.size() != w.n)
    compindex::detail::throw_spec(std::string(what) + ": " + std::to_string(y.size()) + " values for weights on " +
                                  std::to_string(w.n) + " units");
  if (w.n < 3)
    compindex::detail::throw_data(std::string(what) + ": needs at least 3 units, got " + std::to_string(w.n));
  for (index_t i = 0; i < y.size(); ++i)
    if (!std::isfinite(y[i]))
      compindex::detail::throw_data(std::string(what) + ": the value of " + unit_name(w, i) +
                                    " is missing or not finite (" + compindex::detail::fmt_double(y[i]) +
                                    "); drop the unit from the weights or impute it");
  if (y.maxCoeff() == y.minCoeff())
    compindex::detail::throw_data(std::string(what) + ": all " + std::to_string(w.n) +
                                  " values are equal; spatial autocorrelation is undefined");
  if (w.neighbours.empty())
    compindex::detail::throw_data(std::string(what) + ": the weights have no link (every unit is an island)");
  return y.mean();
}

// Folded pseudo p-value of esda: larger = #{sim >= obs}; if R - larger < larger, larger = R - larger;
// p = (larger + 1) / (R + 1).
inline double folded_p(index_t larger, index_t R) {
  if (R - larger < larger) larger = R - larger;
  return (static_cast<double>(larger) + 1.0) / (static_cast<double>(R) + 1.0);
}

// Runs body(r, rng) for r in [0, R) over threads; permutation r draws from stream r.
template <class Body>
void for_permutations(index_t R, const permutation_options& opt, Body body) {
  const auto rows = static_cast<std::size_t>(R);
  const unsigned nt = compindex::detail::thread_count(opt.threads, rows);
  auto work = [&](unsigned t) {
    const std::size_t lo = rows * t / nt, hi = rows * (t + 1) / nt;
    for (std::size_t r = lo; r < hi; ++r) {
      philox rng(opt.seed, static_cast<std::uint64_t>(r));
      body(static_cast<index_t>(r), rng);
    }
  };
  if (nt == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < nt; ++t) pool.emplace_back(work, t);
    for (auto& th : pool) th.join();
  }
}

// Fisher-Yates shuffle of v in place.
inline void shuffle(vector& v, philox& rng) {
  for (index_t i = v.size() - 1; i > 0; --i) {
    const auto j = static_cast<index_t>(rng.below(static_cast<std::uint64_t>(i) + 1));
    std::swap(v[i], v[j]);
  }
}

inline void summarize_sims(global_result& g, index_t R) {
  g.permutations = R;
  if (R == 0) return;
  index_t larger = 0;
  for (index_t r = 0; r < R; ++r) larger += g.sims[r] >= g.statistic ? 1 : 0;
  g.p_sim = folded_p(larger, R);
  g.mean_sim = g.sims.mean();
  g.sd_sim = std::sqrt((g.sims.array() - g.mean_sim).square().sum() / static_cast<double>(R));
}

inline void check_permutations(const permutation_options& opt, const char* what) {
  if (opt.permutations < 0)
    compindex::detail::throw_spec(std::string(what) + ": permutations must be >= 0, got " +
                                  std::to_string(opt.permutations));
}

// sum_i v_i (W v)_i
inline double cross_product(const weights& w, const vector& v) {
  double s = 0.0;
  for (index_t i = 0; i < w.n; ++i) {
    double l = 0.0;
    for (auto e = w.offsets[static_cast<std::size_t>(i)]; e < w.offsets[static_cast<std::size_t>(i) + 1]; ++e)
      l += w.values[static_cast<std::size_t>(e)] * v[w.neighbours[static_cast<std::size_t>(e)]];
    s += v[i] * l;
  }
  return s;
}

// sum_ij w_ij (v_i - v_j)^2
inline double squared_differences(const weights& w, const vector& v) {
  double s = 0.0;
  for (index_t i = 0; i < w.n; ++i)
    for (auto e = w.offsets[static_cast<std::size_t>(i)]; e < w.offsets[static_cast<std::size_t>(i) + 1]; ++e) {
      const double d = v[i] - v[w.neighbours[static_cast<std::size_t>(e)]];
      s += w.values[static_cast<std::size_t>(e)] * d * d;
    }
  return s;
}

}  // namespace detail

COMPINDEX_INLINE weights make_weights(index_t n, std::vector<index_t> offsets, std::vector<index_t> neighbours,
                                      std::vector<double> values, codes units) {
  using compindex::detail::throw_spec;
  if (n < 0) throw_spec("spatial weights: negative number of units");
  if (!units.empty() && static_cast<index_t>(units.size()) != n)
    throw_spec("spatial weights: " + std::to_string(units.size()) + " unit codes for " + std::to_string(n) + " units");
  if (static_cast<index_t>(offsets.size()) != n + 1)
    throw_spec("spatial weights: " + std::to_string(offsets.size()) + " row offsets for " + std::to_string(n) +
               " units (need n + 1)");
  if (neighbours.size() != values.size())
    throw_spec("spatial weights: " + std::to_string(neighbours.size()) + " neighbour indices but " +
               std::to_string(values.size()) + " weights");
  if (offsets.front() != 0 || offsets.back() != static_cast<index_t>(neighbours.size()))
    throw_spec("spatial weights: the row offsets must run from 0 to the number of entries (" +
               std::to_string(neighbours.size()) + ")");
  weights w;
  w.n = n;
  w.units = std::move(units);
  std::vector<char> seen(static_cast<std::size_t>(n), 0);
  for (index_t i = 0; i < n; ++i) {
    const auto lo = offsets[static_cast<std::size_t>(i)], hi = offsets[static_cast<std::size_t>(i) + 1];
    if (hi < lo) throw_spec("spatial weights: the row offsets decrease at " + detail::unit_name(w, i));
    for (auto e = lo; e < hi; ++e) {
      const auto j = neighbours[static_cast<std::size_t>(e)];
      const double v = values[static_cast<std::size_t>(e)];
      if (j < 0 || j >= n)
        throw_spec("spatial weights: " + detail::unit_name(w, i) + " has a neighbour index " + std::to_string(j) +
                   " out of range (" + std::to_string(n) + " units)");
      if (j == i) throw_spec("spatial weights: " + detail::unit_name(w, i) + " is its own neighbour");
      if (seen[static_cast<std::size_t>(j)])
        throw_spec("spatial weights: " + detail::unit_name(w, i) + " lists the neighbour " + detail::unit_name(w, j) +
                   " twice");
      if (!(std::isfinite(v) && v > 0.0))
        throw_spec("spatial weights: the weight of " + detail::unit_name(w, i) + " -> " + detail::unit_name(w, j) +
                   " must be finite and > 0, got " + compindex::detail::fmt_double(v));
      seen[static_cast<std::size_t>(j)] = 1;
    }
    for (auto e = lo; e < hi; ++e) seen[static_cast<std::size_t>(neighbours[static_cast<std::size_t>(e)])] = 0;
  }
  w.offsets = std::move(offsets);
  w.neighbours = std::move(neighbours);
  w.values = std::move(values);
  return w;
}

COMPINDEX_INLINE weights row_standardize(const weights& w) {
  weights out = w;
  for (index_t i = 0; i < w.n; ++i) {
    const auto lo = static_cast<std::size_t>(w.offsets[static_cast<std::size_t>(i)]);
    const auto hi = static_cast<std::size_t>(w.offsets[static_cast<std::size_t>(i) + 1]);
    double s = 0.0;
    for (auto e = lo; e < hi; ++e) s += w.values[e];
    for (auto e = lo; e < hi; ++e) out.values[e] = w.values[e] / s;
  }
  return out;
}

COMPINDEX_INLINE std::vector<index_t> islands(const weights& w) {
  std::vector<index_t> out;
  for (index_t i = 0; i < w.n; ++i)
    if (w.cardinality(i) == 0) out.push_back(i);
  return out;
}

COMPINDEX_INLINE weight_sums sums(const weights& w) {
  weight_sums s;
  // Dense accumulation of w_ij + w_ji over the stored pairs: S1 = 1/2 sum_ij (w_ij + w_ji)^2 over all
  // ordered pairs; a pair stored in one direction only contributes w_ij^2 twice (as (i,j) and (j,i)).
  vector row(w.n), col(w.n);
  row.setZero();
  col.setZero();
  std::vector<std::vector<std::pair<index_t, double>>> rows(static_cast<std::size_t>(w.n));
  for (index_t i = 0; i < w.n; ++i)
    for (auto e = w.offsets[static_cast<std::size_t>(i)]; e < w.offsets[static_cast<std::size_t>(i) + 1]; ++e) {
      const auto j = w.neighbours[static_cast<std::size_t>(e)];
      const double v = w.values[static_cast<std::size_t>(e)];
      s.s0 += v;
      row[i] += v;
      col[j] += v;
      rows[static_cast<std::size_t>(i)].emplace_back(j, v);
    }
  for (auto& r : rows) std::sort(r.begin(), r.end());
  auto find = [&](index_t i, index_t j) {
    const auto& r = rows[static_cast<std::size_t>(i)];
    auto it = std::lower_bound(r.begin(), r.end(), std::make_pair(j, -1.0));
    return it != r.end() && it->first == j ? it->second : 0.0;
  };
  double s1 = 0.0;
  for (index_t i = 0; i < w.n; ++i)
    for (const auto& [j, v] : rows[static_cast<std::size_t>(i)]) {
      const double back = find(j, i);
      // The ordered pair (i, j) contributes (w_ij + w_ji)^2; (j, i) is visited from row j when stored
      // there, otherwise it is added here.
      s1 += (v + back) * (v + back);
      if (back == 0.0) s1 += v * v;
    }
  s.s1 = 0.5 * s1;
  s.s2 = (row + col).squaredNorm();
  return s;
}

COMPINDEX_INLINE vector lag(const weights& w, vector_cref y) {
  if (y.size() != w.n)
    compindex::detail::throw_spec("spatial lag: " + std::to_string(y.size()) + " values for weights on " +
                                  std::to_string(w.n) + " units");
  vector out(w.n);
  for (index_t i = 0; i < w.n; ++i) {
    double l = 0.0;
    for (auto e = w.offsets[static_cast<std::size_t>(i)]; e < w.offsets[static_cast<std::size_t>(i) + 1]; ++e)
      l += w.values[static_cast<std::size_t>(e)] * y[w.neighbours[static_cast<std::size_t>(e)]];
    out[i] = l;
  }
  return out;
}

COMPINDEX_INLINE global_result moran(vector_cref y, const weights& w, const permutation_options& opt) {
  detail::check_permutations(opt, "Moran's I");
  const double mean = detail::check_inputs(y, w, "Moran's I");
  const double n = static_cast<double>(w.n), n2 = n * n;
  const vector z = y.array() - mean;
  const double m2 = z.squaredNorm(), m4 = z.array().pow(4).sum();
  const auto S = sums(w);
  const double s02 = S.s0 * S.s0;
  global_result g;
  // The observed and the simulated statistics are computed by the same expression (ties compare exactly).
  const double scale = n / S.s0 / m2;
  g.statistic = scale * detail::cross_product(w, z);
  g.expected = -1.0 / (n - 1.0);
  g.var_norm = (n2 * S.s1 - n * S.s2 + 3.0 * s02) / ((n - 1.0) * (n + 1.0) * s02) - 1.0 / ((n - 1.0) * (n - 1.0));
  if (w.n >= 4) {
    const double k = (m4 / n) / ((m2 / n) * (m2 / n));
    const double A = n * ((n2 - 3.0 * n + 3.0) * S.s1 - n * S.s2 + 3.0 * s02);
    const double B = k * ((n2 - n) * S.s1 - 2.0 * n * S.s2 + 6.0 * s02);
    g.var_rand = (A - B) / ((n - 1.0) * (n - 2.0) * (n - 3.0) * s02) - g.expected * g.expected;
  }
  g.z_norm = (g.statistic - g.expected) / std::sqrt(g.var_norm);
  g.z_rand = (g.statistic - g.expected) / std::sqrt(g.var_rand);
  g.p_norm = detail::two_sided(g.z_norm);
  g.p_rand = detail::two_sided(g.z_rand);
  const index_t R = opt.permutations;
  g.sims.resize(R);
  detail::for_permutations(R, opt, [&](index_t r, philox& rng) {
    vector v = z;
    detail::shuffle(v, rng);
    g.sims[r] = scale * detail::cross_product(w, v);
  });
  detail::summarize_sims(g, R);
  return g;
}

COMPINDEX_INLINE global_result geary(vector_cref y, const weights& w, const permutation_options& opt) {
  detail::check_permutations(opt, "Geary's C");
  const double mean = detail::check_inputs(y, w, "Geary's C");
  const double n = static_cast<double>(w.n), n2 = n * n;
  const vector z = y.array() - mean;
  const double m2 = z.squaredNorm(), m4 = z.array().pow(4).sum();
  const auto S = sums(w);
  const double s02 = S.s0 * S.s0;
  global_result g;
  const double scale = (n - 1.0) / (2.0 * S.s0 * m2);
  g.statistic = scale * detail::squared_differences(w, z);
  g.expected = 1.0;
  g.var_norm = ((2.0 * S.s1 + S.s2) * (n - 1.0) - 4.0 * s02) / (2.0 * (n + 1.0) * s02);
  if (w.n >= 4) {
    const double k = (m4 / n) / ((m2 / n) * (m2 / n));
    const double A = (n - 1.0) * S.s1 * (n2 - 3.0 * n + 3.0 - (n - 1.0) * k);
    const double B = 0.25 * (n - 1.0) * S.s2 * (n2 + 3.0 * n - 6.0 - (n2 - n + 2.0) * k);
    const double C = s02 * (n2 - 3.0 - (n - 1.0) * (n - 1.0) * k);
    g.var_rand = (A - B + C) / (n * (n - 2.0) * (n - 3.0) * s02);
  }
  g.z_norm = (g.statistic - 1.0) / std::sqrt(g.var_norm);
  g.z_rand = (g.statistic - 1.0) / std::sqrt(g.var_rand);
  g.p_norm = detail::two_sided(g.z_norm);
  g.p_rand = detail::two_sided(g.z_rand);
  const index_t R = opt.permutations;
  g.sims.resize(R);
  detail::for_permutations(R, opt, [&](index_t r, philox& rng) {
    vector v = z;
    detail::shuffle(v, rng);
    g.sims[r] = scale * detail::squared_differences(w, v);
  });
  detail::summarize_sims(g, R);
  return g;
}

COMPINDEX_INLINE local_result local_moran(vector_cref y, const weights& w, const permutation_options& opt) {
  detail::check_permutations(opt, "local Moran");
  const double mean = detail::check_inputs(y, w, "local Moran");
  const index_t n = w.n;
  const index_t R = opt.permutations;
  local_result out;
  const vector zc = y.array() - mean;
  const double sd = std::sqrt(zc.squaredNorm() / static_cast<double>(n));
  out.z = zc / sd;
  const double den = out.z.squaredNorm();
  out.lag = lag(w, out.z);
  out.I.resize(n);
  for (index_t i = 0; i < n; ++i) out.I[i] = static_cast<double>(n - 1) * (out.z[i] * out.lag[i]) / den;
  out.quadrant.assign(static_cast<std::size_t>(n), 0);
  for (index_t i = 0; i < n; ++i) {
    if (w.cardinality(i) == 0) continue;
    const bool hz = out.z[i] > 0.0, hl = out.lag[i] > 0.0;
    out.quadrant[static_cast<std::size_t>(i)] = hz ? (hl ? 1 : 4) : (hl ? 2 : 3);
  }
  out.permutations = R;
  out.p_sim.setConstant(n, nan);
  out.mean_sim.setConstant(n, nan);
  out.sd_sim.setConstant(n, nan);
  if (R == 0) return out;

  // Units are split over threads; unit i's permutation r draws from stream i * R + r, so each unit's
  // simulations (and their order of summation) do not depend on the thread count.
  const auto units = static_cast<std::size_t>(n);
  const unsigned nt = compindex::detail::thread_count(opt.threads, units);
  auto work = [&](unsigned t) {
    const std::size_t lo = units * t / nt, hi = units * (t + 1) / nt;
    std::vector<char> taken(units, 0);  // over the n - 1 "other" positions
    std::vector<index_t> pick;
    vector sims(R);
    for (std::size_t iu = lo; iu < hi; ++iu) {
      const auto i = static_cast<index_t>(iu);
      const index_t k = w.cardinality(i);
      if (k == 0) continue;
      const auto e0 = static_cast<std::size_t>(w.offsets[iu]);
      bool equal = true;
      for (index_t m = 1; m < k && equal; ++m) equal = w.values[e0 + static_cast<std::size_t>(m)] == w.values[e0];
      index_t larger = 0;
      for (index_t r = 0; r < R; ++r) {
        philox rng(opt.seed, static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(R) + static_cast<std::uint64_t>(r));
        // Floyd's sampling of k of the n - 1 other positions, then a Fisher-Yates shuffle of the
        // k picks (an ordered uniform sample: the weights of a row need not be equal).
        pick.clear();
        for (index_t j = n - 1 - k; j < n - 1; ++j) {
          auto t2 = static_cast<index_t>(rng.below(static_cast<std::uint64_t>(j) + 1));
          if (taken[static_cast<std::size_t>(t2)]) t2 = j;
          taken[static_cast<std::size_t>(t2)] = 1;
          pick.push_back(t2);
        }
        if (!equal)  // equal weights (e.g. row-standardized kNN): the order of the picks does not matter
          for (index_t m = k - 1; m > 0; --m)
            std::swap(pick[static_cast<std::size_t>(m)],
                      pick[static_cast<std::size_t>(rng.below(static_cast<std::uint64_t>(m) + 1))]);
        double l = 0.0;
        for (index_t m = 0; m < k; ++m) {
          const index_t p = pick[static_cast<std::size_t>(m)];
          taken[static_cast<std::size_t>(p)] = 0;
          const index_t unit = p < i ? p : p + 1;
          l += w.values[e0 + static_cast<std::size_t>(m)] * out.z[unit];
        }
        sims[r] = static_cast<double>(n - 1) * (out.z[i] * l) / den;  // the expression of out.I
        larger += sims[r] >= out.I[i] ? 1 : 0;
      }
      out.p_sim[i] = detail::folded_p(larger, R);
      out.mean_sim[i] = sims.mean();
      out.sd_sim[i] = std::sqrt((sims.array() - out.mean_sim[i]).square().sum() / static_cast<double>(R));
    }
  };
  if (nt == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < nt; ++t) pool.emplace_back(work, t);
    for (auto& th : pool) th.join();
  }
  return out;
}

}  // namespace compindex::spatial
