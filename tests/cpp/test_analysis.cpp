// Analysis: Cronbach's alpha, PCA, correlation matrices, re-scoring helpers (values computed by
// hand in the comments).
#include <boost/test/unit_test.hpp>

#include <compindex/analysis.hpp>

#include <cmath>
#include <functional>
#include <string>

namespace ci = compindex;
namespace an = compindex::analysis;
namespace tt = boost::test_tools;

namespace {

const double NA = std::nan("");

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

}  // namespace

BOOST_AUTO_TEST_SUITE(analysis)

BOOST_AUTO_TEST_CASE(cronbach_alpha_by_hand) {
  // a = 1 2 3 4 (variance 5/3), b = 2 4 6 8 (variance 20/3); the total 3 6 9 12 has variance 15.
  // alpha = 2/(2-1) * (1 - (5/3 + 20/3) / 15) = 2 * (1 - 25/45) = 8/9.
  // The fifth row has a missing value: it is not a complete row and is left out.
  ci::matrix x(5, 2);
  x << 1, 2, 2, 4, 3, 6, 4, 8, NA, 5;
  const auto r = an::cronbach_alpha(x);
  BOOST_TEST(r.alpha == 8.0 / 9.0, tt::tolerance(1e-12));
  BOOST_TEST(r.n_complete == 4);
  BOOST_TEST((an::complete_rows(x) == std::vector<ci::index_t>{0, 1, 2, 3}));

  // Undefined: one column, fewer than 2 complete rows, a constant total.
  BOOST_TEST(std::isnan(an::cronbach_alpha(x.leftCols(1)).alpha));
  ci::matrix y(2, 2);
  y << 1, NA, 2, 3;
  BOOST_TEST(std::isnan(an::cronbach_alpha(y).alpha));
  ci::matrix z(3, 2);
  z << 1, 3, 2, 2, 3, 1;  // totals 4 4 4
  BOOST_TEST(std::isnan(an::cronbach_alpha(z).alpha));
}

