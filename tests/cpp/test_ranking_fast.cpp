// The ranking kernel (rank_scores_into) against the implementation it replaced, bit for bit.
//
// The oracle below is compindex's own rank_scores_into as it was before the reduced-key radix
// sort (an LSD radix sort on the high 32 bits of each score's descending key, runs resolved by the
// full key), copied here unchanged apart from its names. Both must give the same 32-bit ranks
// (1 = best, equal scores share the best place, +0 == -0, NaN unranked = 0) on every column.
// A brute-force count (rank = 1 + the number of strictly higher scores) checks both on the
// smaller columns, so a fault shared by the two cannot pass unnoticed.

#include <boost/test/unit_test.hpp>

#include "reference/previous_ranking.hpp"

#include <compindex/ranking.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace compindex;

namespace {

// The oracle: rank_scores_into before the change (tests/cpp/reference/previous_ranking.hpp).
using previous_ranking::oracle_rank;
using previous_ranking::oracle_workspace;

// ---- Columns ----------------------------------------------------------------------------------

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double denorm_min = std::numeric_limits<double>::denorm_min();

// A column of kind `kind` with n values (see the cases in `kinds`).
std::vector<double> make_column(int kind, std::size_t n, std::mt19937_64& g) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> z(0.0, 1.0);
  std::vector<double> x(n);
  auto pick = [&](std::size_t k) { return static_cast<std::size_t>(u(g) * static_cast<double>(k)) % k; };
  switch (kind) {
    case 0:  // uniform on [-1, 1]
      for (auto& v : x) v = 2.0 * u(g) - 1.0;
      break;
    case 1: {  // log-normal, min-max normalized to [0, 100] (exact 0 and 100), 2% missing
      for (auto& v : x) v = std::exp(1.2 * z(g));
      if (x.empty()) break;
      const double lo = *std::min_element(x.begin(), x.end()), hi = *std::max_element(x.begin(), x.end());
      for (auto& v : x) v = hi > lo ? (v - lo) / (hi - lo) * 100.0 : 0.0;
      for (auto& v : x)
        if (u(g) < 0.02) v = NaN;
      break;
    }
    case 2: {  // specials: NaN, +-0, ties, denormals, +-inf, huge and tiny magnitudes
      const double specials[] = {0.0, -0.0, denorm_min, -denorm_min, 3 * denorm_min, 1e-310, -1e-310, 1e300, -1e300,
                                 inf, -inf, 42.0, 42.0, NaN, -NaN, std::numeric_limits<double>::min(),
                                 std::numeric_limits<double>::max(), -std::numeric_limits<double>::max()};
      for (auto& v : x) v = u(g) < 0.4 ? specials[pick(std::size(specials))] : std::round((2.0 * u(g) - 1.0) * 200.0) / 8.0;
      break;
    }
    case 3:  // constant
      for (auto& v : x) v = 3.25;
      break;
    case 4:  // constant with missing values
      for (auto& v : x) v = u(g) < 0.3 ? NaN : -7.5;
      break;
    case 5: {  // values differing only in their last bits: 1 + k ulps, k < 64
      for (auto& v : x) {
        v = 1.0;
        for (std::size_t k = pick(64); k > 0; --k) v = std::nextafter(v, 2.0);
      }
      break;
    }
    case 6:  // a narrow range, as an aggregate's scores: normal around 21.3, sd 0.8
      for (auto& v : x) v = 21.3 + 0.8 * z(g);
      break;
    case 7:  // few distinct values (percentile ranks in tenths), some missing
      for (auto& v : x) v = u(g) < 0.05 ? NaN : static_cast<double>(pick(11)) / 10.0;
      break;
    case 8:  // all missing
      for (auto& v : x) v = NaN;
      break;
    case 9:  // one 0 far below scores packed into 1 + [0, 1e-9]: distinct scores sharing reduced keys
      for (auto& v : x) v = 1.0 + 1e-9 * u(g);
      if (n > 0) x[pick(n)] = 0.0;
      break;
    case 10:  // only zeros of both signs and negative ties
      for (auto& v : x) v = u(g) < 0.5 ? (u(g) < 0.5 ? 0.0 : -0.0) : -static_cast<double>(pick(3));
      break;
    case 11:  // heavy tail: Pareto with index 0.5 (max far above the bulk), negatives mirrored
      for (auto& v : x) v = (u(g) < 0.5 ? -1.0 : 1.0) / std::pow(1.0 - u(g), 2.0);
      break;
    default:  // integers with many ties
      for (auto& v : x) v = static_cast<double>(pick(std::max<std::size_t>(1, n / 20)));
      break;
  }
  return x;
}

