// The Boost.Test runner of the C++ suites; each test_<header>.cpp holds one suite.
#define BOOST_TEST_MODULE compindex
#ifndef BOOST_TEST_DYN_LINK
#define BOOST_TEST_DYN_LINK
#endif
#include <boost/test/unit_test.hpp>
