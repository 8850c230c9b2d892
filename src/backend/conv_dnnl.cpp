// Convolutions on the CPU through oneDNN 2.6 (v2 API: operation descriptors).
//
// Each distinct ConvSpec gets a Plan: the user-layout memory descriptors, and lazily the forward primitive (one per
// fused activation), the backward-weights and the backward-data primitives, plus the reorders between their layouts
// and the user's. Each pass runs either on the user's channels_last layout (where oneDNN 2.6 has brgconv / jit
// kernels for it, measured faster) or with format_tag::any (oneDNN's blocked layouts, reorders at the edges).
// Forcing nhwc on the output alone selects the reference kernel (100x slower), so a plain-layout primitive whose
// implementation is ref or gemm-based is re-created with blocked layouts. Weights always use format_tag::any.
// Creating a primitive costs 0.1-0.2 ms, so plans live for the process (the cache is cleared if it ever grows past
// kMaxPlans specs). The cache is guarded by a mutex; execution uses the process's one stream, so calls come from one
// thread at a time.
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "backend/conv_kernels.hpp"
#include "backend/dnnl_context.hpp"
#include "backend/kernels.hpp"

namespace keras::backend {

ConvDim conv_output_dim(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, const std::string& padding) {
  auto floor_div = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  const int64_t extent = dilation * (kernel - 1) + 1;
  ConvDim r;
  if (padding == "valid") {
    r.out = floor_div(in - extent, stride) + 1;
    return r;
  }
  r.out = floor_div(in - 1, stride) + 1;
  if (padding == "causal") {
    r.pad_before = dilation * (kernel - 1);
    return r;
  }
  const int64_t total = std::max<int64_t>((r.out - 1) * stride + extent - in, 0);
  r.pad_before = total / 2;
  r.pad_after = total - r.pad_before;
  return r;
}

namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr size_t kMaxPlans = 256;

std::atomic<ConvDataGradPath> g_data_grad_path{ConvDataGradPath::automatic};
std::atomic<ConvLayoutPolicy> g_layout_policy{ConvLayoutPolicy::automatic};
std::atomic<int64_t> g_primitives_created{0};

memory::dims to_dims(const std::vector<int64_t>& v) { return memory::dims(v.begin(), v.end()); }

memory::desc any_desc(const memory::dims& d) { return memory::desc(d, kF32, Tag::any); }

// A buffer for a memory descriptor's bytes (64-byte aligned, from the tensor pool).
Tensor buffer_for(const memory::desc& md) {
  return Tensor::empty({static_cast<int64_t>((md.get_size() + sizeof(float) - 1) / sizeof(float))});
}


// A reorder from -> to; none when the layouts are already equal (and nothing is accumulated).
std::optional<dnnl::reorder> make_reorder(const memory::desc& from, const memory::desc& to, bool accumulate = false) {
  if (from == to && !accumulate) return std::nullopt;
  dnnl::primitive_attr attr;
  if (accumulate) {
    dnnl::post_ops ops;
    ops.append_sum(1.0f);
    attr.set_post_ops(ops);
  }
  return dnnl::reorder(dnnl::reorder::primitive_desc(cpu_engine(), from, cpu_engine(), to, attr));
}

// A tensor in a primitive's layout: the user's memory when the layouts agree, otherwise a reordered copy.
struct Staged {
  memory mem;
  Tensor owner;  // the copy's storage, if one was made
};
Staged stage_in(const std::optional<dnnl::reorder>& r, const memory::desc& user_md, const memory::desc& prim_md,
                const float* user) {
  memory user_mem = wrap(user_md, user);
  if (!r) return {user_mem, {}};
  Tensor buf = buffer_for(prim_md);
  memory m = wrap(prim_md, buf.data());
  r->execute(cpu_stream(), user_mem, m);
  return {m, buf};
}

struct Plan {
  ConvSpec spec;
  memory::desc src_md, dst_md, wei_md, bias_md;  // user layouts
  memory::dims strides, dilates, pad_l, pad_r;

