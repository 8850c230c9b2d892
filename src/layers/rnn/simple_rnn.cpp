#include "keras/layers/rnn/simple_rnn.hpp"

#include <cstring>

#include "keras/layers/registry.hpp"
#include "layers/rnn/rnn_base.hpp"

namespace keras::layers {

namespace {

using rnn_detail::Step;
using rnn_detail::StepGrad;

class SimpleRNNImpl : public rnn_detail::RnnBase {
 public:
  SimpleRNNImpl(std::string class_name, const kw::Kwargs& k) : RnnBase(std::move(class_name), k, 1, 1) {}

 protected:
  // Per step: the pre-activation and h, both (B, u).
  int64_t cache_floats(int64_t batch) const override { return 2 * batch * units_; }

  void step_forward(const Step& s) override {
    const int64_t Bu = s.batch * units_;
    float *pre = s.cache, *h = pre + Bu;
    std::memcpy(pre, s.p, sizeof(float) * Bu);
    recurrent_product(s, 0, 1, pre, units_, 1.0f);
    activation_->forward(pre, h, s.batch, units_);
    std::memcpy(s.s_new[0], h, sizeof(float) * Bu);
  }

  void step_backward(const Step& s, const StepGrad& g) override {
    const int64_t Bu = s.batch * units_;
    const float *pre = s.cache, *h = pre + Bu;
    activation_->backward(pre, h, g.ds[0], g.dp, s.batch, units_);
    std::memset(g.ds_prev[0], 0, sizeof(float) * Bu);
    recurrent_product_grad(g, s.batch, 0, 1, g.dp, units_, false);
  }
};

}  // namespace

namespace rnn_detail {
std::shared_ptr<RnnBase> make_simple_rnn(std::string class_name, const kw::Kwargs& k) {
  return std::make_shared<SimpleRNNImpl>(std::move(class_name), k);
}
}  // namespace rnn_detail

SimpleRNN::SimpleRNN(const kw::Kwargs& kwargs) : RecurrentLayer(rnn_detail::make_simple_rnn("SimpleRNN", kwargs)) {}
SimpleRNNCell::SimpleRNNCell(const kw::Kwargs& kwargs) : Layer(rnn_detail::make_simple_rnn("SimpleRNNCell", kwargs)) {}

KERAS_REGISTER_LAYER(SimpleRNN)
KERAS_REGISTER_LAYER(SimpleRNNCell)

}  // namespace keras::layers
