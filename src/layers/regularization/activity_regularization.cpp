#include "keras/layers/regularization/activity_regularization.hpp"

#include <cmath>

#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class ActivityRegularizationImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit ActivityRegularizationImpl(const kw::Kwargs& k) : SingleInputLayer("ActivityRegularization", k) {
    l1_ = k.get_or("l1", 0.0);
    l2_ = k.get_or("l2", 0.0);
  }

  Shape compute_output_shape(const Shape& s) override { return s; }

  // Keras adds the penalty on every call, inference included (evaluate's loss has it).
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    double abs_sum = 0, square_sum = 0;
    const float* p = x.data();
    const int64_t n = x.size();
#pragma omp parallel for reduction(+ : abs_sum, square_sum) if (n > (1 << 16))
    for (int64_t i = 0; i < n; ++i) {
      abs_sum += std::fabs(p[i]);
      square_sum += static_cast<double>(p[i]) * p[i];
    }
    ctx.added_loss = (l1_ != 0.0 ? l1_ * abs_sum : 0.0) + (l2_ != 0.0 ? l2_ * square_sum : 0.0);
    return x;
  }

  // In training the penalty is part of the loss: its gradient l1 * sign(x) + 2 * l2 * x joins the output's.
  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (!ctx.training || (l1_ == 0.0 && l2_ == 0.0)) return g;
    const Tensor& x = ctx.inputs.at(0);
    Tensor dx = Tensor::empty(x.dims());
    const float* px = x.data();
    const float* pg = g.data();
    float* pd = dx.data();
    const auto l1 = static_cast<float>(l1_), two_l2 = static_cast<float>(2.0 * l2_);
    const int64_t n = x.size();
#pragma omp parallel for simd if (parallel : n > (1 << 16))
    for (int64_t i = 0; i < n; ++i) {
      const float sign = px[i] > 0.0f ? 1.0f : (px[i] < 0.0f ? -1.0f : 0.0f);
      pd[i] = pg[i] + l1 * sign + two_l2 * px[i];
    }
    return dx;
  }

 private:
  double l1_ = 0.0, l2_ = 0.0;
};

}  // namespace

ActivityRegularization::ActivityRegularization(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<ActivityRegularizationImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(ActivityRegularization)

}  // namespace keras::layers
