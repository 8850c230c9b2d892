#include "keras/core/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <map>
#include <ostream>
#include <sstream>

#include "keras/core/errors.hpp"
#include "ops/elementwise.hpp"
#include "ops/tape.hpp"

namespace keras {

namespace {

#ifndef KERASPP_NO_POOL
// Training allocates tensors of the same few sizes every batch; a cache of freed blocks turns those allocations
// into a map lookup instead of a trip to malloc (and to the kernel, with fresh page faults, for large blocks).
// A request may take a cached block up to twice its size, so that a last, smaller batch or a slightly different
// shape reuses memory instead of adding to it. Sanitizer builds bypass the cache so every use-after-free shows.
class StoragePool {
 public:
  struct Block {
    void* ptr;
    size_t bytes;  // the block's true size, which may exceed the request
  };
  Block take(size_t bytes) {
    {
      std::lock_guard lock(mutex_);
      auto it = free_.lower_bound(bytes);
      if (it != free_.end() && it->first <= 2 * bytes) {
        Block b{it->second, it->first};
        free_.erase(it);
        cached_ -= b.bytes;
        return b;
      }
    }
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw std::bad_alloc();
    return {p, bytes};
  }
  void give(void* p, size_t bytes) {
    {
      std::lock_guard lock(mutex_);
      if (cached_ + bytes <= kMaxCached) {
        free_.emplace(bytes, p);
        cached_ += bytes;
        return;
      }
    }
    std::free(p);
  }
  void release() {
    std::multimap<size_t, void*> drop;
    {
      std::lock_guard lock(mutex_);
      drop.swap(free_);
      cached_ = 0;
    }
    for (auto& [bytes, p] : drop) std::free(p);
  }

 private:
  static constexpr size_t kMaxCached = size_t{1} << 30;
  std::mutex mutex_;
  std::multimap<size_t, void*> free_;
  size_t cached_ = 0;
};

StoragePool& pool() {
  static StoragePool* p = new StoragePool();  // never destroyed: tensors may outlive static destruction
  return *p;
}
#endif

std::shared_ptr<float> allocate(int64_t n) {
  // 64-byte alignment lets the kernels use full-width vector loads.
  size_t bytes = static_cast<size_t>(std::max<int64_t>(n, 1)) * sizeof(float);
  bytes = (bytes + 63) / 64 * 64;
#ifdef KERASPP_NO_POOL
  void* p = std::aligned_alloc(64, bytes);
  if (!p) throw std::bad_alloc();
  return std::shared_ptr<float>(static_cast<float*>(p), [](float* q) { std::free(q); });
#else
  auto block = pool().take(bytes);
  return std::shared_ptr<float>(static_cast<float*>(block.ptr),
                                [size = block.bytes](float* q) { pool().give(q, size); });
#endif
}

std::string dims_to_string(const std::vector<int64_t>& d) {
  std::string out = "(";
  for (size_t i = 0; i < d.size(); ++i) out += (i ? ", " : "") + std::to_string(d[i]);
  return out + (d.size() == 1 ? ",)" : ")");
}

}  // namespace

namespace detail {
void release_cached_storage() {
#ifndef KERASPP_NO_POOL
  pool().release();
#endif
}
}  // namespace detail

int64_t checked_num_elements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw ValueError("Negative dimensions are not allowed. Received: shape=" + dims_to_string(shape));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      throw ValueError("Array is too big: the number of elements of shape " + dims_to_string(shape) + " overflows.");
    n *= d;
  }
  return n;
}

Tensor::Tensor(std::vector<float> values, std::vector<int64_t> shape) {
  int64_t n = checked_num_elements(shape);
  if (n != static_cast<int64_t>(values.size()))
    throw ValueError("cannot reshape array of size " + std::to_string(values.size()) + " into shape " +
                         dims_to_string(shape),
                     {.expected = std::to_string(n) + " values", .received = std::to_string(values.size()) + " values",
                      .hint = "pass exactly as many values as the shape holds (the product of its dimensions)."});
  storage_ = allocate(n);
  size_ = n;
  dims_ = std::move(shape);
  std::copy(values.begin(), values.end(), storage_.get());
}

Tensor Tensor::empty(std::vector<int64_t> shape) {
  Tensor t;
  t.size_ = checked_num_elements(shape);
  t.storage_ = allocate(t.size_);
  t.dims_ = std::move(shape);
  return t;
}

