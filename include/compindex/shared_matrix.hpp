#pragma once
/// @file shared_matrix.hpp
/// Read-only data shared by a dataset and the results built from it, owned or borrowed.

#include "types.hpp"

#include <memory>
#include <utility>

namespace compindex {

/// A read-only, column-major units x columns matrix held by shared ownership. It either owns an
/// Eigen matrix or borrows memory that an owner object keeps alive (a numpy array, a memory-mapped
/// file): borrowing lets a caller's data enter a run without a copy. Copies share the data.
///
/// `*m` is an `Eigen::Map<const matrix>` over the data and `m->` reaches its members, so it reads
/// like a `shared_ptr<const matrix>`; `get()` is the address of the first value (two stages share
/// their data when their `get()` are equal).
class shared_matrix {
 public:
  using view_type = Eigen::Map<const matrix>;

  shared_matrix() = default;
  /// Takes ownership of a matrix.
  explicit shared_matrix(matrix m) : shared_matrix(std::make_shared<matrix>(std::move(m))) {}
  /// Shares a matrix.
  shared_matrix(std::shared_ptr<const matrix> m)  // NOLINT: implicit, like a shared_ptr conversion
      : owner_(m), data_(m ? m->data() : nullptr), rows_(m ? m->rows() : 0), cols_(m ? m->cols() : 0) {}
  /// Shares a matrix that may be reused (written) when this becomes its only holder.
  shared_matrix(std::shared_ptr<matrix> m)  // NOLINT: implicit, like a shared_ptr conversion
      : shared_matrix(std::shared_ptr<const matrix>(m)) {
    writable_ = m.get();
  }
  /// Borrows `rows x cols` column-major values at `data`, kept alive by `owner`, which must keep
  /// them unchanged for as long as any copy of this exists (nullptr: the caller guarantees that).
  static shared_matrix borrow(const double* data, index_t rows, index_t cols, std::shared_ptr<const void> owner) {
    shared_matrix s;
    // Without an owner, a non-owning handle (aliasing an empty shared_ptr) marks it non-empty.
    s.owner_ = owner ? std::move(owner) : std::shared_ptr<const void>(std::shared_ptr<const void>(), data);
    s.borrowed_ = true;
    s.data_ = data;
    s.rows_ = rows;
    s.cols_ = cols;
    return s;
  }

  view_type view() const noexcept { return view_type(data_, rows_, cols_); }
  view_type operator*() const noexcept { return view(); }
  struct arrow {
    view_type m;
    const view_type* operator->() const noexcept { return &m; }
  };
  arrow operator->() const noexcept { return arrow{view()}; }

  const double* get() const noexcept { return data_; }
  index_t rows() const noexcept { return rows_; }
  index_t cols() const noexcept { return cols_; }
  explicit operator bool() const noexcept { return owner_ != nullptr; }
  /// How many holders share the data (0 when empty).
  long use_count() const noexcept { return owner_.use_count(); }
  /// Whether the data are borrowed rather than owned.
  bool borrowed() const noexcept { return borrowed_; }
  /// The matrix, for reuse of its memory, when it was shared as non-const and this is its only
  /// holder; else nullptr.
  matrix* unique_owned() noexcept { return writable_ && owner_.use_count() == 1 ? writable_ : nullptr; }

 private:
  std::shared_ptr<const void> owner_;
  matrix* writable_ = nullptr;
  bool borrowed_ = false;
  const double* data_ = nullptr;
  index_t rows_ = 0, cols_ = 0;
};

}  // namespace compindex
