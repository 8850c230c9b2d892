#pragma once
// keras.layers.Normalization(axis=-1, mean=None, variance=None, invert=false): a preprocessing layer that shifts
// and scales its inputs to mean 0 and standard deviation 1: y = (x - mean) / max(sqrt(variance), 1e-7)
// (invert=true: y = mean + x * max(sqrt(variance), 1e-7), turning normalized values back).
//
// `axis` is the axis that keeps a separate mean and variance per index (the features axis, -1 by default; counted
// on the full input, batch included); axis=None uses one scalar mean and variance for all values. The statistics
// come from either
//   - adapt(data): mean and (biased) variance of data over all axes but `axis`; stored as the non-trainable weights
//     mean, variance (shape (features,)) and count (a scalar kept for Keras compatibility), or
//   - mean= and variance= given together at construction: constants broadcast to the kept axis (no weights).
// Without either the layer is the identity (mean 0, variance 1), as in Keras. Gradients pass through to the inputs.
// Not supported yet: a tuple of axes; per-feature mean=/variance= lists need kw::mean to accept a list (today it is
// a number, shared with the initializers), so only scalars can be given that way.
#include <vector>

#include "keras/core/args.hpp"
#include "keras/layers/layer.hpp"

namespace keras::kw {
KERAS_KEYWORD(variance, FloatList);
KERAS_KEYWORD(invert, bool);
}  // namespace keras::kw

namespace keras::layers {

class Normalization : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::axis_t, kw::mean_t, kw::variance_t, kw::invert_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Normalization(A&&... a) : Normalization(kw::collect<Normalization>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit Normalization(int axis, A&&... a)
      : Normalization(kw::collect<Normalization>(kw::axis = axis, std::forward<A>(a)...)) {}
  explicit Normalization(const kw::Kwargs& kwargs);

  // Computes the mean and variance of `data` (a batch of samples) over all axes but `axis`, and stores them.
  void adapt(const Tensor& data) const;
  // The same over several batches (Keras's adapt on an iterable of batches), combined exactly.
  void adapt(const std::vector<Tensor>& batches) const;
};

}  // namespace keras::layers
