#pragma once
// Out-of-line definitions of weighting.hpp.

#include "../weighting.hpp"
#include "../detail/format.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <variant>

namespace compindex {
namespace weighting {

COMPINDEX_INLINE std::string name(const method& m) {
  return std::visit([](const auto& x) { return std::string(std::decay_t<decltype(x)>::name); }, m);
}

COMPINDEX_INLINE std::string name(pca_rule r) {
  switch (r) {
    case pca_rule::loadings: return "loadings";
    case pca_rule::absolute: return "absolute";
    case pca_rule::squared: return "squared";
  }
  return "loadings";
}

COMPINDEX_INLINE pca_rule pca_rule_from_name(const std::string& n) {
  if (n == "loadings") return pca_rule::loadings;
  if (n == "absolute") return pca_rule::absolute;
  if (n == "squared") return pca_rule::squared;
  compindex::detail::throw_spec("pca: unknown rule '" + n + "' (loadings, absolute, squared)");
}

namespace detail {

inline std::string unit_name(const codes& units, index_t row) {
  if (static_cast<std::size_t>(row) < units.size()) return "unit '" + units[static_cast<std::size_t>(row)] + "'";
  return "row " + std::to_string(row + 1);
}

// What every method needs about one node.
struct node_block {
  std::string method;
  std::string node;
  const codes* units;
  codes children;
  std::vector<const double*> columns;  // one per child, n values each
  index_t n = 0;

