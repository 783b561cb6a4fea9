// Tests of compindex/sobol_indices.hpp: the Saltelli design, and the Sobol' indices of the
// Ishigami function, of an additive model, of a dummy input, of a constant output and of groups.
#include <compindex/sobol_indices.hpp>
#include <compindex/sobol_sequence.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace compindex;
using namespace compindex::sensitivity;

namespace {

constexpr double pi = 3.141592653589793238462643383279502884;

// Ishigami and Homma (1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi), with
// a = 7, b = 0.1. Closed-form partial variances (Sobol' and Levitan 1999):
//   V1  = (1 + b pi^4 / 5)^2 / 2,  V2 = a^2 / 8,  V3 = 0,
//   V13 = b^2 pi^8 (1/18 - 1/50) = 8 b^2 pi^8 / 225,  V12 = V23 = V123 = 0,
//   V   = a^2 / 8 + b pi^4 / 5 + b^2 pi^8 / 18 + 1/2 = V1 + V2 + V13,
// so S = (V1, V2, 0) / V = (0.3139, 0.4424, 0) and ST = (V1 + V13, V2, V13) / V =
// (0.5576, 0.4424, 0.2437).
struct ishigami_truth {
  static constexpr double a = 7.0, b = 0.1;
  double v1 = 0.5 * std::pow(1 + b * std::pow(pi, 4) / 5, 2);
  double v2 = a * a / 8;
  double v13 = b * b * std::pow(pi, 8) * (1.0 / 18 - 1.0 / 50);
  double v = a * a / 8 + b * std::pow(pi, 4) / 5 + b * b * std::pow(pi, 8) / 18 + 0.5;
  double s1(int i) const { return i == 0 ? v1 / v : i == 1 ? v2 / v : 0.0; }
  double st(int i) const { return i == 0 ? (v1 + v13) / v : i == 1 ? v2 / v : v13 / v; }
};

double ishigami(double x1, double x2, double x3) {
  const double s2 = std::sin(x2);
  return std::sin(x1) + 7.0 * s2 * s2 + 0.1 * std::pow(x3, 4) * std::sin(x1);
}

// Model outputs on every row of a design in [0, 1)^k; columns mapped to U(-pi, pi) for Ishigami.
vector ishigami_outputs(const matrix& design) {
  vector y(design.rows());
  for (index_t r = 0; r < design.rows(); ++r) {
    const auto x = [&](index_t c) { return -pi + 2 * pi * design(r, c); };
    y[r] = ishigami(x(0), x(1), x(2));
  }
  return y;
}

bool contains(double lo, double hi, double x) { return lo <= x && x <= hi; }

const std::size_t big_n = std::size_t{1} << 14;

}  // namespace

// The suite is the namespace ::sobol_indices, so the function is always written
// sensitivity::sobol_indices below.
BOOST_AUTO_TEST_SUITE(sobol_indices)

BOOST_AUTO_TEST_CASE(saltelli_design_row_order) {
  const std::size_t n = 8, k = 3;
  const matrix d = saltelli_sample(n, k, 99);
  BOOST_TEST(d.rows() == static_cast<index_t>(n * (k + 2)));
  BOOST_TEST(d.cols() == static_cast<index_t>(k));
  // A and B are the two halves of the digitally shifted 2k-dimensional Sobol' points 0..n-1.
  const matrix base = sobol_sequence(2 * k, digital_shift{99}, false).draw(n);
  BOOST_TEST((d.topRows(8).array() == base.leftCols(3).array()).all());
  BOOST_TEST((d.middleRows(8, 8).array() == base.rightCols(3).array()).all());
  for (index_t i = 0; i < 3; ++i) {
    const auto ab = d.middleRows((2 + i) * 8, 8);
    for (index_t c = 0; c < 3; ++c) {
      const auto source = c == i ? d.middleRows(8, 8).col(c) : d.topRows(8).col(c);
      BOOST_TEST((ab.col(c).array() == source.array()).all(), "AB_" << i << " column " << c);
    }
  }
  BOOST_TEST(((d.array() >= 0.0) && (d.array() < 1.0)).all());
}

