#pragma once
// A naive convolution written from Keras's definition, for checking the kernels: plain loops in double precision,
// channels_last inputs (N, *spatial, C), Keras kernels (*k, C / groups, F), Keras's padding rules (re-derived here,
// not taken from the library).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "keras/core/tensor.hpp"

namespace conv_test {

using keras::Tensor;

// Keras's output size for one spatial axis (operation_utils.compute_conv_output_shape).
inline int64_t keras_out_size(int64_t n, int64_t k, int64_t s, int64_t d, const std::string& padding) {
  if (padding == "valid") return static_cast<int64_t>(std::floor(static_cast<double>(n - d * (k - 1) - 1) / s)) + 1;
  return static_cast<int64_t>(std::floor(static_cast<double>(n - 1) / s)) + 1;  // same, causal
}

// Padding before the first element (TensorFlow's "same": the odd element goes at the end; "causal": all before).
inline int64_t keras_pad_before(int64_t n, int64_t k, int64_t s, int64_t d, const std::string& padding) {
  if (padding == "valid") return 0;
  if (padding == "causal") return d * (k - 1);
  int64_t out = keras_out_size(n, k, s, d, padding);
  int64_t total = std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - n, 0);
  return total / 2;
}

struct RefParams {
  std::vector<int64_t> strides, dilation;  // one per spatial axis
  std::string padding = "valid";
  int64_t groups = 1;
};

// y = conv(x, w) + b (b may be undefined), channels_last.
inline Tensor reference_conv(const Tensor& x, const Tensor& w, const Tensor& b, const RefParams& p) {
  const int rank = x.ndim() - 2;
  const int off = 3 - rank;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, st[3] = {1, 1, 1}, dl[3] = {1, 1, 1},
          pb[3] = {0, 0, 0};
  for (int i = 0; i < rank; ++i) {
    in[off + i] = x.dims()[static_cast<size_t>(1 + i)];
    k[off + i] = w.dims()[static_cast<size_t>(i)];
    st[off + i] = p.strides[static_cast<size_t>(i)];
    dl[off + i] = p.dilation[static_cast<size_t>(i)];
    out[off + i] = keras_out_size(in[off + i], k[off + i], st[off + i], dl[off + i], p.padding);
    pb[off + i] = keras_pad_before(in[off + i], k[off + i], st[off + i], dl[off + i], p.padding);
  }
  const int64_t N = x.dims()[0], C = x.dims().back(), F = w.dims().back(), G = p.groups, cg = C / G, fg = F / G;
  std::vector<int64_t> ydims{N};
  for (int i = 0; i < rank; ++i) ydims.push_back(out[off + i]);
  ydims.push_back(F);
  Tensor y = Tensor::zeros(ydims);
  const float* xp = x.data();
  const float* wp = w.data();
  float* yp = y.data();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t od = 0; od < out[0]; ++od)
      for (int64_t oh = 0; oh < out[1]; ++oh)
        for (int64_t ow = 0; ow < out[2]; ++ow)
          for (int64_t f = 0; f < F; ++f) {
            const int64_t g = f / fg;
            double acc = b.defined() ? b.data()[f] : 0.0;
            for (int64_t kd = 0; kd < k[0]; ++kd)
              for (int64_t kh = 0; kh < k[1]; ++kh)
                for (int64_t kw = 0; kw < k[2]; ++kw) {
                  const int64_t id = od * st[0] - pb[0] + kd * dl[0];
                  const int64_t ih = oh * st[1] - pb[1] + kh * dl[1];
                  const int64_t iw = ow * st[2] - pb[2] + kw * dl[2];
                  if (id < 0 || id >= in[0] || ih < 0 || ih >= in[1] || iw < 0 || iw >= in[2]) continue;
                  for (int64_t ci = 0; ci < cg; ++ci) {
                    const double xv = xp[(((n * in[0] + id) * in[1] + ih) * in[2] + iw) * C + g * cg + ci];
                    const double wv = wp[(((kd * k[1] + kh) * k[2] + kw) * cg + ci) * F + f];
                    acc += xv * wv;
                  }
                }
            yp[(((n * out[0] + od) * out[1] + oh) * out[2] + ow) * F + f] = static_cast<float>(acc);
          }
  return y;
}

// (N, *spatial, C) <-> (N, C, *spatial).
inline Tensor to_channels_first(const Tensor& x) {
  const auto& d = x.dims();
  const int64_t N = d[0], C = d.back();
  int64_t pix = 1;
  for (size_t i = 1; i + 1 < d.size(); ++i) pix *= d[i];
  std::vector<int64_t> nd{N, C};
  nd.insert(nd.end(), d.begin() + 1, d.end() - 1);
  Tensor y = Tensor::empty(nd);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t p = 0; p < pix; ++p)
      for (int64_t c = 0; c < C; ++c) y.data()[(n * C + c) * pix + p] = x.data()[(n * pix + p) * C + c];
  return y;
}
inline Tensor to_channels_last(const Tensor& x) {
  const auto& d = x.dims();
  const int64_t N = d[0], C = d[1];
  int64_t pix = 1;
  for (size_t i = 2; i < d.size(); ++i) pix *= d[i];
  std::vector<int64_t> nd{N};
  nd.insert(nd.end(), d.begin() + 2, d.end());
  nd.push_back(C);
  Tensor y = Tensor::empty(nd);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t p = 0; p < pix; ++p)
      for (int64_t c = 0; c < C; ++c) y.data()[(n * pix + p) * C + c] = x.data()[(n * C + c) * pix + p];
  return y;
}

}  // namespace conv_test
