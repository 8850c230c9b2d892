#include "keras/layers/activations/relu.hpp"

#include <optional>

#include "core/py_repr.hpp"
#include "keras/activations/activations.hpp"
#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/activations/elementwise_activation.hpp"

namespace keras::layers {

namespace {


class ReLUImpl : public detail::ElementwiseActivationLayer {
 public:
  explicit ReLUImpl(const kw::Kwargs& k) : ElementwiseActivationLayer("ReLU", k) {
    const std::optional<double> max_value = k.get<double>("max_value");
    const double negative_slope = k.get_or("negative_slope", 0.0);
    const double threshold = k.get_or("threshold", 0.0);
    if (max_value && *max_value < 0.0)
      throw ValueError("max_value of a ReLU layer cannot be a negative value. Received: max_value=" +
                           py_float(*max_value),
                       {.layer = name(), .expected = "max_value >= 0 or None", .received = py_float(*max_value),
                        .hint = "max_value caps the output: give a value >= 0 such as ReLU(max_value=6.0), or "
                                "leave it unset (None) for no cap."});
    if (negative_slope < 0.0)
      throw ValueError("negative_slope of a ReLU layer cannot be a negative value. Received: negative_slope=" +
                           py_float(negative_slope),
                       {.layer = name(), .expected = "negative_slope >= 0", .received = py_float(negative_slope),
                        .hint = "negative_slope is the slope below the threshold: give a value >= 0 such as "
                                "negative_slope=0.1 (0 gives the plain ReLU)."});
    if (threshold < 0.0)
      throw ValueError("threshold of a ReLU layer cannot be a negative value. Received: threshold=" +
                           py_float(threshold),
                       {.layer = name(), .expected = "threshold >= 0", .received = py_float(threshold),
                        .hint = "threshold is the input value below which the output is cut: give a value >= 0 "
                                "(0 gives the plain ReLU)."});
    kernel_ = activations::relu_kernel(negative_slope, max_value, threshold);
  }
};

}  // namespace

ReLU::ReLU(const kw::Kwargs& kwargs) : Layer(std::make_shared<ReLUImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(ReLU)

}  // namespace keras::layers
