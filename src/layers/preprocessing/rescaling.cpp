#include "keras/layers/preprocessing/rescaling.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class RescalingImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit RescalingImpl(const kw::Kwargs& k) : SingleInputLayer("Rescaling", k) {
    auto scale = k.get<double>("scale");
    if (!scale)
      throw TypeError("Rescaling.__init__() missing 1 required positional argument: 'scale'",
                      {.layer = name(), .hint = "give the factor to multiply by: Rescaling(1.0 / 255) maps pixels in "
                                                "[0, 255] to [0, 1]."});
    scale_ = static_cast<float>(*scale);
    offset_ = static_cast<float>(k.get_or("offset", 0.0));
  }

  Shape compute_output_shape(const Shape& s) override { return s; }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    Tensor y = Tensor::empty(x.dims());
    const float* __restrict a = x.data();
    float* __restrict o = y.data();
    const float s = scale_, b = offset_;
    const int64_t n = x.size();
#pragma omp parallel for simd if (parallel : n > (1 << 16))
    for (int64_t i = 0; i < n; ++i) o[i] = a[i] * s + b;
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    Tensor dx = Tensor::empty(g.dims());
    const float* __restrict a = g.data();
    float* __restrict o = dx.data();
    const float s = scale_;
    const int64_t n = g.size();
#pragma omp parallel for simd if (parallel : n > (1 << 16))
    for (int64_t i = 0; i < n; ++i) o[i] = a[i] * s;
    return dx;
  }

 private:
  float scale_ = 1.0f, offset_ = 0.0f;
};

}  // namespace

Rescaling::Rescaling(const kw::Kwargs& kwargs) : Layer(std::make_shared<RescalingImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Rescaling)

}  // namespace keras::layers
