#pragma once
// The .npy format, shared by the .npy and .npz readers: header parsing and data decoding.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::numpy::detail {

inline constexpr size_t kMagicLen = 6;           // "\x93NUMPY"
inline constexpr size_t kMinPrefix = 10;         // magic, 2 version bytes, 2-byte length (format 1.0)
inline constexpr size_t kMaxHeaderLen = 1 << 20;  // bytes of header text accepted (format 1.0 allows 65535)
inline constexpr int kMaxDims = 64;               // numpy 2's NPY_MAXDIMS

// A file or member name as numpy's messages quote it.
inline std::string squote(const std::string& s) { return "'" + s + "'"; }

struct NpyHeader {
  char kind = 'f';          // 'b', 'i', 'u' or 'f'
  int itemsize = 4;         // bytes per element
  bool swap = false;        // data byte order differs from this machine's
  bool fortran = false;     // column-major data
  std::string descr;        // as written in the file, e.g. "<f4"
  std::string dtype;        // numpy's name, e.g. "float32"
  std::vector<int64_t> shape;
  int64_t count = 0;        // number of elements
  uint64_t data_bytes = 0;  // count * itemsize
  size_t data_offset = 0;   // bytes before the data: magic, version, length, header text
};

// True when the bytes begin with the .npy magic string.
bool has_npy_magic(const uint8_t* data, size_t size);
// True when the bytes begin like a zip archive.
bool has_zip_magic(const uint8_t* data, size_t size);

// From the first bytes (at least 12, or the whole input when shorter): checks magic and version and returns the
// data offset (the total length of magic, version, length field and header text). Throws ValueError naming `source`.
size_t header_total_length(const uint8_t* data, size_t size, const std::string& source);

// Parses the header; `size` must be at least header_total_length(). Does not look at the data.
NpyHeader parse_header(const uint8_t* data, size_t size, const std::string& source);

// Throws ValueError unless `available` bytes (those after the header) hold the data the header declares.
void check_data_size(const NpyHeader& h, uint64_t available, const std::string& source);

// An uninitialised tensor of the header's shape (the header must have been checked against the data first).
Tensor allocate_for(const NpyHeader& h);
// True when the data can be copied into the tensor as is (native float32 in C order).
bool is_raw_float32(const NpyHeader& h);
// Converts h.data_bytes bytes of file data into the tensor's float32 values (transposing Fortran order) and
// records the dtype. Returns the finished tensor.
Tensor finish(const NpyHeader& h, Tensor t, const uint8_t* data);
// Records the header's dtype on an already-filled tensor.
Tensor with_dtype(Tensor t, const std::string& dtype);

// The .npy file bytes for a tensor.
std::string encode(const Tensor& t);

[[noreturn]] void fail(const std::string& source, const std::string& what, const std::string& hint = "");

}  // namespace keras::numpy::detail
