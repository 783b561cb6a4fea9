// Header-only mode, translation unit B: includes the same headers again; linking both units proves
// every out-of-line definition is inline. The index score of unit X is checked by hand:
// a = 0, b = 0 (min-max of 1,4,7 and 2,5,8), c inverse: (-3 - -6)/(-1 - -6) = 0.6 -> 60,
// P = 0, Q = 60, I = 30.
#include <compindex/compindex.hpp>

#include <cmath>
#include <cstdio>

double odr_index_score();

int main() {
  const double s = odr_index_score();
  if (std::abs(s - 30.0) > 1e-12) {
    std::printf("header-only run: expected 30, got %.17g\n", s);
    return 1;
  }
  std::printf("header-only run: ok\n");
  return 0;
}
