// Outlier treatment (JRC/GII rule) against an independent skew/kurtosis implementation.

#include <boost/test/unit_test.hpp>

#include <compindex/treatment.hpp>

#include "kernel_test_helpers.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <vector>

using namespace compindex;
namespace tr = compindex::treatment;
using kernel_test::check_close;
using kernel_test::check_column;
using kernel_test::message_has;
using kernel_test::NaN;
using kernel_test::vec;

namespace {

struct shape {
  double skew, kurt;
};

// Excel's SKEW and KURT by their documented formulas, NaN skipped:
//   SKEW = n/((n-1)(n-2)) sum ((x-m)/s)^3
//   KURT = n(n+1)/((n-1)(n-2)(n-3)) sum ((x-m)/s)^4 - 3(n-1)^2/((n-2)(n-3))
shape excel_shape(const std::vector<double>& all) {
  std::vector<double> x;
  std::copy_if(all.begin(), all.end(), std::back_inserter(x), [](double v) { return !std::isnan(v); });
  const double n = static_cast<double>(x.size());
  const double m = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  const double s = std::sqrt(ss / (n - 1));
  double z3 = 0, z4 = 0;
  for (double v : x) z3 += std::pow((v - m) / s, 3), z4 += std::pow((v - m) / s, 4);
  return {n / ((n - 1) * (n - 2)) * z3,
          n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * z4 - 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3))};
}

// The GII test written out: |skew| > 2.25 and kurtosis > 3.5.
bool fails_gii(const std::vector<double>& x) {
  const shape s = excel_shape(x);
  return std::abs(s.skew) > 2.25 && s.kurt > 3.5;
}

std::vector<double> one_to(int n) {
  std::vector<double> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 1.0);
  return v;
}

