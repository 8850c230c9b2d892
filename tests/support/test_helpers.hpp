#pragma once
// Small helpers that several test sources used to define each for itself. They live here once because the unity
// build compiles many test sources as one translation unit, where same-named helpers in anonymous namespaces clash
// (or, worse, silently overload each other).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/core/tensor.hpp"
#include "keras/layers/layer.hpp"
#include "keras/random/random.hpp"

namespace keras::test_support {

// A tensor from its values and dims, short enough to write the expected tables inline.
inline Tensor T(std::vector<float> values, std::vector<int64_t> dims) {
  return Tensor(std::move(values), std::move(dims));
}

// The values in double, for references computed in double.
inline std::vector<double> to_doubles(const Tensor& t) { return {t.data(), t.data() + t.size()}; }

// What a ValueError thrown by f says, or "(no ValueError)".
inline std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ValueError& e) {
    return e.what();
  }
  return "(no ValueError)";
}

// f throws a ValueError whose message holds every part (EXPECT_THROW_WITH for statements whose braces hold commas).
inline void expect_error_says(const std::function<void()>& f, const std::vector<std::string>& parts) {
  const std::string message = message_of(f);
  for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << part << "\nin: " << message;
}

// Mean squared difference of two tensors of the same size, in double.
inline double mse(const Tensor& a, const Tensor& b) {
  double s = 0;
  for (int64_t i = 0; i < a.size(); ++i) s += std::pow(a.data()[i] - b.data()[i], 2);
  return s / static_cast<double>(a.size());
}

// The logistic sigmoid, for the recurrent layers' equations written out plainly.
inline float sig(float v) { return 1.0f / (1.0f + std::exp(-v)); }

// Same shape, and every element within tol.
inline void expect_close(const Tensor& a, const Tensor& b, float tol = 1e-5f) {
  ASSERT_EQ(a.shape(), b.shape());
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a.data()[i], b.data()[i], tol) << "at " << i;
}

// Every element of got within tol of a reference computed in double (same count, flat order).
inline void expect_near_values(const Tensor& got, const std::vector<double>& want, double tol = 1e-5) {
  ASSERT_EQ(static_cast<size_t>(got.size()), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got.data()[i], want[i], tol) << "entry " << i;
}

// Builds `layer` on x and gives it random weights (a random bias too, so bias mistakes show).
inline void randomize(const Layer& layer, const Tensor& x) {
  layer(x);
  std::vector<Tensor> w;
  for (const Tensor& t : layer.get_weights()) w.push_back(random::normal(t.dims(), 0.0f, 0.5f));
  layer.set_weights(w);
}

// n of the heavy horizontal box characters that progress bars draw.
inline std::string blocks(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "\xe2\x94\x81";
  return s;
}

// Replaces the file at path with exactly these bytes.
inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace keras::test_support
