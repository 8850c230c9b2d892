#include "layers/core/wrapper.hpp"

#include "keras/core/errors.hpp"

namespace keras::layers::detail {

Layer wrapped_layer_argument(const kw::Kwargs& k, const std::string& class_name, const std::string& example) {
  if (!k.has("layer"))
    throw TypeError(class_name + ".__init__() missing 1 required positional argument: 'layer'",
                    {.hint = "pass the layer to wrap: " + example + "."});
  return k.get_or("layer", Layer());
}

WrapperImpl::WrapperImpl(std::string class_name, std::shared_ptr<LayerImpl> inner, const kw::Kwargs& k)
    : LayerImpl(std::move(class_name), k), inner_(std::move(inner)) {
  config_.set("layer", Layer(inner_));
}

void WrapperImpl::set_trainable(bool t) {
  LayerImpl::set_trainable(t);
  inner_->set_trainable(t);
}

double WrapperImpl::regularization_penalty(bool accumulate_grads) {
  return inner_->trainable() ? inner_->regularization_penalty(accumulate_grads) : 0.0;
}

}  // namespace keras::layers::detail