  struct Forward {
    dnnl::convolution_forward::primitive_desc pd;
    dnnl::convolution_forward prim;
    std::optional<dnnl::reorder> src_in, wei_in, dst_out;
  };
  struct BackwardWeights {
    dnnl::convolution_backward_weights::primitive_desc pd;
    dnnl::convolution_backward_weights prim;
    std::optional<dnnl::reorder> src_in, ddst_in, dwei_out;  // dwei_out accumulates into the user's gradient
  };
  struct BackwardData {
    dnnl::convolution_backward_data::primitive_desc pd;
    dnnl::convolution_backward_data prim;
    std::optional<dnnl::reorder> wei_in, ddst_in, dsrc_out;
  };
  std::optional<Forward> fwd[2];  // by ConvActivation
  std::optional<BackwardWeights> bwd_weights;
  std::optional<BackwardData> bwd_data;

  explicit Plan(const ConvSpec& s) : spec(s) {
    const int r = s.rank;
    memory::dims src{s.batch, s.in_channels}, dst{s.batch, s.filters};
    for (int i = 0; i < r; ++i) {
      src.push_back(s.in_size[static_cast<size_t>(i)]);
      dst.push_back(s.out_size[static_cast<size_t>(i)]);
    }
    static constexpr Tag last[] = {Tag::nwc, Tag::nhwc, Tag::ndhwc};
    static constexpr Tag first[] = {Tag::ncw, Tag::nchw, Tag::ncdhw};
    const Tag act_tag = s.channels_first ? first[r - 1] : last[r - 1];
    src_md = memory::desc(src, kF32, act_tag);
    dst_md = memory::desc(dst, kF32, act_tag);
    // Keras's kernel (k_0.., C/groups, filters), row-major, as oneDNN's (O, I, k..) or (G, O/G, I/G, k..) with strides.
    const int64_t G = s.groups, O = s.filters, Ig = s.in_channels / G, Og = O / G;
    memory::dims kdims = to_dims(s.kernel), kstrides(static_cast<size_t>(r));
    int64_t step = Ig * O;
    for (int i = r - 1; i >= 0; --i) {
      kstrides[static_cast<size_t>(i)] = step;
      step *= s.kernel[static_cast<size_t>(i)];
    }
    memory::dims wd, ws;
    if (G > 1) {
      wd = {G, Og, Ig};
      ws = {Og, 1, O};
    } else {
      wd = {O, Ig};
      ws = {1, O};
    }
    wd.insert(wd.end(), kdims.begin(), kdims.end());
    ws.insert(ws.end(), kstrides.begin(), kstrides.end());
    wei_md = memory::desc(wd, kF32, ws);
    bias_md = memory::desc({O}, kF32, Tag::x);
    strides = to_dims(s.strides);
    for (int64_t d : s.dilation) dilates.push_back(d - 1);  // oneDNN counts the gaps: 0 means no dilation
    pad_l = to_dims(s.pad_before);
    pad_r = to_dims(s.pad_after);
  }

  // The layout a primitive sees for the activations: the user's own (plain nwc/nhwc/ndhwc, no reorders) or
  // oneDNN's choice (format_tag::any: blocked, with reorders at the edges).
  enum class Layout { blocked, plain };
  memory::desc act_desc(const memory::desc& user, Layout l) const {
    return l == Layout::plain ? user : any_desc(user.dims());
  }
  // oneDNN falls back to reference or gemm-based kernels for some plain-layout problems (forcing only the output to
  // nhwc gives ref:any, 100x slower): such a primitive is re-created with blocked layouts.
  static bool fast_impl(const char* impl) {
    const std::string s(impl);
    return s.rfind("ref", 0) != 0 && s.find("gemm") == std::string::npos;
  }
  // Measured on the project's 2-core Zen 5 (report of issue #4), channels_last only: plain layouts are faster for
  // forward (brgconv; 13x13x32->64 at batch 32: 323 vs 433 us, 28x28x1->32: 66 vs 85 us), for backward data (5-25%)
  // and for backward weights from 8 input channels per group on (16x16x8->64: 197 vs 486 us); with fewer, blocked
  // is faster for backward weights (28x28x1->32: 84 vs 125 us). Re-measured on the 2-core Xeon that now runs the
  // benchmarks (bench/README.md, conv_kernels): the same choices win there, in a model too.
  Layout preferred(int pass) const {  // pass: 0 forward, 1 backward weights, 2 backward data
    switch (g_layout_policy.load()) {
      case ConvLayoutPolicy::blocked: return Layout::blocked;
      case ConvLayoutPolicy::plain: return spec.channels_first ? Layout::blocked : Layout::plain;
      case ConvLayoutPolicy::automatic: break;
    }
    if (spec.channels_first) return Layout::blocked;
    if (pass == 1 && spec.in_channels / spec.groups < 8) return Layout::blocked;
    return Layout::plain;
  }

