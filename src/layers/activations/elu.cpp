#include "keras/layers/activations/elu.hpp"

#include "keras/activations/activations.hpp"
#include "keras/layers/registry.hpp"
#include "layers/activations/elementwise_activation.hpp"

namespace keras::layers {

namespace {

class ELUImpl : public detail::ElementwiseActivationLayer {
 public:
  explicit ELUImpl(const kw::Kwargs& k) : ElementwiseActivationLayer("ELU", k) {
    kernel_ = activations::elu_kernel(k.get_or("alpha", 1.0));
  }
};

}  // namespace

ELU::ELU(const kw::Kwargs& kwargs) : Layer(std::make_shared<ELUImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(ELU)

}  // namespace keras::layers
