#pragma once
// Out-of-line definitions of statistics.hpp.

#include "../statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
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
// The binary exponent of the largest |value| (missing values skipped), clamped so that scaling by
// 2^-e maps it near 1 without overflow: used to redo a sum that overflowed or underflowed.
inline int scale_exponent(vector_cref x) {
  double mx = 0.0;
  for (index_t i = 0; i < x.size(); ++i)
    if (std::isfinite(x[i])) mx = std::max(mx, std::abs(x[i]));
  return mx > 0.0 ? std::ilogb(mx) : 0;
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

COMPINDEX_INLINE summary summarize(const double* x, index_t n) {
  // Comparisons with NaN are false, so missing values leave min and max alone. GCC does not
  // vectorize this min/max reduction by itself (it must keep NaN semantics), so on x86 the SSE2
  // min/max instructions do it: they return their second operand when either is NaN, which is
  // exactly "skip the missing value".
  double mn = std::numeric_limits<double>::infinity(), mx = -mn, c = 0.0;
  index_t i = 0;
#if defined(__SSE2__)
  __m128d vmn0 = _mm_set1_pd(mn), vmn1 = vmn0, vmx0 = _mm_set1_pd(mx), vmx1 = vmx0;
  __m128d vc0 = _mm_setzero_pd(), vc1 = vc0;
  const __m128d one = _mm_set1_pd(1.0);
  for (; i + 4 <= n; i += 4) {
    const __m128d a = _mm_loadu_pd(x + i), b = _mm_loadu_pd(x + i + 2);
    vmn0 = _mm_min_pd(a, vmn0);
    vmn1 = _mm_min_pd(b, vmn1);
    vmx0 = _mm_max_pd(a, vmx0);
    vmx1 = _mm_max_pd(b, vmx1);
    vc0 = _mm_add_pd(vc0, _mm_and_pd(_mm_cmpord_pd(a, a), one));
    vc1 = _mm_add_pd(vc1, _mm_and_pd(_mm_cmpord_pd(b, b), one));
  }
  alignas(16) double t[2];
  _mm_store_pd(t, _mm_min_pd(vmn0, vmn1));
  mn = std::min(t[0], t[1]);
  _mm_store_pd(t, _mm_max_pd(vmx0, vmx1));
  mx = std::max(t[0], t[1]);
  _mm_store_pd(t, _mm_add_pd(vc0, vc1));
  c = t[0] + t[1];
#endif
  for (; i < n; ++i) {
    const double v = x[i];
    mn = v < mn ? v : mn;
    mx = v > mx ? v : mx;
    c += v == v ? 1.0 : 0.0;
  }
  summary s;
  s.count = static_cast<index_t>(c);
  s.min = s.count ? mn : std::nan("");
  s.max = s.count ? mx : std::nan("");
  return s;
}

COMPINDEX_INLINE index_t count(vector_cref x) { return summarize(x.data(), x.size()).count; }

COMPINDEX_INLINE double mean(vector_cref x) {
  double s = 0.0;
  index_t n = 0;
  for (index_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i])) s += x[i], ++n;
  if (!n) return std::nan("");
  if (std::isfinite(s)) return s / static_cast<double>(n);
  // The sum overflowed (values near the limit of double precision; or an infinite value, which
  // stays infinite or NaN): redo it on the values scaled down by a power of two, which is exact.
  const int e = detail::scale_exponent(x);
  double t = 0.0;
  for (index_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i])) t += std::ldexp(x[i], -e);
  return std::ldexp(t / static_cast<double>(n), e);
}

COMPINDEX_INLINE double median(vector_cref x) {
  auto v = detail::present(x);
  if (v.empty()) return std::nan("");
  const std::size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  const double upper = v[h];
  if (v.size() % 2) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h));
  const double m = 0.5 * (lower + upper);
  return std::isinf(m) ? 0.5 * lower + 0.5 * upper : m;  // lower + upper overflowed (1.7e308 and 1.6e308)
}

