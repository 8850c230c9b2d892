#pragma once
// Helpers for the .npy / .npz / dataset tests: hand-made .npy bytes, error-message capture, temporary directories.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <unistd.h>

#include "keras/core/errors.hpp"

namespace keras::test_support {

// The .npy bytes for a header text and raw data, with the given format major version (1, 2 or 3).
inline std::string npy_bytes(const std::string& header, const std::string& data, int major = 1) {
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  uint64_t n = header.size();
  int len_bytes = major == 1 ? 2 : 4;
  for (int i = 0; i < len_bytes; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

// The what() of the keras::ValueError `f` throws; a marker string when it throws something else or nothing.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const keras::ValueError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("<not a ValueError: ") + e.what() + ">";
  }
  return "<no exception>";
}

#define EXPECT_CONTAINS(haystack, needle)                                                               \
  do {                                                                                                  \
    const std::string h_ = (haystack);                                                                  \
    EXPECT_NE(h_.find(needle), std::string::npos) << "expected to find \"" << (needle) << "\" in:\n" << h_; \
  } while (0)

// A fresh directory under the system temp directory, removed (with its contents) when the object goes away.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("keraspp_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Sets an environment variable for the lifetime of the object, then restores the previous value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace keras::test_support
