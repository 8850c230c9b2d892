// Dense's forward product through oneDNN's matmul primitive, with the bias and a relu fused into it.
//
// Why not sgemm plus two passes: on the project's machine (2 threads, AVX-512; the benchmark's mlp inference, a
// 10000x784 input in batches of 1024 through Dense(128, relu)) the matmul primitive with fused bias + relu takes
// 660 us per batch, sgemm alone 700 us before its separate bias and relu passes. The brgemm kernel reads the input in
// place, so a batch that is not yet in cache costs it less than sgemm's packing. For products smaller than ~16^3
// multiply-adds the call overhead dominates, and the plain path (gemm, then the epilogue in a loop) is used.
//
// A primitive is created per (M, K, N, bias, epilogue), 0.1-0.2 ms each, and cached for the process; the cache is
// cleared if it ever holds kMaxPrimitives shapes (a model sees one or two batch sizes per layer).
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "backend/dnnl_context.hpp"
#include "backend/kernels.hpp"

namespace keras::backend {

namespace {

using dnnl::memory;
constexpr size_t kMaxPrimitives = 256;
constexpr int64_t kSmallProduct = 4096;  // M * N * K, as gemm's own cut-over

struct Matmul {
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul prim;
};

using DenseKey = std::tuple<int64_t, int64_t, int64_t, bool, DenseEpilogue>;

std::shared_ptr<Matmul> make_matmul(int64_t M, int64_t K, int64_t N, bool has_bias, DenseEpilogue epilogue) {
  const memory::desc src({M, K}, kF32, memory::format_tag::ab);
  const memory::desc wei({K, N}, kF32, memory::format_tag::ab);
  const memory::desc dst({M, N}, kF32, memory::format_tag::ab);
  dnnl::primitive_attr attr;
  if (epilogue == DenseEpilogue::relu) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(ops);
  }
  const memory::desc bias({1, N}, kF32, memory::format_tag::ab);
  const dnnl::matmul::desc d = has_bias ? dnnl::matmul::desc(src, wei, bias, dst) : dnnl::matmul::desc(src, wei, dst);
  dnnl::matmul::primitive_desc pd(d, attr, cpu_engine());
  return std::make_shared<Matmul>(Matmul{pd, dnnl::matmul(pd)});
}

std::mutex g_dense_cache_mutex;  // guards the cache

// Callers hold the returned pointer while they run, so clearing the cache never frees a primitive in use.
std::shared_ptr<Matmul> matmul_for(int64_t M, int64_t K, int64_t N, bool has_bias, DenseEpilogue epilogue) {
  static std::map<DenseKey, std::shared_ptr<Matmul>> cache;
  std::lock_guard lock(g_dense_cache_mutex);
  const DenseKey key{M, K, N, has_bias, epilogue};
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() >= kMaxPrimitives) cache.clear();
  return cache.emplace(key, make_matmul(M, K, N, has_bias, epilogue)).first->second;
}

void plain_dense(const float* x, const float* w, const float* bias, float* y, int64_t M, int64_t K, int64_t N,
                 DenseEpilogue epilogue) {
  gemm(false, false, M, N, K, 1.0f, x, K, w, N, 0.0f, y, N);
  if (bias) add_row_vector(y, bias, M, N);
  if (epilogue == DenseEpilogue::relu)
    for (int64_t i = 0; i < M * N; ++i) y[i] = y[i] < 0.0f ? 0.0f : y[i];  // NaN stays NaN, as oneDNN's relu
}

}  // namespace

void dense_forward(const float* x, const float* w, const float* bias, float* y, int64_t M, int64_t K, int64_t N,
                   DenseEpilogue epilogue) {
  if (M == 0 || N == 0) return;
  if (K == 0 || M * N * K < kSmallProduct) {
    plain_dense(x, w, bias, y, M, K, N, epilogue);
    return;
  }
  const std::shared_ptr<Matmul> mm = matmul_for(M, K, N, bias != nullptr, epilogue);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, wrap(mm->pd.src_desc(), x)},
                                       {DNNL_ARG_WEIGHTS, wrap(mm->pd.weights_desc(), w)},
                                       {DNNL_ARG_DST, wrap(mm->pd.dst_desc(), y)}};
  if (bias) args.emplace(DNNL_ARG_BIAS, wrap(mm->pd.bias_desc(), bias));
  mm->prim.execute(cpu_stream(), args);
  cpu_stream().wait();
}

}  // namespace keras::backend
