#pragma once
// keras.callbacks.SwapEMAWeights: evaluates with the optimizer's moving averages of the weights (use_ema=true).
//   model.compile(optimizer=optimizers::SGD(use_ema=true), loss="mse");
//   model.fit(x, y, validation_data={xv, yv}, callbacks={callbacks::SwapEMAWeights()});
// Before each evaluation or prediction (fit's validation included) the model's weights and their averages are
// exchanged in place, and exchanged back after it. With swap_on_epoch=true they are also exchanged at each epoch's
// end and back at the next epoch's start, so that callbacks after this one (ModelCheckpoint) see the averages; after
// the last epoch the averages stay in the model, as fit's finalize leaves them.
// Keras 3's on_predict_end never swaps back (its test is inverted), leaving the averages in the model after
// predict(); keraspp restores the weights, as the class's documentation says.
#include <utility>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras::kw {
KERAS_KEYWORD(swap_on_epoch, bool);
}  // namespace keras::kw

namespace keras::callback_types {

class SwapEMAWeights : public Callback {
 public:
  using keywords = kw::keywords<kw::swap_on_epoch_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit SwapEMAWeights(A&&... a) : SwapEMAWeights(kw::collect<SwapEMAWeights>(std::forward<A>(a)...)) {}
  explicit SwapEMAWeights(bool swap_on_epoch) : swap_on_epoch(swap_on_epoch) {}
  explicit SwapEMAWeights(const kw::Kwargs& kwargs);

  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_test_begin(Logs& logs) override;
  void on_test_end(Logs& logs) override;
  void on_predict_begin(Logs& logs) override;
  void on_predict_end(Logs& logs) override;

  bool swap_on_epoch = false;

 private:
  // Exchanges the weights with their averages, to put the averages in the model (true) or take them out.
  void swap_to(bool averages_in_model);
  bool averages_in_model_ = false;
};

}  // namespace keras::callback_types
