#include "keras/layers/preprocessing/random_rotation.hpp"

#include <cmath>
#include <numbers>

#include "keras/layers/registry.hpp"
#include "layers/preprocessing/image_layer.hpp"

namespace keras::layers {

namespace {

class RandomRotationImpl : public image::AffineAugmentImpl {
 public:
  explicit RandomRotationImpl(const kw::Kwargs& k) : AffineAugmentImpl("RandomRotation", k) {
    range_ = parse_factor(k, "factor", -1.0, 1.0,
                          "The `factor` argument should be a number (or a list of two numbers) in the range [-1, 1]. ",
                          true);
  }

 protected:
  // Keras's _compute_affine_matrix for a rotation about ((W - 1) / 2, (H - 1) / 2): input = R (output - c) + c.
  image::Transform draw(int64_t height, int64_t width) override {
    const double degrees = uniform(range_.first * 360.0, range_.second * 360.0);
    const double t = degrees * std::numbers::pi / 180.0, c = std::cos(t), s = std::sin(t);
    const double cx = 0.5 * static_cast<double>(width - 1), cy = 0.5 * static_cast<double>(height - 1);
    return {c, -s, cx - cx * c + cy * s, s, c, cy - cx * s - cy * c, 0, 0};
  }

 private:
  std::pair<double, double> range_;
};

}  // namespace

RandomRotation::RandomRotation(const kw::Kwargs& kwargs) : Layer(std::make_shared<RandomRotationImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(RandomRotation)

}  // namespace keras::layers
