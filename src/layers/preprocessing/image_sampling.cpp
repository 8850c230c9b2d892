#include "layers/preprocessing/image_sampling.hpp"

#include <algorithm>
#include <cmath>

#include "keras/core/errors.hpp"

namespace keras::layers::image {

Layout layout_of(const std::vector<int64_t>& dims, bool channels_first) {
  Layout l;
  l.channels_first = channels_first;
  const size_t off = dims.size() == 4 ? 1 : 0;
  if (off) l.batch = dims[0];
  if (channels_first) {
    l.channels = dims[off];
    l.height = dims[off + 1];
    l.width = dims[off + 2];
  } else {
    l.height = dims[off];
    l.width = dims[off + 1];
    l.channels = dims[off + 2];
  }
  return l;
}

FillMode parse_fill_mode(const std::string& mode, const std::string& layer) {
  if (mode == "reflect") return FillMode::kReflect;
  if (mode == "wrap") return FillMode::kWrap;
  if (mode == "constant") return FillMode::kConstant;
  if (mode == "nearest") return FillMode::kNearest;
  throw ValueError("Unknown `fill_mode` " + mode + ". Expected of one {'reflect', 'wrap', 'constant', 'nearest'}.",
                   {.layer = layer, .received = mode,
                    .hint = "fill_mode says what fills the area outside the image: \"reflect\" (the default), "
                            "\"wrap\", \"constant\" (fill_value) or \"nearest\"."});
}

Interpolation parse_interpolation(const std::string& name, const std::string& layer, bool allow_other_tf_methods) {
  if (name == "bilinear") return Interpolation::kBilinear;
  if (name == "nearest") return Interpolation::kNearest;
  const bool tf_method = name == "bicubic" || name == "lanczos3" || name == "lanczos5" || name == "area";
  if (allow_other_tf_methods && tf_method)
    throw NotImplementedError("keraspp does not implement interpolation=\"" + name + "\" yet (layer " + layer +
                              "); use \"bilinear\" or \"nearest\".");
  throw ValueError("Unknown `interpolation` " + name + ". Expected of one {'nearest', 'bilinear'}.",
                   {.layer = layer, .received = name,
                    .hint = "use interpolation=\"bilinear\" (the default) or \"nearest\"."});
}

namespace {

// TensorFlow's map_coordinate (image_ops.h): where an input coordinate outside [0, len - 1] reads from.
float map_coordinate(float c, FillMode mode, int64_t len) {
  const float last = static_cast<float>(len - 1);
  switch (mode) {
    case FillMode::kReflect:
      if (c < 0) {
        if (len <= 1) {
          c = 0;
        } else {
          const float sz2 = static_cast<float>(2 * len);
          if (c < -sz2) c = sz2 * static_cast<float>(static_cast<int64_t>(-c / sz2)) + c;
          c = c < -static_cast<float>(len) ? c + sz2 : -c - 1;
        }
      } else if (c > last) {
        if (len <= 1) {
          c = 0;
        } else {
          const float sz2 = static_cast<float>(2 * len);
          c -= sz2 * static_cast<float>(static_cast<int64_t>(c / sz2));
          if (c >= static_cast<float>(len)) c = sz2 - c - 1;
        }
      }
      return std::clamp(c, 0.0f, last);
    case FillMode::kWrap:
      if (c < 0) {
        if (len <= 1) {
          c = 0;
        } else {
          const float sz = last;
          c += static_cast<float>(len) * (static_cast<float>(static_cast<int64_t>(-c / sz)) + 1);
        }
      } else if (c > last) {
        if (len <= 1) {
          c = 0;
        } else {
          const float sz = last;
          c -= static_cast<float>(len) * static_cast<float>(static_cast<int64_t>(c / sz));
        }
      }
      return std::clamp(c, 0.0f, last);
    case FillMode::kConstant:
      return c;
    case FillMode::kNearest:
      return std::clamp(c, 0.0f, last);
  }
  return c;
}

// Up to four (input offset within the image plane, weight) pairs for one output point; offset -1 reads fill_value.
struct Taps {
  int64_t offset[4];
  float weight[4];
  int n = 0;
  void add(int64_t y, int64_t x, float w, const Layout& l) {
    offset[n] = (y >= 0 && y < l.height && x >= 0 && x < l.width) ? y * l.width + x : -1;
    weight[n++] = w;
  }
};

Taps sample_point(float x, float y, const Layout& l, FillMode fill, Interpolation interp) {
  Taps t;
  x = map_coordinate(x, fill, l.width);
  y = map_coordinate(y, fill, l.height);
  // TensorFlow cuts at the image's border (only "constant" leaves points outside): fill_value, no blending.
  if (x < 0 || x > static_cast<float>(l.width - 1) || y < 0 || y > static_cast<float>(l.height - 1)) {
    t.add(-1, -1, 1.0f, l);
    return t;
  }
  if (interp == Interpolation::kNearest) {
    t.add(static_cast<int64_t>(std::round(y)), static_cast<int64_t>(std::round(x)), 1.0f, l);
    return t;
  }
  const float y0 = std::floor(y), x0 = std::floor(x), y1 = y0 + 1, x1 = x0 + 1;
  const auto iy0 = static_cast<int64_t>(y0), ix0 = static_cast<int64_t>(x0);
  t.add(iy0, ix0, (y1 - y) * (x1 - x), l);
  t.add(iy0, ix0 + 1, (y1 - y) * (x - x0), l);
  t.add(iy0 + 1, ix0, (y - y0) * (x1 - x), l);
  t.add(iy0 + 1, ix0 + 1, (y - y0) * (x - x0), l);
  return t;
}

// The taps of output pixel (x, y) under transform t; none (all fill) where the projection is 0.
Taps transform_taps(const Transform& t, int64_t x, int64_t y, const Layout& l, FillMode fill, Interpolation interp) {
  const float fx = static_cast<float>(x), fy = static_cast<float>(y);
  const float k = static_cast<float>(t[6]) * fx + static_cast<float>(t[7]) * fy + 1.0f;
  if (k == 0.0f) {
    Taps none;
    none.add(-1, -1, 1.0f, l);
    return none;
  }
  const float in_x = (static_cast<float>(t[0]) * fx + static_cast<float>(t[1]) * fy + static_cast<float>(t[2])) / k;
  const float in_y = (static_cast<float>(t[3]) * fx + static_cast<float>(t[4]) * fy + static_cast<float>(t[5])) / k;
  return sample_point(in_x, in_y, l, fill, interp);
}

// Channel c of plane position p of image b.
int64_t at(const Layout& l, int64_t b, int64_t p, int64_t c) { return l.index(b, p / l.width, p % l.width, c); }

}  // namespace

void transform_forward(const float* in, float* out, const Layout& l, const std::vector<Transform>& transforms,
                       FillMode fill, Interpolation interp, float fill_value) {
#pragma omp parallel for collapse(2) if (l.batch * l.height * l.width * l.channels > (1 << 16))
  for (int64_t b = 0; b < l.batch; ++b)
    for (int64_t y = 0; y < l.height; ++y)
      for (int64_t x = 0; x < l.width; ++x) {
        const Taps t = transform_taps(transforms[static_cast<size_t>(b)], x, y, l, fill, interp);
        for (int64_t c = 0; c < l.channels; ++c) {
          float v = 0;
          for (int i = 0; i < t.n; ++i) v += t.weight[i] * (t.offset[i] >= 0 ? in[at(l, b, t.offset[i], c)] : fill_value);
          out[l.index(b, y, x, c)] = v;
        }
      }
}

void transform_backward(const float* dy, float* dx, const Layout& l, const std::vector<Transform>& transforms,
                        FillMode fill, Interpolation interp) {
  // Scatter: images are independent, so the batch is the parallel axis.
#pragma omp parallel for if (l.batch * l.height * l.width * l.channels > (1 << 16))
  for (int64_t b = 0; b < l.batch; ++b)
    for (int64_t y = 0; y < l.height; ++y)
      for (int64_t x = 0; x < l.width; ++x) {
        const Taps t = transform_taps(transforms[static_cast<size_t>(b)], x, y, l, fill, interp);
        for (int64_t c = 0; c < l.channels; ++c) {
          const float g = dy[l.index(b, y, x, c)];
          for (int i = 0; i < t.n; ++i)
            if (t.offset[i] >= 0) dx[at(l, b, t.offset[i], c)] += t.weight[i] * g;
        }
      }
}

namespace {

// tf.image.resize's source point of output index o (half-pixel centres): bilinear reads floor/ceil of it clamped
// to the image, nearest reads floor((o + 0.5) * scale) clamped.
struct Axis {
  int64_t lo, hi;
  float frac;
};
Axis resize_axis(int64_t o, int64_t in_len, int64_t out_len, Interpolation interp) {
  const float scale = static_cast<float>(in_len) / static_cast<float>(out_len);
  if (interp == Interpolation::kNearest) {
    const int64_t i = std::min(static_cast<int64_t>(std::floor((static_cast<float>(o) + 0.5f) * scale)), in_len - 1);
    return {i, i, 0.0f};
  }
  const float src = (static_cast<float>(o) + 0.5f) * scale - 0.5f;
  const float fl = std::floor(src);
  return {std::max<int64_t>(static_cast<int64_t>(fl), 0),
          std::min<int64_t>(static_cast<int64_t>(std::ceil(src)), in_len - 1), src - fl};
}

template <class F>
void for_each_resize_tap(const Layout& l, int64_t height, int64_t width, Interpolation interp, F f) {
  for (int64_t y = 0; y < height; ++y) {
    const Axis ay = resize_axis(y, l.height, height, interp);
    for (int64_t x = 0; x < width; ++x) {
      const Axis ax = resize_axis(x, l.width, width, interp);
      f(y, x, ay.lo, ax.lo, (1 - ay.frac) * (1 - ax.frac));
      f(y, x, ay.lo, ax.hi, (1 - ay.frac) * ax.frac);
      f(y, x, ay.hi, ax.lo, ay.frac * (1 - ax.frac));
      f(y, x, ay.hi, ax.hi, ay.frac * ax.frac);
    }
  }
}

}  // namespace

void resize_forward(const float* in, float* out, const Layout& l, int64_t height, int64_t width, Interpolation interp) {
  const Layout o = l.resized(height, width);
#pragma omp parallel for if (l.batch * height * width * l.channels > (1 << 16))
  for (int64_t b = 0; b < l.batch; ++b) {
    for (int64_t y = 0; y < height; ++y)
      for (int64_t x = 0; x < width; ++x)
        for (int64_t c = 0; c < l.channels; ++c) out[o.index(b, y, x, c)] = 0.0f;
    for_each_resize_tap(l, height, width, interp, [&](int64_t y, int64_t x, int64_t iy, int64_t ix, float w) {
      for (int64_t c = 0; c < l.channels; ++c) out[o.index(b, y, x, c)] += w * in[l.index(b, iy, ix, c)];
    });
  }
}

void resize_backward(const float* dy, float* dx, const Layout& l, int64_t height, int64_t width, Interpolation interp) {
  const Layout o = l.resized(height, width);
#pragma omp parallel for if (l.batch * height * width * l.channels > (1 << 16))
  for (int64_t b = 0; b < l.batch; ++b)
    for_each_resize_tap(l, height, width, interp, [&](int64_t y, int64_t x, int64_t iy, int64_t ix, float w) {
      for (int64_t c = 0; c < l.channels; ++c) dx[l.index(b, iy, ix, c)] += w * dy[o.index(b, y, x, c)];
    });
}

void window_forward(const float* in, float* out, const Layout& l, const Window& w, float fill_value) {
  const Layout o = l.resized(w.height, w.width);
  for (int64_t b = 0; b < l.batch; ++b)
    for (int64_t y = 0; y < w.height; ++y)
      for (int64_t x = 0; x < w.width; ++x) {
        const int64_t iy = y + w.top, ix = x + w.left;
        const bool inside = iy >= 0 && iy < l.height && ix >= 0 && ix < l.width;
        for (int64_t c = 0; c < l.channels; ++c)
          out[o.index(b, y, x, c)] = inside ? in[l.index(b, iy, ix, c)] : fill_value;
      }
}

void window_backward(const float* dy, float* dx, const Layout& l, const Window& w) {
  const Layout o = l.resized(w.height, w.width);
  for (int64_t b = 0; b < l.batch; ++b)
    for (int64_t y = 0; y < w.height; ++y)
      for (int64_t x = 0; x < w.width; ++x) {
        const int64_t iy = y + w.top, ix = x + w.left;
        if (iy < 0 || iy >= l.height || ix < 0 || ix >= l.width) continue;
        for (int64_t c = 0; c < l.channels; ++c) dx[l.index(b, iy, ix, c)] += dy[o.index(b, y, x, c)];
      }
}

Window crop_window(int64_t height, int64_t width, int64_t target_height, int64_t target_width) {
  const int64_t h = std::clamp<int64_t>(
      static_cast<int64_t>(static_cast<double>(width * target_height) / static_cast<double>(target_width)), 1, height);
  const int64_t w = std::clamp<int64_t>(
      static_cast<int64_t>(static_cast<double>(height * target_width) / static_cast<double>(target_height)), 1, width);
  return {(height - h) / 2, (width - w) / 2, h, w};
}

Window pad_window(int64_t height, int64_t width, int64_t target_height, int64_t target_width) {
  const int64_t ph = std::max<int64_t>(
      height, static_cast<int64_t>(static_cast<double>(width * target_height) / static_cast<double>(target_width)));
  const int64_t pw = std::max<int64_t>(
      width, static_cast<int64_t>(static_cast<double>(height * target_width) / static_cast<double>(target_height)));
  const int64_t top = (ph - height) / 2, left = (pw - width) / 2;  // the same each side; an odd one left out
  return {-top, -left, height + 2 * top, width + 2 * left};
}

}  // namespace keras::layers::image
