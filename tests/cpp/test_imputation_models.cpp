// Multivariate imputation (EM, EM draws, kNN, chained regressions) against hand computations and
// closed forms; the pipeline's blocks; em_draw in uncertainty analysis (thread-count invariance).
#include <boost/test/unit_test.hpp>

#include <compindex/imputation_models.hpp>
#include <compindex/pipeline.hpp>
#include <compindex/uncertainty.hpp>

#include <cmath>
#include <random>
#include <string>

namespace ci = compindex;
namespace im = compindex::imputation;
namespace ua = compindex::uncertainty;
namespace tt = boost::test_tools;

namespace {

const double NaN = ci::nan;

bool message_has(const std::exception& e, const std::string& part) { return std::string(e.what()).find(part) != std::string::npos; }

// 30 units x 6 indicators in 2 pillars of 3, correlated, with a few holes.
struct index30 {
  ci::framework fw;
  ci::dataset data;
  index30() : fw(nodes()), data(units(), values()) {}
  static std::vector<ci::node> nodes() {
    std::vector<ci::node> n{{"I", ""}, {"P0", "I"}, {"P1", "I"}};
    for (int j = 0; j < 6; ++j) n.push_back({"x" + std::to_string(j), "P" + std::to_string(j / 3)});
    return n;
  }
  static ci::codes units() {
    ci::codes u;
    for (int i = 0; i < 30; ++i) u.push_back("u" + std::to_string(i));
    return u;
  }
  static ci::matrix values() {
    std::mt19937_64 g(11);
    std::normal_distribution<double> nd(0.0, 1.0);
    ci::matrix v(30, 6);
    for (int i = 0; i < 30; ++i) {
      const double f = nd(g);
      for (int j = 0; j < 6; ++j) v(i, j) = 10 + j + f + 0.5 * nd(g);
    }
    for (int i = 0; i < 30; i += 4) v(i, (i / 4) % 6) = NaN;
    return v;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(imputation_models)

BOOST_AUTO_TEST_CASE(em_equals_andersons_closed_form_for_a_monotone_bivariate_pattern) {
  // y2 missing for the last 8 of 20 units. Anderson (1957): mu1, s11 from all 20 units; the
  // regression of y2 on y1 from the 12 complete cases; mu2 = b0 + b1 mu1, s12 = b1 s11,
  // s22 = s22.1 + b1^2 s11 (divisor n everywhere); imputed y2 = b0 + b1 y1.
  std::mt19937_64 g(3);
  std::normal_distribution<double> nd(0.0, 1.0);
  const int n = 20, cc = 12;
  ci::matrix x(n, 2);
  for (int i = 0; i < n; ++i) {
    x(i, 0) = 3 + 2 * nd(g);
    x(i, 1) = 1 + 0.7 * x(i, 0) + nd(g);
  }
  const ci::vector y1 = x.col(0);
  const ci::vector y2c = x.col(1).head(cc);
  for (int i = cc; i < n; ++i) x(i, 1) = NaN;
  const double mu1 = y1.mean(), s11 = (y1.array() - mu1).square().mean();
  const ci::vector y1c = y1.head(cc);
  const double m1c = y1c.mean(), m2c = y2c.mean();
  const double s11c = (y1c.array() - m1c).square().mean(), s22c = (y2c.array() - m2c).square().mean();
  const double s12c = ((y1c.array() - m1c) * (y2c.array() - m2c)).mean();
  const double b1 = s12c / s11c, b0 = m2c - b1 * m1c, s22_1 = s22c - s12c * s12c / s11c;
  im::em m;
  m.tolerance = 1e-12;
  m.max_iterations = 100000;
  auto rep = ci::impute_block(m, x, {"y1", "y2"}, "B");
  BOOST_TEST(rep.converged);
  BOOST_TEST(rep.mean[0] == mu1, tt::tolerance(1e-9));
  BOOST_TEST(rep.mean[1] == b0 + b1 * mu1, tt::tolerance(1e-8));
  BOOST_TEST(rep.covariance(0, 0) == s11, tt::tolerance(1e-8));
  BOOST_TEST(rep.covariance(0, 1) == b1 * s11, tt::tolerance(1e-7));
  BOOST_TEST(rep.covariance(1, 1) == s22_1 + b1 * b1 * s11, tt::tolerance(1e-7));
  for (int i = cc; i < n; ++i) BOOST_TEST(x(i, 1) == b0 + b1 * y1[i], tt::tolerance(1e-8));
  BOOST_TEST(rep.cells.size() == static_cast<std::size_t>(n - cc));
}

BOOST_AUTO_TEST_CASE(knn_by_hand) {
  // Columns a (mean 2, sd sqrt(2/3) over 1,2,3) and b (1 2 ? 7 -> observed 1,2,7).
  //   rows: r0 (1, 1)  r1 (2, 2)  r2 (3, NaN)  r3 (NaN, 7)
  // Receiver r2 (b missing): its only shared coordinate with donors r0, r1 is a; r3 has none.
  //   d(r2, r0) = sqrt(2/1 * ((3-1)/sd_a)^2), d(r2, r1) = sqrt(2 * (1/sd_a)^2): r1 is nearer.
  //   k = 1: b = 2; k = 2 uniform: (1 + 2)/2 = 1.5; distance weights 1/d: d0 = 2 d1, so
  //   weights 1/2 and 1 (relative): (0.5*1 + 1*2)/1.5 = 5/3.
  // Receiver r3 (a missing): shares no coordinate with anyone (its b is 7; r2 has no b but r0, r1
  //   do: d(r3, r0) uses b: finite) -> donors with a: r0, r1, r2; r2 has no b: NaN distance,
  //   excluded. d(r3, r1) < d(r3, r0) -> k = 1: a = 2.
  ci::matrix x(4, 2);
  x << 1, 1, 2, 2, 3, NaN, NaN, 7;
  im::knn k;
  k.k = 1;
  ci::matrix x1 = x;
  ci::impute_block(k, x1, {"a", "b"}, "B");
  BOOST_TEST(x1(2, 1) == 2.0);
  BOOST_TEST(x1(3, 0) == 2.0);
  k.k = 2;
  ci::matrix x2 = x;
  ci::impute_block(k, x2, {"a", "b"}, "B");
  BOOST_TEST(x2(2, 1) == 1.5);
  BOOST_TEST(x2(3, 0) == 1.5);
  k.weights = "distance";
  ci::matrix x3 = x;
  ci::impute_block(k, x3, {"a", "b"}, "B");
  BOOST_TEST(x3(2, 1) == 5.0 / 3.0, tt::tolerance(1e-14));
  // k larger than the donors: every donor with a distance (r0, r1), uniform: 1.5
  k.k = 50;
  k.weights = "uniform";
  ci::matrix x4 = x;
  ci::impute_block(k, x4, {"a", "b"}, "B");
  BOOST_TEST(x4(2, 1) == 1.5);
}

BOOST_AUTO_TEST_CASE(chained_by_hand_with_one_incomplete_column) {
  // b regressed on a over the complete rows (a = 1, 2, 3, 5; b = 2, 4, 5, 9):
  //   mean a = 11/4, mean b = 5; Sab = sum (a - 2.75)(b - 5) = (-1.75)(-3) + (-.75)(-1) + (.25)(0) + (2.25)(4) = 15
  //   Saa = 3.0625 + .5625 + .0625 + 5.0625 = 8.75; slope = 15/8.75 = 12/7; intercept = 5 - 12/7 * 2.75 = 2/7
  //   row with a = 4: b = 2/7 + 48/7 = 50/7. The second iteration changes nothing: converged.
  ci::matrix x(5, 2);
  x << 1, 2, 2, 4, 3, 5, 4, NaN, 5, 9;
  im::chained c;
  auto rep = ci::impute_block(c, x, {"a", "b"}, "B");
  BOOST_TEST(x(3, 1) == 50.0 / 7.0, tt::tolerance(1e-12));
  BOOST_TEST(rep.converged);
  BOOST_TEST(rep.iterations == 2);
}

BOOST_AUTO_TEST_CASE(edge_cases_are_clear) {
  ci::matrix x(4, 2);
  x << 1, NaN, 2, NaN, 3, NaN, NaN, NaN;
  for (const im::method& m : std::vector<im::method>{im::em{}, im::knn{}, im::chained{}, im::em_draw{}}) {
    ci::matrix y = x;
    BOOST_CHECK_EXCEPTION(ci::impute_block(m, y, {"a", "b"}, "B"), ci::data_error,
                          [](const ci::data_error& e) { return message_has(e, "indicator 'b' has no data"); });
  }
  // A unit missing every indicator of the block: kNN has no distance (the mean, reported), EM the mean.
  ci::matrix z(4, 2);
  z << 1, 2, 2, 3, 4, 1, NaN, NaN;
  ci::matrix zk = z;
  auto rk = ci::impute_block(im::knn{}, zk, {"a", "b"}, "B");
  BOOST_TEST(zk(3, 0) == 7.0 / 3.0, tt::tolerance(1e-14));
  BOOST_TEST(zk(3, 1) == 2.0);
  BOOST_TEST(rk.fallback_cells.size() == 2u);
  ci::matrix ze = z;
  auto re = ci::impute_block(im::em{}, ze, {"a", "b"}, "B");
  BOOST_TEST(ze(3, 0) == re.mean[0], tt::tolerance(1e-12));
  BOOST_TEST(ze(3, 1) == re.mean[1], tt::tolerance(1e-12));
  // A per-column method is not a block method.
  BOOST_CHECK_THROW(ci::impute_block(im::mean{}, z, {"a", "b"}, "B"), ci::spec_error);
}

BOOST_AUTO_TEST_CASE(pipeline_models_each_pillar_and_reports_every_cell) {
  index30 s;
  ci::pipeline_spec spec;
  spec.imputation = im::em{};
  const ci::result r = ci::run(ci::plan(s.fw, spec), s.data);
  BOOST_TEST(r.imputation_blocks.size() == 2u);
  BOOST_TEST(r.imputation_blocks[0].block == "P0");
  BOOST_TEST(r.imputed_cells.size() == 8u);
  // The block of P0 imputed alone gives the same values.
  ci::matrix b = s.data.values().leftCols(3);
  ci::impute_block(im::em{}, b, {"x0", "x1", "x2"}, "P0");
  for (int i = 0; i < 30; ++i)
    for (int j = 0; j < 3; ++j) BOOST_TEST((*r.imputed)(i, j) == b(i, j));
  // scope "all": one block
  spec.imputation = im::knn{"all", 3, "uniform", ""};
  const ci::result ra = ci::run(ci::plan(s.fw, spec), s.data);
  BOOST_TEST(ra.imputation_blocks.size() == 1u);
  BOOST_TEST(ra.imputation_blocks[0].block == "all");
  // invalid parameters are spec errors naming the indicator
  spec.imputation = im::knn{"pillar", 0, "uniform", ""};
  BOOST_CHECK_EXCEPTION(ci::plan(s.fw, spec), ci::spec_error, [](const ci::spec_error& e) { return message_has(e, "k must be at least 1"); });
  spec.imputation = im::em{"continent", 1e-8, 100, false, 0.0};
  BOOST_CHECK_EXCEPTION(ci::plan(s.fw, spec), ci::spec_error, [](const ci::spec_error& e) { return message_has(e, "scope 'continent'"); });
}

BOOST_AUTO_TEST_CASE(em_draw_in_uncertainty_analysis_is_thread_count_invariant_and_adds_noise) {
  index30 s;
  ci::pipeline_spec spec;
  std::vector<ua::factor> f{ua::imputation_factor{"imputation", {im::em_draw{}}}};
  ua::options o;
  o.n = 40;
  o.seed = 5;
  o.sampling = ua::sampler::monte_carlo;
  o.threads = 1;
  const auto a = ua::uncertainty_analysis(s.fw, s.data, spec, f, o);
  o.threads = 3;
  const auto b = ua::uncertainty_analysis(s.fw, s.data, spec, f, o);
  BOOST_TEST(a.runs.failures.empty());
  BOOST_TEST((a.runs.scores.array() == b.runs.scores.array()).all());
  // Different replications draw differently (imputation noise), and EM's conditional means are
  // the draws' centre: rows differ from each other.
  BOOST_TEST((a.runs.scores.row(0).array() != a.runs.scores.row(1).array()).any());
  // A deterministic method gives the same scores in every replication.
  std::vector<ua::factor> g{ua::imputation_factor{"imputation", {im::em{}}}};
  const auto c = ua::uncertainty_analysis(s.fw, s.data, spec, g, o);
  BOOST_TEST((c.runs.scores.row(0).array() == c.runs.scores.row(7).array()).all());
}

BOOST_AUTO_TEST_SUITE_END()