BOOST_AUTO_TEST_CASE(saltelli_design_with_groups) {
  const std::vector<std::size_t> groups{0, 1, 0};
  const matrix d = saltelli_sample(8, groups, 5);
  BOOST_TEST(d.rows() == 8 * 4);
  const auto a = d.topRows(8), b = d.middleRows(8, 8), ab0 = d.middleRows(16, 8), ab1 = d.middleRows(24, 8);
  BOOST_TEST((ab0.col(0).array() == b.col(0).array()).all());
  BOOST_TEST((ab0.col(1).array() == a.col(1).array()).all());
  BOOST_TEST((ab0.col(2).array() == b.col(2).array()).all());
  BOOST_TEST((ab1.col(0).array() == a.col(0).array()).all());
  BOOST_TEST((ab1.col(1).array() == b.col(1).array()).all());
  BOOST_TEST((ab1.col(2).array() == a.col(2).array()).all());
  // The ungrouped design is the grouped one with one group per input.
  BOOST_TEST((saltelli_sample(8, 3, 5).array() == saltelli_sample(8, std::vector<std::size_t>{0, 1, 2}, 5).array()).all());
}

BOOST_AUTO_TEST_CASE(saltelli_design_rejects_bad_arguments) {
  BOOST_CHECK_THROW(saltelli_sample(1, 3, 0), spec_error);
  BOOST_CHECK_THROW(saltelli_sample(8, 0, 0), spec_error);
  BOOST_CHECK_THROW(saltelli_sample(8, sobol_sequence::max_dims / 2 + 1, 0), spec_error);
  BOOST_CHECK_THROW(saltelli_sample(8, std::vector<std::size_t>{}, 0), spec_error);
  BOOST_CHECK_THROW(saltelli_sample(8, std::vector<std::size_t>{0, 2, 2}, 0), spec_error);  // group 1 unused
  BOOST_CHECK_THROW(saltelli_sample(8, std::vector<std::size_t>{0, 5}, 0), spec_error);
}

BOOST_AUTO_TEST_CASE(ishigami_indices_and_convergence) {
  const ishigami_truth truth;
  BOOST_TEST(std::abs(truth.s1(0) - 0.3139) < 1e-4);
  BOOST_TEST(std::abs(truth.s1(1) - 0.4424) < 1e-4);
  BOOST_TEST(std::abs(truth.st(0) - 0.5576) < 1e-4);
  BOOST_TEST(std::abs(truth.st(2) - 0.2437) < 1e-4);

  const vector y = ishigami_outputs(saltelli_sample(big_n, 3, 2024));
  sobol_options opt;
  opt.n_bootstrap = 200;  // enough for 95% percentile bounds, and fast in unoptimized builds
  const sobol_result r = sensitivity::sobol_indices(y, big_n, 3, opt);
  BOOST_TEST(r.n == big_n);
  BOOST_TEST(std::abs(r.variance - truth.v) / truth.v < 0.02);
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST_CONTEXT("x" << i + 1) {
      BOOST_TEST(std::abs(r.first_order[i] - truth.s1(i)) < 0.02);
      BOOST_TEST(std::abs(r.total_order[i] - truth.st(i)) < 0.02);
      BOOST_TEST(r.first_low[i] <= r.first_order[i]);
      BOOST_TEST(r.first_order[i] <= r.first_high[i]);
      BOOST_TEST(r.total_low[i] <= r.total_order[i]);
      BOOST_TEST(r.total_order[i] <= r.total_high[i]);
    }
  }
  BOOST_TEST_MESSAGE("Ishigami n = 2^14: S1 = " << r.first_order.transpose() << ", ST = " << r.total_order.transpose()
                                               << ", max change " << r.max_change << ", max half-width "
                                               << r.max_half_width);
  BOOST_TEST(r.converged);
  BOOST_TEST(r.max_change < 0.05);
  BOOST_TEST(r.max_half_width < 0.05);

  // At n = 16 the check fails.
  const vector y16 = ishigami_outputs(saltelli_sample(16, 3, 2024));
  const sobol_result r16 = sensitivity::sobol_indices(y16, 16, 3);
  BOOST_TEST(!r16.converged);
  BOOST_TEST(r16.max_half_width >= 0.05);
  BOOST_TEST(r16.first_order_half_n.size() == 3);
}

