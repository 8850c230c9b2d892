// Max and average pooling through oneDNN's pooling primitives (v2 API), cached per shape; the loops of
// spatial_cpu.cpp are the fallback, and run training max pooling where they measure faster.
#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <unordered_map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "backend/dnnl_context.hpp"
#include "backend/spatial.hpp"

namespace keras::backend {

namespace {

using PoolKey = std::array<int64_t, 22>;

PoolKey key_of(const PoolSpec& p) {
  return {p.n, p.c, p.d, p.h, p.w, p.od, p.oh, p.ow, p.kd, p.kh, p.kw, p.sd, p.sh, p.sw,
          p.pad_front, p.pad_back, p.pad_top, p.pad_bottom, p.pad_left, p.pad_right, p.channels_first, p.max};
}

// 3-D data; a depth of one pools exactly as 2-D data, whatever the depth window (it only ever sees that slice).
bool volumetric(const PoolSpec& p) { return p.d != 1; }

int64_t input_size(const PoolSpec& p) { return p.n * p.c * p.d * p.h * p.w; }
int64_t output_size(const PoolSpec& p) { return p.n * p.c * p.od * p.oh * p.ow; }

// The primitives of one configuration, created on first use (100-200 us each) and reused.
struct PoolPrimitives {
  dnnl::memory::desc src, dst;
  dnnl::pooling_forward inference, training;
  dnnl::pooling_backward backward;
  dnnl::memory::desc workspace;  // max pooling's record of the maxima (empty for average pooling)
  // Who runs max pooling in training, measured the first time this configuration trains (see choose_kernels).
  mutable std::once_flag measured;
  mutable PoolTrainingKernels training_kernels = PoolTrainingKernels::onednn;
};

std::optional<PoolTrainingKernels>& forced_kernels() {
  static std::optional<PoolTrainingKernels> forced;
  return forced;
}

std::shared_ptr<const PoolPrimitives> create(const PoolSpec& p) {
  using dnnl::memory;
  const bool v = volumetric(p);
  // The spatial values of a 2-D or 3-D primitive, depth first.
  const auto axes = [v](int64_t depth, int64_t height, int64_t width) {
    return v ? memory::dims{depth, height, width} : memory::dims{height, width};
  };
  const auto tensor = [&](int64_t depth, int64_t height, int64_t width) {
    memory::dims dims = axes(depth, height, width);
    dims.insert(dims.begin(), {p.n, p.c});
    return dims;
  };
  using tag = memory::format_tag;
  const tag layout = v ? (p.channels_first ? tag::ncdhw : tag::ndhwc) : (p.channels_first ? tag::nchw : tag::nhwc);
  auto out = std::make_shared<PoolPrimitives>();
  out->src = memory::desc(tensor(p.d, p.h, p.w), memory::data_type::f32, layout);
  out->dst = memory::desc(tensor(p.od, p.oh, p.ow), memory::data_type::f32, layout);
  // "exclude padding": windows overhanging the edge average only the values inside, as TensorFlow and Keras do.
  const dnnl::algorithm alg = p.max ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding;
  const memory::dims strides = axes(p.sd, p.sh, p.sw), kernel = axes(p.kd, p.kh, p.kw),
                     pad_l = axes(p.pad_front, p.pad_top, p.pad_left),
                     pad_r = axes(p.pad_back, p.pad_bottom, p.pad_right);
  dnnl::engine& eng = cpu_engine();
  const dnnl::pooling_forward::primitive_desc inference_pd(
      {dnnl::prop_kind::forward_inference, alg, out->src, out->dst, strides, kernel, pad_l, pad_r}, eng);
  const dnnl::pooling_forward::primitive_desc training_pd(
      {dnnl::prop_kind::forward_training, alg, out->src, out->dst, strides, kernel, pad_l, pad_r}, eng);
  const dnnl::pooling_backward::primitive_desc backward_pd({alg, out->src, out->dst, strides, kernel, pad_l, pad_r},
                                                           eng, training_pd);
  out->inference = dnnl::pooling_forward(inference_pd);
  out->training = dnnl::pooling_forward(training_pd);
  out->backward = dnnl::pooling_backward(backward_pd);
  if (p.max) out->workspace = training_pd.workspace_desc();
  return out;
}

// The cached primitives, or null when oneDNN cannot take this configuration (empty tensors, or an error creating
// them): the caller then uses the loops. The answer for a configuration never changes.
std::shared_ptr<const PoolPrimitives> primitives(const PoolSpec& p) {
  if (input_size(p) <= 0 || output_size(p) <= 0) return nullptr;
  static std::mutex mutex;
  static std::map<PoolKey, std::shared_ptr<const PoolPrimitives>> cache;
  const PoolKey key = key_of(p);
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() >= 256) cache.clear();  // many shapes (varying batch sizes): start again rather than grow
  std::shared_ptr<const PoolPrimitives> made;
  try {
    made = create(p);
  } catch (const dnnl::error&) {
    made = nullptr;
  }
  cache.emplace(key, made);
  return made;
}

// The loops' (n, h, w, c) view: channels_first data pools each channel plane on its own.
Pool2D loop_view(const PoolSpec& p) {
  Pool2D q;
  q.n = p.channels_first ? p.n * p.c : p.n;
  q.c = p.channels_first ? 1 : p.c;
  q.h = p.h, q.w = p.w, q.oh = p.oh, q.ow = p.ow;
  q.kh = p.kh, q.kw = p.kw, q.sh = p.sh, q.sw = p.sw;
  q.pad_top = p.pad_top, q.pad_left = p.pad_left;
  return q;
}

Pool3D loop_view_3d(const PoolSpec& p) {
  return {.plane = loop_view(p), .d = p.d, .od = p.od, .kd = p.kd, .sd = p.sd, .pad_front = p.pad_front};
}

// The loops, for what oneDNN does not run; 3-D without a record of the maxima.
void loops_forward(const PoolSpec& p, const float* x, float* y, float* argmax) {
  if (volumetric(p)) pool3d(loop_view_3d(p), p.max, x, y);
  else if (p.max) max_pool2d(loop_view(p), x, y, argmax);
  else avg_pool2d(loop_view(p), x, y);
}

void loops_backward(const PoolSpec& p, const float* x, const float* argmax, const float* dy, float* dx) {
  if (volumetric(p)) pool3d_backward(loop_view_3d(p), p.max, x, dy, dx);
  else if (p.max) max_pool2d_backward(loop_view(p), x, argmax, dy, dx);
  else avg_pool2d_backward(loop_view(p), dy, dx);
}

// Small problems run on the calling thread: oneDNN parallelises every call, and starting the team costs more than
// the work (a 50k-value pooling takes 4-12 us on one core). oneDNN reads the thread count when it executes.
class SerialIfSmall {
 public:
  explicit SerialIfSmall(const PoolSpec& p) : saved_(omp_get_max_threads()) {
    small_ = input_size(p) < (int64_t{1} << 16) && saved_ > 1;
    if (small_) omp_set_num_threads(1);
  }
  ~SerialIfSmall() {
    if (small_) omp_set_num_threads(saved_);
  }
  SerialIfSmall(const SerialIfSmall&) = delete;
  SerialIfSmall& operator=(const SerialIfSmall&) = delete;

