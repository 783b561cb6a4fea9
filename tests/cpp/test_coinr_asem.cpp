// Reproduces COINr's ASEM example (COINr 1.1.14's default pipeline) from its raw data: treatment
// with COINr's thresholds (skew 2, kurtosis 3.5, up to 5 points), min-max onto 0-100, weighted
// arithmetic mean over available children. The reference files live in
// ../shared/reference/coinr_asem/; the suite is skipped when they are absent.
#include <boost/test/unit_test.hpp>

#include <compindex/io.hpp>
#include <compindex/pipeline.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <string>

namespace ci = compindex;

namespace {

const std::string asem_dir = std::string(COMPINDEX_REFERENCE_DIR) + "/coinr_asem/";

// Skips a test (with a message) when the reference folder is not beside the repository.
boost::test_tools::assertion_result asem_present(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result ok(std::ifstream(asem_dir + "iMeta.csv").good());
  ok.message() << "COINr ASEM reference files not found in " << asem_dir;
  return ok;
}

struct asem {
  ci::framework fw;
  ci::dataset data;
  ci::result res;
};

// The framework from COINr's iMeta: Indicator and Aggregate rows only.
ci::framework asem_framework() {
  auto meta = ci::read_csv_file(asem_dir + "iMeta.csv");
  std::vector<ci::node> nodes;
  for (auto& row : meta.rows) {
    const std::string type = row[static_cast<std::size_t>(meta.column("Type"))];
    if (type != "Indicator" && type != "Aggregate") continue;
    ci::node nd;
    nd.code = row[static_cast<std::size_t>(meta.column("iCode"))];
    const std::string parent = row[static_cast<std::size_t>(meta.column("Parent"))];
    nd.parent = parent == "NA" ? "" : parent;
    nd.weight = ci::parse_number(row[static_cast<std::size_t>(meta.column("Weight"))], "Weight");
    nd.direction = static_cast<int>(ci::parse_number(row[static_cast<std::size_t>(meta.column("Direction"))], "Direction"));
    nd.kind = type == "Indicator" ? ci::node_kind::indicator : ci::node_kind::aggregate;
    nodes.push_back(nd);
  }
  return ci::framework(std::move(nodes));
}

const asem& fixture() {
  static const asem a = [] {
    asem x{asem_framework(), {}, {}};
    auto t = ci::read_csv_file(asem_dir + "iData.csv");
    ci::data_columns cols;
    cols.unit = "uCode";
    cols.groups = {"GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"};
    cols.denominators = {"Area", "Energy", "GDP", "Population"};
    cols.ignore = {"uName", "Time"};
    x.data = ci::read_dataset(t, x.fw, cols);
    ci::pipeline_spec spec;
    spec.treatment = ci::treatment::gii{2.0, 3.5, 5, ci::treatment::log_kind::coin_tool};
    x.res = ci::build(x.fw, x.data, spec);
    return x;
  }();
  return a;
}

// A reference table keyed by unit (rows) and column name.
struct ref_table {
  ci::table t;
  std::map<std::string, std::size_t> row_of;
  explicit ref_table(const std::string& file) : t(ci::read_csv_file(asem_dir + file)) {
    for (std::size_t r = 0; r < t.rows.size(); ++r) row_of[t.rows[r][0]] = r;
  }
  const std::string& cell(const std::string& unit, const std::string& col) const {
    return t.rows.at(row_of.at(unit)).at(static_cast<std::size_t>(t.column(col)));
  }
  double value(const std::string& unit, const std::string& col) const { return ci::parse_number(cell(unit, col), file_where()); }
  std::string file_where() const { return t.source; }
};

// Largest absolute difference between our column and the reference column, NaN matching NaN.
double max_diff(const ref_table& ref, const std::string& col, const ci::vector& ours, const ci::codes& units,
                int* nan_mismatch) {
  double worst = 0.0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const double r = ref.value(units[i], col), o = ours[static_cast<ci::index_t>(i)];
    if (std::isnan(r) || std::isnan(o)) {
      *nan_mismatch += std::isnan(r) != std::isnan(o);
      continue;
    }
    worst = std::max(worst, std::abs(r - o));
  }
  return worst;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(coinr_asem)

BOOST_AUTO_TEST_CASE(structure, *boost::unit_test::precondition(asem_present)) {
  const auto& a = fixture();
  BOOST_TEST(a.fw.n_indicators() == 49u);
  BOOST_TEST(a.data.n_units() == 51);
  BOOST_TEST(a.fw.at(a.fw.root()).code == "Index");
  BOOST_TEST(a.fw.max_level() == 4);
  int missing = 0;
  for (ci::index_t i = 0; i < a.data.values().size(); ++i) missing += std::isnan(a.data.values().data()[i]);
  BOOST_TEST(missing == 63);
}

BOOST_AUTO_TEST_CASE(treated_data_and_points, *boost::unit_test::precondition(asem_present)) {
  const auto& a = fixture();
  ref_table treated("treated.csv"), points("treated_points.csv"), details("treatment_details.csv");
  const auto ind = a.fw.indicator_codes();
  const auto& units = a.data.units();
  for (std::size_t j = 0; j < ind.size(); ++j) {
    int nan_mismatch = 0;
    const double d = max_diff(treated, ind[j], a.res.treated->col(static_cast<ci::index_t>(j)), units, &nan_mismatch);
    BOOST_TEST_CONTEXT("indicator " << ind[j]) {
      BOOST_TEST(d <= 1e-9);
      BOOST_TEST(nan_mismatch == 0);
      // Which points were winsorized, high or low.
      const auto& rep = a.res.treatment[j];
      for (std::size_t i = 0; i < units.size(); ++i) {
        const auto row = static_cast<ci::index_t>(i);
        std::string ours;
        if (std::find(rep.winsorized_high.begin(), rep.winsorized_high.end(), row) != rep.winsorized_high.end()) ours = "winhi";
        if (std::find(rep.winsorized_low.begin(), rep.winsorized_low.end(), row) != rep.winsorized_low.end()) ours = "winlo";
        BOOST_TEST(ours == points.cell(units[i], ind[j]), "unit " << units[i]);
      }
      // Skewness and kurtosis before treatment, and the number of points winsorized.
      const std::size_t r = details.row_of.at(ind[j]);
      const auto& drow = details.t.rows[r];
      BOOST_TEST(rep.skew_before == ci::parse_number(drow[2], "skew"), boost::test_tools::tolerance(1e-9));
      BOOST_TEST(rep.kurtosis_before == ci::parse_number(drow[3], "kurt"), boost::test_tools::tolerance(1e-9));
      const double nwin = ci::parse_number(drow[4], "nwin");
      BOOST_TEST(rep.winsorized == (std::isnan(nwin) ? 0 : static_cast<int>(nwin)));
      BOOST_TEST((rep.action == ci::treatment_action::log_transformed) == false);
    }
  }
}

BOOST_AUTO_TEST_CASE(normalized_and_aggregated, *boost::unit_test::precondition(asem_present)) {
  const auto& a = fixture();
  ref_table normalised("normalised.csv"), aggregated("aggregated.csv");
  const auto& units = a.data.units();
  const auto ind = a.fw.indicator_codes();
  for (std::size_t j = 0; j < ind.size(); ++j) {
    int nan_mismatch = 0;
    const double d = max_diff(normalised, ind[j], a.res.normalized->col(static_cast<ci::index_t>(j)), units, &nan_mismatch);
    BOOST_TEST(d <= 1e-9, "indicator " << ind[j] << ": max difference " << d);
    BOOST_TEST(nan_mismatch == 0, "indicator " << ind[j]);
  }
  for (std::size_t i = 0; i < a.fw.size(); ++i) {
    int nan_mismatch = 0;
    const auto& code = a.fw.at(i).code;
    const double d = max_diff(aggregated, code, a.res.node_scores(a.fw, i), units, &nan_mismatch);
    BOOST_TEST(d <= 1e-9, "node " << code << ": max difference " << d);
    BOOST_TEST(nan_mismatch == 0, "node " << code);
  }
}

BOOST_AUTO_TEST_CASE(ranks_and_headline, *boost::unit_test::precondition(asem_present)) {
  const auto& a = fixture();
  ref_table ranks("ranks.csv");
  const auto& units = a.data.units();
  for (std::size_t i = 0; i < a.fw.size(); ++i) {
    const auto& code = a.fw.at(i).code;
    int mismatches = 0;
    for (std::size_t u = 0; u < units.size(); ++u) {
      const ci::rank_t k = a.res.ranks(static_cast<ci::index_t>(u), static_cast<ci::index_t>(i));
      const double r = ranks.value(units[u], code), o = k == ci::unranked ? std::nan("") : k;
      mismatches += !((std::isnan(r) && std::isnan(o)) || r == o);
    }
    BOOST_TEST(mismatches == 0, "node " << code);
  }
  // The README's headline: DEU 78.98 (1), GBR 72.18 (2), FRA 70.41 (3), CHE 65.20 (4), NLD 64.35 (5).
  const auto root = static_cast<ci::index_t>(a.fw.root());
  const std::map<std::string, std::pair<double, double>> headline{
      {"DEU", {78.98, 1}}, {"GBR", {72.18, 2}}, {"FRA", {70.41, 3}}, {"CHE", {65.20, 4}}, {"NLD", {64.35, 5}}};
  for (std::size_t u = 0; u < units.size(); ++u) {
    auto it = headline.find(units[u]);
    if (it == headline.end()) continue;
    BOOST_TEST(std::round(100 * a.res.node_scores(a.fw, a.fw.root())[static_cast<ci::index_t>(u)]) / 100 == it->second.first);
    BOOST_TEST(a.res.ranks(static_cast<ci::index_t>(u), root) == it->second.second);
  }
}

BOOST_AUTO_TEST_CASE(effective_weights, *boost::unit_test::precondition(asem_present)) {
  const auto& a = fixture();
  auto t = ci::read_csv_file(asem_dir + "effective_weights.csv");
  for (auto& row : t.rows) {
    const auto i = a.fw.index_of(row[0]);
    BOOST_TEST(a.res.effective_weights[static_cast<ci::index_t>(i)] == ci::parse_number(row[3], "EffWeight"),
               boost::test_tools::tolerance(1e-12));
  }
  double sum = 0;
  for (auto i : a.fw.indicators()) sum += a.res.effective_weights[static_cast<ci::index_t>(i)];
  BOOST_TEST(sum == 1.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
