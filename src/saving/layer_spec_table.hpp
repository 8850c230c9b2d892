#pragma once
// The per-class tables behind layer_specs.cpp: for each Keras layer class keraspp has, the keys of its Keras 3
// get_config in Keras's order, with Keras's defaults, plus the keys older Keras versions wrote.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "keras/core/kw.hpp"

namespace keras::saving::detail {

// How a Keras config key maps onto keraspp.
enum class Kind {
  kArg,        // a keraspp keyword: written with the layer's value (or Keras's default), passed on when loading
  kArgIfSet,   // a keraspp keyword Keras accepts but does not write (Embedding's input_length): written when given
  kFixed,      // a Keras argument keraspp lacks: written with Keras's default; loading accepts only that default
  kReadOnly,   // a key other Keras versions write: never written; loading accepts only the default
  kIgnored,    // a key other Keras versions write that does not change the results (BatchNormalization's fused)
};

// How the JSON value converts, where the keyword's C++ type alone does not say it.
enum class As {
  kKeyword,  // by the keyword's declared type (config_codec's table)
  kBool,     // a boolean stored under a keyword declared as a number (BatchNormalization's scale)
  kAxis,     // an int, or a list of one int (tf.keras writes BatchNormalization's axis as [3]); null allowed
  kAxes,     // an int, or a list of ints (UnitNormalization's axis), read as an IntTuple when a list
  kTuple,    // an IntTuple written with `rank` entries (Keras standardizes kernel_size=3 to [3, 3])
  kFloats,   // a number or a list of numbers (Normalization's mean and variance)
  kScalarTuple,  // an IntTuple of one value written as a plain int (UpSampling1D's size)
  kLayer,        // a nested layer, written as its serialized config (TimeDistributed's layer)
  kLayers,       // a list of nested layers (StackedRNNCells' cells)
  kNullable,     // None is a value of its own, written as null (Bidirectional's merge_mode)
};

struct ArgSpec {
  const char* key;
  const char* default_json;  // Keras's default as JSON text; nullptr: a required argument
  Kind kind = Kind::kArg;
  As as = As::kKeyword;
  int rank = 0;  // kTuple only
};

struct LayerSpec {
  // Keras marks these layers built in __init__ (they have no build()), so their configs carry no build_config.
  bool built_in_init = false;
  std::vector<ArgSpec> args;
  // keraspp keyword -> the Keras key it is written as (LeakyReLU(alpha=) is Keras 3's negative_slope).
  std::vector<std::pair<const char*, const char*>> aliases;
  // Layers whose build() takes several shapes by name write build_config as {"shapes_dict": {name: shape}}, one name
  // per input in order (MultiHeadAttention's query_shape, value_shape, key_shape), as Keras's get_build_config does;
  // empty: {"input_shape": ...}.
  std::vector<const char*> build_shape_names = {};
  // Whether the config carries Layer.get_config's "trainable" (Discretization's get_config has no base keys but
  // name and dtype, and its __init__ refuses any other).
  bool writes_trainable = true;
  // The class's own from_config, when Keras's differs from cls(**config): rewrites the decoded arguments before the
  // layer is made (null: none).
  void (*from_config)(kw::Kwargs& args) = nullptr;
  // Layers whose get_build_config returns {} (IndexLookup's) write "build_config": {} whether built or not.
  bool empty_build_config = false;
};

const std::map<std::string, LayerSpec>& layer_spec_table();

}  // namespace keras::saving::detail