COMPINDEX_INLINE double sd(vector_cref x) {
  const double m = mean(x);
  double s = 0.0;
  index_t n = 0;
  for (index_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i])) s += (x[i] - m) * (x[i] - m), ++n;
  if (n < 2) return std::nan("");
  // Identical values have sd 0 exactly, even when their mean rounds (six times 0.00166969 sum
  // to a value whose sixth is not 0.00166969): a constant column must not pass for a spread one.
  if (s > 0.0 && s <= static_cast<double>(n) * (m * 0x1p-48) * (m * 0x1p-48)) {  // only as small as rounding
    const auto sm = summarize(x.data(), x.size());
    if (sm.min == sm.max) return 0.0;
  }
  if (!(s >= 0x1p-900 && s <= 0x1p900) && std::isfinite(m)) {
    // The squares overflowed (spread near 1e154 or more) or underflowed (subnormal spreads,
    // where a zero sum would pass for a constant column): redo it scaled by a power of two.
    const int e = detail::scale_exponent(x);
    double ms = 0.0;
    for (index_t i = 0; i < x.size(); ++i)
      if (!std::isnan(x[i])) ms += std::ldexp(x[i], -e);
    ms /= static_cast<double>(n);
    double t = 0.0;
    for (index_t i = 0; i < x.size(); ++i)
      if (!std::isnan(x[i])) {
        const double d = std::ldexp(x[i], -e) - ms;
        t += d * d;
      }
    return std::ldexp(std::sqrt(t / static_cast<double>(n - 1)), e);
  }
  return std::sqrt(s / static_cast<double>(n - 1));
}

COMPINDEX_INLINE double min(vector_cref x) { return summarize(x.data(), x.size()).min; }

COMPINDEX_INLINE double max(vector_cref x) { return summarize(x.data(), x.size()).max; }

COMPINDEX_INLINE shape skewness_kurtosis(vector_cref x) {
  // One pass for the mean, one for the central sums of powers 2, 3 and 4. Both statistics are
  // scale-free: when the powers overflow or underflow (values beyond about 1e77, or tiny
  // spreads), they are redone on the values scaled by a power of two.
  auto sums = [&x](int e, double& s2, double& s3, double& s4) {
    double m = 0.0;
    index_t n = 0;
    for (index_t i = 0; i < x.size(); ++i)
      if (!std::isnan(x[i])) m += std::ldexp(x[i], -e), ++n;
    m /= static_cast<double>(n ? n : 1);
    s2 = s3 = s4 = 0.0;
    for (index_t i = 0; i < x.size(); ++i) {
      if (std::isnan(x[i])) continue;
      const double d = std::ldexp(x[i], -e) - m, d2 = d * d;
      s2 += d2, s3 += d2 * d, s4 += d2 * d2;
    }
    return n;
  };
  double s2 = 0, s3 = 0, s4 = 0;
  const double m = mean(x);
  index_t n = 0;
  for (index_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) continue;
    const double d = x[i] - m, d2 = d * d;
    s2 += d2, s3 += d2 * d, s4 += d2 * d2, ++n;
  }
  // (A zero s4 is a constant column, or fourth powers that underflowed: redo it too.)
  if (n > 0 && std::isfinite(m) && !(s4 >= 0x1p-900 && s4 <= 0x1p900)) sums(detail::scale_exponent(x), s2, s3, s4);
  if (s2 > 0.0 && s2 <= static_cast<double>(n) * (m * 0x1p-48) * (m * 0x1p-48)) {  // identical values whose mean rounds
    const auto sm = summarize(x.data(), x.size());
    if (sm.min == sm.max) s2 = 0.0;
  }
  shape out{std::nan(""), std::nan("")};
  const double dn = static_cast<double>(n);
  if (n >= 3 && s2 > 0) out.skewness = std::sqrt(dn) * s3 / std::pow(s2, 1.5) * std::sqrt(dn * (dn - 1)) / (dn - 2);
  if (n >= 4 && s2 > 0) {
    const double r = dn * s4 / (s2 * s2);
    out.kurtosis = ((dn + 1) * (r - 3) + 6) * (dn - 1) / ((dn - 2) * (dn - 3));
  }
  return out;
}

COMPINDEX_INLINE double skewness(vector_cref x) { return skewness_kurtosis(x).skewness; }

COMPINDEX_INLINE double kurtosis(vector_cref x) { return skewness_kurtosis(x).kurtosis; }

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
