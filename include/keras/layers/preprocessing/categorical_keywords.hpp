#pragma once
// Keywords shared by the categorical preprocessing layers (CategoryEncoding, Discretization).
#include <string>

#include "keras/core/kw.hpp"

namespace keras::kw {
// "int", "one_hot", "multi_hot" or "count" (CategoryEncoding takes the last three).
KERAS_KEYWORD(output_mode, std::string);
// Keras's sparse outputs; keraspp has no sparse tensors, so only false is accepted.
KERAS_KEYWORD(sparse, bool);
}  // namespace keras::kw
