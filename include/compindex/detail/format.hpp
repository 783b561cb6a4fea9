#pragma once
// Small helpers for error messages.

#include <cstdio>
#include <string>

namespace compindex::detail {

/// A double as the shortest text that reads back the same ("%.17g" trimmed to 6 digits when exact).
inline std::string fmt_double(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace compindex::detail
