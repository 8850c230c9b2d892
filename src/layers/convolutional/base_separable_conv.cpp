// SeparableConv{1,2}D as two oneDNN convolutions: the depthwise step is a grouped convolution with one group per
// input channel (Keras's depthwise kernel (*k, C, dm) is the grouped kernel's memory as it is), the pointwise step a
// 1x1 convolution whose kernel (1.., C*dm, filters) is Conv's layout; bias and a fused relu go with the second.
// The depthwise output is kept for backward (the pointwise kernel gradient needs it).
#include "backend/conv_kernels.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "layers/convolutional/base_conv.hpp"
#include "layers/convolutional/conv_layer_base.hpp"

namespace keras::layers::detail {

namespace {

class SeparableConvImpl : public ConvLayerBase {
 public:
  SeparableConvImpl(int rank, const std::string& class_name, const kw::Kwargs& k)
      : ConvLayerBase(rank, class_name, k, /*allow_causal=*/false) {
    filters_ = required_filters(k);
    depth_multiplier_ = k.get_or("depth_multiplier", 1);
    depthwise_init_ = k.get_or<InitializerArg>("depthwise_initializer", "glorot_uniform");
    pointwise_init_ = k.get_or<InitializerArg>("pointwise_initializer", "glorot_uniform");
    bias_init_ = k.get_or<InitializerArg>("bias_initializer", "zeros");
    for (const auto* i : {&depthwise_init_, &pointwise_init_, &bias_init_}) initializers::get(*i);
    depthwise_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("depthwise_regularizer", {}));
    pointwise_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("pointwise_regularizer", {}));
    bias_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("bias_regularizer", {}));
    check_positive(filters_, "filters");
    check_positive(depth_multiplier_, "depth_multiplier");
    check_strides_and_dilation();
  }

  Shape compute_output_shape(const Shape& s) override {
    check_rank(s);
    std::vector<Dim> out{s[0]};
    if (channels_first_) out.push_back(Dim(filters_));
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
    if (!channels_first_) out.push_back(Dim(filters_));
    return Shape(std::move(out));
  }

  void build_one(const Shape& s) override {
    channels_of(s);
    compute_output_shape(s);
    std::vector<int64_t> dshape = kernel_size_;
    dshape.push_back(in_channels_);
    dshape.push_back(depth_multiplier_);
    std::vector<int64_t> pshape(static_cast<size_t>(rank_), 1);
    pshape.push_back(in_channels_ * depth_multiplier_);
    pshape.push_back(filters_);
    depthwise_ = add_weight("depthwise_kernel", dshape, depthwise_init_);
    pointwise_ = add_weight("pointwise_kernel", pshape, pointwise_init_);
    if (use_bias_) bias_ = add_weight("bias", {filters_}, bias_init_);
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    check_rank(x.shape());  // eager calls skip compute_output_shape (build runs it on the first call only)
    const backend::ConvSpec dw = depthwise_spec(x), pw = pointwise_spec(dw);
    Tensor mid = Tensor::empty(out_dims(dw.batch, dw.out_size, dw.filters));
    backend::conv_forward(dw, x.data(), depthwise_->value.data(), nullptr, mid.data());
    Tensor z = Tensor::empty(out_dims(pw.batch, pw.out_size, filters_));
    const bool fuse_relu = relu_fusable();
    backend::conv_forward(pw, mid.data(), pointwise_->value.data(), use_bias_ ? bias_->value.data() : nullptr,
                          z.data(), fuse_relu ? backend::ConvActivation::relu : backend::ConvActivation::none);
    ctx.saved.assign(2, Tensor());
    ctx.saved[1] = mid;
    return activate(z, ctx, fuse_relu);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const backend::ConvSpec dw = depthwise_spec(x), pw = pointwise_spec(dw);
    Tensor dz = activation_grad(g, ctx);
    const bool train = trainable();
    const bool train_dw = train && depthwise_->trainable, train_pw = train && pointwise_->trainable;
    const bool train_bias = use_bias_ && train && bias_->trainable;
    const bool need_dx = ctx.input_needs_grad(0);
    Tensor mid = ctx.saved.size() > 1 && ctx.saved[1].defined() ? ctx.saved[1] : Tensor();
    if (!mid.defined()) {  // a backward without its forward's context: recompute the depthwise output
      mid = Tensor::empty(out_dims(dw.batch, dw.out_size, dw.filters));
      backend::conv_forward(dw, x.data(), depthwise_->value.data(), nullptr, mid.data());
    }
    Tensor dmid;
    if (need_dx || train_dw) dmid = Tensor::empty(mid.dims());
    backend::conv_backward(pw, mid.data(), pointwise_->value.data(), dz.data(),
                           dmid.defined() ? dmid.data() : nullptr, train_pw ? grad_of(*pointwise_).data() : nullptr,
                           train_bias ? grad_of(*bias_).data() : nullptr);
    Tensor dx;
    if (need_dx) dx = Tensor::empty(x.dims());
    if (need_dx || train_dw)
      backend::conv_backward(dw, x.data(), depthwise_->value.data(), dmid.data(), dx.defined() ? dx.data() : nullptr,
                             train_dw ? grad_of(*depthwise_).data() : nullptr, nullptr);
    return dx;
  }

 protected:
  // Keras's separable compute_output_shape reports kernel_size + (in, filters).
  std::string kernel_shape_string(const Shape& s) const override {
    std::string out = "(";
    for (int64_t k : kernel_size_) out += std::to_string(k) + ", ";
    const Dim c = s.ndim() == 0 ? Dim(None) : channels_first_ ? (s.ndim() > 1 ? s[1] : Dim(None)) : s[-1];
    return out + to_string(c) + ", " + std::to_string(filters_) + ")";
  }
  VariablePtr main_kernel() const override { return depthwise_; }
  std::vector<std::pair<std::shared_ptr<const regularizers::Regularizer>, VariablePtr>> regularized() const override {
    return {{depthwise_regularizer_, depthwise_}, {pointwise_regularizer_, pointwise_}, {bias_regularizer_, bias_}};
  }

 private:
  backend::ConvSpec depthwise_spec(const Tensor& x) const {
    return conv_spec(x.dims()[0], spatial_dims(x), in_channels_, in_channels_ * depth_multiplier_, in_channels_,
                     x.shape());
  }
  backend::ConvSpec pointwise_spec(const backend::ConvSpec& dw) const {
    backend::ConvSpec s = dw;
    const auto r = static_cast<size_t>(rank_);
    s.in_channels = dw.filters;
    s.filters = filters_;
    s.groups = 1;
    s.in_size = dw.out_size;
    s.kernel.assign(r, 1);
    s.strides.assign(r, 1);
    s.dilation.assign(r, 1);
    s.pad_before.assign(r, 0);
    s.pad_after.assign(r, 0);
    return s;
  }

  int64_t filters_ = 0, depth_multiplier_ = 1;
  InitializerArg depthwise_init_, pointwise_init_, bias_init_;
  std::shared_ptr<const regularizers::Regularizer> depthwise_regularizer_, pointwise_regularizer_, bias_regularizer_;
  VariablePtr depthwise_, pointwise_, bias_;
};

}  // namespace

std::shared_ptr<LayerImpl> make_separable_conv_layer(int rank, const std::string& class_name,
                                                     const kw::Kwargs& kwargs) {
  return std::make_shared<SeparableConvImpl>(rank, class_name, kwargs);
}

}  // namespace keras::layers::detail
