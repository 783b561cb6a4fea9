// Normalization methods against hand-computed values, plus invariants.

#include <boost/test/unit_test.hpp>

#include <compindex/normalization.hpp>

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
namespace nm = compindex::normalization;

namespace {

const std::string indicator = "IND";
const codes units = {"A", "B", "C", "D", "E", "F", "G"};

column_context ctx(int direction = 1) {
  column_context c;
  c.indicator = &indicator;
  c.units = &units;
  c.direction = direction;
  return c;
}

vector norm(const nm::method& m, vector x, const column_context& c = ctx(), range r = {}) {
  normalize_column(m, r, x, c);
  return x;
}

// The basic column: min 2, max 10, width 8, E missing.
const vector base = vec({2, 4, 6, 10, NaN});

}  // namespace

BOOST_AUTO_TEST_SUITE(normalization)

// ---------------------------------------------------------------- names

BOOST_AUTO_TEST_CASE(names_round_trip_and_range_use) {
  for (const char* n : {"min_max", "z_score", "goalposts", "distance_to_max", "distance_to_reference", "distance_to_target",
                        "fraction_of_max", "rank", "percentile_rank", "borda", "none"}) {
    BOOST_TEST_CONTEXT(n) { BOOST_TEST(nm::name(nm::from_name(n)) == std::string(n)); }
  }
  BOOST_CHECK_EXCEPTION(nm::from_name("minmax"), spec_error, message_has({"minmax"}));
  for (const char* n : {"min_max", "goalposts", "distance_to_max", "distance_to_reference", "distance_to_target",
                        "fraction_of_max", "percentile_rank"})
    BOOST_TEST(nm::uses_range(nm::from_name(n)), n);
  for (const char* n : {"z_score", "rank", "borda", "none"}) BOOST_TEST(!nm::uses_range(nm::from_name(n)), n);
}

// ---------------------------------------------------------------- min_max

BOOST_AUTO_TEST_CASE(min_max_ranges) {
  // t = (x - 2)/8 = {0, 2/8, 4/8, 8/8}
  check_column(norm(nm::min_max{}, base), {0, 25, 50, 100, NaN});                      // 100 t
  check_column(norm(nm::min_max{}, base, ctx(), {1, 10}), {1, 3.25, 5.5, 10, NaN});    // 1 + 9 t
  check_column(norm(nm::min_max{}, base, ctx(), {100, 0}), {100, 75, 50, 0, NaN});     // 100 - 100 t
  BOOST_CHECK_THROW(norm(nm::min_max{}, base, ctx(), {5, 5}), spec_error);             // empty range
}

BOOST_AUTO_TEST_CASE(min_max_direction_mirrors) {
  // direction -1: t = (10 - x)/8 = {1, 6/8, 4/8, 0}
  check_column(norm(nm::min_max{}, base, ctx(-1)), {100, 75, 50, 0, NaN});
  // invariant: x -> lo + hi - x, on an irregular column and a shifted range
  const vector x = vec({3.7, -2.1, 8.8, 0, NaN, 5.5, 1.25});
  const range r{-3, 7};
  const vector up = norm(nm::min_max{}, x, ctx(1), r);
  const vector down = norm(nm::min_max{}, x, ctx(-1), r);
  check_column(down, (r.lower + r.upper - up.array()).matrix());
}

BOOST_AUTO_TEST_CASE(min_max_output_within_range) {
  const vector x = vec({3.7, -2.1, 8.8, 0, NaN, 5.5, 8.8});
  for (const range r : {range{0, 100}, range{-1, 1}, range{1, 10}}) {
    const vector y = norm(nm::min_max{}, x, ctx(), r);
    for (index_t i = 0; i < y.size(); ++i)
      if (!std::isnan(x[i])) BOOST_TEST((y[i] >= r.lower && y[i] <= r.upper), "row " << i << " = " << y[i]);
    check_close(y[1], r.lower);  // the minimum -2.1 maps to the lower end
    check_close(y[2], r.upper);  // the maximum 8.8 maps to the upper end
    check_close(y[6], r.upper);
    BOOST_TEST(std::isnan(y[4]));
  }
}