BOOST_AUTO_TEST_CASE(additive_model) {
  // y = sum c_i x_i with independent inputs: S_i = ST_i = c_i^2 var(x_i) / sum_j c_j^2 var(x_j),
  // here with x_i ~ U(0, 1) (equal variances) S_i = c_i^2 / sum c_j^2.
  const double c[] = {1.0, 2.0, 3.0};
  const double total = 1.0 + 4.0 + 9.0;
  const std::size_t n = 4096;
  const matrix d = saltelli_sample(n, 3, 8);
  vector y(d.rows());
  for (index_t r = 0; r < d.rows(); ++r) y[r] = c[0] * d(r, 0) + c[1] * d(r, 1) + c[2] * d(r, 2);
  sobol_options opt;
  opt.n_bootstrap = 0;  // only the estimates are checked
  const sobol_result res = sensitivity::sobol_indices(y, n, 3, opt);
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(std::abs(res.first_order[i] - c[i] * c[i] / total) < 0.01, "S1 of x" << i + 1);
    BOOST_TEST(std::abs(res.total_order[i] - c[i] * c[i] / total) < 0.01, "ST of x" << i + 1);
  }
  // Adding a constant to y changes nothing (outputs are centered first).
  const vector shifted = (y.array() + 1e6).matrix();
  const sobol_result res2 = sensitivity::sobol_indices(shifted, n, 3, opt);
  BOOST_TEST((res2.first_order - res.first_order).cwiseAbs().maxCoeff() < 1e-6);
  BOOST_TEST((res2.total_order - res.total_order).cwiseAbs().maxCoeff() < 1e-6);
}

BOOST_AUTO_TEST_CASE(input_outside_the_model) {
  // Ishigami in x1..x3 plus a fourth input that does not enter the model.
  const std::size_t n = 4096;
  const matrix d = saltelli_sample(n, 4, 77);
  const vector y = ishigami_outputs(d);
  sobol_options opt;
  opt.n_bootstrap = 200;
  const sobol_result r = sensitivity::sobol_indices(y, n, 4, opt);
  BOOST_TEST(std::abs(r.first_order[3]) < 0.01);
  BOOST_TEST(std::abs(r.total_order[3]) < 0.01);
  BOOST_TEST(contains(r.first_low[3], r.first_high[3], 0.0));
  BOOST_TEST(contains(r.total_low[3], r.total_high[3], 0.0));
}

BOOST_AUTO_TEST_CASE(constant_output_gives_zeros) {
  const std::size_t n = 64, k = 3;
  const vector y = vector::Constant(static_cast<index_t>(n * (k + 2)), 0.1);
  const sobol_result r = sensitivity::sobol_indices(y, n, k);
  BOOST_TEST(r.variance == 0.0);
  for (const vector* v : {&r.first_order, &r.total_order, &r.first_low, &r.first_high, &r.total_low, &r.total_high,
                          &r.first_order_half_n, &r.total_order_half_n})
    BOOST_TEST((v->array() == 0.0).all());
  BOOST_TEST(r.converged);
}

