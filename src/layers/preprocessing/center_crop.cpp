#include "keras/layers/preprocessing/center_crop.hpp"

#include "keras/layers/registry.hpp"
#include "layers/preprocessing/image_layer.hpp"

namespace keras::layers {

namespace {

class CenterCropImpl : public image::ImageLayerImpl {
 public:
  explicit CenterCropImpl(const kw::Kwargs& k) : ImageLayerImpl("CenterCrop", k) {
    std::tie(height_, width_) = image::target_size(k, "CenterCrop", name());
  }

  std::pair<Dim, Dim> output_size(const Dim&, const Dim&) const override { return {Dim(height_), Dim(width_)}; }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    const image::Layout l = layout(x);
    return image::window_resize(x, l, window(l), height_, width_, image::Interpolation::kBilinear, 0.0f);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    const image::Layout l = layout(x);
    return image::window_resize_backward(g, x.dims(), l, window(l), height_, width_, image::Interpolation::kBilinear);
  }

 private:
  // The centred window when the image is large enough; otherwise smart_resize's aspect-ratio crop, resized.
  image::Window window(const image::Layout& l) const {
    if (l.height >= height_ && l.width >= width_) return {(l.height - height_) / 2, (l.width - width_) / 2, height_, width_};
    return image::crop_window(l.height, l.width, height_, width_);
  }

  int64_t height_ = 0, width_ = 0;
};

}  // namespace

CenterCrop::CenterCrop(const kw::Kwargs& kwargs) : Layer(std::make_shared<CenterCropImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(CenterCrop)

}  // namespace keras::layers
