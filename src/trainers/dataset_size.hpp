#pragma once
// A dataset's number of batches per epoch, as fit, evaluate and predict read it: an empty dataset is a ValueError.
#include <cstdint>
#include <string>

#include "keras/core/errors.hpp"
#include "keras/utils/dataset.hpp"

namespace keras::detail {

inline int64_t checked_dataset_size(utils::Dataset& dataset, const std::string& model_name) {
  const int64_t size = dataset.size();
  if (size <= 0)
    throw ValueError("The dataset is empty: size() returned " + std::to_string(size) + ".",
                     {.layer = model_name, .hint = "size() must return the number of batches per epoch."});
  return size;
}

}  // namespace keras::detail