BOOST_AUTO_TEST_CASE(grouped_ishigami) {
  // Group {x1, x3} and group {x2}. The first-order index of {x1, x3} is
  // (V1 + V3 + V13) / V = (V1 + V13) / V = 0.5576 (= ST1, since V3 = 0); x2 does not interact
  // with the group, so its total index is 1 - S2 = the same value. The group {x2} has
  // S = ST = V2 / V = 0.4424.
  const ishigami_truth truth;
  const double s13 = (truth.v1 + 0.0 + truth.v13) / truth.v;
  BOOST_TEST(std::abs(s13 - 0.5576) < 1e-4);
  const std::vector<std::size_t> groups{0, 1, 0};
  const vector y = ishigami_outputs(saltelli_sample(big_n, groups, 11));
  sobol_options opt;
  opt.n_bootstrap = 0;  // only the estimates are checked
  const sobol_result r = sensitivity::sobol_indices(y, big_n, 2, opt);
  BOOST_TEST(r.first_order.size() == 2);
  BOOST_TEST(std::abs(r.first_order[0] - s13) < 0.02);
  BOOST_TEST(std::abs(r.total_order[0] - s13) < 0.02);
  BOOST_TEST(std::abs(r.first_order[1] - truth.v2 / truth.v) < 0.02);
  BOOST_TEST(std::abs(r.total_order[1] - truth.v2 / truth.v) < 0.02);
}

BOOST_AUTO_TEST_CASE(determinism) {
  const std::size_t n = 512;
  const matrix d1 = saltelli_sample(n, 3, 1), d1b = saltelli_sample(n, 3, 1), d2 = saltelli_sample(n, 3, 2);
  BOOST_TEST((d1.array() == d1b.array()).all());
  BOOST_TEST((d1.topRows(2 * n).array() != d2.topRows(2 * n).array()).all());

  const vector y = ishigami_outputs(d1);
  sobol_options opt;
  opt.n_bootstrap = 100;
  opt.seed = 5;
  const sobol_result a = sensitivity::sobol_indices(y, n, 3, opt), b = sensitivity::sobol_indices(y, n, 3, opt);
  const auto same = [](const vector& u, const vector& v) { return (u.array() == v.array()).all(); };
  BOOST_TEST(same(a.first_order, b.first_order));
  BOOST_TEST(same(a.total_order, b.total_order));
  BOOST_TEST(same(a.first_low, b.first_low));
  BOOST_TEST(same(a.first_high, b.first_high));
  BOOST_TEST(same(a.total_low, b.total_low));
  BOOST_TEST(same(a.total_high, b.total_high));
  // Another bootstrap seed moves the intervals, not the estimates.
  opt.seed = 6;
  const sobol_result c = sensitivity::sobol_indices(y, n, 3, opt);
  BOOST_TEST(same(a.first_order, c.first_order));
  BOOST_TEST(!same(a.first_low, c.first_low));
}

BOOST_AUTO_TEST_CASE(no_bootstrap) {
  const std::size_t n = 256;
  const vector y = ishigami_outputs(saltelli_sample(n, 3, 3));
  sobol_options opt;
  opt.n_bootstrap = 0;
  const sobol_result r = sensitivity::sobol_indices(y, n, 3, opt);
  BOOST_TEST(std::isnan(r.first_low[0]));
  BOOST_TEST(std::isnan(r.max_half_width));
  BOOST_TEST(!r.converged);
  BOOST_TEST(r.first_order.allFinite());
}

BOOST_AUTO_TEST_CASE(rejects_bad_arguments) {
  const vector y = vector::Zero(16 * 5);
  const auto names_expected_rows = [](const spec_error& e) {
    return std::string(e.what()).find("expected n * (n_groups + 2) = 16 * (2 + 2) = 64") != std::string::npos;
  };
  BOOST_CHECK_EXCEPTION(sensitivity::sobol_indices(y, 16, 2), spec_error, names_expected_rows);
  BOOST_CHECK_THROW(sensitivity::sobol_indices(y, 1, 78), spec_error);
  BOOST_CHECK_THROW(sensitivity::sobol_indices(y, 16, 0), spec_error);
  sobol_options opt;
  opt.confidence = 1.0;
  BOOST_CHECK_THROW(sensitivity::sobol_indices(y, 16, 3, opt), spec_error);
  opt = {};
  opt.tolerance = 0.0;
  BOOST_CHECK_THROW(sensitivity::sobol_indices(y, 16, 3, opt), spec_error);
  vector bad = y;
  bad[20] = std::nan("");
  BOOST_CHECK_THROW(sensitivity::sobol_indices(bad, 16, 3), data_error);
}

BOOST_AUTO_TEST_SUITE_END()
