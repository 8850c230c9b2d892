#pragma once
// The sampling behind the image preprocessing layers, with TensorFlow's conventions (which Keras 3's default backend
// uses): projective transforms as tf.raw_ops.ImageProjectiveTransformV3 (keras.ops.image.affine_transform) and
// resizing as tf.image.resize with half-pixel centres. Each has its exact backward pass (the transposed sampling),
// so the layers can sit anywhere in a model.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace keras::layers::image {

// Images of rank 4 (batch, height, width, channels) or rank 3 (one image), channels last or first.
struct Layout {
  int64_t batch = 1, height = 0, width = 0, channels = 0;
  bool channels_first = false;
  // The same images at another height and width (a resize's or a window's output).
  Layout resized(int64_t h, int64_t w) const {
    Layout o = *this;
    o.height = h;
    o.width = w;
    return o;
  }
  int64_t index(int64_t b, int64_t y, int64_t x, int64_t c) const {
    return channels_first ? ((b * channels + c) * height + y) * width + x
                          : ((b * height + y) * width + x) * channels + c;
  }
};
Layout layout_of(const std::vector<int64_t>& dims, bool channels_first);

enum class FillMode { kReflect, kWrap, kConstant, kNearest };
enum class Interpolation { kBilinear, kNearest };

// Keras's names; an unknown one is a ValueError naming the valid ones (layer: for the message).
FillMode parse_fill_mode(const std::string& mode, const std::string& layer);
Interpolation parse_interpolation(const std::string& name, const std::string& layer, bool allow_other_tf_methods);

// Maps output pixel (x, y) to input point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1.
using Transform = std::array<double, 8>;

// out[b] = in[b] sampled through transforms[b] (one per image). dx gets the transposed sampling of dy (adds to it).
void transform_forward(const float* in, float* out, const Layout& l, const std::vector<Transform>& transforms,
                       FillMode fill, Interpolation interp, float fill_value);
void transform_backward(const float* dy, float* dx, const Layout& l, const std::vector<Transform>& transforms,
                        FillMode fill, Interpolation interp);

// Resizes every image of `in` (layout l) to (height, width) in `out` (same batch and channels), and back.
void resize_forward(const float* in, float* out, const Layout& l, int64_t height, int64_t width, Interpolation interp);
void resize_backward(const float* dy, float* dx, const Layout& l, int64_t height, int64_t width, Interpolation interp);

// A rectangle of the input plane (top, left may be negative, and it may reach past the image: fill_value there).
struct Window {
  int64_t top = 0, left = 0, height = 0, width = 0;
};
// out (batch, window, channels) = the window of in; backward adds dy's in-image part to dx.
void window_forward(const float* in, float* out, const Layout& l, const Window& w, float fill_value);
void window_backward(const float* dy, float* dx, const Layout& l, const Window& w);

// Keras's crop_to_aspect_ratio window (the largest centred one with the target's aspect ratio), and its
// pad_to_aspect_ratio window (the image centred in a canvas of that aspect ratio).
Window crop_window(int64_t height, int64_t width, int64_t target_height, int64_t target_width);
Window pad_window(int64_t height, int64_t width, int64_t target_height, int64_t target_width);

}  // namespace keras::layers::image
