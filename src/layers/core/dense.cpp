#include "keras/layers/core/dense.hpp"

#include "backend/kernels.hpp"
#include "keras/activations/activations.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::layers {

namespace {

class DenseImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit DenseImpl(const kw::Kwargs& k) : SingleInputLayer("Dense", k) {
    auto u = k.get<int>("units");
    if (!u) throw TypeError("Dense.__init__() missing 1 required positional argument: 'units'",
                            {.layer = name(), .hint = "give the number of output units: Dense(10) or Dense(units=10)."});
    if (*u <= 0)
      throw ValueError("Received an invalid value for `units`, expected a positive integer. Received: units=" +
                           std::to_string(*u),
                       {.layer = name(), .expected = "units > 0", .received = std::to_string(*u),
                        .hint = "units is the size of the layer's output: use a positive number such as Dense(10)."});
    units_ = *u;
    activation_ = activations::get(k.get_or<ActivationArg>("activation", {}));
    use_bias_ = k.get_or("use_bias", true);
    kernel_init_ = k.get_or<InitializerArg>("kernel_initializer", "glorot_uniform");
    bias_init_ = k.get_or<InitializerArg>("bias_initializer", "zeros");
    initializers::get(kernel_init_);  // an unknown name is an error now, not when the layer is first built
    initializers::get(bias_init_);
    kernel_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("kernel_regularizer", {}));
    bias_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("bias_regularizer", {}));
    input_spec = {InputSpec{.min_ndim = 2}};
  }

  std::string final_activation() const override {
    const std::string n = activation_->name();
    return n == "softmax" || n == "sigmoid" ? n : "";
  }
  Tensor preactivation(const CallContext& ctx) const override {
    return ctx.saved.empty() ? Tensor() : ctx.saved[0];
  }
  bool relu_output() const override {
    static const auto relu = activations::get("relu");  // looked up once: forward asks on every call
    return activation_ == relu;
  }

  // Keras's layer.losses: the regularizers' penalties on the trainable kernel and bias.
  double regularization_penalty(bool accumulate_grads) override {
    if (!built_ || !trainable()) return 0.0;
    double total = 0.0;
    auto add = [&](const std::shared_ptr<const regularizers::Regularizer>& r, const VariablePtr& v) {
      if (!r || !v || !v->trainable) return;
      total += r->penalty(v->value);
      if (accumulate_grads) r->add_gradient(v->value, grad_of(*v));
    };
    add(kernel_regularizer_, kernel_);
    add(bias_regularizer_, bias_);
    return total;
  }

  Shape compute_output_shape(const Shape& s) override {
    Shape out = s;
    out[-1] = units_;
    return out;
  }

  void build_one(const Shape& s) override {
    if (s[-1].is_none())
      throw ValueError("The last dimension of the inputs to a Dense layer should be defined. Found None. Full input "
                       "shape received: " + to_string(s),
                       {.layer = name(), .received = to_string(s),
                        .hint = "give the model a concrete feature size, e.g. Input(shape={None, 16}) rather than "
                                "Input(shape={16, None})."});
    in_ = s[-1].value();
    kernel_ = add_weight("kernel", {in_, units_}, kernel_init_);
    if (use_bias_) bias_ = add_weight("bias", {units_}, bias_init_);
    input_spec = {InputSpec{.min_ndim = 2, .axes = {{-1, in_}}}};
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    int64_t rows = x.size() / in_;
    std::vector<int64_t> out_dims = x.dims();
    out_dims.back() = units_;
    Tensor z = Tensor::empty(out_dims);
    const bool fuse_relu = relu_output();
    backend::dense_forward(x.data(), kernel_->value.data(), use_bias_ ? bias_->value.data() : nullptr, z.data(), rows,
                           in_, units_, fuse_relu ? backend::DenseEpilogue::relu : backend::DenseEpilogue::none);
    ctx.saved.clear();
    if (activation_->is_linear() || fuse_relu) return z;
    // Keep the pre-activation when backward needs it, or when a loss may take over the activation.
    bool keep_z = activation_->backward_needs_input() || !final_activation().empty();
    Tensor y = keep_z ? Tensor::empty(out_dims) : z;
    activation_->forward(z.data(), y.data(), rows, units_);
    if (keep_z) ctx.saved = {z};
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    int64_t rows = x.size() / in_;
    Tensor dz = g;
    if (!activation_->is_linear() && !ctx.grad_wrt_preactivation) {
      const Tensor& y = ctx.outputs.at(0);
      const Tensor& z = ctx.saved.empty() ? y : ctx.saved[0];
      dz = Tensor::empty(g.dims());
      activation_->backward(z.data(), y.data(), g.data(), dz.data(), rows, units_);
    }
    float beta = 1.0f;
    Tensor& dkernel = grad_to_overwrite(*kernel_, beta);
    backend::gemm(true, false, in_, units_, rows, 1.0f, x.data(), in_, dz.data(), units_, beta, dkernel.data(),
                  units_);
    if (use_bias_) {
      Tensor& dbias = grad_to_overwrite(*bias_, beta);
      backend::column_sums(dz.data(), dbias.data(), rows, units_, /*accumulate=*/beta != 0.0f);
    }
    if (!ctx.input_needs_grad(0)) return {};
    Tensor dx = Tensor::empty(x.dims());
    backend::gemm(false, true, rows, in_, units_, 1.0f, dz.data(), units_, kernel_->value.data(), units_, 0.0f,
                  dx.data(), in_);
    return dx;
  }

 private:
  int64_t units_ = 0, in_ = 0;
  bool use_bias_ = true;
  std::shared_ptr<const activations::ActivationKernel> activation_;
  InitializerArg kernel_init_, bias_init_;
  std::shared_ptr<const regularizers::Regularizer> kernel_regularizer_, bias_regularizer_;
  VariablePtr kernel_, bias_;
};

}  // namespace

Dense::Dense(const kw::Kwargs& kwargs) : Layer(std::make_shared<DenseImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Dense)

}  // namespace keras::layers
