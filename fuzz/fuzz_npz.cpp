// libFuzzer target: numpy .npz parsing (a zip of .npy members, stored or deflated).
#include "fuzz_support.hpp"
#include "keras/numpy/numpy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  keras::fuzz::expect_only_keras_errors([&] { keras::numpy::parse_npz(data, size, "fuzz.npz"); });
  return 0;
}
