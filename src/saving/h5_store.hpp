#pragma once
// The weights store of Keras 3 (saving_lib.H5IOStore) over the HDF5 C library: groups `<path>/vars` holding datasets
// "0", "1", ... and a `name` attribute, written to and read from an in-memory HDF5 image (the same bytes go into a
// .weights.h5 file or into the model.weights.h5 entry of a .keras archive). hdf5.h stays inside the .cpp.
//
// Reading is defensive: the image must start with the HDF5 signature, paths are walked one link at a time, a
// dataset's type and shape are checked before anything is read, and the global heap behind a variable-length string
// attribute is checked before HDF5 reads it (h5_global_heap.hpp). Every HDF5 failure is a ValueError naming the file.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::saving::detail {

// An HDF5 path below `a` ("" is the root).
inline std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "/" + b; }
// A dataset's dims as Keras prints a shape, for error messages.
inline std::string shape_text(const std::vector<int64_t>& dims) { return to_string(Shape::of(dims)); }

class H5Writer {
 public:
  H5Writer();
  ~H5Writer();
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  // Creates the group `<path>/vars` ("vars" for path "") with attribute name=object_name (a UTF-8 string, as Keras
  // 3.6+ writes it) and the datasets "0", "1", ... holding `values` (float32; a Tensor whose dtype() is "int64" is
  // written as int64, as Keras writes an optimizer's iteration count).
  // keys: the datasets' names when the object names its entries itself (IntegerLookup's "idf_weights"); empty: by
  // position, "0", "1", ...
  void write_vars(const std::string& path, const std::string& object_name, const std::vector<Tensor>& values,
                  const std::vector<std::string>& keys = {});
  // The legacy (Keras 2 / model.save("m.h5")) layout: groups, float32 datasets and string attributes at any
  // '/'-separated path ("" is the root); intermediate groups are created.
  void create_group(const std::string& path);
  // float32, or int64 for a Tensor whose dtype() is "int64" (as write_vars).
  void write_dataset(const std::string& path, const Tensor& value);
  // A variable-length UTF-8 string (scalar) attribute, as h5py 3 writes a Python str.
  void write_string_attr(const std::string& path, const std::string& name, const std::string& value);
  // A 1-D array of variable-length strings, as h5py 3 writes a list of bytes (layer_names, weight_names).
  void write_string_list_attr(const std::string& path, const std::string& name, const std::vector<std::string>& values);
  // The finished file's bytes.
  std::string image();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class H5Reader {
 public:
  // Opens an HDF5 image, which the reader keeps (HDF5 reads it in place: pass an rvalue to avoid a copy); `source`
  // names it in messages (a path, or "m.keras (model.weights.h5)").
  H5Reader(std::string bytes, std::string source);
  ~H5Reader();
  H5Reader(const H5Reader&) = delete;
  H5Reader& operator=(const H5Reader&) = delete;

  // How many entries `<path>/vars` holds; nullopt when the group does not exist (Keras then reads an empty store).
  std::optional<size_t> count_vars(const std::string& path);
  // Dataset `<path>/vars/<index>`: its shape, checked to be a numeric dataset of rank <= 32.
  std::vector<int64_t> var_shape(const std::string& path, size_t index);
  // Reads dataset `<path>/vars/<index>` as float32 (integers and float64 are converted, as numpy's assign would);
  // `expected` is checked first, so nothing is read for a mismatch (the caller checks with var_shape).
  Tensor read_var(const std::string& path, size_t index, const std::vector<int64_t>& expected);
  // The legacy layout, at '/'-separated paths from the root ("" is the root).
  bool has_group(const std::string& path);
  bool has_attr(const std::string& path, const std::string& name);
  // A string attribute (fixed or variable length, ASCII or UTF-8); nullopt when absent.
  std::optional<std::string> string_attr(const std::string& path, const std::string& name);
  // A list-of-strings attribute: fixed-length NUL-padded (h5py 2) or variable-length (h5py 3) strings, or an empty
  // numeric array (how h5py stores an empty list); Keras's chunks name0, name1, ... of a long list are joined.
  // nullopt when absent.
  std::optional<std::vector<std::string>> string_list_attr(const std::string& path, const std::string& name);
  // A numeric dataset's shape, and its data as float32 after checking that shape (as read_var does).
  std::vector<int64_t> dataset_shape(const std::string& path);
  Tensor read_dataset(const std::string& path, const std::vector<int64_t>& expected);
  const std::string& source() const { return source_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string source_;
};

}  // namespace keras::saving::detail
