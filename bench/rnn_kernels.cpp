// Recurrent kernels: oneDNN's whole-sequence primitives against keraspp's step loop, on the same layer and batch.
// One training step of one batch (forward in training mode, then backward with every gradient) is timed; the
// minimum over repeats is reported, the least disturbed by other processes (the load average is printed with it).
// The default case is the one the GRU primitive was measured on: GRU(128) on (32, 28, 28), 2 threads.
//   rnn_kernels [--repeats 100] [--threads 2] [--batch 32]
#include <keras/keras.hpp>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "layers/rnn/rnn_base.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

// Seconds of one forward+backward step of `layer` on x, with the primitive (fused) or the step loop.
double train_step_seconds(const Layer& layer, const Tensor& x, bool fused) {
  layers::rnn_detail::set_fused_primitives(fused);
  LayerImpl& impl = *layer.impl();
  auto t0 = std::chrono::steady_clock::now();
  CallContext ctx;
  ctx.training = true;
  ctx.inputs = {x};
  ctx.outputs = impl.forward(ctx);
  std::vector<Tensor> grads;
  for (const Tensor& o : ctx.outputs) grads.push_back(Tensor::ones(o.dims()));
  for (const auto& v : impl.variables()) v->grad = Tensor();
  impl.backward(ctx, grads);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  layers::rnn_detail::set_fused_primitives(true);
  return s;
}

void compare(const std::string& name, const Layer& layer, const Tensor& x, int repeats) {
  layer(x);  // build
  train_step_seconds(layer, x, true);  // warm-up: primitive creation, first-touch memory
  train_step_seconds(layer, x, false);
  // Alternating step by step, so that a burst of load from other processes hits both sides alike; the minimum is
  // the least disturbed step.
  double prim = std::numeric_limits<double>::infinity(), loop = prim;
  for (int rep = 0; rep < repeats; ++rep) {
    prim = std::min(prim, train_step_seconds(layer, x, true));
    loop = std::min(loop, train_step_seconds(layer, x, false));
  }
  std::printf("%-10s primitive %8.3f ms   loop %8.3f ms   loop/primitive %.2f\n", name.c_str(), prim * 1e3,
              loop * 1e3, loop / prim);
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 100, threads = 2, batch = 32;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--repeats")) repeats = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--batch")) batch = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  omp_set_num_threads(threads);
  std::printf("one training step (forward + backward) of a batch (%d, 28, 28), min of %d repeats, %d threads\n",
              batch, repeats, threads);
  std::ifstream loadavg("/proc/loadavg");
  std::string l1, l5;
  if (loadavg >> l1 >> l5) std::printf("load average before: %s (1 min), %s (5 min)\n", l1.c_str(), l5.c_str());
  utils::set_random_seed(0);
  const Tensor x = random::normal({batch, 28, 28});
  compare("GRU(128)", layers::GRU(128), x, repeats);
  compare("LSTM(128)", layers::LSTM(128), x, repeats);
  return 0;
}
