#pragma once
// Out-of-line definitions of analysis.hpp.

#include "../analysis.hpp"
#include "../ranking.hpp"
#include "../statistics.hpp"

#include <Eigen/Eigenvalues>

#include <cmath>
#include <map>
#include <memory>
#include <string>

namespace compindex::analysis {

namespace detail {

inline std::string column_name(const codes& names, index_t j) {
  return static_cast<std::size_t>(j) < names.size() ? "'" + names[static_cast<std::size_t>(j)] + "'"
                                                    : "column " + std::to_string(j + 1);
}

inline void check_rows(const std::vector<index_t>& rows, index_t n, const codes& units, const char* what) {
  for (auto r : rows)
    if (r < 0 || r >= n)
      compindex::detail::throw_spec(std::string(what) + ": row " + std::to_string(r) + " is out of range (" +
                                    std::to_string(n) + " rows)");
  if (!units.empty() && units.size() != rows.size())
    compindex::detail::throw_spec(std::string(what) + ": " + std::to_string(units.size()) + " unit codes for " +
                                  std::to_string(rows.size()) + " rows");
}

inline matrix take_rows(matrix_cref m, const std::vector<index_t>& rows) {
  matrix out(static_cast<index_t>(rows.size()), m.cols());
  for (std::size_t k = 0; k < rows.size(); ++k) out.row(static_cast<index_t>(k)) = m.row(rows[k]);
  return out;
}

inline codes group_labels_per_unit(const dataset& d, const std::string& name) {
  const auto& ids = d.group_ids(name);
  const auto& labels = d.group_labels(name);
  codes out(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] >= 0) out[i] = labels[static_cast<std::size_t>(ids[i])];
  return out;
}

}  // namespace detail

COMPINDEX_INLINE std::vector<index_t> complete_rows(matrix_cref x) {
  std::vector<index_t> rows;
  for (index_t i = 0; i < x.rows(); ++i) {
    bool ok = true;
    for (index_t j = 0; j < x.cols() && ok; ++j) ok = !std::isnan(x(i, j));
    if (ok) rows.push_back(i);
  }
  return rows;
}

COMPINDEX_INLINE alpha_result cronbach_alpha(matrix_cref x) {
  alpha_result out;
  const auto rows = complete_rows(x);
  out.n_complete = static_cast<index_t>(rows.size());
  const index_t q = x.cols();
  const index_t n = out.n_complete;
  if (q < 2 || n < 2) return out;
  // Sample variance (n - 1) of each column and of the row totals, on the complete rows.
  auto variance = [&](const vector& v) {
    const double m = v.mean();
    return (v.array() - m).square().sum() / static_cast<double>(n - 1);
  };
  vector total = vector::Zero(n);
  double sum_var = 0.0;
  for (index_t j = 0; j < q; ++j) {
    vector c(n);
    for (index_t k = 0; k < n; ++k) c[k] = x(rows[static_cast<std::size_t>(k)], j);
    sum_var += variance(c);
    total += c;
  }
  const double var_total = variance(total);
  if (!(var_total > 0.0)) return out;
  const double dq = static_cast<double>(q);
  out.alpha = dq / (dq - 1.0) * (1.0 - sum_var / var_total);
  return out;
}

COMPINDEX_INLINE matrix correlation_matrix(matrix_cref x, correlation method) {
  const index_t q = x.cols();
  matrix r(q, q);
  for (index_t a = 0; a < q; ++a)
    for (index_t b = a; b < q; ++b) {
      const double v = method == correlation::spearman ? statistics::spearman(x.col(a), x.col(b))
                                                       : statistics::pearson(x.col(a), x.col(b));
      r(a, b) = r(b, a) = v;
    }
  return r;
}

COMPINDEX_INLINE pca_result pca(matrix_cref x, const codes& names) {
  const index_t q = x.cols();
  if (q < 2) compindex::detail::throw_data("pca: needs at least 2 columns, got " + std::to_string(q));
  const auto rows = complete_rows(x);
  const index_t n = static_cast<index_t>(rows.size());
  if (n < 3)
    compindex::detail::throw_data("pca: needs at least 3 rows without a missing value, got " + std::to_string(n));
  // Standardize each column on the complete rows; R = Z'Z / (n - 1).
  matrix z(n, q);
  for (index_t j = 0; j < q; ++j) {
    for (index_t k = 0; k < n; ++k) z(k, j) = x(rows[static_cast<std::size_t>(k)], j);
    const double m = z.col(j).mean();
    z.col(j).array() -= m;
    const double sd = std::sqrt(z.col(j).squaredNorm() / static_cast<double>(n - 1));
    if (!(sd > 0.0))
      compindex::detail::throw_data("pca: " + detail::column_name(names, j) +
                                    " is constant on the complete rows, so its correlations are undefined");
    z.col(j) /= sd;
  }
  const matrix corr = (z.transpose() * z) / static_cast<double>(n - 1);
  Eigen::SelfAdjointEigenSolver<matrix> solver(corr);
  if (solver.info() != Eigen::Success) compindex::detail::throw_computation("pca: the eigen-decomposition did not converge");
  pca_result out;
  out.n_complete = n;
  out.eigenvalues.resize(q);
  out.explained.resize(q);
  for (index_t k = 0; k < q; ++k) {
    const double ev = solver.eigenvalues()[q - 1 - k];  // ascending -> descending
    out.eigenvalues[k] = ev < 0.0 ? 0.0 : ev;           // round-off below zero
    out.explained[k] = out.eigenvalues[k] / static_cast<double>(q);
  }
  out.loadings = solver.eigenvectors().col(q - 1);
  // Sign convention: the loadings sum to a positive number (if the sum is zero, the first
  // non-zero loading is positive).
  double s = out.loadings.sum();
  if (s == 0.0)
    for (index_t j = 0; j < q && s == 0.0; ++j) s = out.loadings[j];
  if (s < 0.0) out.loadings = -out.loadings;
  return out;
}

