// Convolution passes of the benchmark's cnn, in each layout oneDNN can run them: keraspp's channels_last ("plain")
// against oneDNN's blocked layouts with reorders at the edges ("blocked"), and im2col + sgemm for the data gradient.
// Each pass (forward with relu, backward weights, backward data) is timed alone; the minimum over repeats is
// reported, the least disturbed by other processes.
//   conv_kernels [--repeats 100]
#include <keras/keras.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "backend/conv_kernels.hpp"

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

double best_us(const std::function<void()>& f, int repeats) {
  f();  // creates the primitives
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

std::vector<float> filled(int64_t n, unsigned salt) {
  std::vector<float> v(static_cast<size_t>(n));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(((i + salt) * 2654435761u) % 1021u) / 1021.0f - 0.5f;
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 100;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--repeats") == 0) repeats = std::atoi(argv[i + 1]);
  std::printf("%-22s %-8s %10s %10s %10s %10s\n", "conv (batch, hw, ci->co)", "layout", "fwd us", "bwd_w us",
              "bwd_d us", "im2col_d");
  for (int64_t batch : {32, 128}) {
    for (auto [size, ci, co] : {std::tuple<int64_t, int64_t, int64_t>{28, 1, 32}, {13, 32, 64}}) {
      const auto s = spec_of(batch, size, ci, co);
      const int64_t nx = batch * size * size * ci, ny = batch * (size - 2) * (size - 2) * co, nk = 9 * ci * co;
      auto x = filled(nx, 1), k = filled(nk, 2), b = filled(co, 3), dy = filled(ny, 4);
      std::vector<float> y(static_cast<size_t>(ny)), dx(static_cast<size_t>(nx)), dk(static_cast<size_t>(nk));
      for (auto [policy, label] : {std::pair{ConvLayoutPolicy::plain, "plain"}, {ConvLayoutPolicy::blocked, "blocked"}}) {
        backend::set_conv_layout_policy(policy);
        backend::set_conv_data_grad_path(backend::ConvDataGradPath::onednn);
        const double f = best_us([&] {
          backend::conv_forward(s, x.data(), k.data(), b.data(), y.data(), backend::ConvActivation::relu);
        }, repeats);
        const double w = best_us([&] {
          backend::conv_backward(s, x.data(), k.data(), dy.data(), nullptr, dk.data(), nullptr);
        }, repeats);
        const double d = best_us([&] {
          backend::conv_backward(s, x.data(), k.data(), dy.data(), dx.data(), nullptr, nullptr);
        }, repeats);
        backend::set_conv_data_grad_path(backend::ConvDataGradPath::im2col);
        const double di = best_us([&] {
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
