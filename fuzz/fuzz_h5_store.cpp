// libFuzzer target (parser level): the HDF5 weights store alone, walked as both loaders walk it: the Keras 3
// layers/<name>/vars/<i> groups and the legacy layer_names / weight_names attributes and the datasets they name.
#include "fuzz_support.hpp"
#include "saving/h5_store.hpp"

using keras::saving::detail::H5Reader;

namespace {

void walk_legacy(H5Reader& r, const std::string& group) {
  auto names = r.string_list_attr(group, "layer_names");
  if (!names) return;
  for (const std::string& n : *names) {
    if (n.empty()) continue;
    const std::string g = group.empty() ? n : group + "/" + n;
    auto weights = r.string_list_attr(g, "weight_names");
    if (!weights) continue;
    for (const std::string& w : *weights) {
      const std::string path = g + "/" + w;
      auto shape = r.dataset_shape(path);
      int64_t count = 1;
      for (int64_t d : shape) count = d > 0 && count < (int64_t{1} << 24) / d ? count * d : (int64_t{1} << 24);
      if (count < (int64_t{1} << 24)) r.read_dataset(path, shape);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  keras::fuzz::expect_only_keras_errors([&] {
    H5Reader r(bytes, "fuzz.h5");
    r.string_attr("", "model_config");
    r.string_attr("", "keras_version");
    walk_legacy(r, "");
    walk_legacy(r, "model_weights");
    for (const char* path : {"layers/dense", "layers/conv2d", "optimizer", ""}) {
      auto n = r.count_vars(path);
      for (size_t i = 0; n && i < *n && i < 16; ++i) {
        auto shape = r.var_shape(path, i);
        int64_t count = 1;
        for (int64_t d : shape) count = d > 0 && count < (int64_t{1} << 24) / d ? count * d : (int64_t{1} << 24);
        if (count < (int64_t{1} << 24)) r.read_var(path, i, shape);
      }
    }
  });
  return 0;
}
