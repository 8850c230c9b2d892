#pragma once
// The pattern of every unary op in keras::ops: y = f(x) elementwise, recorded with dy * f'(x, y).
#include <cstdint>
#include <vector>

#include "keras/core/tensor.hpp"
#include "ops/tape.hpp"

namespace keras::ops::detail {

template <class F>
Tensor map_values(const Tensor& x, F f) {
  Tensor y = Tensor::empty(x.dims());
  const float* px = x.data();
  float* py = y.data();
  for (int64_t i = 0, n = x.size(); i < n; ++i) py[i] = f(px[i]);
  return y;
}

// f(x) computes a value; df(x, y) its derivative at x, given y = f(x) (cheaper for exp, tanh, sigmoid).
template <class F, class DF>
Tensor elementwise(const Tensor& x, F f, DF df) {
  Tensor y = map_values(x, f);
  if (!recording(x)) return y;
  return recorded({x}, y, [x, y, df](const Tensor& dy) {
    Tensor dx = Tensor::empty(x.dims());
    const float *px = x.data(), *py = y.data(), *pg = dy.data();
    float* pd = dx.data();
    for (int64_t i = 0, n = x.size(); i < n; ++i) pd[i] = pg[i] * df(px[i], py[i]);
    return std::vector<Tensor>{dx};
  });
}

// out[i] = op over the elements of x that broadcasting `kept` to x's dims maps to i, starting from init. kept has
// x's rank, with 1 on the reduced axes (numpy's keepdims result).
template <class Op>
Tensor reduce_kept(const Tensor& x, const std::vector<int64_t>& kept, float init, Op op) {
  Tensor out = Tensor::full(kept, init);
  const std::vector<int64_t>& d = x.dims();
  std::vector<int64_t> strides(d.size(), 0);
  for (int64_t i = static_cast<int64_t>(d.size()) - 1, s = 1; i >= 0; --i) {
    const auto k = static_cast<size_t>(i);
    strides[k] = kept[k] == 1 ? 0 : s;
    s *= kept[k];
  }
  std::vector<int64_t> idx(d.size(), 0);
  const float* px = x.data();
  float* po = out.data();
  for (int64_t n = 0; n < x.size(); ++n) {
    int64_t o = 0;
    for (size_t k = 0; k < d.size(); ++k) o += idx[k] * strides[k];
    po[o] = op(po[o], px[n]);
    for (size_t k = d.size(); k-- > 0;) {
      if (++idx[k] < d[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

// A negative axis counted from the end, checked against the rank as numpy does.
int normalize_axis(int axis, int ndim);

}  // namespace keras::ops::detail
