// Scores a three-indicator index from code and checks it against a hand-computed answer.
//
// Index I = weighted mean of a (weight 1), b (weight 1) and c (weight 2, lower is better),
// min-max normalized onto 0-100:
//   a = 1, 2, 3    -> X 0, Y  50, Z 100
//   b = 10, 30, 20 -> X 0, Y 100, Z  50
//   c = 5, 1, 3    -> (direction -1) X 0, Y 100, Z 50
//   I: X 0, Y (50 + 100 + 2*100)/4 = 87.5, Z (100 + 50 + 2*50)/4 = 62.5; ranks Y 1, Z 2, X 3.
#include <compindex/compindex.hpp>

#include <cmath>
#include <cstdio>

#if !defined(EXPECT_HEADER_ONLY)
#error "the consumer project must define EXPECT_HEADER_ONLY to 0 or 1"
#elif EXPECT_HEADER_ONLY && !defined(COMPINDEX_HEADER_ONLY)
#error "compindex::headers must define COMPINDEX_HEADER_ONLY"
#elif !EXPECT_HEADER_ONLY && defined(COMPINDEX_HEADER_ONLY)
#error "compindex::compindex must not define COMPINDEX_HEADER_ONLY"
#endif

int main() {
  using namespace compindex;
  const framework fw({{"I", ""}, {"a", "I", 1.0}, {"b", "I", 1.0}, {"c", "I", 2.0, -1}});
  matrix v(3, 3);
  v << 1, 10, 5,  //
      2, 30, 1,   //
      3, 20, 3;
  const result r = build(fw, dataset({"X", "Y", "Z"}, v));
  const auto col = static_cast<index_t>(fw.aggregate_column(fw.root()));
  const double expected_score[] = {0.0, 87.5, 62.5};
  const double expected_rank[] = {3, 1, 2};
  int failures = 0;
  for (index_t i = 0; i < 3; ++i) {
    const double s = r.aggregated(i, col), rk = r.ranks(i, static_cast<index_t>(fw.root()));
    const bool ok = std::abs(s - expected_score[i]) < 1e-12 && rk == expected_rank[i];
    std::printf("%s: score %.17g (expected %g), rank %g (expected %g)%s\n", (*r.units)[static_cast<std::size_t>(i)].c_str(), s,
                expected_score[i], rk, expected_rank[i], ok ? "" : "  <-- MISMATCH");
    failures += !ok;
  }
  std::printf("compindex %s, %s mode: %s\n", COMPINDEX_VERSION_STRING, EXPECT_HEADER_ONLY ? "header-only" : "compiled",
              failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
