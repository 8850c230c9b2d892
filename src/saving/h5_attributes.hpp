#pragma once
// A guard for the attribute messages of an HDF5 object header. Debian 12's HDF5 1.10.8 decodes an attribute message
// (name, datatype, dataspace, then the data) without checking that the parts it reads fit in the message: a name,
// datatype or dataspace size that runs past it makes the library read (and copy into the attribute's data) up to
// 196 KB beyond the header chunk, which crashes with SIGSEGV when that memory is not mapped
// (fuzz/findings/libhdf5/hdf5-attr-decode-overread*.h5; fixed upstream in HDF5 1.14.1). H5Aexists and H5Aopen
// decode every attribute of the object, so the check runs on the whole object header before any attribute lookup.
//
// Scope: compact attributes (in the object header, as h5py and Keras write them), in version 1 and 2 headers with
// their continuation chunks. Attributes in dense storage (a fractal heap, only with libver="latest" and many or large
// attributes) are not checked; shared attribute messages, datatypes or dataspaces (never written by h5py) are
// refused.
#include <cstdint>
#include <string>
#include <string_view>

#include "saving/h5_global_heap.hpp"

namespace keras::saving::detail {

// Checks every attribute message in the object header at `address` of `file` (the whole file image) as HDF5
// 1.10.8 will decode it: a known version and flags, a NUL-terminated name of the stated length, a datatype and a
// dataspace whose encodings fit their stated sizes, and data (elements x datatype size) that fits in the rest of
// the message. Returns "" when all fit, else why not (for the error message).
std::string check_attribute_messages(std::string_view file, uint64_t address, H5Widths widths);

// The encoded length of the datatype message at `p` (at most `avail` bytes), its declared size in `size`; false when
// it is not a datatype HDF5 1.10.8 decodes or does not fit in `avail`. Exposed for the tests.
bool datatype_length(const unsigned char* p, size_t avail, size_t& used, uint64_t& size, int depth = 0);

}  // namespace keras::saving::detail
