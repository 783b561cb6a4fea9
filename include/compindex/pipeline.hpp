#pragma once
/// @file pipeline.hpp
/// The scoring pipeline: a pure function of (framework, data, spec) -> result.
///
/// Per indicator: denomination -> imputation -> outlier treatment -> transform -> normalization
/// (direction first). Then aggregation node by node (children before parents), then ranks at
/// every node. Every stage is optional and configured globally with per-indicator (or per-node)
/// overrides. A spec is resolved once into a `plan` (vectors indexed by indicator and node), so
/// re-running a plan on many data sets or weights does no parsing.

#include "aggregation.hpp"
#include "config.hpp"
#include "error.hpp"
#include "framework.hpp"
#include "imputation.hpp"
#include "imputation_models.hpp"
#include "normalization.hpp"
#include "ranking.hpp"
#include "shared_matrix.hpp"
#include "transform.hpp"
#include "treatment.hpp"
#include "types.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace compindex {

/// Divide an indicator by a denominator column: x * scale / denominator.
struct denomination {
  std::string denominator;
  double scale = 1.0;
};

/// Which method each stage uses, globally and per indicator or node (by code).
struct pipeline_spec {
  std::map<std::string, denomination> denominators;  ///< indicator -> denominator; none by default

  compindex::imputation::method imputation = compindex::imputation::none{};
  std::map<std::string, compindex::imputation::method> imputation_by_indicator;

  compindex::treatment::method treatment = compindex::treatment::none{};
  std::map<std::string, compindex::treatment::method> treatment_by_indicator;

  compindex::transform::method transform = compindex::transform::none{};
  std::map<std::string, compindex::transform::method> transform_by_indicator;

  compindex::normalization::method normalization = compindex::normalization::min_max{};
  std::map<std::string, compindex::normalization::method> normalization_by_indicator;
  range output_range{};
  std::map<std::string, range> range_by_indicator;

  compindex::aggregation::method aggregation = compindex::aggregation::arithmetic_mean{};
  std::map<std::string, compindex::aggregation::method> aggregation_by_node;
  double coverage = 0.0;  ///< minimum share of children a unit needs at an aggregate (0..1)
  std::map<std::string, double> coverage_by_node;

  std::string weight_set;                 ///< a named weight set of the framework ("" = nominal)
  std::map<std::string, double> weights;  ///< per-node weight overrides on top of the set
};

/// The data of one run: unit codes, the units x indicators matrix (columns in the framework's
/// indicator order, NaN for missing), and optional denominators and unit groups.
class dataset {
 public:
  dataset() = default;
  /// @throws spec_error on empty or duplicate unit codes or a row-count mismatch
  dataset(codes units, matrix values);
  /// Shares (or, with shared_matrix::borrow, borrows) the values: no copy is made.
  dataset(codes units, shared_matrix values);

  const codes& units() const noexcept { return *units_; }
  const std::shared_ptr<const codes>& shared_units() const noexcept { return units_; }
  /// A read-only view of the values, valid while the dataset (or a result sharing them) lives:
  /// copy it into a `matrix` to keep or edit it.
  shared_matrix::view_type values() const noexcept { return *values_; }
  const shared_matrix& shared_values() const noexcept { return values_; }
  index_t n_units() const noexcept { return static_cast<index_t>(units_->size()); }

  /// Adds denominator columns (units x denominators). @throws spec_error on a shape mismatch or duplicate code
  void set_denominators(codes names, matrix values);
  const codes& denominator_codes() const noexcept { return denominator_codes_; }
  const matrix& denominators() const noexcept { return denominators_; }

  /// Adds a unit group column (e.g. "region"): one label per unit, empty for none.
  void add_group(const std::string& name, const codes& labels);
  bool has_group(const std::string& name) const;
  /// Group ids (0.., -1 for none) and the labels they stand for.
  const std::vector<int>& group_ids(const std::string& name) const;
  const codes& group_labels(const std::string& name) const;
  std::vector<std::string> group_names() const;

 private:
  std::shared_ptr<const codes> units_ = std::make_shared<const codes>();
  shared_matrix values_{matrix()};
  codes denominator_codes_;
  matrix denominators_;
  struct group {
    std::vector<int> ids;
    codes labels;
  };
  std::map<std::string, group> groups_;
};

/// A spec resolved against a framework: one entry per indicator (framework indicator order) and
/// per node. Building it validates every code and parameter of the spec.
struct plan {
  plan() = default;
  /// @throws spec_error on an unknown code, an unknown weight set, invalid weights or parameters
  plan(framework fw, const pipeline_spec& spec);

  framework fw;
  std::vector<std::string> denominator;  ///< per indicator, "" for none
  std::vector<double> denominator_scale;
  std::vector<compindex::imputation::method> imputation;
  std::vector<compindex::treatment::method> treatment;
  std::vector<compindex::transform::method> transform;
  std::vector<compindex::normalization::method> normalization;
  std::vector<range> output_range;
  std::vector<compindex::aggregation::method> aggregation;  ///< per node (ignored at indicators)
  std::vector<double> coverage;                  ///< per node
  vector weights;                                ///< per node
};

/// The stages whose data sets a result keeps.
enum class stage { raw, denominated, imputed, treated, normalized };

/// A non-fatal issue found during a run.
struct diagnostic {
  std::string kind;  ///< e.g. "imputation_fallback", "missing_score"
  std::string code;  ///< the indicator or node it concerns
  std::string message;
};

