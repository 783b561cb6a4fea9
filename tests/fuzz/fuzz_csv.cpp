// libFuzzer target for compindex's CSV reading: arbitrary bytes are parsed as a metadata table
// (read_csv + read_framework, then a small run on the framework it describes) and as a data table
// for a small fixed framework (read_csv + read_dataset + build). The only exceptions bad input may
// raise are compindex::spec_error and compindex::data_error; anything else (another exception, a
// crash, a sanitizer report, a hang) is a bug. Every cell also goes through parse_number.
//
//   cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCOMPINDEX_BUILD_FUZZERS=ON
//   cmake --build build/fuzz --target fuzz_csv
//   build/fuzz/tests/fuzz/fuzz_csv -max_total_time=300 /tmp/corpus tests/fuzz/corpus
//
// See docs/robustness.md.

#include <compindex/compindex.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace ci = compindex;

namespace {

// A bug: report it the way libFuzzer reports a crash (and keep the input).
[[noreturn]] void fail(const char* what, const char* detail) {
  std::fprintf(stderr, "fuzz_csv: %s: %s\n", what, detail);
  std::abort();
}

// Runs f, letting only compindex's input errors through. Returns whether f finished.
template <class F>
bool expect_input_error(F&& f) {
  try {
    f();
    return true;
  } catch (const ci::spec_error&) {
  } catch (const ci::data_error&) {
  } catch (const std::exception& e) {
    fail("unexpected exception", e.what());
  } catch (...) {
    fail("unexpected exception", "not derived from std::exception");
  }
  return false;
}

void check_message(const std::exception& e) {
  if (std::string(e.what()).empty()) fail("empty error message", "");
}

// The fixed framework for data tables: Index <- A (i1, i2), B (i3, lower is better).
const ci::framework& fixed_framework() {
  static const ci::framework fw([] {
    std::vector<ci::node> nodes(6);
    nodes[0].code = "Index";
    nodes[1].code = "A", nodes[1].parent = "Index";
    nodes[2].code = "B", nodes[2].parent = "Index", nodes[2].weight = 2.0;
    nodes[3].code = "i1", nodes[3].parent = "A";
    nodes[4].code = "i2", nodes[4].parent = "A", nodes[4].lower = 0.0, nodes[4].upper = 100.0;
    nodes[5].code = "i3", nodes[5].parent = "B", nodes[5].direction = -1;
    return nodes;
  }());
  return fw;
}

// A result must be well formed: every shape right, scores finite or missing, ranks 1..n where
// there is a score and 0 (unranked) where there is none.
void check_result(const ci::framework& fw, const ci::dataset& ds, const ci::result& r) {
  const auto n = ds.n_units();
  if (r.normalized->rows() != n || r.normalized->cols() != static_cast<ci::index_t>(fw.n_indicators()))
    fail("bad shape", "normalized");
  if (r.aggregated.rows() != n || r.aggregated.cols() != static_cast<ci::index_t>(fw.n_aggregates()))
    fail("bad shape", "aggregated");
  if (r.ranks.rows() != n || r.ranks.cols() != static_cast<ci::index_t>(fw.size())) fail("bad shape", "ranks");
  for (ci::index_t j = 0; j < r.ranks.cols(); ++j) {
    const ci::vector scores = r.node_scores(fw, static_cast<std::size_t>(j));
    for (ci::index_t i = 0; i < n; ++i) {
      const ci::rank_t k = r.ranks(i, j);
      if (std::isnan(scores[i]) ? k != ci::unranked : !(k >= 1 && k <= n)) fail("bad rank", "");
    }
  }
  for (ci::index_t j = 0; j < r.aggregated.cols(); ++j)
    for (ci::index_t i = 0; i < n; ++i)
      if (std::isinf(r.aggregated(i, j))) fail("infinite aggregate score", "");
}

// Reads text as a CSV table; false if the reader rejected it (with an input error).
bool read_table(const std::string& text, const char* source, ci::table& t) {
  return expect_input_error([&] {
    std::istringstream in(text);
    t = ci::read_csv(in, source);
  });
}

void fuzz_metadata(const std::string& text) {
  ci::table t;
  if (!read_table(text, "<meta>", t)) return;
  ci::framework fw;
  if (!expect_input_error([&] { fw = ci::read_framework(t); })) return;
  if (fw.size() > 64) return;  // keep each input cheap
  // A tiny data set for the framework it describes: three units, values 1, 2, 3 (one missing).
  const auto ni = static_cast<ci::index_t>(fw.n_indicators());
  ci::matrix v(3, ni);
  for (ci::index_t j = 0; j < ni; ++j) v.col(j) << 1.0 + static_cast<double>(j % 3), 2.0, 3.0 + static_cast<double>(j);
  if (ni > 1) v(0, 1) = ci::nan;
  ci::dataset ds({"u1", "u2", "u3"}, v);
  expect_input_error([&] { check_result(fw, ds, ci::build(fw, ds)); });
  expect_input_error([&] {
    ci::pipeline_spec s;
    s.normalization = ci::normalization::goalposts{};
    s.aggregation = ci::aggregation::geometric_mean{};
    s.output_range = {1.0, 100.0};
    s.coverage = 0.5;
    check_result(fw, ds, ci::build(fw, ds, s));
  });
}

void fuzz_data(const std::string& text) {
  ci::table t;
  if (!read_table(text, "<data>", t)) return;
  for (std::size_t r = 0; r < t.rows.size() && r < 64; ++r) {
    if (t.rows[r].size() != t.header.size()) fail("ragged table", "a row's length differs from the header's");
    for (std::size_t c = 0; c < t.rows[r].size(); ++c)
      expect_input_error([&] {
        const double x = ci::parse_number(t.rows[r][c], "<cell>");
        if (std::isinf(x)) fail("parse_number", "returned an infinite value");
      });
  }
  const auto& fw = fixed_framework();
  ci::data_columns cols;
  if (t.column("region") >= 0) cols.groups.push_back("region");
  if (t.column("pop") >= 0) cols.denominators.push_back("pop");
  if (t.column("name") >= 0) cols.ignore.push_back("name");
  ci::dataset ds;
  if (!expect_input_error([&] { ds = ci::read_dataset(t, fw, cols); })) return;
  if (ds.n_units() > 2000) return;
  expect_input_error([&] { check_result(fw, ds, ci::build(fw, ds)); });
  expect_input_error([&] {
    ci::pipeline_spec s;
    s.imputation = ci::imputation::median{};
    s.treatment = ci::treatment::gii{};
    s.normalization = ci::normalization::z_score{};
    s.aggregation = ci::aggregation::copeland{};
    if (ds.has_group("region")) s.imputation_by_indicator["i1"] = ci::imputation::group_mean{"region"};
    if (!ds.denominator_codes().empty()) s.denominators["i2"] = {"pop", 1000.0};
    check_result(fw, ds, ci::build(fw, ds, s));
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  fuzz_metadata(text);
  fuzz_data(text);
  // Messages are never empty (checked on one error path per input).
  try {
    std::istringstream in(text);
    (void)ci::read_framework(ci::read_csv(in));
  } catch (const std::exception& e) {
    check_message(e);
  }
  return 0;
}
