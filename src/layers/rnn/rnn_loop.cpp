// RnnBase's time loop: forward and backpropagation through time (see rnn_base.hpp for the layout).
#include <atomic>
#include <cstring>

#include "backend/kernels.hpp"
#include "layers/rnn/rnn_base.hpp"
#include "models/forward_only.hpp"

namespace keras::layers::rnn_detail {

namespace {

// The state history: (n_states, S+1, B, u); hist(k, s) is state k before processing step s.
struct History {
  float* base;
  int64_t S, Bu;
  float* operator()(int k, int64_t s) const { return base + (k * (S + 1) + s) * Bu; }
};

std::atomic<bool> fused_enabled{true};

}  // namespace

void set_fused_primitives(bool enabled) { fused_enabled = enabled; }
bool fused_primitives() { return fused_enabled; }

std::vector<Tensor> RnnBase::forward_sequence(CallContext& ctx) {
  const Tensor& x = ctx.inputs.at(0);
  const int64_t B = x.dim(0), T = x.dim(1), I = x.dim(2), u = units_, Gu = gates_ * units_, S = T, Bu = B * u;
  check_state_batch(B, x.shape());
  // Keras switches to one dropout mask per gate (implementation=1) whenever recurrent_dropout is set.
  const bool per_gate = opt_.recurrent_dropout != 0.0;
  const bool drop_in = ctx.training && opt_.dropout > 0.0 && opt_.dropout < 1.0;
  const bool drop_rec = ctx.training && opt_.recurrent_dropout > 0.0 && opt_.recurrent_dropout < 1.0;
  const int n_in = drop_in && per_gate ? gates_ : 1;
  cur_rec_ops_ = drop_rec ? gates_ : 1;
  Tensor in_mask = drop_in ? dropout_masks(n_in, B, I, opt_.dropout) : Tensor();
  Tensor rec_mask = drop_rec ? dropout_masks(cur_rec_ops_, B, u, opt_.recurrent_dropout) : Tensor();
  auto time_of = [&](int64_t s) { return opt_.go_backwards ? T - 1 - s : s; };

  // Inputs in processing order, time-major, dropout applied: (n_in, S, B, I).
  Tensor xd = Tensor::empty({n_in, S, B, I});
  for (int g = 0; g < n_in; ++g)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t b = 0; b < B; ++b) {
        const float* src = x.data() + (b * T + time_of(s)) * I;
        float* dst = xd.data() + ((g * S + s) * B + b) * I;
        if (!drop_in) {
          std::memcpy(dst, src, sizeof(float) * I);
          continue;
        }
        const float* m = in_mask.data() + (g * B + b) * I;
        for (int64_t i = 0; i < I; ++i) dst[i] = src[i] * m[i];
      }

  Tensor hist_t = Tensor::empty({n_states_, S + 1, B, u});
  History H{hist_t.data(), S, Bu};
  const bool given = ctx.inputs.size() > 1;
  const bool carried = !given && opt_.stateful && static_cast<int>(states_.size()) == n_states_;
  for (int k = 0; k < n_states_; ++k) {
    if (given) std::memcpy(H(k, 0), ctx.inputs[1 + k].data(), sizeof(float) * Bu);
    else if (carried) std::memcpy(H(k, 0), states_[k].data(), sizeof(float) * Bu);
    else std::memset(H(k, 0), 0, sizeof(float) * Bu);
  }

  const Tensor& mask_t = ctx.input_mask(0);
  const float* mask = mask_t.defined() ? mask_t.data() : nullptr;
  auto masked = [&](int64_t b, int64_t s) { return mask && mask[b * T + time_of(s)] == 0.0f; };

