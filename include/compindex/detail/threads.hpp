#pragma once
// How many threads a parallel loop uses.

#include <algorithm>
#include <cstddef>
#include <thread>

namespace compindex::detail {

/// `requested` threads (0: one per hardware thread), but at least 1 and at most one per item.
inline unsigned thread_count(unsigned requested, std::size_t items) {
  const unsigned t = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(t, items)));
}

}  // namespace compindex::detail
