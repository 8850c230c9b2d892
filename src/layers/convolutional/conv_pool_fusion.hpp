#pragma once
// What a model needs from a convolution and the max pooling after it to run the two as one kernel
// (backend/conv_pool_fused.hpp); the model finds such pairs in its graph (models/conv_pool_pairs.cpp).
#include <optional>
#include <vector>

#include "backend/conv_pool_fused.hpp"
#include "keras/core/tensor.hpp"

namespace keras::layers::detail {

// A convolution that can run fused with the 2x2 max pooling reading its output (Conv2D).
class ConvPoolProducer {
 public:
  virtual ~ConvPoolProducer() = default;
  // The fused kernel's spec for an input of these dims, or nullopt when this layer cannot run fused: it is not a
  // built 2-D channels_last convolution with relu, unit strides and dilation and one group. (Whether the kernel
  // takes the spec on this machine is backend::conv_pool_fusable's answer.)
  virtual std::optional<backend::ConvPoolSpec> conv_pool_spec(const std::vector<int64_t>& x_dims) const = 0;
  // The pooled output; with record non-null (training), also what conv_pool_backward needs.
  virtual Tensor conv_pool_forward(const Tensor& x, const backend::ConvPoolSpec& s, Tensor* record) = 0;
  // Adds the kernel and bias gradients (where trainable) given the pooled output's gradient; returns dL/dx when
  // need_dx, else an undefined tensor.
  virtual Tensor conv_pool_backward(const Tensor& x, const backend::ConvPoolSpec& s, const Tensor& record,
                                    const Tensor& dy, bool need_dx) = 0;
};

// A pooling layer that may take its producer's place in the fused kernel.
class ConvPoolConsumer {
 public:
  virtual ~ConvPoolConsumer() = default;
  // True for 2-D max pooling of channels_last data with 2x2 windows, steps of 2 and "valid" padding.
  virtual bool halves_by_max() const = 0;
};

}  // namespace keras::layers::detail
