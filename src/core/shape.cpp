#include "keras/core/shape.hpp"

#include <ostream>

#include "keras/core/errors.hpp"

namespace keras {

std::string to_string(const Dim& d) { return d.is_none() ? "None" : std::to_string(d.value()); }

Shape Shape::of(const std::vector<int64_t>& dims) {
  Shape s;
  for (int64_t d : dims) s.dims_.emplace_back(d);
  return s;
}

bool Shape::fully_known() const {
  for (const Dim& d : dims_)
    if (d.is_none()) return false;
  return true;
}

std::optional<int64_t> Shape::num_elements() const {
  int64_t n = 1;
  for (const Dim& d : dims_) {
    if (d.is_none()) return std::nullopt;
    n *= d.value();
  }
  return n;
}

std::vector<int64_t> Shape::as_vector() const {
  std::vector<int64_t> out;
  out.reserve(dims_.size());
  for (const Dim& d : dims_) {
    if (d.is_none()) throw ValueError("Shape " + to_string(*this) + " has an unknown (None) dimension where a concrete one is needed.");
    out.push_back(d.value());
  }
  return out;
}

Shape Shape::with_batch(Dim batch) const {
  Shape s;
  s.dims_.reserve(dims_.size() + 1);
  s.dims_.push_back(batch);
  s.dims_.insert(s.dims_.end(), dims_.begin(), dims_.end());
  return s;
}

Shape Shape::without_batch() const { return slice(1, ndim()); }

Shape Shape::slice(int begin, int end) const {
  int n = ndim();
  if (begin < 0) begin += n;
  if (end < 0) end += n;
  begin = std::max(0, std::min(begin, n));
  end = std::max(begin, std::min(end, n));
  return Shape(std::vector<Dim>(dims_.begin() + begin, dims_.begin() + end));
}

bool Shape::compatible_with(const Shape& other) const {
  if (ndim() != other.ndim()) return false;
  for (int i = 0; i < ndim(); ++i) {
    const Dim& a = dims_[static_cast<size_t>(i)];
    const Dim& b = other.dims_[static_cast<size_t>(i)];
    if (a.known() && b.known() && a.value() != b.value()) return false;
  }
  return true;
}

std::string to_string(const Shape& s) {
  std::string out = "(";
  for (int i = 0; i < s.ndim(); ++i) {
    if (i > 0) out += ", ";
    out += to_string(s[i]);
  }
  if (s.ndim() == 1) out += ",";
  return out + ")";
}

std::string to_string(const std::vector<Shape>& shapes) {
  std::string out = "[";
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (i > 0) out += ", ";
    out += to_string(shapes[i]);
  }
  return out + "]";
}

std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << to_string(s); }
std::ostream& operator<<(std::ostream& os, const Dim& d) { return os << to_string(d); }

}  // namespace keras
