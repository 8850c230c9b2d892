#include "keras/layers/preprocessing/random_crop.hpp"

#include <cmath>

#include "keras/layers/registry.hpp"
#include "layers/preprocessing/image_layer.hpp"

namespace keras::layers {

namespace {

class RandomCropImpl : public image::ImageLayerImpl {
 public:
  explicit RandomCropImpl(const kw::Kwargs& k) : ImageLayerImpl("RandomCrop", k) {
    std::tie(height_, width_) = image::target_size(k, "RandomCrop", name());
  }

  std::pair<Dim, Dim> output_size(const Dim&, const Dim&) const override { return {Dim(height_), Dim(width_)}; }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    const image::Layout l = layout(x);
    image::Window w = image::crop_window(l.height, l.width, height_, width_);
    if (ctx.training && l.height >= height_ && l.width >= width_) {
      // One offset for the whole batch, height first, uniform over every position, as Keras.
      const auto top = static_cast<int64_t>(std::floor(uniform(0.0, static_cast<double>(l.height - height_ + 1))));
      const auto left = static_cast<int64_t>(std::floor(uniform(0.0, static_cast<double>(l.width - width_ + 1))));
      w = {std::min(top, l.height - height_), std::min(left, l.width - width_), height_, width_};
    }
    Tensor saved = Tensor::empty({4});
    saved.data()[0] = static_cast<float>(w.top);
    saved.data()[1] = static_cast<float>(w.left);
    saved.data()[2] = static_cast<float>(w.height);
    saved.data()[3] = static_cast<float>(w.width);
    ctx.saved = {saved};
    return image::window_resize(x, l, w, height_, width_, image::Interpolation::kBilinear, 0.0f);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    const float* s = ctx.saved.at(0).data();
    const image::Window w{static_cast<int64_t>(s[0]), static_cast<int64_t>(s[1]), static_cast<int64_t>(s[2]),
                          static_cast<int64_t>(s[3])};
    return image::window_resize_backward(g, x.dims(), layout(x), w, height_, width_, image::Interpolation::kBilinear);
  }

 private:
  int64_t height_ = 0, width_ = 0;
};

}  // namespace

RandomCrop::RandomCrop(const kw::Kwargs& kwargs) : Layer(std::make_shared<RandomCropImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(RandomCrop)

}  // namespace keras::layers
