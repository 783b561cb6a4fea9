#pragma once
// Small helpers shared by the kernel test suites (statistics ... ranking).

#include <boost/test/unit_test.hpp>

#include <compindex/types.hpp>

#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace kernel_test {

inline constexpr double NaN = compindex::nan;

/// A column from a list of values.
inline compindex::vector vec(std::initializer_list<double> v) {
  compindex::vector x(static_cast<compindex::index_t>(v.size()));
  compindex::index_t i = 0;
  for (double d : v) x[i++] = d;
  return x;
}

inline compindex::vector vec(const std::vector<double>& v) {
  return Eigen::Map<const compindex::vector>(v.data(), static_cast<compindex::index_t>(v.size()));
}

/// a == b within a relative tolerance; an expected 0 is compared absolutely.
inline void check_close(double got, double want, double tol = 1e-12) {
  if (want == 0.0) {
    BOOST_TEST(std::abs(got) <= tol);
  } else {
    BOOST_TEST(got == want, boost::test_tools::tolerance(tol));
  }
}

/// Element-wise comparison where an expected NaN requires a NaN.
inline void check_column(const compindex::vector& got, const compindex::vector& want, double tol = 1e-12) {
  BOOST_TEST_REQUIRE(got.size() == want.size());
  for (compindex::index_t i = 0; i < got.size(); ++i) {
    BOOST_TEST_CONTEXT("row " << i) {
      if (std::isnan(want[i])) {
        BOOST_TEST(std::isnan(got[i]));
      } else {
        check_close(got[i], want[i], tol);
      }
    }
  }
}

inline void check_column(const compindex::vector& got, std::initializer_list<double> want, double tol = 1e-12) {
  check_column(got, vec(want), tol);
}

/// Predicate for BOOST_CHECK_EXCEPTION: the message contains every given fragment.
struct message_has {
  std::vector<std::string> parts;
  message_has(std::initializer_list<std::string> p) : parts(p) {}
  template <class E>
  bool operator()(const E& e) const {
    const std::string what = e.what();
    for (const auto& p : parts)
      if (what.find(p) == std::string::npos) {
        BOOST_TEST_MESSAGE("message '" << what << "' lacks '" << p << "'");
        return false;
      }
    return true;
  }
};

}  // namespace kernel_test