Tensor Tensor::zeros(std::vector<int64_t> shape) { return full(std::move(shape), 0.0f); }
Tensor Tensor::ones(std::vector<int64_t> shape) { return full(std::move(shape), 1.0f); }
Tensor Tensor::full(std::vector<int64_t> shape, float value) {
  Tensor t = empty(std::move(shape));
  std::fill_n(t.data(), t.size_, value);
  return t;
}
Tensor Tensor::scalar(float value) { return full({}, value); }
Tensor Tensor::arange(int64_t n) {
  Tensor t = empty({n});
  for (int64_t i = 0; i < n; ++i) t.data()[i] = static_cast<float>(i);
  return t;
}

int64_t Tensor::dim(int axis) const {
  int n = ndim();
  int a = axis < 0 ? axis + n : axis;
  if (a < 0 || a >= n)
    throw ValueError("axis " + std::to_string(axis) + " is out of bounds for array of dimension " + std::to_string(n));
  return dims_[static_cast<size_t>(a)];
}

namespace {
int64_t flat_index(const std::vector<int64_t>& dims, std::initializer_list<int64_t> index) {
  if (index.size() != dims.size())
    throw ValueError("too many or too few indices for array: array is " + std::to_string(dims.size()) +
                     "-dimensional, but " + std::to_string(index.size()) + " were indexed");
  int64_t flat = 0;
  size_t k = 0;
  for (int64_t i : index) {
    int64_t d = dims[k];
    int64_t j = i < 0 ? i + d : i;
    if (j < 0 || j >= d)
      throw ValueError("index " + std::to_string(i) + " is out of bounds for axis " + std::to_string(k) +
                       " with size " + std::to_string(d));
    flat = flat * d + j;
    ++k;
  }
  return flat;
}
}  // namespace

float& Tensor::at(std::initializer_list<int64_t> index) { return data()[flat_index(dims_, index)]; }
float Tensor::at(std::initializer_list<int64_t> index) const { return data()[flat_index(dims_, index)]; }

float Tensor::item() const {
  if (size_ != 1)
    throw ValueError("can only convert an array of size 1 to a Python scalar; this one has shape " +
                     dims_to_string(dims_));
  return data()[0];
}

Tensor Tensor::astype(const std::string& dtype) const {
  Tensor out = copy();
  out.dtype_ = dtype;
  float* p = out.data();
  auto cast_all = [&](auto sample) {
    using T = decltype(sample);
    for (int64_t i = 0; i < size_; ++i) {
      float v = p[i];
      if (std::isnan(v) || std::isinf(v) || std::fabs(v) >= 9.2e18f) continue;  // no defined C cast from there
      p[i] = static_cast<float>(static_cast<T>(static_cast<int64_t>(v)));
    }
  };
  if (dtype == "float32" || dtype == "float64" || dtype == "float16") {
  } else if (dtype == "int8") cast_all(int8_t{});
  else if (dtype == "uint8") cast_all(uint8_t{});
  else if (dtype == "int16") cast_all(int16_t{});
  else if (dtype == "uint16") cast_all(uint16_t{});
  else if (dtype == "int32") cast_all(int32_t{});
  else if (dtype == "uint32") cast_all(uint32_t{});
  else if (dtype == "int64" || dtype == "uint64") {
    // Through double, clamped to int64's range, so huge values stay defined (float32 cannot hold them exactly).
    for (int64_t i = 0; i < size_; ++i) {
      double v = p[i];
      if (std::isnan(v) || std::isinf(v)) continue;
      v = std::trunc(v);
      if (dtype == "uint64" && v < 0) v = 0;
      p[i] = static_cast<float>(v);
    }
  }
  else if (dtype == "bool") {
    for (int64_t i = 0; i < size_; ++i) p[i] = p[i] != 0.0f ? 1.0f : 0.0f;
  } else {
    throw TypeError("data type '" + dtype + "' not understood",
                    {.received = dtype,
                     .hint = "use one of float32, float64, float16, int8, uint8, int16, uint16, int32, uint32, "
                             "int64, uint64, bool."});
  }
  return out;
}