constexpr int kinds = 13;
const char* kind_name[kinds] = {"uniform", "log-normal 0-100", "specials", "constant", "constant with NaN",
                                "last bits", "narrow", "few distinct", "all NaN", "0 far below a packed bulk",
                                "zeros and negative ties", "heavy tail", "integers with ties"};

// 1 + the number of strictly higher scores, 0 for NaN.
std::vector<rank_t> brute_force(const std::vector<double>& x) {
  std::vector<rank_t> r(x.size(), unranked);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) continue;
    rank_t higher = 0;
    for (double v : x) higher += v > x[i];
    r[i] = higher + 1;
  }
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ranking_fast)

BOOST_AUTO_TEST_CASE(matches_the_previous_kernel_bit_for_bit) {
  std::mt19937_64 g(20261204);
  rank_workspace ws;  // one workspace for every column: reuse across sizes must not matter
  oracle_workspace ows;
  const std::size_t sizes[] = {0, 1, 2, 3, 17, 127, 128, 129, 255, 256, 257, 1000, 4099, 100000};
  int columns = 0;
  for (int kind = 0; kind < kinds; ++kind)
    for (const std::size_t n : sizes)
      for (int rep = 0; rep < (n >= 100000 ? 1 : 3); ++rep) {
        const std::vector<double> x = make_column(kind, n, g);
        std::vector<rank_t> got(n, -7), want(n, -9);  // every cell must be written
        rank_scores_into(x.data(), static_cast<index_t>(n), got.data(), ws);
        oracle_rank(x.data(), static_cast<index_t>(n), want.data(), ows);
        std::size_t differ = 0, first = n;
        for (std::size_t i = 0; i < n; ++i)
          if (got[i] != want[i]) {
            ++differ;
            first = std::min(first, i);
          }
        BOOST_TEST(differ == 0u, kind_name[kind] << ", n = " << n << ": " << differ << " ranks differ, first at row " << first
                                                 << (first < n ? " (" + std::to_string(got[first]) + " vs " + std::to_string(want[first]) + ")" : std::string()));
        if (n <= 1000) BOOST_TEST((want == brute_force(x)), kind_name[kind] << ", n = " << n << ": the oracle disagrees with the count");
        ++columns;
      }
  BOOST_TEST(columns == kinds * 40);
}

BOOST_AUTO_TEST_CASE(hand_checked_cases) {
  rank_workspace ws;
  auto ranks = [&](std::vector<double> x) {
    std::vector<rank_t> r(x.size(), -1);
    rank_scores_into(x.data(), static_cast<index_t>(x.size()), r.data(), ws);
    return r;
  };
  // -0 and +0 tie: descending 3, 0, -0, -0, -1 -> 1, 2, 2, 2, 5
  BOOST_TEST((ranks({-0.0, 3.0, 0.0, -1.0, -0.0}) == std::vector<rank_t>{2, 1, 2, 5, 2}));
  // infinities rank like any score: inf 1st, 5 2nd, -inf 3rd; NaN unranked
  BOOST_TEST((ranks({5.0, -inf, NaN, inf}) == std::vector<rank_t>{2, 3, 0, 1}));
  // two scores one ulp apart are distinct: 1 + ulp first, then the two 1s share place 2
  BOOST_TEST((ranks({1.0, std::nextafter(1.0, 2.0), 1.0}) == std::vector<rank_t>{2, 1, 2}));
  // the smallest denormal is above zero: 5e-324 1st, 0 and -0 share 2nd
  BOOST_TEST((ranks({0.0, denorm_min, -0.0}) == std::vector<rank_t>{2, 1, 2}));
  BOOST_TEST(ranks({}).empty());
  BOOST_TEST((ranks({NaN}) == std::vector<rank_t>{0}));
}

BOOST_AUTO_TEST_CASE(large_columns_with_ties_and_close_values) {
  // 300 units (the radix path): 0 once, then 100 ties at 1.0, then 1 + k ulps for k = 1..199;
  // the highest is 1 + 199 ulps (rank 1), ..., 1 + 1 ulp is rank 199, the hundred 1.0s share 200,
  // and 0 is 300th.
  std::vector<double> x(300);
  x[0] = 0.0;
  for (int i = 1; i <= 100; ++i) x[static_cast<std::size_t>(i)] = 1.0;
  double v = 1.0;
  for (int i = 101; i < 300; ++i) x[static_cast<std::size_t>(i)] = v = std::nextafter(v, 2.0);
  rank_workspace ws;
  std::vector<rank_t> r(300);
  rank_scores_into(x.data(), 300, r.data(), ws);
  BOOST_TEST(r[0] == 300);
  for (int i = 1; i <= 100; ++i) BOOST_TEST(r[static_cast<std::size_t>(i)] == 200);
  for (int i = 101; i < 300; ++i) BOOST_TEST(r[static_cast<std::size_t>(i)] == 300 - i);
}

BOOST_AUTO_TEST_SUITE_END()
