#pragma once
// Out-of-line definitions of sobol_indices.hpp.

#include "../sobol_indices.hpp"
#include "../detail/format.hpp"
#include "../random.hpp"
#include "../sobol_sequence.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace compindex::sensitivity {

namespace detail {

// First- and total-order indices of every group on the base rows rows[0..m-1] (indices into
// [0, n)). z holds the centered outputs in the row order of saltelli_sample. Writes g values to
// s1 and st and returns V.
template <class Rows>
double estimate(const double* z, std::size_t n, std::size_t g, std::size_t m, Rows rows, double* s1, double* st,
                std::vector<double>& sum_first, std::vector<double>& sum_total) {
  // Pass 1: mean of [f(A); f(B)], and whether all of those values are equal.
  double sum = 0.0;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t r = 0; r < m; ++r) {
    const std::size_t row = rows(r);
    const double a = z[row], b = z[n + row];
    sum += a + b;
    lo = std::min(lo, std::min(a, b));
    hi = std::max(hi, std::max(a, b));
  }
  if (lo == hi) {  // V = 0: a constant output over these rows
    std::fill(s1, s1 + g, 0.0);
    std::fill(st, st + g, 0.0);
    return 0.0;
  }
  const double mean = sum / static_cast<double>(2 * m);
  // Pass 2: the variance and the estimator sums.
  double ss = 0.0;
  std::fill(sum_first.begin(), sum_first.end(), 0.0);
  std::fill(sum_total.begin(), sum_total.end(), 0.0);
  for (std::size_t r = 0; r < m; ++r) {
    const std::size_t row = rows(r);
    const double a = z[row], b = z[n + row];
    ss += (a - mean) * (a - mean) + (b - mean) * (b - mean);
    const double* ab = z + 2 * n + row;
    for (std::size_t j = 0; j < g; ++j) {
      const double d = ab[j * n] - a;
      sum_first[j] += b * d;
      sum_total[j] += d * d;
    }
  }
  const double dm = static_cast<double>(m);
  const double v = ss / (2.0 * dm);
  for (std::size_t j = 0; j < g; ++j) {
    s1[j] = sum_first[j] / dm / v;
    st[j] = sum_total[j] / (2.0 * dm) / v;
  }
  return v;
}

// Quantile p of x (sorted in place), interpolating linearly between order statistics at
// position (size - 1) p (numpy's default, Hyndman and Fan type 7).
inline double quantile_sorted(const std::vector<double>& x, double p) {
  const double h = static_cast<double>(x.size() - 1) * p;
  const auto i = static_cast<std::size_t>(std::floor(h));
  if (i + 1 >= x.size()) return x.back();
  return x[i] + (h - static_cast<double>(i)) * (x[i + 1] - x[i]);
}

}  // namespace detail

COMPINDEX_INLINE matrix saltelli_sample(std::size_t n, std::size_t k, std::uint64_t seed) {
  if (k == 0) compindex::detail::throw_spec("saltelli_sample: the number of inputs k must be at least 1, got 0");
  std::vector<std::size_t> groups(k);
  std::iota(groups.begin(), groups.end(), std::size_t{0});
  return saltelli_sample(n, groups, seed);
}

