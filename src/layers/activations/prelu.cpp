#include "keras/layers/activations/prelu.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

std::string braces(const std::vector<int64_t>& v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "}";
}

class PReLUImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit PReLUImpl(const kw::Kwargs& k) : SingleInputLayer("PReLU", k) {
    alpha_init_ = k.get_or<InitializerArg>("alpha_initializer", "Zeros");
    initializers::get(alpha_init_);  // an unknown name is an error now, not when the layer is first built
    alpha_regularizer_ = regularizers::get(k.get_or<RegularizerArg>("alpha_regularizer", {}));
    if (auto axes = k.get<IntTuple>("shared_axes")) shared_axes_ = axes->values;
  }

  Shape compute_output_shape(const Shape& s) override {
    check_shared_axes(s);
    return s;
  }

  void build_one(const Shape& s) override {
    check_shared_axes(s);
    const int rank = s.ndim();
    param_shape_.clear();
    std::map<int, int64_t> axes;
    for (int i = 1; i < rank; ++i) {
      if (is_shared(i)) {
        param_shape_.push_back(1);
        continue;
      }
      if (s[i].is_none())
        throw ValueError("PReLU needs the size of every axis it does not share: axis " + std::to_string(i) +
                             " of the input shape " + to_string(s) + " is None.",
                         {.layer = name(), .received = to_string(s),
                          .hint = "alpha has one value per position of input_shape[1:]: share the axes of unknown "
                                  "size, e.g. shared_axes={" + std::to_string(i) + "}, or give the model a fixed "
                                  "size for that axis."});
      param_shape_.push_back(s[i].value());
      axes[i] = s[i].value();
    }
    alpha_ = add_weight("alpha", param_shape_, alpha_init_);
    input_spec = {InputSpec{.ndim = rank, .axes = axes}};
  }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    const std::vector<int64_t> idx = alpha_index(x.dims());
    const int64_t per = static_cast<int64_t>(idx.size());
    Tensor y = Tensor::empty(x.dims());
    const float* xp = x.data();
    const float* a = alpha_->value.data();
    float* yp = y.data();
    const int64_t samples = per == 0 ? 0 : x.size() / per;
    for (int64_t b = 0; b < samples; ++b)
      for (int64_t j = 0; j < per; ++j) {
        const float v = xp[b * per + j];
        yp[b * per + j] = v < 0.0f ? a[idx[static_cast<size_t>(j)]] * v : v;
      }
    return y;
  }

  // dx = dy for x > 0, alpha * dy for x < 0 (0 at x == 0, as relu(x) - alpha * relu(-x) gives);
  // d alpha = sum over the batch and shared axes of dy * min(x, 0).
  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const std::vector<int64_t> idx = alpha_index(x.dims());
    const int64_t per = static_cast<int64_t>(idx.size());
    const int64_t samples = per == 0 ? 0 : x.size() / per;
    const float* xp = x.data();
    const float* gp = g.data();
    const float* a = alpha_->value.data();
    if (alpha_->trainable) {
      float* da = grad_of(*alpha_).data();
      for (int64_t b = 0; b < samples; ++b)
        for (int64_t j = 0; j < per; ++j) {
          const float v = xp[b * per + j];
          if (v < 0.0f) da[idx[static_cast<size_t>(j)]] += gp[b * per + j] * v;
        }
    }
    if (!ctx.input_needs_grad(0)) return {};
    Tensor dx = Tensor::empty(x.dims());
    float* dp = dx.data();
    for (int64_t b = 0; b < samples; ++b)
      for (int64_t j = 0; j < per; ++j) {
        const int64_t at = b * per + j;
        const float v = xp[at];
        dp[at] = v > 0.0f ? gp[at] : (v < 0.0f ? a[idx[static_cast<size_t>(j)]] * gp[at] : 0.0f);
      }
    return dx;
  }

  double regularization_penalty(bool accumulate_grads) override {
    if (!built_ || !trainable() || !alpha_regularizer_ || !alpha_ || !alpha_->trainable) return 0.0;
    const double p = alpha_regularizer_->penalty(alpha_->value);
    if (accumulate_grads) alpha_regularizer_->add_gradient(alpha_->value, grad_of(*alpha_));
    return p;
  }

 private:
  bool is_shared(int axis) const {
    return std::find(shared_axes_.begin(), shared_axes_.end(), axis) != shared_axes_.end();
  }

  void check_shared_axes(const Shape& s) const {
    for (int64_t a : shared_axes_)
      if (a < 1 || a >= s.ndim())
        throw ValueError("Invalid value for argument `shared_axes`: axis " + std::to_string(a) +
                             " is not a non-batch axis of the input shape " + to_string(s) + ". Received: shared_axes=" +
                             braces(shared_axes_),
                         {.layer = name(), .expected = "axes in [1, " + std::to_string(s.ndim() - 1) + "]",
                          .received = braces(shared_axes_),
                          .hint = "shared_axes counts the batch axis as 0 and cannot share it: for inputs " +
                                  to_string(s) + " use axes from 1 to " + std::to_string(s.ndim() - 1) +
                                  ", e.g. shared_axes={1, 2} for (batch, height, width, channels) feature maps."});
  }

  // For each position of one sample (x.dims()[1:]), the index of its alpha value.
  std::vector<int64_t> alpha_index(const std::vector<int64_t>& dims) const {
    const size_t k = dims.size() > 0 ? dims.size() - 1 : 0;
    int64_t per = 1;
    for (size_t i = 1; i < dims.size(); ++i) per *= dims[i];
    // Strides of alpha, 0 along the shared axes.
    std::vector<int64_t> stride(k, 0);
    int64_t st = 1;
    for (size_t i = k; i-- > 0;) {
      stride[i] = param_shape_[i] == 1 ? 0 : st;
      st *= param_shape_[i];
    }
    std::vector<int64_t> idx(static_cast<size_t>(per));
    std::vector<int64_t> pos(k, 0);
    for (int64_t j = 0; j < per; ++j) {
      int64_t a = 0;
      for (size_t i = 0; i < k; ++i) a += pos[i] * stride[i];
      idx[static_cast<size_t>(j)] = a;
      for (size_t i = k; i-- > 0;) {  // next position, last axis fastest
        if (++pos[i] < dims[i + 1]) break;
        pos[i] = 0;
      }
    }
    return idx;
  }

  InitializerArg alpha_init_;
  std::shared_ptr<const regularizers::Regularizer> alpha_regularizer_;
  std::vector<int64_t> shared_axes_;
  std::vector<int64_t> param_shape_;
  VariablePtr alpha_;
};

}  // namespace

PReLU::PReLU(const kw::Kwargs& kwargs) : Layer(std::make_shared<PReLUImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(PReLU)

}  // namespace keras::layers
