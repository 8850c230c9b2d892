#pragma once
// The kernel benchmarks report the minimum over repeats: the run least disturbed by other processes.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace bench {

// Microseconds of the fastest of `repeats` calls of f (after one untimed call, which may create primitives).
template <class F>
double min_us(F&& f, int repeats) {
  f();
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

// The value of `--repeats N` on the command line, else fallback.
inline int repeats_arg(int argc, char** argv, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--repeats") == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace bench
