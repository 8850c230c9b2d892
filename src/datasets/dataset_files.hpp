#pragma once
// Helpers shared by the dataset loaders: IDX files (the MNIST family's format) and Keras's cache directories.
#include <cstdint>
#include <string>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::datasets::detail {

// Reads a gzip-compressed IDX file of unsigned bytes (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"):
// magic 0x00 0x00 0x08 <ndim>, then ndim big-endian uint32 sizes, then the bytes in row-major order.
// `dims` gives the expected sizes, -1 for "any" (at most `max_items` for the first). The header is checked before
// anything is allocated, and the data must be exactly as long as the header says. Returns a uint8 tensor.
// `what` names the file's role in error messages (e.g. "Fashion-MNIST training images").
Tensor read_idx_gz(const std::string& path, const std::vector<int64_t>& dims, int64_t max_items,
                   const std::string& what);

// Keras's datasets cache directories, in the order keraspp looks: $KERAS_HOME/datasets when KERAS_HOME is set,
// else ~/.keras/datasets; then /tmp/.keras/datasets.
std::vector<std::string> keras_cache_dirs();

bool file_exists(const std::string& path);

}  // namespace keras::datasets::detail
