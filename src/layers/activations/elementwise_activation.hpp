#pragma once
// The shared part of ReLU, LeakyReLU and ELU: a layer that applies one elementwise activation kernel, any rank,
// same shape out, with no weights. Built from the start, as Keras's _build_at_init() makes them.
#include <memory>
#include <string>
#include <utility>

#include "keras/activations/activations.hpp"
#include "keras/layers/layer.hpp"

namespace keras::layers::detail {

class ElementwiseActivationLayer : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  ElementwiseActivationLayer(std::string class_name, const kw::Kwargs& kwargs)
      : SingleInputLayer(std::move(class_name), kwargs) {
    built_ = true;
  }

  Shape compute_output_shape(const Shape& s) override { return s; }

  // ReLU() with its defaults is Keras's plain relu: a max pooling reading it may fold its gradient (relu folding).
  bool relu_output() const override { return kernel_ == activations::get("relu"); }
  bool is_plain_relu() const override { return relu_output(); }

  Tensor forward_one(const Tensor& x, CallContext&) override { return activations::apply(*kernel_, x); }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (ctx.grad_wrt_preactivation) return g;  // the model's max pooling applied the relu gradient (relu folding)
    // The kernel needs x or y, both kept by the caller's context: nothing extra is saved in forward.
    const Tensor& x = ctx.inputs.at(0);
    Tensor y = ctx.outputs.empty() ? Tensor() : ctx.outputs[0];
    if (!y.defined() && !kernel_->backward_needs_input()) y = activations::apply(*kernel_, x);
    return activations::gradient(*kernel_, x, y, g);
  }

 protected:
  std::shared_ptr<const activations::ActivationKernel> kernel_;
};

}  // namespace keras::layers::detail
