// Training max pooling: oneDNN's primitives against keraspp's loops, on the pooling layers of the benchmark's cnn
// (2x2 windows, step 2, channels_last). One training pass of one batch (forward recording the maxima, then
// backward) is timed; the minimum over repeats is reported, the least disturbed by other processes. The layers use
// whichever side measures faster on the machine (src/backend/pooling_dnnl.cpp); this shows both.
//   pool_kernels [--repeats 200]
#include <keras/keras.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "backend/spatial.hpp"
#include "min_time.hpp"

using namespace keras;

namespace {

double training_pass_us(const backend::PoolSpec& p, backend::PoolTrainingKernels side, int repeats) {
  backend::force_pool_training_kernels(side);
  const auto n_in = static_cast<size_t>(p.n * p.h * p.w * p.c), n_out = static_cast<size_t>(p.n * p.oh * p.ow * p.c);
  std::vector<float> x(n_in), dx(n_in), y(n_out), dy(n_out, 1.0f);
  for (size_t i = 0; i < n_in; ++i) x[i] = static_cast<float>((i * 2654435761u) % 1021u) / 1021.0f - 0.25f;
  std::vector<unsigned char> workspace(backend::pool_workspace_bytes(p));
  const double best = bench::min_us([&] {
    backend::pool_forward(p, x.data(), y.data(), workspace.data());
    backend::pool_backward(p, x.data(), workspace.data(), dy.data(), dx.data());
  }, repeats);
  backend::force_pool_training_kernels(std::nullopt);
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = bench::repeats_arg(argc, argv, 200);
  std::printf("training max pooling 2x2/2, forward + backward, min of %d (us)\n", repeats);
  std::printf("%-20s %10s %10s\n", "input (n,h,w,c)", "oneDNN", "loops");
  for (int64_t n : {32, 128})
    for (auto [h, c] : {std::pair<int64_t, int64_t>{26, 32}, {11, 64}}) {
      backend::PoolSpec p;
      p.n = n, p.c = c, p.h = h, p.w = h, p.oh = h / 2, p.ow = h / 2, p.kh = 2, p.kw = 2, p.sh = 2, p.sw = 2;
      const std::string shape = std::to_string(n) + "," + std::to_string(h) + "," + std::to_string(h) + "," +
                                std::to_string(c);
      std::printf("%-20s %10.1f %10.1f\n", shape.c_str(),
                  training_pass_us(p, backend::PoolTrainingKernels::onednn, repeats),
                  training_pass_us(p, backend::PoolTrainingKernels::loops, repeats));
    }
  return 0;
}
