#include "keras/layers/rnn/lstm.hpp"

#include <cstring>

#include "keras/initializers/initializers.hpp"
#include "keras/layers/registry.hpp"
#include "layers/rnn/rnn_base.hpp"

namespace keras::layers {

namespace {

using rnn_detail::Step;
using rnn_detail::StepGrad;

class LSTMImpl : public rnn_detail::RnnBase {
 public:
  LSTMImpl(std::string class_name, const kw::Kwargs& k) : RnnBase(std::move(class_name), k, 4, 2) {
    unit_forget_bias_ = k.get_or("unit_forget_bias", true);
  }

 protected:
  Tensor initial_bias() const override {
    if (!unit_forget_bias_) return RnnBase::initial_bias();
    // Keras: bias_initializer for i, ones for f, bias_initializer for c and o.
    auto init = initializers::get(bias_init_);
    Tensor i = (*init)({units_}), co = (*init)({2 * units_});
    Tensor b = Tensor::empty({4 * units_});
    std::memcpy(b.data(), i.data(), sizeof(float) * units_);
    std::fill(b.data() + units_, b.data() + 2 * units_, 1.0f);
    std::memcpy(b.data() + 2 * units_, co.data(), sizeof(float) * 2 * units_);
    return b;
  }

  // Keras's default cell (tanh, sigmoid, bias) is oneDNN's LSTM, which runs the whole sequence.
  int64_t fused_workspace_floats(const backend::RnnDims& d) const override {
    const bool keras_default =
        use_bias_ && activation_->name() == "tanh" && recurrent_activation_->name() == "sigmoid";
    return keras_default ? backend::lstm_workspace_floats(d) : 0;
  }
  bool fused_forward(const rnn_detail::FusedIo& io) override {
    return backend::lstm_forward(io.d, io.x, io.s0[0], io.s0[1], kernel_->value.data(),
                                 recurrent_kernel_->value.data(), bias_->value.data(), io.y, io.sT[0], io.sT[1],
                                 io.ws);
  }
  void fused_backward(const rnn_detail::FusedIo& io, const rnn_detail::FusedGrad& g) override {
    backend::lstm_backward(io.d, io.x, io.s0[0], io.s0[1], kernel_->value.data(), recurrent_kernel_->value.data(),
                           bias_->value.data(), io.y, io.sT[0], io.sT[1], io.ws, g.dy, g.dsT[0], g.dsT[1], g.dx,
                           g.ds0[0], g.ds0[1], grad_of(*kernel_).data(), grad_of(*recurrent_kernel_).data(),
                           grad_of(*bias_).data());
  }

  // Per step: pre-activations (4, B, u) gate-major, activations (4, B, u), c (B, u), activation(c) (B, u).
  int64_t cache_floats(int64_t batch) const override { return 10 * batch * units_; }

  void step_forward(const Step& s) override {
    const int64_t B = s.batch, u = units_, Bu = B * u, Gu = 4 * u;
    float* z = scratch(B * Gu);
    std::memcpy(z, s.p, sizeof(float) * B * Gu);
    recurrent_product(s, 0, 4, z, Gu, 1.0f);
    float *pre = s.cache, *act = pre + 4 * Bu, *c = act + 4 * Bu, *tc = c + Bu;
    to_gate_major(z, pre, B);
    // i and f are adjacent in the gate-major layout: one call over 2B rows.
    recurrent_activation_->forward(pre, act, 2 * B, u);
    activation_->forward(pre + 2 * Bu, act + 2 * Bu, B, u);
    recurrent_activation_->forward(pre + 3 * Bu, act + 3 * Bu, B, u);
    const float *gi = act, *gf = act + Bu, *gc = act + 2 * Bu, *go = act + 3 * Bu, *c_prev = s.s_prev[1];
    for (int64_t i = 0; i < Bu; ++i) c[i] = gf[i] * c_prev[i] + gi[i] * gc[i];
    activation_->forward(c, tc, B, u);
    for (int64_t i = 0; i < Bu; ++i) s.s_new[0][i] = go[i] * tc[i];
    std::memcpy(s.s_new[1], c, sizeof(float) * Bu);
  }

  void step_backward(const Step& s, const StepGrad& g) override {
    const int64_t B = s.batch, u = units_, Bu = B * u, Gu = 4 * u;
    const float *pre = s.cache, *act = pre + 4 * Bu, *c = act + 4 * Bu, *tc = c + Bu;
    const float *gi = act, *gf = act + Bu, *gc = act + 2 * Bu, *go = act + 3 * Bu, *c_prev = s.s_prev[1];
    const float *dh = g.ds[0], *dc_in = g.ds[1];
    float* dact = scratch(5 * Bu);
    float* dc = dact + 4 * Bu;
    for (int64_t i = 0; i < Bu; ++i) {
      dact[3 * Bu + i] = dh[i] * tc[i];
      dc[i] = dh[i] * go[i];
    }
    activation_->backward(c, tc, dc, dc, B, u);
    for (int64_t i = 0; i < Bu; ++i) {
      const float d = dc[i] + dc_in[i];
      dact[i] = d * gc[i];
      dact[Bu + i] = d * c_prev[i];
      dact[2 * Bu + i] = d * gi[i];
      g.ds_prev[1][i] = d * gf[i];
    }
    std::memset(g.ds_prev[0], 0, sizeof(float) * Bu);  // h reaches the next step only through the product
    recurrent_activation_->backward(pre, act, dact, dact, 2 * B, u);
    activation_->backward(pre + 2 * Bu, act + 2 * Bu, dact + 2 * Bu, dact + 2 * Bu, B, u);
    recurrent_activation_->backward(pre + 3 * Bu, act + 3 * Bu, dact + 3 * Bu, dact + 3 * Bu, B, u);
    from_gate_major(dact, g.dp, B);
    recurrent_product_grad(g, B, 0, 4, g.dp, Gu, false);
  }

 private:
  void to_gate_major(const float* z, float* out, int64_t B) const {
    const int64_t u = units_;
    for (int64_t b = 0; b < B; ++b)
      for (int gate = 0; gate < 4; ++gate)
        std::memcpy(out + (gate * B + b) * u, z + (b * 4 + gate) * u, sizeof(float) * u);
  }
  void from_gate_major(const float* in, float* z, int64_t B) const {
    const int64_t u = units_;
    for (int64_t b = 0; b < B; ++b)
      for (int gate = 0; gate < 4; ++gate)
        std::memcpy(z + (b * 4 + gate) * u, in + (gate * B + b) * u, sizeof(float) * u);
  }

  bool unit_forget_bias_ = true;
};

}  // namespace

namespace rnn_detail {
std::shared_ptr<RnnBase> make_lstm(std::string class_name, const kw::Kwargs& k) {
  return std::make_shared<LSTMImpl>(std::move(class_name), k);
}
}  // namespace rnn_detail

LSTM::LSTM(const kw::Kwargs& kwargs) : RecurrentLayer(rnn_detail::make_lstm("LSTM", kwargs)) {}
LSTMCell::LSTMCell(const kw::Kwargs& kwargs) : Layer(rnn_detail::make_lstm("LSTMCell", kwargs)) {}

KERAS_REGISTER_LAYER(LSTM)
KERAS_REGISTER_LAYER(LSTMCell)

}  // namespace keras::layers
