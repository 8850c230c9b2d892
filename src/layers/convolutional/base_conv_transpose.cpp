// Conv{1,2,3}DTranspose through the convolution kernels: the transposed convolution of x is the data gradient of
// the convolution that maps its output back to x (Keras's kernel (*k, filters, in) is that convolution's kernel in
// Conv's own layout), its data gradient is that convolution's forward pass, and its kernel gradient is that
// convolution's kernel gradient with the roles of input and output swapped. So oneDNN's convolution primitives,
// cached per shape, do all three passes.
#include <algorithm>

#include "backend/conv_kernels.hpp"
#include "backend/kernels.hpp"
#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "layers/convolutional/base_conv.hpp"
#include "layers/convolutional/conv_layer_base.hpp"

namespace keras::layers::detail {

namespace {

class ConvTransposeImpl : public ConvLayerBase {
 public:
  ConvTransposeImpl(int rank, const std::string& class_name, const kw::Kwargs& k)
      : ConvLayerBase(rank, class_name, k, /*allow_causal=*/false) {
    filters_ = required_filters(k);
    if (auto op = k.get<IntTuple>("output_padding")) output_padding_ = standardize_tuple(*op, "output_padding", true);
    kernel_init_ = k.get_or<InitializerArg>("kernel_initializer", "glorot_uniform");
    bias_init_ = k.get_or<InitializerArg>("bias_initializer", "zeros");
    initializers::get(kernel_init_);
    initializers::get(bias_init_);
    kernel_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("kernel_regularizer", {}));
    bias_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("bias_regularizer", {}));
    check_positive(filters_, "filters");
    for (size_t i = 0; i < output_padding_.size(); ++i)
      if (output_padding_[i] >= strides_[i])
        throw ValueError("`output_padding` must be < `strides`. output_padding=" + py_tuple(output_padding_) +
                             ", strides=" + py_tuple(strides_),
                         {.layer = name(), .expected = "output_padding < strides",
                          .received = "output_padding=" + py_tuple(output_padding_) + ", strides=" +
                                      py_tuple(strides_),
                          .hint = "output_padding picks among the output sizes that strides make possible: use "
                                  "values from 0 to strides - 1, or leave it unset."});
    check_strides_and_dilation();
  }

  Shape compute_output_shape(const Shape& s) override {
    check_rank(s);
    std::vector<Dim> out{s[0]};
    if (channels_first_) out.push_back(Dim(filters_));
    for (int i = 0; i < rank_; ++i) {
      const Dim& d = s[spatial_axis(i)];
      out.push_back(d.is_none() ? Dim(None) : Dim(output_length(d.value(), static_cast<size_t>(i))));
    }
    if (!channels_first_) out.push_back(Dim(filters_));
    return Shape(std::move(out));
  }

  void build_one(const Shape& s) override {
    channels_of(s);
    compute_output_shape(s);
    std::vector<int64_t> kshape = kernel_size_;
    kshape.push_back(filters_);
    kshape.push_back(in_channels_);
    kernel_ = add_weight("kernel", kshape, kernel_init_);
    if (use_bias_) bias_ = add_weight("bias", {filters_}, bias_init_);
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    check_rank(x.shape());  // eager calls skip compute_output_shape (build runs it on the first call only)
    const backend::ConvSpec spec = spec_for(x);
    Tensor z = Tensor::empty(out_dims(spec.batch, spec.in_size, filters_));
    backend::conv_backward(spec, nullptr, kernel_->value.data(), x.data(), z.data(), nullptr, nullptr);
    if (use_bias_) add_bias(z, spec);
    return activate(z, ctx, /*fused_relu=*/false);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const backend::ConvSpec spec = spec_for(x);
    Tensor dz = activation_grad(g, ctx);
    if (trainable() && kernel_->trainable)
      backend::conv_backward(spec, dz.data(), kernel_->value.data(), x.data(), nullptr, grad_of(*kernel_).data(),
                             nullptr);
    if (use_bias_ && trainable() && bias_->trainable) bias_grad(dz, spec, grad_of(*bias_).data());
    Tensor dx;
    if (ctx.input_needs_grad(0)) {
      dx = Tensor::empty(x.dims());
      backend::conv_forward(spec, dz.data(), kernel_->value.data(), nullptr, dx.data());
    }
    return dx;
  }

