#pragma once
// A naive transposed convolution written from TensorFlow's definition (the input gradient of a convolution), for
// checking Conv*DTranspose: each input pixel scatters x * kernel into the output window it came from. Plain loops in
// double precision, channels_last, Keras kernels (*k, filters, C). The output size and padding are re-derived from
// Keras's compute_conv_transpose_output_length and TensorFlow's "same" rule.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "keras/core/tensor.hpp"

namespace conv_test {

inline int64_t keras_transpose_out_size(int64_t n, int64_t k, int64_t s, int64_t d, const std::string& padding,
                                        std::optional<int64_t> output_padding) {
  const int64_t ke = d * (k - 1) + 1;
  if (!output_padding) return padding == "valid" ? n * s + std::max<int64_t>(ke - s, 0) : n * s;
  const int64_t pad = padding == "same" ? ke / 2 : 0;
  return (n - 1) * s + ke - 2 * pad + *output_padding;
}

// y = conv_transpose(x, w) + b, rank 1 to 3, with per-axis strides, dilation and output padding.
inline keras::Tensor reference_conv_transpose(const keras::Tensor& x, const keras::Tensor& w, const keras::Tensor& b,
                                              const std::vector<int64_t>& strides,
                                              const std::vector<int64_t>& dilation, const std::string& padding,
                                              const std::vector<int64_t>& output_padding = {}) {
  const int rank = x.ndim() - 2, off = 3 - rank;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, st[3] = {1, 1, 1}, dl[3] = {1, 1, 1},
          pb[3] = {0, 0, 0};
  for (int i = 0; i < rank; ++i) {
    const auto u = static_cast<size_t>(i);
    in[off + i] = x.dims()[u + 1];
    k[off + i] = w.dims()[u];
    st[off + i] = strides[u];
    dl[off + i] = dilation[u];
    std::optional<int64_t> op;
    if (!output_padding.empty()) op = output_padding[u];
    out[off + i] = keras_transpose_out_size(in[off + i], k[off + i], st[off + i], dl[off + i], padding, op);
    const int64_t ke = dl[off + i] * (k[off + i] - 1) + 1;
    const int64_t total = padding == "same" ? std::max<int64_t>((in[off + i] - 1) * st[off + i] + ke - out[off + i], 0)
                                            : 0;
    pb[off + i] = total / 2;
  }
  const int64_t N = x.dims()[0], C = x.dims().back(), F = w.dims()[static_cast<size_t>(rank)];
  std::vector<int64_t> ydims{N};
  for (int i = 0; i < rank; ++i) ydims.push_back(out[off + i]);
  ydims.push_back(F);
  std::vector<double> acc(static_cast<size_t>(keras::Tensor::zeros(ydims).size()), 0.0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t id = 0; id < in[0]; ++id)
      for (int64_t ih = 0; ih < in[1]; ++ih)
        for (int64_t iw = 0; iw < in[2]; ++iw)
          for (int64_t kd = 0; kd < k[0]; ++kd)
            for (int64_t kh = 0; kh < k[1]; ++kh)
              for (int64_t kw = 0; kw < k[2]; ++kw) {
                const int64_t od = id * st[0] - pb[0] + kd * dl[0], oh = ih * st[1] - pb[1] + kh * dl[1],
                              ow = iw * st[2] - pb[2] + kw * dl[2];
                if (od < 0 || od >= out[0] || oh < 0 || oh >= out[1] || ow < 0 || ow >= out[2]) continue;
                for (int64_t f = 0; f < F; ++f)
                  for (int64_t c = 0; c < C; ++c)
                    acc[static_cast<size_t>((((n * out[0] + od) * out[1] + oh) * out[2] + ow) * F + f)] +=
                        double(x.data()[(((n * in[0] + id) * in[1] + ih) * in[2] + iw) * C + c]) *
                        w.data()[(((kd * k[1] + kh) * k[2] + kw) * F + f) * C + c];
              }
  keras::Tensor y = keras::Tensor::empty(ydims);
  for (int64_t i = 0; i < y.size(); ++i)
    y.data()[i] = static_cast<float>(acc[static_cast<size_t>(i)] + (b.defined() ? b.data()[i % F] : 0.0f));
  return y;
}

}  // namespace conv_test
