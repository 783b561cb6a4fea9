// Descending "min" ranks of scores, overall and within groups.

#include <boost/test/unit_test.hpp>

#include <compindex/error.hpp>
#include <compindex/ranking.hpp>

#include "kernel_test_helpers.hpp"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace compindex;
using kernel_test::check_column;
using kernel_test::NaN;
using kernel_test::vec;

BOOST_AUTO_TEST_SUITE(ranking)

BOOST_AUTO_TEST_CASE(rank_scores_ties_min) {
  // {5,3,5,1,NaN}: 5 and 5 share 1, 3 is 3rd, 1 is 4th, NaN unranked
  check_column(rank_scores(vec({5, 3, 5, 1, NaN})), {1, 3, 1, 4, NaN});
  // negatives and a leading NaN: descending 0.5, 0.5, -1, -7 -> 1, 1, 3, 4
  check_column(rank_scores(vec({NaN, -1, 0.5, 0.5, -7})), {NaN, 3, 1, 1, 4});
  check_column(rank_scores(vec({NaN, NaN})), {NaN, NaN});
  check_column(rank_scores(vec({2, 2, 2})), {1, 1, 1});
}

BOOST_AUTO_TEST_CASE(rank_columns_each_column) {
  matrix s(4, 2);
  s << 10, NaN,  //
      20, 1,     //
      20, 3,     //
      5, 2;
  const matrix r = rank_columns(s);
  BOOST_TEST_REQUIRE(r.rows() == 4);
  BOOST_TEST_REQUIRE(r.cols() == 2);
  check_column(r.col(0), {3, 1, 1, 4});    // 20, 20 -> 1; 10 -> 3; 5 -> 4
  check_column(r.col(1), {NaN, 3, 1, 2});  // 3 -> 1; 2 -> 2; 1 -> 3
}

BOOST_AUTO_TEST_CASE(within_groups) {
  // scores {10, 20, 20, 5, NaN, 30, 7, 8, 1}
  // groups { 0,  0,  0, 1,   1, -1, 1, 0, 2}
  //   group 0: 20, 20 -> 1; 10 -> 3; 8 -> 4
  //   group 1: 7 -> 1; 5 -> 2; NaN unranked
  //   group 2: 1 -> 1 (alone)
  //   group -1: unranked even with the best score
  const auto r = rank_within_groups(vec({10, 20, 20, 5, NaN, 30, 7, 8, 1}), {0, 0, 0, 1, 1, -1, 1, 0, 2});
  check_column(r, {3, 1, 1, 2, NaN, NaN, 1, 4, 1});
  BOOST_CHECK_THROW(rank_within_groups(vec({1, 2}), {0}), spec_error);
}

BOOST_AUTO_TEST_CASE(one_group_equals_overall) {
  const vector s = vec({0.3, NaN, 0.9, 0.3, -2});
  check_column(rank_within_groups(s, std::vector<int>(5, 0)), rank_scores(s));
}

BOOST_AUTO_TEST_CASE(radix_path_matches_the_definition) {
  // Above 256 scores the ranks come from a radix sort of the scores' bits. Check them against the
  // definition, rank = 1 + the number of strictly higher scores, on values that stress the key:
  // negatives, -0 and +0 (equal, so tied), ties, infinities, denormal and huge magnitudes, NaN.
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<int> pick(0, 9);
  const double specials[] = {0.0, -0.0, 5e-324, -5e-324, 1e300, -1e300, std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(), 42.0, NaN};  // 5e-324: the smallest denormal
  for (const index_t n : {300, 5000}) {
    vector x(n);
    for (index_t i = 0; i < n; ++i) x[i] = pick(gen) < 3 ? specials[pick(gen)] : std::round(u(gen) * 200.0) / 8.0;
    rank_workspace ws;
    rank_vector r(n);
    rank_scores_into(x.data(), n, r.data(), ws);
    const vector rd = rank_scores(x);
    int wrong = 0;
    for (index_t i = 0; i < n; ++i) {
      if (std::isnan(x[i])) {
        wrong += r[i] != unranked || !std::isnan(rd[i]);
        continue;
      }
      rank_t higher = 0;
      for (index_t k = 0; k < n; ++k) higher += !std::isnan(x[k]) && x[k] > x[i];
      wrong += r[i] != higher + 1 || rd[i] != higher + 1;
    }
    BOOST_TEST(wrong == 0, "n = " << n);
  }
}

BOOST_AUTO_TEST_CASE(integer_ranks_and_back) {
  // 32-bit ranks keep 0 for unranked; ranks_as_double turns it back into NaN.
  const vector x = vec({5, NaN, 7, 5});
  rank_workspace ws;
  rank_vector r(4);
  rank_scores_into(x.data(), 4, r.data(), ws);
  BOOST_TEST((r == (rank_vector(4) << 2, unranked, 1, 2).finished()));
  check_column(ranks_as_double(r), {2, NaN, 1, 2});
}

BOOST_AUTO_TEST_SUITE_END()
