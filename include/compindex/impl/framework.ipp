#pragma once
// Out-of-line definitions of framework.hpp.

#include "../framework.hpp"
#include "../detail/format.hpp"

#include <algorithm>
#include <cmath>

namespace compindex {

namespace detail {
inline void check_weight(const std::string& code, double w) {
  if (!std::isfinite(w) || w < 0.0)
    throw_spec("node '" + code + "': weight must be a finite non-negative number, got " + fmt_double(w));
}
}  // namespace detail

COMPINDEX_INLINE framework::framework(std::vector<node> nodes) : nodes_(std::move(nodes)) {
  const std::size_t n = nodes_.size();
  if (n == 0) detail::throw_spec("framework: no nodes given");
  position_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const node& nd = nodes_[i];
    if (nd.code.empty()) detail::throw_spec("framework: node in row " + std::to_string(i + 1) + " has an empty code");
    if (!position_.emplace(nd.code, i).second)
      detail::throw_spec("framework: duplicate code '" + nd.code + "' (rows " + std::to_string(position_[nd.code] + 1) +
                         " and " + std::to_string(i + 1) + ")");
  }
  // Ratio nodes: declared as such, or naming a numerator or a denominator.
  ratio_.assign(n, 0);
  operands_.assign(n, {npos, npos});
  for (std::size_t i = 0; i < n; ++i) {
    const node& nd = nodes_[i];
    const bool names_operand = !nd.numerator.empty() || !nd.denominator.empty();
    if (nd.kind == node_kind::ratio || (nd.kind == node_kind::automatic && names_operand)) {
      ratio_[i] = 1;
      ratios_.push_back(i);
    } else if (names_operand) {
      detail::throw_spec("node '" + nd.code + "': a numerator or denominator is given, but it is declared " +
                         (nd.kind == node_kind::indicator ? "an indicator" : "an aggregate") + ", not a ratio");
    }
  }
  for (auto i : ratios_) {
    const node& nd = nodes_[i];
    auto operand = [&](const std::string& c, const char* what) {
      if (c.empty()) detail::throw_spec("ratio node '" + nd.code + "': no " + what + " given");
      auto it = position_.find(c);
      if (it == position_.end())
        detail::throw_spec("ratio node '" + nd.code + "': its " + what + " '" + c + "' is not a node of the framework");
      if (it->second == i) detail::throw_spec("ratio node '" + nd.code + "': its " + what + " is the node itself");
      return it->second;
    };
    operands_[i] = {operand(nd.numerator, "numerator"), operand(nd.denominator, "denominator")};
    if (operands_[i].first == operands_[i].second)
      detail::throw_spec("ratio node '" + nd.code + "': the numerator and the denominator are the same node '" + nd.numerator + "'");
  }
  children_.assign(n, {});
  parent_.assign(n, npos);
  std::vector<std::size_t> roots;
  for (std::size_t i = 0; i < n; ++i) {
    const node& nd = nodes_[i];
    if (!ratio_[i]) detail::check_weight(nd.code, nd.weight);
    if (nd.direction != 1 && nd.direction != -1)
      detail::throw_spec("node '" + nd.code + "': direction must be 1 or -1, got " + std::to_string(nd.direction));
    if (!std::isnan(nd.lower) && !std::isnan(nd.upper) && !(nd.lower < nd.upper))
      detail::throw_spec("node '" + nd.code + "': goalposts need lower < upper, got lower " + detail::fmt_double(nd.lower) +
                         " and upper " + detail::fmt_double(nd.upper));
    if (nd.parent.empty()) {
      if (!ratio_[i]) roots.push_back(i);  // a ratio without a parent is not a second root
      continue;
    }
    auto it = position_.find(nd.parent);
    if (it == position_.end())
      detail::throw_spec("node '" + nd.code + "': unknown parent '" + nd.parent + "'");
    if (it->second == i) detail::throw_spec("node '" + nd.code + "' is its own parent");
    parent_[i] = it->second;
    if (!ratio_[i]) children_[it->second].push_back(i);  // a ratio is shown under its parent, not aggregated in it
  }
  for (auto i : ratios_) {
    if (!children_[i].empty())
      detail::throw_spec("ratio node '" + nodes_[i].code + "' has children ('" + nodes_[children_[i].front()].code +
                         "', ...); a ratio divides two nodes and aggregates none");
    const auto p = parent_[i];
    if (p != npos && (ratio_[p] || children_[p].empty()))
      detail::throw_spec("ratio node '" + nodes_[i].code + "': its parent '" + nodes_[p].code + "' is " +
                         (ratio_[p] ? "a ratio node" : "an indicator") + "; a ratio is shown under an aggregate");
  }
  // Cycles: walk up from every node; a path longer than n nodes means a cycle.
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t p = i, steps = 0;
    while (p != npos) {
      p = parent_[p];
      if (++steps > n) detail::throw_spec("framework: cycle through node '" + nodes_[i].code + "'");
    }
  }
  if (roots.empty()) detail::throw_spec("framework: no root (every node but the ratio nodes has a parent)");
  if (roots.size() > 1) {
    std::string list;
    for (auto r : roots) list += (list.empty() ? "'" : ", '") + nodes_[r].code + "'";
    detail::throw_spec("framework: more than one root (" + list + "); give them a common parent");
  }
  root_ = roots.front();
  if (children_[root_].empty()) detail::throw_spec("framework: root '" + nodes_[root_].code + "' has no children");
  for (std::size_t i = 0; i < n; ++i) {
    const node& nd = nodes_[i];
    if (nd.kind == node_kind::aggregate && children_[i].empty())
      detail::throw_spec("aggregate '" + nd.code + "' has no children (a leaf must be an indicator)");
    if (nd.kind == node_kind::indicator && !children_[i].empty())
      detail::throw_spec("indicator '" + nd.code + "' has children ('" + nodes_[children_[i].front()].code + "', ...)");
  }
  // Levels: an iterative post-order from the root.
  level_.assign(n, 0);
  std::vector<std::pair<std::size_t, std::size_t>> stack{{root_, 0}};
  while (!stack.empty()) {
    auto& [v, k] = stack.back();
    if (k < children_[v].size()) {
      std::size_t c = children_[v][k++];
      stack.emplace_back(c, 0);
    } else {
      int lv = 1;
      for (auto c : children_[v]) lv = std::max(lv, level_[c] + 1);
      level_[v] = lv;
      if (!children_[v].empty()) evaluation_order_.push_back(v);
      stack.pop_back();
    }
  }
  // Ratio nodes after the tree, each after its operands (a ratio of ratios is allowed when the
  // ratios do not divide each other in a cycle): a depth-first walk over the ratio operands.
  {
    std::vector<char> state(n, 0);  // 0 new, 1 on the current path, 2 done
    for (auto r0 : ratios_) {
      if (state[r0]) continue;
      std::vector<std::pair<std::size_t, int>> path{{r0, 0}};
      state[r0] = 1;
      while (!path.empty()) {
        auto& [v, k] = path.back();
        if (k < 2) {
          const auto o = k++ == 0 ? operands_[v].first : operands_[v].second;
          if (!ratio_[o] || state[o] == 2) continue;
          if (state[o] == 1)
            detail::throw_spec("ratio node '" + nodes_[o].code + "': ratio nodes divide each other in a cycle (through '" +
                               nodes_[v].code + "')");
          state[o] = 1;
          path.emplace_back(o, 0);
        } else {
          level_[v] = std::max(level_[operands_[v].first], level_[operands_[v].second]);
          evaluation_order_.push_back(v);
          state[v] = 2;
          path.pop_back();
        }
      }
    }
  }
  column_.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (is_indicator(i)) {
      column_[i] = static_cast<std::ptrdiff_t>(indicators_.size());
      indicators_.push_back(i);
    } else {
      column_[i] = static_cast<std::ptrdiff_t>(aggregates_.size());
      aggregates_.push_back(i);
    }
  }
  validate_weights(nominal_weights());
}