// ---------------------------------------------------------------- z_score

BOOST_AUTO_TEST_CASE(z_score_values) {
  // {2,4,4,4,5,5,7,9}: mean 5, sd = sqrt(32/7)
  const vector x = vec({2, 4, 4, 4, 5, 5, 7, 9});
  const double s = std::sqrt(32.0 / 7.0);
  const vector want = ((x.array() - 5.0) / s).matrix();
  check_column(norm(nm::z_score{}, x), want);
  // custom mean/sd: 100 + 10 z; e.g. x = 9 -> 100 + 40/sqrt(32/7) = 118.708...; range is ignored
  check_column(norm(nm::z_score{100, 10}, x, ctx(), {0, 1}), (100.0 + 10.0 * want.array()).matrix());
  // with a gap: {1, NaN, 3}: mean 2, sd sqrt(2) -> {-1/sqrt2, NaN, 1/sqrt2}; direction -1 flips the signs
  check_column(norm(nm::z_score{}, vec({1, NaN, 3})), {-1 / std::sqrt(2.0), NaN, 1 / std::sqrt(2.0)});
  check_column(norm(nm::z_score{}, vec({1, NaN, 3}), ctx(-1)), {1 / std::sqrt(2.0), NaN, -1 / std::sqrt(2.0)});
}

// ---------------------------------------------------------------- goalposts

BOOST_AUTO_TEST_CASE(goalposts_clamp_and_not) {
  // goalposts 0 and 20: t = x/20 = {-0.25, 0, 0.25, 1, 1.25, NaN}
  const vector x = vec({-5, 0, 5, 20, 25, NaN});
  check_column(norm(nm::goalposts{0, 20, true}, x), {0, 0, 25, 100, 100, NaN});      // clamped to [0,1]
  check_column(norm(nm::goalposts{0, 20, false}, x), {-25, 0, 25, 100, 125, NaN});   // not clamped
  // goalposts from the context when the method leaves them NaN
  column_context c = ctx();
  c.lower = 0, c.upper = 20;
  check_column(norm(nm::goalposts{}, x, c), {0, 0, 25, 100, 100, NaN});
  // the method's goalposts win over the context's: (x - 5)/(25 - 5) = {-0.5->0, -0.25->0, 0, 0.75, 1, NaN}
  check_column(norm(nm::goalposts{5, 25}, x, c), {0, 0, 0, 75, 100, NaN});
}

BOOST_AUTO_TEST_CASE(goalposts_direction_mirrors) {
  // direction -1: t = (20 - x)/20 = {1.25->1, 1, 0.75, 0, -0.25->0, NaN}
  const vector x = vec({-5, 0, 5, 20, 25, NaN});
  const vector down = norm(nm::goalposts{0, 20}, x, ctx(-1));
  check_column(down, {100, 100, 75, 0, 0, NaN});
  check_column(down, (100.0 - norm(nm::goalposts{0, 20}, x).array()).matrix());
  // without clamping the mirror is exact too: t = (20 - x)/20
  check_column(norm(nm::goalposts{0, 20, false}, x, ctx(-1)), {125, 100, 75, 0, -25, NaN});
}

BOOST_AUTO_TEST_CASE(goalposts_transformed) {
  // raw values {10, 100, NaN, 1000, 1}, log-transformed before normalization; raw goalposts 1 and 1000
  // become ln 1 = 0 and ln 1000 = 3 ln 10, so t = ln x / (3 ln 10) = {1/3, 2/3, NaN, 1, 0}
  const tf::method t = tf::log{};
  column_context c = ctx();
  c.transform = &t;
  const vector x = vec({std::log(10.0), std::log(100.0), NaN, std::log(1000.0), 0.0});
  check_column(norm(nm::goalposts{1, 1000}, x, c), {100.0 / 3, 200.0 / 3, NaN, 100, 0});
  c.lower = 1, c.upper = 1000;
  check_column(norm(nm::goalposts{}, x, c), {100.0 / 3, 200.0 / 3, NaN, 100, 0});
  // with direction -1 the transformed goalposts are mirrored: t = 1 - ln x/(3 ln 10)
  c.direction = -1;
  check_column(norm(nm::goalposts{}, x, c), {200.0 / 3, 100.0 / 3, NaN, 0, 100});
  // a goalpost outside the transform's domain
  BOOST_CHECK_EXCEPTION(norm(nm::goalposts{0, 1000}, x, c), data_error, message_has({"IND"}));
}

