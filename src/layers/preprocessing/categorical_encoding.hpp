#pragma once
// Keras's numerical_utils.encode_categorical_inputs, which CategoryEncoding and Discretization share: integer
// indices in [0, depth) to one_hot, multi_hot or count vectors. A rank-0 input counts as one sample of one index.
//   one_hot:   a trailing axis of 1 (rank > 1) is dropped, then every index becomes a row of `depth`;
//   multi_hot: 1 where an index occurs, reduced over axis 1 (axis 0 for rank 1): (B, S) -> (B, depth),
//              (B, T, S) -> (B, S, depth), as Keras's eager code does;
//   count:     the same reduction, counting occurrences.
// Negative indices give zero rows (every Keras backend ignores them); callers check the upper bound.
#include <string>

#include "keras/core/kw.hpp"
#include "keras/core/shape.hpp"
#include "keras/core/tensor.hpp"
#include "keras/layers/layer.hpp"

namespace keras::layers::categorical {

enum class OutputMode { kInt, kOneHot, kMultiHot, kCount };

OutputMode mode_from_name(const std::string& name);  // the name must be valid
std::string mode_name(OutputMode mode);

Tensor encode(const Tensor& indices, OutputMode mode, int64_t depth);
// The shape encode() gives (kInt: the input's).
Shape encoded_shape(const Shape& input, OutputMode mode, Dim depth);

// sparse=true is Keras's message for a backend without sparse tensors, as keraspp is.
void refuse_sparse(const kw::Kwargs& k, const std::string& layer);
// The outputs are piecewise constant in the inputs: a zero gradient where one is asked for.
Tensor zero_input_gradient(const CallContext& ctx);

}  // namespace keras::layers::categorical
