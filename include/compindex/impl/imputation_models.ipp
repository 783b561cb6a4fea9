#pragma once
// Out-of-line definitions of imputation_models.hpp.

#include "../imputation_models.hpp"
#include "../detail/format.hpp"
#include "../random.hpp"

#include <Eigen/Cholesky>
#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace compindex {

namespace detail {
namespace imp {

// Observed mean, population sd (1 for a constant column), min and max of each column.
struct column_stats {
  vector mean, sd, lo, hi;
  column_stats(matrix_cref x, const std::vector<std::string>& names) {
    const index_t n = x.rows(), p = x.cols();
    mean.resize(p), sd.resize(p), lo.resize(p), hi.resize(p);
    for (index_t j = 0; j < p; ++j) {
      double s = 0, mn = std::numeric_limits<double>::infinity(), mx = -mn;
      index_t c = 0;
      for (index_t i = 0; i < n; ++i)
        if (!std::isnan(x(i, j))) s += x(i, j), ++c, mn = std::min(mn, x(i, j)), mx = std::max(mx, x(i, j));
      if (c == 0) throw_data("indicator '" + names[static_cast<std::size_t>(j)] + "' has no data to impute from (every value is missing)");
      const double m = s / static_cast<double>(c);
      double ss = 0;
      for (index_t i = 0; i < n; ++i)
        if (!std::isnan(x(i, j))) ss += (x(i, j) - m) * (x(i, j) - m);
      const double v = std::sqrt(ss / static_cast<double>(c));
      mean[j] = m, sd[j] = v > 0 ? v : 1.0, lo[j] = mn, hi[j] = mx;
    }
  }
};

inline std::string list_names(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < 6; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > 6) s += ", ...";
  return s;
}

struct em_params {
  double tolerance;
  int max_iterations;
  bool clamp;
  double ridge;
};

// EM on the standardized block (EM is equivariant under affine maps of the columns, so the
// estimates are those of the raw data; the log-likelihood is reported on the raw scale).
inline imputation_block_report em_block(const em_params& prm, Eigen::Ref<matrix> x, const std::vector<std::string>& names,
                                        const std::string& block, philox* rng) {
  imputation_block_report rep;
  const index_t n = x.rows(), p = x.cols();
  const column_stats st(x, names);
  matrix z(n, p);
  std::vector<std::vector<index_t>> miss(static_cast<std::size_t>(n)), obs(static_cast<std::size_t>(n));
  double ll_shift = 0;  // log-likelihood of x = that of z - sum over observed cells of log sd
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < p; ++j) {
      const double v = x(i, j);
      z(i, j) = std::isnan(v) ? 0.0 : (v - st.mean[j]) / st.sd[j];
      if (std::isnan(v)) {
        miss[static_cast<std::size_t>(i)].push_back(j);
      } else {
        obs[static_cast<std::size_t>(i)].push_back(j);
        ll_shift -= std::log(st.sd[j]);
      }
    }
  // Start: the observed means (0 after standardizing) and the covariance of the mean-imputed data.
  vector mu = vector::Zero(p);
  matrix sigma = z.transpose() * z / static_cast<double>(n);
  sigma.diagonal().array() += prm.ridge;
  matrix zhat = z, theta(p, p), t2(p, p);
  vector t1(p), dfull(p);
  const double log2pi = std::log(2.0 * 3.14159265358979323846);
  double ll = nan, logdet = 0;
  auto factor = [&]() {
    Eigen::LLT<matrix> llt(sigma);
    if (llt.info() != Eigen::Success || !(llt.matrixLLT().diagonal().array() > 0).all())
      throw_computation("EM imputation of block '" + block + "' (" + list_names(names) +
                        "): the covariance matrix is singular (indicators that are constant or collinear, or too few units); "
                        "give a ridge > 0 (e.g. em(ridge=0.01)) or a smaller scope");
    theta = llt.solve(matrix::Identity(p, p));
    logdet = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
  };
  // Conditional mean (into zhat) and covariance of a row's missing block; returns the row's
  // log-likelihood term and adds its sufficient statistics if `accumulate`.
  matrix tmm, cmm;
  vector b;
  auto row = [&](index_t i, bool accumulate, bool draw) {
    const auto& m = miss[static_cast<std::size_t>(i)];
    const auto& o = obs[static_cast<std::size_t>(i)];
    const auto q = static_cast<index_t>(m.size());
    double term = 0;
    if (q == 0) {
      dfull = z.row(i).transpose() - mu;
      term = -0.5 * (static_cast<double>(p) * log2pi + logdet + dfull.dot(theta * dfull));
      if (accumulate) t1 += zhat.row(i).transpose(), t2.noalias() += zhat.row(i).transpose() * zhat.row(i);
      return term;
    }
    if (o.empty()) {
      zhat.row(i) = mu.transpose();
      cmm = sigma;
    } else {
      dfull.setZero();
      for (auto j : o) dfull[j] = z(i, j) - mu[j];
      tmm.resize(q, q);
      b.resize(q);
      for (index_t a = 0; a < q; ++a) {
        for (index_t c = 0; c < q; ++c) tmm(a, c) = theta(m[static_cast<std::size_t>(a)], m[static_cast<std::size_t>(c)]);
        b[a] = theta.row(m[static_cast<std::size_t>(a)]).dot(dfull);
      }
      Eigen::LLT<matrix> l(tmm);
      const vector s = l.solve(b);
      for (index_t a = 0; a < q; ++a) zhat(i, m[static_cast<std::size_t>(a)]) = mu[m[static_cast<std::size_t>(a)]] - s[a];
      const double logdet_tmm = 2.0 * l.matrixLLT().diagonal().array().log().sum();
      term = -0.5 * (static_cast<double>(o.size()) * log2pi + logdet + logdet_tmm + dfull.dot(theta * dfull) - b.dot(s));
      cmm = l.solve(matrix::Identity(q, q));
    }
    if (accumulate) {
      t1 += zhat.row(i).transpose();
      t2.noalias() += zhat.row(i).transpose() * zhat.row(i);
      for (index_t a = 0; a < q; ++a)
        for (index_t c = 0; c < q; ++c) t2(m[static_cast<std::size_t>(a)], m[static_cast<std::size_t>(c)]) += cmm(a, c);
    }
    if (draw) {
      Eigen::LLT<matrix> lc(cmm);
      vector e(q);
      for (index_t a = 0; a < q; ++a) e[a] = rng->normal();
      const vector d = lc.matrixL() * e;
      for (index_t a = 0; a < q; ++a) zhat(i, m[static_cast<std::size_t>(a)]) += d[a];
    }
    return term;
  };
  bool done = false;
  for (;;) {
    factor();
    t1.setZero(), t2.setZero();
    ll = 0;
    for (index_t i = 0; i < n; ++i) ll += row(i, true, false);
    if (!std::isfinite(ll))
      throw_computation("EM imputation of block '" + block + "' (" + list_names(names) + "): the log-likelihood is not finite");
    if (done) break;
    if (rep.iterations >= prm.max_iterations) {
      rep.converged = false;
      break;
    }
    // M-step; converged when no entry of the mean or the covariance (standardized units) moves by
    // more than the tolerance; the E-step above is then run once more at the new estimates.
    const vector mu_old = mu;
    const matrix sigma_old = sigma;
    mu = t1 / static_cast<double>(n);
    sigma = t2 / static_cast<double>(n) - mu * mu.transpose();
    sigma.diagonal().array() += prm.ridge;
    ++rep.iterations;
    const double change = std::max((mu - mu_old).cwiseAbs().maxCoeff(), (sigma - sigma_old).cwiseAbs().maxCoeff());
    if (change <= prm.tolerance) done = rep.converged = true;
  }
  if (rng)
    for (index_t i = 0; i < n; ++i)
      if (!miss[static_cast<std::size_t>(i)].empty()) row(i, false, true);
  rep.log_likelihood = ll + ll_shift;
  rep.mean = st.mean + st.sd.cwiseProduct(mu);
  rep.covariance = st.sd.asDiagonal() * sigma * st.sd.asDiagonal();
  for (index_t i = 0; i < n; ++i)
    for (auto j : miss[static_cast<std::size_t>(i)]) {
      double v = st.mean[j] + st.sd[j] * zhat(i, j);
      if (prm.clamp) v = std::min(std::max(v, st.lo[j]), st.hi[j]);
      x(i, j) = v;
      rep.cells.emplace_back(i, j);
    }
  return rep;
}