 private:
  int saved_;
  bool small_ = false;
};


// Training max pooling (forward recording the maxima, then backward) is timed both ways on this configuration, best
// of three after a warm-up, and the faster is kept: which one wins depends on the CPU. On the project's Zen 5
// oneDNN's JIT kernels were 3-12x faster than the loops of the time; on a 2-core Xeon with AMX (2026-12-06) oneDNN
// 2.6's training kernels were 3-4x slower than today's loops (bench/pool_kernels, forward + backward, 2x2 windows,
// step 2: 32x26x26x32 502 vs 137 us, 32x11x11x64 160 vs 43 us). Both give the same values and send each gradient
// to the first maximum of its window. The measurement costs a few training steps' worth of pooling, once per
// configuration.
PoolTrainingKernels choose_kernels(const PoolSpec& p, const PoolPrimitives& prims) {
  std::vector<float> x(static_cast<size_t>(input_size(p))), dx(x.size()), y(static_cast<size_t>(output_size(p))),
      dy(y.size(), 1.0f), argmax(y.size());
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 2654435761u) % 1021u) / 1021.0f - 0.25f;
  std::vector<unsigned char> workspace(prims.workspace.get_size());
  dnnl::stream& s = cpu_stream();
  const auto run_onednn = [&] {
    SerialIfSmall threads(p);
    prims.training.execute(s, {{DNNL_ARG_SRC, wrap(prims.src, x.data())},
                               {DNNL_ARG_DST, wrap(prims.dst, y.data())},
                               {DNNL_ARG_WORKSPACE, wrap(prims.workspace, workspace.data())}});
    prims.backward.execute(s, {{DNNL_ARG_DIFF_DST, wrap(prims.dst, dy.data())},
                               {DNNL_ARG_DIFF_SRC, wrap(prims.src, dx.data())},
                               {DNNL_ARG_WORKSPACE, wrap(prims.workspace, workspace.data())}});
    s.wait();
  };
  const Pool2D view = loop_view(p);
  const auto run_loops = [&] {
    max_pool2d(view, x.data(), y.data(), argmax.data());
    max_pool2d_backward(view, x.data(), argmax.data(), dy.data(), dx.data());
  };
  const auto seconds = [](const auto& run) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  run_onednn();
  run_loops();
  double onednn = 1e30, loops = 1e30;
  for (int i = 0; i < 3; ++i) {  // alternating, so a burst of other load hurts both
    onednn = std::min(onednn, seconds(run_onednn));
    loops = std::min(loops, seconds(run_loops));
  }
  return loops < onednn ? PoolTrainingKernels::loops : PoolTrainingKernels::onednn;
}

