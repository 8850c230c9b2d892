#include "keras/layers/regularization/activity_regularization.hpp"

#include "keras/layers/registry.hpp"

namespace keras::layers {

namespace {

class ActivityRegularizationImpl : public SingleInputLayer {
 public:
  bool supports_masking() const override { return true; }  // as Keras 3: the mask passes through
  // As Keras 3's: an identity whose activity regularizer is L1L2(l1, l2); models add its penalty per call.
  explicit ActivityRegularizationImpl(const kw::Kwargs& k) : SingleInputLayer("ActivityRegularization", k) {
    if (k.has("activity_regularizer"))
      throw ValueError("ActivityRegularization got multiple values for keyword argument 'activity_regularizer'.",
                       {.layer = name(), .received = "activity_regularizer",
                        .hint = "ActivityRegularization's regularizer is L1L2(l1, l2): give l1= and l2= instead."});
    const double l1 = k.get_or("l1", 0.0), l2 = k.get_or("l2", 0.0);
    set_activity_regularizer(std::make_shared<const regularizers::L1L2>(l1, l2));
  }

  Shape compute_output_shape(const Shape& s) override { return s; }
  Tensor forward_one(const Tensor& x, CallContext&) override { return x; }
  Tensor backward_one(const Tensor& g, CallContext& ctx) override { return ctx.input_needs_grad(0) ? g : Tensor(); }
};

}  // namespace

ActivityRegularization::ActivityRegularization(const kw::Kwargs& kwargs)
    : Layer(std::make_shared<ActivityRegularizationImpl>(kwargs)) {}

KERAS_REGISTER_LAYER(ActivityRegularization)

}  // namespace keras::layers
