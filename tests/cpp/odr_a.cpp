// Header-only mode, translation unit A: the umbrella header, and a function B calls.
#include <compindex/compindex.hpp>

double odr_index_score() {
  using namespace compindex;
  framework fw({{"I", ""}, {"P", "I"}, {"Q", "I"}, {"a", "P"}, {"b", "P"}, {"c", "Q", 1.0, -1}});
  matrix v(3, 3);
  v << 1, 2, 3, 4, 5, 6, 7, 8, 1;
  auto r = build(fw, dataset({"X", "Y", "Z"}, v));
  return r.aggregated(0, static_cast<index_t>(fw.aggregate_column(fw.root())));
}
