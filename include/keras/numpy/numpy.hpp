#pragma once
// keras::numpy: numpy's .npy and .npz files, read and written as numpy.load / numpy.save / numpy.savez do.
//
// Reading accepts every numeric dtype numpy writes (bool, int8..int64, uint8..uint64, float16, float32, float64),
// either byte order, C or Fortran order (Fortran arrays are transposed into row-major order), format versions 1.0,
// 2.0 and 3.0, and 0-d arrays. Values become float32 in the Tensor; the file's dtype is recorded (Tensor::dtype()),
// so integer labels and uint8 pixels round-trip. Object arrays (pickles), strings, complex numbers, dates and
// structured dtypes are refused.
//
// Files may come from strangers: anything malformed (bad magic, a header that does not parse, a shape that
// overflows or that the file is too short to hold, an unsupported dtype) is a keras::ValueError whose message names
// the file, raised before any large allocation.
#include <cstddef>
#include <map>
#include <string>

#include "keras/core/tensor.hpp"

namespace keras::numpy {

// np.load(path) for a .npy file. A .npz archive given here is a ValueError that points to load_npz.
Tensor load(const std::string& path);

// np.load(path) for a .npz archive: every member holding an array, keyed as numpy's NpzFile keys them (the member
// name without its ".npy" suffix). Members that are not .npy data (numpy would hand back their raw bytes) are
// skipped.
std::map<std::string, Tensor> load_npz(const std::string& path);

// np.save(path, array): writes the tensor's dtype (float32 unless the tensor says uint8, int64, float64, ...).
// As numpy does, ".npy" is appended to the path when it does not already end with it.
void save(const std::string& path, const Tensor& array);

// np.savez(path, **arrays) / np.savez_compressed: one "<key>.npy" member per entry, stored or deflated.
// ".npz" is appended to the path when it does not already end with it.
void savez(const std::string& path, const std::map<std::string, Tensor>& arrays);
void savez_compressed(const std::string& path, const std::map<std::string, Tensor>& arrays);

// In-memory forms of the above (the file functions use these parsers; fuzz targets can call them directly).
// `source_name` only labels error messages.
Tensor parse_npy(const void* data, size_t size, const std::string& source_name = "<memory>");
Tensor loads(const std::string& bytes, const std::string& source_name = "<memory>");
std::map<std::string, Tensor> parse_npz(const void* data, size_t size, const std::string& source_name = "<memory>");
std::map<std::string, Tensor> loads_npz(const std::string& bytes, const std::string& source_name = "<memory>");

// The exact bytes np.save writes for `array` (format 1.0 header, padded to 64 bytes, little-endian data).
std::string dumps(const Tensor& array);
// The bytes of a .npz archive holding `arrays` (as savez / savez_compressed write to a file).
std::string dumps_npz(const std::map<std::string, Tensor>& arrays, bool compressed = false);

// The numpy descr ("<f4", "|u1", ...) that save() writes for a dtype name ("float32", "uint8", ...);
// a ValueError for a dtype numpy files cannot hold.
std::string descr_for_dtype(const std::string& dtype);

}  // namespace keras::numpy
