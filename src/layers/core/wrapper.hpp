#pragma once
// Keras's Wrapper (layers/core/wrapper.py): a layer that holds one other layer and calls it (TimeDistributed,
// SpectralNormalization). The wrapped layer is kept in the config under "layer", where Keras's get_config writes it;
// trainability and the weight penalties follow it, and a loss may take over its final activation.
#include <memory>
#include <string>

#include "keras/layers/layer.hpp"

namespace keras::layers::detail {

// The wrapped layer of a wrapper made from a config: Python's TypeError when "layer" is missing.
Layer wrapped_layer_argument(const kw::Kwargs& k, const std::string& class_name, const std::string& example);

class WrapperImpl : public LayerImpl {
 public:
  // `inner` is checked by the subclass first (Keras's messages for a missing layer differ between wrappers).
  WrapperImpl(std::string class_name, std::shared_ptr<LayerImpl> inner, const kw::Kwargs& k);

  const std::shared_ptr<LayerImpl>& inner() const { return inner_; }
  void set_trainable(bool t) override;
  double regularization_penalty(bool accumulate_grads) override;
  std::string final_activation() const override { return inner_->final_activation(); }

 protected:
  std::shared_ptr<LayerImpl> inner_;
};

}  // namespace keras::layers::detail
