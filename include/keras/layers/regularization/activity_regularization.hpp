#pragma once
// keras.layers.ActivityRegularization(l1=0.0, l2=0.0): returns its input unchanged and adds
// l1 * sum(|x|) + l2 * sum(x^2) of that input to the model's loss (Keras 3's activity_regularizer: the sum over the
// whole batch, not divided by the batch size as tf.keras 2 did). fit's and evaluate's loss include it, as Keras's
// compute_loss adds model.losses; in training its gradient reaches the layers before it. Each call adds its own
// penalty (a layer used at two places of a model counts twice), trainable or not, as Keras's add_loss.
#include "keras/layers/layer.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras::layers {

class ActivityRegularization : public Layer {
 public:
  using keywords = kw::keywords_plus<layer_keywords, kw::l1_t, kw::l2_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ActivityRegularization(A&&... a)
      : ActivityRegularization(kw::collect<ActivityRegularization>(std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ActivityRegularization(double l1, A&&... a)
      : ActivityRegularization(kw::collect<ActivityRegularization>(kw::l1 = l1, std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ActivityRegularization(double l1, double l2, A&&... a)
      : ActivityRegularization(kw::collect<ActivityRegularization>(kw::l1 = l1, kw::l2 = l2, std::forward<A>(a)...)) {}
  explicit ActivityRegularization(const kw::Kwargs& kwargs);
};

}  // namespace keras::layers
