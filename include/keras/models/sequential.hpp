#pragma once
// keras.Sequential: a stack of layers. Built at once when the first layer declares its input (Input(shape=...),
// input_shape=, input_dim=), otherwise on the first call with data, as in Keras 3.
#include <vector>

#include "keras/models/model.hpp"

namespace keras {

// An item of Sequential's list: a layer, or keras::Input(shape=...).
struct SequentialItem {
  Layer layer;
  KerasTensor input;
  SequentialItem(const Layer& l) : layer(l) {}
  SequentialItem(const KerasTensor& t) : input(t) {}
};

class Sequential : public Model {
 public:
  using keywords = kw::keywords<kw::name_t, kw::trainable_t>;

  Sequential() : Sequential(std::vector<SequentialItem>{}, kw::Kwargs{}) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Sequential(std::vector<SequentialItem> items, A&&... a)
      : Sequential(std::move(items), kw::collect<Sequential>(std::forward<A>(a)...)) {}
  template <class... A>
    requires(kw::all_kwargs<A...> && sizeof...(A) > 0)
  explicit Sequential(A&&... a) : Sequential(std::vector<SequentialItem>{}, kw::collect<Sequential>(std::forward<A>(a)...)) {}
  Sequential(std::vector<SequentialItem> items, const kw::Kwargs& kwargs);

  // Appends a layer (or sets the Input); when the input shape is known, the layer is called at once, so shape
  // mistakes surface here.
  void add(const SequentialItem& item) const;
  // Removes the last layer.
  void pop() const;
};

}  // namespace keras
