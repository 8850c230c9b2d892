#include "keras/layers/preprocessing/random_zoom.hpp"

#include "keras/layers/registry.hpp"
#include "layers/preprocessing/image_layer.hpp"

namespace keras::layers {

namespace {

const char* const kZoomPrefix = "The `height_factor` and `width_factor` arguments should be a number (or a list of "
                                "two numbers) in the range [-1.0, 1.0]. ";

class RandomZoomImpl : public image::AffineAugmentImpl {
 public:
  explicit RandomZoomImpl(const kw::Kwargs& k) : AffineAugmentImpl("RandomZoom", k) {
    height_ = image::range_factor(k, "height_factor", kZoomPrefix, name(), true, "RandomZoom");
    if (k.get<FloatList>("width_factor")) width_ = image::range_factor(k, "width_factor", kZoomPrefix, name(), true, "RandomZoom");
  }

 protected:
  // input = c + z (output - c) about the centre: z > 1 shows more of the image (zooms out).
  image::Transform draw(int64_t height, int64_t width) override {
    const double zy = uniform(1.0 + height_.first, 1.0 + height_.second);
    const double zx = width_ ? uniform(1.0 + width_->first, 1.0 + width_->second) : zy;
    const double cx = 0.5 * static_cast<double>(width - 1), cy = 0.5 * static_cast<double>(height - 1);
    return {zx, 0, cx * (1.0 - zx), 0, zy, cy * (1.0 - zy), 0, 0};
  }

 private:
  std::pair<double, double> height_;
  std::optional<std::pair<double, double>> width_;  // None: the height's draw
};

}  // namespace

RandomZoom::RandomZoom(const kw::Kwargs& kwargs) : Layer(std::make_shared<RandomZoomImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(RandomZoom)

}  // namespace keras::layers
