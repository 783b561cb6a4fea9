// Scores a small composite index end to end, as a C++ tool would:
//
//   1. read the framework (one row per node) and the data (one row per unit) from CSV files;
//   2. describe the method: min-max onto 0-100, arithmetic means, the JRC/GII outlier rule;
//   3. build the index and print a ranking table and what the outlier treatment did.
//
// Usage: score_index [meta.csv data.csv]
// Without arguments it reads examples/data/meta.csv and examples/data/data.csv.
#include <compindex/compindex.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <numeric>
#include <string>
#include <vector>

#ifndef COMPINDEX_EXAMPLE_DATA_DIR
#define COMPINDEX_EXAMPLE_DATA_DIR "examples/data"
#endif

namespace {

// A score as text, "n/a" when missing.
std::string fmt(double x, const char* format = "%.2f") {
  if (std::isnan(x)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

// A rank as text, "-" when unranked (0).
std::string fmt_rank(compindex::rank_t k) { return k == compindex::unranked ? "-" : std::to_string(k); }

}  // namespace

int main(int argc, char** argv) {
  const std::string meta_path = argc > 2 ? argv[1] : COMPINDEX_EXAMPLE_DATA_DIR "/meta.csv";
  const std::string data_path = argc > 2 ? argv[2] : COMPINDEX_EXAMPLE_DATA_DIR "/data.csv";
  try {
    // 1. The framework and the data. The data table has a display name (ignored by the dataset)
    //    and a group column, `zone`, used for ranks within zones.
    const compindex::table meta = compindex::read_csv_file(meta_path);
    const compindex::table table = compindex::read_csv_file(data_path);
    const compindex::framework fw = compindex::read_framework(meta);
    compindex::data_columns columns;
    columns.unit = "unit";
    columns.groups = {"zone"};
    columns.ignore = {"name"};
    const compindex::dataset data = compindex::read_dataset(table, fw, columns);

    // 2. The method.
    compindex::pipeline_spec spec;
    spec.normalization = compindex::normalization::min_max{};
    spec.output_range = {0.0, 100.0};
    spec.aggregation = compindex::aggregation::arithmetic_mean{};
    spec.treatment = compindex::treatment::gii{};  // |skew| > 2.25 and kurtosis > 3.5: winsorize, else log

    // 3. Build.
    const compindex::result r = compindex::build(fw, data, spec);

    // The index and the pillars (the root's children), with ranks overall and within zones.
    const std::size_t root = fw.root();
    const std::vector<std::size_t>& pillars = fw.children(root);
    const compindex::vector index = r.node_scores(fw, root);
    const compindex::rank_matrix zone_ranks = compindex::rank_within_groups(fw, r, data, "zone");
    const auto name_col = table.column("name");
    const auto zone_col = table.column("zone");
    const compindex::codes& units = data.units();

    std::vector<std::size_t> order(units.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const compindex::rank_t ra = r.ranks(static_cast<compindex::index_t>(a), static_cast<compindex::index_t>(root));
      const compindex::rank_t rb = r.ranks(static_cast<compindex::index_t>(b), static_cast<compindex::index_t>(root));
      if ((ra == compindex::unranked) != (rb == compindex::unranked)) return rb == compindex::unranked;  // unranked last
      return ra < rb;
    });

    std::printf("%s: %zu units, %zu indicators, %zu aggregates (compindex %s)\n\n", fw.at(root).name.c_str(), units.size(),
                fw.n_indicators(), fw.n_aggregates(), COMPINDEX_VERSION_STRING);
    std::printf("%-4s  %-5s %-12s %-7s %8s", "Rank", "Unit", "Name", "Zone", fw.at(root).code.c_str());
    for (auto p : pillars) std::printf(" %8s", fw.at(p).code.c_str());
    std::printf("  %s\n", "Rank in zone");
    for (std::size_t k : order) {
      const auto i = static_cast<compindex::index_t>(k);
      std::printf("%-4s  %-5s %-12s %-7s %8s", fmt_rank(r.ranks(i, static_cast<compindex::index_t>(root))).c_str(),
                  units[k].c_str(), name_col >= 0 ? table.rows[k][static_cast<std::size_t>(name_col)].c_str() : "",
                  zone_col >= 0 ? table.rows[k][static_cast<std::size_t>(zone_col)].c_str() : "", fmt(index[i]).c_str());
      for (auto p : pillars) std::printf(" %8s", fmt(r.node_scores(fw, p)[i]).c_str());
      std::printf("  %s\n", fmt_rank(zone_ranks(i, static_cast<compindex::index_t>(root))).c_str());
    }

    // What the outlier treatment did, indicator by indicator.
    std::printf("\nOutlier treatment (JRC/GII rule: |skew| > 2.25 and kurtosis > 3.5)\n");
    std::printf("%-13s %8s %8s  %-20s %8s %8s\n", "Indicator", "skew", "kurt", "action", "skew'", "kurt'");
    for (const compindex::treatment_report& t : r.treatment) {
      std::string action = compindex::to_string(t.action);
      if (t.action == compindex::treatment_action::winsorized) {
        action += " (" + std::to_string(t.winsorized) + ":";
        for (auto row : t.winsorized_high) action += " " + units[static_cast<std::size_t>(row)];
        for (auto row : t.winsorized_low) action += " " + units[static_cast<std::size_t>(row)];
        action += ")";
      }
      std::printf("%-13s %8s %8s  %-20s %8s %8s\n", t.indicator.c_str(), fmt(t.skew_before).c_str(),
                  fmt(t.kurtosis_before).c_str(), action.c_str(), fmt(t.skew_after).c_str(), fmt(t.kurtosis_after).c_str());
    }

    if (!r.diagnostics.empty()) {
      std::printf("\nDiagnostics\n");
      for (const compindex::diagnostic& d : r.diagnostics) std::printf("  [%s] %s\n", d.kind.c_str(), d.message.c_str());
    }

    const std::size_t top = order.front();
    std::printf("\nTop-ranked region: %s (%s)\n", units[top].c_str(),
                name_col >= 0 ? table.rows[top][static_cast<std::size_t>(name_col)].c_str() : units[top].c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "score_index: %s\n", e.what());
    return 1;
  }
}
