#include "keras/layers/regularization/alpha_dropout.hpp"

#include <cmath>
#include <optional>
#include <random>

#include "keras/layers/registry.hpp"
#include "keras/random/random.hpp"
#include "layers/regularization/dropout_args.hpp"
#include "random/counter_uniform.hpp"

namespace keras::layers {

namespace {

// SELU's negative saturation value, -alpha * scale (keras/src/layers/regularization/alpha_dropout.py).
constexpr double kAlphaPrime = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946;

class AlphaDropoutImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit AlphaDropoutImpl(const kw::Kwargs& k) : SingleInputLayer("AlphaDropout", k) {
    rate_ = regularization::read_rate(k, "AlphaDropout", name());
    if (auto ns = k.get<Shape>("noise_shape")) noise_shape_ = *ns;
    if (auto seed = k.get<int>("seed")) own_generator_ = random::seeded_generator(static_cast<uint64_t>(*seed));
  }

  Shape compute_output_shape(const Shape& s) override {
    check_noise_shape(s);
    return s;
  }

  // y = a * (kept ? x : alpha') + b = x * scale + shift, with scale = a * kept and shift = a * alpha' * (1 - kept) + b
  // drawn in the noise shape and broadcast; ctx.saved: scale, for backward.
  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    ctx.saved.clear();
    if (!ctx.training || rate_ == 0.0) return x;
    std::vector<int64_t> dims = x.dims();
    if (noise_shape_)
      for (int i = 0; i < noise_shape_->ndim(); ++i)
        if ((*noise_shape_)[i].known()) dims[static_cast<size_t>(i)] = (*noise_shape_)[i].value();
    const double a = 1.0 / std::sqrt((1.0 - rate_) * (1.0 + rate_ * kAlphaPrime * kAlphaPrime));
    const double b = -a * kAlphaPrime * rate_;
    const auto keep_scale = static_cast<float>(a), drop_shift = static_cast<float>(a * kAlphaPrime + b),
               keep_shift = static_cast<float>(b);
    std::mt19937_64& gen = own_generator_ ? *own_generator_ : random::generator();
    const uint64_t key = gen();
    const auto rate = static_cast<float>(rate_);
    Tensor scale = Tensor::empty(dims), shift = Tensor::empty(dims);
    float* sc = scale.data();
    float* sh = shift.data();
    const int64_t n = scale.size();
#pragma omp parallel for simd if (parallel : n > (1 << 15))
    for (int64_t i = 0; i < n; ++i) {
      const bool kept = random::detail::counter_uniform(key, static_cast<uint64_t>(i)) >= rate;
      sc[i] = kept ? keep_scale : 0.0f;
      sh[i] = kept ? keep_shift : drop_shift;
    }
    ctx.saved = {scale};
    return x * scale + shift;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (ctx.saved.empty()) return g;  // inference, or rate 0: the identity
    return g * ctx.saved[0];
  }

 private:
  void check_noise_shape(const Shape& s) const { regularization::check_noise_shape(noise_shape_, s, name()); }

  double rate_ = 0.0;
  std::optional<Shape> noise_shape_;
  std::optional<std::mt19937_64> own_generator_;
};

}  // namespace

AlphaDropout::AlphaDropout(const kw::Kwargs& kwargs) : Layer(std::make_shared<AlphaDropoutImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(AlphaDropout)

}  // namespace keras::layers
