#include "layers/reshaping/reshaping_utils.hpp"

namespace keras::layers::detail {

Tensor transpose(const Tensor& x, const std::vector<int>& axes) {
  const int nd = x.ndim();
  const std::vector<int64_t>& in = x.dims();
  std::vector<int64_t> in_strides(static_cast<size_t>(nd), 1);
  for (int i = nd - 2; i >= 0; --i)
    in_strides[static_cast<size_t>(i)] = in_strides[static_cast<size_t>(i + 1)] * in[static_cast<size_t>(i + 1)];
  std::vector<int64_t> out_dims(static_cast<size_t>(nd)), strides(static_cast<size_t>(nd));
  for (int i = 0; i < nd; ++i) {
    out_dims[static_cast<size_t>(i)] = in[static_cast<size_t>(axes[static_cast<size_t>(i)])];
    strides[static_cast<size_t>(i)] = in_strides[static_cast<size_t>(axes[static_cast<size_t>(i)])];
  }
  Tensor out = Tensor::empty(out_dims);
  const int64_t n = out.size();
  if (n == 0) return out;
  const float* src = x.data();
  float* dst = out.data();
  if (nd == 0) {
    dst[0] = src[0];
    return out;
  }
  // Output rows (all axes but the last) are independent: each starts at an input offset found by decomposing the
  // row index, then walks the input with the stride of the output's last axis.
  const int64_t cols = out_dims.back();
  const int64_t inner_stride = strides.back();
  const int64_t rows = n / cols;
#pragma omp parallel for if (n > (1 << 16))
  for (int64_t r = 0; r < rows; ++r) {
    int64_t rem = r, offset = 0;
    for (int a = nd - 2; a >= 0; --a) {
      const int64_t d = out_dims[static_cast<size_t>(a)];
      offset += (rem % d) * strides[static_cast<size_t>(a)];
      rem /= d;
    }
    const float* s = src + offset;
    float* o = dst + r * cols;
    if (inner_stride == 1) {
      for (int64_t c = 0; c < cols; ++c) o[c] = s[c];
    } else {
      for (int64_t c = 0; c < cols; ++c) o[c] = s[c * inner_stride];
    }
  }
  return out;
}

std::vector<int> inverse_permutation(const std::vector<int>& axes) {
  std::vector<int> inv(axes.size());
  for (size_t i = 0; i < axes.size(); ++i) inv[static_cast<size_t>(axes[i])] = static_cast<int>(i);
  return inv;
}

std::string int_tuple(const std::vector<int64_t>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  if (values.size() == 1) out += ",";
  return out + ")";
}

std::string int_braces(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  return out + "}";
}

}  // namespace keras::layers::detail
