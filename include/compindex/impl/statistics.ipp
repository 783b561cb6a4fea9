#pragma once
// Out-of-line definitions of statistics.hpp.

#include "../statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace compindex::statistics {

namespace detail {
inline std::vector<double> present(vector_cref x) {
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(x.size()));
  for (index_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i])) v.push_back(x[i]);
  return v;
}
// Average ranks (1-based) of v, ties sharing the mean of their places.
inline std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<std::size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}
inline double pearson_of(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = a.size();
  if (n < 2) return std::nan("");
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) ma += a[i], mb += b[i];
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double da = a[i] - ma, db = b[i] - mb;
    sab += da * db, saa += da * da, sbb += db * db;
  }
  if (saa <= 0 || sbb <= 0) return std::nan("");
  return sab / std::sqrt(saa * sbb);
}
}  // namespace detail

COMPINDEX_INLINE index_t count(vector_cref x) {
  index_t n = 0;
  for (index_t i = 0; i < x.size(); ++i) n += !std::isnan(x[i]);
  return n;
}

COMPINDEX_INLINE double mean(vector_cref x) {
  double s = 0.0;
  index_t n = 0;
  for (index_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i])) s += x[i], ++n;
  return n ? s / static_cast<double>(n) : std::nan("");
}

COMPINDEX_INLINE double median(vector_cref x) {
  auto v = detail::present(x);
  if (v.empty()) return std::nan("");
  const std::size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  const double upper = v[h];
  if (v.size() % 2) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h));
  return 0.5 * (lower + upper);
}

COMPINDEX_INLINE double sd(vector_cref x) {
  const double m = mean(x);
  double s = 0.0;
  index_t n = 0;
  for (index_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i])) s += (x[i] - m) * (x[i] - m), ++n;
  return n > 1 ? std::sqrt(s / static_cast<double>(n - 1)) : std::nan("");
}

COMPINDEX_INLINE double min(vector_cref x) {
  double m = std::nan("");
  for (index_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !(x[i] >= m)) m = x[i];
  return m;
}

COMPINDEX_INLINE double max(vector_cref x) {
  double m = std::nan("");
  for (index_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !(x[i] <= m)) m = x[i];
  return m;
}

COMPINDEX_INLINE double skewness(vector_cref x) {
  const double m = mean(x);
  double s2 = 0, s3 = 0;
  index_t n = 0;
  for (index_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) continue;
    const double d = x[i] - m;
    s2 += d * d, s3 += d * d * d, ++n;
  }
  if (n < 3 || !(s2 > 0)) return std::nan("");
  const double dn = static_cast<double>(n);
  const double g1 = std::sqrt(dn) * s3 / std::pow(s2, 1.5);
  return g1 * std::sqrt(dn * (dn - 1)) / (dn - 2);
}

COMPINDEX_INLINE double kurtosis(vector_cref x) {
  const double m = mean(x);
  double s2 = 0, s4 = 0;
  index_t n = 0;
  for (index_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) continue;
    const double d = x[i] - m, d2 = d * d;
    s2 += d2, s4 += d2 * d2, ++n;
  }
  if (n < 4 || !(s2 > 0)) return std::nan("");
  const double dn = static_cast<double>(n);
  const double r = dn * s4 / (s2 * s2);
  return ((dn + 1) * (r - 3) + 6) * (dn - 1) / ((dn - 2) * (dn - 3));
}

COMPINDEX_INLINE double pearson(vector_cref x, vector_cref y) {
  std::vector<double> a, b;
  for (index_t i = 0; i < x.size() && i < y.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) a.push_back(x[i]), b.push_back(y[i]);
  return detail::pearson_of(a, b);
}

COMPINDEX_INLINE double spearman(vector_cref x, vector_cref y) {
  std::vector<double> a, b;
  for (index_t i = 0; i < x.size() && i < y.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) a.push_back(x[i]), b.push_back(y[i]);
  return detail::pearson_of(detail::average_ranks(a), detail::average_ranks(b));
}

}  // namespace compindex::statistics
