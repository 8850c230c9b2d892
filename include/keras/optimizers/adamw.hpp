#pragma once
// keras.optimizers.AdamW (keras/src/optimizers/adamw.py): Adam with decoupled weight decay, weight_decay=0.004 by
// default (`w -= w * weight_decay * lr` before each Adam step); name "adamw". weight_decay=None is a ValueError.
#include "keras/optimizers/adam.hpp"

namespace keras::optimizers {

class AdamW : public Adam {
 public:
  using keywords = Adam::keywords;
  KERAS_OPTIMIZER_CONSTRUCTORS(AdamW);
  std::string class_name() const override { return "AdamW"; }
};

}  // namespace keras::optimizers
