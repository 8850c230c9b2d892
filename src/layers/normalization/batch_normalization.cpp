#include "keras/layers/normalization/batch_normalization.hpp"

#include <cmath>

#include "keras/core/errors.hpp"
#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"
#include "layers/normalization/norm_kernels.hpp"
#include "layers/normalization/norm_utils.hpp"

namespace keras::layers {

namespace {

class BatchNormalizationImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit BatchNormalizationImpl(const kw::Kwargs& k) : SingleInputLayer("BatchNormalization", k) {
    axis_ = k.get_or("axis", -1);
    momentum_ = k.get_or("momentum", 0.99);
    epsilon_ = k.get_or("epsilon", 1e-3);
    center_ = norm::read_flag(k, "center", true);
    scale_ = norm::read_flag(k, "scale", true);
    beta_init_ = k.get_or<InitializerArg>("beta_initializer", "zeros");
    gamma_init_ = k.get_or<InitializerArg>("gamma_initializer", "ones");
    mean_init_ = k.get_or<InitializerArg>("moving_mean_initializer", "zeros");
    var_init_ = k.get_or<InitializerArg>("moving_variance_initializer", "ones");
    for (const auto* init : {&beta_init_, &gamma_init_, &mean_init_, &var_init_}) initializers::get(*init);
    beta_reg_ = regularizers::get(k.get_or<RegularizerArg>("beta_regularizer", {}));
    gamma_reg_ = regularizers::get(k.get_or<RegularizerArg>("gamma_regularizer", {}));
  }

  bool applies_relu_epilogue() const override { return true; }  // backward reads x and the statistics, not y

  Shape compute_output_shape(const Shape& s) override {
    norm::normalize_axis(axis_, s, name(), class_name());
    return s;
  }

  void build_one(const Shape& s) override {
    int ax = norm::normalize_axis(axis_, s, name(), class_name());
    channels_ = norm::known_channels(s, ax, axis_, name());
    if (scale_) gamma_ = add_weight("gamma", {channels_}, gamma_init_);
    if (center_) beta_ = add_weight("beta", {channels_}, beta_init_);
    moving_mean_ = add_weight("moving_mean", {channels_}, mean_init_, false);
    moving_var_ = add_weight("moving_variance", {channels_}, var_init_, false);
    input_spec = {InputSpec{.ndim = s.ndim(), .axes = {{axis_, channels_}}}};
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (!built_) return LayerImpl::hint_for(v);
    return norm::channel_hint(*this, v, "gamma, beta and moving statistics");
  }

  double regularization_penalty(bool accumulate_grads) override {
    if (!built_ || !trainable()) return 0.0;
    return norm::regularization({{gamma_reg_, gamma_}, {beta_reg_, beta_}}, accumulate_grads, &grad_of);
  }

