// libFuzzer target: HDF5 weights (Keras 3 .weights.h5 and Keras 2 layer_names layouts) loaded into a fixed model,
// and the same bytes as a legacy full-model .h5.
#include "fuzz_support.hpp"
#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Sequential model({Input(shape = {4}), layers::Dense(3, name = "dense"), layers::BatchNormalization(),
                           layers::Dense(2, name = "dense_1")});
  const std::string weights = keras::fuzz::write_scratch(data, size, ".weights.h5");
  keras::fuzz::expect_only_keras_errors([&] { model.load_weights(weights); });
  std::remove(weights.c_str());
  const std::string legacy = keras::fuzz::write_scratch(data, size, ".h5");
  keras::fuzz::expect_only_keras_errors([&] { keras::saving::load_model(legacy); });
  std::remove(legacy.c_str());
  return 0;
}
