// The one-pass outlier treatment (power sums, bounded selection of the extremes, sums updated per
// winsorized point) against the reference two-pass implementation, kept in the library as
// detail::treat_column_two_pass (the code treat_column ran before): the treated values must be
// the same bits, the report the same actions, rows and log fit, and the skewness and kurtosis
// figures the same to rounding. The columns include the adversarial cases: thresholds set exactly
// at (and one ulp either side of) the values the reference computes, values 1e6 plus small noise,
// ties at the winsorization limit, missing values, +-0, constant and nearly constant columns,
// both skew directions and both log fallbacks.

#include <boost/test/unit_test.hpp>

#include <compindex/pipeline.hpp>
#include <compindex/statistics.hpp>
#include <compindex/treatment.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace compindex;
namespace tr = compindex::treatment;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

std::uint64_t bits(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// Same bits, NaN matching any NaN (the reference and the one-pass path both write std::nan("")
// or propagate the input's NaN; the payload is not part of the result).
bool same_bits(double a, double b) { return (std::isnan(a) && std::isnan(b)) || bits(a) == bits(b); }

// Same to rounding: the report's figures come from the power sums when they settle the decision.
bool close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

int g_checked = 0, g_treated = 0, g_winsorized = 0, g_logged = 0, g_from_sums = 0;

// Runs the reference, the one-pass path in place and the one-pass path into another column on
// `x`, and compares them.
void compare(const tr::gii& rule, const vector& x, const std::string& what) {
  vector ref = x, inplace = x, src = x, dst = vector::Constant(x.size(), 12345.0);
  treatment_report r_ref, r_in, r_into;
  bool thrown_ref = false, thrown_in = false, thrown_into = false;
  try {
    r_ref = detail::treat_column_two_pass(rule, ref, "IND");
  } catch (const data_error&) {
    thrown_ref = true;
  }
  try {
    r_in = treat_column(rule, inplace, "IND");
  } catch (const data_error&) {
    thrown_in = true;
  }
  try {
    r_into = treat_column(rule, src, dst, "IND");
  } catch (const data_error&) {
    thrown_into = true;
  }
  BOOST_TEST_CONTEXT(what << " (n = " << x.size() << ", skew threshold " << rule.skew_threshold << ", kurtosis threshold "
                          << rule.kurtosis_threshold << ", max " << rule.max_winsorized << ")") {
    BOOST_TEST(thrown_in == thrown_ref);
    BOOST_TEST(thrown_into == thrown_ref);
    for (index_t i = 0; i < x.size(); ++i) BOOST_TEST(same_bits(src[i], x[i]));  // the source is untouched
    if (thrown_ref) {
      for (index_t i = 0; i < x.size(); ++i) BOOST_TEST(same_bits(inplace[i], ref[i]));
      return;
    }
    ++g_checked;
    if (r_ref.action != treatment_action::none) ++g_treated;
    if (r_ref.action == treatment_action::winsorized) ++g_winsorized;
    if (r_ref.action == treatment_action::log_transformed) ++g_logged;
    // Figures that differ from the reference in their last bits came from the power sums.
    if (bits(r_in.skew_before) != bits(r_ref.skew_before) || bits(r_in.kurtosis_after) != bits(r_ref.kurtosis_after)) ++g_from_sums;
    int bad_in = 0, bad_into = 0;
    for (index_t i = 0; i < x.size(); ++i) {
      bad_in += !same_bits(inplace[i], ref[i]);
      bad_into += !same_bits(dst[i], ref[i]);
    }
    BOOST_TEST(bad_in == 0);
    BOOST_TEST(bad_into == 0);
    for (const auto* r : {&r_in, &r_into}) {
      BOOST_TEST(r->indicator == r_ref.indicator);
      BOOST_TEST(r->action == r_ref.action);
      BOOST_TEST(r->passes_after == r_ref.passes_after);
      BOOST_TEST(r->winsorized == r_ref.winsorized);
      BOOST_TEST(r->winsorized_high == r_ref.winsorized_high, boost::test_tools::per_element());
      BOOST_TEST(r->winsorized_low == r_ref.winsorized_low, boost::test_tools::per_element());
      BOOST_TEST((r->log == r_ref.log));
      BOOST_TEST(same_bits(r->log_min, r_ref.log_min));
      BOOST_TEST(same_bits(r->log_max, r_ref.log_max));
      BOOST_TEST(close(r->skew_before, r_ref.skew_before));
      BOOST_TEST(close(r->kurtosis_before, r_ref.kurtosis_before));
      BOOST_TEST(close(r->skew_after, r_ref.skew_after));
      BOOST_TEST(close(r->kurtosis_after, r_ref.kurtosis_after));
      BOOST_TEST(std::signbit(r->skew_before) == std::signbit(r_ref.skew_before));
    }
  }
}

tr::gii rule(double skew = 2.25, double kurt = 3.5, int max_w = 5, tr::log_kind kind = tr::log_kind::coin_tool) {
  tr::gii g;
  g.skew_threshold = skew;
  g.kurtosis_threshold = kurt;
  g.max_winsorized = max_w;
  g.fallback = kind;
  return g;
}

// The rules a column is checked under: the GII's and COINr's, other limits, both logs, and
// thresholds at exactly each skewness and kurtosis the reference computes on it (before, after
// each kept step, after the log) and one ulp either side, so every decision is taken at its edge.
std::vector<tr::gii> rules_for(const vector& x) {
  std::vector<tr::gii> out = {rule(),
                              rule(2.0),
                              rule(2.25, 3.5, 1),
                              rule(2.25, 3.5, 0),
                              rule(2.25, 3.5, 7, tr::log_kind::gii),
                              rule(1.0, 1.0, 3),
                              rule(0.0, -10.0, 5)};
  std::vector<double> skews, kurts;
  for (int w : {0, 1, 2, 3, 5}) {
    const auto base = rule(0.5, 1.0, w);
    vector y = x;
    const auto rep = detail::treat_column_two_pass(base, y, "IND");
    skews.push_back(std::abs(rep.skew_before)), skews.push_back(std::abs(rep.skew_after));
    kurts.push_back(rep.kurtosis_before), kurts.push_back(rep.kurtosis_after);
  }
  for (double s : skews) {
    if (!std::isfinite(s)) continue;
    for (double t : {s, std::nextafter(s, 0.0), std::nextafter(s, 1e300)}) out.push_back(rule(t, 0.5, 5));
  }
  for (double k : kurts) {
    if (!std::isfinite(k)) continue;
    for (double t : {k, std::nextafter(k, -1e300), std::nextafter(k, 1e300)}) out.push_back(rule(0.5, t, 5));
  }
  return out;
}

void compare_all(const vector& x, const std::string& what) {
  for (const auto& r : rules_for(x)) compare(r, x, what);
  const vector neg = -x;  // the other direction (+-0 swap signs too)
  for (const auto& r : rules_for(neg)) compare(r, neg, what + ", negated");
}

vector lognormal(std::mt19937_64& rng, index_t n, double mu, double sigma, double missing) {
  std::normal_distribution<double> z(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  vector x(n);
  for (index_t i = 0; i < n; ++i) x[i] = u(rng) < missing ? NaN : std::exp(mu + sigma * z(rng));
  return x;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(treatment_one_pass)

BOOST_AUTO_TEST_CASE(random_columns_match_the_two_pass_reference) {
  std::mt19937_64 rng(18);
  for (index_t n : {256, 257, 300, 1000, 4099}) {
    for (double sigma : {0.3, 0.6, 0.7, 0.9, 1.5}) compare_all(lognormal(rng, n, 1.0, sigma, 0.02), "log-normal sigma " + std::to_string(sigma));
    // Normal data with a few planted outliers (winsorization can fix them).
    std::normal_distribution<double> z(0.0, 1.0);
    vector x(n);
    for (index_t i = 0; i < n; ++i) x[i] = z(rng);
    for (int k = 0; k < 4; ++k) x[static_cast<index_t>(rng() % static_cast<std::uint64_t>(n))] = 8.0 + 4.0 * k;
    x[3] = NaN;
    compare_all(x, "normal with 4 outliers");
    // Rounded values: many ties everywhere, the outliers tied at the winsorization limit.
    vector t(n);
    for (index_t i = 0; i < n; ++i) t[i] = std::round(4.0 * z(rng)) / 4.0;
    for (index_t i = 0; i < 6; ++i) t[10 * i + 1] = 40.0;  // six tied extremes: past the limit of 5
    compare_all(t, "rounded, six tied outliers");
    for (index_t i = 0; i < 6; ++i) t[10 * i + 1] = i < 3 ? 40.0 : 30.0;  // 3 + 3: the second step reaches 6
    compare_all(t, "rounded, 3 + 3 tied outliers");
    for (index_t i = 0; i < 6; ++i) t[10 * i + 1] = i < 5 ? 40.0 : 0.25;  // exactly 5 tied
    compare_all(t, "rounded, five tied outliers");
  }
  // The comparisons went through every action (counts over every column and rule).
  BOOST_TEST(g_checked > 1000);
  BOOST_TEST(g_winsorized > 50);
  BOOST_TEST(g_logged > 50);
  BOOST_TEST(g_checked > g_treated + 100);  // and many passed untreated
  BOOST_TEST(g_from_sums > g_checked / 4);   // the one-pass path decided most of them itself
}

BOOST_AUTO_TEST_CASE(badly_conditioned_columns) {
  std::mt19937_64 rng(6);
  std::normal_distribution<double> z(0.0, 1.0);
  for (double level : {1e6, 1e9, 1e12, -1e8}) {
    for (double noise : {1.0, 1e-3}) {
      vector x(2000);
      for (index_t i = 0; i < x.size(); ++i) x[i] = level + noise * z(rng);
      for (int k = 0; k < 5; ++k) x[17 * k + 5] = level + noise * (10.0 + 3.0 * k);
      compare_all(x, "level " + std::to_string(level) + " + noise " + std::to_string(noise));
      vector y = x;
      for (index_t i = 0; i < y.size(); ++i) y[i] = level + noise * std::exp(1.2 * z(rng));  // too skewed: the log
      compare_all(y, "level + log-normal noise");
    }
  }
}

BOOST_AUTO_TEST_CASE(edge_columns) {
  std::mt19937_64 rng(7);
  const index_t n = 512;
  compare_all(vector::Constant(n, 3.25), "constant");
  compare_all(vector::Constant(n, 0.0), "zeros");
  compare_all(vector::Constant(n, NaN), "all missing");
  vector few = vector::Constant(n, NaN);
  few[4] = 1, few[9] = 2, few[100] = 50;
  compare_all(few, "three values");
  // All but a few the same value: the k-th largest and smallest coincide.
  vector spike = vector::Constant(n, 1.0);
  spike[7] = 100, spike[8] = 60, spike[300] = -3;
  compare_all(spike, "one value and three spikes");
  // +0 and -0 mixed, with outliers; the minimum is a zero of either sign.
  vector zeros(n);
  for (index_t i = 0; i < n; ++i) zeros[i] = (i % 3 == 0) ? -0.0 : (i % 3 == 1 ? 0.0 : static_cast<double>(i % 7));
  zeros[11] = 500, zeros[12] = 400;
  compare_all(zeros, "+-0 with outliers");
  // The next value in after the outliers is a zero of either sign (the first row's sign is kept).
  for (int first_negative = 0; first_negative < 2; ++first_negative) {
    vector z(n);
    for (index_t i = 0; i < n; ++i) z[i] = -1.0 - static_cast<double>(i % 50);
    z[10] = first_negative ? -0.0 : 0.0;
    z[20] = first_negative ? 0.0 : -0.0;
    z[30] = -0.0;
    z[5] = 1000.0;
    compare_all(z, "next value a signed zero");
    z[6] = 800.0;
    compare_all(z, "next value a signed zero, two outliers");
  }
  // A column nearly constant up to rounding of its mean.
  vector near(n);
  for (index_t i = 0; i < n; ++i) near[i] = 0.00166969 * (1.0 + (i == 5 ? 0x1p-50 : 0.0));
  compare_all(near, "constant but one ulp");
  // Tiny and huge scales (the reference rescales its sums there).
  compare_all(lognormal(rng, n, -500.0, 1.5, 0.0), "tiny values");
  compare_all(lognormal(rng, n, 300.0, 1.5, 0.0), "huge values");
  compare_all(lognormal(rng, n, 0.0, 3.0, 0.5), "half missing, very skewed");
  // The GII log on a column with maximum below 1: an error, and the column left as it was.
  vector small = lognormal(rng, n, -8.0, 1.5, 0.0);
  compare(rule(2.25, 3.5, 5, tr::log_kind::gii), small, "GII log with max < 1");
  vector in = small;
  BOOST_CHECK_THROW(treat_column(rule(2.25, 3.5, 5, tr::log_kind::gii), in, "IND"), data_error);
  for (index_t i = 0; i < n; ++i) BOOST_TEST(same_bits(in[i], small[i]));
  // Infinite values.
  vector inf = lognormal(rng, n, 0.0, 1.0, 0.0);
  inf[3] = std::numeric_limits<double>::infinity();
  compare_all(inf, "an infinite value");
}

BOOST_AUTO_TEST_CASE(one_pass_path_is_taken_and_sizes_checked) {
  // A column the sums settle: the report's figures are the sums' (equal to rounding) and the
  // treated values the reference's; a size mismatch is a spec_error naming the indicator.
  vector src(10), dst(9);
  BOOST_CHECK_EXCEPTION(treat_column(rule(), src, dst, "patents"), spec_error,
                        [](const spec_error& e) { return std::string(e.what()).find("patents") != std::string::npos; });
  // No treatment copies the column.
  vector a = vector::LinSpaced(300, 1.0, 300.0), b(300);
  const auto rep = treat_column(tr::none{}, a, b, "IND");
  BOOST_TEST(rep.action == treatment_action::none);
  BOOST_TEST(std::isnan(rep.skew_before));
  for (index_t i = 0; i < a.size(); ++i) BOOST_TEST(bits(a[i]) == bits(b[i]));
}

BOOST_AUTO_TEST_CASE(pipeline_treats_as_the_reference_and_reuses_its_matrix) {
  // build() at 1,000 units x 8 indicators with the GII treatment: the treated matrix is the
  // reference's column by column, bit for bit; a result re-used by run_indicators on other data
  // (same shape) keeps its treated matrix and still matches; on a different shape it is replaced.
  std::mt19937_64 rng(11);
  auto make = [&](index_t n) {
    matrix v(n, 8);
    for (index_t j = 0; j < 8; ++j) v.col(j) = lognormal(rng, n, 0.5 * static_cast<double>(j), 0.2 + 0.15 * static_cast<double>(j), 0.02);
    codes units;
    for (index_t i = 0; i < n; ++i) units.push_back("u" + std::to_string(i));
    return dataset(units, v);
  };
  std::vector<node> nodes = {{"Index", ""}, {"P1", "Index"}, {"P2", "Index"}};
  for (int j = 0; j < 8; ++j) nodes.push_back({"i" + std::to_string(j), j < 4 ? "P1" : "P2"});
  const framework fw(nodes);
  pipeline_spec spec;
  spec.treatment = tr::gii{};
  auto check = [&](const result& r, const dataset& d) {
    const auto t = r.data(stage::treated);
    const auto x = d.values();
    int bad = 0, acted = 0;
    for (index_t j = 0; j < 8; ++j) {
      vector ref = x.col(j);
      const auto rep = detail::treat_column_two_pass(tr::gii{}, ref, "i" + std::to_string(j));
      acted += rep.action != treatment_action::none;
      BOOST_TEST(r.treatment[static_cast<std::size_t>(j)].action == rep.action);
      BOOST_TEST(r.treatment[static_cast<std::size_t>(j)].winsorized_high == rep.winsorized_high, boost::test_tools::per_element());
      for (index_t i = 0; i < x.rows(); ++i) bad += !same_bits(t(i, j), ref[i]);
    }
    BOOST_TEST(bad == 0);
    BOOST_TEST(acted >= 3);
  };
  const auto d1 = make(1000), d2 = make(1000), d3 = make(700);
  const result r1 = build(fw, d1, spec);
  check(r1, d1);
  const plan p(fw, spec);
  result reused;
  run_indicators(p, d1, reused);
  check(reused, d1);
  const double* buffer = reused.data(stage::treated).data();
  run_indicators(p, d2, reused);
  check(reused, d2);
  BOOST_TEST((reused.data(stage::treated).data() == buffer));  // the same memory, rewritten
  run_indicators(p, d3, reused);
  check(reused, d3);
}

BOOST_AUTO_TEST_SUITE_END()
