#include "keras/layers/activations/leaky_relu.hpp"

#include "callbacks/callback_utils.hpp"
#include "core/py_repr.hpp"
#include "keras/activations/activations.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/activations/elementwise_activation.hpp"

namespace keras::layers {

namespace {


class LeakyReLUImpl : public detail::ElementwiseActivationLayer {
 public:
  explicit LeakyReLUImpl(const kw::Kwargs& k) : ElementwiseActivationLayer("LeakyReLU", k) {
    double negative_slope = k.get_or("negative_slope", 0.3);
    if (k.has("alpha")) {
      negative_slope = k.get_or("alpha", 0.3);
      callback_types::detail::warn("Argument `alpha` is deprecated. Use `negative_slope` instead.");
    }
    if (negative_slope < 0.0)
      throw ValueError("The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a "
                       "float. Received: negative_slope=" + py_float(negative_slope),
                       {.layer = name(), .expected = "negative_slope >= 0", .received = py_float(negative_slope),
                        .hint = "negative_slope is the slope for x < 0: give a value >= 0 such as "
                                "LeakyReLU(negative_slope=0.3)."});
    kernel_ = activations::leaky_relu_kernel(negative_slope);
  }
};

}  // namespace

LeakyReLU::LeakyReLU(const kw::Kwargs& kwargs) : Layer(std::make_shared<LeakyReLUImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(LeakyReLU)

}  // namespace keras::layers
