// Imputation of missing values against hand-computed means and medians.

#include <boost/test/unit_test.hpp>

#include <compindex/imputation.hpp>

#include "kernel_test_helpers.hpp"

#include <string>
#include <vector>

using namespace compindex;
namespace im = compindex::imputation;
using kernel_test::check_column;
using kernel_test::message_has;
using kernel_test::NaN;
using kernel_test::vec;

namespace {

using rows = std::vector<index_t>;

struct imputed {
  vector x;
  imputation_report rep;
};

imputed impute(const im::method& m, const vector& raw, const std::vector<int>& groups = {}) {
  imputed r{raw, {}};
  r.rep = impute_column(m, r.x, groups, "IND");
  return r;
}

// Present values 1, 2, 6, 13, 7, 9 -> mean 38/6, sorted 1,2,6,7,9,13 -> median (6+7)/2 = 6.5
//   group 0: {1}          -> mean 1, median 1        (row 1 missing)
//   group 1: {2, 6, 13}   -> mean 21/3 = 7, median 6 (row 5 missing)
//   group 2: {7, 9}       -> nothing missing
//   group 3: {}           -> row 8 falls back to the overall value
const vector grouped_x = vec({1, NaN, 2, 6, 13, NaN, 7, 9, NaN});
const std::vector<int> groups = {0, 0, 1, 1, 1, 1, 2, 2, 3};

void check_rows(const rows& got, const rows& want) { BOOST_TEST(got == want, boost::test_tools::per_element()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(imputation)

BOOST_AUTO_TEST_CASE(mean_and_median) {
  const auto m = impute(im::mean{}, grouped_x);
  check_column(m.x, {1, 38.0 / 6, 2, 6, 13, 38.0 / 6, 7, 9, 38.0 / 6});
  check_rows(m.rep.rows, {1, 5, 8});
  BOOST_TEST(m.rep.fallback_rows.empty());
  const auto d = impute(im::median{}, grouped_x);
  check_column(d.x, {1, 6.5, 2, 6, 13, 6.5, 7, 9, 6.5});
  check_rows(d.rep.rows, {1, 5, 8});
  // odd number present: {4, NaN, 1, 10} -> sorted 1,4,10 -> median 4, mean 15/3 = 5
  check_column(impute(im::median{}, vec({4, NaN, 1, 10})).x, {4, 4, 1, 10});
  check_column(impute(im::mean{}, vec({4, NaN, 1, 10})).x, {4, 5, 1, 10});
}

BOOST_AUTO_TEST_CASE(group_mean_and_median) {
  const auto m = impute(im::group_mean{"region"}, grouped_x, groups);
  check_column(m.x, {1, 1, 2, 6, 13, 7, 7, 9, 38.0 / 6});  // row 8: group 3 is empty -> overall mean
  check_rows(m.rep.rows, {1, 5, 8});
  check_rows(m.rep.fallback_rows, {8});
  const auto d = impute(im::group_median{"region"}, grouped_x, groups);
  check_column(d.x, {1, 1, 2, 6, 13, 6, 7, 9, 6.5});  // row 8 -> overall median
  check_rows(d.rep.rows, {1, 5, 8});
  check_rows(d.rep.fallback_rows, {8});
}

BOOST_AUTO_TEST_CASE(units_without_group) {
  // {2, NaN, 100, NaN} groups {0, 0, -1, -1}: overall mean (2 + 100)/2 = 51 (the -1 unit counts there)
  //   row 1 (group 0, only member with a value: 2) -> 2; the -1 unit's 100 is in no group
  //   row 3 (group -1) -> the overall value, reported as a fallback
  const vector x = vec({2, NaN, 100, NaN});
  const std::vector<int> g = {0, 0, -1, -1};
  const auto m = impute(im::group_mean{"region"}, x, g);
  check_column(m.x, {2, 2, 100, 51});
  check_rows(m.rep.rows, {1, 3});
  check_rows(m.rep.fallback_rows, {3});
  check_column(impute(im::group_median{"region"}, x, g).x, {2, 2, 100, 51});  // median of {2, 100} is 51 too
}

BOOST_AUTO_TEST_CASE(nothing_missing_or_none) {
  const vector full = vec({3, 1, 4});
  for (const im::method& m : {im::method{im::mean{}}, im::method{im::median{}}, im::method{im::group_mean{"g"}}}) {
    const auto r = impute(m, full, {0, 0, 1});
    check_column(r.x, full);
    BOOST_TEST(r.rep.rows.empty());
  }
  const auto n = impute(im::none{}, grouped_x);
  check_column(n.x, grouped_x);
  BOOST_TEST(n.rep.rows.empty());
}

BOOST_AUTO_TEST_CASE(errors) {
  const vector empty = vec({NaN, NaN});
  BOOST_CHECK_EXCEPTION(impute(im::mean{}, empty), data_error, message_has({"IND"}));
  BOOST_CHECK_EXCEPTION(impute(im::group_median{"g"}, empty, {0, 1}), data_error, message_has({"IND"}));
  // group methods need one group id per unit
  BOOST_CHECK_EXCEPTION(impute(im::group_mean{"g"}, vec({1, NaN}), {0}), spec_error, message_has({"IND"}));
}

BOOST_AUTO_TEST_CASE(names) {
  for (const char* n : {"none", "mean", "median"}) BOOST_TEST(im::name(im::from_name(n)) == std::string(n));
  BOOST_TEST(im::name(im::from_name("")) == "none");
  const auto gm = im::from_name("group_mean", "region");
  BOOST_TEST(im::name(gm) == "group_mean");
  BOOST_TEST(im::group_of(gm) == "region");
  BOOST_TEST(im::group_of(im::from_name("group_median", "income")) == "income");
  BOOST_TEST(im::group_of(im::from_name("mean")).empty());
  BOOST_CHECK_EXCEPTION(im::from_name("group_mean"), spec_error, message_has({"group_mean"}));  // no group
  BOOST_CHECK_EXCEPTION(im::from_name("group_median", ""), spec_error, message_has({"group_median"}));
  BOOST_CHECK_EXCEPTION(im::from_name("hot_deck"), spec_error, message_has({"hot_deck"}));
  for (const char* n : {"em", "em_draw", "knn", "chained"}) BOOST_TEST(im::name(im::from_name(n)) == std::string(n));
  BOOST_TEST(im::group_of(im::from_name("knn", "region")) == "region");
}

BOOST_AUTO_TEST_SUITE_END()
