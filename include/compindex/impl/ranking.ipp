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

// The number of significant bits of v (0 for 0).
inline int bit_width(std::uint64_t v) noexcept {
  int b = 0;
  while (b < 64 && (v >> b) != 0) ++b;
  return b;
}

// The 32-bit row of an entry (reduced key in the high half, unit row in the low half).
inline std::size_t entry_row(std::uint64_t e) noexcept { return static_cast<std::size_t>(e & 0xFFFFFFFFULL); }

// Sorts a[0..m) by the high halves of its entries: LSD radix sort on 11-bit digits whose counts
// `hist` already holds, skipping the digits every entry shares; `b` is scratch of m entries.
// Stable. Returns the array holding the result (a or b).
inline std::uint64_t* radix_sort_high_half(std::uint64_t* a, std::uint64_t* b, std::size_t m,
                                           std::array<std::array<std::uint32_t, 2048>, 3>& hist) {
  for (int p = 0; p < 3; ++p) {
    auto& h = hist[static_cast<std::size_t>(p)];
    const int shift = 32 + 11 * p;
    if (h[(a[0] >> shift) & 0x7FF] == m) continue;  // every entry has this digit
    std::uint32_t sum = 0;
    for (auto& c : h) {
      const std::uint32_t t = c;
      c = sum;
      sum += t;
    }
    for (std::size_t i = 0; i < m; ++i) b[h[(a[i] >> shift) & 0x7FF]++] = a[i];
    std::swap(a, b);
  }
  return a;
}

// Ranks of a run r[0..len) of entries that share their reduced key (so they are adjacent to
// every score between them), the first of which takes place `first`: equal scores (+0 == -0)
// share the best place. Orders the run by score unless every score in it is equal (ties).
inline void rank_run(const double* x, std::uint64_t* r, std::size_t len, rank_t first, rank_t* out) {
  const double x0 = x[entry_row(r[0])];
  bool same = true;
  for (std::size_t q = 1; q < len; ++q) same = same && x[entry_row(r[q])] == x0;
  if (same) {
    for (std::size_t q = 0; q < len; ++q) out[entry_row(r[q])] = first;
    return;
  }
  if (len <= 16) {  // insertion sort, descending
    for (std::size_t q = 1; q < len; ++q) {
      const std::uint64_t v = r[q];
      const double xv = x[entry_row(v)];
      std::size_t w = q;
      for (; w > 0 && x[entry_row(r[w - 1])] < xv; --w) r[w] = r[w - 1];
      r[w] = v;
    }
  } else {  // many distinct scores in one key: a range that dwarfs most gaps (one 0 far below a packed bulk)
    std::sort(r, r + len, [x](std::uint64_t a, std::uint64_t b) { return x[entry_row(a)] > x[entry_row(b)]; });
  }
  rank_t place = first;
  out[entry_row(r[0])] = place;
  for (std::size_t q = 1; q < len; ++q) {
    if (!(x[entry_row(r[q])] == x[entry_row(r[q - 1])])) place = first + static_cast<rank_t>(q);
    out[entry_row(r[q])] = place;
  }
}

}  // namespace detail

// From 128 units, three steps, each a pass over the column or its entries (smaller columns sort
// (high half of the key, row) entries by comparison, then take step 3's walk):
// 1. unranked everywhere (which also brings the output into cache in order) and the extremes;
// 2. one entry per score: a 32-bit reduced key (the score's descending key minus the best
//    score's, shifted right so the range fits 32 bits: monotone, so equal scores share it and
//    distinct scores mostly do not, whatever the scale of the column), then the unit row; the
//    counts of the key's three 11-bit digits are gathered in the same pass;
// 3. an LSD radix sort of the entries by reduced key (a digit every entry shares is skipped),
//    then one walk that writes each entry's place; runs of entries sharing a reduced key (ties,
//    or distinct scores closer than the key resolves) are ordered by score on the spot.
// -0 is keyed as +0 (x + 0.0), so the two zeros tie.
COMPINDEX_INLINE void rank_scores_into(const double* x, index_t n, rank_t* out, rank_workspace& ws) {
  if (n > static_cast<index_t>(std::numeric_limits<rank_t>::max()))
    detail::throw_spec("ranking: " + std::to_string(n) + " units are more than 32-bit ranks can hold");
  const auto un = static_cast<std::size_t>(n);
  ws.sorted.resize(un);
  std::uint64_t* a = ws.sorted.data();
  std::size_t m = 0;
  if (un < 128) {  // small columns: the high half of the key, a comparison sort, no extremes pass
    for (index_t i = 0; i < n; ++i) {
      out[i] = unranked;
      if (!std::isnan(x[i]))
        a[m++] = (detail::descending_key(x[i] + 0.0) & 0xFFFFFFFF00000000ULL) | static_cast<std::uint64_t>(i);
    }
    std::sort(a, a + m);
  } else {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (index_t i = 0; i < n; ++i) {
      const double v = x[i];
      out[i] = unranked;
      lo = v < lo ? v : lo;  // NaN compares false: skipped
      hi = v > hi ? v : hi;
    }
    if (!(lo <= hi)) return;  // no score
    const std::uint64_t best = detail::descending_key(hi + 0.0);
    const int bits = detail::bit_width(detail::descending_key(lo + 0.0) - best);
    const int shift = bits > 32 ? bits - 32 : 0;
    std::array<std::array<std::uint32_t, 2048>, 3> hist{};
    for (index_t i = 0; i < n; ++i) {
      if (std::isnan(x[i])) continue;
      const auto r = static_cast<std::uint32_t>((detail::descending_key(x[i] + 0.0) - best) >> shift);
      ++hist[0][r & 0x7FF];
      ++hist[1][(r >> 11) & 0x7FF];
      ++hist[2][r >> 22];
      a[m++] = (static_cast<std::uint64_t>(r) << 32) | static_cast<std::uint64_t>(i);
    }
    ws.scratch.resize(un);
    a = detail::radix_sort_high_half(a, ws.scratch.data(), m, hist);
  }
  for (std::size_t k = 0; k < m;) {
    std::size_t j = k + 1;
    while (j < m && (a[j] >> 32) == (a[k] >> 32)) ++j;
    if (j == k + 1)
      out[detail::entry_row(a[k])] = static_cast<rank_t>(k + 1);
    else
      detail::rank_run(x, a + k, j - k, static_cast<rank_t>(k + 1), out);
    k = j;
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
