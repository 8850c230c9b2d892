// The fused convolution + relu + 2x2 max pooling kernel against a plain double-precision reference: pooled values,
// which input of each window was the maximum, kernel and bias gradients, and the scatter back to the convolution's
// output, over channel counts, filter counts that fill whole, partial and several vectors, kernel shapes and both
// paddings; and the few-channel kernels of a plain convolution (forward, kernel gradient) against the same reference.
#include "backend/conv_pool_fused.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "backend/conv_kernels.hpp"

using namespace keras::backend;

namespace {

struct Reference {
  std::vector<float> y;
  std::vector<unsigned char> record;
  std::vector<double> dkernel, dbias;
  std::vector<float> dz;  // the convolution's output gradient
};

double at_padded(const ConvPoolSpec& s, const std::vector<float>& x, int64_t n, int64_t i, int64_t j, int64_t c) {
  i -= s.pad_top;
  j -= s.pad_left;
  if (i < 0 || j < 0 || i >= s.in_h || j >= s.in_w) return 0.0;
  return x[static_cast<size_t>(((n * s.in_h + i) * s.in_w + j) * s.in_channels + c)];
}

Reference conv_relu_pool_reference(const ConvPoolSpec& s, const std::vector<float>& x, const std::vector<float>& k,
                                   const std::vector<float>& b, const std::vector<float>& dy) {
  const int64_t H = s.conv_h(), W = s.conv_w(), F = s.filters, C = s.in_channels;
  std::vector<double> z(static_cast<size_t>(s.batch * H * W * F));
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t i = 0; i < H; ++i)
      for (int64_t j = 0; j < W; ++j)
        for (int64_t f = 0; f < F; ++f) {
          double a = b[static_cast<size_t>(f)];
          for (int64_t kh = 0; kh < s.kernel_h; ++kh)
            for (int64_t kw = 0; kw < s.kernel_w; ++kw)
              for (int64_t c = 0; c < C; ++c)
                a += at_padded(s, x, n, i + kh, j + kw, c) *
                     k[static_cast<size_t>(((kh * s.kernel_w + kw) * C + c) * F + f)];
          z[static_cast<size_t>(((n * H + i) * W + j) * F + f)] = std::max(a, 0.0);
        }
  Reference r;
  r.dkernel.assign(k.size(), 0.0);
  r.dbias.assign(static_cast<size_t>(F), 0.0);
  r.dz.assign(z.size(), 0.0f);
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t p = 0; p < s.out_h(); ++p)
      for (int64_t q = 0; q < s.out_w(); ++q)
        for (int64_t f = 0; f < F; ++f) {
          double best = -1.0;
          int where = 0;
          for (int w = 0; w < 4; ++w) {
            const double v = z[static_cast<size_t>(((n * H + 2 * p + w / 2) * W + 2 * q + w % 2) * F + f)];
            if (v > best) best = v, where = w;
          }
          if (best <= 0.0) where = 4;
          const auto at = static_cast<size_t>(((n * s.out_h() + p) * s.out_w() + q) * F + f);
          r.y.push_back(static_cast<float>(best));
          r.record.push_back(static_cast<unsigned char>(where));
          if (where == 4) continue;
          const int64_t i = 2 * p + where / 2, j = 2 * q + where % 2;
          r.dz[static_cast<size_t>(((n * H + i) * W + j) * F + f)] = dy[at];
          r.dbias[static_cast<size_t>(f)] += dy[at];
          for (int64_t kh = 0; kh < s.kernel_h; ++kh)
            for (int64_t kw = 0; kw < s.kernel_w; ++kw)
              for (int64_t c = 0; c < C; ++c)
                r.dkernel[static_cast<size_t>(((kh * s.kernel_w + kw) * C + c) * F + f)] +=
                    dy[at] * at_padded(s, x, n, i + kh, j + kw, c);
        }
  return r;
}

// Multiples of 1/8 in [-2, 2): every product and sum below is exact in float, so the maxima, their ties (many,
// with such coarse values) and the relu's zeros are the same as in the double reference.
std::vector<float> eighths(size_t n, unsigned salt) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(static_cast<int>(((i + salt) * 2654435761u) % 32u) - 16) / 8;
  return v;
}