 protected:
  std::string kernel_shape_string(const Shape& s) const override {
    std::string out = "(";
    for (int64_t k : kernel_size_) out += std::to_string(k) + ", ";
    const Dim c = s.ndim() == 0 ? Dim(None) : channels_first_ ? (s.ndim() > 1 ? s[1] : Dim(None)) : s[-1];
    return out + std::to_string(filters_) + ", " + to_string(c) + ")";
  }
  VariablePtr main_kernel() const override { return kernel_; }
  std::vector<std::pair<std::shared_ptr<const regularizers::Regularizer>, VariablePtr>> regularized() const override {
    return {{kernel_regularizer_, kernel_}, {bias_regularizer_, bias_}};
  }

 private:
  // Keras's compute_conv_transpose_output_length.
  int64_t output_length(int64_t n, size_t i) const {
    const int64_t k = dilation_[i] * (kernel_size_[i] - 1) + 1, s = strides_[i];
    if (output_padding_.empty()) return padding_ == "valid" ? n * s + std::max<int64_t>(k - s, 0) : n * s;
    const int64_t pad = padding_ == "same" ? k / 2 : 0;
    return (n - 1) * s + k - 2 * pad + output_padding_[i];
  }

  // The convolution whose data gradient this layer computes: input = this layer's output (filters channels),
  // output = this layer's input. Padding as TensorFlow derives it for that convolution ("same": the total
  // max((n-1)*s + k' - out, 0), split with the odd element at the end), topped up at the end where needed so that
  // the convolution maps the output size back to exactly n.
  backend::ConvSpec spec_for(const Tensor& x) const {
    backend::ConvSpec s;
    s.rank = rank_;
    s.channels_first = channels_first_;
    s.batch = x.dims()[0];
    s.in_channels = filters_;
    s.filters = in_channels_;
    s.kernel = kernel_size_;
    s.strides = strides_;
    s.dilation = dilation_;
    s.out_size = spatial_dims(x);
    for (size_t i = 0; i < s.out_size.size(); ++i) {
      const int64_t n = s.out_size[i], out = output_length(n, i);
      const int64_t k = dilation_[i] * (kernel_size_[i] - 1) + 1, st = strides_[i];
      const int64_t total = padding_ == "same" ? std::max<int64_t>((n - 1) * st + k - out, 0) : 0;
      const int64_t before = total / 2;
      const int64_t after = std::max<int64_t>((n - 1) * st + k - out - before, 0);
      s.in_size.push_back(out);
      s.pad_before.push_back(before);
      s.pad_after.push_back(after);
    }
    return s;
  }

  void add_bias(Tensor& z, const backend::ConvSpec& spec) const {
    if (!channels_first_) {
      backend::add_row_vector(z.data(), bias_->value.data(), z.size() / filters_, filters_);
      return;
    }
    const int64_t pix = z.size() / (spec.batch * filters_);
    float* p = z.data();
    const float* b = bias_->value.data();
    for (int64_t nc = 0; nc < spec.batch * filters_; ++nc) {
      const float v = b[nc % filters_];
      float* __restrict row = p + nc * pix;
#pragma omp simd
      for (int64_t j = 0; j < pix; ++j) row[j] += v;
    }
  }

  void bias_grad(const Tensor& dz, const backend::ConvSpec& spec, float* db) const {
    if (!channels_first_) {
      backend::column_sums(dz.data(), db, dz.size() / filters_, filters_, /*accumulate=*/true);
      return;
    }
    const int64_t pix = dz.size() / (spec.batch * filters_);
    for (int64_t nc = 0; nc < spec.batch * filters_; ++nc) {
      const float* __restrict row = dz.data() + nc * pix;
      float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
      for (int64_t j = 0; j < pix; ++j) acc += row[j];
      db[nc % filters_] += acc;
    }
  }

  int64_t filters_ = 0;
  std::vector<int64_t> output_padding_;  // empty: None
  InitializerArg kernel_init_, bias_init_;
  std::shared_ptr<const regularizers::Regularizer> kernel_regularizer_, bias_regularizer_;
  VariablePtr kernel_, bias_;
};

}  // namespace

std::shared_ptr<LayerImpl> make_conv_transpose_layer(int rank, const std::string& class_name,
                                                     const kw::Kwargs& kwargs) {
  return std::make_shared<ConvTransposeImpl>(rank, class_name, kwargs);
}

}  // namespace keras::layers::detail
