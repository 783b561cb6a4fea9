#pragma once
// The synthetic index that bench_pipeline, bench_ranks and bench_treatment share (same tree rule,
// distributions and seed, so their figures are about the same data), and their timing helpers.

#include <compindex/compindex.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace bench {

// Results go here so the compiler cannot drop the work that produced them.
inline volatile double g_sink = 0.0;
inline void consume(double x) { g_sink = g_sink + x; }

// A tree given by its level sizes, leaves first: e.g. {52, 21, 7, 2, 1}. Node k of a level is the
// child of node floor(k * parents / children) of the level above, so children are spread evenly;
// every seventh indicator (k % 7 == 3) is lower-is-better.
inline compindex::framework make_framework(const std::vector<int>& levels) {
  std::vector<compindex::node> nodes;
  std::vector<std::vector<std::string>> names(levels.size());
  const char* prefix[] = {"ind", "sub", "pil", "sdx", "idx", "lv5", "lv6"};
  for (std::size_t l = 0; l < levels.size(); ++l)
    for (int k = 0; k < levels[l]; ++k) names[l].push_back(std::string(prefix[std::min<std::size_t>(l, 6)]) + std::to_string(k));
  // Root first, then level by level down to the indicators (which keep their order as columns).
  for (std::size_t l = levels.size(); l-- > 0;)
    for (int k = 0; k < levels[l]; ++k) {
      compindex::node nd;
      nd.code = names[l][static_cast<std::size_t>(k)];
      if (l + 1 < levels.size())
        nd.parent = names[l + 1][static_cast<std::size_t>(static_cast<long long>(k) * levels[l + 1] / levels[l])];
      if (l == 0 && k % 7 == 3) nd.direction = -1;
      nodes.push_back(std::move(nd));
    }
  return compindex::framework(std::move(nodes));
}

// Units x indicators, log-normal with a per-indicator location and spread drawn up to sigma_max
// (so some indicators are skewed enough for the GII rule and some not), and ~2% of cells missing.
inline compindex::matrix make_data(compindex::index_t n, compindex::index_t m, std::uint64_t seed, double sigma_max = 1.2) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> mu_d(0.0, 3.0), sigma_d(0.2, sigma_max), u(0.0, 1.0);
  std::normal_distribution<double> z(0.0, 1.0);
  compindex::matrix x(n, m);
  for (compindex::index_t j = 0; j < m; ++j) {
    const double mu = mu_d(rng), sigma = sigma_d(rng);
    for (compindex::index_t i = 0; i < n; ++i) {
      const double v = std::exp(mu + sigma * z(rng));
      x(i, j) = u(rng) < 0.02 ? compindex::nan : v;
    }
  }
  return x;
}

inline compindex::codes make_units(compindex::index_t n) {
  compindex::codes u(static_cast<std::size_t>(n));
  for (compindex::index_t i = 0; i < n; ++i) u[static_cast<std::size_t>(i)] = "u" + std::to_string(i);
  return u;
}

// The median of some times (the vector is taken by value: it is reordered).
inline double median_of(std::vector<double> t) {
  std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
  return t[t.size() / 2];
}

}  // namespace bench