ConvPoolSpec spec(int64_t batch, int64_t h, int64_t w, int64_t c, int64_t f, int64_t kh, int64_t kw, bool same) {
  ConvPoolSpec s;
  s.batch = batch, s.in_h = h, s.in_w = w, s.in_channels = c, s.filters = f, s.kernel_h = kh, s.kernel_w = kw;
  if (same) {
    const ConvDim dh = conv_output_dim(h, kh, 1, 1, "same"), dw = conv_output_dim(w, kw, 1, 1, "same");
    s.pad_top = dh.pad_before, s.pad_bottom = dh.pad_after, s.pad_left = dw.pad_before, s.pad_right = dw.pad_after;
  }
  return s;
}

}  // namespace

TEST(ConvPoolFused, MatchesTheReference) {
  const ConvPoolSpec specs[] = {
      spec(3, 10, 10, 1, 32, 3, 3, false),  // the benchmark's first block, smaller
      spec(2, 9, 11, 3, 16, 3, 3, false),   // RGB, odd sizes: the last row and column are not pooled
      spec(2, 8, 9, 4, 40, 5, 5, true),     // partial vector, "same" padding, 100 taps (several tap groups)
      spec(1, 7, 6, 2, 80, 3, 2, true),     // two filter groups in forward, three in backward
      spec(4, 5, 5, 1, 7, 1, 1, false),     // fewer filters than a vector, 1x1 kernel
      spec(1, 12, 12, 1, 64, 7, 7, false),  // the largest kernel
  };
  int64_t relu_zero_windows = 0;
  for (const ConvPoolSpec& s : specs) {
    const std::string name = std::to_string(s.in_channels) + "->" + std::to_string(s.filters) + " " +
                             std::to_string(s.kernel_h) + "x" + std::to_string(s.kernel_w) +
                             (s.pad_top + s.pad_left > 0 ? " same" : " valid");
    if (!conv_pool_fusable(s)) GTEST_SKIP() << "this CPU has no AVX-512: the layers run unfused";
    const auto xs = static_cast<size_t>(s.batch * s.in_h * s.in_w * s.in_channels);
    const auto ks = static_cast<size_t>(s.kernel_h * s.kernel_w * s.in_channels * s.filters);
    const auto ys = static_cast<size_t>(s.batch * s.out_h() * s.out_w() * s.filters);
    const std::vector<float> x = eighths(xs, 1), k = eighths(ks, 2), b = eighths(static_cast<size_t>(s.filters), 3);
    std::vector<float> dy(ys);
    for (size_t i = 0; i < ys; ++i) dy[i] = std::sin(0.37f * static_cast<float>(i));
    const Reference r = conv_relu_pool_reference(s, x, k, b, dy);

    std::vector<float> y(ys);
    std::vector<unsigned char> record(conv_pool_record_bytes(s));
    conv_relu_maxpool_forward(s, x.data(), k.data(), b.data(), y.data(), record.data());
    EXPECT_EQ(y, r.y) << name;
    EXPECT_EQ(record, r.record) << name;
    relu_zero_windows += std::count(record.begin(), record.end(), 4);
    std::vector<float> y2(ys);
    conv_relu_maxpool_forward(s, x.data(), k.data(), b.data(), y2.data(), nullptr);  // inference: no record
    EXPECT_EQ(y2, r.y) << name;

    // Gradients accumulate into what is there.
    std::vector<float> dk(ks, 1.0f), db(static_cast<size_t>(s.filters), 1.0f);
    conv_relu_maxpool_backward(s, x.data(), record.data(), dy.data(), dk.data(), db.data());
    for (size_t i = 0; i < ks; ++i)
      ASSERT_NEAR(dk[i], r.dkernel[i] + 1.0, 1e-5 * (1 + std::fabs(r.dkernel[i]))) << name << " kernel " << i;
    for (size_t i = 0; i < db.size(); ++i)
      ASSERT_NEAR(db[i], r.dbias[i] + 1.0, 1e-5 * (1 + std::fabs(r.dbias[i]))) << name << " bias " << i;
    std::vector<float> only_bias(static_cast<size_t>(s.filters), 0.0f);
    conv_relu_maxpool_backward(s, x.data(), record.data(), dy.data(), nullptr, only_bias.data());
    for (size_t i = 0; i < db.size(); ++i)
      ASSERT_NEAR(only_bias[i], r.dbias[i], 1e-5 * (1 + std::fabs(r.dbias[i]))) << name << " bias alone " << i;

    std::vector<float> dz(r.dz.size(), 7.0f);
    conv_relu_maxpool_scatter(s, record.data(), dy.data(), dz.data());
    EXPECT_EQ(dz, r.dz) << name;
  }
  EXPECT_GT(relu_zero_windows, 0);  // windows whose maximum is a relu zero take no gradient
}

