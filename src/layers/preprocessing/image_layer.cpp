#include "layers/preprocessing/image_layer.hpp"

#include <algorithm>
#include <cmath>

#include "core/py_repr.hpp"
#include "keras/core/errors.hpp"
#include "keras/random/random.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers::image {

ImageLayerImpl::ImageLayerImpl(std::string class_name, const kw::Kwargs& k) : SingleInputLayer(std::move(class_name), k) {
  channels_first_ = spatial::channels_first(k, name());
  if (auto seed = k.get<int>("seed")) own_generator_ = random::seeded_generator(static_cast<uint64_t>(*seed));
}

std::pair<int, int> spatial_axes(int rank, bool channels_first) {
  const int off = rank == 4 ? 1 : 0;
  return channels_first ? std::pair{off + 1, off + 2} : std::pair{off, off + 1};
}

Shape ImageLayerImpl::compute_output_shape(const Shape& s) {
  if (s.ndim() != 3 && s.ndim() != 4)
    throw ValueError("Expected image tensor to have rank 3 (single image) or 4 (batch of images). Received: "
                     "data.shape=" + to_string(s),
                     {.layer = name(), .expected = "rank 4 (batch, height, width, channels)", .received = to_string(s),
                      .hint = s.ndim() == 2 ? "the images are flat: give them their height, width and channels, e.g. "
                                              "Input(shape={28, 28, 1}) or layers::Reshape({28, 28, 1}) first."
                                            : "give images as (batch, height, width, channels), e.g. Input(shape={32, "
                                              "32, 3})."});
  auto [ha, wa] = spatial_axes(s.ndim(), channels_first_);
  auto [h, w] = output_size(s[ha], s[wa]);
  std::vector<Dim> dims;
  for (int i = 0; i < s.ndim(); ++i) dims.push_back(i == ha ? h : i == wa ? w : s[i]);
  return Shape(dims);
}

double ImageLayerImpl::uniform(double lo, double hi) {
  std::mt19937_64& gen = own_generator_ ? *own_generator_ : random::generator();
  return std::uniform_real_distribution<double>(lo, hi)(gen);
}

std::pair<double, double> ImageLayerImpl::parse_factor(const kw::Kwargs& k, const std::string& key, double lo,
                                                       double hi, const std::string& message_prefix, bool required) {
  auto f = k.get<FloatList>(key);
  if (!f) {
    if (required)
      throw TypeError(class_name() + ".__init__() missing 1 required positional argument: '" + key + "'",
                      {.layer = name(), .hint = "give " + key + " as a fraction, e.g. " + key + "=0.1, or a range {-0.1, "
                                                "0.2}."});
    return {0.0, 0.0};
  }
  const std::vector<double>& v = f->values;
  std::string given = v.size() == 1 ? py_float(v[0]) : "(";
  if (v.size() != 1) {
    for (size_t i = 0; i < v.size(); ++i) given += (i ? ", " : "") + py_float(v[i]);
    given += ")";
  }
  auto fail = [&](const std::string& received) {
    throw ValueError(message_prefix + "Received: " + received,
                     {.layer = name(), .expected = "a number, or two numbers, in [" + py_float(lo) + ", " +
                                                   py_float(hi) + "]",
                      .received = key + "=" + given,
                      .hint = "factors are fractions: 0.1 means up to 10%, {-0.1, 0.2} a range from -10% to +20%."});
  };
  if (v.size() == 2) {
    const double a = std::min(v[0], v[1]), b = std::max(v[0], v[1]);
    if (a < lo || b > hi) fail(key + "=" + given);
    return {a, b};
  }
  if (v.size() != 1) fail(key + "=" + given);
  if (v[0] < lo || v[0] > hi) fail(key + "=" + given);
  const double m = std::abs(v[0]);
  return {std::max(-m, lo), m};
}

}  // namespace keras::layers::image