// k nearest neighbours on the standardized columns, distances as scikit-learn's nan_euclidean:
// sqrt(p / (coordinates present in both) * sum of squared differences over them).
inline imputation_block_report knn_block(const imputation::knn& prm, Eigen::Ref<matrix> x, const std::vector<std::string>& names,
                                         const std::vector<int>& group_ids) {
  imputation_block_report rep;
  const index_t n = x.rows(), p = x.cols();
  const column_stats st(x, names);
  matrix z(n, p);
  for (index_t j = 0; j < p; ++j) z.col(j) = (x.col(j).array() - st.mean[j]) / st.sd[j];
  const bool by_group = !prm.group.empty();
  const bool distance = prm.weights == "distance";
  const auto k = static_cast<std::size_t>(prm.k);
  std::vector<double> dist(static_cast<std::size_t>(n));
  std::vector<std::pair<double, index_t>> cand;
  std::vector<std::pair<index_t, index_t>> fill;  // written after all distances (from the original data)
  std::vector<double> fill_value;
  for (index_t r = 0; r < n; ++r) {
    bool any = false;
    for (index_t j = 0; j < p && !any; ++j) any = std::isnan(x(r, j));
    if (!any) continue;
    for (index_t s = 0; s < n; ++s) {
      double ss = 0;
      index_t c = 0;
      for (index_t j = 0; j < p; ++j) {
        const double a = z(r, j), bb = z(s, j);
        if (std::isnan(a) || std::isnan(bb)) continue;
        ss += (a - bb) * (a - bb);
        ++c;
      }
      dist[static_cast<std::size_t>(s)] = c ? std::sqrt(static_cast<double>(p) / static_cast<double>(c) * ss) : nan;
    }
    const int g = by_group ? group_ids[static_cast<std::size_t>(r)] : -1;
    for (index_t j = 0; j < p; ++j) {
      if (!std::isnan(x(r, j))) continue;
      auto collect = [&](bool same_group) {
        cand.clear();
        for (index_t s = 0; s < n; ++s) {
          if (s == r || std::isnan(x(s, j)) || std::isnan(dist[static_cast<std::size_t>(s)])) continue;
          if (same_group && group_ids[static_cast<std::size_t>(s)] != g) continue;
          cand.emplace_back(dist[static_cast<std::size_t>(s)], s);
        }
      };
      collect(by_group && g >= 0);
      if (cand.empty() && by_group && g >= 0) {
        collect(false);
        if (!cand.empty()) rep.group_fallback_cells.emplace_back(r, j);
      }
      double v;
      if (cand.empty()) {
        v = st.mean[j];
        rep.fallback_cells.emplace_back(r, j);
      } else {
        const std::size_t kk = std::min(k, cand.size());
        std::partial_sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(kk), cand.end());
        double sw = 0, sv = 0;
        bool zero = false;
        for (std::size_t a = 0; a < kk; ++a) zero = zero || cand[a].first == 0.0;
        for (std::size_t a = 0; a < kk; ++a) {
          double w = 1.0;
          if (distance) w = zero ? (cand[a].first == 0.0 ? 1.0 : 0.0) : 1.0 / cand[a].first;
          sw += w;
          sv += w * x(cand[a].second, j);
        }
        v = sv / sw;
      }
      fill.emplace_back(r, j);
      fill_value.push_back(v);
    }
  }
  for (std::size_t a = 0; a < fill.size(); ++a) {
    x(fill[a].first, fill[a].second) = fill_value[a];
    rep.cells.push_back(fill[a]);
  }
  return rep;
}

