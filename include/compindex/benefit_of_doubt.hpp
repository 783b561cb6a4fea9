#pragma once
/// @file benefit_of_doubt.hpp
/// Benefit of the Doubt (BoD): data envelopment analysis with one unit input. Each unit i gets the
/// weights most favourable to it,
///
///     e_i = max_w sum_j w_j y_ij   subject to   sum_j w_j y_kj <= 1 for every unit k,  w >= 0,
///
/// so e_i lies in [0, 1] and 1 means "on the frontier" (no other unit does better with i's own
/// weights). Optional pie-share restrictions bound each child's share of the unit's score,
/// L_j <= w_j y_ij / sum_l w_l y_il <= U_j (Compind's ci_bod_constr), given directly or as a
/// spread around the node's nominal weights. One linear programme per unit (its dual, the
/// envelopment form), solved by COIN-OR CLP on a model built once per node. See
/// docs/benefit_of_doubt.md.
///
/// The LP solver is optional at build time. The compiled library `compindex::compindex` and the
/// Python module link CLP when CMake finds it (option COMPINDEX_WITH_CLP) and then define
/// COMPINDEX_HAS_CLP. Header-only users define COMPINDEX_HAS_CLP and link Clp and CoinUtils
/// themselves (include path: the directory holding ClpSimplex.hpp, e.g. /usr/include/coin).
/// Without the solver, Benefit of the Doubt throws a computation_error saying so.
///
/// Included by aggregation.hpp (the method is one of its aggregation methods).

#include "config.hpp"
#include "error.hpp"
#include "types.hpp"

#include <limits>
#include <string>
#include <vector>

namespace compindex {
namespace aggregation {

/// Benefit of the Doubt: each unit's score with its own most favourable weights, e in [0, 1]
/// mapped onto [lo, hi]. Ignores the node's weights except to leave out zero-weight children and,
/// with `nominal_spread`, to centre the share bounds. Children must be >= 0.
struct benefit_of_doubt {
  static constexpr const char* name = "benefit_of_doubt";
  /// Lower bounds on each child's share of the unit's score, w_j y_ij / sum_l w_l y_il: empty
  /// (none, i.e. 0), one value for every child, or one per child of the node (in child order).
  std::vector<double> share_lower;
  /// Upper bounds on the shares, as `share_lower` (empty: none, i.e. 1).
  std::vector<double> share_upper;
  /// If finite (s >= 0): the share of child j lies in [max(0, (1 - s) v_j), min(1, (1 + s) v_j)],
  /// v_j the node's nominal weights normalized over its weighted children. Not combinable with
  /// share_lower / share_upper. NaN: off.
  double nominal_spread = std::numeric_limits<double>::quiet_NaN();
  double lo = 0.0;   ///< the score of a unit with e = 0
  double hi = 100.0; ///< the score of a unit on the frontier (e = 1)
};

}  // namespace aggregation

struct children_view;
struct aggregation_details;

/// True when this build of compindex has an LP solver (COIN-OR CLP), i.e. Benefit of the Doubt works.
bool has_lp_solver() noexcept;

/// The solution of a Benefit of the Doubt problem.
struct benefit_of_doubt_solution {
  vector efficiency;  ///< per unit, in [0, 1] (1 = on the frontier); NaN for a unit not scored
  matrix weights;     ///< units x children: each unit's optimal weights w (NaN rows for units not scored)
  /// Per unit: its benchmark (peer) units, those whose constraint binds at its optimum,
  /// sum_j w_j y_kj = 1 within 1e-9 (the unit itself when it is on the frontier). Empty for a unit
  /// scoring 0 or not scored.
  std::vector<std::vector<index_t>> peers;
};

/// Solves the Benefit of the Doubt problem of every unit (rows of `y`, units x children).
/// @param y values >= 0; NaN (missing) counts as 0
/// @param share_lower, share_upper pie-share bounds: empty, one value, or one per column
/// @param scored per unit, whether to solve its problem (empty: every unit); every unit constrains
/// @param warm_start re-solve each unit from the previous unit's optimal basis instead of the slack
///        basis (the default, false, is faster on every problem measured; bench/bench_bod.cpp)
/// @throws data_error for a negative or infinite value, naming the unit (row) and child (column)
/// @throws spec_error for infeasible or malformed share bounds
/// @throws computation_error without an LP solver, or when the solver fails
benefit_of_doubt_solution solve_benefit_of_doubt(matrix_cref y, const std::vector<double>& share_lower = {},
                                                 const std::vector<double>& share_upper = {},
                                                 const std::vector<char>& scored = {}, bool warm_start = false);

namespace detail {
/// The aggregation of one node by Benefit of the Doubt (called by aggregate_node). Coverage: a
/// unit with fewer than `coverage` of the weighted children available scores NaN; a missing child
/// counts as 0.
void benefit_of_doubt_node(const aggregation::benefit_of_doubt& m, const children_view& children, index_t n_units,
                           double coverage, double* out, const std::string& node, const codes& units,
                           const codes& child_codes, aggregation_details* details);
}  // namespace detail

}  // namespace compindex

// The definitions need aggregation.hpp's types: in header-only mode aggregation.hpp includes
// impl/benefit_of_doubt.ipp after its own declarations.
#include "aggregation.hpp"