COMPINDEX_INLINE matrix saltelli_sample(std::size_t n, const std::vector<std::size_t>& group_of_input,
                                        std::uint64_t seed) {
  const std::size_t k = group_of_input.size();
  if (n < 2) compindex::detail::throw_spec("saltelli_sample: n must be at least 2, got " + std::to_string(n));
  if (k == 0) compindex::detail::throw_spec("saltelli_sample: group_of_input is empty (no inputs)");
  if (2 * k > sobol_sequence::max_dims)
    compindex::detail::throw_spec("saltelli_sample: " + std::to_string(k) + " inputs need " + std::to_string(2 * k) +
                                  " Sobol' dimensions, but the direction-number table has " +
                                  std::to_string(sobol_sequence::max_dims) + " (at most " +
                                  std::to_string(sobol_sequence::max_dims / 2) + " inputs)");
  const std::size_t g = *std::max_element(group_of_input.begin(), group_of_input.end()) + 1;
  if (g > k)
    compindex::detail::throw_spec("saltelli_sample: group number " + std::to_string(g - 1) + " given for only " +
                                  std::to_string(k) + " inputs; groups must be numbered 0..g-1 without gaps");
  std::vector<char> used(g, 0);
  for (std::size_t gi : group_of_input) used[gi] = 1;
  for (std::size_t j = 0; j < g; ++j)
    if (!used[j])
      compindex::detail::throw_spec("saltelli_sample: group " + std::to_string(j) +
                                    " has no inputs; groups must be numbered 0..g-1 without gaps");
  const std::size_t limit = static_cast<std::size_t>(std::numeric_limits<index_t>::max());
  if (n > limit / (g + 2) || n * (g + 2) > limit / k)
    compindex::detail::throw_spec("saltelli_sample: the design of n (g + 2) = " + std::to_string(n) + " x " +
                                  std::to_string(g + 2) + " rows is too large");

  const auto ni = static_cast<index_t>(n), ki = static_cast<index_t>(k);
  matrix out(ni * static_cast<index_t>(g + 2), ki);
  sobol_sequence points(2 * k, digital_shift{seed}, false);
  std::vector<double> p(2 * k);
  for (index_t r = 0; r < ni; ++r) {
    points.next(p.data());
    for (index_t c = 0; c < ki; ++c) {
      out(r, c) = p[static_cast<std::size_t>(c)];
      out(ni + r, c) = p[static_cast<std::size_t>(ki + c)];
    }
  }
  for (std::size_t j = 0; j < g; ++j) {
    auto block = out.middleRows((2 + static_cast<index_t>(j)) * ni, ni);
    block = out.topRows(ni);
    for (std::size_t c = 0; c < k; ++c)
      if (group_of_input[c] == j) block.col(static_cast<index_t>(c)) = out.col(static_cast<index_t>(c)).segment(ni, ni);
  }
  return out;
}

