#pragma once
// Naive reference pooling for the pooling tests: straightforward loops over every output and window position,
// TensorFlow's "same" (the smaller half of the padding first, padded positions ignored).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "keras/core/tensor.hpp"
#include "keras/random/random.hpp"

namespace pooling_reference {

struct Layout {
  int64_t n, c, h, w;
  bool channels_first;
  int64_t index(int64_t b, int64_t y, int64_t x, int64_t ch) const {
    return channels_first ? ((b * c + ch) * h + y) * w + x : ((b * h + y) * w + x) * c + ch;
  }
};

// dims 1: x is (n, steps, c) or (n, c, steps); dims 2: (n, h, w, c) or (n, c, h, w).
inline Layout layout_of(const keras::Tensor& x, int dims, bool channels_first) {
  const auto& d = x.dims();
  Layout l{d[0], channels_first ? d[1] : d.back(), 1, 1, channels_first};
  const size_t first = channels_first ? 2 : 1;
  if (dims == 2) {
    l.h = d[first];
    l.w = d[first + 1];
  } else {
    l.w = d[first];
  }
  return l;
}

inline keras::Tensor pool(const keras::Tensor& x, int dims, std::vector<int64_t> pool, std::vector<int64_t> strides,
                          bool same, bool channels_first, bool max) {
  const Layout in = layout_of(x, dims, channels_first);
  if (dims == 1) {
    pool.insert(pool.begin(), 1);
    strides.insert(strides.begin(), 1);
  }
  auto out_size = [&](int64_t n, int64_t k, int64_t s) { return same ? (n + s - 1) / s : (n - k) / s + 1; };
  const int64_t oh = out_size(in.h, pool[0], strides[0]), ow = out_size(in.w, pool[1], strides[1]);
  const int64_t pt = same ? std::max<int64_t>((oh - 1) * strides[0] + pool[0] - in.h, 0) / 2 : 0;
  const int64_t pl = same ? std::max<int64_t>((ow - 1) * strides[1] + pool[1] - in.w, 0) / 2 : 0;
  std::vector<int64_t> od = x.dims();
  const size_t first = channels_first ? 2 : 1;
  if (dims == 2) {
    od[first] = oh;
    od[first + 1] = ow;
  } else {
    od[first] = ow;
  }
  keras::Tensor y = keras::Tensor::zeros(od);
  const Layout out{in.n, in.c, oh, ow, channels_first};
  for (int64_t b = 0; b < in.n; ++b)
    for (int64_t ch = 0; ch < in.c; ++ch)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
          int64_t count = 0;
          for (int64_t a = 0; a < pool[0]; ++a)
            for (int64_t e = 0; e < pool[1]; ++e) {
              const int64_t yy = i * strides[0] - pt + a, xx = j * strides[1] - pl + e;
              if (yy < 0 || yy >= in.h || xx < 0 || xx >= in.w) continue;
              const double v = x.data()[in.index(b, yy, xx, ch)];
              acc = max ? std::max(acc, v) : acc + v;
              ++count;
            }
          y.data()[out.index(b, i, j, ch)] = static_cast<float>(max ? acc : acc / static_cast<double>(count));
        }
  return y;
}

}  // namespace pooling_reference

namespace pooling_reference {

// Values at least 0.05 apart in a random order: max pooling's finite differences (steps of 1e-3) never cross a tie.
inline keras::Tensor distinct_values(const std::vector<int64_t>& shape) {
  keras::Tensor x = keras::Tensor::empty(shape);
  const std::vector<int64_t> order = keras::random::permutation(x.size());
  for (int64_t i = 0; i < x.size(); ++i)
    x.data()[i] = 0.05f * static_cast<float>(order[static_cast<size_t>(i)] - x.size() / 2);
  return x;
}

// The naive mean over the spatial axes, in double: x is (n, spatial..., c) or (n, c, spatial...); the result (n, c).
inline keras::Tensor global_average(const keras::Tensor& x, bool channels_first) {
  const auto& d = x.dims();
  const int64_t n = d[0], c = channels_first ? d[1] : d.back(), s = x.size() / (n * c);
  keras::Tensor y = keras::Tensor::zeros({n, c});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      double acc = 0.0;
      for (int64_t i = 0; i < s; ++i) acc += x.data()[channels_first ? (b * c + ch) * s + i : (b * s + i) * c + ch];
      y.data()[b * c + ch] = static_cast<float>(acc / static_cast<double>(s));
    }
  return y;
}

// The naive maximum over the spatial axes: x is (n, spatial..., c) or (n, c, spatial...); the result (n, c).
inline keras::Tensor global_max(const keras::Tensor& x, bool channels_first) {
  const auto& d = x.dims();
  const int64_t n = d[0], c = channels_first ? d[1] : d.back(), s = x.size() / (n * c);
  keras::Tensor y = keras::Tensor::zeros({n, c});
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      double acc = -std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < s; ++i)
        acc = std::max<double>(acc, x.data()[channels_first ? (b * c + ch) * s + i : (b * s + i) * c + ch]);
      y.data()[b * c + ch] = static_cast<float>(acc);
    }
  return y;
}

}  // namespace pooling_reference