// Chained regressions as scikit-learn's IterativeImputer (initial_strategy="mean",
// imputation_order="ascending", a linear model with an intercept, sample_posterior=False).
inline imputation_block_report chained_block(const imputation::chained& prm, Eigen::Ref<matrix> x,
                                             const std::vector<std::string>& names) {
  imputation_block_report rep;
  const index_t n = x.rows(), p = x.cols();
  const column_stats st(x, names);
  std::vector<std::vector<index_t>> miss_rows(static_cast<std::size_t>(p)), obs_rows(static_cast<std::size_t>(p));
  double max_abs = 0;
  for (index_t j = 0; j < p; ++j)
    for (index_t i = 0; i < n; ++i) {
      if (std::isnan(x(i, j))) {
        miss_rows[static_cast<std::size_t>(j)].push_back(i);
      } else {
        obs_rows[static_cast<std::size_t>(j)].push_back(i);
        max_abs = std::max(max_abs, std::abs(x(i, j)));
      }
    }
  std::vector<index_t> order;
  for (index_t j = 0; j < p; ++j)
    if (!miss_rows[static_cast<std::size_t>(j)].empty()) order.push_back(j);
  std::stable_sort(order.begin(), order.end(), [&](index_t a, index_t b) {
    return miss_rows[static_cast<std::size_t>(a)].size() < miss_rows[static_cast<std::size_t>(b)].size();
  });
  matrix xt = x;
  for (index_t j = 0; j < p; ++j)
    for (auto i : miss_rows[static_cast<std::size_t>(j)]) xt(i, j) = st.mean[j];
  matrix prev = xt;
  const double tol = prm.tolerance * max_abs;
  rep.converged = false;
  matrix a;
  vector y, mean_a;
  for (int it = 0; it < prm.max_iterations; ++it) {
    for (auto j : order) {
      const auto& ro = obs_rows[static_cast<std::size_t>(j)];
      const auto no = static_cast<index_t>(ro.size());
      a.resize(no, p - 1);
      y.resize(no);
      for (index_t r = 0; r < no; ++r) {
        const index_t i = ro[static_cast<std::size_t>(r)];
        for (index_t c = 0, cc = 0; c < p; ++c)
          if (c != j) a(r, cc++) = xt(i, c);
        y[r] = xt(i, j);
      }
      mean_a = a.colwise().mean().transpose();
      const double ybar = y.mean();
      a.rowwise() -= mean_a.transpose();
      y.array() -= ybar;
      vector beta;
      if (p == 1) {
        beta.resize(0);
      } else if (prm.ridge > 0) {
        matrix g = a.transpose() * a;
        g.diagonal().array() += prm.ridge;
        beta = g.ldlt().solve(a.transpose() * y);
      } else {
        beta = a.completeOrthogonalDecomposition().solve(y);  // the minimum-norm least-squares solution
      }
      const double b0 = ybar - mean_a.dot(beta);
      for (auto i : miss_rows[static_cast<std::size_t>(j)]) {
        double v = b0;
        for (index_t c = 0, cc = 0; c < p; ++c)
          if (c != j) v += beta[cc++] * xt(i, c);
        if (prm.clamp) v = std::min(std::max(v, st.lo[j]), st.hi[j]);
        xt(i, j) = v;
      }
    }
    ++rep.iterations;
    const double change = (xt - prev).cwiseAbs().rowwise().sum().maxCoeff();
    if (change < tol) {
      rep.converged = true;
      break;
    }
    prev = xt;
  }
  for (auto j : order)
    for (auto i : miss_rows[static_cast<std::size_t>(j)]) {
      x(i, j) = xt(i, j);
      rep.cells.emplace_back(i, j);
    }
  std::sort(rep.cells.begin(), rep.cells.end());
  return rep;
}

}  // namespace imp
}  // namespace detail