  dnnl::convolution_forward::primitive_desc forward_pd(Layout l, const dnnl::primitive_attr& attr) const {
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                      act_desc(src_md, l), any_desc(wei_md.dims()), bias_md, act_desc(dst_md, l),
                                      strides, dilates, pad_l, pad_r);
    return dnnl::convolution_forward::primitive_desc(d, attr, cpu_engine());
  }

  Forward& forward(ConvActivation act) {
    auto& f = fwd[static_cast<int>(act)];
    if (!f) {
      dnnl::primitive_attr attr;
      if (act == ConvActivation::relu) {
        dnnl::post_ops ops;
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
        attr.set_post_ops(ops);
      }
      Layout l = preferred(0);
      auto pd = forward_pd(l, attr);
      if (l == Layout::plain && !fast_impl(pd.impl_info_str())) pd = forward_pd(Layout::blocked, attr);
      f.emplace(Forward{pd, dnnl::convolution_forward(pd), make_reorder(src_md, pd.src_desc()),
                        make_reorder(wei_md, pd.weights_desc()), make_reorder(pd.dst_desc(), dst_md)});
      ++g_primitives_created;
    }
    return *f;
  }

  // The forward primitive descriptor that a backward primitive takes as its hint, in the backward's layout (oneDNN
  // resolves `any` from the hint's formats).
  std::optional<dnnl::convolution_forward::primitive_desc> hints[2];
  const dnnl::convolution_forward::primitive_desc& hint(Layout l) {
    auto& h = hints[static_cast<int>(l)];
    if (!h) h = forward_pd(l, dnnl::primitive_attr());
    return *h;
  }

  dnnl::convolution_backward_weights::primitive_desc backward_weights_pd(Layout l) {
    dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, act_desc(src_md, l),
                                               any_desc(wei_md.dims()), bias_md, act_desc(dst_md, l), strides,
                                               dilates, pad_l, pad_r);
    return dnnl::convolution_backward_weights::primitive_desc(d, cpu_engine(), hint(l));
  }

  BackwardWeights& backward_weights() {
    if (!bwd_weights) {
      Layout l = preferred(1);
      auto pd = backward_weights_pd(l);
      if (l == Layout::plain && !fast_impl(pd.impl_info_str())) pd = backward_weights_pd(Layout::blocked);
      bwd_weights.emplace(BackwardWeights{pd, dnnl::convolution_backward_weights(pd),
                                          make_reorder(src_md, pd.src_desc()), make_reorder(dst_md, pd.diff_dst_desc()),
                                          make_reorder(pd.diff_weights_desc(), wei_md, /*accumulate=*/true)});
      ++g_primitives_created;
    }
    return *bwd_weights;
  }

  dnnl::convolution_backward_data::primitive_desc backward_data_pd(Layout l) {
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, act_desc(src_md, l),
                                            any_desc(wei_md.dims()), act_desc(dst_md, l), strides, dilates, pad_l,
                                            pad_r);
    return dnnl::convolution_backward_data::primitive_desc(d, cpu_engine(), hint(l));
  }

  BackwardData& backward_data() {
    if (!bwd_data) {
      Layout l = preferred(2);
      auto pd = backward_data_pd(l);
      if (l == Layout::plain && !fast_impl(pd.impl_info_str())) pd = backward_data_pd(Layout::blocked);
      bwd_data.emplace(BackwardData{pd, dnnl::convolution_backward_data(pd), make_reorder(wei_md, pd.weights_desc()),
                                    make_reorder(dst_md, pd.diff_dst_desc()), make_reorder(pd.diff_src_desc(), src_md)});
      ++g_primitives_created;
    }
    return *bwd_data;
  }
};

