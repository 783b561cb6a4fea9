#pragma once
// Out-of-line definitions of expert_weights.hpp.

#include "../expert_weights.hpp"
#include "../detail/format.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <string>
#include <utility>

namespace compindex::weighting {

namespace expert_detail {

using compindex::detail::fmt_double;
using compindex::detail::throw_computation;
using compindex::detail::throw_data;
using compindex::detail::throw_spec;

// "node 'P1', expert 'e1'" (no expert part for the anonymous single expert).
inline std::string where(const std::string& node, const std::string& expert) {
  std::string s = "node '" + node + "'";
  if (!expert.empty()) s += ", expert '" + expert + "'";
  return s;
}

// The aggregate a tidy row names, checked: an existing node that is not an indicator.
inline std::size_t aggregate_of(const framework& fw, const std::string& code, const std::string& what, std::size_t row) {
  const auto i = fw.find(code);
  if (i == framework::npos) throw_spec(what + " row " + std::to_string(row + 1) + ": unknown node '" + code + "'");
  if (fw.is_indicator(i))
    throw_spec(what + " row " + std::to_string(row + 1) + ": node '" + code + "' is an indicator; weights are given to the children of an aggregate");
  return i;
}

// The position of `child` among the children of node i. @throws spec_error if it is not one.
inline std::size_t child_position(const framework& fw, std::size_t i, const std::string& child, const std::string& what,
                                  std::size_t row) {
  const auto& ch = fw.children(i);
  for (std::size_t k = 0; k < ch.size(); ++k)
    if (fw.at(ch[k]).code == child) return k;
  std::string msg = what + " row " + std::to_string(row + 1) + ": '" + child + "' is not a child of node '" + fw.at(i).code + "' (its children: ";
  for (std::size_t k = 0; k < ch.size(); ++k) msg += (k ? ", " : "") + fw.at(ch[k]).code;
  throw_spec(msg + ")");
}

inline codes child_codes(const framework& fw, std::size_t i) {
  codes out;
  for (auto c : fw.children(i)) out.push_back(fw.at(c).code);
  return out;
}

// Checks expert weights (empty: equal) and returns the weight of each expert of the table.
inline double expert_weight(const std::map<std::string, double>& weights, const std::string& expert) {
  if (weights.empty()) return 1.0;
  const auto it = weights.find(expert);
  if (it == weights.end())
    throw_spec("expert '" + expert + "' has no weight (expert weights are given: give one to every expert of the table)");
  return it->second;
}

inline void check_expert_weights(const std::map<std::string, double>& weights, const std::string& what) {
  for (const auto& [e, w] : weights)
    if (!(w > 0.0) || !std::isfinite(w))
      throw_spec(what + ": the weight of expert '" + e + "' must be a positive number, got " + fmt_double(w));
}

inline std::string experts_list(const std::vector<std::string>& experts) {
  std::string s;
  for (std::size_t k = 0; k < experts.size(); ++k) s += (k ? ", '" : "'") + experts[k] + "'";
  return s;
}

}  // namespace expert_detail

COMPINDEX_INLINE double ahp_random_index_value(std::size_t n, ahp_random_index table) {
  // Saaty (1980), The Analytic Hierarchy Process, McGraw-Hill.
  static const double saaty1980[16] = {0, 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
  // Saaty (2005), Theory and Applications of the Analytic Network Process, RWS Publications, p. 31.
  static const double saaty2005[16] = {0, 0, 0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59};
  if (n == 0 || n > 15)
    expert_detail::throw_spec("AHP: no published random index for " + std::to_string(n) +
                              " elements (the tables stop at 15; compare at most 15 children of a node)");
  return table == ahp_random_index::saaty ? saaty1980[n] : saaty2005[n];
}

COMPINDEX_INLINE ahp_matrix_result ahp_matrix(const matrix& a, const ahp_options& opt) {
  ahp_matrix_result r;
  const index_t n = a.rows();
  if (n == 0 || a.cols() != n) expert_detail::throw_spec("AHP: the comparison matrix must be square and non-empty");
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < n; ++j)
      if (!(a(i, j) > 0.0) || !std::isfinite(a(i, j)))
        expert_detail::throw_data("AHP: comparison matrix entry (" + std::to_string(i + 1) + ", " + std::to_string(j + 1) +
                                  ") must be positive and finite, got " + expert_detail::fmt_double(a(i, j)));
  r.comparisons = a;
  const auto nn = static_cast<std::size_t>(n);
  r.ri = ahp_random_index_value(nn, opt.random_index);
  // Row geometric means (the geometric method's weights, and the GCI's reference).
  vector g(n);
  for (index_t i = 0; i < n; ++i) g[i] = std::exp(a.row(i).array().log().mean());
  g /= g.sum();
  if (n == 1) {
    r.weights = vector::Ones(1);
    r.lambda_max = 1.0;
    return r;
  }
  Eigen::EigenSolver<matrix> es(a, true);
  if (es.info() != Eigen::Success) expert_detail::throw_computation("AHP: the eigen decomposition of the comparison matrix failed");
  const auto& values = es.eigenvalues();
  index_t k = 0;
  for (index_t i = 1; i < n; ++i)
    if (values[i].real() > values[k].real()) k = i;
  r.lambda_max = values[k].real();
  vector w(n);
  if (opt.method == ahp_method::eigenvector) {
    const Eigen::VectorXcd v = es.eigenvectors().col(k);
    const double scale = v.real().sum();
    if (!(std::abs(scale) > 0.0) || v.imag().cwiseAbs().maxCoeff() > 1e-9 * v.real().cwiseAbs().maxCoeff())
      expert_detail::throw_computation("AHP: the principal eigenvector of the comparison matrix is not real");
    w = v.real() / scale;
    if (!(w.minCoeff() > 0.0)) expert_detail::throw_computation("AHP: the principal eigenvector of the comparison matrix is not positive");
  } else {
    w = g;
  }
  r.weights = w / w.sum();
  if (n >= 3) {
    const double d = static_cast<double>(n);
    r.ci = std::max(0.0, (r.lambda_max - d) / (d - 1.0));  // rounding can leave lambda_max a hair below n
    r.cr = r.ci / r.ri;
    double sum = 0.0;
    for (index_t i = 0; i < n; ++i)
      for (index_t j = i + 1; j < n; ++j) {
        const double e = std::log(a(i, j) * g[j] / g[i]);
        sum += e * e;
      }
    r.gci = 2.0 * sum / ((d - 1.0) * (d - 2.0));
  }
  r.consistent = !(r.cr > opt.cr_threshold);
  return r;
}

COMPINDEX_INLINE ahp_result ahp_weights(const framework& fw, const std::vector<ahp_judgement>& judgements, const ahp_options& opt) {
  using namespace expert_detail;
  if (!(opt.tolerance >= 0.0 && opt.tolerance < 0.5))
    throw_spec("AHP: the tolerance must be in [0, 0.5), got " + fmt_double(opt.tolerance));
  if (!(opt.cr_threshold >= 0.0) || !std::isfinite(opt.cr_threshold))
    throw_spec("AHP: the consistency-ratio threshold must be a non-negative number, got " + fmt_double(opt.cr_threshold));
  check_expert_weights(opt.expert_weights, "AHP");
  const std::string what = "AHP judgement";
  // node -> expert -> judgement rows; spec errors (codes) before data errors (values).
  std::map<std::size_t, std::map<std::string, std::vector<std::size_t>>> by_node;
  std::vector<std::pair<std::size_t, std::size_t>> pos(judgements.size());
  for (std::size_t r = 0; r < judgements.size(); ++r) {
    const auto& j = judgements[r];
    const auto i = aggregate_of(fw, j.node, what, r);
    pos[r] = {child_position(fw, i, j.child_a, what, r), child_position(fw, i, j.child_b, what, r)};
    by_node[i][j.expert].push_back(r);
  }
  const double lo = (1.0 / 9.0) / (1.0 + opt.tolerance), hi = 9.0 * (1.0 + opt.tolerance);
  ahp_result out;
  out.weights = fw.nominal_weights();
  for (std::size_t node : fw.aggregates()) {  // framework order
    const auto it = by_node.find(node);
    if (it == by_node.end()) continue;
    const std::string& code = fw.at(node).code;
    const codes children = child_codes(fw, node);
    const auto n = static_cast<index_t>(children.size());
    std::vector<std::string> experts;
    matrix log_sum = matrix::Zero(n, n), single;
    double weight_sum = 0.0;
    for (const auto& [expert, rows] : it->second) {
      const std::string at = where(code, expert);
      experts.push_back(expert);
      matrix given = matrix::Constant(n, n, nan);  // what the expert said, per direction
      for (auto r : rows) {
        const auto& j = judgements[r];
        const auto [a, b] = pos[r];
        const std::string pair = "('" + j.child_a + "', '" + j.child_b + "')";
        if (!std::isfinite(j.value) || !(j.value >= lo && j.value <= hi))
          throw_data(at + ", pair " + pair + ": the judgement must be on Saaty's scale, between 1/9 and 9, got " + fmt_double(j.value));
        const auto ia = static_cast<index_t>(a), ib = static_cast<index_t>(b);
        if (a == b) {
          if (std::abs(j.value - 1.0) > opt.tolerance)
            throw_data(at + ", pair " + pair + ": an element compared with itself must have the value 1, got " + fmt_double(j.value));
          continue;
        }
        if (!std::isnan(given(ia, ib))) throw_data(at + ", pair " + pair + ": judged twice");
        given(ia, ib) = j.value;
      }
      matrix m = matrix::Identity(n, n);
      for (index_t a = 0; a < n; ++a)
        for (index_t b = a + 1; b < n; ++b) {
          const double ab = given(a, b), ba = given(b, a);
          const std::string pair = "('" + children[static_cast<std::size_t>(a)] + "', '" + children[static_cast<std::size_t>(b)] + "')";
          if (std::isnan(ab) && std::isnan(ba))
            throw_data(at + ": the comparison matrix is incomplete: no judgement for the pair " + pair +
                       " (give every pair of the node's children once, in either order)");
          double v;
          if (!std::isnan(ab) && !std::isnan(ba)) {
            if (std::abs(ab * ba - 1.0) > opt.tolerance)
              throw_data(at + ", pair " + pair + ": the judgements are not reciprocal: " + fmt_double(ab) + " and " + fmt_double(ba) +
                         " in reverse (their product should be 1)");
            v = std::sqrt(ab / ba);
          } else {
            v = std::isnan(ab) ? 1.0 / ba : ab;
          }
          m(a, b) = v;
          m(b, a) = 1.0 / v;
        }
      ahp_matrix_result mr;
      try {
        mr = ahp_matrix(m, opt);
      } catch (const spec_error& e) {
        throw_spec(at + ": " + e.what());
      } catch (const computation_error& e) {
        throw_computation(at + ": " + e.what());
      }
      mr.node = code;
      mr.expert = expert;
      mr.children = children;
      if (!mr.consistent)
        out.diagnostics.push_back({"ahp_inconsistent", code,
                                   at + ": consistency ratio " + fmt_double(mr.cr) + " > " + fmt_double(opt.cr_threshold) +
                                       " (lambda_max " + fmt_double(mr.lambda_max) + ", n = " + std::to_string(n) +
                                       "); revise the judgements"});
      const double lambda = expert_weight(opt.expert_weights, expert);
      log_sum += lambda * m.array().log().matrix();
      weight_sum += lambda;
      single = m;
      out.matrices.push_back(std::move(mr));
    }
    // Aggregation of individual judgements: the element-wise geometric mean of the experts' matrices.
    // (One expert: their matrix itself, without the rounding of exp(log).)
    matrix combined = experts.size() == 1 ? single : (log_sum / weight_sum).array().exp().matrix();
    for (index_t a = 0; a < n; ++a) {
      combined(a, a) = 1.0;
      for (index_t b = a + 1; b < n; ++b) combined(b, a) = 1.0 / combined(a, b);
    }
    ahp_matrix_result c;
    try {
      c = ahp_matrix(combined, opt);
    } catch (const computation_error& e) {
      throw_computation(where(code, "") + ", combined judgements: " + e.what());
    }
    c.node = code;
    c.combined = true;
    c.children = children;
    if (!c.consistent && experts.size() > 1)
      out.diagnostics.push_back({"ahp_inconsistent", code,
                                 "node '" + code + "', combined judgements of experts " + experts_list(experts) + ": consistency ratio " +
                                     fmt_double(c.cr) + " > " + fmt_double(opt.cr_threshold)});
    const auto& ch = fw.children(node);
    for (std::size_t k = 0; k < ch.size(); ++k) out.weights[static_cast<index_t>(ch[k])] = c.weights[static_cast<index_t>(k)];
    out.nodes.push_back(code);
    out.matrices.push_back(std::move(c));
  }
  return out;
}

COMPINDEX_INLINE budget_result budget_weights(const framework& fw, const std::vector<budget_allocation>& allocations,
                                              budget_statistic statistic, const std::map<std::string, double>& expert_weights) {
  using namespace expert_detail;
  check_expert_weights(expert_weights, "budget allocation");
  if (!expert_weights.empty() && statistic == budget_statistic::median)
    throw_spec("budget allocation: expert weights apply to the mean only (a weighted median is not offered)");
  const std::string what = "budget allocation";
  std::map<std::size_t, std::map<std::string, std::vector<std::size_t>>> by_node;
  std::vector<std::size_t> pos(allocations.size());
  for (std::size_t r = 0; r < allocations.size(); ++r) {
    const auto& a = allocations[r];
    const auto i = aggregate_of(fw, a.node, what, r);
    pos[r] = child_position(fw, i, a.child, what, r);
    by_node[i][a.expert].push_back(r);
  }
  budget_result out;
  out.weights = fw.nominal_weights();
  for (std::size_t node : fw.aggregates()) {
    const auto it = by_node.find(node);
    if (it == by_node.end()) continue;
    budget_node_result d;
    d.node = fw.at(node).code;
    d.children = child_codes(fw, node);
    const auto n = static_cast<index_t>(d.children.size());
    const auto e = static_cast<index_t>(it->second.size());
    d.shares.resize(e, n);
    vector lambda(e);
    index_t row = 0;
    for (const auto& [expert, rows] : it->second) {
      const std::string at = where(d.node, expert);
      d.experts.push_back(expert);
      lambda[row] = expert_weight(expert_weights, expert);
      vector points = vector::Constant(n, nan);
      for (auto r : rows) {
        const auto& a = allocations[r];
        const auto k = static_cast<index_t>(pos[r]);
        if (!std::isfinite(a.points) || a.points < 0.0)
          throw_data(at + ", child '" + a.child + "': points must be a non-negative number, got " + fmt_double(a.points));
        if (!std::isnan(points[k])) throw_data(at + ", child '" + a.child + "': allocated twice");
        points[k] = a.points;
      }
      for (index_t k = 0; k < n; ++k)
        if (std::isnan(points[k]))
          throw_data(at + ", child '" + d.children[static_cast<std::size_t>(k)] +
                     "': no allocation (an expert gives points to every child of the node; 0 is allowed)");
      const double total = points.sum();
      if (!(total > 0.0)) throw_data(at + ": the points sum to 0; an expert must allocate some points");
      d.shares.row(row++) = (points / total).transpose();
    }
    d.weights.resize(n);
    d.sd.resize(n);
    d.min.resize(n);
    d.max.resize(n);
    std::vector<double> col(static_cast<std::size_t>(e));
    for (index_t k = 0; k < n; ++k) {
      const double mean = d.shares.col(k).mean();
      const double weighted = d.shares.col(k).dot(lambda) / lambda.sum();
      for (index_t r = 0; r < e; ++r) col[static_cast<std::size_t>(r)] = d.shares(r, k);
      std::sort(col.begin(), col.end());
      const auto m = col.size();
      const double median = m % 2 ? col[m / 2] : 0.5 * (col[m / 2 - 1] + col[m / 2]);
      d.weights[k] = statistic == budget_statistic::mean ? weighted : median;
      d.min[k] = col.front();
      d.max[k] = col.back();
      d.sd[k] = e > 1 ? std::sqrt((d.shares.col(k).array() - mean).square().sum() / static_cast<double>(e - 1)) : nan;
    }
    const double sum = d.weights.sum();
    if (!(sum > 0.0)) throw_data("node '" + d.node + "': the median shares are all 0; use the mean");
    d.weights /= sum;
    const auto& ch = fw.children(node);
    for (std::size_t k = 0; k < ch.size(); ++k) out.weights[static_cast<index_t>(ch[k])] = d.weights[static_cast<index_t>(k)];
    out.nodes.push_back(d.node);
    out.details.push_back(std::move(d));
  }
  return out;
}

}  // namespace compindex::weighting
