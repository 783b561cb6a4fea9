// Per-indicator transforms: values, domains, names and error messages.

#include <boost/test/unit_test.hpp>

#include <compindex/transform.hpp>

#include "kernel_test_helpers.hpp"

#include <cmath>
#include <string>

using namespace compindex;
namespace tf = compindex::transform;
using kernel_test::check_close;
using kernel_test::check_column;
using kernel_test::message_has;
using kernel_test::NaN;
using kernel_test::vec;

namespace {
const codes units = {"AUT", "BEL", "CZE", "DNK"};

vector transformed(const tf::method& m, vector x) {
  transform_column(m, x, "GDP", units);
  return x;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(transform)

BOOST_AUTO_TEST_CASE(values) {
  const double e = std::exp(1.0);
  check_close(apply_transform(tf::none{}, -7.5), -7.5);
  check_close(apply_transform(tf::log{}, e * e), 2.0);                 // ln e^2 = 2
  check_close(apply_transform(tf::log10{}, 1000.0), 3.0);              // log10 10^3 = 3
  check_close(apply_transform(tf::log1p{}, e - 1.0), 1.0);             // ln(1 + e - 1) = 1
  check_close(apply_transform(tf::sqrt{}, 16.0), 4.0);                 // sqrt 16 = 4
  check_close(apply_transform(tf::box_cox{0.5}, 4.0), 2.0);            // (4^0.5 - 1)/0.5 = (2-1)/0.5 = 2
  check_close(apply_transform(tf::box_cox{2.0}, 3.0), 4.0);            // (3^2 - 1)/2 = 8/2 = 4
  check_close(apply_transform(tf::box_cox{-1.0}, 2.0), 0.5);           // (2^-1 - 1)/-1 = (-0.5)/-1 = 0.5
  check_close(apply_transform(tf::box_cox{0.0}, e * e * e), 3.0);      // lambda 0: ln e^3 = 3
  check_close(apply_transform(tf::box_cox{1.0}, 5.0), 4.0);            // (5 - 1)/1 = 4
  BOOST_TEST(std::isnan(apply_transform(tf::log{}, NaN)));
  BOOST_TEST(std::isnan(apply_transform(tf::box_cox{0.5}, NaN)));
}

BOOST_AUTO_TEST_CASE(box_cox_tends_to_log) {
  // (x^l - 1)/l -> ln x as l -> 0; at l = 1e-8 the gap is about l (ln 9)^2/2 = 1e-8 * 4.83/2 ~ 2.4e-8
  check_close(apply_transform(tf::box_cox{1e-8}, 9.0), std::log(9.0), 1e-7);
}

BOOST_AUTO_TEST_CASE(domains) {
  BOOST_TEST(transform_domain_ok(tf::none{}, -1e9));
  BOOST_TEST(!transform_domain_ok(tf::log{}, 0.0));
  BOOST_TEST(transform_domain_ok(tf::log{}, 1e-300));
  BOOST_TEST(!transform_domain_ok(tf::log10{}, -1.0));
  BOOST_TEST(!transform_domain_ok(tf::log1p{}, -1.0));
  BOOST_TEST(transform_domain_ok(tf::log1p{}, -0.999));
  BOOST_TEST(transform_domain_ok(tf::sqrt{}, 0.0));
  BOOST_TEST(!transform_domain_ok(tf::sqrt{}, -1e-12));
  BOOST_TEST(!transform_domain_ok(tf::box_cox{0.5}, 0.0));
  BOOST_TEST(transform_domain_ok(tf::box_cox{0.5}, 0.01));
}

BOOST_AUTO_TEST_CASE(column_keeps_missing) {
  // log10 of {1, 10, NaN, 100} = {0, 1, NaN, 2}
  check_column(transformed(tf::log10{}, vec({1, 10, NaN, 100})), {0, 1, NaN, 2});
  // sqrt of {0, 9, 2.25, NaN} = {0, 3, 1.5, NaN}
  check_column(transformed(tf::sqrt{}, vec({0, 9, 2.25, NaN})), {0, 3, 1.5, NaN});
  // none leaves even values outside every other domain
  check_column(transformed(tf::none{}, vec({-5, 0, NaN, 2})), {-5, 0, NaN, 2});
}

BOOST_AUTO_TEST_CASE(name_round_trip) {
  for (const char* n : {"none", "log", "log10", "log1p", "sqrt", "box_cox"}) {
    BOOST_TEST_CONTEXT(n) { BOOST_TEST(tf::name(tf::from_name(n)) == std::string(n)); }
  }
  const auto bc = tf::from_name("box_cox", 0.25);
  BOOST_TEST(std::get<tf::box_cox>(bc).lambda == 0.25);
  BOOST_TEST(tf::name(tf::from_name("")) == "none");
  BOOST_TEST(tf::name(tf::method{tf::log1p{}}) == "log1p");
}

BOOST_AUTO_TEST_CASE(unknown_name_throws) {
  BOOST_CHECK_EXCEPTION(tf::from_name("ln"), spec_error, message_has({"ln"}));
  BOOST_CHECK_THROW(tf::from_name("LOG"), spec_error);
}

BOOST_AUTO_TEST_CASE(domain_errors_name_indicator_and_unit) {
  // first value outside the domain is BEL's 0 (AUT's NaN is skipped)
  BOOST_CHECK_EXCEPTION(transformed(tf::log{}, vec({NaN, 0, -1, 4})), data_error, message_has({"GDP", "BEL"}));
  BOOST_CHECK_EXCEPTION(transformed(tf::log10{}, vec({1, 2, -3, 4})), data_error, message_has({"GDP", "CZE"}));
  BOOST_CHECK_EXCEPTION(transformed(tf::log1p{}, vec({0, -1, 2, 4})), data_error, message_has({"GDP", "BEL"}));
  BOOST_CHECK_EXCEPTION(transformed(tf::sqrt{}, vec({0, 1, 2, -4})), data_error, message_has({"GDP", "DNK"}));
  BOOST_CHECK_EXCEPTION(transformed(tf::box_cox{0.5}, vec({-2, 1, 2, 4})), data_error,
                        message_has({"GDP", "AUT", "box_cox"}));
  // data_error is a std::domain_error
  BOOST_CHECK_THROW(transformed(tf::log{}, vec({1, 1, 1, 0})), std::domain_error);
}

BOOST_AUTO_TEST_SUITE_END()
