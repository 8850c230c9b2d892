#pragma once
// keras.layers.Embedding(input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
//     mask_zero=false)
//
// Turns non-negative integer indices into dense vectors: an input of shape (...) gives (..., output_dim), row i of
// the trainable weight `embeddings` (input_dim, output_dim) for index i. input_dim is the vocabulary size (largest
// index + 1), not an input shape. Indices are the float values of a keras::Tensor, truncated toward zero as Keras's
// cast to int32 does; an index outside [0, input_dim) is a ValueError naming it. The backward pass adds each output
// row's gradient into the embeddings row it came from; the indices get no gradient.
// mask_zero=true: index 0 is padding. The layer then supports masking and its output carries the mask (1 where
// x != 0, 0 where x == 0, x's shape, dtype "bool") to the layers after it, in models and in call_masked(); index 0
// is still looked up, as in Keras. compute_mask(x) returns that mask directly.
// input_length= (removed in Keras 3) is accepted and ignored with Keras's warning.
// Not supported yet: weights=, lora_rank, quantization.
#include "keras/core/args.hpp"
#include "keras/layers/layer.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::kw {
KERAS_KEYWORD(output_dim, int);
KERAS_KEYWORD(embeddings_initializer, InitializerArg);
KERAS_KEYWORD(embeddings_regularizer, RegularizerArg);
KERAS_KEYWORD(mask_zero, bool);
KERAS_KEYWORD(input_length, int);
}  // namespace keras::kw

namespace keras::layers {

class Embedding : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::output_dim_t, kw::embeddings_initializer_t,
                                     kw::embeddings_regularizer_t, kw::embeddings_constraint_t, kw::mask_zero_t,
                                     kw::input_length_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Embedding(A&&... a) : Embedding(kw::collect<Embedding>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Embedding(int input_dim, A&&... a)
      : Embedding(kw::collect<Embedding>(kw::input_dim = input_dim, std::forward<A>(a)...)) {}
  template <class... A>
  explicit Embedding(int input_dim, int output_dim, A&&... a)
      : Embedding(kw::collect<Embedding>(kw::input_dim = input_dim, kw::output_dim = output_dim,
                                         std::forward<A>(a)...)) {}
  explicit Embedding(const kw::Kwargs& kwargs);

  // Keras's compute_mask: (inputs != 0) when mask_zero, else an undefined Tensor (Python's None).
  Tensor compute_mask(const Tensor& inputs) const;
  // Keras's layer.embeddings (the layer must be built).
  Tensor embeddings() const;
};

}  // namespace keras::layers