TEST(ConvPoolFused, OnlySpecsTheKernelTakes) {
  ConvPoolSpec s = spec(2, 8, 8, 1, 32, 3, 3, false);
  const bool avx512 = conv_pool_fusable(s);
  s.in_channels = 5;  // more input channels: the unfused convolution is efficient there
  EXPECT_FALSE(conv_pool_fusable(s));
  s = spec(2, 12, 12, 1, 32, 8, 3, false);  // an 8-row kernel
  EXPECT_FALSE(conv_pool_fusable(s));
  s = spec(2, 3, 3, 1, 32, 3, 3, false);  // a 1x1 convolution output leaves nothing to pool
  EXPECT_FALSE(conv_pool_fusable(s));
  s = spec(2, 8, 8, 1, 32, 3, 3, false);
  set_conv_pool_fusion(false);
  EXPECT_FALSE(conv_pool_fusable(s));
  set_conv_pool_fusion(true);
  EXPECT_EQ(conv_pool_fusable(s), avx512);
}

TEST(ConvPoolFused, PlainConvolutionKernelGradientMatchesTheReference) {
  // conv_backward_weights_few_channels: every output position's gradient, no pooling. Inputs and gradients are
  // multiples of 1/8, so every sum is exact and the result must equal the reference exactly, whatever the order.
  const ConvPoolSpec specs[] = {
      spec(3, 10, 10, 1, 32, 3, 3, false),  // the cnn_bn benchmark's first convolution, smaller
      spec(2, 9, 11, 3, 16, 3, 3, true),    // RGB, "same"
      spec(2, 8, 9, 4, 40, 5, 5, true),     // partial vector, several tap groups
      spec(1, 7, 6, 2, 80, 3, 2, false),    // three filter groups
      spec(4, 5, 5, 1, 7, 1, 1, false),     // fewer filters than a vector, 1x1 kernel
      spec(2, 3, 3, 1, 32, 3, 3, false),    // a 1x1 output (nothing to pool, still a convolution)
  };
  for (const ConvPoolSpec& s : specs) {
    const std::string name = std::to_string(s.in_channels) + "->" + std::to_string(s.filters) + " " +
                             std::to_string(s.kernel_h) + "x" + std::to_string(s.kernel_w);
    if (!conv_few_channels(s)) GTEST_SKIP() << "this CPU has no AVX-512: oneDNN computes these gradients";
    const int64_t H = s.conv_h(), W = s.conv_w(), F = s.filters, C = s.in_channels;
    const auto xs = static_cast<size_t>(s.batch * s.in_h * s.in_w * C);
    const auto ks = static_cast<size_t>(s.kernel_h * s.kernel_w * C * F);
    const std::vector<float> x = eighths(xs, 5), dy = eighths(static_cast<size_t>(s.batch * H * W * F), 6);
    std::vector<double> want_k(ks, 1.0), want_b(static_cast<size_t>(F), 1.0);  // added to what is there
    for (int64_t n = 0; n < s.batch; ++n)
      for (int64_t i = 0; i < H; ++i)
        for (int64_t j = 0; j < W; ++j)
          for (int64_t f = 0; f < F; ++f) {
            const double g = dy[static_cast<size_t>(((n * H + i) * W + j) * F + f)];
            want_b[static_cast<size_t>(f)] += g;
            for (int64_t kh = 0; kh < s.kernel_h; ++kh)
              for (int64_t kw = 0; kw < s.kernel_w; ++kw)
                for (int64_t c = 0; c < C; ++c)
                  want_k[static_cast<size_t>(((kh * s.kernel_w + kw) * C + c) * F + f)] +=
                      g * at_padded(s, x, n, i + kh, j + kw, c);
          }
    std::vector<float> dk(ks, 1.0f), db(static_cast<size_t>(F), 1.0f);
    conv_backward_weights_few_channels(s, x.data(), dy.data(), dk.data(), db.data());
    EXPECT_EQ(dk, std::vector<float>(want_k.begin(), want_k.end())) << name;
    EXPECT_EQ(db, std::vector<float>(want_b.begin(), want_b.end())) << name;
    std::vector<float> only_kernel(ks, 1.0f);
    conv_backward_weights_few_channels(s, x.data(), dy.data(), only_kernel.data(), nullptr);
    EXPECT_EQ(only_kernel, dk) << name;
  }
  ConvPoolSpec five = spec(2, 8, 8, 5, 32, 3, 3, false);  // more input channels: oneDNN's kernels are efficient
  EXPECT_FALSE(conv_few_channels(five));
}

