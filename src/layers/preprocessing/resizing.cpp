#include "keras/layers/preprocessing/resizing.hpp"

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/preprocessing/image_layer.hpp"

namespace keras::layers {

namespace {

class ResizingImpl : public image::ImageLayerImpl {
 public:
  explicit ResizingImpl(const kw::Kwargs& k) : ImageLayerImpl("Resizing", k) {
    std::tie(height_, width_) = image::target_size(k, "Resizing", name());
    const std::string interp = k.get_or<std::string>("interpolation", "bilinear");
    static const char* const kTf[] = {"bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area"};
    bool known = false;
    for (const char* m : kTf) known = known || interp == m;
    if (!known)
      throw ValueError("Invalid value for argument `interpolation`. Expected of one ('bilinear', 'nearest', "
                       "'lanczos3', 'lanczos5', 'bicubic', 'area'). Received: interpolation=" + interp,
                       {.layer = name(), .received = interp, .hint = "use interpolation=\"bilinear\" (the default)."});
    interp_ = image::parse_interpolation(interp, name(), true);
    crop_ = k.get_or("crop_to_aspect_ratio", false);
    pad_ = k.get_or("pad_to_aspect_ratio", false);
    if (crop_ && pad_)
      throw ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.",
                       {.layer = name(), .hint = "crop to the target's aspect ratio or pad to it, not both."});
    const std::string fill = k.get_or<std::string>("fill_mode", "constant");
    if (fill != "constant")
      throw ValueError("Invalid value for argument `fill_mode`. Only `'constant'` is supported. Received: fill_mode=" +
                           fill,
                       {.layer = name(), .received = fill, .hint = "padding fills with fill_value: leave fill_mode at "
                                                                   "\"constant\"."});
    fill_value_ = static_cast<float>(k.get_or("fill_value", 0.0));
  }

  std::pair<Dim, Dim> output_size(const Dim&, const Dim&) const override { return {Dim(height_), Dim(width_)}; }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    const image::Layout l = layout(x);
    return image::window_resize(x, l, window(l), height_, width_, interp_, fill_value_);
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    const image::Layout l = layout(x);
    return image::window_resize_backward(g, x.dims(), l, window(l), height_, width_, interp_);
  }

 private:
  image::Window window(const image::Layout& l) const {
    if (crop_) return image::crop_window(l.height, l.width, height_, width_);
    if (pad_) return image::pad_window(l.height, l.width, height_, width_);
    return {0, 0, l.height, l.width};
  }

  int64_t height_ = 0, width_ = 0;
  image::Interpolation interp_ = image::Interpolation::kBilinear;
  bool crop_ = false, pad_ = false;
  float fill_value_ = 0.0f;
};

}  // namespace

Resizing::Resizing(const kw::Kwargs& kwargs) : Layer(std::make_shared<ResizingImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Resizing)

}  // namespace keras::layers
