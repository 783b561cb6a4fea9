// The embedded PII data: the framework's shape, the provinces, the (SIMULATED) demonstration data,
// and that the embedded text is byte for byte the files in data/pii/.
#include <boost/test/unit_test.hpp>

#include <compindex/datasets.hpp>
#include <compindex/io.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace ci = compindex;
namespace ds = compindex::datasets;

namespace {

std::string data_file(const std::string& name) {
  // The source tree's data/ (not __FILE__, which a compiler cache may make relative).
  std::ifstream f(std::string(COMPINDEX_DATA_DIR) + "/pii/" + name, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

ci::table parse(std::string_view text) {
  std::istringstream in{std::string(text)};
  return ci::read_csv(in, "embedded");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(datasets)

BOOST_AUTO_TEST_CASE(embedded_text_is_the_data_files) {
  BOOST_TEST(ds::pii_framework_csv() == data_file("framework.csv"));
  BOOST_TEST(ds::pii_provinces_csv() == data_file("provinces.csv"));
  BOOST_TEST(ds::pii_demo_csv() == data_file("demo_data.csv"));
  BOOST_TEST(ds::pii_published_csv() == data_file("results_published.csv"));
  BOOST_TEST(ds::pii_framework_csv().size() > 16000u);  // more than one embedded piece
}

BOOST_AUTO_TEST_CASE(pii_framework_shape) {
  const auto fw = ds::pii_framework();
  BOOST_TEST(fw.n_indicators() == 52u);
  BOOST_TEST(fw.size() == 77u);
  BOOST_TEST(fw.at(fw.root()).code == "PII");
  // Pillars: the children of the two sub-indices IN (1-5) and OUT (6-7).
  std::size_t pillars = 0;
  for (auto sub : fw.children(fw.root())) pillars += fw.children(sub).size();
  BOOST_TEST(pillars == 7u);
  BOOST_TEST(fw.children(fw.index_of("IN")).size() == 5u);
  BOOST_TEST(fw.at(fw.index_of("4.1.2")).direction == -1);
  int inverse = 0;
  for (auto i : fw.indicators()) inverse += fw.at(i).direction == -1;
  BOOST_TEST(inverse == 1);
  BOOST_TEST(fw.at(fw.index_of("6.2.4")).name == "Geographical-indication applications / number of communes");
}

BOOST_AUTO_TEST_CASE(provinces_and_published) {
  const auto p = parse(ds::pii_provinces_csv());
  BOOST_TEST(p.rows.size() == 63u);
  const auto code = static_cast<std::size_t>(p.column("code"));
  bool can_tho = false;
  for (auto& r : p.rows) can_tho = can_tho || (r[code] == "92" && r[static_cast<std::size_t>(p.column("name"))] == "Can Tho");
  BOOST_TEST(can_tho);
  BOOST_TEST(parse(ds::pii_published_csv()).column("component") >= 0);
}

BOOST_AUTO_TEST_CASE(simulated_demo_scores) {
  const auto fw = ds::pii_framework();
  const auto d = ds::pii_demo(2024);
  BOOST_TEST(d.n_units() == 63);
  BOOST_TEST(d.values().cols() == 52);
  BOOST_TEST(d.values().array().isNaN().count() > 0);  // some cells are blank
  ci::pipeline_spec spec;
  spec.treatment = ci::treatment::gii{};
  const auto r = ci::build(fw, d, spec);
  const auto root = r.node_scores(fw, fw.root());
  BOOST_TEST(root.array().isFinite().all());
  BOOST_TEST(ds::pii_demo(2023).n_units() == 63);
  try {
    ds::pii_demo(2025);
    BOOST_TEST(false);
  } catch (const ci::data_error& e) {
    BOOST_TEST(std::string(e.what()).find("2023, 2024") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
