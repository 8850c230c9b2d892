#pragma once
// A model's variables <-> Keras 3's weights store (saving_lib._save_state / _load_state):
//   /vars                               the model's own variables (none), attr name = the model's name
//   /layers/<snake_case class>[_<n>]/vars/<i>   each layer's variables, trainable first, in creation order;
//                                        <n> counts layers of the same class in model.layers order (Sequential
//                                        leaves its InputLayer out, Functional lists it); nested models recurse
//                                        (layers/sequential/layers/dense/vars/0)
//   /layers/lstm/vars + /layers/lstm/cell/vars/<i>       an RNN: an empty group, its variables in the cell's
//   /layers/time_distributed/layer/vars/<i>              a wrapper: an empty group, then each wrapped layer under
//   /layers/bidirectional/{backward_layer,forward_layer}/cell/vars/<i>   its attribute (saving/saveables.hpp)
//   /layers/spectral_normalization/vars/<i> + .../layer/vars/<i>   a wrapper with variables of its own
//   /optimizer/vars/<i>                 the optimizer's variables when it is built (iteration as int64)
#include "keras/models/functional.hpp"
#include "saving/h5_store.hpp"

namespace keras::saving::detail {

void write_weights(H5Writer& store, const FunctionalImpl& model, bool include_optimizer);

// Loads every layer's variables, checking counts and shapes first: on any mismatch nothing is changed and a
// ValueError (Keras's "A total of N objects could not be loaded" text, then the first failure) names the layer, the
// expected and the received shape. With restore_optimizer and a compiled model, the optimizer state in the store is
// restored as well (a mismatch there is a warning on stderr, as in Keras).
void read_weights(H5Reader& store, const FunctionalImpl& model, bool restore_optimizer);

// Each layer of the model (nested ones included) with the path Keras's saving walk gives it ("layers/dense_1"), the
// first path where a layer is reached twice; where a .keras archive keeps its assets (assets/<path>/...).
std::vector<std::pair<std::string, const LayerImpl*>> layer_paths(const FunctionalImpl& model);

}  // namespace keras::saving::detail
