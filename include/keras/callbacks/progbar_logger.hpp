#pragma once
// keras.callbacks.ProgbarLogger: the progress output of fit / evaluate / predict (fit adds one for verbose > 0).
#include <functional>
#include <iosfwd>
#include <optional>
#include <utility>

#include "keras/callbacks/callback.hpp"
#include "keras/utils/progbar.hpp"

namespace keras::callback_types {

// Reads verbose, epochs and steps from params(). In fit: "Epoch {e}/{E}" at each epoch's start when epochs > 1,
// then a bar per epoch (target: steps per epoch) updated after each batch with the logs (sorted by key, shown as
// given: they are already running means) and finalized at the epoch's end with the epoch logs, validation values
// included. Validation inside fit draws nothing; evaluate and predict draw their own bar.
class ProgbarLogger : public Callback {
 public:
  ProgbarLogger() = default;

  void on_train_begin(Logs& logs) override;
  void on_train_end(Logs& logs) override;
  void on_epoch_begin(int epoch, Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_batch_end(int batch, Logs& logs) override;
  void on_test_begin(Logs& logs) override;
  void on_test_batch_end(int batch, Logs& logs) override;
  void on_test_end(Logs& logs) override;
  void on_predict_begin(Logs& logs) override;
  void on_predict_batch_end(int batch, Logs& logs) override;
  void on_predict_end(Logs& logs) override;

  // Output settings handed to each bar (see utils::Progbar): the stream (default std::cout), whether it redraws in
  // place (default: when standard output is a terminal), and the clock (tests).
  void set_stream(std::ostream* os) { os_ = os; }
  void set_interactive(std::optional<bool> interactive) { interactive_ = interactive; }
  void set_clock(std::function<double()> clock) { clock_ = std::move(clock); }

  // The current bar (none before the first epoch, evaluate or predict).
  const std::optional<utils::Progbar>& progbar() const { return progbar_; }

 private:
  void read_params();
  void reset_progbar();
  void maybe_init_progbar();
  void update_progbar(int batch, const Logs* logs);
  void finalize_progbar(const Logs& logs);

  int seen_ = 0;
  int verbose_ = 1;
  int epochs_ = 1;
  Dim target_;
  bool called_in_fit_ = false;
  std::optional<utils::Progbar> progbar_;
  std::ostream* os_ = nullptr;
  std::optional<bool> interactive_;
  std::function<double()> clock_;
};

}  // namespace keras::callback_types
