#pragma once
// What the convolution layers share (Keras's BaseConv, BaseConvTranspose, BaseDepthwiseConv, BaseSeparableConv):
// the argument checks with Keras's messages, the spatial-shape helpers, the activation around the convolution, the
// regularizer penalties and the hints for input-spec violations.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backend/conv_kernels.hpp"
#include "keras/activations/activations.hpp"
#include "keras/layers/layer.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::layers::detail {

// Python's repr of a tuple of ints: (3, 3) or (3,).
std::string py_tuple(const std::vector<int64_t>& v);
// numpy's str of an int array: [1 1].
std::string np_array(const std::vector<int64_t>& v);
// C++ brace list for hints: {3, 3}.
std::string braces(const std::vector<int64_t>& v);
// 3x3, 3x3x3, 5.
std::string by(const std::vector<int64_t>& v);

class ConvLayerBase : public SingleInputLayer {
 public:
  // Reads kernel_size, strides, dilation_rate, padding, data_format, activation and use_bias, with Keras's checks.
  // `allow_causal`: padding="causal" is accepted (Conv1D only).
  ConvLayerBase(int rank, const std::string& class_name, const kw::Kwargs& k, bool allow_causal);

  std::string final_activation() const override;
  bool relu_output() const override;
  Tensor preactivation(const CallContext& ctx) const override {
    return ctx.saved.empty() ? Tensor() : ctx.saved[0];
  }
  double regularization_penalty(bool accumulate_grads) override;
  std::string hint_for(const SpecViolation& v) const override;

 protected:
  // Keras's "Invalid value for argument `<arg>`. Expected a strictly positive value." for filters/depth_multiplier.
  void check_positive(int64_t value, const std::string& arg) const;
  // "`strides > 1` not supported in conjunction with `dilation_rate > 1`".
  void check_strides_and_dilation() const;
  // The "Kernel shape must have the same length as input" error for an input of the wrong rank (raised from
  // compute_output_shape, as Keras's compute_conv_output_shape does).
  void check_rank(const Shape& s) const;
  // The channel count of s (raises Keras's error when it is None) and the input spec that pins it.
  int64_t channels_of(const Shape& s);
  [[noreturn]] void throw_too_small(const Shape& s) const;
  // Keras's kernel shape as its messages print it (compute_conv_output_shape: kernel_size + (in, out)).
  virtual std::string kernel_shape_string(const Shape& s) const = 0;
  // The weight whose shape tells the user the input channels the layer was built for.
  virtual VariablePtr main_kernel() const = 0;
  // (regularizer, variable) pairs for regularization_penalty.
  virtual std::vector<std::pair<std::shared_ptr<const regularizers::Regularizer>, VariablePtr>> regularized() const = 0;

  // The forward spec of a convolution over this layer's spatial settings with the given spatial input sizes.
  backend::ConvSpec conv_spec(int64_t batch, const std::vector<int64_t>& in_size, int64_t in_channels,
                              int64_t filters, int64_t groups, const Shape& for_errors) const;
  std::vector<int64_t> spatial_dims(const Tensor& x) const;
  std::vector<int64_t> out_dims(int64_t batch, const std::vector<int64_t>& spatial, int64_t channels) const;

  // Applies the activation to z (the conv output plus bias) for a forward call, keeping what backward needs in
  // ctx.saved[0]; `fused_relu`: the kernel already applied relu.
  Tensor activate(const Tensor& z, CallContext& ctx, bool fused_relu) const;
  // dL/dz from the output gradient.
  Tensor activation_grad(const Tensor& g, const CallContext& ctx) const;
  bool relu_fusable() const;

  std::string spatial_names() const;
  std::string layout() const;
  int spatial_axis(int i) const { return channels_first_ ? 2 + i : 1 + i; }
  std::string example_kernel() const { return rank_ == 1 ? "3" : rank_ == 2 ? "{3, 3}" : "{3, 3, 3}"; }
  // filters= of a layer that takes (filters, kernel_size) positionally; Keras's TypeError names whichever is missing.
  int64_t required_filters(const kw::Kwargs& k) const;
  std::vector<int64_t> standardize_tuple(const IntTuple& t, const std::string& arg, bool allow_zero = false) const;

  int rank_;
  std::vector<int64_t> kernel_size_, strides_, dilation_;
  std::string padding_;
  bool channels_first_ = false, use_bias_ = true;
  int64_t in_channels_ = 0;
  std::shared_ptr<const activations::ActivationKernel> activation_;

 private:
  std::string standardize_padding(const PaddingArg& p, bool allow_causal) const;
  std::string suggest_sample_shape(const Shape& r) const;
  std::string example_shape(int64_t side) const;
};

std::string braces_of(const Shape& s);

}  // namespace keras::layers::detail
