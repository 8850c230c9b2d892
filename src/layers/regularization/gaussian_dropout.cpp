#include "keras/layers/regularization/gaussian_dropout.hpp"

#include <cmath>
#include <optional>
#include <random>

#include "keras/layers/registry.hpp"
#include "keras/random/random.hpp"
#include "layers/regularization/normal_noise.hpp"
#include "layers/regularization/dropout_args.hpp"

namespace keras::layers {

namespace {

class GaussianDropoutImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit GaussianDropoutImpl(const kw::Kwargs& k) : SingleInputLayer("GaussianDropout", k) {
    rate_ = regularization::read_rate(k, "GaussianDropout", name());
    if (auto seed = k.get<int>("seed")) own_generator_ = random::seeded_generator(static_cast<uint64_t>(*seed));
  }

  Shape compute_output_shape(const Shape& s) override { return s; }

  // ctx.saved: the multiplicative noise, for backward.
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    ctx.saved.clear();
    if (!ctx.training || rate_ == 0.0) return x;
    std::mt19937_64& gen = own_generator_ ? *own_generator_ : random::generator();
    const uint64_t key = gen();
    Tensor noise = Tensor::empty(x.dims());
    Tensor y = Tensor::empty(x.dims());
    const float* a = x.data();
    float* m = noise.data();
    float* o = y.data();
    const auto stddev = static_cast<float>(std::sqrt(rate_ / (1.0 - rate_)));
    noise::for_each_standard_normal(key, x.size(), [&](int64_t i, float z) {
      m[i] = 1.0f + stddev * z;
      o[i] = a[i] * m[i];
    });
    ctx.saved = {noise};
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (ctx.saved.empty()) return g;  // inference, or rate 0: the identity
    return g * ctx.saved[0];
  }

 private:
  double rate_ = 0.0;
  std::optional<std::mt19937_64> own_generator_;
};

}  // namespace

GaussianDropout::GaussianDropout(const kw::Kwargs& kwargs) : Layer(std::make_shared<GaussianDropoutImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(GaussianDropout)

}  // namespace keras::layers