BOOST_AUTO_TEST_CASE(goalposts_errors) {
  BOOST_CHECK_EXCEPTION(norm(nm::goalposts{}, base), spec_error, message_has({"IND"}));           // none given
  BOOST_CHECK_EXCEPTION(norm(nm::goalposts{0, NaN}, base), spec_error, message_has({"IND"}));     // upper missing
  BOOST_CHECK_EXCEPTION(norm(nm::goalposts{20, 20}, base), spec_error, message_has({"IND"}));     // lower == upper
  BOOST_CHECK_EXCEPTION(norm(nm::goalposts{20, 0}, base), spec_error, message_has({"IND"}));      // lower > upper
}

// ---------------------------------------------------------------- distance_to_max

BOOST_AUTO_TEST_CASE(distance_to_max_values) {
  // 1 - (10 - x)/8 = {1 - 1, 1 - 0.75, 1 - 0.5, 1 - 0}
  check_column(norm(nm::distance_to_max{}, base), {0, 25, 50, 100, NaN});
  // direction -1: values -x, max -2, min -10: 1 - (-2 + x)/8 = {1, 0.75, 0.5, 0}
  check_column(norm(nm::distance_to_max{}, base, ctx(-1)), {100, 75, 50, 0, NaN});
  check_column(norm(nm::distance_to_max{}, base, ctx(), {1, 5}), {1, 2, 3, 5, NaN});  // 1 + 4 t
}

// ---------------------------------------------------------------- distance_to_reference

BOOST_AUTO_TEST_CASE(distance_to_reference_values) {
  // reference B = 4: (x - 2)/(4 - 2) = {0, 1, 2, 4, NaN}
  check_column(norm(nm::distance_to_reference{"B", false}, base), {0, 100, 200, 400, NaN});
  check_column(norm(nm::distance_to_reference{"B", true}, base), {0, 100, 100, 100, NaN});
  // reference C = 6 with direction -1: values -x, min -10, ref -6: (-x + 10)/4 = {2, 1.5, 1, 0}
  check_column(norm(nm::distance_to_reference{"C", false}, base, ctx(-1)), {200, 150, 100, 0, NaN});
  check_column(norm(nm::distance_to_reference{"C", true}, base, ctx(-1)), {100, 100, 100, 0, NaN});
}

BOOST_AUTO_TEST_CASE(distance_to_reference_errors) {
  BOOST_CHECK_EXCEPTION(norm(nm::distance_to_reference{"Z"}, base), spec_error, message_has({"IND", "Z"}));
  BOOST_CHECK_EXCEPTION(norm(nm::distance_to_reference{"E"}, base), data_error, message_has({"IND", "E"}));  // E is NaN
  BOOST_CHECK_EXCEPTION(norm(nm::distance_to_reference{"A"}, base), data_error, message_has({"IND", "A"}));  // A is the worst
  column_context no_units = ctx();
  no_units.units = nullptr;
  BOOST_CHECK_THROW(norm(nm::distance_to_reference{"B"}, base, no_units), spec_error);
}

// ---------------------------------------------------------------- distance_to_target

