// oneDNN's LSTM and lbr_gru primitives (v2 API), forward-training and backward, cached per shape.
// oneDNN 2.6.3 pitfalls (cpu-backend.md): src_iter/src_iter_c are always passed (else the recurrent weight gradient
// uses h_t for h_{t-1}); the backward primitive accumulates into the weight gradients (zeroed buffers here); backward
// wants its weights in its own layout (reordered from Keras's ldigo on every call, since they change every step).
// The GRU follows the same rules (src_iter always passed, zeroed gradient buffers).
#include <oneapi/dnnl/dnnl.hpp>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "backend/dnnl_context.hpp"
#include "backend/rnn.hpp"

namespace keras::backend {

namespace {

using dnnl::memory;
using RnnKey = std::tuple<int64_t, int64_t, int64_t, int64_t>;

// The primitives of one RNN cell type (Fwd/Bwd: dnnl::lstm_forward/backward or lbr_gru_forward/backward) for one
// shape, with the memory descriptors of the Keras-layout tensors they read and write.
template <class Fwd, class Bwd>
struct RnnPrimitives {
  memory::desc x, h, y, w_user, r_user, b;
  typename Fwd::primitive_desc fwd_pd;
  Fwd fwd;
  Fwd inference;
  memory::desc inference_w, inference_r;
  typename Bwd::primitive_desc bwd_pd;
  Bwd bwd;
};
using LstmPrimitives = RnnPrimitives<dnnl::lstm_forward, dnnl::lstm_backward>;
using GruPrimitives = RnnPrimitives<dnnl::lbr_gru_forward, dnnl::lbr_gru_backward>;

// Keras's layouts: x/y time-major, kernels (in, gates, units) with Keras's gate order, oneDNN's bias_gates biases.
template <class P>
void set_user_descs(P& p, const RnnDims& d, int64_t gates, int64_t bias_gates) {
  const auto f32 = memory::data_type::f32;
  using tag = memory::format_tag;
  p.x = memory::desc({d.T, d.B, d.I}, f32, tag::tnc);
  p.h = memory::desc({1, 1, d.B, d.U}, f32, tag::ldnc);
  p.y = memory::desc({d.T, d.B, d.U}, f32, tag::tnc);
  p.w_user = memory::desc({1, 1, d.I, gates, d.U}, f32, tag::ldigo);
  p.r_user = memory::desc({1, 1, d.U, gates, d.U}, f32, tag::ldigo);
  p.b = memory::desc({1, 1, bias_gates, d.U}, f32, tag::ldgo);
}

std::shared_ptr<LstmPrimitives> create(const LstmDims& d) {
  const auto f32 = memory::data_type::f32;
  using tag = memory::format_tag;
  auto p = std::make_shared<LstmPrimitives>();
  set_user_descs(*p, d, 4, 4);
  const memory::desc w_any({1, 1, d.I, 4, d.U}, f32, tag::any), r_any({1, 1, d.U, 4, d.U}, f32, tag::any);
  const auto dir = dnnl::rnn_direction::unidirectional_left2right;
  dnnl::engine& eng = cpu_engine();
  p->fwd_pd = dnnl::lstm_forward::primitive_desc(
      {dnnl::prop_kind::forward_training, dir, p->x, p->h, p->h, w_any, r_any, p->b, p->y, p->h, p->h}, eng);
  p->fwd = dnnl::lstm_forward(p->fwd_pd);
  const dnnl::lstm_forward::primitive_desc inf_pd(
      {dnnl::prop_kind::forward_inference, dir, p->x, p->h, p->h, w_any, r_any, p->b, p->y, p->h, p->h}, eng);
  p->inference = dnnl::lstm_forward(inf_pd);
  p->inference_w = inf_pd.weights_layer_desc();
  p->inference_r = inf_pd.weights_iter_desc();
  p->bwd_pd = dnnl::lstm_backward::primitive_desc(
      {dnnl::prop_kind::backward, dir, p->x, p->h, p->h, w_any, r_any, p->b, p->y, p->h, p->h, p->x, p->h, p->h, w_any,
       r_any, p->b, p->y, p->h, p->h},
      eng, p->fwd_pd);
  p->bwd = dnnl::lstm_backward(p->bwd_pd);
  return p;
}

// The primitives for dims d, made once per shape (nullptr where oneDNN cannot run it).
template <class P>
std::shared_ptr<const P> cached(const RnnDims& d, std::shared_ptr<P> (*make)(const RnnDims&)) {
  if (d.T <= 0 || d.B <= 0 || d.I <= 0 || d.U <= 0) return nullptr;
  static std::mutex mutex;
  static std::map<RnnKey, std::shared_ptr<const P>> cache;
  const RnnKey key{d.T, d.B, d.I, d.U};
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() >= 64) cache.clear();
  std::shared_ptr<const P> made;
  try {
    made = make(d);
  } catch (const dnnl::error&) {
    made = nullptr;
  }
  cache.emplace(key, made);
  return made;
}

std::shared_ptr<const LstmPrimitives> primitives(const LstmDims& d) { return cached<LstmPrimitives>(d, create); }


// `user` (Keras layout) as the primitive wants it: the same memory, or a reordered copy kept in `store`.
memory as_layout(const memory::desc& want, const memory::desc& user_md, const float* user,
                 std::vector<float>& store) {
  memory src = wrap(user_md, user);
  if (want == user_md) return src;
  store.resize(want.get_size() / sizeof(float) + 1);
  memory dst = wrap(want, store.data());
  dnnl::reorder(src, dst).execute(cpu_stream(), src, dst);
  return dst;
}

// Adds a gradient the primitive wrote in its own layout into `out`, in Keras's layout user_md (n floats).
void add_in_user_layout(const memory& g, const memory::desc& user_md, float* out, int64_t n) {
  std::vector<float> tmp;
  const float* src = static_cast<const float*>(g.get_data_handle());
  if (!(g.get_desc() == user_md)) {
    tmp.resize(n);
    memory dst = wrap(user_md, tmp.data());
    memory s = g;
    dnnl::reorder(s, dst).execute(cpu_stream(), s, dst);
    cpu_stream().wait();
    src = tmp.data();
  }
  for (int64_t i = 0; i < n; ++i) out[i] += src[i];
}

// Runs the forward primitive (training when ws is given) on `args`, the data tensors; the weights are added in the
// layout the chosen primitive wants.
template <class P>
void run_forward(const P& p, std::unordered_map<int, memory> args, const float* W, const float* R, float* ws) {
  const bool training = ws != nullptr;
  std::vector<float> w_store, r_store;
  args.emplace(DNNL_ARG_WEIGHTS_LAYER,
               as_layout(training ? p.fwd_pd.weights_layer_desc() : p.inference_w, p.w_user, W, w_store));
  args.emplace(DNNL_ARG_WEIGHTS_ITER,
               as_layout(training ? p.fwd_pd.weights_iter_desc() : p.inference_r, p.r_user, R, r_store));
  if (training) {
    args.emplace(DNNL_ARG_WORKSPACE, wrap(p.fwd_pd.workspace_desc(), ws));
    p.fwd.execute(cpu_stream(), args);
  } else {
    p.inference.execute(cpu_stream(), args);
  }
  cpu_stream().wait();
}

// Runs the backward primitive on `args` (data tensors and their gradients) and adds the weight gradients, in
// Keras's layouts, to dW, dR and db.
template <class P>
void run_backward(const P& p, const RnnDims& d, int64_t gates, std::unordered_map<int, memory> args, const float* W,
                  const float* R, const float* ws, float* dW, float* dR, float* db) {
  const auto& pd = p.bwd_pd;
  std::vector<float> w_store, r_store;
  args.emplace(DNNL_ARG_WEIGHTS_LAYER, as_layout(pd.weights_layer_desc(), p.w_user, W, w_store));
  args.emplace(DNNL_ARG_WEIGHTS_ITER, as_layout(pd.weights_iter_desc(), p.r_user, R, r_store));
  args.emplace(DNNL_ARG_WORKSPACE, wrap(p.fwd_pd.workspace_desc(), ws));
  // Zero-filled gradient buffers in the primitive's layouts (it accumulates into them).
  std::vector<float> gw(pd.diff_weights_layer_desc().get_size() / sizeof(float) + 1, 0.0f);
  std::vector<float> gr(pd.diff_weights_iter_desc().get_size() / sizeof(float) + 1, 0.0f);
  std::vector<float> gb(4 * d.U, 0.0f);
  memory gw_m = wrap(pd.diff_weights_layer_desc(), gw.data()), gr_m = wrap(pd.diff_weights_iter_desc(), gr.data());
  args.emplace(DNNL_ARG_DIFF_WEIGHTS_LAYER, gw_m);
  args.emplace(DNNL_ARG_DIFF_WEIGHTS_ITER, gr_m);
  args.emplace(DNNL_ARG_DIFF_BIAS, wrap(p.b, gb.data()));
  p.bwd.execute(cpu_stream(), args);
  cpu_stream().wait();
  add_in_user_layout(gw_m, p.w_user, dW, d.I * gates * d.U);
  add_in_user_layout(gr_m, p.r_user, dR, d.U * gates * d.U);
  for (int64_t i = 0; i < 4 * d.U; ++i) db[i] += gb[i];
}

// The data tensors of a call (the forward's inputs and outputs; backward reads them too).
std::unordered_map<int, memory> lstm_args(const LstmPrimitives& p, const float* x, const float* h0, const float* c0,
                                          const float* b, const float* y, const float* hT, const float* cT) {
  return {{DNNL_ARG_SRC_LAYER, wrap(p.x, x)}, {DNNL_ARG_SRC_ITER, wrap(p.h, h0)}, {DNNL_ARG_SRC_ITER_C, wrap(p.h, c0)},
          {DNNL_ARG_BIAS, wrap(p.b, b)},      {DNNL_ARG_DST_LAYER, wrap(p.y, y)}, {DNNL_ARG_DST_ITER, wrap(p.h, hT)},
          {DNNL_ARG_DST_ITER_C, wrap(p.h, cT)}};
}

std::unordered_map<int, memory> gru_args(const GruPrimitives& p, const float* x, const float* h0, const float* b,
                                         const float* y, const float* hT) {
  return {{DNNL_ARG_SRC_LAYER, wrap(p.x, x)}, {DNNL_ARG_SRC_ITER, wrap(p.h, h0)},   {DNNL_ARG_BIAS, wrap(p.b, b)},
          {DNNL_ARG_DST_LAYER, wrap(p.y, y)}, {DNNL_ARG_DST_ITER, wrap(p.h, hT)}};
}

// ---- lbr_gru ----

std::shared_ptr<GruPrimitives> create_gru(const RnnDims& d) {
  const auto f32 = memory::data_type::f32;
  using tag = memory::format_tag;
  auto p = std::make_shared<GruPrimitives>();
  set_user_descs(*p, d, 3, 4);  // lbr_gru's extra bias: the recurrent candidate's, inside r * (...)
  const memory::desc w_any({1, 1, d.I, 3, d.U}, f32, tag::any), r_any({1, 1, d.U, 3, d.U}, f32, tag::any);
  const auto dir = dnnl::rnn_direction::unidirectional_left2right;
  dnnl::engine& eng = cpu_engine();
  p->fwd_pd = dnnl::lbr_gru_forward::primitive_desc(
      {dnnl::prop_kind::forward_training, dir, p->x, p->h, w_any, r_any, p->b, p->y, p->h}, eng);
  p->fwd = dnnl::lbr_gru_forward(p->fwd_pd);
  const dnnl::lbr_gru_forward::primitive_desc inf_pd(
      {dnnl::prop_kind::forward_inference, dir, p->x, p->h, w_any, r_any, p->b, p->y, p->h}, eng);
  p->inference = dnnl::lbr_gru_forward(inf_pd);
  p->inference_w = inf_pd.weights_layer_desc();
  p->inference_r = inf_pd.weights_iter_desc();
  p->bwd_pd = dnnl::lbr_gru_backward::primitive_desc(
      {dnnl::prop_kind::backward, dir, p->x, p->h, w_any, r_any, p->b, p->y, p->h, p->x, p->h, w_any, r_any, p->b,
       p->y, p->h},
      eng, p->fwd_pd);
  p->bwd = dnnl::lbr_gru_backward(p->bwd_pd);
  return p;
}

std::shared_ptr<const GruPrimitives> gru_primitives(const RnnDims& d) { return cached<GruPrimitives>(d, create_gru); }

}  // namespace

