#pragma once
// Naive reference pooling for the 3-D pooling tests, in the manner of pooling_reference.hpp: straightforward loops
// over every output and window position, TensorFlow's "same" (the smaller half of the padding first, padded positions
// ignored).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "keras/keras.hpp"

namespace pooling3d_reference {

// (n, d, h, w, c) or (n, c, d, h, w).
struct Layout {
  int64_t n, c;
  std::array<int64_t, 3> size;
  bool channels_first;
  int64_t index(int64_t b, const std::array<int64_t, 3>& at, int64_t ch) const {
    const int64_t volume = size[0] * size[1] * size[2], spatial = (at[0] * size[1] + at[1]) * size[2] + at[2];
    return channels_first ? (b * c + ch) * volume + spatial : (b * volume + spatial) * c + ch;
  }
};

inline Layout layout_of(const std::vector<int64_t>& d, bool channels_first) {
  const size_t first = channels_first ? 2 : 1;
  return {d[0], channels_first ? d[1] : d[4], {d[first], d[first + 1], d[first + 2]}, channels_first};
}

inline keras::Tensor pool(const keras::Tensor& x, const std::array<int64_t, 3>& pool,
                          const std::array<int64_t, 3>& strides, bool same, bool channels_first, bool max) {
  const Layout in = layout_of(x.dims(), channels_first);
  Layout out = in;
  std::array<int64_t, 3> pad{};
  for (size_t a = 0; a < 3; ++a) {
    out.size[a] = same ? (in.size[a] + strides[a] - 1) / strides[a] : (in.size[a] - pool[a]) / strides[a] + 1;
    pad[a] = same ? std::max<int64_t>((out.size[a] - 1) * strides[a] + pool[a] - in.size[a], 0) / 2 : 0;
  }
  std::vector<int64_t> od = x.dims();
  const size_t first = channels_first ? 2 : 1;
  for (size_t a = 0; a < 3; ++a) od[first + a] = out.size[a];
  keras::Tensor y = keras::Tensor::zeros(od);
  std::array<int64_t, 3> o{}, k{}, at{};
  for (int64_t b = 0; b < in.n; ++b)
    for (int64_t ch = 0; ch < in.c; ++ch)
      for (o[0] = 0; o[0] < out.size[0]; ++o[0])
        for (o[1] = 0; o[1] < out.size[1]; ++o[1])
          for (o[2] = 0; o[2] < out.size[2]; ++o[2]) {
            double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
            int64_t count = 0;
            for (k[0] = 0; k[0] < pool[0]; ++k[0])
              for (k[1] = 0; k[1] < pool[1]; ++k[1])
                for (k[2] = 0; k[2] < pool[2]; ++k[2]) {
                  bool inside = true;
                  for (size_t a = 0; a < 3; ++a) {
                    at[a] = o[a] * strides[a] - pad[a] + k[a];
                    inside = inside && at[a] >= 0 && at[a] < in.size[a];
                  }
                  if (!inside) continue;
                  const double v = x.data()[in.index(b, at, ch)];
                  acc = max ? std::max(acc, v) : acc + v;
                  ++count;
                }
            y.data()[out.index(b, o, ch)] = static_cast<float>(max ? acc : acc / static_cast<double>(count));
          }
  return y;
}

// The maximum or mean over all three spatial axes: (n, c).
inline keras::Tensor global_pool(const keras::Tensor& x, bool channels_first, bool max) {
  const Layout in = layout_of(x.dims(), channels_first);
  const std::array<int64_t, 3> whole = in.size;
  return pool(x, whole, whole, false, channels_first, max).reshape({in.n, in.c});
}

}  // namespace pooling3d_reference