BOOST_AUTO_TEST_CASE(correlation_matrix_pairwise) {
  // a = 1 2 3 4, b = 1 3 2 4: deviations (-1.5 -0.5 0.5 1.5) and (-1.5 0.5 -0.5 1.5),
  // cross products 2.25 - 0.25 - 0.25 + 2.25 = 4, sums of squares 5 and 5: r = 0.8.
  // c has a missing value in row 2: the pair (a, c) uses rows 1, 3, 4 only.
  ci::matrix x(4, 3);
  x << 1, 1, 10, 2, 3, NA, 3, 2, 30, 4, 4, 40;
  const auto r = an::correlation_matrix(x);
  BOOST_TEST(r(0, 1) == 0.8, tt::tolerance(1e-12));
  BOOST_TEST(r(1, 0) == 0.8, tt::tolerance(1e-12));
  BOOST_TEST(r(0, 0) == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(r(0, 2) == 1.0, tt::tolerance(1e-12));  // rows 1, 3, 4: c = 10 a exactly
  BOOST_TEST(an::correlation_matrix(x, an::correlation::spearman)(0, 1) == 0.8, tt::tolerance(1e-12));  // ranks = values
}

BOOST_AUTO_TEST_CASE(pca_two_columns_by_hand) {
  // With correlation r between two columns, R = [[1, r], [r, 1]] has eigenvalues 1 + r and 1 - r,
  // and the first eigenvector is (1, 1)/sqrt(2). Here r = 0.8 (see above).
  ci::matrix x(4, 2);
  x << 1, 1, 2, 3, 3, 2, 4, 4;
  const auto p = an::pca(x, {"a", "b"});
  BOOST_TEST(p.eigenvalues[0] == 1.8, tt::tolerance(1e-12));
  BOOST_TEST(p.eigenvalues[1] == 0.2, tt::tolerance(1e-12));
  BOOST_TEST(p.explained[0] == 0.9, tt::tolerance(1e-12));
  BOOST_TEST(p.explained[1] == 0.1, tt::tolerance(1e-12));
  BOOST_TEST(p.loadings[0] == std::sqrt(0.5), tt::tolerance(1e-12));
  BOOST_TEST(p.loadings[1] == std::sqrt(0.5), tt::tolerance(1e-12));
  BOOST_TEST(p.n_complete == 4);
}

BOOST_AUTO_TEST_CASE(pca_sign_convention_and_errors) {
  // Three columns: b = 2a and c = -a. R has every |r| = 1: eigenvalues 3, 0, 0, first eigenvector
  // (1, 1, -1)/sqrt(3) up to sign; the sum of loadings is made positive.
  ci::matrix x(4, 3);
  x << 1, 2, -1, 2, 4, -2, 3, 6, -3, 5, 10, -5;
  const auto p = an::pca(x);
  BOOST_TEST(p.eigenvalues[0] == 3.0, tt::tolerance(1e-10));
  BOOST_TEST(p.loadings[0] == 1.0 / std::sqrt(3.0), tt::tolerance(1e-10));
  BOOST_TEST(p.loadings[2] == -1.0 / std::sqrt(3.0), tt::tolerance(1e-10));
  BOOST_TEST(p.loadings.sum() > 0.0);
  // A column that is constant on the complete rows is named.
  ci::matrix c(4, 2);
  c << 1, 7, 2, 7, 3, 7, 4, NA;
  BOOST_TEST(throws_with<ci::data_error>([&] { an::pca(c, {"x1", "x2"}); }, "'x2' is constant"));
  BOOST_TEST(throws_with<ci::data_error>([&] { an::pca(c.leftCols(1)); }, "at least 2 columns"));
  ci::matrix few(3, 2);
  few << 1, 2, NA, 3, 2, 1;
  BOOST_TEST(throws_with<ci::data_error>([&] { an::pca(few); }, "at least 3 rows"));
}

BOOST_AUTO_TEST_CASE(datasets_with_values_and_subsets) {
  ci::matrix v(3, 2);
  v << 1, 2, 3, 4, 5, 6;
  ci::dataset d({"A", "B", "C"}, v);
  ci::matrix den(3, 1);
  den << 10, 20, 30;
  d.set_denominators({"pop"}, den);
  d.add_group("region", {"N", "", "S"});

  ci::matrix w = v;
  w(1, 0) = 99;
  const auto d2 = an::with_values(d, w);
  BOOST_TEST(d2.values()(1, 0) == 99.0);
  BOOST_TEST(d2.denominators()(2, 0) == 30.0);
  BOOST_TEST((d2.group_ids("region") == std::vector<int>{0, -1, 1}));
  BOOST_TEST(throws_with<ci::spec_error>([&] { an::with_values(d, ci::matrix(2, 2)); }, "expected 3 x 2"));

  const auto s = an::subset(d, {2, 0}, {"C'", "A'"});
  BOOST_TEST((s.units() == ci::codes{"C'", "A'"}));
  BOOST_TEST(s.values()(0, 1) == 6.0);
  BOOST_TEST(s.denominators()(1, 0) == 10.0);
  BOOST_TEST((s.group_labels("region") == ci::codes{"S", "N"}));
  BOOST_TEST(throws_with<ci::spec_error>([&] { an::subset(d, {3}); }, "out of range"));
}

BOOST_AUTO_TEST_CASE(result_subset_reranks) {
  // Index = mean(a, b), min-max over the four units: a -> 0 33.3 66.7 100, b -> 100 0 50 50;
  // Index = 50, 16.7, 58.3, 75 (ranks 3 4 2 1). Rows {0, 1}: ranks among them 1, 2.
  const ci::framework fw({{"Index", ""}, {"a", "Index"}, {"b", "Index"}});
  ci::matrix v(4, 2);
  v << 1, 30, 2, 10, 3, 20, 4, 20;
  const auto r = ci::build(fw, ci::dataset({"u1", "u2", "u3", "u4"}, v));
  BOOST_TEST(r.ranks(0, 0) == 3.0);
  const auto s = an::subset(r, fw, {0, 1}, {"x", "y"});
  BOOST_TEST((*s.units == ci::codes{"x", "y"}));
  BOOST_TEST(s.aggregated(0, 0) == 50.0, tt::tolerance(1e-12));
  BOOST_TEST(s.ranks(0, 0) == 1.0);
  BOOST_TEST(s.ranks(1, 0) == 2.0);
  BOOST_TEST(s.raw.get() == s.denominated.get());  // stages that shared a data set still do
  BOOST_TEST(s.normalized->rows() == 2);
}

BOOST_AUTO_TEST_SUITE_END()
