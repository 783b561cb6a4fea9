#pragma once
/// @file uncertainty.hpp
/// Uncertainty and sensitivity analysis of ranks.
///
/// Uncertain choices are declared as typed factors (weights, normalization, aggregation,
/// imputation, treatment, indicator exclusion). Each factor reads one or more uniform variates
/// u in [0, 1): a discrete choice among L alternatives takes alternative floor(u L); a weight takes
/// w0 (1 + spread (2u - 1)). Replication i draws its variates from a counter-based generator keyed
/// by (seed, i) or from point i of a digitally shifted Sobol sequence, so its result does not
/// depend on how replications are split over threads or machines.
///
/// Replications share what does not change: the treated and normalized data are computed once per
/// combination of the per-indicator choices (imputation x treatment x normalization) and reused;
/// each replication only re-weights, re-aggregates and re-ranks. The exception is a stochastic
/// imputation (imputation::em_draw): a replication using it re-runs the per-indicator stages with
/// its own draw, from Philox stream replication + 1, so it stays thread-count invariant.
///
/// When every aggregate is an arithmetic or a geometric mean (in every alternative) and no node is
/// a ratio, a replication is one pass over the cached data: per aggregate, a weighted sum over the
/// units with the library's arithmetic (normalized weights cached for nodes whose children's
/// weights never vary; the natural logs of each normalized data set cached for geometric means),
/// so its scores are those of the general path to the bit; a node with a missing value, a
/// non-finite result or a value a geometric mean refuses is handed to the library's node method.

#include "aggregation.hpp"
#include "config.hpp"
#include "error.hpp"
#include "framework.hpp"
#include "imputation.hpp"
#include "normalization.hpp"
#include "pipeline.hpp"
#include "sobol_indices.hpp"
#include "treatment.hpp"
#include "types.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace compindex {
namespace uncertainty {

/// Weights of chosen nodes vary: uniformly within w0 (1 +/- spread), or (Monte Carlo only) jointly
/// among siblings from a Dirichlet distribution centred on the nominal shares with the given
/// concentration (larger = tighter). Weights renormalize within each parent when aggregated.
struct weights_factor {
  std::string name = "weights";
  std::vector<std::string> nodes;  ///< the nodes whose weight varies; empty: every node but the root
  double spread = 0.25;
  bool dirichlet = false;
  double concentration = 100.0;
};

/// The normalization of every indicator is one of the alternatives.
struct normalization_factor {
  std::string name = "normalization";
  std::vector<compindex::normalization::method> alternatives;
};

/// The aggregation of the chosen aggregates is one of the alternatives (one choice for all of them).
struct aggregation_factor {
  std::string name = "aggregation";
  std::vector<compindex::aggregation::method> alternatives;
  std::vector<std::string> nodes;  ///< empty: every aggregate (or those of `level` if set)
  int level = 0;                   ///< if > 0 and nodes is empty: the aggregates of this level
};

/// The imputation of every indicator is one of the alternatives (per-indicator or multivariate
/// methods; em_draw draws anew in every replication).
struct imputation_factor {
  std::string name = "imputation";
  std::vector<compindex::imputation::method> alternatives;
};

/// The outlier treatment of every indicator is one of the alternatives (on/off, thresholds).
struct treatment_factor {
  std::string name = "treatment";
  std::vector<compindex::treatment::method> alternatives;
};

/// One node (indicator or aggregate) at a time is left out (weight 0), or none. An aggregate whose
/// every child is left out has no score, and its parent renormalizes over its other children.
struct exclusion_factor {
  std::string name = "exclusion";
  std::vector<std::string> candidates;  ///< empty: every indicator
  bool include_none = true;             ///< keeping every node is one of the alternatives
};

/// The weights are one of several weight sets: "nominal" (or "") is the nominal run's weights, any
/// other name a named weight set of the framework (framework::add_weight_set), with the nominal
/// spec's per-node overrides on top. A weights_factor then perturbs the chosen set's weights.
struct weight_sets_factor {
  std::string name = "weight_sets";
  std::vector<std::string> sets;
};

using factor = std::variant<weights_factor, normalization_factor, aggregation_factor, imputation_factor, treatment_factor,
                            exclusion_factor, weight_sets_factor>;

enum class sampler { monte_carlo, sobol };

struct options {
  std::size_t n = 1000;     ///< replications (uncertainty) or base sample size (sensitivity)
  std::uint64_t seed = 0;
  unsigned threads = 0;     ///< 0: all hardware threads
  sampler sampling = sampler::sobol;
};

/// Cooperative control of a long evaluation by other threads. The engine hands out the rows in
/// blocks; between blocks each worker thread reads `stop` and adds the rows it finished to `done`.
/// Neither changes any result: a row's value depends only on its replication number.
struct control {
  const std::atomic<bool>* stop = nullptr;   ///< when it reads true, evaluate throws `interrupted`
  std::atomic<std::size_t>* done = nullptr;  ///< incremented by the rows of every finished block
  std::size_t block = 0;                     ///< rows per block (0: automatic, 1 to 16)
};

/// A replication that could not be computed, and why.
struct failure {
  std::size_t replication = 0;
  std::string reason;
};

/// What replications produced.
struct replications {
  std::vector<std::size_t> index;  ///< the replication numbers computed (rows below)
  matrix ranks;                    ///< rows x units: the root's rank (NaN: failed or unranked)
  matrix scores;                   ///< rows x units: the root's score
  matrix inputs;                   ///< rows x dims: the uniform variates each replication used
  matrix weights_used;             ///< rows x nodes: the weights used (empty without a weights or weight-sets factor)
  std::vector<std::vector<int>> choices;  ///< rows x factors: the alternative taken (-1: continuous)
  std::vector<failure> failures;
};

/// Uncertainty analysis summary.
struct ua_result {
  codes units;
  std::vector<std::string> factor_names;
  std::vector<std::string> input_names;  ///< one per uniform variate ("weights:P1", "normalization", ...)
  vector nominal_ranks, nominal_scores;
  replications runs;
  vector mean_rank, median_rank, p05_rank, p95_rank;  ///< per unit, over successful replications
  vector mean_abs_shift;                              ///< per replication: mean |nominal - rank| over units
  matrix outrank_probability;                         ///< units x units: P(rank_i < rank_j)
  std::size_t n_successful = 0;
};

/// Sensitivity analysis result: Sobol indices of a scalar output, one per factor.
struct sa_result {
  std::vector<std::string> factor_names;
  std::string output;  ///< "rank of <unit>" or "mean absolute rank shift"
  sensitivity::sobol_result indices;
  vector y;            ///< the output of every design row
  replications runs;
};

/// The replication engine: the nominal run, the factors, and the cache of per-indicator stage
/// variants. Build it once; evaluate any replication rows, in any order, on any thread count.
class engine {
 public:
  /// @throws spec_error for an empty or unknown alternative list, unknown codes, a spread
  ///         outside [0, 1), an exclusion that leaves nothing, an unknown weight set
  engine(const framework& fw, const dataset& data, const pipeline_spec& nominal, std::vector<factor> factors);
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  std::size_t dims() const noexcept;
  std::size_t n_factors() const noexcept;
  const std::vector<std::string>& factor_names() const noexcept;
  const std::vector<std::string>& input_names() const noexcept;
  /// Which factor each uniform variate belongs to (the grouping for sensitivity analysis).
  const std::vector<std::size_t>& group_of_input() const noexcept;
  const result& nominal() const noexcept;
  const codes& units() const noexcept;
  const framework& fw() const noexcept;
  /// The nominal ranks of the root, per unit.
  vector nominal_ranks() const;

