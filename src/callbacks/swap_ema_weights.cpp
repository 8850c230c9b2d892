// keras.callbacks.SwapEMAWeights, following keras/src/callbacks/swap_ema_weights.py (Keras 3).
#include "keras/callbacks/swap_ema_weights.hpp"

#include "keras/core/errors.hpp"
#include "keras/models/model.hpp"
#include "keras/optimizers/optimizer.hpp"

namespace keras::callback_types {

namespace {

optimizers::Optimizer& ema_optimizer(Model& model) {
  const auto optimizer = model.optimizer();
  if (!optimizer || !optimizer->use_ema())
    throw ValueError("SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. Received: use_ema=False",
                     {.layer = model.name(), .expected = "use_ema=True", .received = "use_ema=False",
                      .hint = "compile with an optimizer made with use_ema=true, e.g. optimizers::SGD(use_ema=true)."});
  return *optimizer;
}

}  // namespace

SwapEMAWeights::SwapEMAWeights(const kw::Kwargs& k) : swap_on_epoch(k.get_or("swap_on_epoch", false)) {}

void SwapEMAWeights::swap_to(bool averages_in_model) {
  if (averages_in_model_ == averages_in_model) return;
  ema_optimizer(model()).swap_ema_weights();
  averages_in_model_ = averages_in_model;
}

void SwapEMAWeights::on_epoch_begin(int, Logs&) {
  if (swap_on_epoch) swap_to(false);
}

void SwapEMAWeights::on_epoch_end(int epoch, Logs&) {
  if (!swap_on_epoch || averages_in_model_) return;
  swap_to(true);
  // fit's finalize after the last epoch copies the averages into the model: they must hold the averages again, not
  // the training weights they were exchanged with.
  if (epoch == params().epochs - 1) ema_optimizer(model()).set_ema_to_variables();
}

void SwapEMAWeights::on_test_begin(Logs&) { swap_to(true); }
void SwapEMAWeights::on_test_end(Logs&) { swap_to(false); }
void SwapEMAWeights::on_predict_begin(Logs&) { swap_to(true); }
void SwapEMAWeights::on_predict_end(Logs&) { swap_to(false); }

}  // namespace keras::callback_types