COMPINDEX_INLINE dataset with_values(const dataset& d, matrix values) {
  if (values.rows() != d.n_units() || values.cols() != d.values().cols())
    compindex::detail::throw_spec("with_values: expected " + std::to_string(d.n_units()) + " x " +
                                  std::to_string(d.values().cols()) + " values, got " + std::to_string(values.rows()) +
                                  " x " + std::to_string(values.cols()));
  dataset out(d.units(), std::move(values));
  if (!d.denominator_codes().empty()) out.set_denominators(d.denominator_codes(), d.denominators());
  for (auto& g : d.group_names()) out.add_group(g, detail::group_labels_per_unit(d, g));
  return out;
}

COMPINDEX_INLINE dataset subset(const dataset& d, const std::vector<index_t>& rows, const codes& units) {
  detail::check_rows(rows, d.n_units(), units, "subset");
  codes u = units;
  if (u.empty())
    for (auto r : rows) u.push_back(d.units()[static_cast<std::size_t>(r)]);
  dataset out(std::move(u), detail::take_rows(d.values(), rows));
  if (!d.denominator_codes().empty()) out.set_denominators(d.denominator_codes(), detail::take_rows(d.denominators(), rows));
  for (auto& g : d.group_names()) {
    const codes all = detail::group_labels_per_unit(d, g);
    codes labels;
    labels.reserve(rows.size());
    for (auto r : rows) labels.push_back(all[static_cast<std::size_t>(r)]);
    out.add_group(g, labels);
  }
  return out;
}

COMPINDEX_INLINE result subset(const result& r, const framework& fw, const std::vector<index_t>& rows, const codes& units) {
  if (!r.normalized || !r.units) compindex::detail::throw_spec("subset: the result is empty");
  if (r.normalized->cols() != static_cast<index_t>(fw.n_indicators()) ||
      r.aggregated.cols() != static_cast<index_t>(fw.n_aggregates()))
    compindex::detail::throw_spec("subset: the result was not computed on this framework");
  const index_t n = static_cast<index_t>(r.units->size());
  detail::check_rows(rows, n, units, "subset");
  result out;
  codes u = units;
  if (u.empty())
    for (auto row : rows) u.push_back((*r.units)[static_cast<std::size_t>(row)]);
  out.units = std::make_shared<const codes>(std::move(u));
  // Stages that shared one data set keep sharing one.
  std::map<const double*, shared_matrix> done;
  auto take = [&](const shared_matrix& m) -> shared_matrix {
    if (!m) return {};
    auto it = done.find(m.get());
    if (it != done.end()) return it->second;
    shared_matrix p(detail::take_rows(*m, rows));
    done.emplace(m.get(), p);
    return p;
  };
  out.raw = take(r.raw);
  out.denominated = take(r.denominated);
  out.imputed = take(r.imputed);
  out.treated = take(r.treated);
  out.normalized = take(r.normalized);
  out.aggregated = detail::take_rows(r.aggregated, rows);
  out.ranks = rank_nodes(fw, *out.normalized, out.aggregated);
  out.weights = r.weights;
  out.effective_weights = r.effective_weights;
  // Old row -> new row (-1: not kept).
  std::vector<index_t> where(static_cast<std::size_t>(n), -1);
  for (std::size_t k = 0; k < rows.size(); ++k) where[static_cast<std::size_t>(rows[k])] = static_cast<index_t>(k);
  auto remap = [&](const std::vector<index_t>& v) {
    std::vector<index_t> o;
    for (auto i : v)
      if (i >= 0 && i < n && where[static_cast<std::size_t>(i)] >= 0) o.push_back(where[static_cast<std::size_t>(i)]);
    return o;
  };
  out.treatment = r.treatment;
  for (auto& t : out.treatment) {
    t.winsorized_high = remap(t.winsorized_high);
    t.winsorized_low = remap(t.winsorized_low);
  }
  for (auto& [i, j] : r.imputed_cells)
    if (i >= 0 && i < n && where[static_cast<std::size_t>(i)] >= 0) out.imputed_cells.emplace_back(where[static_cast<std::size_t>(i)], j);
  out.diagnostics = r.diagnostics;
  return out;
}

}  // namespace compindex::analysis
