#pragma once
// What the benchmarks share: the CPU time of the calling thread.

#include <ctime>

namespace bench {

// CPU time of this thread (includes page faults served for it, excludes time it waited for a CPU).
inline double thread_cpu_seconds() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
#else
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
#endif
}

}  // namespace bench
