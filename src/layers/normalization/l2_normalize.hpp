#pragma once
// L2 normalization along a run of adjacent axes, shared by UnitNormalization and Dot(normalize=true).
//
// Both are Keras's x * rsqrt(max(sum(x^2), floor)) over the axes, with only the floor differing: UnitNormalization
// clamps the square sum at 1e-12, Dot (ops.normalize with backend.epsilon() = 1e-7) the norm at 1e-7, i.e. the
// square sum at 1e-14. Where the clamp is active the scale is a constant, so the gradient is just scale * dy there
// (the gradient of max() goes to the square sum only where it is the larger).
#include <cstdint>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::layers::l2norm {

// A tensor seen as (outer, n, inner): the normalized axes [first, last] merged into n.
struct Span {
  int64_t outer = 1, n = 1, inner = 1;
  static Span of(const std::vector<int64_t>& dims, int first, int last);
};

// The square sums over the span, one per (outer, inner) position.
Tensor square_sums(const Tensor& x, const Span& s);
// x * rsqrt(max(ss, floor)), ss from square_sums.
Tensor normalize(const Tensor& x, const Tensor& ss, const Span& s, float floor);
// dL/dx given dL/dy for y = normalize(x): scale * (dy - y * sum(dy * y)), or scale * dy where ss < floor.
Tensor normalize_backward(const Tensor& x, const Tensor& ss, const Tensor& dy, const Span& s, float floor);

}  // namespace keras::layers::l2norm
