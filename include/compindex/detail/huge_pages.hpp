#pragma once
// Large matrices on transparent huge pages (Linux).
//
// A result at scale writes several matrices of hundreds of megabytes into fresh memory. With the
// usual 4 KiB pages the kernel takes one page fault per 4 KiB written, which makes writing fresh
// memory several times slower than writing memory already mapped (bench/bench_pipeline, "scoring
// into fresh memory"). Where the kernel's transparent huge pages are in "madvise" mode (Debian's
// default) a region must ask for them: `new_matrix` allocates without touching the memory and asks
// before the first write, so the kernel maps it 2 MiB at a time. It is advice only: where huge
// pages are unavailable, disabled or the platform is not Linux, nothing changes but speed. Define
// COMPINDEX_NO_HUGE_PAGES to turn it off.

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <memory>

#if defined(__linux__) && !defined(COMPINDEX_NO_HUGE_PAGES)
#include <sys/mman.h>
#endif

namespace compindex::detail {

/// Below this size a region is left alone (it would hold at most one huge page).
constexpr std::size_t huge_page_threshold = std::size_t(4) << 20;

/// Asks for transparent huge pages over the whole 4 KiB pages of [p, p + bytes). Call it before the
/// memory is first written. Returns whether the advice was given.
inline bool advise_huge_pages(const void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && !defined(COMPINDEX_NO_HUGE_PAGES) && defined(MADV_HUGEPAGE)
  if (p == nullptr || bytes < huge_page_threshold) return false;
  constexpr std::uintptr_t page = 4096;  // the smallest page size Linux uses on x86 and ARM
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(page - 1);
  return end > begin && madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) == 0;
#else
  (void)p;
  (void)bytes;
  return false;
#endif
}

/// A rows x cols matrix, not initialized, on huge pages when it is large.
template <class Matrix>
std::shared_ptr<Matrix> new_matrix(Eigen::Index rows, Eigen::Index cols) {
  auto m = std::make_shared<Matrix>(rows, cols);
  advise_huge_pages(m->data(), sizeof(typename Matrix::Scalar) * static_cast<std::size_t>(m->size()));
  return m;
}

/// Resizes `m` to rows x cols; memory it newly allocates is on huge pages when it is large.
template <class Matrix>
void resize_matrix(Matrix& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() == rows && m.cols() == cols) return;
  m.resize(rows, cols);
  advise_huge_pages(m.data(), sizeof(typename Matrix::Scalar) * static_cast<std::size_t>(m.size()));
}

/// A copy of `src` in memory that is on huge pages when it is large.
template <class Matrix, class Source>
std::shared_ptr<Matrix> copy_matrix(const Source& src) {
  auto m = new_matrix<Matrix>(src.rows(), src.cols());
  *m = src;
  return m;
}

}  // namespace compindex::detail