std::vector<int64_t> key_of(const ConvSpec& s) {
  std::vector<int64_t> k{static_cast<int64_t>(g_layout_policy.load()), s.rank, s.channels_first ? 1 : 0, s.batch,
                        s.in_channels, s.filters, s.groups};
  for (const auto* v : {&s.in_size, &s.out_size, &s.kernel, &s.strides, &s.dilation, &s.pad_before, &s.pad_after})
    k.insert(k.end(), v->begin(), v->end());
  return k;
}

std::mutex g_conv_cache_mutex;  // guards the cache and the lazy creation of a plan's primitives

// Callers hold the returned pointer while they run, so clearing the cache never frees a plan in use.
std::shared_ptr<Plan> plan_for(const ConvSpec& spec) {
  static std::map<std::vector<int64_t>, std::shared_ptr<Plan>> cache;
  auto key = key_of(spec);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() >= kMaxPlans) cache.clear();
  return cache.emplace(std::move(key), std::make_shared<Plan>(spec)).first->second;
}

void check_spec(const ConvSpec& s) {
  auto n = static_cast<size_t>(s.rank);
  if (s.rank < 1 || s.rank > 3 || s.in_size.size() != n || s.out_size.size() != n || s.kernel.size() != n ||
      s.strides.size() != n || s.dilation.size() != n || s.pad_before.size() != n || s.pad_after.size() != n ||
      s.groups < 1 || s.in_channels % s.groups != 0 || s.filters % s.groups != 0)
    throw std::invalid_argument("keraspp internal error: inconsistent ConvSpec");
}

bool use_im2col_for_data(const ConvSpec& s) {
  switch (g_data_grad_path.load()) {
    case ConvDataGradPath::onednn: return false;
    case ConvDataGradPath::im2col: return !s.channels_first;
    case ConvDataGradPath::automatic: break;
  }
  // Measured on the project's 2-core Zen 5 (batch 32, 3x3 kernels; report of issue #4): sgemm + col2im is 1.3-2x
  // faster than oneDNN's backward-data primitive below 16 input channels (1 channel, 28x28 -> 32: 247 vs 447 us),
  // oneDNN is 5-25% faster from 16 channels on (13x13x32 -> 64: 353 vs 408 us), with strides too, and im2col loses
  // badly with groups (one small sgemm per group). On the Xeon (conv_kernels): 370 vs 820-890 us for 1 channel, 570
  // vs 505 us for 32.
  if (s.channels_first || s.groups != 1) return false;
  return s.in_channels < 16;
}

}  // namespace

void set_conv_data_grad_path(ConvDataGradPath path) { g_data_grad_path = path; }
void set_conv_layout_policy(ConvLayoutPolicy policy) { g_layout_policy = policy; }
ConvDataGradPath conv_data_grad_path() { return g_data_grad_path; }
int64_t conv_primitives_created() { return g_primitives_created; }

void conv_forward(const ConvSpec& spec, const float* x, const float* kernel, const float* bias, float* y,
                  ConvActivation act, ConvSaved* saved) {
  check_spec(spec);
  std::unique_lock lock(g_conv_cache_mutex);
  const std::shared_ptr<Plan> plan = plan_for(spec);
  Plan& p = *plan;
  Plan::Forward& f = p.forward(act);
  lock.unlock();
  dnnl::stream& s = cpu_stream();

  Staged src = stage_in(f.src_in, p.src_md, f.pd.src_desc(), x);
  Staged wei = stage_in(f.wei_in, p.wei_md, f.pd.weights_desc(), kernel);
  memory user_dst = wrap(p.dst_md, y);
  Tensor dst_buf;
  memory dst = user_dst;
  if (f.dst_out) {
    dst_buf = buffer_for(f.pd.dst_desc());
    dst = wrap(f.pd.dst_desc(), dst_buf.data());
  }
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src.mem}, {DNNL_ARG_WEIGHTS, wei.mem}, {DNNL_ARG_DST, dst}};
  Tensor zero_bias;
  if (!bias) {
    zero_bias = Tensor::zeros({spec.filters});
    bias = zero_bias.data();
  }
  args.emplace(DNNL_ARG_BIAS, wrap(p.bias_md, bias));
  f.prim.execute(s, args);
  if (f.dst_out) f.dst_out->execute(s, dst, user_dst);
  s.wait();
  if (saved) {
    // Keep only the converted copies: when no conversion was needed, backward reads the user's x and kernel.
    saved->src = src.owner;
    saved->weights = wei.owner;
    saved->producer = static_cast<int>(act);
  }
}

