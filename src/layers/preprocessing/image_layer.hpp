#pragma once
// What the image preprocessing layers share (Keras's BaseImagePreprocessingLayer): images of rank 4 (a batch) or 3
// (one image) in data_format, Keras's factor parsing, a random stream (own with seed=), and output shapes.
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "keras/layers/layer.hpp"
#include "layers/preprocessing/image_sampling.hpp"

namespace keras::layers::image {

class ImageLayerImpl : public SingleInputLayer {
 public:
  ImageLayerImpl(std::string class_name, const kw::Kwargs& k);

  // Keras: "Expected image tensor to have rank 3 (single image) or 4 (batch of images)".
  Shape compute_output_shape(const Shape& s) override;
  // The output's height and width for input spatial dims (default: unchanged).
  virtual std::pair<Dim, Dim> output_size(const Dim& height, const Dim& width) const { return {height, width}; }

 protected:
  Layout layout(const Tensor& x) const { return layout_of(x.dims(), channels_first_); }
  // Uniform in [lo, hi) from the layer's stream.
  double uniform(double lo, double hi);
  // Keras's BaseImagePreprocessingLayer._set_factor: a number f gives (max(-|f|, lo), |f|), a pair is sorted;
  // bounds (lo, hi) checked as Keras checks them.
  std::pair<double, double> parse_factor(const kw::Kwargs& k, const std::string& key, double lo, double hi,
                                         const std::string& message_prefix, bool required);
  bool channels_first_ = false;

 private:
  std::optional<std::mt19937_64> own_generator_;
};

// The unbatched and batched shapes' height / width axes.
std::pair<int, int> spatial_axes(int rank, bool channels_first);

}  // namespace keras::layers::image

namespace keras::layers::image {

// RandomRotation, RandomZoom, RandomTranslation: one projective transform per image while training, drawn by
// draw(); identity in inference. The transforms of a call are kept for its backward pass.
class AffineAugmentImpl : public ImageLayerImpl {
 public:
  AffineAugmentImpl(std::string class_name, const kw::Kwargs& k);
  Tensor forward_one(const Tensor& x, CallContext& ctx) override;
  Tensor backward_one(const Tensor& g, CallContext& ctx) override;

 protected:
  virtual Transform draw(int64_t height, int64_t width) = 0;

 private:
  FillMode fill_;
  Interpolation interp_;
  float fill_value_ = 0.0f;
};

// Resizing, CenterCrop, RandomCrop: the window w of each image (fill_value outside it) resized to (height,
// width), and the gradient back.
Tensor window_resize(const Tensor& x, const Layout& l, const Window& w, int64_t height, int64_t width,
                     Interpolation interp, float fill_value);
Tensor window_resize_backward(const Tensor& g, const std::vector<int64_t>& input_dims, const Layout& l, const Window& w,
                              int64_t height, int64_t width, Interpolation interp);

// height= and width= of Resizing, CenterCrop and RandomCrop: both given, both > 0.
std::pair<int64_t, int64_t> target_size(const kw::Kwargs& k, const std::string& class_name, const std::string& layer);

// value_range= (default {0, 255}), sorted: Keras's "should be a list of two numbers" otherwise.
std::pair<double, double> parse_value_range(const kw::Kwargs& k, const std::string& layer);

// The zoom and translation factors: Keras's own check of each number against [-1, 1].
std::pair<double, double> range_factor(const kw::Kwargs& k, const std::string& key, const std::string& prefix,
                                       const std::string& layer, bool required, const std::string& class_name);

}  // namespace keras::layers::image
