#pragma once
// keras.callbacks.EarlyStopping: stops training when a monitored quantity has stopped improving.
//   callbacks::EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=true)
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"

namespace keras::callback_types {

// Keras 3 semantics: at each epoch end (from start_from_epoch on) the monitored value is compared with the best so
// far (improvement: better by more than min_delta); after `patience` epochs without improvement (and never at
// epoch 0) model.stop_training is set. With a baseline, the wait only restarts when the value also beats the
// baseline. mode "auto" infers the direction from the name ("loss", errors: min; accuracies, AUC, ...: max) and
// raises a ValueError when it cannot. With restore_best_weights, the best epoch's weights are restored at the end of
// training, whether or not it stopped early (Keras 3). A missing monitored key warns on standard error.
class EarlyStopping : public Callback {
 public:
  using keywords = kw::keywords<kw::monitor_t, kw::min_delta_t, kw::patience_t, kw::verbose_t, kw::mode_t,
                                kw::baseline_t, kw::restore_best_weights_t, kw::start_from_epoch_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit EarlyStopping(A&&... a) : EarlyStopping(kw::collect<EarlyStopping>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit EarlyStopping(std::string monitor, A&&... a)
      : EarlyStopping(kw::collect<EarlyStopping>(kw::monitor = std::move(monitor), std::forward<A>(a)...)) {}
  explicit EarlyStopping(const kw::Kwargs& kwargs);

  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(Logs& logs) override;

  // The configuration, as Keras's attributes.
  std::string monitor = "val_loss";
  double min_delta = 0.0;  // stored as given (absolute value); the sign follows the mode
  int patience = 0;
  int verbose = 0;
  std::string mode = "auto";
  std::optional<double> baseline;
  bool restore_best_weights = false;
  int start_from_epoch = 0;

  // The state, as Keras's attributes (reset by on_train_begin).
  int wait = 0;
  int stopped_epoch = 0;  // 0 when training was not stopped
  std::optional<double> best;
  int best_epoch = 0;
  std::optional<std::vector<Tensor>> best_weights;

 private:
  bool improved(double value, double reference) const;
  std::optional<bool> higher_is_better_;
  std::set<std::string> warned_;
};

}  // namespace keras::callback_types