/// Everything a run produced. Stage data sets are shared when a stage changed nothing, so an
/// unused stage costs no memory; `raw` is the dataset's values themselves (borrowed if they are).
struct result {
  std::shared_ptr<const codes> units;  ///< shared with the dataset
  shared_matrix raw, denominated, imputed, treated, normalized;  ///< units x indicators
  matrix aggregated;  ///< units x aggregates (framework aggregate order)
  rank_matrix ranks;  ///< units x nodes (framework node order); 1 = best, 0 (`unranked`) = no score
  vector weights;     ///< the weights used, per node
  vector effective_weights;  ///< per node: the node's final weight in the index
  std::vector<treatment_report> treatment;  ///< one per indicator
  std::vector<std::pair<index_t, index_t>> imputed_cells;  ///< (row, indicator column)
  /// One per block of indicators imputed together by a multivariate method (EM, kNN, chained):
  /// iterations, convergence, log-likelihood, the cells filled (block columns).
  std::vector<imputation_block_report> imputation_blocks;
  std::vector<diagnostic> diagnostics;
  /// Diagnostics of the aggregation methods that report any (BoD weights and peers, MPI
  /// penalties, OWA orness, ...), one per such node, in evaluation order.
  std::vector<aggregation_details> node_details;

  /// The data set after a stage.
  shared_matrix::view_type data(stage s) const;
  /// Units x nodes: normalized indicators and aggregates, in framework node order.
  matrix scores(const framework& fw) const;
  /// One node's scores.
  vector node_scores(const framework& fw, std::size_t node) const;
};

/// Runs the per-indicator stages (denomination to normalization) into `out`.
void run_indicators(const plan& p, const dataset& data, result& out);

class aggregator;

/// Scoring: the per-indicator stages and the aggregation into `out` (its stages, `aggregated` and
/// `node_details`), with the same values bit for bit as run_indicators followed by
/// aggregator::run with the plan's weights, methods and coverage. Where an aggregate takes the
/// arithmetic mean of indicators normalized by min_max or distance_to_max (without a transform),
/// its indicators are normalized and averaged block by block of units, while the normalized
/// values are still in cache, instead of in two passes over the whole normalized matrix. `out`'s
/// buffers are reused when nobody else holds them (re-runs). `agg` must be for `p.fw`.
void score(const plan& p, const dataset& data, result& out, aggregator& agg);

/// A reusable aggregation workspace for one framework: each aggregate's children are resolved
/// once, so repeated aggregation (uncertainty analysis re-aggregates thousands of times) does no
/// string work. Not thread-safe: use one per thread. The framework must outlive it.
class aggregator {
 public:
  /// @param ratios false: ratio nodes are not computed (their columns are NaN); analyses that
  ///        only read the root (uncertainty, leave-one-out) use this, so that a ratio's zero
  ///        denominator in some replication cannot fail it
  explicit aggregator(const framework& fw, bool ratios = true);
  /// Fills `aggregated` (resized to units x aggregates) from normalized indicator data. A ratio
  /// node's column is numerator score / denominator score (NaN where either is missing).
  /// @throws data_error naming the ratio node and the unit for a zero denominator or a negative operand
  /// @param log_normalized optional natural logs of `normalized` (same shape), reused by geometric means
  /// @param details if not null, receives the diagnostics of every node whose method reports any
  ///        (evaluation order); uncertainty analysis passes null
  void run(matrix_cref normalized, const vector& weights, const std::vector<compindex::aggregation::method>& methods,
           const std::vector<double>& coverage, const codes& units, matrix& aggregated,
           const matrix* log_normalized = nullptr, std::vector<aggregation_details>* details = nullptr);

 private:
  friend void score(const plan& p, const dataset& data, result& out, aggregator& agg);
  // run, leaving alone the aggregates marked in `done` (per node; score has computed them).
  void run_impl(matrix_cref normalized, const vector& weights, const std::vector<compindex::aggregation::method>& methods,
                const std::vector<double>& coverage, const codes& units, matrix& aggregated, const matrix* log_normalized,
                std::vector<aggregation_details>* details, const std::vector<char>* done);
  const framework* fw_;
  std::vector<codes> child_codes_;  // per aggregate column
  children_view view_;
  bool ratios_ = true;
};

/// Aggregates normalized data up the tree: units x aggregates.
/// @param weights one per node; @param methods one per node (ignored at indicators)
/// @param details if not null, receives the diagnostics of the nodes whose method reports any
matrix aggregate(const framework& fw, matrix_cref normalized, const vector& weights,
                 const std::vector<compindex::aggregation::method>& methods, const std::vector<double>& coverage,
                 const codes& units, std::vector<aggregation_details>* details = nullptr);

/// Ranks of every node: units x nodes (0 = unranked).
rank_matrix rank_nodes(const framework& fw, matrix_cref normalized, matrix_cref aggregated);

/// Runs a resolved plan.
result run(const plan& p, const dataset& data);

/// Scores an index: resolves the spec and runs it.
result build(const framework& fw, const dataset& data, const pipeline_spec& spec = {});

/// Ranks within the groups of a group column, for every node: units x nodes (0 = unranked).
rank_matrix rank_within_groups(const framework& fw, const result& r, const dataset& data, const std::string& group);

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/pipeline.ipp"
#endif