std::vector<double> concat(std::vector<double> a, const std::vector<double>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<double> map(const std::vector<double>& x, const std::function<double(double)>& f) {
  std::vector<double> y(x.size());
  std::transform(x.begin(), x.end(), y.begin(), f);
  return y;
}

struct treated {
  vector x;
  treatment_report rep;
};

treated treat(const tr::method& m, const std::vector<double>& raw) {
  treated t{vec(raw), {}};
  t.rep = treat_column(m, t.x, "IND");
  return t;
}

tr::gii rule(int max_winsorized = 5, tr::log_kind kind = tr::log_kind::coin_tool) {
  tr::gii g;
  g.max_winsorized = max_winsorized;
  g.fallback = kind;
  return g;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(treatment)

BOOST_AUTO_TEST_CASE(needs_treatment_thresholds) {
  const tr::gii g;  // 2.25 and 3.5, both strict
  BOOST_TEST(needs_treatment(2.26, 3.6, g));
  BOOST_TEST(needs_treatment(-2.26, 3.6, g));   // |skew|
  BOOST_TEST(!needs_treatment(2.25, 3.6, g));   // skew at the threshold
  BOOST_TEST(!needs_treatment(2.26, 3.5, g));   // kurtosis at the threshold
  BOOST_TEST(!needs_treatment(5.0, 3.0, g));    // only skew
  BOOST_TEST(!needs_treatment(1.0, 30.0, g));   // only kurtosis
  BOOST_TEST(!needs_treatment(NaN, NaN, g));
  tr::gii coinr;
  coinr.skew_threshold = 2.0;
  BOOST_TEST(needs_treatment(2.1, 3.6, coinr));
  BOOST_TEST(!needs_treatment(2.1, 3.6, g));
}

BOOST_AUTO_TEST_CASE(winsorizes_one_high_point) {
  // {1..20, 100}: 100 is the lone high outlier; winsorizing it gives it the next value in, 20
  const auto raw = concat(one_to(20), {100});
  auto fixed = raw;
  fixed[20] = 20;
  BOOST_TEST_REQUIRE(fails_gii(raw));     // skew 3.99, kurt 17.3
  BOOST_TEST_REQUIRE(!fails_gii(fixed));  // one point is enough
  const auto t = treat(rule(), raw);
  BOOST_TEST(to_string(t.rep.action) == "winsorized");
  BOOST_TEST(t.rep.indicator == "IND");
  BOOST_TEST(t.rep.winsorized == 1);
  BOOST_TEST(t.rep.winsorized_high == std::vector<index_t>({20}), boost::test_tools::per_element());
  BOOST_TEST(t.rep.winsorized_low.empty());
  BOOST_TEST(t.rep.passes_after);
  check_column(t.x, vec(fixed));
  check_close(t.rep.skew_before, excel_shape(raw).skew);
  check_close(t.rep.kurtosis_before, excel_shape(raw).kurt);
  check_close(t.rep.skew_after, excel_shape(fixed).skew);
  check_close(t.rep.kurtosis_after, excel_shape(fixed).kurt);
}

BOOST_AUTO_TEST_CASE(winsorizes_two_high_points) {
  // {1..20, 60, 100}: after 100 -> 60 the column {.., 60, 60} still fails; then both take 20
  const auto raw = concat(one_to(20), {60, 100});
  const auto step1 = concat(one_to(20), {60, 60});
  const auto step2 = concat(one_to(20), {20, 20});
  BOOST_TEST_REQUIRE(fails_gii(raw));
  BOOST_TEST_REQUIRE(fails_gii(step1));  // skew 2.36, kurt 5.40
  BOOST_TEST_REQUIRE(!fails_gii(step2));
  const auto t = treat(rule(), raw);
  BOOST_TEST(to_string(t.rep.action) == "winsorized");
  BOOST_TEST(t.rep.winsorized == 2);
  auto high = t.rep.winsorized_high;
  std::sort(high.begin(), high.end());
  BOOST_TEST(high == std::vector<index_t>({20, 21}), boost::test_tools::per_element());
  check_column(t.x, vec(step2));
  check_close(t.rep.skew_after, excel_shape(step2).skew);
}

BOOST_AUTO_TEST_CASE(negative_skew_winsorizes_low) {
  // 101 - {1..20, 100} = {100, 99, ..., 81, 1}: the lone low point 1 takes the next value in, 81
  const auto raw = map(concat(one_to(20), {100}), [](double v) { return 101 - v; });
  auto fixed = raw;
  fixed[20] = 81;
  BOOST_TEST_REQUIRE(excel_shape(raw).skew < -2.25);
  BOOST_TEST_REQUIRE(!fails_gii(fixed));
  const auto t = treat(rule(), raw);
  BOOST_TEST(to_string(t.rep.action) == "winsorized");
  BOOST_TEST(t.rep.winsorized == 1);
  BOOST_TEST(t.rep.winsorized_low == std::vector<index_t>({20}), boost::test_tools::per_element());
  BOOST_TEST(t.rep.winsorized_high.empty());
  check_column(t.x, vec(fixed));
  check_close(t.rep.skew_after, excel_shape(fixed).skew);
}

BOOST_AUTO_TEST_CASE(log_when_limit_too_small) {
  // {1..20, 60, 100} needs 2 points (see above); with a limit of 1 the original values are logged:
  // COIN Tool log: ln(x - min + 0.01 (max - min)) = ln(x - 1 + 0.99) = ln(x - 0.01)
  const auto raw = concat(one_to(20), {60, 100});
  const auto logged = map(raw, [](double v) { return std::log(v - 1 + 0.01 * (100 - 1)); });
  const auto t = treat(rule(1), raw);
  BOOST_TEST(to_string(t.rep.action) == "log_transformed");
  BOOST_TEST(t.rep.winsorized == 0);
  BOOST_TEST(t.rep.winsorized_high.empty());
  check_column(t.x, vec(logged));
  check_close(t.x[0], std::log(0.99));  // min: ln(0.01 * 99)
  check_close(t.rep.skew_before, excel_shape(raw).skew);
  check_close(t.rep.skew_after, excel_shape(logged).skew);
  check_close(t.rep.kurtosis_after, excel_shape(logged).kurt);
  BOOST_TEST(t.rep.passes_after == !fails_gii(logged));
}

BOOST_AUTO_TEST_CASE(log_when_five_points_are_not_enough) {
  // 60 ones and 2^1..2^10: after 5 steps the top five (64..1024) all sit at 32 and it still fails
  auto raw = std::vector<double>(60, 1.0);
  for (int k = 1; k <= 10; ++k) raw.push_back(std::pow(2.0, k));
  const auto after5 = map(raw, [](double v) { return std::min(v, 32.0); });
  BOOST_TEST_REQUIRE(fails_gii(after5));  // skew 2.83, kurt 6.38
  // ln(x - 1 + 0.01 (1024 - 1)) = ln(x + 9.23)
  const auto logged = map(raw, [](double v) { return std::log(v - 1 + 10.23); });
  const auto t = treat(rule(), raw);
  BOOST_TEST(to_string(t.rep.action) == "log_transformed");
  check_column(t.x, vec(logged));
  BOOST_TEST(t.rep.passes_after == !fails_gii(logged));  // here the log does not fix it: false
  BOOST_TEST(!t.rep.passes_after);
}

BOOST_AUTO_TEST_CASE(tied_points_count_against_the_limit) {
  // {1..60} and seven units at 1000 (skew 2.63, kurtosis 5.10): the first step would move the seven
  // tied points at once, more than the 5 allowed, so it is not taken and the values are logged.
  const auto raw = concat(one_to(60), std::vector<double>(7, 1000.0));
  BOOST_TEST_REQUIRE(fails_gii(raw));
  const auto t = treat(rule(), raw);
  BOOST_TEST(to_string(t.rep.action) == "log_transformed");
  BOOST_TEST(t.rep.winsorized == 0);
  check_column(t.x, vec(map(raw, [](double v) { return std::log(v - 1 + 0.01 * (1000 - 1)); })));
  // With a limit of 7 the same step is allowed: the seven move to 60 and the indicator passes.
  const auto t7 = treat(rule(7), raw);
  BOOST_TEST(to_string(t7.rep.action) == "winsorized");
  BOOST_TEST(t7.rep.winsorized == 7);
  BOOST_TEST(t7.rep.winsorized_high.size() == 7u);
  check_column(t7.x, vec(concat(one_to(60), std::vector<double>(7, 60.0))));
}

BOOST_AUTO_TEST_CASE(log_mirrored_for_negative_skew) {
  // 101 - {1..20, 60, 100} = {100..81, 41, 1}: -ln(max + 0.01 (max - min) - x) = -ln(100.99 - x)
  const auto raw = map(concat(one_to(20), {60, 100}), [](double v) { return 101 - v; });
  const auto logged = map(raw, [](double v) { return -std::log(100 + 0.01 * (100 - 1) - v); });
  const auto t = treat(rule(1), raw);
  BOOST_TEST(to_string(t.rep.action) == "log_transformed");
  check_column(t.x, vec(logged));
  check_close(t.x[0], -std::log(0.99));  // the best unit keeps the highest value
}

BOOST_AUTO_TEST_CASE(gii_log_kind) {
  // ln((max - 1)(x - min)/(max - min) + 1) with min 1, max 100: ln(99 (x - 1)/99 + 1) = ln x
  const auto raw = concat(one_to(20), {60, 100});
  const auto t = treat(rule(1, tr::log_kind::gii), raw);
  BOOST_TEST(to_string(t.rep.action) == "log_transformed");
  check_column(t.x, vec(map(raw, [](double v) { return std::log((100.0 - 1) * (v - 1) / (100.0 - 1) + 1); })));
  check_close(t.x[21], std::log(100.0));
  check_close(t.x[0], 0.0);
  // mirrored for negative skew: -ln((max-1)(max-x)/(max-min) + 1); max 100, min 1 -> -ln(101 - x)
  const auto neg = map(raw, [](double v) { return 101 - v; });
  const auto tn = treat(rule(1, tr::log_kind::gii), neg);
  check_column(tn.x, vec(map(neg, [](double v) { return -std::log(99 * (100 - v) / 99 + 1); })));
}

BOOST_AUTO_TEST_CASE(gii_log_needs_max_above_one) {
  // the same shape scaled by 1/200: max 0.5 <= 1
  const auto raw = map(concat(one_to(20), {60, 100}), [](double v) { return v / 200; });
  BOOST_TEST_REQUIRE(fails_gii(raw));
  vector x = vec(raw);
  BOOST_CHECK_EXCEPTION(treat_column(rule(1, tr::log_kind::gii), x, "IND"), data_error, message_has({"IND", "0.5"}));
}

BOOST_AUTO_TEST_CASE(too_few_values) {
  const auto t = treat(rule(), {1, 2, 100});
  BOOST_TEST(to_string(t.rep.action) == "too_few_values");
  check_column(t.x, {1, 2, 100});
  BOOST_TEST(std::isnan(t.rep.kurtosis_before));
  // three values with NaN among many rows is still too few
  const auto t2 = treat(rule(), {NaN, 1, NaN, 2, 100, NaN});
  BOOST_TEST(to_string(t2.rep.action) == "too_few_values");
  check_column(t2.x, {NaN, 1, NaN, 2, 100, NaN});
}

BOOST_AUTO_TEST_CASE(no_treatment) {
  const auto raw = concat(one_to(20), {100});
  const auto t = treat(tr::none{}, raw);
  BOOST_TEST(to_string(t.rep.action) == "none");
  BOOST_TEST(t.rep.winsorized == 0);
  check_column(t.x, vec(raw));
  BOOST_TEST(tr::name(tr::none{}) == "none");
  BOOST_TEST(tr::name(tr::gii{}) == "gii");
  // a column that passes under gii is untouched and reports none
  const auto ok = treat(rule(), one_to(10));
  BOOST_TEST(to_string(ok.rep.action) == "none");
  check_column(ok.x, vec(one_to(10)));
  check_close(ok.rep.skew_before, 0.0);  // 1..10 is symmetric
  BOOST_TEST(ok.rep.passes_after);
}

BOOST_AUTO_TEST_CASE(missing_values_ignored_and_kept) {
  // {1..20, 100} with two gaps: same decision, the outlier is now at row 22
  auto raw = concat(one_to(20), {NaN, 100});
  raw.insert(raw.begin() + 5, NaN);
  auto fixed = raw;
  fixed[22] = 20;
  const auto t = treat(rule(), raw);
  BOOST_TEST(to_string(t.rep.action) == "winsorized");
  BOOST_TEST(t.rep.winsorized_high == std::vector<index_t>({22}), boost::test_tools::per_element());
  check_column(t.x, vec(fixed));
  check_close(t.rep.skew_before, excel_shape(raw).skew);
  check_close(t.rep.skew_after, excel_shape(fixed).skew);
  // and under the log fallback
  auto raw2 = concat(one_to(20), {60, NaN, 100});
  const auto t2 = treat(rule(1), raw2);
  check_column(t2.x, vec(map(raw2, [](double v) { return std::log(v - 0.01); })));  // NaN stays NaN
}

BOOST_AUTO_TEST_SUITE_END()
