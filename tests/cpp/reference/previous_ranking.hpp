#pragma once
// rank_scores_into as it was before issue #18 (an LSD radix sort of (high 32 bits of the
// descending key, row) pairs on three 11-bit digits, runs of equal high halves sorted by the full
// key, then a walk that writes the places). Kept verbatim as the oracle of
// tests/cpp/test_ranking_fast.cpp and the "previous kernel" row of bench/bench_ranks.cpp, so
// later changes to the library's kernel are compared with a fixed reference.

#include <compindex/ranking.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace previous_ranking {

using compindex::index_t;
using compindex::rank_t;
using compindex::unranked;

struct oracle_workspace {
  std::vector<std::uint64_t> sorted, scratch;
};

inline std::uint64_t oracle_key(double x) {
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  const std::uint64_t ascending = (u & sign) ? ~u : (u | sign);
  return ~ascending;
}

inline void oracle_sort_by_high_half(oracle_workspace& ws, std::size_t m) {
  auto& a = ws.sorted;
  if (m < 256) {
    std::sort(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(m));
    return;
  }
  constexpr int shift[] = {32, 43, 54};
  constexpr std::uint64_t mask[] = {0x7FF, 0x7FF, 0x3FF};
  std::array<std::array<std::uint32_t, 2048>, 3> hist{};
  for (std::size_t i = 0; i < m; ++i)
    for (int p = 0; p < 3; ++p) ++hist[static_cast<std::size_t>(p)][(a[i] >> shift[p]) & mask[p]];
  ws.scratch.resize(a.size());
  for (int p = 0; p < 3; ++p) {
    auto& h = hist[static_cast<std::size_t>(p)];
    if (h[(a[0] >> shift[p]) & mask[p]] == m) continue;
    std::uint32_t sum = 0;
    for (auto& c : h) {
      const std::uint32_t t = c;
      c = sum;
      sum += t;
    }
    std::uint64_t* out = ws.scratch.data();
    for (std::size_t i = 0; i < m; ++i) out[h[(a[i] >> shift[p]) & mask[p]]++] = a[i];
    a.swap(ws.scratch);
  }
}

inline void oracle_rank(const double* x, index_t n, rank_t* out, oracle_workspace& ws) {
  ws.sorted.resize(static_cast<std::size_t>(n));
  constexpr std::uint64_t high = 0xFFFFFFFF00000000ULL, low = 0xFFFFFFFFULL;
  std::size_t m = 0;
  for (index_t i = 0; i < n; ++i) {
    out[i] = unranked;
    if (std::isnan(x[i])) continue;
    ws.sorted[m++] = (oracle_key(x[i]) & high) | static_cast<std::uint64_t>(i);
  }
  if (m == 0) return;
  oracle_sort_by_high_half(ws, m);
  std::uint64_t* e = ws.sorted.data();
  auto full = [&](std::uint64_t v) { return oracle_key(x[v & low]); };
  for (std::size_t k = 0; k < m;) {
    std::size_t j = k + 1;
    while (j < m && (e[j] & high) == (e[k] & high)) ++j;
    if (j - k > 1)
      std::sort(e + k, e + j, [&](std::uint64_t a, std::uint64_t b) {
        const std::uint64_t ka = full(a), kb = full(b);
        return ka != kb ? ka < kb : (a & low) < (b & low);
      });
    k = j;
  }
  const std::uint64_t plus_zero = oracle_key(0.0) & high, minus_zero = oracle_key(-0.0) & high;
  rank_t place = 1;
  out[e[0] & low] = 1;
  for (std::size_t k = 1; k < m; ++k) {
    const std::uint64_t h = e[k] & high, h0 = e[k - 1] & high;
    const bool tie = (h == h0 || (h0 == plus_zero && h == minus_zero)) && x[e[k] & low] == x[e[k - 1] & low];
    if (!tie) place = static_cast<rank_t>(k + 1);
    out[e[k] & low] = place;
  }
}

}  // namespace previous_ranking
