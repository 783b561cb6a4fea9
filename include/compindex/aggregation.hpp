#pragma once
/// @file aggregation.hpp
/// Aggregation of a node's children into the node's score. Missing children are left out and the
/// weights renormalized over the children a unit has; below the node's coverage threshold (the
/// share of children available) the unit's score is missing.

#include "benefit_of_doubt.hpp"  // aggregation::benefit_of_doubt
#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <string>
#include <variant>
#include <vector>

namespace compindex {
namespace aggregation {

/// sum w x / sum w.
struct arithmetic_mean {
  static constexpr const char* name = "arithmetic_mean";
};
/// exp(sum w log x / sum w); values must be > 0.
struct geometric_mean {
  static constexpr const char* name = "geometric_mean";
};
/// sum w / sum (w / x); values must be > 0.
struct harmonic_mean {
  static constexpr const char* name = "harmonic_mean";
};
/// (sum w x^p / sum w)^(1/p); p = 1 arithmetic, p = 0 geometric (the limit p -> 0), p = -1
/// harmonic. Values must be >= 0 (> 0 when p <= 0), except at p = 1, which is the arithmetic mean
/// of any values.
struct generalized_mean {
  static constexpr const char* name = "generalized_mean";
  double p = 1.0;
};
/// Copeland's rule: unit j beats unit k when the weighted share of children on which j is better
/// (ties count half) exceeds 1/2; the score is wins minus losses. Compared on the children both
/// units have. Cost grows with the square of the number of units.
struct copeland {
  static constexpr const char* name = "copeland";
};

/// Every method is a type with a static `name`; code dispatches on the type, never on the
/// variant's index, so alternatives can be added anywhere in the list.
using method = std::variant<arithmetic_mean, geometric_mean, harmonic_mean, generalized_mean, copeland,
                            benefit_of_doubt>;

std::string name(const method& m);
/// @throws spec_error for an unknown name.
method from_name(const std::string& name, double p = 1.0);

}  // namespace aggregation

/// The children of one node for one aggregation call.
struct children_view {
  std::vector<const double*> columns;  ///< one pointer per child, each to n_units values
  std::vector<double> weights;         ///< one weight per child (not necessarily normalized)
  /// Optional: per child, its values' natural logarithms (nullptr: computed on the fly). Lets
  /// repeated geometric means reuse logs of data that do not change.
  std::vector<const double*> logs;
};

/// What an aggregation method reports about one node beyond its scores, for the methods that have
/// diagnostics (Benefit of the Doubt's weights and peers, MPI penalties, OWA orness, TOPSIS
/// distances, ...). The power means and Copeland's rule report nothing. Members a method does not
/// use stay empty.
struct aggregation_details {
  std::string node;    ///< the node's code
  std::string method;  ///< the method's name
  codes children;      ///< the node's child codes (columns of `unit_weights`, entries of `per_child`)
  /// Named per-unit values, n_units each (e.g. "penalty", "distance_to_ideal").
  std::vector<std::pair<std::string, vector>> per_unit;
  /// Named per-child values, one per child (e.g. "ideal", "anti_ideal").
  std::vector<std::pair<std::string, vector>> per_child;
  /// Named numbers (e.g. "orness").
  std::vector<std::pair<std::string, double>> scalars;
  /// units x children: each unit's own weights (Benefit of the Doubt); empty otherwise.
  matrix unit_weights;
  /// Per unit: the rows of its benchmark (peer) units (Benefit of the Doubt); empty otherwise.
  std::vector<std::vector<index_t>> peers;

  bool empty() const noexcept { return per_unit.empty() && per_child.empty() && scalars.empty() && unit_weights.size() == 0 && peers.empty(); }
};

/// Aggregates one node.
/// @param coverage minimum share of children a unit needs (0..1); below it the result is NaN
/// @param out n_units values
/// @param details if not null, receives the method's diagnostics (node, method and children are
///        filled by the caller); methods without diagnostics leave it untouched
/// @throws data_error naming the node, the unit and the child for a value outside the method's domain
void aggregate_node(const aggregation::method& m, const children_view& children, index_t n_units, double coverage,
                    double* out, const std::string& node, const codes& units, const codes& child_codes,
                    aggregation_details* details = nullptr);

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/aggregation.ipp"
#include "impl/benefit_of_doubt.ipp"
#endif
