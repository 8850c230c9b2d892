// libFuzzer target (parser level): the .keras zip container reader alone (entry names, sizes, methods, limits).
#include "fuzz_support.hpp"
#include "saving/zip_archive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = keras::fuzz::write_scratch(data, size, ".keras");
  keras::saving::detail::ZipLimits limits;
  limits.max_entry_bytes = {{"config.json", 1u << 20}, {"metadata.json", 1u << 16}, {"model.weights.h5", 1u << 24}};
  keras::fuzz::expect_only_keras_errors([&] {
    keras::saving::detail::read_zip(path, {"config.json", "metadata.json", "model.weights.h5"}, limits, "fuzz.keras");
  });
  std::remove(path.c_str());
  return 0;
}