int64_t lstm_workspace_floats(const LstmDims& d) {
  auto p = primitives(d);
  return p ? static_cast<int64_t>(p->fwd_pd.workspace_desc().get_size() / sizeof(float)) + 1 : 0;
}

bool lstm_forward(const LstmDims& d, const float* x, const float* h0, const float* c0, const float* W, const float* R,
                  const float* b, float* y, float* hT, float* cT, float* ws) {
  auto p = primitives(d);
  if (!p) return false;
  run_forward(*p, lstm_args(*p, x, h0, c0, b, y, hT, cT), W, R, ws);
  return true;
}

bool lstm_backward(const LstmDims& d, const float* x, const float* h0, const float* c0, const float* W, const float* R,
                   const float* b, const float* y, const float* hT, const float* cT, const float* ws, const float* dy,
                   const float* dhT, const float* dcT, float* dx, float* dh0, float* dc0, float* dW, float* dR,
                   float* db) {
  auto p = primitives(d);
  if (!p) return false;
  auto args = lstm_args(*p, x, h0, c0, b, y, hT, cT);
  args.insert({{DNNL_ARG_DIFF_SRC_LAYER, wrap(p->x, dx)},
                {DNNL_ARG_DIFF_SRC_ITER, wrap(p->h, dh0)},
                {DNNL_ARG_DIFF_SRC_ITER_C, wrap(p->h, dc0)},
                {DNNL_ARG_DIFF_DST_LAYER, wrap(p->y, dy)},
                {DNNL_ARG_DIFF_DST_ITER, wrap(p->h, dhT)},
                {DNNL_ARG_DIFF_DST_ITER_C, wrap(p->h, dcT)}});
  run_backward(*p, d, 4, std::move(args), W, R, ws, dW, dR, db);
  return true;
}

