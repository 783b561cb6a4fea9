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

// --- Aggregation beyond weighted means (issue #12): OWA, mean-min, MPI, AMPI, TOPSIS, Wroclaw ---
// Formulas, sources and conventions: docs/aggregation.md. Children arrive normalized and
// direction-adjusted (higher is better). Parameters are checked by `validate`, which aggregate_node
// calls with the node's code.

/// Population (divide by n) or sample (divide by n - 1) standard deviation.
enum class sd_kind { population, sample };

/// Ordered weighted average (Yager 1988): the children a unit has sorted from best to worst, the
/// j-th best weighted by the j-th ordered weight. Importance weights are not used (a child of
/// weight 0 is left out). With `weights` empty, the ordered weights come from the RIM quantifier
/// Q(r) = r^a, w_j = Q(j/k) - Q((j-1)/k), with a chosen so that their orness equals `orness`
/// (0 minimum, 0.5 mean, 1 maximum), regenerated for the k children a unit has. Explicit
/// `weights` (non-negative, summing to 1, one per weighted child) need every child.
struct owa {
  static constexpr const char* name = "owa";
  double orness = 0.5;
  std::vector<double> weights;
};
/// Mean-min function (Casadio Tarabusi and Guarini 2013): M - alpha (sqrt((M - m)^2 + beta^2) -
/// beta), with M the weighted arithmetic mean and m the minimum of the children a unit has.
/// alpha = 0 gives M; alpha = 1, beta = 0 gives m. alpha in [0, 1], beta >= 0 (data units).
struct mean_min {
  static constexpr const char* name = "mean_min";
  double alpha = 0.5;
  double beta = 10.0;
};
/// Mazziotta-Pareto Index (Mazziotta and Pareto 2016): each child standardized across units to
/// z = 100 + 10 (x - mean)/sd, then per unit M_z + penalty * S_z cv_z with S_z the standard
/// deviation and cv_z = S_z / M_z of its z's. penalty -1 (MPI-, for indices where higher is
/// better; the default) or +1 (MPI+). Importance weights are not used (weight 0 leaves a child out).
struct mpi {
  static constexpr const char* name = "mpi";
  int penalty = -1;
  sd_kind sd = sd_kind::population;  ///< across units (standardization) and across a unit's children
};
/// Adjusted MPI (Mazziotta and Pareto 2016): each child rescaled onto 70..130 between goalposts
/// reference -/+ range, r = 70 + 60 (x - reference + range)/(2 range), then the MPI penalty.
/// reference NaN: the child's mean across units; range NaN: (max - min)/2 of the child across
/// units. Goalposts given explicitly (reference or range set) must contain the data.
struct ampi {
  static constexpr const char* name = "ampi";
  int penalty = -1;
  double reference = nan;
  double range = nan;
  sd_kind sd = sd_kind::population;  ///< across a unit's children
};
/// TOPSIS (Hwang and Yoon 1981): weighted Euclidean distances d+ and d- of each unit to the ideal
/// (each child's best value across units) and the anti-ideal (worst); closeness d-/(d+ + d-)
/// mapped onto lower..upper. `vector_normalize` first divides each child by its Euclidean norm
/// across units (the textbook's first step; off by default, the children being normalized).
struct topsis {
  static constexpr const char* name = "topsis";
  bool vector_normalize = false;
  double lower = 0.0;
  double upper = 100.0;
};
/// Wroclaw taxonomy (Hellwig 1968): children standardized across units, distance d of each unit
/// to the ideal unit (each child's best z), d0 = mean(d) + 2 sd(d); score 1 - d/d0 (higher is
/// better) mapped onto lower..upper (score 0 at d = d0, 1 at the ideal).
struct wroclaw {
  static constexpr const char* name = "wroclaw";
  sd_kind sd = sd_kind::population;  ///< of the standardization and of d0
  double lower = 0.0;
  double upper = 100.0;
};

/// OWA ordered weights of orness `orness` for k values from the RIM quantifier Q(r) = r^a (a
/// solved for numerically; orness 0 and 1 give the minimum's and maximum's weights).
std::vector<double> owa_weights(double orness, std::size_t k);
/// The orness of ordered weights (best value first): sum_j w_j (k - j)/(k - 1); 0.5 for k = 1.
double owa_orness(const std::vector<double>& ordered_weights);

/// Every method is a type with a static `name`; code dispatches on the type, never on the
/// variant's index, so alternatives can be added anywhere in the list.
using method = std::variant<arithmetic_mean, geometric_mean, harmonic_mean, generalized_mean, copeland, owa, mean_min,
                            mpi, ampi, topsis, wroclaw, benefit_of_doubt>;

std::string name(const method& m);
/// The method of that name with default parameters.
/// @throws spec_error for an unknown name.
method from_name(const std::string& name, double p = 1.0);
/// Checks a method's parameters. @throws spec_error naming `node` for a bad one.
void validate(const method& m, const std::string& node);

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
