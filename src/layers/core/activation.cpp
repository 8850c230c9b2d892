#include "keras/layers/core/activation.hpp"

#include "keras/activations/activations.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class ActivationImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit ActivationImpl(const kw::Kwargs& k) : SingleInputLayer("Activation", k) {
    if (!k.has("activation"))
      throw TypeError("Activation.__init__() missing 1 required positional argument: 'activation'",
                      {.layer = name(), .hint = "name the activation: Activation(\"relu\") or "
                                                "Activation(activations::relu)."});
    try {
      kernel_ = activations::get(k.get_or<ActivationArg>("activation", {}));
    } catch (const ValueError& e) {
      throw ValueError(e.message(), {.layer = name(), .expected = e.expected(), .received = e.received(),
                                     .hint = e.hint()});
    }
  }

  Shape compute_output_shape(const Shape& s) override { return s; }

  // Softmax and sigmoid outputs let a cross-entropy loss work from the logits, which are this layer's input.
  std::string final_activation() const override {
    const std::string n = kernel_->name();
    return n == "softmax" || n == "sigmoid" ? n : "";
  }
  Tensor preactivation(const CallContext& ctx) const override {
    return ctx.inputs.empty() ? Tensor() : ctx.inputs[0];
  }

  // Lets a max pooling that reads this layer's output apply the relu gradient itself (relu folding), so the
  // backward here passes the gradient through instead of making a pass over the tensor.
  bool relu_output() const override { return kernel_ == activations::get("relu"); }
  bool is_plain_relu() const override { return relu_output(); }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    if (kernel_->is_linear()) return x;
    return activations::apply(*kernel_, x);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (kernel_->is_linear() || ctx.grad_wrt_preactivation) return g;  // a loss or a max pooling applied it
    // The kernel needs x or y, both kept by the caller's context: nothing extra is saved in forward.
    const Tensor& x = ctx.inputs.at(0);
    Tensor y = ctx.outputs.empty() ? Tensor() : ctx.outputs[0];
    if (!y.defined() && !kernel_->backward_needs_input()) y = activations::apply(*kernel_, x);
    return activations::gradient(*kernel_, x, y, g);
  }

 private:
  std::shared_ptr<const activations::ActivationKernel> kernel_;
};

}  // namespace

Activation::Activation(const kw::Kwargs& kwargs) : Layer(std::make_shared<ActivationImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Activation)

}  // namespace keras::layers