COMPINDEX_INLINE void framework::validate_weights(const vector& w) const {
  if (static_cast<std::size_t>(w.size()) != nodes_.size())
    detail::throw_spec("weights: expected " + std::to_string(nodes_.size()) + " values (one per node), got " +
                       std::to_string(w.size()));
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (!ratio_[i]) detail::check_weight(nodes_[i].code, w[static_cast<index_t>(i)]);
  for (auto a : aggregates_) {
    if (ratio_[a]) continue;
    double s = 0.0;
    for (auto c : children_[a]) s += w[static_cast<index_t>(c)];
    if (!(s > 0.0)) detail::throw_spec("aggregate '" + nodes_[a].code + "': the weights of its children sum to zero");
  }
}

COMPINDEX_INLINE std::size_t framework::find(const std::string& code) const noexcept {
  auto it = position_.find(code);
  return it == position_.end() ? npos : it->second;
}

COMPINDEX_INLINE std::size_t framework::index_of(const std::string& code) const {
  auto i = find(code);
  if (i == npos) detail::throw_spec("unknown node code '" + code + "'");
  return i;
}

COMPINDEX_INLINE codes framework::node_codes() const {
  codes out;
  out.reserve(nodes_.size());
  for (auto& nd : nodes_) out.push_back(nd.code);
  return out;
}