int64_t lbr_gru_workspace_floats(const RnnDims& d) {
  auto p = gru_primitives(d);
  return p ? static_cast<int64_t>(p->fwd_pd.workspace_desc().get_size() / sizeof(float)) + 1 : 0;
}

bool lbr_gru_forward(const RnnDims& d, const float* x, const float* h0, const float* W, const float* R, const float* b,
                     float* y, float* hT, float* ws) {
  auto p = gru_primitives(d);
  if (!p) return false;
  run_forward(*p, gru_args(*p, x, h0, b, y, hT), W, R, ws);
  return true;
}

bool lbr_gru_backward(const RnnDims& d, const float* x, const float* h0, const float* W, const float* R,
                      const float* b, const float* y, const float* hT, const float* ws, const float* dy,
                      const float* dhT, float* dx, float* dh0, float* dW, float* dR, float* db) {
  auto p = gru_primitives(d);
  if (!p) return false;
  auto args = gru_args(*p, x, h0, b, y, hT);
  args.insert({{DNNL_ARG_DIFF_SRC_LAYER, wrap(p->x, dx)},
                {DNNL_ARG_DIFF_SRC_ITER, wrap(p->h, dh0)},
                {DNNL_ARG_DIFF_DST_LAYER, wrap(p->y, dy)},
                {DNNL_ARG_DIFF_DST_ITER, wrap(p->h, dhT)}});
  run_backward(*p, d, 3, std::move(args), W, R, ws, dW, dR, db);
  return true;
}

}  // namespace keras::backend