void conv_backward(const ConvSpec& spec, const float* x, const float* kernel, const float* dy, float* dx,
                   float* dkernel, float* dbias, const ConvSaved* saved) {
  check_spec(spec);
  const bool data_by_im2col = dx && use_im2col_for_data(spec);
  std::unique_lock lock(g_conv_cache_mutex);
  const std::shared_ptr<Plan> plan = plan_for(spec);
  Plan& p = *plan;
  // The forward primitive whose layouts `saved` is in.
  const Plan::Forward* fwd = saved && (saved->producer == 0 || saved->producer == 1) && p.fwd[saved->producer]
                                 ? &*p.fwd[saved->producer] : nullptr;
  Plan::BackwardWeights* bw = dkernel || dbias ? &p.backward_weights() : nullptr;
  Plan::BackwardData* bd = dx && !data_by_im2col ? &p.backward_data() : nullptr;
  lock.unlock();
  dnnl::stream& s = cpu_stream();

  // dy in the weights primitive's layout; the data primitive reuses it when its layout is the same.
  Staged ddst_w;
  if (bw) {
    ddst_w = stage_in(bw->ddst_in, p.dst_md, bw->pd.diff_dst_desc(), dy);
    Staged src;
    if (saved && saved->src.defined() && fwd && fwd->pd.src_desc() == bw->pd.src_desc())
      src = {wrap(bw->pd.src_desc(), saved->src.data()), {}};
    else
      src = stage_in(bw->src_in, p.src_md, bw->pd.src_desc(), x);
    Tensor dwei = buffer_for(bw->pd.diff_weights_desc());
    Tensor dbias_buf = Tensor::empty({spec.filters});
    memory dwei_mem = wrap(bw->pd.diff_weights_desc(), dwei.data());
    bw->prim.execute(s, {{DNNL_ARG_SRC, src.mem},
                         {DNNL_ARG_DIFF_DST, ddst_w.mem},
                         {DNNL_ARG_DIFF_WEIGHTS, dwei_mem},
                         {DNNL_ARG_DIFF_BIAS, wrap(p.bias_md, dbias_buf.data())}});
    if (dkernel) {
      memory user_dwei = wrap(p.wei_md, dkernel);
      bw->dwei_out->execute(s, dwei_mem, user_dwei);
    }
    s.wait();
    if (dbias) add_into(dbias, dbias_buf.data(), spec.filters);
  }

  if (dx) {
    if (data_by_im2col) {
      detail::conv_backward_data_im2col(spec, dy, kernel, dx);
      return;
    }
    Staged wei;
    if (saved && saved->weights.defined() && fwd && fwd->pd.weights_desc() == bd->pd.weights_desc())
      wei = {wrap(bd->pd.weights_desc(), saved->weights.data()), {}};
    else
      wei = stage_in(bd->wei_in, p.wei_md, bd->pd.weights_desc(), kernel);
    Staged ddst;
    if (bw && bw->pd.diff_dst_desc() == bd->pd.diff_dst_desc()) ddst = ddst_w;
    else ddst = stage_in(bd->ddst_in, p.dst_md, bd->pd.diff_dst_desc(), dy);
    memory user_dsrc = wrap(p.src_md, dx);
    Tensor dsrc_buf;
    memory dsrc = user_dsrc;
    if (bd->dsrc_out) {
      dsrc_buf = buffer_for(bd->pd.diff_src_desc());
      dsrc = wrap(bd->pd.diff_src_desc(), dsrc_buf.data());
    }
    bd->prim.execute(s, {{DNNL_ARG_DIFF_DST, ddst.mem}, {DNNL_ARG_WEIGHTS, wei.mem}, {DNNL_ARG_DIFF_SRC, dsrc}});
    if (bd->dsrc_out) bd->dsrc_out->execute(s, dsrc, user_dsrc);
    s.wait();
  }
}

}  // namespace keras::backend
