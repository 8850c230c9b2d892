// Convolution passes of the benchmark's cnn, in each layout oneDNN can run them: keraspp's channels_last ("plain")
// against oneDNN's blocked layouts with reorders at the edges ("blocked"), and im2col + sgemm for the data gradient.
// Each pass (forward with relu, backward weights, backward data) is timed alone; the minimum over repeats is
// reported, the least disturbed by other processes.
//   conv_kernels [--repeats 100]
#include <keras/keras.hpp>

#include <cstdio>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "backend/conv_kernels.hpp"
#include "min_time.hpp"

using namespace keras;
using backend::ConvLayoutPolicy;

namespace {

backend::ConvSpec spec_of(int64_t batch, int64_t size, int64_t in_channels, int64_t filters) {
  backend::ConvSpec s;
  s.batch = batch;
  s.in_channels = in_channels;
  s.filters = filters;
  s.in_size = {size, size};
  s.out_size = {size - 2, size - 2};
  s.kernel = {3, 3};
  s.strides = {1, 1};
  s.dilation = {1, 1};
  s.pad_before = {0, 0};
  s.pad_after = {0, 0};
  return s;
}

std::vector<float> filled(int64_t n, unsigned salt) {
  std::vector<float> v(static_cast<size_t>(n));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(((i + salt) * 2654435761u) % 1021u) / 1021.0f - 0.5f;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = bench::repeats_arg(argc, argv, 100);
  std::printf("%-22s %-8s %10s %10s %10s %10s\n", "conv (batch, hw, ci->co)", "layout", "fwd us", "bwd_w us",
              "bwd_d us", "im2col_d");
  for (int64_t batch : {32, 128}) {
    for (auto [size, ci, co] : {std::tuple<int64_t, int64_t, int64_t>{28, 1, 32}, {13, 32, 64}}) {
      const auto s = spec_of(batch, size, ci, co);
      const int64_t nx = batch * size * size * ci, ny = batch * (size - 2) * (size - 2) * co, nk = 9 * ci * co;
      auto x = filled(nx, 1), k = filled(nk, 2), b = filled(co, 3), dy = filled(ny, 4);
      std::vector<float> y(static_cast<size_t>(ny)), dx(static_cast<size_t>(nx)), dk(static_cast<size_t>(nk));
      for (auto [policy, label] :
           {std::pair{ConvLayoutPolicy::plain, "plain"}, {ConvLayoutPolicy::blocked, "blocked"}}) {
        backend::set_conv_layout_policy(policy);
        backend::set_conv_data_grad_path(backend::ConvDataGradPath::onednn);
        const double f = bench::min_us([&] {
          backend::conv_forward(s, x.data(), k.data(), b.data(), y.data(), backend::ConvActivation::relu);
        }, repeats);
        const double w = bench::min_us([&] {
          backend::conv_backward(s, x.data(), k.data(), dy.data(), nullptr, dk.data(), nullptr);
        }, repeats);
        const double d = bench::min_us([&] {
          backend::conv_backward(s, x.data(), k.data(), dy.data(), dx.data(), nullptr, nullptr);
        }, repeats);
        backend::set_conv_data_grad_path(backend::ConvDataGradPath::im2col);
        const double di = bench::min_us([&] {
          backend::conv_backward(s, x.data(), k.data(), dy.data(), dx.data(), nullptr, nullptr);
        }, repeats);
        char name[64];
        std::snprintf(name, sizeof name, "%lld, %lld, %lld->%lld", static_cast<long long>(batch),
                      static_cast<long long>(size), static_cast<long long>(ci), static_cast<long long>(co));
        std::printf("%-22s %-8s %10.1f %10.1f %10.1f %10.1f\n", name, label, f, w, d, di);
      }
    }
  }
  backend::set_conv_layout_policy(ConvLayoutPolicy::automatic);
  backend::set_conv_data_grad_path(backend::ConvDataGradPath::automatic);
  return 0;
}
