#pragma once
// Shapes whose dimensions are a number or None, printed exactly as Python prints tuples.
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace keras {

struct NoneType {
  constexpr bool operator==(const NoneType&) const = default;
};
inline constexpr NoneType None{};

// One dimension of a Shape: a size, or None (unknown, e.g. the batch dimension of a model).
class Dim {
 public:
  constexpr Dim() = default;
  constexpr Dim(NoneType) {}
  constexpr Dim(int v) : value_(v) {}
  constexpr Dim(long v) : value_(v) {}
  constexpr Dim(long long v) : value_(v) {}
  constexpr Dim(unsigned v) : value_(v) {}
  constexpr Dim(unsigned long v) : value_(static_cast<int64_t>(v)) {}
  constexpr Dim(std::optional<int64_t> v) : value_(v ? *v : kNone) {}

  constexpr bool is_none() const { return value_ == kNone; }
  constexpr bool known() const { return value_ != kNone; }
  // The size; meaningful only when known().
  constexpr int64_t value() const { return value_; }
  constexpr bool operator==(const Dim&) const = default;
  constexpr bool operator==(NoneType) const { return is_none(); }

 private:
  static constexpr int64_t kNone = -1;
  int64_t value_ = kNone;
};

std::string to_string(const Dim& d);

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<Dim> dims) : dims_(dims) {}
  explicit Shape(std::vector<Dim> dims) : dims_(std::move(dims)) {}
  static Shape of(const std::vector<int64_t>& dims);

  int ndim() const { return static_cast<int>(dims_.size()); }
  size_t size() const { return dims_.size(); }
  bool empty() const { return dims_.empty(); }
  // Python-style indexing: shape[-1] is the last dimension.
  const Dim& operator[](int i) const { return dims_[normalize(i)]; }
  Dim& operator[](int i) { return dims_[normalize(i)]; }
  const std::vector<Dim>& dims() const { return dims_; }
  auto begin() const { return dims_.begin(); }
  auto end() const { return dims_.end(); }

  bool fully_known() const;
  // Product of all dimensions; nullopt when any is None.
  std::optional<int64_t> num_elements() const;
  // Concrete sizes; throws if a dimension is None.
  std::vector<int64_t> as_vector() const;

  Shape with_batch(Dim batch = None) const;  // (batch,) + this
  Shape without_batch() const;               // this[1:]
  Shape slice(int begin, int end) const;     // Python's shape[begin:end]
  void push_back(Dim d) { dims_.push_back(d); }

  bool operator==(const Shape&) const = default;
  // Same rank, and every pair of dimensions equal or one of them None.
  bool compatible_with(const Shape& other) const;

 private:
  size_t normalize(int i) const { return static_cast<size_t>(i < 0 ? i + ndim() : i); }
  std::vector<Dim> dims_;
};

std::string to_string(const Shape& s);
std::ostream& operator<<(std::ostream& os, const Shape& s);
std::ostream& operator<<(std::ostream& os, const Dim& d);
// A list of shapes as Python prints a list of tuples: [(None, 3), (None, 4)].
std::string to_string(const std::vector<Shape>& shapes);

}  // namespace keras