  // Keras's default LSTM and GRU without masks or recurrent dropout run as one oneDNN primitive (faster than the loop
  // on 2 threads); it writes h for every step straight into the history.
  Tensor cache, fused_flag;
  if (!mask && !drop_rec && n_in == 1 && fused_primitives()) {
    const backend::RnnDims dims{S, B, I, u};
    const int64_t ws_floats = fused_workspace_floats(dims);
    if (ws_floats > 0) {
      // The workspace is what backward reads; predict and evaluate never call backward, so they run oneDNN's
      // inference primitive without one (at batch 1024 it is 60 MB).
      Tensor ws = keras::detail::forward_only() ? Tensor() : Tensor::empty({ws_floats});
      Tensor hT = Tensor::empty({B, u});  // the history already holds h's last step
      FusedIo io{.d = dims, .x = xd.data(), .y = H(0, 1), .ws = ws.defined() ? ws.data() : nullptr};
      for (int k = 0; k < n_states_; ++k) {
        io.s0[k] = H(k, 0);
        io.sT[k] = k == 0 ? hT.data() : H(k, S);
      }
      if (fused_forward(io)) {
        cache = ws;
        fused_flag = Tensor::scalar(1.0f);
      }
    }
  }
  Tensor hrec_t = drop_rec ? Tensor::empty({cur_rec_ops_, S, B, u}) : Tensor();
  if (!fused_flag.defined()) {
    // The input projection of every timestep at once.
    Tensor P = Tensor::empty({S, B, Gu});
    const float* K = kernel_->value.data();
    if (n_in == 1) {
      backend::gemm(false, false, S * B, Gu, I, 1.0f, xd.data(), I, K, Gu, 0.0f, P.data(), Gu);
    } else {
      for (int g = 0; g < n_in; ++g)
        backend::gemm(false, false, S * B, units_, I, 1.0f, xd.data() + g * S * B * I, I, K + g * u, Gu, 0.0f,
                      P.data() + g * u, Gu);
    }
    if (use_bias_) backend::add_row_vector(P.data(), bias_->value.data(), S * B, Gu);
    const int64_t cf = cache_floats(B);
    cache = Tensor::empty({S, std::max<int64_t>(cf, 1)});

    for (int64_t s = 0; s < S; ++s) {
      Step st;
      st.batch = B;
      st.p = P.data() + s * B * Gu;
      for (int k = 0; k < n_states_; ++k) {
        st.s_prev[k] = H(k, s);
        st.s_new[k] = H(k, s + 1);
      }
      for (int g = 0; g < gates_; ++g) st.hrec[g] = H(0, s);
      if (drop_rec) {
        for (int g = 0; g < cur_rec_ops_; ++g) {
          float* dst = hrec_t.data() + (g * S + s) * Bu;
          const float* m = rec_mask.data() + g * Bu;
          for (int64_t i = 0; i < Bu; ++i) dst[i] = H(0, s)[i] * m[i];
        }
        for (int g = 0; g < gates_; ++g) st.hrec[g] = hrec_t.data() + ((cur_rec_ops_ > 1 ? g : 0) * S + s) * Bu;
      }
      st.cache = cache.data() + s * cf;
      step_forward(st);
      // A masked step carries every state forward unchanged.
      for (int64_t b = 0; mask && b < B; ++b)
        if (masked(b, s))
          for (int k = 0; k < n_states_; ++k) std::memcpy(H(k, s + 1) + b * u, H(k, s) + b * u, sizeof(float) * u);
    }
  }

  std::vector<Tensor> out;
  // Keras 3's output at a masked step is the carried state, or zeros with zero_output_for_mask.
  if (opt_.return_sequences) {
    Tensor y = Tensor::empty({B, S, u});
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < S; ++s) {
        float* dst = y.data() + (b * S + s) * u;
        if (opt_.zero_output_for_mask && masked(b, s)) std::memset(dst, 0, sizeof(float) * u);
        else std::memcpy(dst, H(0, s + 1) + b * u, sizeof(float) * u);
      }
    out.push_back(y);
  } else {
    Tensor y = Tensor::empty({B, u});
    std::memcpy(y.data(), H(0, S), sizeof(float) * Bu);
    for (int64_t b = 0; opt_.zero_output_for_mask && b < B; ++b)
      if (masked(b, S - 1)) std::memset(y.data() + b * u, 0, sizeof(float) * u);
    out.push_back(y);
  }
  std::vector<Tensor> final_states;
  for (int k = 0; k < n_states_; ++k) {
    Tensor st = Tensor::empty({B, u});
    std::memcpy(st.data(), H(k, S), sizeof(float) * Bu);
    final_states.push_back(st);
  }
  if (opt_.stateful) {
    states_.clear();
    for (const Tensor& t : final_states) states_.push_back(t.copy());
    state_batch_ = B;
  }
  if (opt_.return_state)
    for (const Tensor& t : final_states) out.push_back(t);

  ctx.saved.assign(kSequenceSavedCount, Tensor());
  ctx.saved[kXd] = xd;
  ctx.saved[kHist] = hist_t;
  ctx.saved[kHrec] = hrec_t;
  ctx.saved[kCache] = cache;
  ctx.saved[kInMask] = in_mask;
  ctx.saved[kRecMask] = rec_mask;
  ctx.saved[kFused] = fused_flag;
  return out;
}