BOOST_AUTO_TEST_CASE(distance_to_target_values) {
  // target 8 from the method: (x - 2)/(8 - 2) = {0, 1/3, 2/3, 4/3, NaN}
  check_column(norm(nm::distance_to_target{8, true}, base), {0, 100.0 / 3, 200.0 / 3, 100, NaN});
  check_column(norm(nm::distance_to_target{8, false}, base), {0, 100.0 / 3, 200.0 / 3, 400.0 / 3, NaN});
  // target 6 from the context: (x - 2)/4 = {0, 0.5, 1, 2 -> 1}
  column_context c = ctx();
  c.target = 6;
  check_column(norm(nm::distance_to_target{}, base, c), {0, 50, 100, 100, NaN});
  check_column(norm(nm::distance_to_target{8, true}, base, c), {0, 100.0 / 3, 200.0 / 3, 100, NaN});  // method wins
  // direction -1, target 3 (lower is better): values -x, worst -10, target -3: (10 - x)/7 = {8/7 -> 1, 6/7, 4/7, 0}
  check_column(norm(nm::distance_to_target{3, true}, base, ctx(-1)), {100, 600.0 / 7, 400.0 / 7, 0, NaN});
  check_column(norm(nm::distance_to_target{3, false}, base, ctx(-1)), {800.0 / 7, 600.0 / 7, 400.0 / 7, 0, NaN});
}

BOOST_AUTO_TEST_CASE(distance_to_target_transformed) {
  // raw {1, e, e^2}, log-transformed to {0, 1, 2}; raw target e^4 -> 4: t = x/4 = {0, 0.25, 0.5}
  const tf::method t = tf::log{};
  column_context c = ctx();
  c.transform = &t;
  check_column(norm(nm::distance_to_target{std::exp(4.0)}, vec({0, 1, 2}), c), {0, 25, 50});
}

BOOST_AUTO_TEST_CASE(distance_to_target_errors) {
  BOOST_CHECK_EXCEPTION(norm(nm::distance_to_target{}, base), spec_error, message_has({"IND"}));   // no target
  BOOST_CHECK_EXCEPTION(norm(nm::distance_to_target{2}, base), data_error, message_has({"IND"}));  // target = worst
  BOOST_CHECK_EXCEPTION(norm(nm::distance_to_target{12}, base, ctx(-1)), data_error, message_has({"IND"}));  // worse than worst
}

// ---------------------------------------------------------------- fraction_of_max

BOOST_AUTO_TEST_CASE(fraction_of_max_values) {
  const vector x = vec({2, 4, 5, 10, NaN});
  check_column(norm(nm::fraction_of_max{}, x), {20, 40, 50, 100, NaN});        // x/10
  check_column(norm(nm::fraction_of_max{}, x, ctx(-1)), {100, 50, 40, 20, NaN});  // 2/x
  check_column(norm(nm::fraction_of_max{}, x, ctx(), {1, 11}), {3, 5, 6, 11, NaN});  // 1 + 10 x/10
  BOOST_CHECK_EXCEPTION(norm(nm::fraction_of_max{}, vec({-1, 1, 2}), ctx(-1)), data_error, message_has({"IND", "'A'", "-1"}));
  BOOST_CHECK_EXCEPTION(norm(nm::fraction_of_max{}, vec({1, -1, 2})), data_error, message_has({"IND", "'B'", "-1"}));
}

BOOST_AUTO_TEST_CASE(fraction_of_max_zeros) {
  // Direction +1 is x / max: a zero scores 0 (COINr's ASEM 'Ship' has zeros). x / 8 * 100:
  check_column(norm(nm::fraction_of_max{}, vec({0, 2, 8, NaN})), {0, 25, 100, NaN});
  // into [10, 20]: 10 + 10 x / 8 = 10, 12.5, 20
  check_column(norm(nm::fraction_of_max{}, vec({0, 2, 8, NaN}), ctx(), {10, 20}), {10, 12.5, 20, NaN});
  // Every value 0: no maximum to divide by.
  BOOST_CHECK_EXCEPTION(norm(nm::fraction_of_max{}, vec({0, 0, NaN})), data_error, message_has({"IND", "every value is 0"}));
  // Direction -1 is min / x: a zero is undefined, and the message names its unit (C).
  BOOST_CHECK_EXCEPTION(norm(nm::fraction_of_max{}, vec({1, 2, 0}), ctx(-1)), data_error, message_has({"IND", "'C'", "min / x"}));
}

