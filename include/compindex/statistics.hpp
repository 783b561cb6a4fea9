#pragma once
/// @file statistics.hpp
/// Descriptive statistics of one column that skip missing values (NaN).

#include "config.hpp"
#include "types.hpp"

namespace compindex::statistics {

/// Count, minimum and maximum of the non-missing values, in one pass (min/max NaN if none).
struct summary {
  index_t count = 0;
  double min = 0.0, max = 0.0;
};
summary summarize(const double* x, index_t n);

/// Number of non-missing values.
index_t count(vector_cref x);
/// Mean of the non-missing values; NaN if there are none. A sum that overflows (values near
/// 1e308) is redone on the values scaled by a power of two, so the mean of finite values is finite.
double mean(vector_cref x);
/// Median of the non-missing values; NaN if there are none.
double median(vector_cref x);
/// Sample standard deviation (n - 1); NaN with fewer than 2 values; exactly 0 for identical
/// values. Squares that overflow or underflow (spreads beyond about 1e150, subnormal spreads) are
/// redone on the values scaled by a power of two; the result overflows only if the sd itself does.
double sd(vector_cref x);
/// Minimum and maximum of the non-missing values; NaN if there are none.
double min(vector_cref x);
double max(vector_cref x);
/// Sample skewness as Excel's SKEW (type 2): G1 = g1 sqrt(n(n-1))/(n-2), with
/// g1 = sqrt(n) sum d^3 / (sum d^2)^(3/2). NaN with fewer than 3 values or zero variance.
double skewness(vector_cref x);
/// Excess kurtosis as Excel's KURT (type 2): G2 = ((n+1) g2 + 6)(n-1)/((n-2)(n-3)), with
/// g2 = n sum d^4 / (sum d^2)^2 - 3. NaN with fewer than 4 values or zero variance.
double kurtosis(vector_cref x);
/// Skewness and kurtosis together, in two passes over x (skewness and kurtosis each return one
/// half of it).
struct shape {
  double skewness, kurtosis;
};
shape skewness_kurtosis(vector_cref x);

/// Pearson correlation over the rows where both are present; NaN with fewer than 2 such rows
/// or zero variance.
double pearson(vector_cref x, vector_cref y);
/// Spearman correlation (Pearson on average ranks) over the rows where both are present.
double spearman(vector_cref x, vector_cref y);

}  // namespace compindex::statistics

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/statistics.ipp"
#endif
