// keras.callbacks.Callback: the parts of the base class that are not inline.
#include "keras/callbacks/callback.hpp"

#include "keras/core/errors.hpp"

namespace keras {

Model& Callback::model() const {
  if (!model_)
    throw ValueError("This callback has no model yet.",
                     ErrorDetails{.hint = "fit, evaluate and predict set the model of their callbacks; to drive a "
                                          "callback by hand, call set_model(&model) first."});
  return *model_;
}

}  // namespace keras
