#include "keras/layers/preprocessing/random_contrast.hpp"

#include <algorithm>

#include "keras/layers/registry.hpp"
#include "layers/preprocessing/image_layer.hpp"

namespace keras::layers {

namespace {

class RandomContrastImpl : public image::ImageLayerImpl {
 public:
  explicit RandomContrastImpl(const kw::Kwargs& k) : ImageLayerImpl("RandomContrast", k) {
    range_ = parse_factor(k, "factor", 0.0, 1.0,
                          "The `factor` argument should be a number (or a list of two numbers) in the range [0, 1]. ",
                          true);
    value_range_ = image::parse_value_range(k, name());
  }

  // (x - mean) * c + mean per image and channel (mean over height and width), clipped to value_range.
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    if (!ctx.training) return x;
    const image::Layout l = layout(x);
    Tensor factors = Tensor::empty({l.batch});
    for (int64_t b = 0; b < l.batch; ++b)
      factors.data()[b] = static_cast<float>(uniform(1.0 - range_.first, 1.0 + range_.second));
    Tensor y = Tensor::empty(x.dims());
    const float lo = static_cast<float>(value_range_.first), hi = static_cast<float>(value_range_.second);
    for (int64_t b = 0; b < l.batch; ++b)
      for (int64_t c = 0; c < l.channels; ++c) {
        const float mean = plane_mean(x.data(), l, b, c), f = factors.data()[b];
        for (int64_t r = 0; r < l.height; ++r)
          for (int64_t w = 0; w < l.width; ++w) {
            const int64_t i = l.index(b, r, w, c);
            y.data()[i] = std::clamp((x.data()[i] - mean) * f + mean, lo, hi);
          }
      }
    ctx.saved = {factors, y};
    return y;
  }

  // Inside the clip: dy * c, plus (1 - c) times the plane's mean of those gradients (through the mean).
  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (!ctx.training) return g;
    const image::Layout l = layout(g);
    const Tensor& y = ctx.saved.at(1);
    const float lo = static_cast<float>(value_range_.first), hi = static_cast<float>(value_range_.second);
    Tensor passed = Tensor::empty(g.dims());
    for (int64_t i = 0; i < g.size(); ++i) {
      const float v = y.data()[i];
      // TF's clip passes the gradient where lo <= v <= hi.
      passed.data()[i] = v >= lo && v <= hi ? g.data()[i] : 0.0f;
    }
    Tensor dx = Tensor::empty(g.dims());
    for (int64_t b = 0; b < l.batch; ++b)
      for (int64_t c = 0; c < l.channels; ++c) {
        const float f = ctx.saved.at(0).data()[b], mean = plane_mean(passed.data(), l, b, c);
        for (int64_t r = 0; r < l.height; ++r)
          for (int64_t w = 0; w < l.width; ++w) {
            const int64_t i = l.index(b, r, w, c);
            dx.data()[i] = passed.data()[i] * f + (1.0f - f) * mean;
          }
      }
    return dx;
  }

 private:
  static float plane_mean(const float* x, const image::Layout& l, int64_t b, int64_t c) {
    double s = 0;
    for (int64_t r = 0; r < l.height; ++r)
      for (int64_t w = 0; w < l.width; ++w) s += x[l.index(b, r, w, c)];
    return static_cast<float>(s / static_cast<double>(l.height * l.width));
  }

  std::pair<double, double> range_, value_range_;
};

}  // namespace

RandomContrast::RandomContrast(const kw::Kwargs& kwargs) : Layer(std::make_shared<RandomContrastImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(RandomContrast)

}  // namespace keras::layers