TEST(ConvPoolFused, PlainConvolutionForwardMatchesTheReference) {
  // conv_forward_few_channels: every output position, no pooling, with and without bias and relu. Inputs and weights
  // are multiples of 1/8, so every sum is exact and the result must equal the reference exactly.
  const ConvPoolSpec specs[] = {
      spec(3, 10, 10, 1, 32, 3, 3, false),  // the cnn_bn benchmark's first convolution, smaller
      spec(2, 9, 11, 3, 16, 3, 3, true),    // RGB, "same": 11 columns, one whole block of pixels and 3 alone
      spec(2, 8, 9, 4, 40, 5, 5, true),     // a partial vector, 100 taps
      spec(1, 7, 19, 2, 80, 3, 2, false),   // two filter groups (64 + 16)
      spec(4, 5, 5, 1, 7, 1, 1, false),     // fewer filters than a vector, 1x1 kernel
      spec(2, 3, 3, 1, 32, 3, 3, false),    // a 1x1 output
      spec(1, 12, 12, 1, 64, 7, 7, false),  // four vectors, the largest kernel
  };
  for (const ConvPoolSpec& s : specs)
    for (const bool with_bias : {true, false})
      for (const bool with_relu : {false, true}) {
        const std::string name = std::to_string(s.in_channels) + "->" + std::to_string(s.filters) + " " +
                                 std::to_string(s.kernel_h) + "x" + std::to_string(s.kernel_w) +
                                 (with_bias ? " bias" : "") + (with_relu ? " relu" : "");
        if (!conv_few_channels(s)) GTEST_SKIP() << "this CPU has no AVX-512: oneDNN runs these convolutions";
        const int64_t H = s.conv_h(), W = s.conv_w(), F = s.filters, C = s.in_channels;
        const std::vector<float> x = eighths(static_cast<size_t>(s.batch * s.in_h * s.in_w * C), 7);
        const std::vector<float> k = eighths(static_cast<size_t>(s.kernel_h * s.kernel_w * C * F), 8);
        const std::vector<float> b = eighths(static_cast<size_t>(F), 9);
        std::vector<float> want;
        for (int64_t n = 0; n < s.batch; ++n)
          for (int64_t i = 0; i < H; ++i)
            for (int64_t j = 0; j < W; ++j)
              for (int64_t f = 0; f < F; ++f) {
                double a = with_bias ? b[static_cast<size_t>(f)] : 0.0;
                for (int64_t kh = 0; kh < s.kernel_h; ++kh)
                  for (int64_t kw = 0; kw < s.kernel_w; ++kw)
                    for (int64_t c = 0; c < C; ++c)
                      a += at_padded(s, x, n, i + kh, j + kw, c) *
                           k[static_cast<size_t>(((kh * s.kernel_w + kw) * C + c) * F + f)];
                want.push_back(static_cast<float>(with_relu ? std::max(a, 0.0) : a));
              }
        std::vector<float> y(want.size(), 7.0f);
        conv_forward_few_channels(s, x.data(), k.data(), with_bias ? b.data() : nullptr, with_relu, y.data());
        EXPECT_EQ(y, want) << name;
        if (!with_relu) {
          EXPECT_TRUE(std::any_of(y.begin(), y.end(), [](float v) { return v < 0; })) << name;
        }
      }
}
