#include "layers/convolutional/base_conv.hpp"

#include <algorithm>

#include "backend/conv_kernels.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "layers/convolutional/conv_layer_base.hpp"
#include "layers/convolutional/conv_pool_fusion.hpp"

namespace keras::layers::detail {

namespace {

class ConvImpl : public ConvLayerBase, public ConvPoolProducer {
 public:
  ConvImpl(int rank, const std::string& class_name, const kw::Kwargs& k)
      : ConvLayerBase(rank, class_name, k, /*allow_causal=*/rank == 1) {
    filters_ = required_filters(k);
    kernel_init_ = k.get_or<InitializerArg>("kernel_initializer", "glorot_uniform");
    bias_init_ = k.get_or<InitializerArg>("bias_initializer", "zeros");
    initializers::get(kernel_init_);  // an unknown name is an error now, not when the layer is first built
    initializers::get(bias_init_);
    kernel_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("kernel_regularizer", {}));
    bias_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("bias_regularizer", {}));

    groups_ = k.get_or("groups", 1);
    check_positive(filters_, "filters");
    if (groups_ <= 0)
      throw ValueError("The number of groups must be a positive integer. Received: groups=" +
                           std::to_string(groups_) + ".",
                       {.layer = name(), .expected = "groups > 0", .received = std::to_string(groups_),
                        .hint = "groups=1 (the default) is an ordinary convolution; groups=g splits the channels into "
                                "g independent convolutions."});
    if (filters_ % groups_ != 0)
      throw ValueError("The number of filters must be evenly divisible by the number of groups. Received: groups=" +
                           std::to_string(groups_) + ", filters=" + std::to_string(filters_) + ".",
                       {.layer = name(), .expected = "filters divisible by " + std::to_string(groups_),
                        .received = "filters=" + std::to_string(filters_),
                        .hint = "each group makes filters / groups output channels: use a multiple of " +
                                std::to_string(groups_) + " for filters (e.g. " +
                                std::to_string((filters_ / groups_ + 1) * groups_) + "), or fewer groups."});
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
    if (in_channels_ % groups_ != 0)
      throw ValueError("The number of input channels must be evenly divisible by the number of groups. Received "
                       "groups=" + std::to_string(groups_) + ", but the input has " + std::to_string(in_channels_) +
                           " channels (full input shape is " + to_string(s) + ").",
                       {.layer = name(), .expected = "channels divisible by " + std::to_string(groups_),
                        .received = to_string(s),
                        .hint = "groups must divide the input's " + std::to_string(in_channels_) +
                                " channels as well as filters=" + std::to_string(filters_) +
                                ": use groups=1 or a common divisor."});
    compute_output_shape(s);  // the output-size checks, when the model is defined
    std::vector<int64_t> kshape = kernel_size_;
    kshape.push_back(in_channels_ / groups_);
    kshape.push_back(filters_);
    kernel_ = add_weight("kernel", kshape, kernel_init_);
    if (use_bias_) bias_ = add_weight("bias", {filters_}, bias_init_);
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    check_rank(x.shape());  // eager calls skip compute_output_shape (build runs it on the first call only)
    const backend::ConvSpec spec = spec_for(x);
    Tensor z = Tensor::empty(out_dims(spec.batch, spec.out_size, filters_));
    const bool fuse_relu = relu_fusable();
    const float* bias = use_bias_ ? bias_->value.data() : nullptr;
    ctx.saved.assign(4, Tensor());
    if (const auto few = few_channel_spec(x.dims()); few && backend::conv_few_channels(*few)) {
      backend::conv_forward_few_channels(*few, x.data(), kernel_->value.data(), bias, fuse_relu, z.data());
      return activate(z, ctx, fuse_relu);
    }
    backend::ConvSaved saved;
    backend::conv_forward(spec, x.data(), kernel_->value.data(), bias, z.data(),
                          fuse_relu ? backend::ConvActivation::relu : backend::ConvActivation::none,
                          ctx.training ? &saved : nullptr);
    if (ctx.training) {
      ctx.saved[1] = saved.src;
      ctx.saved[2] = saved.weights;
      ctx.saved[3] = Tensor::scalar(static_cast<float>(saved.producer));
    }
    return activate(z, ctx, fuse_relu);
  }

  std::optional<backend::ConvPoolSpec> conv_pool_spec(const std::vector<int64_t>& x_dims) const override {
    if (!relu_fusable()) return std::nullopt;
    return few_channel_spec(x_dims);
  }

  // The geometry the few-channel kernels (backend/conv_pool_fused.hpp) take, if this call has it: 2-D,
  // channels_last, one group, unit strides and dilation, "valid" or "same". (The kernels check the channel count and
  // kernel size themselves.)
  std::optional<backend::ConvPoolSpec> few_channel_spec(const std::vector<int64_t>& x_dims) const {
    auto ones = [](const std::vector<int64_t>& v) {
      return std::all_of(v.begin(), v.end(), [](int64_t d) { return d == 1; });
    };
    if (!built_ || rank_ != 2 || channels_first_ || groups_ != 1 || x_dims.size() != 4 ||
        x_dims[3] != in_channels_ || !ones(strides_) || !ones(dilation_) || (padding_ != "valid" && padding_ != "same"))
      return std::nullopt;
    backend::ConvPoolSpec s;
    s.batch = x_dims[0];
    s.in_h = x_dims[1];
    s.in_w = x_dims[2];
    s.in_channels = in_channels_;
    s.filters = filters_;
    s.kernel_h = kernel_size_[0];
    s.kernel_w = kernel_size_[1];
    const backend::ConvDim h = backend::conv_output_dim(s.in_h, s.kernel_h, 1, 1, padding_);
    const backend::ConvDim w = backend::conv_output_dim(s.in_w, s.kernel_w, 1, 1, padding_);
    s.pad_top = h.pad_before, s.pad_bottom = h.pad_after, s.pad_left = w.pad_before, s.pad_right = w.pad_after;
    return s;
  }

