#include "keras/layers/rnn/gru.hpp"

#include <cstring>
#include <vector>

#include "backend/kernels.hpp"
#include "keras/layers/registry.hpp"
#include "layers/rnn/rnn_base.hpp"

namespace keras::layers {

namespace {

using rnn_detail::Step;
using rnn_detail::StepGrad;

class GRUImpl : public rnn_detail::RnnBase {
 public:
  GRUImpl(std::string class_name, const kw::Kwargs& k)
      : RnnBase(std::move(class_name), k, 3, 1), reset_after_(k.get_or("reset_after", true)) {}

 protected:
  std::vector<int64_t> bias_shape() const override {
    if (reset_after_) return {2, 3 * units_};
    return {3 * units_};
  }
  // Per step: pre-activations (3, B, u) gate-major [z, r, hh], activations (3, B, u), and rh (B, u): the recurrent
  // h-part before the reset gate (reset_after) or the reset operand r * h (reset_after=false).
  int64_t cache_floats(int64_t batch) const override { return 7 * batch * units_; }
  bool separate_recurrent_grad() const override { return reset_after_; }

  // Keras's default cell (reset_after=true, tanh, sigmoid) is oneDNN's lbr_gru, which runs the whole sequence.
  int64_t fused_workspace_floats(const backend::RnnDims& d) const override {
    const bool keras_default =
        reset_after_ && activation_->name() == "tanh" && recurrent_activation_->name() == "sigmoid";
    return keras_default ? backend::lbr_gru_workspace_floats(d) : 0;
  }
  bool fused_forward(const rnn_detail::FusedIo& io) override {
    const std::vector<float> b = lbr_bias();
    return backend::lbr_gru_forward(io.d, io.x, io.s0[0], kernel_->value.data(), recurrent_kernel_->value.data(),
                                    b.data(), io.y, io.sT[0], io.ws);
  }
  void fused_backward(const rnn_detail::FusedIo& io, const rnn_detail::FusedGrad& g) override {
    const int64_t u = units_;
    const std::vector<float> b = lbr_bias();
    std::vector<float> db(4 * u, 0.0f);
    backend::lbr_gru_backward(io.d, io.x, io.s0[0], kernel_->value.data(), recurrent_kernel_->value.data(), b.data(),
                              io.y, io.sT[0], io.ws, g.dy, g.dsT[0], g.dx, g.ds0[0], grad_of(*kernel_).data(),
                              grad_of(*recurrent_kernel_).data(), db.data());
    if (!use_bias_) return;
    // Back to Keras's (2, 3u) bias: z and r's sums feed both rows; h's input and recurrent parts are separate.
    float* in = grad_of(*bias_).data();
    float* rec = in + 3 * u;
    for (int64_t j = 0; j < 2 * u; ++j) {
      in[j] += db[j];
      rec[j] += db[j];
    }
    for (int64_t j = 0; j < u; ++j) {
      in[2 * u + j] += db[2 * u + j];
      rec[2 * u + j] += db[3 * u + j];
    }
  }

  void step_forward(const Step& s) override {
    const int64_t B = s.batch, u = units_, Bu = B * u, Gu = 3 * u;
    float *pre = s.cache, *act = pre + 3 * Bu, *rh = act + 3 * Bu;
    float* inner = scratch(B * Gu);
    recurrent_product(s, 0, reset_after_ ? 3 : 2, inner, Gu, 0.0f);
    if (reset_after_ && use_bias_) backend::add_row_vector(inner, bias_->value.data() + Gu, B, Gu);
    for (int64_t b = 0; b < B; ++b)
      for (int gate = 0; gate < 2; ++gate) {
        const float* p = s.p + b * Gu + gate * u;
        const float* r = inner + b * Gu + gate * u;
        float* d = pre + (gate * B + b) * u;
        for (int64_t j = 0; j < u; ++j) d[j] = p[j] + r[j];
      }
    recurrent_activation_->forward(pre, act, 2 * B, u);
    const float *z = act, *r = act + Bu;
    float* pre_h = pre + 2 * Bu;
    if (reset_after_) {
      for (int64_t b = 0; b < B; ++b) {
        std::memcpy(rh + b * u, inner + b * Gu + 2 * u, sizeof(float) * u);
        for (int64_t j = 0; j < u; ++j) pre_h[b * u + j] = s.p[b * Gu + 2 * u + j] + r[b * u + j] * rh[b * u + j];
      }
    } else {
      for (int64_t i = 0; i < Bu; ++i) rh[i] = r[i] * s.hrec[2][i];
      for (int64_t b = 0; b < B; ++b) std::memcpy(pre_h + b * u, s.p + b * Gu + 2 * u, sizeof(float) * u);
      backend::gemm(false, false, B, u, u, 1.0f, rh, u, recurrent_kernel_->value.data() + 2 * u, Gu, 1.0f, pre_h, u);
    }
    activation_->forward(pre_h, act + 2 * Bu, B, u);
    const float *hh = act + 2 * Bu, *h_prev = s.s_prev[0];
    for (int64_t i = 0; i < Bu; ++i) s.s_new[0][i] = z[i] * h_prev[i] + (1.0f - z[i]) * hh[i];
  }