namespace keras::layers::image {

AffineAugmentImpl::AffineAugmentImpl(std::string class_name, const kw::Kwargs& k)
    : ImageLayerImpl(std::move(class_name), k),
      fill_(parse_fill_mode(k.get_or<std::string>("fill_mode", "reflect"), name())),
      interp_(parse_interpolation(k.get_or<std::string>("interpolation", "bilinear"), name(), false)),
      fill_value_(static_cast<float>(k.get_or("fill_value", 0.0))) {}

Tensor AffineAugmentImpl::forward_one(const Tensor& x, CallContext& ctx) {
  if (!ctx.training) return x;
  const Layout l = layout(x);
  std::vector<Transform> transforms(static_cast<size_t>(l.batch));
  Tensor saved = Tensor::empty({l.batch, 8});
  for (int64_t b = 0; b < l.batch; ++b) {
    transforms[static_cast<size_t>(b)] = draw(l.height, l.width);
    for (int i = 0; i < 8; ++i) saved.data()[b * 8 + i] = static_cast<float>(transforms[static_cast<size_t>(b)][static_cast<size_t>(i)]);
  }
  ctx.saved = {saved};
  Tensor y = Tensor::empty(x.dims());
  transform_forward(x.data(), y.data(), l, transforms, fill_, interp_, fill_value_);
  return y;
}

Tensor AffineAugmentImpl::backward_one(const Tensor& g, CallContext& ctx) {
  if (!ctx.input_needs_grad(0)) return {};
  if (!ctx.training) return g;
  const Layout l = layout(g);
  std::vector<Transform> transforms(static_cast<size_t>(l.batch));
  for (int64_t b = 0; b < l.batch; ++b)
    for (int i = 0; i < 8; ++i)
      transforms[static_cast<size_t>(b)][static_cast<size_t>(i)] = ctx.saved.at(0).data()[b * 8 + i];
  Tensor dx = Tensor::zeros(g.dims());
  transform_backward(g.data(), dx.data(), l, transforms, fill_, interp_);
  return dx;
}

std::pair<double, double> range_factor(const kw::Kwargs& k, const std::string& key, const std::string& prefix,
                                       const std::string& layer, bool required, const std::string& class_name) {
  auto f = k.get<FloatList>(key);
  if (!f) {
    if (required)
      throw TypeError(class_name + ".__init__() missing 1 required positional argument: '" + key + "'",
                      {.layer = layer, .hint = "give " + key + " as a fraction, e.g. " + key + "=0.1, or a range "
                                               "{-0.1, 0.2}."});
    return {0.0, 0.0};
  }
  const std::vector<double>& v = f->values;
  const std::string hint = "factors are fractions of the image's size in [-1, 1]: 0.1 means up to 10%, {-0.1, 0.2} "
                           "a range.";
  if (v.size() != 1 && v.size() != 2) {
    std::string given = "(";
    for (size_t i = 0; i < v.size(); ++i) given += (i ? ", " : "") + py_float(v[i]);
    throw ValueError(prefix + "Received: " + key + "=" + given + ")", {.layer = layer, .hint = hint});
  }
  for (double x : v)
    if (x < -1.0 || x > 1.0)
      throw ValueError(prefix + "Received: input_number=" + py_float(x),
                       {.layer = layer, .expected = "numbers in [-1.0, 1.0]", .received = py_float(x), .hint = hint});
  if (v.size() == 2) return {std::min(v[0], v[1]), std::max(v[0], v[1])};
  return {-std::abs(v[0]), std::abs(v[0])};
}

std::pair<double, double> parse_value_range(const kw::Kwargs& k, const std::string& layer) {
  const FloatList r = k.get_or("value_range", FloatList{0.0, 255.0});
  if (r.values.size() != 2) {
    std::string given = "(";
    for (size_t i = 0; i < r.values.size(); ++i) given += (i ? ", " : "") + py_float(r.values[i]);
    throw ValueError("The `value_range` argument should be a list of two numbers. Received: value_range=" + given + ")",
                     {.layer = layer, .expected = "{low, high}", .received = given + ")",
                      .hint = "give the range of the pixel values: {0, 255} for raw pixels, {0, 1} after "
                              "Rescaling(1.0 / 255)."});
  }
  return {std::min(r.values[0], r.values[1]), std::max(r.values[0], r.values[1])};
}

namespace {
std::vector<int64_t> with_size(std::vector<int64_t> dims, bool channels_first, int64_t height, int64_t width) {
  auto [ha, wa] = spatial_axes(static_cast<int>(dims.size()), channels_first);
  dims[static_cast<size_t>(ha)] = height;
  dims[static_cast<size_t>(wa)] = width;
  return dims;
}
}  // namespace

Tensor window_resize(const Tensor& x, const Layout& l, const Window& w, int64_t height, int64_t width,
                     Interpolation interp, float fill_value) {
  Tensor window = Tensor::empty(with_size(x.dims(), l.channels_first, w.height, w.width));
  window_forward(x.data(), window.data(), l, w, fill_value);
  if (w.height == height && w.width == width) return window;
  Tensor y = Tensor::empty(with_size(x.dims(), l.channels_first, height, width));
  resize_forward(window.data(), y.data(), layout_of(window.dims(), l.channels_first), height, width, interp);
  return y;
}

Tensor window_resize_backward(const Tensor& g, const std::vector<int64_t>& input_dims, const Layout& l, const Window& w,
                              int64_t height, int64_t width, Interpolation interp) {
  Tensor dwindow;
  if (w.height == height && w.width == width) {
    dwindow = g;
  } else {
    dwindow = Tensor::zeros(with_size(input_dims, l.channels_first, w.height, w.width));
    resize_backward(g.data(), dwindow.data(), layout_of(dwindow.dims(), l.channels_first), height, width, interp);
  }
  Tensor dx = Tensor::zeros(input_dims);
  window_backward(dwindow.data(), dx.data(), l, w);
  return dx;
}

std::pair<int64_t, int64_t> target_size(const kw::Kwargs& k, const std::string& class_name,
                                        const std::string& layer) {
  auto h = k.get<int>("height");
  auto w = k.get<int>("width");
  if (!h || !w) {
    const std::string missing = !h && !w ? "2 required positional arguments: 'height' and 'width'"
                                : !h     ? "1 required positional argument: 'height'"
                                         : "1 required positional argument: 'width'";
    throw TypeError(class_name + ".__init__() missing " + missing,
                    {.layer = layer, .hint = "give the output size: " + class_name + "(224, 224)."});
  }
  if (*h <= 0 || *w <= 0)
    throw ValueError("Argument `size` must be a tuple of two elements (height, width). Received: size=(" +
                         std::to_string(*h) + ", " + std::to_string(*w) + ")",
                     {.layer = layer, .expected = "height > 0 and width > 0",
                      .received = std::to_string(*h) + "x" + std::to_string(*w),
                      .hint = "give the output size in pixels, e.g. " + class_name + "(224, 224)."});
  return {*h, *w};
}

}  // namespace keras::layers::image
