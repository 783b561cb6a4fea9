#pragma once
/// @file framework.hpp
/// The index as a tree of nodes: indicators at the leaves, aggregates above them (sub-pillars,
/// pillars, sub-indices, the index), any depth, any number of children; plus ratio nodes (the
/// GII's Innovation Efficiency Ratio: output sub-index score / input sub-index score), scored
/// from two other nodes and left out of every aggregate.

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace compindex {

/// What a node is. `automatic` means: a ratio if it names a numerator or a denominator, else an
/// indicator if it has no children, else an aggregate.
///
/// A `ratio` node scores numerator score / denominator score per unit (both other nodes of the
/// framework). It has no children and no data column, is ranked like any node (higher = better),
/// and is never a child in an aggregate: its `parent`, if given, only says where it is shown
/// (it must be an aggregate), and its weight is ignored (its effective weight is 0).
enum class node_kind { automatic, indicator, aggregate, ratio };

/// One node of the framework, as the user declares it.
struct node {
  std::string code;          ///< unique, non-empty
  std::string parent;        ///< empty for the root
  double weight = 1.0;       ///< relative to its siblings; any non-negative number
  int direction = 1;         ///< +1 higher is better, -1 lower is better (indicators only)
  std::string name;          ///< optional display name
  node_kind kind = node_kind::automatic;
  double lower = nan;        ///< indicator's lower goalpost, raw units (NaN: none)
  double upper = nan;        ///< indicator's upper goalpost, raw units (NaN: none)
  double target = nan;       ///< indicator's target, raw units (NaN: none)
  std::string numerator;     ///< ratio nodes: the code of the node divided
  std::string denominator;   ///< ratio nodes: the code of the node divided by
};

/// A validated tree. Node positions (0..size()-1) follow the order the nodes were given in.
/// Indicators are the leaves; `indicators()` lists them in the given order, and that order is the
/// column order of every units x indicators matrix.
class framework {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  framework() = default;

  /// Validates and builds the tree.
  /// @throws spec_error on duplicate or empty codes, an unknown parent, a cycle, more or fewer
  ///         than one root, an aggregate without children, a declared indicator with children,
  ///         negative, NaN or infinite weights, siblings whose weights are all zero, a direction
  ///         other than +1/-1, or goalposts with lower >= upper; and, for a ratio node, a missing
  ///         or unknown numerator or denominator, one that is the ratio itself, the same node
  ///         twice, children, a parent that is not an aggregate, or ratios that divide each other
  ///         in a cycle. Each message names the node (and the code concerned).
  explicit framework(std::vector<node> nodes);

  std::size_t size() const noexcept { return nodes_.size(); }
  const std::vector<node>& nodes() const noexcept { return nodes_; }
  const node& at(std::size_t i) const { return nodes_.at(i); }

  /// Position of a code, or npos.
  std::size_t find(const std::string& code) const noexcept;
  /// Position of a code. @throws spec_error naming the code if it is unknown.
  std::size_t index_of(const std::string& code) const;

  bool is_indicator(std::size_t i) const noexcept { return children_[i].empty() && !ratio_[i]; }
  /// True for a ratio node (its score is numerator / denominator; it has no children).
  bool is_ratio(std::size_t i) const noexcept { return ratio_[i] != 0; }
  /// Position of a ratio node's numerator (denominator); npos if node i is not a ratio.
  std::size_t numerator(std::size_t i) const { return operands_.at(i).first; }
  std::size_t denominator(std::size_t i) const { return operands_.at(i).second; }
  /// Ratio node positions, in the given order.
  const std::vector<std::size_t>& ratios() const noexcept { return ratios_; }
  const std::vector<std::size_t>& children(std::size_t i) const { return children_.at(i); }
  /// Parent position, or npos for the root (and for a ratio node declared without a parent).
  std::size_t parent(std::size_t i) const { return parent_.at(i); }
  /// 1 at indicators; an aggregate is one more than its highest child; a ratio node has the
  /// higher level of its two operands (the GII's ratio of two sub-indices: their level).
  int level(std::size_t i) const { return level_.at(i); }
  int max_level() const noexcept { return level_.empty() ? 0 : level_[root_]; }
  std::size_t root() const noexcept { return root_; }

  /// Indicator node positions, in the given order (= data column order).
  const std::vector<std::size_t>& indicators() const noexcept { return indicators_; }
  /// Aggregate node positions, in the given order (= aggregated-matrix column order). Ratio nodes
  /// are among them (they have a score column but no children).
  const std::vector<std::size_t>& aggregates() const noexcept { return aggregates_; }
  /// Aggregate node positions ordered so that every child comes before its parent; ratio nodes
  /// come last, each after both of its operands.
  const std::vector<std::size_t>& evaluation_order() const noexcept { return evaluation_order_; }

  /// Column of node i among indicators (or aggregates); npos if it is not one.
  std::size_t indicator_column(std::size_t i) const { return column_.at(i) >= 0 && is_indicator(i) ? static_cast<std::size_t>(column_[i]) : npos; }
  std::size_t aggregate_column(std::size_t i) const { return column_.at(i) >= 0 && !is_indicator(i) ? static_cast<std::size_t>(column_[i]) : npos; }

  std::size_t n_indicators() const noexcept { return indicators_.size(); }
  std::size_t n_aggregates() const noexcept { return aggregates_.size(); }

  codes node_codes() const;
  codes indicator_codes() const;
  codes aggregate_codes() const;

  /// The declared weight of every node (framework order).
  vector nominal_weights() const;

  /// Registers a named alternative weight set: the nominal weights with `weights` overriding
  /// the named nodes. @throws spec_error on unknown codes or invalid weights.
  void add_weight_set(const std::string& name, const std::map<std::string, double>& weights);
  /// The weights of a named set (empty name: the nominal weights). @throws spec_error if unknown.
  vector weight_set(const std::string& name) const;
  std::vector<std::string> weight_set_names() const;

  /// Checks a full weight vector (one entry per node) against the rules of the constructor
  /// (a ratio node's entry is ignored).
  void validate_weights(const vector& weights) const;

  /// The ancestors of node i, nearest first (the root last).
  std::vector<std::size_t> ancestors(std::size_t i) const;

 private:
  std::vector<node> nodes_;
  std::unordered_map<std::string, std::size_t> position_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<std::size_t> parent_;
  std::vector<int> level_;
  std::vector<std::ptrdiff_t> column_;
  std::vector<std::size_t> indicators_, aggregates_, evaluation_order_, ratios_;
  std::vector<char> ratio_;
  std::vector<std::pair<std::size_t, std::size_t>> operands_;
  std::size_t root_ = 0;
  std::map<std::string, vector> weight_sets_;
};

/// Final weight of every node in the index: the product of its weight, renormalized among its
/// siblings, and of those of its ancestors. Indicators' effective weights sum to 1 (over
/// indicators whose siblings do not all have zero weight). A ratio node's is 0 (it is in no
/// aggregate).
/// @param weights one weight per node (framework order)
vector effective_weights(const framework& fw, const vector& weights);

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/framework.ipp"
#endif
