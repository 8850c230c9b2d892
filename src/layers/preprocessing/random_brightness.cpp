#include "keras/layers/preprocessing/random_brightness.hpp"

#include <algorithm>

#include "keras/layers/registry.hpp"
#include "layers/preprocessing/image_layer.hpp"

namespace keras::layers {

namespace {

class RandomBrightnessImpl : public image::ImageLayerImpl {
 public:
  explicit RandomBrightnessImpl(const kw::Kwargs& k) : ImageLayerImpl("RandomBrightness", k) {
    range_ = parse_factor(k, "factor", -1.0, 1.0,
                          "The `factor` argument should be a number (or a list of two numbers) in the range [-1, 1]. ",
                          true);
    value_range_ = image::parse_value_range(k, name());
  }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    if (!ctx.training) return x;
    const image::Layout l = layout(x);
    const float lo = static_cast<float>(value_range_.first), hi = static_cast<float>(value_range_.second);
    Tensor y = Tensor::empty(x.dims());
    const int64_t per_image = x.size() / std::max<int64_t>(l.batch, 1);
    for (int64_t b = 0; b < l.batch; ++b) {
      const float delta = static_cast<float>(uniform(range_.first, range_.second) * (value_range_.second -
                                                                                     value_range_.first));
      for (int64_t i = b * per_image; i < (b + 1) * per_image; ++i) y.data()[i] = std::clamp(x.data()[i] + delta, lo, hi);
    }
    ctx.saved = {y};
    return y;
  }

  // The clip passes the gradient where the output is inside value_range.
  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (!ctx.training) return g;
    const Tensor& y = ctx.saved.at(0);
    const float lo = static_cast<float>(value_range_.first), hi = static_cast<float>(value_range_.second);
    Tensor dx = Tensor::empty(g.dims());
    for (int64_t i = 0; i < g.size(); ++i) dx.data()[i] = y.data()[i] >= lo && y.data()[i] <= hi ? g.data()[i] : 0.0f;
    return dx;
  }

 private:
  std::pair<double, double> range_, value_range_;
};

}  // namespace

RandomBrightness::RandomBrightness(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<RandomBrightnessImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(RandomBrightness)

}  // namespace keras::layers
