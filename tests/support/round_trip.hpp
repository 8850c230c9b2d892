#pragma once
// Saves a model to .keras, loads it back and checks that the copy has the same config and summary and gives the
// same predictions; returns the loaded model for further checks.
#include <gtest/gtest.h>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"

namespace keras::test_support {

inline Model expect_keras_round_trip(const Model& model, const Data& x) {
  ScratchDir dir;
  model.save(dir / "m.keras");
  Model loaded = saving::load_model(dir / "m.keras");
  EXPECT_EQ(loaded.to_json(), model.to_json());
  EXPECT_EQ(loaded.summary_string(), model.summary_string());
  Prediction a = model.predict(x, kw::verbose = 0);
  Prediction b = loaded.predict(x, kw::verbose = 0);
  EXPECT_EQ(a.num_outputs(), b.num_outputs());
  for (size_t i = 0; i < a.num_outputs() && i < b.num_outputs(); ++i) {
    EXPECT_EQ(a.outputs()[i].dims(), b.outputs()[i].dims());
    EXPECT_EQ(a.outputs()[i].to_vector(), b.outputs()[i].to_vector()) << "output " << i;
  }
  return loaded;
}

}  // namespace keras::test_support
