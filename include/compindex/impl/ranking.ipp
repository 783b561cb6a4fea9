#pragma once
// Out-of-line definitions of ranking.hpp.

#include "../ranking.hpp"
#include "../error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace compindex {

namespace detail {

// A key whose unsigned order is the descending order of the double (NaN excluded beforehand):
// flip the sign bit of positives and every bit of negatives (ascending order), then invert.
inline std::uint64_t descending_key(double x) noexcept {
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  const std::uint64_t ascending = (u & sign) ? ~u : (u | sign);
  return ~ascending;
}

// Sorts ws.sorted[0..m) (each entry: the high 32 bits of a descending key, then a unit row in the
// low 32 bits) by its high half: LSD radix sort on 11-bit digits, skipping the digits every entry
// shares (most of the exponent, for scores on one scale); small inputs use a comparison sort.
// Stable, so entries with equal high halves stay in row order.
inline void sort_by_high_half(rank_workspace& ws, std::size_t m) {
  auto& a = ws.sorted;
  if (m < 256) {
    std::sort(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(m));  // high half, then row
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
    if (h[(a[0] >> shift[p]) & mask[p]] == m) continue;  // every entry has this digit
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

}  // namespace detail

COMPINDEX_INLINE void rank_scores_into(const double* x, index_t n, rank_t* out, rank_workspace& ws) {
  if (n > static_cast<index_t>(std::numeric_limits<rank_t>::max()))
    detail::throw_spec("ranking: " + std::to_string(n) + " units are more than 32-bit ranks can hold");
  ws.sorted.resize(static_cast<std::size_t>(n));
  constexpr std::uint64_t high = 0xFFFFFFFF00000000ULL, low = 0xFFFFFFFFULL;
  std::size_t m = 0;
  for (index_t i = 0; i < n; ++i) {
    out[i] = unranked;
    if (std::isnan(x[i])) continue;
    ws.sorted[m++] = (detail::descending_key(x[i]) & high) | static_cast<std::uint64_t>(i);
  }
  if (m == 0) return;
  detail::sort_by_high_half(ws, m);
  // Entries whose scores agree in their high 32 bits (ties, or scores within about 1e-6 of each
  // other) form runs: order each run by the full key, then by row.
  std::uint64_t* e = ws.sorted.data();
  auto full = [&](std::uint64_t v) { return detail::descending_key(x[v & low]); };
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
  // Equal scores are adjacent and share the best place. They have equal keys, except +0 and -0,
  // which sit at the end and the start of two neighbouring runs.
  const std::uint64_t plus_zero = detail::descending_key(0.0) & high, minus_zero = detail::descending_key(-0.0) & high;
  rank_t place = 1;
  out[e[0] & low] = 1;
  for (std::size_t k = 1; k < m; ++k) {
    const std::uint64_t h = e[k] & high, h0 = e[k - 1] & high;
    const bool tie = (h == h0 || (h0 == plus_zero && h == minus_zero)) && x[e[k] & low] == x[e[k - 1] & low];
    if (!tie) place = static_cast<rank_t>(k + 1);
    out[e[k] & low] = place;
  }
}

COMPINDEX_INLINE vector ranks_as_double(const Eigen::Ref<const rank_vector>& r) {
  vector v(r.size());
  for (index_t i = 0; i < r.size(); ++i) v[i] = r[i] == unranked ? nan : static_cast<double>(r[i]);
  return v;
}

COMPINDEX_INLINE vector rank_scores(vector_cref x) {
  rank_workspace ws;
  rank_vector r(x.size());
  if (x.innerStride() == 1) {
    rank_scores_into(x.data(), x.size(), r.data(), ws);
  } else {
    const vector c = x;
    rank_scores_into(c.data(), c.size(), r.data(), ws);
  }
  return ranks_as_double(r);
}

COMPINDEX_INLINE matrix rank_columns(matrix_cref x) {
  matrix r(x.rows(), x.cols());
  for (index_t j = 0; j < x.cols(); ++j) r.col(j) = rank_scores(x.col(j));
  return r;
}

COMPINDEX_INLINE vector rank_within_groups(vector_cref x, const std::vector<int>& g) {
  const index_t n = x.size();
  if (g.size() != static_cast<std::size_t>(n))
    detail::throw_spec("rank_within_groups: expected " + std::to_string(n) + " group ids, got " + std::to_string(g.size()));
  std::vector<index_t> idx;
  for (index_t i = 0; i < n; ++i)
    if (!std::isnan(x[i]) && g[static_cast<std::size_t>(i)] >= 0) idx.push_back(i);
  // Sort by group, then by score descending; rank within each run of one group.
  std::sort(idx.begin(), idx.end(), [&](index_t a, index_t b) {
    const int ga = g[static_cast<std::size_t>(a)], gb = g[static_cast<std::size_t>(b)];
    return ga != gb ? ga < gb : x[a] > x[b];
  });
  vector r = vector::Constant(n, nan);
  std::size_t start = 0;
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const bool new_group = k == 0 || g[static_cast<std::size_t>(idx[k])] != g[static_cast<std::size_t>(idx[k - 1])];
    if (new_group) start = k;
    r[idx[k]] = (!new_group && x[idx[k]] == x[idx[k - 1]]) ? r[idx[k - 1]] : static_cast<double>(k - start + 1);
  }
  return r;
}

}  // namespace compindex