COMPINDEX_INLINE imputation_block_report impute_block(const imputation::method& m, Eigen::Ref<matrix> x,
                                                      const std::vector<std::string>& names, const std::string& block,
                                                      const std::vector<int>& group_ids) {
  if (!imputation::is_multivariate(m))
    detail::throw_spec("impute_block: imputation '" + imputation::name(m) + "' imputes one indicator at a time");
  if (static_cast<std::size_t>(x.cols()) != names.size())
    detail::throw_spec("impute_block: " + std::to_string(x.cols()) + " columns but " + std::to_string(names.size()) + " names");
  imputation_block_report rep;
  bool any = false;
  for (index_t j = 0; j < x.cols() && !any; ++j)
    for (index_t i = 0; i < x.rows() && !any; ++i) any = std::isnan(x(i, j));
  if (!any) {
    (void)detail::imp::column_stats(x, names);  // still: an empty column is an error
  } else if (auto* e = std::get_if<imputation::em>(&m)) {
    rep = detail::imp::em_block({e->tolerance, e->max_iterations, e->clamp, e->ridge}, x, names, block, nullptr);
  } else if (auto* d = std::get_if<imputation::em_draw>(&m)) {
    philox rng(d->seed, d->stream);
    rep = detail::imp::em_block({d->tolerance, d->max_iterations, d->clamp, d->ridge}, x, names, block, &rng);
  } else if (auto* k = std::get_if<imputation::knn>(&m)) {
    if (!k->group.empty() && group_ids.size() != static_cast<std::size_t>(x.rows()))
      detail::throw_spec("knn imputation with group '" + k->group + "' needs one group per unit");
    rep = detail::imp::knn_block(*k, x, names, group_ids);
  } else {
    rep = detail::imp::chained_block(std::get<imputation::chained>(m), x, names);
  }
  rep.method = imputation::describe(m);
  rep.block = block;
  rep.indicators = names;
  return rep;
}

