#include "keras/layers/core/identity.hpp"

#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class IdentityImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  explicit IdentityImpl(const kw::Kwargs& k) : SingleInputLayer("Identity", k) {}
  Shape compute_output_shape(const Shape& s) override { return s; }
  Tensor forward_one(const Tensor& x, CallContext&) override { return x; }
  Tensor backward_one(const Tensor& g, CallContext& ctx) override { return ctx.input_needs_grad(0) ? g : Tensor(); }
};

}  // namespace

Identity::Identity(const kw::Kwargs& kwargs) : Layer(std::make_shared<IdentityImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(Identity)

}  // namespace keras::layers
