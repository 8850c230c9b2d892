#pragma once
// Internal helpers of the optimizers: the elementwise loop every update rule runs, and Python-style formatting for
// messages that quote Keras's.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/py_repr.hpp"
#include "keras/core/kw.hpp"

namespace keras::optimizers::detail {

// Variables larger than this are updated by all threads; smaller ones on the calling thread (a parallel region
// costs more than the update).
inline constexpr int64_t kParallelThreshold = 65536;

// Runs f(i) for i in [0, n): one vectorised pass, threaded for large n. f must touch only element i.
template <class F>
inline void elementwise(int64_t n, F f) {
#pragma omp parallel for simd if (parallel : n > kParallelThreshold)
  for (int64_t i = 0; i < n; ++i) f(i);
}

// Sum of squares of n floats, accumulated in double.
double sum_of_squares(const float* x, int64_t n);

// Python's repr of an optional float: the number or None.
std::string py_optional(const std::optional<double>& v);
// A list as Python prints it: integral values as ints ([100, 200]), others as floats.
std::string py_list(const std::vector<double>& v, bool integral_as_int);

// A number keyword, accepting an int where a double is declared and vice versa (configs carry either).
std::optional<double> get_number(const kw::Kwargs& k, std::string_view key);
// Throws TypeError "Class.__init__() missing N required positional argument(s): 'a' and 'b'" when any is absent.
void require(const kw::Kwargs& k, const std::string& class_name, const std::vector<std::string>& keys);

}  // namespace keras::optimizers::detail
