#pragma once
// keras::Tensor: a dense, row-major n-d array of float32 values. Copies share storage, as numpy arrays and Python
// references do; use copy() for an independent array. Integer data (labels, uint8 pixels) is stored as float32 values
// with its dtype recorded, so it round-trips through .npy files and is accepted wherever Keras accepts integers.
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "keras/core/shape.hpp"

namespace keras {

class Tensor {
 public:
  Tensor() = default;  // an undefined tensor: defined() is false
  Tensor(std::vector<float> values, std::vector<int64_t> shape);
  Tensor(std::initializer_list<float> values) : Tensor(std::vector<float>(values), {static_cast<int64_t>(values.size())}) {}

  static Tensor empty(std::vector<int64_t> shape);  // uninitialised values
  static Tensor zeros(std::vector<int64_t> shape);
  static Tensor ones(std::vector<int64_t> shape);
  static Tensor full(std::vector<int64_t> shape, float value);
  static Tensor scalar(float value);
  static Tensor arange(int64_t n);  // 0, 1, ..., n-1 as float32
  template <class It>
  static Tensor from_range(It first, It last, std::vector<int64_t> shape) {
    Tensor t = empty(std::move(shape));
    float* p = t.data();
    for (; first != last; ++first) *p++ = static_cast<float>(*first);
    return t;
  }

  bool defined() const { return static_cast<bool>(storage_); }
  Shape shape() const { return Shape::of(dims_); }
  const std::vector<int64_t>& dims() const { return dims_; }
  int64_t dim(int axis) const;  // Python-style index; dim(-1) is the last
  int ndim() const { return static_cast<int>(dims_.size()); }
  int64_t size() const { return size_; }

  float* data() { return storage_.get() + offset_; }
  const float* data() const { return storage_.get() + offset_; }
  float& at(std::initializer_list<int64_t> index);
  float at(std::initializer_list<int64_t> index) const;
  float item() const;  // the value of a one-element tensor
  std::vector<float> to_vector() const { return {data(), data() + size_}; }

  // numpy dtype name of the values' origin: "float32" unless set by astype() or a loader.
  const std::string& dtype() const { return dtype_; }
  // Records the dtype the values already have (a loader's uint8 pixels), without converting or copying.
  Tensor& set_dtype(std::string dtype) {
    dtype_ = std::move(dtype);
    return *this;
  }
  // Converts values as numpy's astype does (integer dtypes truncate toward zero and wrap like C casts).
  Tensor astype(const std::string& dtype) const;

  // A view with the same values and a new shape; one dimension may be -1. Throws ValueError on a size mismatch.
  Tensor reshape(std::vector<int64_t> shape) const;
  Tensor copy() const;
  // Rows [begin, end) along axis 0, sharing storage.
  Tensor slice(int64_t begin, int64_t end) const;
  // Rows by index along axis 0 (a copy).
  Tensor take(const std::vector<int64_t>& rows) const;
  // Row i along axis 0 (a view), as x[i] in numpy.
  Tensor operator[](int64_t i) const;
  bool shares_storage_with(const Tensor& other) const { return storage_ == other.storage_; }

  Tensor& fill(float value);
  Tensor& operator+=(const Tensor& other);
  Tensor& operator-=(const Tensor& other);
  Tensor& operator*=(float s);

 private:
  std::shared_ptr<float> storage_;
  int64_t offset_ = 0;
  int64_t size_ = 0;
  std::vector<int64_t> dims_;
  std::string dtype_ = "float32";
};

// Elementwise arithmetic with numpy broadcasting; a mismatch is a ValueError naming both shapes.
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, float b);
Tensor operator-(const Tensor& a, float b);
Tensor operator*(const Tensor& a, float b);
Tensor operator/(const Tensor& a, float b);
Tensor operator+(float a, const Tensor& b);
Tensor operator-(float a, const Tensor& b);
Tensor operator*(float a, const Tensor& b);
Tensor operator/(float a, const Tensor& b);
Tensor operator-(const Tensor& a);
// The broadcast shape of two shapes, numpy's rules; throws ValueError naming both when they do not broadcast.
std::vector<int64_t> broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// Largest absolute difference, for tests and comparisons; shapes must match.
float max_abs_diff(const Tensor& a, const Tensor& b);
bool allclose(const Tensor& a, const Tensor& b, float rtol = 1e-5f, float atol = 1e-8f);

// Prints like numpy: array([[0.1, 0.2], [0.3, 0.4]], shape=(2, 2), dtype=float32), eliding large arrays.
std::ostream& operator<<(std::ostream& os, const Tensor& t);

// Number of elements of a concrete shape, with overflow and negative checks.
int64_t checked_num_elements(const std::vector<int64_t>& shape);

}  // namespace keras