Tensor Tensor::reshape(std::vector<int64_t> shape) const {
  int64_t known = 1;
  int unknown_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (unknown_at >= 0)
        throw ValueError("can only specify one unknown dimension",
                         {.received = dims_to_string(shape), .hint = "use -1 for at most one dimension."});
      unknown_at = static_cast<int>(i);
    } else if (shape[i] < 0) {
      throw ValueError("negative dimensions not allowed in reshape, received " + dims_to_string(shape));
    } else {
      known *= shape[i];
    }
  }
  if (unknown_at >= 0) {
    if (known == 0 || size_ % known != 0)
      throw ValueError("cannot reshape array of size " + std::to_string(size_) + " into shape " +
                           dims_to_string(shape),
                       {.expected = dims_to_string(dims_), .received = dims_to_string(shape),
                        .hint = "the other dimensions must divide the array's " + std::to_string(size_) +
                                " elements."});
    shape[static_cast<size_t>(unknown_at)] = size_ / known;
  } else if (known != size_) {
    throw ValueError("cannot reshape array of size " + std::to_string(size_) + " into shape " +
                         dims_to_string(shape),
                     {.expected = dims_to_string(dims_), .received = dims_to_string(shape),
                      .hint = "the new shape must hold exactly " + std::to_string(size_) +
                              " elements; use -1 for one dimension to have it inferred."});
  }
  if (shape == dims_) return *this;
  Tensor out = *this;
  out.dims_ = std::move(shape);
  if (!ops::detail::recording(*this)) return out;
  return ops::detail::recorded({*this}, out, [dims = dims_](const Tensor& dy) {
    return std::vector<Tensor>{dy.reshape(dims)};
  });
}

Tensor Tensor::copy() const {
  Tensor out = empty(dims_);
  if (size_) std::memcpy(out.data(), data(), static_cast<size_t>(size_) * sizeof(float));
  out.dtype_ = dtype_;
  return ops::detail::recording(*this)
             ? ops::detail::recorded({*this}, out, [](const Tensor& dy) { return std::vector<Tensor>{dy}; })
             : out;
}

Tensor Tensor::slice(int64_t begin, int64_t end) const {
  if (ndim() == 0) throw ValueError("cannot slice a 0-d array");
  int64_t n = dims_[0];
  begin = std::clamp<int64_t>(begin < 0 ? begin + n : begin, 0, n);
  end = std::clamp<int64_t>(end < 0 ? end + n : end, begin, n);
  int64_t row = n ? size_ / n : 0;
  Tensor out = *this;
  out.offset_ = offset_ + begin * row;
  out.dims_[0] = end - begin;
  out.size_ = (end - begin) * row;
  if (out.dims_ == dims_ || !ops::detail::recording(*this)) return out;
  // The gradient of a row range: dy in those rows, zeros elsewhere.
  return ops::detail::recorded({*this}, out, [dims = dims_, at = begin * row](const Tensor& dy) {
    Tensor g = zeros(dims);
    std::copy_n(dy.data(), dy.size(), g.data() + at);
    return std::vector<Tensor>{g};
  });
}

Tensor Tensor::operator[](int64_t i) const {
  if (ndim() == 0) throw ValueError("invalid index to scalar variable.");
  int64_t n = dims_[0];
  int64_t j = i < 0 ? i + n : i;
  if (j < 0 || j >= n)
    throw ValueError("index " + std::to_string(i) + " is out of bounds for axis 0 with size " + std::to_string(n));
  const Tensor row = slice(j, j + 1);
  return row.reshape(std::vector<int64_t>(row.dims_.begin() + 1, row.dims_.end()));  // a view; recorded as one
}

Tensor Tensor::take(const std::vector<int64_t>& rows) const {
  if (ndim() == 0) throw ValueError("cannot index a 0-d array by rows");
  std::vector<int64_t> shape = dims_;
  int64_t n = dims_[0];
  shape[0] = static_cast<int64_t>(rows.size());
  Tensor out = empty(shape);
  out.dtype_ = dtype_;
  const int64_t row = n ? size_ / n : 0;
  for (int64_t i : rows)
    if (i < -n || i >= n)
      throw ValueError("index " + std::to_string(i) + " is out of bounds for axis 0 with size " + std::to_string(n));
  // fit's shuffled batches: rows scattered over the whole dataset, so each copy starts with a trip to memory;
  // two threads halve that wait (a batch of Fashion-MNIST images: 32: 15 -> 9 us, 128: 43 -> 24 us).
  const auto count = static_cast<int64_t>(rows.size());
  const float* src = data();
  float* dst = out.data();
#pragma omp parallel for if (count * row > (1 << 14))
  for (int64_t r = 0; r < count; ++r) {
    const int64_t at = rows[static_cast<size_t>(r)];
    const int64_t i = at < 0 ? at + n : at;
    std::memcpy(dst + r * row, src + i * row, static_cast<size_t>(row) * sizeof(float));
  }
  if (!ops::detail::recording(*this)) return out;
  // Rows taken twice add their gradients.
  return ops::detail::recorded({*this}, out, [dims = dims_, rows, n, row](const Tensor& dy) {
    Tensor g = zeros(dims);
    for (size_t r = 0; r < rows.size(); ++r) {
      const int64_t i = rows[r] < 0 ? rows[r] + n : rows[r];
      for (int64_t j = 0; j < row; ++j) g.data()[i * row + j] += dy.data()[static_cast<int64_t>(r) * row + j];
    }
    return std::vector<Tensor>{g};
  });
}

