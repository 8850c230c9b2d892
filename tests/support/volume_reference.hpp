#pragma once
// Naive zero padding and cropping of 5-D volumes, one element at a time: the reference for ZeroPadding3D and
// Cropping3D.
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::test_support {

// (before, after) per spatial axis: added when positive, removed when negative.
using VolumeAmounts = std::array<std::pair<int64_t, int64_t>, 3>;

// x (n, d1, d2, d3, c), or (n, c, d1, d2, d3) with channels_first, with each spatial axis grown or shrunk at both
// ends; new elements are zero.
inline Tensor naive_pad_volume(const Tensor& x, const VolumeAmounts& amounts, bool channels_first) {
  const auto& d = x.dims();
  const size_t first = channels_first ? 2 : 1;
  const int64_t n = d[0], c = channels_first ? d[1] : d[4];
  std::array<int64_t, 3> in{}, out{};
  for (size_t a = 0; a < 3; ++a) {
    in[a] = d[first + a];
    out[a] = in[a] + amounts[a].first + amounts[a].second;
  }
  Tensor y = Tensor::zeros(channels_first ? std::vector<int64_t>{n, c, out[0], out[1], out[2]}
                                          : std::vector<int64_t>{n, out[0], out[1], out[2], c});
  auto inside = [&](size_t a, int64_t i) { return i >= 0 && i < in[a]; };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < out[0]; ++i)
      for (int64_t j = 0; j < out[1]; ++j)
        for (int64_t k = 0; k < out[2]; ++k) {
          const int64_t si = i - amounts[0].first, sj = j - amounts[1].first, sk = k - amounts[2].first;
          if (!inside(0, si) || !inside(1, sj) || !inside(2, sk)) continue;
          for (int64_t ch = 0; ch < c; ++ch) {
            if (channels_first) y.at({b, ch, i, j, k}) = x.at({b, ch, si, sj, sk});
            else y.at({b, i, j, k, ch}) = x.at({b, si, sj, sk, ch});
          }
        }
  return y;
}

}  // namespace keras::test_support