  std::string where(std::size_t child) const {
    return name_node() + ", child '" + children[child] + "'";
  }
  std::string name_node() const { return method + ": node '" + node + "'"; }
};

// The units where every child has a value.
inline std::vector<index_t> complete_units(const node_block& b) {
  std::vector<unsigned char> ok(static_cast<std::size_t>(b.n), 1);
  for (const double* x : b.columns)
    for (index_t i = 0; i < b.n; ++i) ok[static_cast<std::size_t>(i)] &= static_cast<unsigned char>(!std::isnan(x[i]));
  std::vector<index_t> rows;
  rows.reserve(static_cast<std::size_t>(b.n));
  for (index_t i = 0; i < b.n; ++i)
    if (ok[static_cast<std::size_t>(i)]) rows.push_back(i);
  return rows;
}

// Standardized complete block and its correlation matrix, with each child's min and max.
struct standardized {
  std::vector<index_t> rows;
  vector mean, sd, min, max;  // per child, over the complete units
  matrix corr;                // q x q Pearson correlations
};

// Count, sum, min and max of the non-missing values of a column (one branch-free pass).
struct column_summary {
  index_t count = 0;
  double sum = 0.0, min = 0.0, max = 0.0;
};

inline column_summary summarize(const double* x, index_t n) {
  // Eigen's vectorized reductions (min/max skip NaN with PropagateNumbers).
  const auto xa = Eigen::Map<const vector>(x, n).array();
  column_summary c;
  // Fast path: a finite sum means no NaN and no infinity (both would propagate).
  const double total = xa.sum();
  if (std::isfinite(total)) {
    c.count = n;
    c.sum = total;
    c.min = n ? xa.minCoeff() : 0.0;
    c.max = n ? xa.maxCoeff() : 0.0;
    return c;
  }
  c.count = (xa == xa).count();
  if (c.count == 0) return c;
  c.sum = (xa == xa).select(xa, 0.0).sum();
  c.min = xa.minCoeff<Eigen::PropagateNumbers>();
  c.max = xa.maxCoeff<Eigen::PropagateNumbers>();
  return c;
}

// An infinite value is an error wherever it is (NaN is missing): named by its unit.
inline void check_finite(const node_block& b, std::size_t j, const column_summary& c) {
  if (c.count == 0 || (std::isfinite(c.min) && std::isfinite(c.max))) return;
  const double* x = b.columns[j];
  for (index_t i = 0; i < b.n; ++i)
    if (std::isinf(x[i])) compindex::detail::throw_data(b.where(j) + ", " + unit_name(*b.units, i) + ": the value is infinite");
}

inline column_summary summarize(const node_block& b, std::size_t j) {
  const column_summary c = summarize(b.columns[j], b.n);
  check_finite(b, j, c);
  return c;
}

// Per node, a workspace reused from node to node (no fresh pages per node at scale).
struct workspace {
  matrix centered;
};

inline standardized standardize(const node_block& b, node_diagnostics& d, workspace& ws) {
  standardized s;
  const index_t q = static_cast<index_t>(b.columns.size());
  std::vector<column_summary> sum(static_cast<std::size_t>(q));
  bool complete = true;
  for (index_t j = 0; j < q; ++j) {
    sum[static_cast<std::size_t>(j)] = summarize(b, static_cast<std::size_t>(j));
    complete = complete && sum[static_cast<std::size_t>(j)].count == b.n;
  }
  if (!complete) s.rows = complete_units(b);
  const index_t n = complete ? b.n : static_cast<index_t>(s.rows.size());
  d.n_units = n;
  d.n_dropped = b.n - n;
  if (n < 3)
    compindex::detail::throw_data(b.name_node() + ": needs at least 3 units where every child has a value, got " +
                                  std::to_string(n) + " (of " + std::to_string(b.n) + ")");
  s.mean.resize(q);
  s.sd.resize(q);
  s.min.resize(q);
  s.max.resize(q);
  if (ws.centered.rows() != n || ws.centered.cols() < q) ws.centered.resize(n, std::max<index_t>(q, ws.centered.cols()));
  auto z = ws.centered.leftCols(q);
  for (index_t j = 0; j < q; ++j) {
    const double* x = b.columns[static_cast<std::size_t>(j)];
    double* zj = z.col(j).data();
    if (complete) {
      const auto& c = sum[static_cast<std::size_t>(j)];
      s.min[j] = c.min;
      s.max[j] = c.max;
      s.mean[j] = c.sum / static_cast<double>(n);
      const double m = s.mean[j];
      for (index_t k = 0; k < n; ++k) zj[k] = x[k] - m;
    } else {
      double total = 0.0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (index_t k = 0; k < n; ++k) {
        const double v = x[s.rows[static_cast<std::size_t>(k)]];
        zj[k] = v;
        total += v;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      s.min[j] = lo;
      s.max[j] = hi;
      s.mean[j] = total / static_cast<double>(n);
      z.col(j).array() -= s.mean[j];
    }
    if (!(s.max[j] > s.min[j]))
      compindex::detail::throw_data(b.where(static_cast<std::size_t>(j)) + ": constant on the " + std::to_string(n) +
                                    " units where every child has a value (every value " +
                                    compindex::detail::fmt_double(s.min[j]) + "), so its correlations are undefined");
  }
  // Cross-products of the centered children, one symmetric rank-n update (half the products of a
  // full Z'Z); then sd_j = sqrt(C_jj / (n - 1)) and r_jk = C_jk / sqrt(C_jj C_kk).
  matrix c = matrix::Zero(q, q);
  c.selfadjointView<Eigen::Lower>().rankUpdate(z.transpose());
  for (index_t j = 0; j < q; ++j) {
    s.sd[j] = std::sqrt(c(j, j) / static_cast<double>(n - 1));
    if (!(c(j, j) > 0.0))
      compindex::detail::throw_data(b.where(static_cast<std::size_t>(j)) + ": constant on the " + std::to_string(n) +
                                    " units where every child has a value, so its correlations are undefined");
  }
  s.corr.resize(q, q);
  for (index_t k = 0; k < q; ++k)
    for (index_t j = k; j < q; ++j) {
      const double r = j == k ? 1.0 : c(j, k) / std::sqrt(c(j, j) * c(k, k));
      s.corr(j, k) = s.corr(k, j) = r;
    }
  return s;
}

// Eigenvalues (descending) and eigenvectors (matching columns) of a correlation matrix.
inline void eigen_descending(const node_block& b, const matrix& corr, vector& values, matrix& vectors) {
  Eigen::SelfAdjointEigenSolver<matrix> solver(corr);
  if (solver.info() != Eigen::Success)
    compindex::detail::throw_computation(b.name_node() + ": the eigen-decomposition of the correlation matrix did not converge");
  const index_t q = corr.rows();
  values.resize(q);
  vectors.resize(q, q);
  for (index_t k = 0; k < q; ++k) {
    const double ev = solver.eigenvalues()[q - 1 - k];
    values[k] = ev < 0.0 ? 0.0 : ev;  // round-off below zero
    vectors.col(k) = solver.eigenvectors().col(q - 1 - k);
  }
}

// Signs a component so that its entries sum to a positive number (if the sum is zero, the first
// non-zero entry is positive).
inline void sign_positive(Eigen::Ref<vector> v) {
  double s = v.sum();
  if (s == 0.0)
    for (index_t j = 0; j < v.size() && s == 0.0; ++j) s = v[j];
  if (s < 0.0) v = -v;
}

inline void finish(node_diagnostics& d, vector w) {
  d.weights = w / w.sum();
}

inline void run(const equal&, const node_block& b, node_diagnostics& d, workspace&) {
  const index_t q = static_cast<index_t>(b.columns.size());
  d.n_units = b.n;
  d.weights = vector::Constant(q, 1.0 / static_cast<double>(q));
}

inline void run(const pca& m, const node_block& b, node_diagnostics& d, workspace& ws) {
  const standardized s = standardize(b, d, ws);
  const index_t q = s.corr.rows();
  matrix vectors;
  eigen_descending(b, s.corr, d.eigenvalues, vectors);
  vector l = vectors.col(0);
  sign_positive(l);
  // Round-off: a loading within 1e-12 of zero (relative to the largest) is zero.
  const double scale = l.cwiseAbs().maxCoeff();
  for (index_t j = 0; j < q; ++j)
    if (std::abs(l[j]) <= 1e-12 * scale) l[j] = 0.0;
  d.loadings = l;
  d.per_child.emplace_back("loading", l);
  d.scalars.emplace_back("explained_variance", d.eigenvalues[0] / static_cast<double>(q));
  if (q > 1 && d.eigenvalues[0] - d.eigenvalues[1] <= 1e-10 * d.eigenvalues[0])
    d.warnings.push_back(b.name_node() + ": the first two eigenvalues are equal (" +
                         compindex::detail::fmt_double(d.eigenvalues[0]) +
                         "), so the first component, and the weights, are not unique");
  vector w(q);
  for (index_t j = 0; j < q; ++j) {
    if (l[j] < 0.0) {
      if (m.rule == pca_rule::loadings)
        compindex::detail::throw_data(
            b.where(static_cast<std::size_t>(j)) + ": negative loading " + compindex::detail::fmt_double(l[j]) +
            " on the first principal component (signed so the loadings sum positive); a weight cannot be negative: "
            "use pca(rule=absolute) or pca(rule=squared), or reconsider the child");
      d.warnings.push_back(b.where(static_cast<std::size_t>(j)) + ": negative loading " +
                           compindex::detail::fmt_double(l[j]) + " on the first principal component; weighted by its " +
                           (m.rule == pca_rule::absolute ? "absolute value" : "square"));
    }
    w[j] = m.rule == pca_rule::loadings ? l[j] : m.rule == pca_rule::absolute ? std::abs(l[j]) : l[j] * l[j];
  }
  if (!(w.sum() > 0.0))
    compindex::detail::throw_data(b.name_node() + ": the first component's loadings give no positive weight");
  finish(d, w);
}

inline void run(const factor_analysis& m, const node_block& b, node_diagnostics& d, workspace& ws) {
  if (!(m.min_cumulative >= 0.0 && m.min_cumulative <= 1.0))
    compindex::detail::throw_spec("factor_analysis: min_cumulative must be in [0, 1], got " +
                                  compindex::detail::fmt_double(m.min_cumulative));
  if (!std::isfinite(m.min_eigenvalue))
    compindex::detail::throw_spec("factor_analysis: min_eigenvalue must be a finite number");
  const standardized s = standardize(b, d, ws);
  const index_t q = s.corr.rows();
  matrix vectors;
  eigen_descending(b, s.corr, d.eigenvalues, vectors);
  index_t k = 0;
  while (k < q && d.eigenvalues[k] > m.min_eigenvalue) ++k;
  if (k == 0) {
    k = 1;
    d.warnings.push_back(b.name_node() + ": no eigenvalue exceeds " + compindex::detail::fmt_double(m.min_eigenvalue) +
                         "; the first component is kept");
  }
  const double total = static_cast<double>(q);
  double cumulative = d.eigenvalues.head(k).sum() / total;
  const index_t by_eigenvalue = k;
  while (k < q && cumulative < m.min_cumulative) {
    cumulative += d.eigenvalues[k] / total;
    ++k;
  }
  if (k > by_eigenvalue)
    d.warnings.push_back(b.name_node() + ": the " + std::to_string(by_eigenvalue) + " component(s) with eigenvalue > " +
                         compindex::detail::fmt_double(m.min_eigenvalue) + " explain less than " +
                         compindex::detail::fmt_double(100.0 * m.min_cumulative) + "% of the variance; " +
                         std::to_string(k - by_eigenvalue) + " more kept to reach it");
  matrix l(q, k);
  for (index_t c = 0; c < k; ++c) {
    l.col(c) = vectors.col(c) * std::sqrt(d.eigenvalues[c]);
    sign_positive(l.col(c));
  }
  if (k > 1) {
    l = varimax(l);
    for (index_t c = 0; c < k; ++c) sign_positive(l.col(c));
  }
  const matrix sq = l.array().square().matrix();
  const vector variance = sq.colwise().sum().transpose();  // each factor's explained variance
  vector factor(q), scaled_loading(q), w(q);
  for (index_t j = 0; j < q; ++j) {
    index_t best = 0;
    double best_v = -1.0;
    for (index_t c = 0; c < k; ++c) {
      const double v = variance[c] > 0.0 ? sq(j, c) / variance[c] : 0.0;
      if (v > best_v) {  // strict: a tie goes to the first factor
        best_v = v;
        best = c;
      }
    }
    factor[j] = static_cast<double>(best + 1);
    scaled_loading[j] = best_v;
    w[j] = variance[best] / variance.sum() * best_v;
  }
  d.loadings = l;
  d.scalars.emplace_back("n_factors", static_cast<double>(k));
  d.scalars.emplace_back("cumulative_variance", cumulative);
  for (index_t c = 0; c < k; ++c)
    d.scalars.emplace_back("factor_" + std::to_string(c + 1) + "_variance", variance[c] / total);
  d.per_child.emplace_back("factor", factor);
  d.per_child.emplace_back("scaled_squared_loading", scaled_loading);
  for (index_t c = 0; c < k; ++c)
    if (!((factor.array() == static_cast<double>(c + 1)).any()))
      d.warnings.push_back(b.name_node() + ": no child is assigned to factor " + std::to_string(c + 1) +
                           ", so its variance share enters no weight");
  if (!(w.sum() > 0.0)) compindex::detail::throw_data(b.name_node() + ": the factor loadings give no positive weight");
  finish(d, w);
}

inline void run(const entropy&, const node_block& b, node_diagnostics& d, workspace&) {
  const index_t q = static_cast<index_t>(b.columns.size());
  vector e(q), div(q), used(q);
  bool complete = true;
  for (index_t j = 0; j < q; ++j) {
    const double* x = b.columns[static_cast<std::size_t>(j)];
    const column_summary c = summarize(b, static_cast<std::size_t>(j));
    if (c.count > 0 && c.min < 0.0)
      for (index_t i = 0; i < b.n; ++i)
        if (x[i] < 0.0)
          compindex::detail::throw_data(b.where(static_cast<std::size_t>(j)) + ", " + unit_name(*b.units, i) +
                                        ": negative value " + compindex::detail::fmt_double(x[i]) +
                                        " (entropy needs non-negative values: normalize onto a range that starts at 0)");
    if (c.count < 3)
      compindex::detail::throw_data(b.where(static_cast<std::size_t>(j)) + ": needs at least 3 units with a value, got " +
                                    std::to_string(c.count));
    if (!(c.max > c.min))
      compindex::detail::throw_data(b.where(static_cast<std::size_t>(j)) + ": constant on its " + std::to_string(c.count) +
                                    " units (every value " + compindex::detail::fmt_double(c.min) +
                                    "), so its entropy is maximal and its weight would be 0");
    // -sum p ln p with p = x / S: ln S - (sum x ln x) / S, over x > 0 (0 ln 0 = 0; NaN is left
    // out by the comparison). One vectorized pass.
    const auto xa = Eigen::Map<const vector>(x, b.n).array();
    // Without missing values, x ln max(x, DBL_MIN) is 0 at x = 0 and vectorizes fully.
    const double xlogx = c.count == b.n ? (xa * xa.max(std::numeric_limits<double>::min()).log()).sum()
                                        : (xa > 0.0).select(xa * xa.log(), 0.0).sum();
    const double h = std::log(c.sum) - xlogx / c.sum;
    e[j] = h / std::log(static_cast<double>(c.count));
    div[j] = 1.0 - e[j];
    used[j] = static_cast<double>(c.count);
    complete = complete && c.count == b.n;
  }
  // For the record: the units with every child (each child used its own available units).
  d.n_units = complete ? b.n : static_cast<index_t>(complete_units(b).size());
  d.n_dropped = b.n - d.n_units;
  d.per_child.emplace_back("entropy", e);
  d.per_child.emplace_back("divergence", div);
  d.per_child.emplace_back("n_units", used);
  if (!(div.sum() > 0.0)) compindex::detail::throw_data(b.name_node() + ": every child has entropy 1 (no divergence)");
  finish(d, div);
}

inline void run(const critic&, const node_block& b, node_diagnostics& d, workspace& ws) {
  const standardized s = standardize(b, d, ws);
  const index_t q = s.corr.rows();
  // sd of the min-max normalized child: sd(x) / (max - min).
  const vector sd = s.sd.array() / (s.max - s.min).array();
  vector conflict(q), c(q);
  for (index_t j = 0; j < q; ++j) {
    conflict[j] = (1.0 - s.corr.col(j).array()).sum();
    c[j] = sd[j] * conflict[j];
  }
  d.per_child.emplace_back("sd", sd);
  d.per_child.emplace_back("conflict", conflict);
  d.per_child.emplace_back("information", c);
  if (!(c.sum() > 0.0))
    compindex::detail::throw_data(b.name_node() + ": the children are perfectly correlated (no conflict), so CRITIC gives no weight");
  finish(d, c);
}

}  // namespace detail

COMPINDEX_INLINE matrix varimax(matrix_cref loadings, double tolerance, int max_iterations, matrix* rotation) {
  const index_t p = loadings.rows(), k = loadings.cols();
  if (k < 2) {
    if (rotation) *rotation = matrix::Identity(k, k);
    return loadings;
  }
  vector h = loadings.rowwise().norm();
  matrix z0 = loadings;
  for (index_t i = 0; i < p; ++i)
    if (h[i] > 0.0) z0.row(i) /= h[i];
  matrix t = matrix::Identity(k, k);
  double d = 0.0;
  bool converged = false;
  for (int it = 0; it < max_iterations; ++it) {
    const matrix z = z0 * t;
    const vector colsq = z.array().square().colwise().sum().transpose();
    const matrix target = z.array().cube().matrix() - z * colsq.asDiagonal() / static_cast<double>(p);
    const matrix bm = z0.transpose() * target;
    Eigen::JacobiSVD<matrix> svd(bm, Eigen::ComputeFullU | Eigen::ComputeFullV);
    t = svd.matrixU() * svd.matrixV().transpose();
    const double previous = d;
    d = svd.singularValues().sum();
    if (it > 0 && d <= previous * (1.0 + tolerance)) {
      converged = true;
      break;
    }
  }
  if (!converged)
    compindex::detail::throw_computation("varimax: no convergence in " + std::to_string(max_iterations) + " iterations");
  matrix out = z0 * t;
  for (index_t i = 0; i < p; ++i) out.row(i) *= h[i];
  if (rotation) *rotation = t;
  return out;
}

COMPINDEX_INLINE weighting_result derive_weights(const framework& fw, matrix_cref node_values, const method& m,
                                                 const codes& nodes, const codes& units, const vector& base) {
  const std::string method_name = name(m);
  if (node_values.cols() != static_cast<index_t>(fw.size()))
    compindex::detail::throw_spec(method_name + ": expected one column per node (" + std::to_string(fw.size()) + "), got " +
                                  std::to_string(node_values.cols()));
  if (!units.empty() && static_cast<index_t>(units.size()) != node_values.rows())
    compindex::detail::throw_spec(method_name + ": " + std::to_string(units.size()) + " unit codes for " +
                                  std::to_string(node_values.rows()) + " rows");
  weighting_result out;
  out.method = method_name;
  if (base.size() == 0) {
    out.weights = fw.nominal_weights();
  } else {
    if (base.size() != static_cast<index_t>(fw.size()))
      compindex::detail::throw_spec(method_name + ": expected one base weight per node (" + std::to_string(fw.size()) +
                                    "), got " + std::to_string(base.size()));
    fw.validate_weights(base);
    out.weights = base;
  }
  if (nodes.empty()) {
    out.nodes = fw.aggregates();
  } else {
    for (const auto& code : nodes) {
      const std::size_t i = fw.index_of(code);
      if (fw.is_indicator(i))
        compindex::detail::throw_spec(method_name + ": '" + code + "' is an indicator; weights are derived for the children of aggregates");
      if (std::find(out.nodes.begin(), out.nodes.end(), i) != out.nodes.end())
        compindex::detail::throw_spec(method_name + ": node '" + code + "' is listed twice");
      out.nodes.push_back(i);
    }
  }
  const index_t n = node_values.rows();
  detail::workspace ws;
  for (const std::size_t i : out.nodes) {
    detail::node_block b;
    b.method = method_name;
    b.node = fw.at(i).code;
    b.units = &units;
    b.n = n;
    for (const std::size_t c : fw.children(i)) {
      b.children.push_back(fw.at(c).code);
      b.columns.push_back(node_values.col(static_cast<index_t>(c)).data());
    }
    node_diagnostics d;
    d.node = b.node;
    d.method = method_name;
    d.children = b.children;
    if (b.children.size() == 1) {
      d.n_units = n;
      d.weights = vector::Ones(1);
      if (!std::holds_alternative<equal>(m)) d.warnings.push_back(b.name_node() + ": one child, weight 1");
    } else {
      std::visit([&](const auto& x) { detail::run(x, b, d, ws); }, m);
    }
    const auto& ch = fw.children(i);
    for (std::size_t j = 0; j < ch.size(); ++j) out.weights[static_cast<index_t>(ch[j])] = d.weights[static_cast<index_t>(j)];
    out.diagnostics.push_back(std::move(d));
  }
  return out;
}

COMPINDEX_INLINE correlation_objective::correlation_objective(std::string node, codes children, codes units,
                                                              matrix child_values, aggregation::method how,
                                                              double coverage)
    : node_(std::move(node)),
      children_(std::move(children)),
      units_(std::move(units)),
      values_(std::move(child_values)),
      method_(std::move(how)),
      coverage_(coverage) {
  if (static_cast<index_t>(children_.size()) != values_.cols())
    compindex::detail::throw_spec("optimized: node '" + node_ + "': " + std::to_string(children_.size()) +
                                  " child codes for " + std::to_string(values_.cols()) + " columns");
  if (!units_.empty() && static_cast<index_t>(units_.size()) != values_.rows())
    compindex::detail::throw_spec("optimized: node '" + node_ + "': " + std::to_string(units_.size()) +
                                  " unit codes for " + std::to_string(values_.rows()) + " rows");
  if (values_.rows() < 3)
    compindex::detail::throw_data("optimized: node '" + node_ + "': needs at least 3 units, got " +
                                  std::to_string(values_.rows()));
  if (units_.empty())
    for (index_t i = 0; i < values_.rows(); ++i) units_.push_back("row " + std::to_string(i + 1));
}

COMPINDEX_INLINE vector correlation_objective::scores(const vector& weights) const {
  const index_t q = values_.cols(), n = values_.rows();
  if (weights.size() != q)
    compindex::detail::throw_spec("optimized: node '" + node_ + "': expected " + std::to_string(q) + " weights, got " +
                                  std::to_string(weights.size()));
  for (index_t j = 0; j < q; ++j)
    if (!(weights[j] >= 0.0) || std::isinf(weights[j]))
      compindex::detail::throw_spec("optimized: node '" + node_ + "', child '" + children_[static_cast<std::size_t>(j)] +
                                    "': weight must be a finite non-negative number, got " +
                                    compindex::detail::fmt_double(weights[j]));
  children_view view;
  for (index_t j = 0; j < q; ++j) view.columns.push_back(values_.col(j).data());
  view.weights.assign(weights.data(), weights.data() + q);
  vector out(n);
  aggregate_node(method_, view, n, coverage_, out.data(), node_, units_, children_);
  return out;
}

COMPINDEX_INLINE vector correlation_objective::correlations(const vector& weights) const {
  const vector y = scores(weights);
  const index_t q = values_.cols(), n = values_.rows();
  vector r(q);
  for (index_t j = 0; j < q; ++j) {
    const double* x = values_.col(j).data();
    double sx = 0.0, sy = 0.0;
    index_t m = 0;
    for (index_t i = 0; i < n; ++i)
      if (!std::isnan(x[i]) && !std::isnan(y[i])) {
        sx += x[i];
        sy += y[i];
        ++m;
      }
    if (m < 2) {
      r[j] = nan;
      continue;
    }
    const double mx = sx / static_cast<double>(m), my = sy / static_cast<double>(m);
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (index_t i = 0; i < n; ++i)
      if (!std::isnan(x[i]) && !std::isnan(y[i])) {
        const double a = x[i] - mx, c = y[i] - my;
        sxx += a * a;
        syy += c * c;
        sxy += a * c;
      }
    r[j] = sxx > 0.0 && syy > 0.0 ? sxy / std::sqrt(sxx * syy) : nan;
  }
  return r;
}

}  // namespace weighting
}  // namespace compindex