  /// The uniform variates of replications [first, first + count) for uncertainty analysis.
  matrix sample(std::size_t first, std::size_t count, const options& opt) const;

  /// Evaluates design rows. Row r of `inputs` is replication `first + r` (its number is used
  /// only to seed Dirichlet weights). Failed replications are recorded, never dropped.
  /// Threads take blocks of rows in turn; `ctl` can stop the evaluation between blocks and counts
  /// the rows done. The engine is immutable: any number of threads may evaluate it at once.
  /// @throws interrupted when `*ctl.stop` becomes true before every block is done
  replications evaluate(const matrix& inputs, std::size_t first, const options& opt, const control& ctl = {}) const;

 private:
  struct impl;
  std::unique_ptr<impl> p_;
};

/// Summarizes replications against the nominal ranks.
ua_result summarize(const engine& e, replications runs, const options& opt);

/// N replications, all cores, summary statistics.
ua_result uncertainty_analysis(const framework& fw, const dataset& data, const pipeline_spec& nominal,
                               const std::vector<factor>& factors, const options& opt = {});

/// Sobol first- and total-order indices of a unit's rank (target_unit non-empty) or of the mean
/// absolute rank shift, with factors as groups, on a Saltelli design of n (k + 2) replications.
/// @throws computation_error when replications fail (the message lists them)
sa_result sensitivity_analysis(const framework& fw, const dataset& data, const pipeline_spec& nominal,
                               const std::vector<factor>& factors, const std::string& target_unit, const options& opt = {},
                               const sensitivity::sobol_options& sobol = {});

/// The scalar output of sensitivity analysis for each replication row.
vector sensitivity_output(const engine& e, const replications& runs, const std::string& target_unit);

/// Leave one out: each node in turn gets weight 0 (its siblings share its weight).
struct loo_result {
  codes units;
  std::vector<std::string> removed;  ///< the node left out, per row
  matrix ranks;                      ///< removed x units: the root's rank without that node
  matrix rank_change;                ///< removed x units: nominal rank - rank (positive: climbs)
  vector mean_abs_change;            ///< per removed node
  vector nominal_ranks;
};
loo_result leave_one_out(const framework& fw, const dataset& data, const pipeline_spec& nominal,
                         const std::vector<std::string>& nodes);

}  // namespace uncertainty
}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/uncertainty.ipp"
#endif
