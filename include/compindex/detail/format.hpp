#pragma once
// Small helpers for error messages.

#include <cstdio>
#include <string>

namespace compindex::detail {

/// A double for a message, with 6 significant digits.
inline std::string fmt_double(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace compindex::detail