  void step_backward(const Step& s, const StepGrad& g) override {
    const int64_t B = s.batch, u = units_, Bu = B * u, Gu = 3 * u;
    const float *pre = s.cache, *act = pre + 3 * Bu, *rh = act + 3 * Bu;
    const float *z = act, *r = act + Bu, *hh = act + 2 * Bu, *h_prev = s.s_prev[0], *dh = g.ds[0];
    float* dact = scratch(4 * Bu);
    float* drh = dact + 3 * Bu;
    for (int64_t i = 0; i < Bu; ++i) {
      dact[i] = dh[i] * (h_prev[i] - hh[i]);
      dact[2 * Bu + i] = dh[i] * (1.0f - z[i]);
      g.ds_prev[0][i] = dh[i] * z[i];
    }
    activation_->backward(pre + 2 * Bu, hh, dact + 2 * Bu, dact + 2 * Bu, B, u);
    const float* dpre_h = dact + 2 * Bu;
    if (reset_after_) {
      for (int64_t i = 0; i < Bu; ++i) {
        dact[Bu + i] = dpre_h[i] * rh[i];
        drh[i] = dpre_h[i] * r[i];
      }
    } else {
      backend::gemm(false, true, B, u, u, 1.0f, dpre_h, u, recurrent_kernel_->value.data() + 2 * u, Gu, 0.0f, drh, u);
      for (int64_t i = 0; i < Bu; ++i) dact[Bu + i] = drh[i] * s.hrec[2][i];
    }
    recurrent_activation_->backward(pre, act, dact, dact, 2 * B, u);
    for (int64_t b = 0; b < B; ++b)
      for (int gate = 0; gate < 3; ++gate)
        std::memcpy(g.dp + b * Gu + gate * u, dact + (gate * B + b) * u, sizeof(float) * u);
    if (reset_after_) {
      for (int64_t b = 0; b < B; ++b) {
        std::memcpy(g.dzr + b * Gu, g.dp + b * Gu, sizeof(float) * 2 * u);
        std::memcpy(g.dzr + b * Gu + 2 * u, drh + b * u, sizeof(float) * u);
      }
      recurrent_product_grad(g, B, 0, 3, g.dzr, Gu, false);
      return;
    }
    recurrent_product_grad(g, B, 0, 2, g.dp, Gu, false);
    // The h block's operand is r * hrec: its gradient reaches hrec through r.
    float* dh2 = g.dhrec[1] ? g.dhrec[2] : g.dhrec[0];
    const bool accumulate = g.dhrec[1] == nullptr;
    for (int64_t i = 0; i < Bu; ++i) dh2[i] = (accumulate ? dh2[i] : 0.0f) + drh[i] * r[i];
  }

  void recurrent_weight_grads(int64_t steps, int64_t batch, const float* hrec, const float* dz,
                              const float* caches) override {
    const int64_t u = units_, Gu = 3 * u, Bu = batch * u;
    if (reset_after_) {
      add_recurrent_kernel_grad(steps * batch, hrec, dz, 0, 3);
      if (use_bias_) backend::column_sums(dz, grad_of(*bias_).data() + Gu, steps * batch, Gu, true);
      return;
    }
    add_recurrent_kernel_grad(steps * batch, hrec, dz, 0, 2);
    float* drk = grad_of(*recurrent_kernel_).data() + 2 * u;
    const int64_t cf = cache_floats(batch);
    for (int64_t s = 0; s < steps; ++s)
      backend::gemm(true, false, u, u, batch, 1.0f, caches + s * cf + 6 * Bu, u, dz + s * batch * Gu + 2 * u, Gu,
                    1.0f, drk, Gu);
  }

 private:
  // oneDNN's lbr_gru bias (4, u) from Keras's (2, 3u) [input; recurrent] (zeros without a bias).
  std::vector<float> lbr_bias() const {
    const int64_t u = units_;
    std::vector<float> b(4 * u, 0.0f);
    if (!use_bias_) return b;
    const float* in = bias_->value.data();
    const float* rec = in + 3 * u;
    for (int64_t j = 0; j < 2 * u; ++j) b[j] = in[j] + rec[j];
    for (int64_t j = 0; j < u; ++j) {
      b[2 * u + j] = in[2 * u + j];
      b[3 * u + j] = rec[2 * u + j];
    }
    return b;
  }

  bool reset_after_ = true;
};

}  // namespace

namespace rnn_detail {
std::shared_ptr<RnnBase> make_gru(std::string class_name, const kw::Kwargs& k) {
  return std::make_shared<GRUImpl>(std::move(class_name), k);
}
}  // namespace rnn_detail

GRU::GRU(const kw::Kwargs& kwargs) : RecurrentLayer(rnn_detail::make_gru("GRU", kwargs)) {}
GRUCell::GRUCell(const kw::Kwargs& kwargs) : Layer(rnn_detail::make_gru("GRUCell", kwargs)) {}

KERAS_REGISTER_LAYER(GRU)
KERAS_REGISTER_LAYER(GRUCell)

}  // namespace keras::layers
