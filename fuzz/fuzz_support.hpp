#pragma once
// What every fuzz target shares: a private scratch file (the file-based loaders take a path), and the rule that a
// damaged input may only ever end in keras::ValueError (or NotImplementedError for a valid but unsupported feature);
// anything else escaping (another exception, a crash, a sanitizer report, a hang) is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "keras/core/errors.hpp"

namespace keras::fuzz {

inline std::string scratch_path(const std::string& suffix) {
  return "/tmp/keraspp-fuzz-" + std::to_string(::getpid()) + suffix;
}

inline std::string write_scratch(const uint8_t* data, size_t size, const std::string& suffix) {
  const std::string path = scratch_path(suffix);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

template <class F>
void expect_only_keras_errors(F&& f) {
  try {
    f();
  } catch (const keras::ValueError&) {
  } catch (const keras::NotImplementedError&) {
  }
}

}  // namespace keras::fuzz
