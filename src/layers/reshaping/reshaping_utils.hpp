#pragma once
// Helpers shared by the reshaping layers (Flatten, Reshape, Permute): a strided transpose and Python tuple printing.
#include <cstdint>
#include <string>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::layers::detail {

// numpy's transpose(x, axes) as a new contiguous tensor: out.dims[i] = x.dims[axes[i]].
// axes must be a permutation of 0..x.ndim()-1 (not checked here: the layers validate their arguments).
Tensor transpose(const Tensor& x, const std::vector<int>& axes);
// The inverse permutation: transpose(transpose(x, axes), inverse_permutation(axes)) == x.
std::vector<int> inverse_permutation(const std::vector<int>& axes);

// A tuple of ints as Python prints it: (), (64,), (-1, 64).
std::string int_tuple(const std::vector<int64_t>& values);
// The same as a C++ braced list, as a user of keraspp writes it: {}, {64}, {-1, 64}.
std::string int_braces(const std::vector<int64_t>& values);

}  // namespace keras::layers::detail
