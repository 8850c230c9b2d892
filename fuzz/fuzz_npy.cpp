// libFuzzer target: numpy .npy parsing (header dict, dtype, shape, data length).
#include "fuzz_support.hpp"
#include "keras/numpy/numpy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keras::fuzz::expect_only_keras_errors([&] { keras::numpy::parse_npy(data, size, "fuzz.npy"); });
  return 0;
}
