#pragma once
// keras.ops: the operations a Lambda's function or a custom layer's call is written with, differentiable.
//
//   layers::Lambda([](const Tensor& x) { return ops::square(ops::tanh(x)) * 0.5f; })   // trains, no gradient= needed
//
// Every function here, and Tensor's own arithmetic (+ - * / with numpy broadcasting, reshape, slice, operator[],
// take, copy), records itself while keraspp differentiates such code, as Keras's backends (tf.GradientTape,
// jax.grad) do; outside of that they are plain eager functions on Tensors. Code that computes values some other way
// (a loop over data(), a Layer called inside the function) yields tensors the gradient does not flow through:
// the layer then says so when it cannot reach its input, or treats them as constants.
//
// Names, arguments and defaults are Keras 3's (keras.ops.softmax(x, axis=-1), keras.ops.leaky_relu(x,
// negative_slope=0.2), keras.ops.concatenate(xs, axis=0), ...); an axis may be negative, counted from the end.
// Shape mistakes raise keras::ValueError with Keras's message.
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::ops {

// ---- keras.ops.numpy: elementwise, broadcasting as numpy ----
Tensor add(const Tensor& x1, const Tensor& x2);
Tensor subtract(const Tensor& x1, const Tensor& x2);
Tensor multiply(const Tensor& x1, const Tensor& x2);
Tensor divide(const Tensor& x1, const Tensor& x2);
Tensor maximum(const Tensor& x1, const Tensor& x2);  // the gradient goes to x1 where x1 == x2
Tensor minimum(const Tensor& x1, const Tensor& x2);
// condition's nonzero entries pick x1, the others x2; condition takes no gradient.
Tensor where(const Tensor& condition, const Tensor& x1, const Tensor& x2);
Tensor negative(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor square(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor power(const Tensor& x, float exponent);
Tensor clip(const Tensor& x, float x_min, float x_max);

// ---- keras.ops.numpy: reductions (no axis: every axis) ----
Tensor sum(const Tensor& x, bool keepdims = false);
Tensor sum(const Tensor& x, int axis, bool keepdims = false);
Tensor sum(const Tensor& x, const std::vector<int>& axis, bool keepdims = false);
Tensor mean(const Tensor& x, bool keepdims = false);
Tensor mean(const Tensor& x, int axis, bool keepdims = false);
Tensor mean(const Tensor& x, const std::vector<int>& axis, bool keepdims = false);
// The gradient is shared equally between tied maxima (minima), as TensorFlow's.
Tensor max(const Tensor& x, bool keepdims = false);
Tensor max(const Tensor& x, int axis, bool keepdims = false);
Tensor max(const Tensor& x, const std::vector<int>& axis, bool keepdims = false);
Tensor min(const Tensor& x, bool keepdims = false);
Tensor min(const Tensor& x, int axis, bool keepdims = false);
Tensor min(const Tensor& x, const std::vector<int>& axis, bool keepdims = false);

// ---- keras.ops.numpy: products and shapes ----
// numpy's matmul: (..., M, K) x (..., K, N) -> (..., M, N) with the leading axes broadcast; a 1-D operand is a
// row (x1) or a column (x2) whose axis leaves the result.
Tensor matmul(const Tensor& x1, const Tensor& x2);
Tensor reshape(const Tensor& x, const std::vector<int64_t>& newshape);  // one entry may be -1
Tensor transpose(const Tensor& x);                                      // reverses the axes
Tensor transpose(const Tensor& x, const std::vector<int>& axes);
Tensor expand_dims(const Tensor& x, int axis);
Tensor squeeze(const Tensor& x);  // every axis of size 1
Tensor squeeze(const Tensor& x, int axis);
Tensor concatenate(const std::vector<Tensor>& xs, int axis = 0);
Tensor zeros_like(const Tensor& x);
Tensor ones_like(const Tensor& x);

// ---- keras.ops.nn ----
Tensor relu(const Tensor& x);
Tensor relu6(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor softplus(const Tensor& x);
Tensor silu(const Tensor& x);
Tensor gelu(const Tensor& x, bool approximate = true);
Tensor elu(const Tensor& x, float alpha = 1.0f);
Tensor leaky_relu(const Tensor& x, float negative_slope = 0.2f);
Tensor softmax(const Tensor& x, int axis = -1);
Tensor log_softmax(const Tensor& x, int axis = -1);

// ---- keras.ops.core ----
// The same values, through which no gradient flows.
Tensor stop_gradient(const Tensor& x);

}  // namespace keras::ops
