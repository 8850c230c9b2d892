// libFuzzer target: keras::saving::load_model on a .keras file (zip container, config.json, model.weights.h5; HDF5
// content under a .keras name goes to the legacy reader).
#include "fuzz_support.hpp"
#include "keras/keras.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = keras::fuzz::write_scratch(data, size, ".keras");
  keras::fuzz::expect_only_keras_errors([&] { keras::saving::load_model(path); });
  std::remove(path.c_str());
  return 0;
}