Tensor& Tensor::fill(float value) {
  ops::detail::refuse_in_place(*this, "fill");
  std::fill_n(data(), size_, value);
  return *this;
}

std::vector<int64_t> broadcast_shapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  size_t n = std::max(a.size(), b.size());
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      throw ValueError("operands could not be broadcast together with shapes " + dims_to_string(a) + " " +
                           dims_to_string(b),
                       {.expected = dims_to_string(a), .received = dims_to_string(b),
                        .hint = "each pair of trailing dimensions must be equal or 1; reshape one operand."});
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace {

// Strides of `in` (row-major) laid out against the broadcast shape `out`, 0 where a dimension is broadcast.
std::vector<int64_t> broadcast_strides(const std::vector<int64_t>& in, const std::vector<int64_t>& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t s = 1;
  for (size_t k = 0; k < in.size(); ++k) {
    size_t i = in.size() - 1 - k;
    size_t o = out.size() - 1 - k;
    strides[o] = in[i] == 1 ? 0 : s;
    s *= in[i];
  }
  return strides;
}

template <class Op>
Tensor binary(const Tensor& a, const Tensor& b, Op op) {
  if (!a.defined() || !b.defined()) throw ValueError("arithmetic on an undefined Tensor");
  if (a.dims() == b.dims()) {
    Tensor out = Tensor::empty(a.dims());
    const float* pa = a.data();
    const float* pb = b.data();
    float* po = out.data();
    for (int64_t i = 0, n = a.size(); i < n; ++i) po[i] = op(pa[i], pb[i]);
    return out;
  }
  std::vector<int64_t> shape = broadcast_shapes(a.dims(), b.dims());
  Tensor out = Tensor::empty(shape);
  if (out.size() == 0) return out;
  std::vector<int64_t> sa = broadcast_strides(a.dims(), shape), sb = broadcast_strides(b.dims(), shape);
  // Walk the output with an odometer over all but the last axis; the inner loop is a plain strided loop.
  size_t nd = shape.size();
  if (nd == 0) {
    out.data()[0] = op(a.data()[0], b.data()[0]);
    return out;
  }
  int64_t inner = shape[nd - 1], ia = sa[nd - 1], ib = sb[nd - 1];
  std::vector<int64_t> idx(nd, 0);
  const float* pa = a.data();
  const float* pb = b.data();
  float* po = out.data();
  int64_t outer = out.size() / inner;
  for (int64_t o = 0; o < outer; ++o) {
    int64_t oa = 0, ob = 0;
    for (size_t k = 0; k + 1 < nd; ++k) {
      oa += idx[k] * sa[k];
      ob += idx[k] * sb[k];
    }
    for (int64_t j = 0; j < inner; ++j) po[j] = op(pa[oa + j * ia], pb[ob + j * ib]);
    po += inner;
    for (size_t k = nd - 1; k-- > 0;) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

}  // namespace

namespace {
using ops::detail::recorded;
using ops::detail::recording;
using ops::detail::unbroadcast;
using Grads = std::vector<Tensor>;
bool either(const Tensor& a, const Tensor& b) { return recording(a) || recording(b); }
}  // namespace

Tensor operator+(const Tensor& a, const Tensor& b) {
  Tensor y = binary(a, b, [](float x, float v) { return x + v; });
  if (!either(a, b)) return y;
  return recorded({a, b}, y, [da = a.dims(), db = b.dims()](const Tensor& dy) {
    return Grads{unbroadcast(dy, da), unbroadcast(dy, db)};
  });
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  Tensor y = binary(a, b, [](float x, float v) { return x - v; });
  if (!either(a, b)) return y;
  return recorded({a, b}, y, [da = a.dims(), db = b.dims()](const Tensor& dy) {
    return Grads{unbroadcast(dy, da), unbroadcast(-dy, db)};
  });
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  Tensor y = binary(a, b, [](float x, float v) { return x * v; });
  if (!either(a, b)) return y;
  return recorded({a, b}, y, [a, b](const Tensor& dy) {
    return Grads{unbroadcast(dy * b, a.dims()), unbroadcast(dy * a, b.dims())};
  });
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  Tensor y = binary(a, b, [](float x, float v) { return x / v; });
  if (!either(a, b)) return y;
  return recorded({a, b}, y, [a, b](const Tensor& dy) {
    return Grads{unbroadcast(dy / b, a.dims()), unbroadcast(-(dy * a) / (b * b), b.dims())};
  });
}

namespace {
// t op scalar, whose gradient is dy times a constant.
template <class Op>
Tensor scaled(const Tensor& t, Op op, float slope) {
  Tensor y = ops::detail::map_values(t, op);
  if (!recording(t)) return y;
  return recorded({t}, y, [slope](const Tensor& dy) { return Grads{slope == 1.0f ? dy : dy * slope}; });
}
}  // namespace

Tensor operator+(const Tensor& a, float b) { return scaled(a, [b](float x) { return x + b; }, 1.0f); }
Tensor operator-(const Tensor& a, float b) { return scaled(a, [b](float x) { return x - b; }, 1.0f); }
Tensor operator*(const Tensor& a, float b) { return scaled(a, [b](float x) { return x * b; }, b); }
Tensor operator/(const Tensor& a, float b) { return scaled(a, [b](float x) { return x / b; }, 1.0f / b); }
Tensor operator+(float a, const Tensor& b) { return scaled(b, [a](float y) { return a + y; }, 1.0f); }
Tensor operator-(float a, const Tensor& b) { return scaled(b, [a](float y) { return a - y; }, -1.0f); }
Tensor operator*(float a, const Tensor& b) { return scaled(b, [a](float y) { return a * y; }, a); }
Tensor operator/(float a, const Tensor& b) {
  Tensor y = ops::detail::map_values(b, [a](float v) { return a / v; });
  if (!recording(b)) return y;
  return recorded({b}, y, [a, b](const Tensor& dy) { return Grads{-(dy * a) / (b * b)}; });
}
Tensor operator-(const Tensor& a) { return scaled(a, [](float x) { return -x; }, -1.0f); }

// While a tape records, these rebind instead of writing in place (as `y += b` on a TensorFlow tensor does), so the
// records made before still describe the values they saw.
Tensor& Tensor::operator+=(const Tensor& other) {
  if (other.dims_ != dims_ || ops::detail::recording(*this) || ops::detail::recording(other))
    return *this = *this + other;
  float* p = data();
  const float* q = other.data();
  for (int64_t i = 0; i < size_; ++i) p[i] += q[i];
  return *this;
}
Tensor& Tensor::operator-=(const Tensor& other) {
  if (other.dims_ != dims_ || ops::detail::recording(*this) || ops::detail::recording(other))
    return *this = *this - other;
  float* p = data();
  const float* q = other.data();
  for (int64_t i = 0; i < size_; ++i) p[i] -= q[i];
  return *this;
}
Tensor& Tensor::operator*=(float s) {
  if (ops::detail::recording(*this)) return *this = *this * s;
  float* p = data();
  for (int64_t i = 0; i < size_; ++i) p[i] *= s;
  return *this;
}

float max_abs_diff(const Tensor& a, const Tensor& b) {
  if (a.dims() != b.dims())
    throw ValueError("max_abs_diff: shapes differ: " + to_string(a.shape()) + " and " + to_string(b.shape()));
  float m = 0.0f;
  for (int64_t i = 0; i < a.size(); ++i) {
    float d = std::fabs(a.data()[i] - b.data()[i]);
    if (std::isnan(d)) return d;
    m = std::max(m, d);
  }
  return m;
}

bool allclose(const Tensor& a, const Tensor& b, float rtol, float atol) {
  if (a.dims() != b.dims()) return false;
  for (int64_t i = 0; i < a.size(); ++i) {
    float x = a.data()[i], y = b.data()[i];
    if (!(std::fabs(x - y) <= atol + rtol * std::fabs(y))) return false;
  }
  return true;
}

namespace {
void print_rec(std::ostream& os, const Tensor& t, size_t axis, int64_t offset, int64_t stride_prod) {
  const auto& d = t.dims();
  int64_t n = d[axis];
  int64_t stride = stride_prod / n;
  os << '[';
  const int64_t edge = 3;
  for (int64_t i = 0; i < n; ++i) {
    if (n > 2 * edge + 1 && i == edge) {
      os << "..., ";
      i = n - edge - 1;
      continue;
    }
    if (axis + 1 == d.size()) os << t.data()[offset + i];
    else print_rec(os, t, axis + 1, offset + i * stride, stride);
    if (i + 1 < n) os << ", ";
  }
  os << ']';
}
}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "Tensor(undefined)";
  os << "array(";
  if (t.ndim() == 0) os << t.data()[0];
  else if (t.size() == 0) os << "[]";
  else print_rec(os, t, 0, 0, t.size());
  return os << ", shape=" << t.shape() << ", dtype=" << t.dtype() << ")";
}

}  // namespace keras
