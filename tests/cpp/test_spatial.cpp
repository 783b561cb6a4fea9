// Spatial autocorrelation: weights, Moran's I, Geary's C, local Moran (values computed by hand in the
// comments; permutation p-values against full enumeration).
#include <boost/test/unit_test.hpp>

#include <compindex/spatial.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

namespace ci = compindex;
namespace sp = compindex::spatial;
namespace tt = boost::test_tools;

namespace {

template <class E>
bool throws_with(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
  } catch (const E& e) {
    const bool ok = std::string(e.what()).find(needle) != std::string::npos;
    if (!ok) BOOST_TEST_MESSAGE("message was: " << e.what());
    return ok;
  }
  return false;
}

// The line 1 - 2 - 3 - 4 with binary symmetric weights.
sp::weights line4() {
  return sp::make_weights(4, {0, 1, 3, 5, 6}, {1, 0, 2, 1, 3, 2}, {1, 1, 1, 1, 1, 1}, {"a", "b", "c", "d"});
}

ci::vector vec(std::initializer_list<double> v) {
  ci::vector out(static_cast<ci::index_t>(v.size()));
  ci::index_t i = 0;
  for (double x : v) out[i++] = x;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(spatial)

BOOST_AUTO_TEST_CASE(weight_sums_by_hand) {
  // Line: S0 = 6; S1 = 1/2 * 6 ordered pairs * (1 + 1)^2 = 12; row = col = (1, 2, 2, 1), so
  // S2 = sum (2 d_i)^2 = 4 + 16 + 16 + 4 = 40.
  auto s = sp::sums(line4());
  BOOST_TEST(s.s0 == 6.0);
  BOOST_TEST(s.s1 == 12.0);
  BOOST_TEST(s.s2 == 40.0);
  // Asymmetric: 0->1 (1), 1->0 (1), 1->2 (2). S0 = 4; S1 = 1/2 [(1+1)^2 (0,1) + (1+1)^2 (1,0) +
  // (2+0)^2 (1,2) + (0+2)^2 (2,1)] = 8; rows (1, 3, 0), columns (1, 1, 2): S2 = 2^2 + 4^2 + 2^2 = 24.
  auto a = sp::sums(sp::make_weights(3, {0, 1, 3, 3}, {1, 0, 2}, {1, 1, 2}));
  BOOST_TEST(a.s0 == 4.0);
  BOOST_TEST(a.s1 == 8.0);
  BOOST_TEST(a.s2 == 24.0);
}

BOOST_AUTO_TEST_CASE(row_standardize_and_islands) {
  // Row b has two neighbours of weight 1 -> 1/2 each; the island c keeps an empty row.
  auto w = sp::make_weights(3, {0, 1, 3, 3}, {1, 0, 2}, {4, 1, 1});
  auto r = sp::row_standardize(w);
  BOOST_TEST(r.values[0] == 1.0);
  BOOST_TEST(r.values[1] == 0.5);
  BOOST_TEST(r.values[2] == 0.5);
  auto isl = sp::islands(w);
  BOOST_TEST(isl.size() == 1u);
  BOOST_TEST(isl[0] == 2);
  auto l = sp::lag(r, vec({1, 2, 3}));
  // lag_a = 2, lag_b = (1 + 3) / 2 = 2, lag_c = 0 (island)
  BOOST_TEST(l[0] == 2.0);
  BOOST_TEST(l[1] == 2.0);
  BOOST_TEST(l[2] == 0.0);
}

BOOST_AUTO_TEST_CASE(moran_on_a_line_by_hand) {
  // y = 1 2 3 4: z = -1.5 -0.5 0.5 1.5, sum z^2 = 5; sum_ij w_ij z_i z_j = 2 (0.75 - 0.25 + 0.75) = 2.5.
  // I = n / S0 * 2.5 / 5 = 4/6 * 0.5 = 1/3; E[I] = -1/3.
  // Var_norm = (n^2 S1 - n S2 + 3 S0^2) / ((n-1)(n+1) S0^2) - 1/(n-1)^2 = (192 - 160 + 108) / 540 - 1/9 = 4/27.
  // Randomization: k = (sum z^4 / n) / (sum z^2 / n)^2 = 2.5625 / 1.5625 = 1.64;
  // A = n ((n^2-3n+3) S1 - n S2 + 3 S0^2) = 4 (84 - 160 + 108) = 128; B = k ((n^2-n) S1 - 2n S2 + 6 S0^2)
  // = 1.64 * 40 = 65.6; Var_rand = (A - B) / ((n-1)(n-2)(n-3) S0^2) - 1/9 = 62.4/216 - 1/9 = 8/45.
  sp::permutation_options opt;
  opt.permutations = 0;
  auto g = sp::moran(vec({1, 2, 3, 4}), line4(), opt);
  BOOST_TEST(g.statistic == 1.0 / 3.0, tt::tolerance(1e-14));
  BOOST_TEST(g.expected == -1.0 / 3.0, tt::tolerance(1e-14));
  BOOST_TEST(g.var_norm == 4.0 / 27.0, tt::tolerance(1e-13));
  BOOST_TEST(g.var_rand == 8.0 / 45.0, tt::tolerance(1e-13));
  const double z = (1.0 / 3.0 + 1.0 / 3.0) / std::sqrt(4.0 / 27.0);
  BOOST_TEST(g.z_norm == z, tt::tolerance(1e-13));
  BOOST_TEST(g.p_norm == std::erfc(z / std::sqrt(2.0)), tt::tolerance(1e-12));
  BOOST_TEST(std::isnan(g.p_sim));
}

BOOST_AUTO_TEST_CASE(geary_on_a_line_by_hand) {
  // sum_ij w_ij (y_i - y_j)^2 = 2 (1 + 1 + 1) = 6; C = (n-1) 6 / (2 S0 sum z^2) = 18 / 60 = 0.3.
  // Var_norm = ((2 S1 + S2)(n-1) - 4 S0^2) / (2 (n+1) S0^2) = (64*3 - 144) / 360 = 2/15.
  // Randomization, k = 1.64: A = (n-1) S1 (n^2-3n+3 - (n-1)k) = 36 (7 - 4.92) = 74.88;
  // B = 1/4 (n-1) S2 (n^2+3n-6 - (n^2-n+2)k) = 30 (22 - 14 * 1.64) = -28.8;
  // C = S0^2 (n^2 - 3 - (n-1)^2 k) = 36 (13 - 14.76) = -63.36;
  // Var_rand = (A - B + C) / (n (n-2)(n-3) S0^2) = (74.88 + 28.8 - 63.36) / 288 = 40.32 / 288 = 0.14.
  sp::permutation_options opt;
  opt.permutations = 0;
  auto g = sp::geary(vec({1, 2, 3, 4}), line4(), opt);
  BOOST_TEST(g.statistic == 0.3, tt::tolerance(1e-14));
  BOOST_TEST(g.expected == 1.0);
  BOOST_TEST(g.var_norm == 2.0 / 15.0, tt::tolerance(1e-13));
  BOOST_TEST(g.var_rand == 0.14, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(local_moran_on_a_line_by_hand) {
  // z = (y - 2.5) / sqrt(5/4); sum z^2 = n = 4; I_i = (n-1) z_i lag_i / 4 = 3/4 z_i lag_i.
  // I_a = 3/4 (-1.5)(-0.5) / 1.25 = 0.45; I_b = 3/4 (-0.5)(-1.5 + 0.5) / 1.25 = 0.3; symmetric for c, d.
  // Quadrants: a, b low with low lag (LL = 3); c, d high with high lag (HH = 1).
  sp::permutation_options opt;
  opt.permutations = 0;
  auto l = sp::local_moran(vec({1, 2, 3, 4}), line4(), opt);
  BOOST_TEST(l.I[0] == 0.45, tt::tolerance(1e-13));
  BOOST_TEST(l.I[1] == 0.3, tt::tolerance(1e-13));
  BOOST_TEST(l.I[2] == 0.3, tt::tolerance(1e-13));
  BOOST_TEST(l.I[3] == 0.45, tt::tolerance(1e-13));
  BOOST_TEST((l.quadrant == std::vector<int>{3, 3, 1, 1}));
}

BOOST_AUTO_TEST_CASE(local_permutations_against_enumeration) {
  // Unit a has one neighbour: a permutation gives it one of the other three z values, so
  // I_a,sim = 3/4 z_a v / 1.25 with v in {-0.5, 0.5, 1.5} (centred): {0.45, -0.45, -1.35}.
  // P(sim >= 0.45) = 1/3, folded: min(1/3, 2/3) = 1/3. Unit b (neighbours a, c) draws 2 of {a, c, d}:
  // pairs {a,c}: lag -1 -> 0.3 (>=); {a,d}: 0 -> 0; {c,d}: 2 -> -0.6; P(sim >= 0.3) = 1/3.
  sp::permutation_options opt;
  opt.permutations = 30000;
  opt.seed = 7;
  auto l = sp::local_moran(vec({1, 2, 3, 4}), line4(), opt);
  BOOST_TEST(std::fabs(l.p_sim[0] - 1.0 / 3.0) < 0.01);
  BOOST_TEST(std::fabs(l.p_sim[1] - 1.0 / 3.0) < 0.01);
  // mean of a's sims = (0.45 - 0.45 - 1.35) / 3 = -0.45
  BOOST_TEST(std::fabs(l.mean_sim[0] + 0.45) < 0.01);
}

BOOST_AUTO_TEST_CASE(global_permutations_against_enumeration) {
  // All 5! = 120 orders of y on a 5-unit line with edge weights 1, 2, 3, 4 (no symmetry but the
  // identity gives the observed statistic): the exact P(I_sim >= I_obs), folded.
  auto w = sp::make_weights(5, {0, 1, 3, 5, 7, 8}, {1, 0, 2, 1, 3, 2, 4, 3}, {1, 1, 2, 2, 3, 3, 4, 4});
  ci::vector y = vec({3, 1, 4, 1.5, 9});
  sp::permutation_options none;
  none.permutations = 0;
  const double obs = sp::moran(y, w, none).statistic;
  std::vector<double> v(y.data(), y.data() + 5);
  std::sort(v.begin(), v.end());
  int above = 0, total = 0;
  do {
    ci::vector p = Eigen::Map<ci::vector>(v.data(), 5);
    above += sp::moran(p, w, none).statistic >= obs - 1e-12 ? 1 : 0;
    ++total;
  } while (std::next_permutation(v.begin(), v.end()));
  const double exact = std::min(above, total - above) / static_cast<double>(total);
  sp::permutation_options opt;
  opt.permutations = 40000;
  opt.seed = 3;
  auto g = sp::moran(y, w, opt);
  BOOST_TEST(std::fabs(g.p_sim - exact) < 0.01);
}

BOOST_AUTO_TEST_CASE(thread_count_does_not_change_results) {
  auto w = line4();
  ci::vector y = vec({2, 7, 1, 8});
  sp::permutation_options one, three;
  one.permutations = three.permutations = 499;
  one.seed = three.seed = 11;
  one.threads = 1;
  three.threads = 3;
  auto a = sp::moran(y, w, one), b = sp::moran(y, w, three);
  BOOST_TEST(a.p_sim == b.p_sim);
  BOOST_TEST((a.sims == b.sims));
  auto ga = sp::geary(y, w, one), gb = sp::geary(y, w, three);
  BOOST_TEST((ga.sims == gb.sims));
  auto la = sp::local_moran(y, w, one), lb = sp::local_moran(y, w, three);
  BOOST_TEST((la.p_sim == lb.p_sim));
  BOOST_TEST((la.sd_sim == lb.sd_sim));
  // another seed gives other simulations
  three.seed = 12;
  BOOST_TEST(!(sp::moran(y, w, three).sims == a.sims));
}

BOOST_AUTO_TEST_CASE(islands_in_local_moran) {
  // d is an island: I_d = 0, quadrant 0, p_sim NaN; the others are computed.
  auto w = sp::make_weights(4, {0, 1, 3, 4, 4}, {1, 0, 2, 1}, {1, 1, 1, 1});
  sp::permutation_options opt;
  opt.permutations = 99;
  auto l = sp::local_moran(vec({1, 2, 3, 4}), w, opt);
  BOOST_TEST(l.I[3] == 0.0);
  BOOST_TEST(l.quadrant[3] == 0);
  BOOST_TEST(std::isnan(l.p_sim[3]));
  BOOST_TEST(!std::isnan(l.p_sim[0]));
}

BOOST_AUTO_TEST_CASE(bad_input) {
  BOOST_TEST(throws_with<ci::spec_error>([] { sp::make_weights(2, {0, 1, 2}, {1, 1}, {1, 1}, {"a", "b"}); },
                                         "'b' is its own neighbour"));
  BOOST_TEST(throws_with<ci::spec_error>([] { sp::make_weights(2, {0, 2, 2}, {1, 1}, {1, 1}, {"a", "b"}); },
                                         "'a' lists the neighbour 'b' twice"));
  BOOST_TEST(throws_with<ci::spec_error>([] { sp::make_weights(2, {0, 1, 1}, {5}, {1}, {"a", "b"}); },
                                         "out of range"));
  BOOST_TEST(throws_with<ci::spec_error>([] { sp::make_weights(2, {0, 1, 1}, {1}, {-1}, {"a", "b"}); },
                                         "finite and > 0"));
  auto w2 = sp::make_weights(2, {0, 1, 2}, {1, 0}, {1, 1});
  BOOST_TEST(throws_with<ci::data_error>([&] { sp::moran(vec({1, 2}), w2); }, "at least 3 units"));
  BOOST_TEST(throws_with<ci::data_error>([] { sp::moran(vec({1, std::nan(""), 3, 4}), line4()); },
                                         "value of 'b' is missing"));
  BOOST_TEST(throws_with<ci::data_error>([] { sp::geary(vec({2, 2, 2, 2}), line4()); }, "all 4 values are equal"));
  BOOST_TEST(throws_with<ci::spec_error>([] { sp::local_moran(vec({1, 2, 3}), line4()); }, "3 values for weights on 4"));
  auto empty = sp::make_weights(3, {0, 0, 0, 0}, {}, {});
  BOOST_TEST(throws_with<ci::data_error>([&] { sp::moran(vec({1, 2, 3}), empty); }, "no link"));
}

BOOST_AUTO_TEST_SUITE_END()
