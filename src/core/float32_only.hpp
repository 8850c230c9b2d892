#pragma once
// keraspp computes in float32. A dtype= other than "float32", given to a layer, a loss or a metric, is refused where
// it is given rather than accepted and ignored (Keras would compute in that dtype).
#include <string>

#include "keras/core/kw.hpp"

namespace keras::detail {

// `what` names the owner in the message: `layer "dense"`, `loss "mean_squared_error"`, `metric "mae"`; `name` is
// the owner's name for the error's layer field.
void refuse_other_dtypes(const kw::Kwargs& k, const std::string& what, const std::string& name);

}  // namespace keras::detail