  // saved: {mean, inv_std, batch-statistics flag} per channel, as used by the forward pass.
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    const int ax = axis_ < 0 ? axis_ + x.ndim() : axis_;
    const norm::AxisSplit s = norm::split_at(x.dims(), ax);
    const int64_t C = channels_;
    const bool batch_stats = ctx.training && trainable();
    Tensor mean = Tensor::empty({C}), inv = Tensor::empty({C});
    if (batch_stats) {
      std::vector<double> m(static_cast<size_t>(C)), v(static_cast<size_t>(C));
      norm::channel_moments(x.data(), s, m.data(), v.data());
      float* mm = moving_mean_->value.data();
      float* mv = moving_var_->value.data();
      for (int64_t c = 0; c < C; ++c) {
        mean.data()[c] = static_cast<float>(m[c]);
        inv.data()[c] = static_cast<float>(1.0 / std::sqrt(v[c] + epsilon_));
        mm[c] = static_cast<float>(mm[c] * momentum_ + m[c] * (1.0 - momentum_));
        mv[c] = static_cast<float>(mv[c] * momentum_ + v[c] * (1.0 - momentum_));
      }
    } else {
      const float* mm = moving_mean_->value.data();
      const float* mv = moving_var_->value.data();
      for (int64_t c = 0; c < C; ++c) {
        mean.data()[c] = mm[c];
        inv.data()[c] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(mv[c]) + epsilon_));
      }
    }
    Tensor a = Tensor::empty({C});
    for (int64_t c = 0; c < C; ++c) a.data()[c] = inv.data()[c] * (scale_ ? gamma_->value.data()[c] : 1.0f);
    Tensor y = Tensor::empty(x.dims());
    norm::channel_affine(x.data(), s, a.data(), mean.data(), center_ ? beta_->value.data() : nullptr, y.data(),
                         ctx.relu_epilogue);
    ctx.saved = {mean, inv, Tensor::scalar(batch_stats ? 1.0f : 0.0f)};
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    const Tensor& x = ctx.inputs.at(0);
    const int ax = axis_ < 0 ? axis_ + x.ndim() : axis_;
    const norm::AxisSplit s = norm::split_at(x.dims(), ax);
    const int64_t C = channels_;
    const float* mean = ctx.saved.at(0).data();
    const float* inv = ctx.saved.at(1).data();
    const bool batch_stats = ctx.saved.at(2).item() != 0.0f;
    std::vector<double> sum_g(static_cast<size_t>(C)), sum_gd(static_cast<size_t>(C));
    norm::channel_grad_sums(g.data(), x.data(), s, mean, sum_g.data(), sum_gd.data());
    if (trainable()) {
      if (scale_) {
        float* dg = grad_of(*gamma_).data();
        for (int64_t c = 0; c < C; ++c) dg[c] += static_cast<float>(sum_gd[c] * inv[c]);  // sum g * x_hat
      }
      if (center_) {
        float* db = grad_of(*beta_).data();
        for (int64_t c = 0; c < C; ++c) db[c] += static_cast<float>(sum_g[c]);
      }
    }
    if (!ctx.input_needs_grad(0)) return {};
    // Training: dx = gamma*inv/N * (N g - sum g - x_hat * sum(g x_hat)), written as a*g + b*(x - mean) + c.
    // Inference: the statistics are constants, so dx = gamma*inv * g.
    const double n = static_cast<double>(s.count());
    Tensor a = Tensor::empty({C}), b = Tensor::zeros({C}), c0 = Tensor::zeros({C});
    for (int64_t c = 0; c < C; ++c) {
      double gi = (scale_ ? gamma_->value.data()[c] : 1.0) * inv[c];
      a.data()[c] = static_cast<float>(gi);
      if (batch_stats) {
        b.data()[c] = static_cast<float>(-gi * inv[c] * inv[c] * sum_gd[c] / n);
        c0.data()[c] = static_cast<float>(-gi * sum_g[c] / n);
      }
    }
    Tensor dx = Tensor::empty(x.dims());
    norm::channel_affine_grad(g.data(), x.data(), s, a.data(), b.data(), mean, c0.data(), dx.data());
    return dx;
  }

  Tensor moving_mean() const { return require_built()->value; }
  Tensor moving_variance() const {
    require_built();
    return moving_var_->value;
  }

 private:
  const VariablePtr& require_built() const {
    if (!built_)
      throw ValueError("Layer \"" + name() + "\" has no moving statistics yet: it is not built.",
                       {.layer = name(), .hint = "call the layer on data (or on keras::Input) first."});
    return moving_mean_;
  }

  int axis_ = -1;
  double momentum_ = 0.99, epsilon_ = 1e-3;
  bool center_ = true, scale_ = true;
  int64_t channels_ = 0;
  InitializerArg beta_init_, gamma_init_, mean_init_, var_init_;
  std::shared_ptr<const regularizers::Regularizer> beta_reg_, gamma_reg_;
  VariablePtr gamma_, beta_, moving_mean_, moving_var_;
};

BatchNormalizationImpl& batch_norm_impl(const Layer& l) { return static_cast<BatchNormalizationImpl&>(*l.impl()); }

}  // namespace

BatchNormalization::BatchNormalization(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<BatchNormalizationImpl>(kwargs)) {}

Tensor BatchNormalization::moving_mean() const { return batch_norm_impl(*this).moving_mean(); }
Tensor BatchNormalization::moving_variance() const { return batch_norm_impl(*this).moving_variance(); }

KERAS_REGISTER_LAYER(BatchNormalization)

}  // namespace keras::layers
