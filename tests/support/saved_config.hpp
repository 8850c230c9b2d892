#pragma once
// What model.save writes for a layer: the config of a model's first layer of a class, as JSON, for checks of the
// keys Keras reads back (pairs with support/round_trip.hpp, which checks that the model loads).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "keras/keras.hpp"

namespace keras::test_support {

inline nlohmann::ordered_json saved_layer_config(const Model& model, const std::string& class_name) {
  const auto saved = nlohmann::ordered_json::parse(model.to_json());
  for (const auto& layer : saved["config"]["layers"])
    if (layer["class_name"] == class_name) return layer["config"];
  ADD_FAILURE() << "no " << class_name << " in the saved config";
  return {};
}

}  // namespace keras::test_support