  Tensor conv_pool_forward(const Tensor& x, const backend::ConvPoolSpec& s, Tensor* record) override {
    Tensor y = Tensor::empty({s.batch, s.out_h(), s.out_w(), s.filters});
    unsigned char* where = nullptr;
    if (record) {
      *record = Tensor::empty({static_cast<int64_t>((backend::conv_pool_record_bytes(s) + 3) / 4)});
      where = reinterpret_cast<unsigned char*>(record->data());
    }
    backend::conv_relu_maxpool_forward(s, x.data(), kernel_->value.data(), use_bias_ ? bias_->value.data() : nullptr,
                                       y.data(), where);
    return y;
  }

  Tensor conv_pool_backward(const Tensor& x, const backend::ConvPoolSpec& s, const Tensor& record, const Tensor& dy,
                            bool need_dx) override {
    const bool train_kernel = trainable() && kernel_->trainable;
    const bool train_bias = use_bias_ && trainable() && bias_->trainable;
    float* dkernel = train_kernel ? grad_of(*kernel_).data() : nullptr;
    float* dbias = train_bias ? grad_of(*bias_).data() : nullptr;
    // A forward in inference mode kept no record (backward may follow any forward): make it again.
    Tensor made;
    if (!record.defined()) conv_pool_forward(x, s, &made);
    const auto* where = reinterpret_cast<const unsigned char*>(record.defined() ? record.data() : made.data());
    backend::conv_relu_maxpool_backward(s, x.data(), where, dy.data(), dkernel, dbias);
    if (!need_dx) return {};
    // The input's gradient needs the convolution's whole output gradient: rebuilt from the record, then the
    // unfused data gradient (the weights' stay the fused kernel's, the same with or without it).
    Tensor dz = Tensor::empty({s.batch, s.conv_h(), s.conv_w(), s.filters});
    backend::conv_relu_maxpool_scatter(s, where, dy.data(), dz.data());
    Tensor dx = Tensor::empty(x.dims());
    backend::conv_backward(spec_for(x), x.data(), kernel_->value.data(), dz.data(), dx.data(), nullptr, nullptr,
                           nullptr);
    return dx;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const backend::ConvSpec spec = spec_for(x);
    Tensor dz = activation_grad(g, ctx);
    backend::ConvSaved saved;
    if (ctx.saved.size() == 4 && ctx.saved[3].defined()) {
      saved.src = ctx.saved[1];
      saved.weights = ctx.saved[2];
      saved.producer = static_cast<int>(ctx.saved[3].item());
    }
    const bool train_kernel = trainable() && kernel_->trainable;
    const bool train_bias = use_bias_ && trainable() && bias_->trainable;
    float* dkernel = train_kernel ? grad_of(*kernel_).data() : nullptr;
    float* dbias = train_bias ? grad_of(*bias_).data() : nullptr;
    Tensor dx;
    if (ctx.input_needs_grad(0)) dx = Tensor::empty(x.dims());
    if (const auto few = few_channel_spec(x.dims()); few && backend::conv_few_channels(*few)) {
      backend::conv_backward_weights_few_channels(*few, x.data(), dz.data(), dkernel, dbias);
      dkernel = dbias = nullptr;
      if (!dx.defined()) return dx;
    }
    backend::conv_backward(spec, x.data(), kernel_->value.data(), dz.data(), dx.defined() ? dx.data() : nullptr,
                           dkernel, dbias, &saved);
    return dx;
  }

 protected:
  // Kernel shape as Keras's compute_conv_output_shape prints it: kernel_size + (input channels, filters).
  std::string kernel_shape_string(const Shape& s) const override {
    std::string out = "(";
    for (int64_t k : kernel_size_) out += std::to_string(k) + ", ";
    const Dim c = s.ndim() == 0 ? Dim(None) : channels_first_ ? (s.ndim() > 1 ? s[1] : Dim(None)) : s[-1];
    return out + to_string(c) + ", " + std::to_string(filters_) + ")";
  }
  VariablePtr main_kernel() const override { return kernel_; }
  std::vector<std::pair<std::shared_ptr<const regularizers::Regularizer>, VariablePtr>> regularized() const override {
    return {{kernel_regularizer_, kernel_}, {bias_regularizer_, bias_}};
  }

 private:
  backend::ConvSpec spec_for(const Tensor& x) const {
    return conv_spec(x.dims()[0], spatial_dims(x), in_channels_, filters_, groups_, x.shape());
  }

  int64_t filters_ = 0, groups_ = 1;
  InitializerArg kernel_init_, bias_init_;
  std::shared_ptr<const regularizers::Regularizer> kernel_regularizer_, bias_regularizer_;
  VariablePtr kernel_, bias_;
};

}  // namespace

std::shared_ptr<LayerImpl> make_conv_layer(int rank, const std::string& class_name, const kw::Kwargs& kwargs) {
  return std::make_shared<ConvImpl>(rank, class_name, kwargs);
}

}  // namespace keras::layers::detail
