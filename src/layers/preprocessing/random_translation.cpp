#include "keras/layers/preprocessing/random_translation.hpp"

#include "keras/layers/registry.hpp"
#include "layers/preprocessing/image_layer.hpp"

namespace keras::layers {

namespace {

const char* const kTranslationPrefix = "The `factor` argument should be a number (or a list of two numbers) in the "
                                       "range [-1.0, 1.0]. ";

class RandomTranslationImpl : public image::AffineAugmentImpl {
 public:
  explicit RandomTranslationImpl(const kw::Kwargs& k) : AffineAugmentImpl("RandomTranslation", k) {
    height_ = image::range_factor(k, "height_factor", kTranslationPrefix, name(), true, "RandomTranslation");
    width_ = image::range_factor(k, "width_factor", kTranslationPrefix, name(), true, "RandomTranslation");
  }

 protected:
  // output(x, y) = input(x - dx, y - dy): positive shifts move the content right and down. Height first, as Keras.
  image::Transform draw(int64_t height, int64_t width) override {
    const double dy = uniform(height_.first, height_.second) * static_cast<double>(height);
    const double dx = uniform(width_.first, width_.second) * static_cast<double>(width);
    return {1, 0, -dx, 0, 1, -dy, 0, 0};
  }

 private:
  std::pair<double, double> height_, width_;
};

}  // namespace

RandomTranslation::RandomTranslation(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<RandomTranslationImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(RandomTranslation)

}  // namespace keras::layers