// ---------------------------------------------------------------- rank, percentile_rank, borda, none

BOOST_AUTO_TEST_CASE(rank_based_values) {
  // {30, 10, 30, NaN, 20}: ascending 10 -> 1, 20 -> 2, 30 and 30 share 3
  const vector x = vec({30, 10, 30, NaN, 20});
  check_column(norm(nm::rank{}, x, ctx(), {0, 1}), {3, 1, 3, NaN, 2});                 // range ignored
  check_column(norm(nm::percentile_rank{}, x), {200.0 / 3, 0, 200.0 / 3, NaN, 100.0 / 3});  // (rank-1)/(4-1)
  check_column(norm(nm::borda{}, x, ctx(), {0, 1}), {2, 0, 2, NaN, 1});                // rank - 1
  // direction -1: values -x: -30,-30 -> 1, -20 -> 3, -10 -> 4
  check_column(norm(nm::rank{}, x, ctx(-1)), {1, 4, 1, NaN, 3});
  check_column(norm(nm::borda{}, x, ctx(-1)), {0, 3, 0, NaN, 2});
  check_column(norm(nm::percentile_rank{}, x, ctx(-1)), {0, 100, 0, NaN, 200.0 / 3});
  BOOST_CHECK_EXCEPTION(norm(nm::percentile_rank{}, vec({NaN, 4, NaN})), data_error, message_has({"IND"}));
  check_column(ascending_ranks(vec({0.5, NaN, -1, 0.5, 0.2})), {3, NaN, 1, 3, 2});
}

BOOST_AUTO_TEST_CASE(rank_based_invariant_under_monotone_transform) {
  const vector x = vec({1.5, -0.3, 2.2, NaN, 1.5, 0.7, -4});
  const vector ex = x.array().exp().matrix();
  for (const nm::method& m : {nm::method{nm::rank{}}, nm::method{nm::percentile_rank{}}, nm::method{nm::borda{}}}) {
    BOOST_TEST_CONTEXT(nm::name(m)) { check_column(norm(m, ex), norm(m, x)); }
  }
}

BOOST_AUTO_TEST_CASE(none_applies_direction_only) {
  const vector x = vec({30, 10, NaN, 20});
  check_column(norm(nm::none{}, x, ctx(), {5, 5}), {30, 10, NaN, 20});  // no range check either
  check_column(norm(nm::none{}, x, ctx(-1)), {-30, -10, NaN, -20});
}

// ---------------------------------------------------------------- data errors

BOOST_AUTO_TEST_CASE(constant_indicator) {
  const vector x = vec({3, 3, NaN, 3});
  BOOST_CHECK_EXCEPTION(norm(nm::min_max{}, x), data_error, message_has({"IND", "min_max"}));
  BOOST_CHECK_EXCEPTION(norm(nm::z_score{}, x), data_error, message_has({"IND", "z_score"}));
  BOOST_CHECK_EXCEPTION(norm(nm::distance_to_max{}, x), data_error, message_has({"IND"}));
  // the message reports the raw value even under direction -1
  BOOST_CHECK_EXCEPTION(norm(nm::min_max{}, x, ctx(-1)), data_error, message_has({"IND", "every value is 3"}));
}

BOOST_AUTO_TEST_CASE(all_missing) {
  const vector x = vec({NaN, NaN, NaN});
  for (const char* n : {"min_max", "z_score", "distance_to_max", "fraction_of_max", "rank", "percentile_rank", "borda",
                        "none"}) {
    BOOST_TEST_CONTEXT(n) { BOOST_CHECK_EXCEPTION(norm(nm::from_name(n), x), data_error, message_has({"IND"})); }
  }
}

BOOST_AUTO_TEST_SUITE_END()