namespace imputation {

COMPINDEX_INLINE std::vector<std::size_t> blocks_of(const framework& fw, const std::string& scope) {
  const auto& ind = fw.indicators();
  std::vector<std::size_t> out(ind.size(), framework::npos);
  if (scope == "all") return out;
  if (scope == "pillar" || scope == "parent") {
    for (std::size_t j = 0; j < ind.size(); ++j) out[j] = fw.parent(ind[j]);
    return out;
  }
  int level = 0;
  try {
    std::size_t used = 0;
    level = std::stoi(scope, &used);
    if (used != scope.size()) level = 0;
  } catch (const std::exception&) {
    level = 0;
  }
  if (level < 1 || level > fw.max_level())
    detail::throw_spec("imputation scope '" + scope + "': expected 'pillar' (the indicators of each parent), 'all', or a level from 1 to " +
                       std::to_string(fw.max_level()));
  for (std::size_t j = 0; j < ind.size(); ++j) {
    std::size_t a = fw.parent(ind[j]);
    while (a != framework::npos && fw.level(a) < level) a = fw.parent(a);
    out[j] = a;
  }
  return out;
}

COMPINDEX_INLINE void validate(const method& m, const framework& fw, const std::string& where) {
  if (!is_multivariate(m)) return;
  const std::string what = where + ": imputation '" + name(m) + "'";
  auto iterative = [&](double tol, int max_it, double ridge) {
    if (!(tol > 0) || !std::isfinite(tol)) detail::throw_spec(what + ": the tolerance must be a positive number, got " + detail::fmt_double(tol));
    if (max_it < 1) detail::throw_spec(what + ": max_iterations must be at least 1, got " + std::to_string(max_it));
    if (!(ridge >= 0) || !std::isfinite(ridge)) detail::throw_spec(what + ": ridge must be a finite number >= 0, got " + detail::fmt_double(ridge));
  };
  if (auto* e = std::get_if<em>(&m)) iterative(e->tolerance, e->max_iterations, e->ridge);
  if (auto* e = std::get_if<em_draw>(&m)) iterative(e->tolerance, e->max_iterations, e->ridge);
  if (auto* c = std::get_if<chained>(&m)) iterative(c->tolerance, c->max_iterations, c->ridge);
  if (auto* k = std::get_if<knn>(&m)) {
    if (k->k < 1) detail::throw_spec(what + ": k must be at least 1, got " + std::to_string(k->k));
    if (k->weights != "uniform" && k->weights != "distance")
      detail::throw_spec(what + ": weights must be 'uniform' or 'distance', got '" + k->weights + "'");
  }
  (void)blocks_of(fw, scope_of(m));
}

}  // namespace imputation
}  // namespace compindex
