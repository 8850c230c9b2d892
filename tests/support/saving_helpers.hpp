#pragma once
// Helpers that several saving tests share: opening a written .h5 file for inspection, and the keys of a JSON object.
// Kept once here rather than per file so that the unity build, which compiles many test sources as one translation
// unit, sees a single definition.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "saving/h5_store.hpp"
#include "saving/zip_archive.hpp"

namespace keras::test_support {

inline saving::detail::H5Reader open_h5(const std::string& path) {
  return saving::detail::H5Reader(saving::detail::read_file_bytes(path, 1 << 30, path), path);
}

// The keys of a JSON object, in the order they were written.
inline std::vector<std::string> keys_of(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

}  // namespace keras::test_support
