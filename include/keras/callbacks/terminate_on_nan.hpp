#pragma once
// keras.callbacks.TerminateOnNaN: stops training when a batch's loss is NaN or infinite.
//   callbacks::TerminateOnNaN()
#include <utility>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras::kw {
// TerminateOnNaN(raise_error=true): throw instead of stopping gracefully.
KERAS_KEYWORD(raise_error, bool);
}  // namespace keras::kw

namespace keras::callback_types {

// At each train batch end, a NaN or infinite "loss" prints "Batch {b}: Invalid loss, terminating training" and sets
// model.stop_training (so on_train_end still runs); with raise_error=true it throws std::runtime_error instead.
class TerminateOnNaN : public Callback {
 public:
  using keywords = kw::keywords<kw::raise_error_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit TerminateOnNaN(A&&... a) : TerminateOnNaN(kw::collect<TerminateOnNaN>(std::forward<A>(a)...)) {}
  explicit TerminateOnNaN(bool raise_error) : raise_error(raise_error) {}
  explicit TerminateOnNaN(const kw::Kwargs& kwargs);

  void on_train_batch_end(int batch, Logs& logs) override;

  bool raise_error = false;
};

}  // namespace keras::callback_types
