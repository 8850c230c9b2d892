#pragma once
// keras.callbacks.ReduceLROnPlateau: multiplies the learning rate by `factor` when the monitored quantity has not
// improved for `patience` epochs.
//   callbacks::ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
#include <set>
#include <string>
#include <utility>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras::callback_types {

// As Keras 3's: improvement means better than the best by more than min_delta; mode "auto" is "max" when the
// monitor's name contains "acc", else "min". After a reduction (never below min_lr), `cooldown` epochs pass before
// the wait counts again. Each epoch end adds "learning_rate" to the logs. factor >= 1 is a ValueError.
class ReduceLROnPlateau : public Callback {
 public:
  using keywords = kw::keywords<kw::monitor_t, kw::factor_t, kw::patience_t, kw::verbose_t, kw::mode_t,
                                kw::min_delta_t, kw::cooldown_t, kw::min_lr_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit ReduceLROnPlateau(A&&... a) : ReduceLROnPlateau(kw::collect<ReduceLROnPlateau>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit ReduceLROnPlateau(std::string monitor, A&&... a)
      : ReduceLROnPlateau(kw::collect<ReduceLROnPlateau>(kw::monitor = std::move(monitor), std::forward<A>(a)...)) {}
  explicit ReduceLROnPlateau(const kw::Kwargs& kwargs);

  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  bool in_cooldown() const { return cooldown_counter > 0; }

  // The configuration and state, as Keras's attributes.
  std::string monitor = "val_loss";
  double factor = 0.1;
  int patience = 10;
  int verbose = 0;
  std::string mode = "auto";
  double min_delta = 1e-4;
  int cooldown = 0;
  double min_lr = 0.0;
  int cooldown_counter = 0;
  int wait = 0;
  double best = 0.0;

 private:
  void reset();
  bool improved(double value) const;
  bool higher_is_better_ = false;
  std::set<std::string> warned_;
};

}  // namespace keras::callback_types