PoolTrainingKernels training_kernels(const PoolSpec& p, const PoolPrimitives& prims) {
  if (volumetric(p)) return PoolTrainingKernels::onednn;
  if (forced_kernels()) return *forced_kernels();
  std::call_once(prims.measured, [&] { prims.training_kernels = choose_kernels(p, prims); });
  return prims.training_kernels;
}

}  // namespace

void force_pool_training_kernels(std::optional<PoolTrainingKernels> kernels) { forced_kernels() = kernels; }

size_t pool_workspace_bytes(const PoolSpec& p) {
  if (!p.max) return 0;
  auto prims = primitives(p);
  if (!prims) return 0;
  if (training_kernels(p, *prims) == PoolTrainingKernels::loops)
    return static_cast<size_t>(output_size(p)) * sizeof(float);  // the loops' argmax, one float an output
  return prims->workspace.get_size();
}

void pool_forward(const PoolSpec& p, const float* x, float* y, void* workspace) {
  auto prims = primitives(p);
  if (!prims) return loops_forward(p, x, y, nullptr);
  if (p.max && workspace && training_kernels(p, *prims) == PoolTrainingKernels::loops)
    return loops_forward(p, x, y, static_cast<float*>(workspace));
  SerialIfSmall threads(p);
  dnnl::stream& s = cpu_stream();
  std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_SRC, wrap(prims->src, x)},
                                                {DNNL_ARG_DST, wrap(prims->dst, y)}};
  if (p.max && workspace) {
    args.emplace(DNNL_ARG_WORKSPACE, wrap(prims->workspace, workspace));
    prims->training.execute(s, args);
  } else {
    prims->inference.execute(s, args);
  }
  s.wait();
}

void pool_backward(const PoolSpec& p, const float* x, const void* workspace, const float* dy, float* dx) {
  auto prims = primitives(p);
  if (!prims) return loops_backward(p, x, nullptr, dy, dx);
  if (p.max && workspace && training_kernels(p, *prims) == PoolTrainingKernels::loops)
    return loops_backward(p, x, static_cast<const float*>(workspace), dy, dx);
  SerialIfSmall threads(p);
  dnnl::stream& s = cpu_stream();
  std::vector<unsigned char> found;
  if (p.max && !workspace) {
    // Forward ran in inference mode: find the maxima again.
    found.resize(prims->workspace.get_size());
    std::vector<float> y(static_cast<size_t>(output_size(p)));
    prims->training.execute(s, {{DNNL_ARG_SRC, wrap(prims->src, x)},
                                {DNNL_ARG_DST, wrap(prims->dst, y.data())},
                                {DNNL_ARG_WORKSPACE, wrap(prims->workspace, found.data())}});
    s.wait();
    workspace = found.data();
  }
  std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_DIFF_DST, wrap(prims->dst, dy)},
                                                {DNNL_ARG_DIFF_SRC, wrap(prims->src, dx)}};
  if (p.max) args.emplace(DNNL_ARG_WORKSPACE, wrap(prims->workspace, workspace));
  prims->backward.execute(s, args);
  s.wait();
}

}  // namespace keras::backend
