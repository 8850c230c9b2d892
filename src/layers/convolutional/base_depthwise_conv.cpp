// DepthwiseConv{1,2}D as a grouped convolution with one group per input channel: Keras's depthwise kernel
// (*k, C, depth_multiplier), row-major, is the same memory as Conv's grouped kernel (*k, 1, C * depth_multiplier)
// with output channel c * depth_multiplier + m, so oneDNN's grouped convolution primitives run all three passes on
// the layer's weights as they are.
#include "backend/conv_kernels.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "layers/convolutional/base_conv.hpp"
#include "layers/convolutional/conv_layer_base.hpp"

namespace keras::layers::detail {

namespace {

class DepthwiseConvImpl : public ConvLayerBase {
 public:
  DepthwiseConvImpl(int rank, const std::string& class_name, const kw::Kwargs& k)
      : ConvLayerBase(rank, class_name, k, /*allow_causal=*/false) {
    if (kernel_size_.empty())
      throw TypeError(class_name + ".__init__() missing 1 required positional argument: 'kernel_size'",
                      {.layer = name(), .hint = "give the window size: " + class_name + "(" + example_kernel() +
                                                ")."});
    depth_multiplier_ = k.get_or("depth_multiplier", 1);
    kernel_init_ = k.get_or<InitializerArg>("depthwise_initializer", "glorot_uniform");
    bias_init_ = k.get_or<InitializerArg>("bias_initializer", "zeros");
    initializers::get(kernel_init_);
    initializers::get(bias_init_);
    kernel_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("depthwise_regularizer", {}));
    bias_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("bias_regularizer", {}));
    check_positive(depth_multiplier_, "depth_multiplier");
    check_strides_and_dilation();
  }

  Shape compute_output_shape(const Shape& s) override {
    check_rank(s);
    const Dim c = s[channels_first_ ? 1 : -1];
    const Dim out_c = c.is_none() ? Dim(None) : Dim(c.value() * depth_multiplier_);
    std::vector<Dim> out{s[0]};
    if (channels_first_) out.push_back(out_c);
    for (int i = 0; i < rank_; ++i) {
      const Dim& d = s[spatial_axis(i)];
      if (d.is_none()) {
        out.push_back(Dim(None));
        continue;
      }
      auto u = static_cast<size_t>(i);
      int64_t o = backend::conv_output_dim(d.value(), kernel_size_[u], strides_[u], dilation_[u], padding_).out;
      if (o <= 0) throw_too_small(s);
      out.push_back(Dim(o));
    }
    if (!channels_first_) out.push_back(out_c);
    return Shape(std::move(out));
  }

  void build_one(const Shape& s) override {
    channels_of(s);
    compute_output_shape(s);
    std::vector<int64_t> kshape = kernel_size_;
    kshape.push_back(in_channels_);
    kshape.push_back(depth_multiplier_);
    kernel_ = add_weight("kernel", kshape, kernel_init_);
    if (use_bias_) bias_ = add_weight("bias", {in_channels_ * depth_multiplier_}, bias_init_);
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    check_rank(x.shape());  // eager calls skip compute_output_shape (build runs it on the first call only)
    const backend::ConvSpec spec = spec_for(x);
    Tensor z = Tensor::empty(out_dims(spec.batch, spec.out_size, spec.filters));
    const bool fuse_relu = relu_fusable();
    backend::conv_forward(spec, x.data(), kernel_->value.data(), use_bias_ ? bias_->value.data() : nullptr, z.data(),
                          fuse_relu ? backend::ConvActivation::relu : backend::ConvActivation::none);
    return activate(z, ctx, fuse_relu);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const backend::ConvSpec spec = spec_for(x);
    Tensor dz = activation_grad(g, ctx);
    const bool train_kernel = trainable() && kernel_->trainable;
    const bool train_bias = use_bias_ && trainable() && bias_->trainable;
    Tensor dx;
    if (ctx.input_needs_grad(0)) dx = Tensor::empty(x.dims());
    backend::conv_backward(spec, x.data(), kernel_->value.data(), dz.data(), dx.defined() ? dx.data() : nullptr,
                           train_kernel ? grad_of(*kernel_).data() : nullptr,
                           train_bias ? grad_of(*bias_).data() : nullptr);
    return dx;
  }

 protected:
  // Keras's depthwise compute_output_shape reports kernel_size + (in, in * depth_multiplier).
  std::string kernel_shape_string(const Shape& s) const override {
    std::string out = "(";
    for (int64_t k : kernel_size_) out += std::to_string(k) + ", ";
    const Dim c = s.ndim() == 0 ? Dim(None) : channels_first_ ? (s.ndim() > 1 ? s[1] : Dim(None)) : s[-1];
    return out + to_string(c) + ", " + (c.is_none() ? "None" : std::to_string(c.value() * depth_multiplier_)) + ")";
  }
  VariablePtr main_kernel() const override { return kernel_; }
  std::vector<std::pair<std::shared_ptr<const regularizers::Regularizer>, VariablePtr>> regularized() const override {
    return {{kernel_regularizer_, kernel_}, {bias_regularizer_, bias_}};
  }

 private:
  backend::ConvSpec spec_for(const Tensor& x) const {
    return conv_spec(x.dims()[0], spatial_dims(x), in_channels_, in_channels_ * depth_multiplier_, in_channels_,
                     x.shape());
  }

  int64_t depth_multiplier_ = 1;
  InitializerArg kernel_init_, bias_init_;
  std::shared_ptr<const regularizers::Regularizer> kernel_regularizer_, bias_regularizer_;
  VariablePtr kernel_, bias_;
};

}  // namespace

std::shared_ptr<LayerImpl> make_depthwise_conv_layer(int rank, const std::string& class_name,
                                                     const kw::Kwargs& kwargs) {
  return std::make_shared<DepthwiseConvImpl>(rank, class_name, kwargs);
}

}  // namespace keras::layers::detail