COMPINDEX_INLINE codes framework::indicator_codes() const {
  codes out;
  for (auto i : indicators_) out.push_back(nodes_[i].code);
  return out;
}

COMPINDEX_INLINE codes framework::aggregate_codes() const {
  codes out;
  for (auto i : aggregates_) out.push_back(nodes_[i].code);
  return out;
}

COMPINDEX_INLINE vector framework::nominal_weights() const {
  vector w(static_cast<index_t>(nodes_.size()));
  for (std::size_t i = 0; i < nodes_.size(); ++i) w[static_cast<index_t>(i)] = nodes_[i].weight;
  return w;
}

COMPINDEX_INLINE void framework::add_weight_set(const std::string& name, const std::map<std::string, double>& weights) {
  if (name.empty()) detail::throw_spec("weight set: the name must not be empty");
  vector w = nominal_weights();
  for (auto& [code, value] : weights) {
    auto i = find(code);
    if (i == npos) detail::throw_spec("weight set '" + name + "': unknown node code '" + code + "'");
    detail::check_weight(code, value);
    w[static_cast<index_t>(i)] = value;
  }
  try {
    validate_weights(w);
  } catch (const spec_error& e) {
    detail::throw_spec("weight set '" + name + "': " + e.what());
  }
  weight_sets_[name] = std::move(w);
}

COMPINDEX_INLINE vector framework::weight_set(const std::string& name) const {
  if (name.empty()) return nominal_weights();
  auto it = weight_sets_.find(name);
  if (it == weight_sets_.end()) detail::throw_spec("unknown weight set '" + name + "'");
  return it->second;
}

COMPINDEX_INLINE std::vector<std::string> framework::weight_set_names() const {
  std::vector<std::string> out;
  for (auto& kv : weight_sets_) out.push_back(kv.first);
  return out;
}

COMPINDEX_INLINE std::vector<std::size_t> framework::ancestors(std::size_t i) const {
  std::vector<std::size_t> out;
  for (auto p = parent_.at(i); p != npos; p = parent_[p]) out.push_back(p);
  return out;
}

COMPINDEX_INLINE vector effective_weights(const framework& fw, const vector& weights) {
  fw.validate_weights(weights);
  const auto n = static_cast<index_t>(fw.size());
  vector eff = vector::Zero(n);
  eff[static_cast<index_t>(fw.root())] = 1.0;
  // Parents before children: walk the evaluation order backwards (root first).
  const auto& order = fw.evaluation_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const auto a = *it;
    double s = 0.0;
    for (auto c : fw.children(a)) s += weights[static_cast<index_t>(c)];
    for (auto c : fw.children(a))
      eff[static_cast<index_t>(c)] = eff[static_cast<index_t>(a)] * weights[static_cast<index_t>(c)] / s;
  }
  return eff;
}

}  // namespace compindex
