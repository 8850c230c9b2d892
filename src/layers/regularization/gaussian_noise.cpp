#include "keras/layers/regularization/gaussian_noise.hpp"

#include <optional>
#include <random>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "keras/random/random.hpp"
#include "layers/regularization/normal_noise.hpp"
#include "layers/spatial_utils.hpp"

namespace keras::layers {

namespace {

class GaussianNoiseImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit GaussianNoiseImpl(const kw::Kwargs& k) : SingleInputLayer("GaussianNoise", k) {
    auto stddev = k.get<double>("stddev");
    if (!stddev)
      throw TypeError("GaussianNoise.__init__() missing 1 required positional argument: 'stddev'",
                      {.layer = name(), .hint = "give the noise's standard deviation: GaussianNoise(0.1) or "
                                                "GaussianNoise(stddev=0.1)."});
    if (!(0.0 <= *stddev && *stddev <= 1.0)) {
      const std::string s = py_float(*stddev);
      throw ValueError("Invalid value received for argument `stddev`. Expected a float value between 0 and 1. "
                       "Received: stddev=" + s,
                       {.layer = name(), .expected = "0 <= stddev <= 1", .received = s,
                        .hint = "stddev is the standard deviation of the added noise, in the units of the (usually "
                                "normalised) inputs: typical values are 0.01 to 0.3; rescale the inputs first if "
                                "they are large."});
    }
    stddev_ = *stddev;
    if (auto seed = k.get<int>("seed")) own_generator_ = random::seeded_generator(static_cast<uint64_t>(*seed));
  }

  Shape compute_output_shape(const Shape& s) override { return s; }

  Tensor forward_one(const Tensor& x, CallContext& ctx) override {
    if (!ctx.training || stddev_ == 0.0) return x;
    std::mt19937_64& gen = own_generator_ ? *own_generator_ : random::generator();
    const uint64_t key = gen();
    Tensor y = Tensor::empty(x.dims());
    const float* a = x.data();
    float* o = y.data();
    const auto s = static_cast<float>(stddev_);
    noise::for_each_standard_normal(key, x.size(), [&](int64_t i, float z) { o[i] = a[i] + s * z; });
    return y;
  }

  Tensor backward_one(const Tensor& g, CallContext& ctx) override { return ctx.input_needs_grad(0) ? g : Tensor(); }

 private:
  double stddev_ = 0.0;
  std::optional<std::mt19937_64> own_generator_;
};

}  // namespace

GaussianNoise::GaussianNoise(const kw::Kwargs& kwargs) : Layer(std::make_shared<GaussianNoiseImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(GaussianNoise)

}  // namespace keras::layers
