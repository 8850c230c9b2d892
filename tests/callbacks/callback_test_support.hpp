#pragma once
// Helpers for the callback tests: capturing std::cout / std::cerr, a tiny built model, a scratch directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/layers/core/dense.hpp"
#include "keras/models/sequential.hpp"

namespace keras::test_support {

// Redirects a standard stream into a string for the lifetime of the object.
class CaptureStream {
 public:
  explicit CaptureStream(std::ostream& os) : os_(os), old_(os.rdbuf(buf_.rdbuf())) {}
  ~CaptureStream() { os_.rdbuf(old_); }
  CaptureStream(const CaptureStream&) = delete;
  CaptureStream& operator=(const CaptureStream&) = delete;
  std::string str() const { return buf_.str(); }

 private:
  std::ostream& os_;
  std::ostringstream buf_;
  std::streambuf* old_;
};

// keras.Sequential([layers.Dense(1, input_shape=(2,))]): built at once, 3 weights values.
inline Sequential tiny_model() { return Sequential({layers::Dense(1, kw::input_shape = {2})}); }

// tiny_model compiled with SGD (learning rate 0.01) and mse, for the callbacks that read or set the learning rate.
inline Sequential compiled_model() {
  Sequential model = tiny_model();
  model.compile(kw::optimizer = "sgd", kw::loss = "mse");
  return model;
}

// A fresh directory under the system's temporary directory, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("keraspp_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The text of a file.
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Checks that what() contains every piece (for any exception type).
#define EXPECT_THROW_CONTAINING(statement, type, ...)                                             \
  do {                                                                                            \
    try {                                                                                         \
      statement;                                                                                  \
      ADD_FAILURE() << "expected " #type " from: " #statement;                                    \
    } catch (const type& e_) {                                                                    \
      for (const std::string& piece_ : std::vector<std::string>{__VA_ARGS__})                     \
        EXPECT_NE(std::string(e_.what()).find(piece_), std::string::npos)                         \
            << "message lacks [" << piece_ << "]:\n" << e_.what();                                \
    }                                                                                             \
  } while (0)

}  // namespace keras::test_support
