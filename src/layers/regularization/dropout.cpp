#include "keras/layers/regularization/dropout.hpp"

#include <cmath>
#include <optional>
#include <random>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "keras/random/random.hpp"
#include "layers/regularization/dropout_args.hpp"
#include "layers/spatial_utils.hpp"
#include "random/counter_uniform.hpp"

namespace keras::layers {

namespace {

class DropoutImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit DropoutImpl(const kw::Kwargs& k) : SingleInputLayer("Dropout", k) {
    auto rate = k.get<double>("rate");
    if (!rate)
      throw TypeError("Dropout.__init__() missing 1 required positional argument: 'rate'",
                      {.layer = name(), .hint = "give the fraction of inputs to drop: Dropout(0.5) or "
                                                "Dropout(rate=0.5)."});
    rate_ = *rate;
    if (!(0.0 <= rate_ && rate_ <= 1.0)) {
      const std::string r = py_float(rate_);
      std::string hint = "rate is the fraction of input units to drop, between 0 and 1 (0 keeps everything): "
                         "e.g. Dropout(0.2) drops 20%.";
      if (rate_ > 1.0 && rate_ <= 100.0)
        hint = "rate is a fraction, not a percentage: to drop " + regularization::percent(rate_) + "% of the inputs write Dropout(" +
               py_float(rate_ / 100.0) + ").";
      throw ValueError("Invalid value received for argument `rate`. Expected a float value between 0 and 1. "
                       "Received: rate=" + r,
                       {.layer = name(), .expected = "0 <= rate <= 1", .received = r, .hint = hint});
    }
    if (auto ns = k.get<Shape>("noise_shape")) {
      for (int i = 0; i < ns->ndim(); ++i) {
        const Dim d = (*ns)[i];
        if (d.known() && d.value() <= 0)
          throw ValueError("Invalid value received for argument `noise_shape`. Expected all dimensions to be "
                           "positive integers or None. Received negative or zero value at index " +
                               std::to_string(i) + ": " + std::to_string(d.value()),
                           {.layer = name(), .received = to_string(*ns),
                            .hint = "each entry of noise_shape is None (the input's size), 1 (one mask value shared "
                                    "along that axis) or the input's size."});
      }
      noise_shape_ = *ns;
    }
    if (auto seed = k.get<int>("seed")) own_generator_ = random::seeded_generator(static_cast<uint64_t>(*seed));
  }

  Shape compute_output_shape(const Shape& s) override {
    check_noise_shape(s);
    return s;
  }

  void build_one(const Shape& s) override { check_noise_shape(s); }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    ctx.saved.clear();
    if (!ctx.training || rate_ == 0.0) return x;
    check_noise_shape(x.shape());
    std::vector<int64_t> mask_dims = x.dims();
    if (noise_shape_)
      for (int i = 0; i < noise_shape_->ndim(); ++i)
        if ((*noise_shape_)[i].known()) mask_dims[static_cast<size_t>(i)] = (*noise_shape_)[i].value();
    Tensor mask = Tensor::empty(mask_dims);
    const float scale = rate_ >= 1.0 ? 0.0f : static_cast<float>(1.0 / (1.0 - rate_));
    std::mt19937_64& gen = own_generator_ ? *own_generator_ : random::generator();
    const uint64_t key = gen();
    const auto rate = static_cast<float>(rate_);
    float* m = mask.data();
    const int64_t n = mask.size();
    ctx.saved = {mask};
    if (mask.dims() != x.dims()) {
      for (int64_t i = 0; i < n; ++i)
        m[i] = random::detail::counter_uniform(key, static_cast<uint64_t>(i)) >= rate ? scale : 0.0f;
      return apply_mask(x, mask);
    }
    // Mask and output in one pass.
    Tensor y = Tensor::empty(x.dims());
    const float* a = x.data();
    float* o = y.data();
#pragma omp parallel for simd if (parallel : n > (1 << 15))
    for (int64_t i = 0; i < n; ++i) {
      m[i] = random::detail::counter_uniform(key, static_cast<uint64_t>(i)) >= rate ? scale : 0.0f;
      o[i] = a[i] * m[i];
    }
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override {
    if (!ctx.input_needs_grad(0)) return {};
    if (ctx.saved.empty()) return g;  // inference, or rate 0: the identity
    return apply_mask(g, ctx.saved[0]);
  }

 private:
  // x * mask, the mask broadcast along the axes where noise_shape is 1.
  static Tensor apply_mask(const Tensor& x, const Tensor& mask) {
    if (mask.dims() != x.dims()) return x * mask;
    Tensor y = Tensor::empty(x.dims());
    const float* a = x.data();
    const float* b = mask.data();
    float* o = y.data();
    const int64_t n = x.size();
#pragma omp parallel for simd if (parallel : n > (1 << 16))
    for (int64_t i = 0; i < n; ++i) o[i] = a[i] * b[i];
    return y;
  }

  void check_noise_shape(const Shape& s) const { regularization::check_noise_shape(noise_shape_, s, name()); }

  double rate_ = 0.0;
  std::optional<Shape> noise_shape_;
  std::optional<std::mt19937_64> own_generator_;  // with seed=: this layer's masks, reproducible
};

}  // namespace

Dropout::Dropout(const kw::Kwargs& kwargs) : Layer(std::make_shared<DropoutImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Dropout)

}  // namespace keras::layers
