#include "keras/layers/reshaping/repeat_vector.hpp"

#include "backend/kernels.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class RepeatVectorImpl : public SingleInputLayer {
 public:
  explicit RepeatVectorImpl(const kw::Kwargs& k) : SingleInputLayer("RepeatVector", k) {
    auto n = k.get<int>("n");
    if (!n)
      throw TypeError("RepeatVector.__init__() missing 1 required positional argument: 'n'",
                      {.layer = name(),
                       .hint = "give the number of repetitions: RepeatVector(64) or RepeatVector(n=64)."});
    if (*n < 0)
      throw ValueError("Received an invalid value for `n`, expected a non-negative integer. Received: n=" +
                           std::to_string(*n),
                       {.layer = name(), .expected = "n >= 0", .received = std::to_string(*n),
                        .hint = "n is how many times each sample's vector is repeated, e.g. RepeatVector(64) turns "
                                "(None, 1) into (None, 64, 1)."});
    n_ = *n;
    input_spec = {InputSpec{.ndim = 2}};
  }

  Shape compute_output_shape(const Shape& s) override { return Shape{s[0], Dim(n_), s[1]}; }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    const int64_t batch = x.dims()[0], features = x.dims()[1];
    Tensor y = Tensor::empty({batch, n_, features});
    const float* src = x.data();
    float* dst = y.data();
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < n_; ++i) backend::copy(src + b * features, dst + (b * n_ + i) * features, features);
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    const Tensor& x = ctx.inputs.at(0);
    const int64_t batch = x.dims()[0], features = x.dims()[1];
    Tensor dx = Tensor::empty(x.dims());
    // Each sample's gradient is the sum of its n repeated rows.
    for (int64_t b = 0; b < batch; ++b)
      backend::column_sums(g.data() + b * n_ * features, dx.data() + b * features, n_, features, false);
    return dx;
  }

  std::string hint_for(const SpecViolation& v) const override {
    if (v.kind != SpecViolation::Kind::ndim) return SingleInputLayer::hint_for(v);
    const std::string n = std::to_string(n_);
    const std::string from = v.producer.empty() ? "the input" : "the previous layer \"" + v.producer + "\"";
    if (v.received.ndim() == 1 && v.producer.empty())
      return "RepeatVector takes (batch, features): add the batch axis, x.reshape({1, " + to_string(v.received[0]) +
             "}) for one sample of " + to_string(v.received[0]) + " features.";
    if (v.received.ndim() > 2)
      return "RepeatVector repeats one vector per sample, (batch, features) -> (batch, " + n + ", features), but " +
             from + " gives " + to_string(v.received) + "; Flatten() it first (or, for an RNN, set "
             "return_sequences=false on the layer before) to get one vector per sample.";
    return "RepeatVector takes (batch, features) and gives (batch, " + n + ", features), but " + from + " gives " +
           to_string(v.received) + ".";
  }

 private:
  int64_t n_ = 0;
};

}  // namespace

RepeatVector::RepeatVector(const kw::Kwargs& kwargs) : Layer(std::make_shared<RepeatVectorImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(RepeatVector)

}  // namespace keras::layers
