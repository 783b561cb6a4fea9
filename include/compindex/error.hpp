#pragma once
/// @file error.hpp
/// The three exception types compindex throws on bad input or a numerical failure. Each derives
/// from the standard exception that pybind11 maps to the matching Python builtin; the Python
/// package maps them to `compindex.SpecError`, `compindex.DataError` and
/// `compindex.ComputationError`. A fourth, `interrupted`, says that a long computation was
/// stopped on request (the Python binding turns that into the pending KeyboardInterrupt).

#include <cstddef>
#include <stdexcept>
#include <string>

namespace compindex {

/// Invalid configuration: a malformed framework, an unknown code or method, a bad parameter.
class spec_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Data that violate a method's precondition: shape mismatch, all-missing indicator,
/// zero variance under min-max, non-positive values under a geometric mean.
class data_error : public std::domain_error {
 public:
  using std::domain_error::domain_error;
};

/// A numerical failure: no convergence, a singular matrix.
class computation_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A long computation stopped on request (a stop flag set by another thread, e.g. on Ctrl-C)
/// before it finished; `done()` says how many of its items (replications) were completed.
class interrupted : public std::runtime_error {
 public:
  interrupted(const std::string& what, std::size_t done) : std::runtime_error(what), done_(done) {}
  std::size_t done() const noexcept { return done_; }

 private:
  std::size_t done_ = 0;
};

namespace detail {
[[noreturn]] inline void throw_spec(const std::string& msg) { throw spec_error(msg); }
[[noreturn]] inline void throw_data(const std::string& msg) { throw data_error(msg); }
[[noreturn]] inline void throw_computation(const std::string& msg) { throw computation_error(msg); }
}  // namespace detail

}  // namespace compindex