std::vector<Tensor> RnnBase::backward_sequence(CallContext& ctx, const std::vector<Tensor>& grads) {
  const Tensor& x = ctx.inputs.at(0);
  const int64_t B = x.dim(0), T = x.dim(1), I = x.dim(2), u = units_, Gu = gates_ * units_, S = T, Bu = B * u;
  const Tensor& xd = ctx.saved.at(kXd);
  Tensor hist_t = ctx.saved.at(kHist);
  const Tensor& hrec_t = ctx.saved.at(kHrec);
  const Tensor& cache = ctx.saved.at(kCache);
  const Tensor& in_mask = ctx.saved.at(kInMask);
  const Tensor& rec_mask = ctx.saved.at(kRecMask);
  const int64_t n_in = xd.dim(0);
  cur_rec_ops_ = rec_mask.defined() ? static_cast<int>(rec_mask.dim(0)) : 1;
  History H{hist_t.data(), S, Bu};
  auto time_of = [&](int64_t s) { return opt_.go_backwards ? T - 1 - s : s; };
  const Tensor& mask_t = ctx.input_mask(0);
  const float* mask = mask_t.defined() ? mask_t.data() : nullptr;
  auto masked = [&](int64_t b, int64_t s) { return mask && mask[b * T + time_of(s)] == 0.0f; };
  const int64_t cf = cache_floats(B);

  // dS: the gradient of the states after the current step, carried backwards through time.
  Tensor dS = Tensor::zeros({n_states_, B, u});
  for (int k = 0; opt_.return_state && k < n_states_; ++k)
    if (grads.size() > static_cast<size_t>(1 + k) && grads[1 + k].defined())
      std::memcpy(dS.data() + k * Bu, grads[1 + k].data(), sizeof(float) * Bu);
  const Tensor dY = grads.empty() ? Tensor() : grads[0];

  Tensor dxd;  // gradient of the (dropped-out, processing-ordered) inputs: (n_in, S, B, I)
  if (ctx.saved.at(kFused).defined()) {
    // oneDNN's backward: output gradients time-major, states' gradients as dst_iter gradients.
    Tensor dy = Tensor::zeros({S, B, u});
    if (dY.defined()) {
      if (opt_.return_sequences) {
        for (int64_t b = 0; b < B; ++b)
          for (int64_t s = 0; s < S; ++s)
            std::memcpy(dy.data() + (s * B + b) * u, dY.data() + (b * S + s) * u, sizeof(float) * u);
      } else {
        std::memcpy(dy.data() + (S - 1) * Bu, dY.data(), sizeof(float) * Bu);
      }
    }
    Tensor dT = dS.copy();
    dxd = Tensor::empty({1, S, B, I});
    FusedIo io{.d = {S, B, I, u}, .x = xd.data(), .y = H(0, 1), .ws = const_cast<float*>(cache.data())};
    FusedGrad fg{.dy = dy.data(), .dx = dxd.data()};
    for (int k = 0; k < n_states_; ++k) {
      io.s0[k] = H(k, 0);
      io.sT[k] = H(k, S);
      fg.dsT[k] = dT.data() + k * Bu;
      fg.ds0[k] = dS.data() + k * Bu;
    }
    fused_backward(io, fg);
  } else {
    Tensor DP = Tensor::empty({S, B, Gu});
    Tensor DZR = separate_recurrent_grad() ? Tensor::empty({S, B, Gu}) : Tensor();
    Tensor ds_cell = Tensor::empty({n_states_, B, u});
    Tensor ds_prev = Tensor::empty({n_states_, B, u});
    Tensor dhrec = Tensor::empty({cur_rec_ops_, B, u});

    for (int64_t s = S - 1; s >= 0; --s) {
      if (dY.defined() && (opt_.return_sequences || s == S - 1))
        for (int64_t b = 0; b < B; ++b) {
          if (opt_.zero_output_for_mask && masked(b, s)) continue;
          const float* g = dY.data() + (opt_.return_sequences ? (b * S + s) * u : b * u);
          float* d = dS.data() + b * u;
          for (int64_t j = 0; j < u; ++j) d[j] += g[j];
        }
      std::memcpy(ds_cell.data(), dS.data(), sizeof(float) * dS.size());
      for (int64_t b = 0; mask && b < B; ++b)
        if (masked(b, s))
          for (int k = 0; k < n_states_; ++k) std::memset(ds_cell.data() + k * Bu + b * u, 0, sizeof(float) * u);

      Step st;
      st.batch = B;
      for (int k = 0; k < n_states_; ++k) {
        st.s_prev[k] = H(k, s);
        st.s_new[k] = H(k, s + 1);
      }
      for (int g = 0; g < gates_; ++g)
        st.hrec[g] = hrec_t.defined() ? hrec_t.data() + ((cur_rec_ops_ > 1 ? g : 0) * S + s) * Bu : H(0, s);
      st.cache = const_cast<float*>(cache.data()) + s * cf;
      StepGrad gr;
      for (int k = 0; k < n_states_; ++k) {
        gr.ds[k] = ds_cell.data() + k * Bu;
        gr.ds_prev[k] = ds_prev.data() + k * Bu;
      }
      gr.dp = DP.data() + s * B * Gu;
      gr.dzr = DZR.defined() ? DZR.data() + s * B * Gu : nullptr;
      for (int g = 0; g < cur_rec_ops_; ++g) gr.dhrec[g] = dhrec.data() + g * Bu;
      step_backward(st, gr);

      // Masked rows pass their gradient straight to the previous states.
      for (int k = 0; k < n_states_; ++k) {
        float* d = dS.data() + k * Bu;
        const float* p = ds_prev.data() + k * Bu;
        for (int64_t b = 0; b < B; ++b) {
          const bool keep = masked(b, s);
          for (int64_t j = 0; j < u; ++j) d[b * u + j] = p[b * u + j] + (keep ? d[b * u + j] : 0.0f);
        }
      }
      float* dh = dS.data();
      for (int g = 0; g < cur_rec_ops_; ++g) {
        const float* d = dhrec.data() + g * Bu;
        if (rec_mask.defined()) {
          const float* m = rec_mask.data() + g * Bu;
          for (int64_t i = 0; i < Bu; ++i) dh[i] += d[i] * m[i];
        } else {
          for (int64_t i = 0; i < Bu; ++i) dh[i] += d[i];
        }
      }
    }

    float* dK = grad_of(*kernel_).data();
    if (n_in == 1) {
      backend::gemm(true, false, I, Gu, S * B, 1.0f, xd.data(), I, DP.data(), Gu, 1.0f, dK, Gu);
    } else {
      for (int64_t g = 0; g < n_in; ++g)
        backend::gemm(true, false, I, u, S * B, 1.0f, xd.data() + g * S * B * I, I, DP.data() + g * u, Gu, 1.0f,
                      dK + g * u, Gu);
    }
    if (use_bias_) backend::column_sums(DP.data(), grad_of(*bias_).data(), S * B, Gu, true);
    recurrent_weight_grads(S, B, hrec_t.defined() ? hrec_t.data() : H(0, 0), DZR.defined() ? DZR.data() : DP.data(),
                           cache.data());
    if (ctx.input_needs_grad(0)) {
      const float* Kv = kernel_->value.data();
      dxd = Tensor::empty({n_in, S, B, I});
      if (n_in == 1) {
        backend::gemm(false, true, S * B, I, Gu, 1.0f, DP.data(), Gu, Kv, Gu, 0.0f, dxd.data(), I);
      } else {
        for (int64_t g = 0; g < n_in; ++g)
          backend::gemm(false, true, S * B, I, u, 1.0f, DP.data() + g * u, Gu, Kv + g * u, Gu, 0.0f,
                        dxd.data() + g * S * B * I, I);
      }
    }
  }

  std::vector<Tensor> out(ctx.inputs.size());
  if (ctx.input_needs_grad(0) && dxd.defined()) {
    Tensor dx = Tensor::zeros({B, T, I});
    for (int64_t g = 0; g < n_in; ++g)
      for (int64_t s = 0; s < S; ++s)
        for (int64_t b = 0; b < B; ++b) {
          const float* src = dxd.data() + ((g * S + s) * B + b) * I;
          float* dst = dx.data() + (b * T + time_of(s)) * I;
          const float* m = in_mask.defined() ? in_mask.data() + (g * B + b) * I : nullptr;
          for (int64_t i = 0; i < I; ++i) dst[i] += m ? src[i] * m[i] : src[i];
        }
    out[0] = dx;
  }
  for (int k = 0; k + 1 < static_cast<int>(ctx.inputs.size()) && k < n_states_; ++k) {
    Tensor d = Tensor::empty({B, u});
    std::memcpy(d.data(), dS.data() + k * Bu, sizeof(float) * Bu);
    out[1 + k] = d;
  }
  return out;
}

}  // namespace keras::layers::rnn_detail
