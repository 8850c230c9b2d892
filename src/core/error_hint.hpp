#pragma once
// ErrorDetails that carry only a hint, for errors that concern no layer (file and dataset loading).
#include <string>
#include <utility>

#include "keras/core/errors.hpp"

namespace keras {

// Spelled out: designated initializers that skip fields warn on g++ 12.
inline ErrorDetails hint_of(std::string hint) {
  ErrorDetails d;
  d.hint = std::move(hint);
  return d;
}

}  // namespace keras
