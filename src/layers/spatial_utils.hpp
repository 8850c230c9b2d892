#pragma once
// Argument checks, Python-style printing and hints shared by the spatial layers (pooling, zero padding, cropping,
// upsampling, spatial dropout), with Keras's messages.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/py_repr.hpp"
#include "keras/core/args.hpp"
#include "keras/core/kw.hpp"
#include "keras/layers/input_spec.hpp"

namespace keras::layers::spatial {

// A tuple of ints as Python prints it: (2,), (2, 3).
std::string py_tuple(const std::vector<int64_t>& v);
// A tuple of pairs: ((1, 1), (2, 2)).
std::string py_pairs(const std::vector<std::pair<int64_t, int64_t>>& v);
// An IntTuple as the user wrote it: 2 or (2, 3).
std::string py_value(const IntTuple& t);
// A PaddingArg as the user wrote it: 'same', 1, (1, 2) or ((1, 2), (3, 4)).
std::string py_value(const PaddingArg& p);
// A C++ braced list, as a keraspp user writes it: {28, 28, 1}.
std::string braces(const std::vector<int64_t>& v);

// data_format= (default "channels_last", any case); true for channels_first. Keras's message otherwise.
bool channels_first(const kw::Kwargs& k, const std::string& layer);

// Keras's argument_validation.standardize_tuple: an int repeats n times, a tuple must have n values, all > 0
// (>= 0 with allow_zero). `name` is the argument's name in the messages ("pool_size", "1st entry of padding").
std::vector<int64_t> standardize_tuple(const std::vector<int64_t>& values, size_t n, const std::string& name,
                                       bool allow_zero, const std::string& layer, const std::string& hint);

// The (before, after) amounts of padding=/cropping= for a 1-D layer: int or pair of ints (Keras's forms).
std::pair<int64_t, int64_t> amounts_1d(const PaddingArg& p, const std::string& arg, const std::string& layer,
                                       const std::string& hint);
// For a 2-D or 3-D layer (`axes` spatial axes): int (every side), `axes` ints (symmetric per axis) or `axes` pairs
// ((top, bottom), (left, right)).
std::vector<std::pair<int64_t, int64_t>> amounts_nd(const PaddingArg& p, size_t axes, const std::string& arg,
                                                    const std::string& layer, const std::string& hint);

// The axes a layer with `spatial_dims` spatial axes takes, as the hints name them: "(batch, height, width, channels)".
std::string layout(int spatial_dims, bool channels_first);

// The hint for a rank violation of a layer that takes (batch, <spatial_dims axes>, channels): explains the layout
// and points to the sibling layer for the other rank (`other` = "MaxPooling1D"), or to a channel axis for images
// without one.
std::string rank_hint(const std::string& class_name, int spatial_dims, bool channels_first, const std::string& other,
                      const SpecViolation& v);

}  // namespace keras::layers::spatial