COMPINDEX_INLINE sobol_result sobol_indices(vector_cref y, std::size_t n, std::size_t n_groups,
                                            const sobol_options& opt) {
  using compindex::detail::fmt_double;
  using compindex::detail::throw_spec;
  if (n < 2) throw_spec("sobol_indices: n must be at least 2, got " + std::to_string(n));
  if (n_groups == 0) throw_spec("sobol_indices: n_groups must be at least 1, got 0");
  const std::size_t g = n_groups;
  if (n > static_cast<std::size_t>(std::numeric_limits<index_t>::max()) / (g + 2) ||
      static_cast<std::size_t>(y.size()) != n * (g + 2))
    throw_spec("sobol_indices: y has " + std::to_string(y.size()) + " values, expected n * (n_groups + 2) = " +
               std::to_string(n) + " * (" + std::to_string(g) + " + 2) = " + std::to_string(n * (g + 2)) +
               " in the row order of saltelli_sample");
  if (!(opt.confidence > 0.0 && opt.confidence < 1.0))
    throw_spec("sobol_indices: confidence must be in (0, 1), got " + fmt_double(opt.confidence));
  if (!(opt.tolerance > 0.0 && std::isfinite(opt.tolerance)))
    throw_spec("sobol_indices: tolerance must be a finite number > 0, got " + fmt_double(opt.tolerance));
  for (index_t i = 0; i < y.size(); ++i)
    if (!std::isfinite(y[i]))
      compindex::detail::throw_data("sobol_indices: y[" + std::to_string(i) + "] is " + fmt_double(y[i]) +
                                    "; the model output must be finite at every design point");

  // Center on the mean of [f(A); f(B)].
  const auto ni = static_cast<index_t>(n);
  const double center = y.head(2 * ni).mean();
  const std::vector<double> z = [&] {
    std::vector<double> v(static_cast<std::size_t>(y.size()));
    for (index_t i = 0; i < y.size(); ++i) v[static_cast<std::size_t>(i)] = y[i] - center;
    return v;
  }();

  sobol_result res;
  res.n = n;
  res.first_order.resize(static_cast<index_t>(g));
  res.total_order.resize(static_cast<index_t>(g));
  res.first_order_half_n.resize(static_cast<index_t>(g));
  res.total_order_half_n.resize(static_cast<index_t>(g));
  std::vector<double> sum_first(g), sum_total(g);
  const auto identity = [](std::size_t r) { return r; };

  res.variance = detail::estimate(z.data(), n, g, n, identity, res.first_order.data(), res.total_order.data(),
                                  sum_first, sum_total);
  detail::estimate(z.data(), n, g, n / 2, identity, res.first_order_half_n.data(), res.total_order_half_n.data(),
                   sum_first, sum_total);
  res.max_change = std::max((res.first_order - res.first_order_half_n).cwiseAbs().maxCoeff(),
                            (res.total_order - res.total_order_half_n).cwiseAbs().maxCoeff());

  const auto gi = static_cast<index_t>(g);
  const std::size_t nb = opt.n_bootstrap;
  if (nb == 0) {
    res.first_low = res.first_high = res.total_low = res.total_high = vector::Constant(gi, compindex::nan);
    res.max_half_width = compindex::nan;
    res.converged = false;
    return res;
  }

  // Bootstrap: boot_first[j * nb + b] is S_j on resample b.
  std::vector<double> boot_first(g * nb), boot_total(g * nb), s1(g), st(g);
  std::vector<std::size_t> rows(n);
  for (std::size_t b = 0; b < nb; ++b) {
    philox rng(opt.seed, b);
    for (auto& r : rows) r = static_cast<std::size_t>(rng.below(n));
    detail::estimate(z.data(), n, g, n, [&](std::size_t r) { return rows[r]; }, s1.data(), st.data(), sum_first,
                     sum_total);
    for (std::size_t j = 0; j < g; ++j) boot_first[j * nb + b] = s1[j], boot_total[j * nb + b] = st[j];
  }
  const double p_lo = (1.0 - opt.confidence) / 2.0, p_hi = (1.0 + opt.confidence) / 2.0;
  res.first_low.resize(gi);
  res.first_high.resize(gi);
  res.total_low.resize(gi);
  res.total_high.resize(gi);
  std::vector<double> sorted(nb);
  for (std::size_t j = 0; j < g; ++j) {
    const auto jj = static_cast<index_t>(j);
    sorted.assign(boot_first.begin() + static_cast<std::ptrdiff_t>(j * nb),
                  boot_first.begin() + static_cast<std::ptrdiff_t>((j + 1) * nb));
    std::sort(sorted.begin(), sorted.end());
    res.first_low[jj] = detail::quantile_sorted(sorted, p_lo);
    res.first_high[jj] = detail::quantile_sorted(sorted, p_hi);
    sorted.assign(boot_total.begin() + static_cast<std::ptrdiff_t>(j * nb),
                  boot_total.begin() + static_cast<std::ptrdiff_t>((j + 1) * nb));
    std::sort(sorted.begin(), sorted.end());
    res.total_low[jj] = detail::quantile_sorted(sorted, p_lo);
    res.total_high[jj] = detail::quantile_sorted(sorted, p_hi);
  }
  res.max_half_width = std::max(((res.first_high - res.first_low) / 2.0).maxCoeff(),
                                ((res.total_high - res.total_low) / 2.0).maxCoeff());
  res.converged = res.max_change < opt.tolerance && res.max_half_width < opt.tolerance;
  return res;
}

}  // namespace compindex::sensitivity
