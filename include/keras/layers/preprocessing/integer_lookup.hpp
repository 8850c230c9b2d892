#pragma once
// keras.layers.IntegerLookup(max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
// vocabulary_dtype="int64", idf_weights=None, invert=false, output_mode="int", sparse=false,
// pad_to_max_tokens=false): maps arbitrary integer ids (user ids, zip codes, years) to contiguous indices, as Keras 3.
//   layers::IntegerLookup(vocabulary={12, 36, 1138, 42})({{12, 1138, 42}, {42, 1000, 36}}) -> {{1, 3, 4}, {4, 0, 2}}
//   layer.adapt(ids) learns the vocabulary, most frequent first (ties: larger id first).
// The indices: 0 for mask_token (output_mode "int" only), then num_oov_indices slots for ids not in the vocabulary
// (an unknown id v goes to slot floormod(v, num_oov_indices)), then the vocabulary in order. output_mode "one_hot",
// "multi_hot", "count" and "tf_idf" encode the indices as CategoryEncoding does (mask ids are dropped there);
// invert=true maps indices back to ids. Outputs carry dtype int64 (tf_idf: float32), as Keras's eager outputs.
// keraspp tensors hold float32, so ids are exact only up to 2^24 = 16777216 in magnitude; larger ids in a vocabulary
// are a ValueError. An adapted vocabulary is saved as assets/.../vocabulary.txt in a .keras archive and the tf_idf
// weights as "idf_weights" in its weights file, as Keras does; the legacy .h5 format cannot keep them (refused).
// Not supported: sparse=true, a vocabulary file path.
#include <vector>

#include "keras/layers/layer.hpp"
#include "keras/layers/preprocessing/categorical_keywords.hpp"
#include "keras/layers/preprocessing/normalization.hpp"  // the invert= keyword

namespace keras::kw {
KERAS_KEYWORD(max_tokens, int);
KERAS_KEYWORD(num_oov_indices, int);
KERAS_KEYWORD(mask_token, int);
KERAS_KEYWORD(oov_token, int);
KERAS_KEYWORD(vocabulary, std::vector<int64_t>);
KERAS_KEYWORD(vocabulary_dtype, std::string);
KERAS_KEYWORD(idf_weights, std::vector<double>);
KERAS_KEYWORD(pad_to_max_tokens, bool);
// Written by get_config (the vocabulary's size when it was set), read back by from_config.
KERAS_KEYWORD(vocabulary_size, int);
}  // namespace keras::kw

namespace keras::layers {

class IntegerLookup : public Layer {
 public:
  using keywords =
      kw::keywords_plus<layer_keywords, kw::max_tokens_t, kw::num_oov_indices_t, kw::mask_token_t, kw::oov_token_t,
                        kw::vocabulary_t, kw::vocabulary_dtype_t, kw::idf_weights_t, kw::invert_t, kw::output_mode_t,
                        kw::sparse_t, kw::pad_to_max_tokens_t, kw::vocabulary_size_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit IntegerLookup(A&&... a) : IntegerLookup(kw::collect<IntegerLookup>(std::forward<A>(a)...)) {}
  explicit IntegerLookup(const kw::Kwargs& kwargs);

  // Learns the vocabulary from the ids in `data` (a rank-1 array: each id one document; rank 2: each row one), or
  // from several batches (each one document per row, a rank-1 batch one document).
  void adapt(const Tensor& data) const;
  void adapt(const std::vector<Tensor>& batches) const;
  // Keras's set_vocabulary: the ids (optionally led by the special tokens), and for tf_idf their idf weights.
  void set_vocabulary(const std::vector<int64_t>& vocabulary, const std::vector<double>& idf_weights = {}) const;
  // The ids by index; with the mask and OOV tokens first unless include_special_tokens is false.
  std::vector<int64_t> get_vocabulary(bool include_special_tokens = true) const;
  int64_t vocabulary_size() const;
};

}  // namespace keras::layers
