// libFuzzer target: models::model_from_json (Keras 2 and Keras 3 configs, every layer table, compile_config).
#include "fuzz_support.hpp"
#include "keras/keras.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  keras::fuzz::expect_only_keras_errors([&] { keras::models::model_from_json(text); });
  return 0;
}
