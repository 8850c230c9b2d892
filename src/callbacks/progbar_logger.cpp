// keras.callbacks.ProgbarLogger, following keras/src/callbacks/progbar_logger.py (Keras 3).
#include "keras/callbacks/progbar_logger.hpp"

#include <iostream>
#include <ostream>

namespace keras::callback_types {

namespace {
utils::Progbar::Values values_of(const Logs& logs) {
  return utils::Progbar::Values(logs.begin(), logs.end());  // std::map: sorted by key
}
}  // namespace

void ProgbarLogger::read_params() {
  verbose_ = params().verbose;
  epochs_ = params().epochs;
  target_ = params().steps >= 0 ? Dim(params().steps) : Dim(None);
}

void ProgbarLogger::on_train_begin(Logs&) {
  read_params();
  called_in_fit_ = true;  // validation inside fit is silent
}

void ProgbarLogger::on_train_end(Logs&) { called_in_fit_ = false; }

void ProgbarLogger::on_test_begin(Logs&) {
  if (called_in_fit_) return;
  read_params();
  reset_progbar();
  maybe_init_progbar();
}

void ProgbarLogger::on_predict_begin(Logs&) {
  read_params();
  reset_progbar();
  maybe_init_progbar();
}

void ProgbarLogger::on_epoch_begin(int epoch, Logs&) {
  if (!called_in_fit_) read_params();
  reset_progbar();
  maybe_init_progbar();
  if (verbose_ && epochs_ > 1) {
    std::ostream& os = os_ ? *os_ : std::cout;
    os << "Epoch " << epoch + 1 << "/" << epochs_ << "\n" << std::flush;
  }
}

void ProgbarLogger::on_train_batch_end(int batch, Logs& logs) { update_progbar(batch, &logs); }

void ProgbarLogger::on_test_batch_end(int batch, Logs& logs) {
  if (!called_in_fit_) update_progbar(batch, &logs);
}

void ProgbarLogger::on_predict_batch_end(int batch, Logs&) { update_progbar(batch, nullptr); }

void ProgbarLogger::on_epoch_end(int, Logs& logs) { finalize_progbar(logs); }

void ProgbarLogger::on_test_end(Logs& logs) {
  if (!called_in_fit_) finalize_progbar(logs);
}

void ProgbarLogger::on_predict_end(Logs& logs) { finalize_progbar(logs); }

void ProgbarLogger::reset_progbar() {
  seen_ = 0;
  progbar_.reset();
}

void ProgbarLogger::maybe_init_progbar() {
  if (progbar_) return;
  progbar_.emplace(target_, 20, verbose_, 0.05, std::nullopt, "step");
  // fit's logs are running means already: show every value as given (Keras's stateless_metrics=[]).
  progbar_->set_stateless_metrics({});
  if (os_) progbar_->set_stream(os_);
  progbar_->set_interactive(interactive_);
  if (clock_) progbar_->set_clock(clock_);
}

void ProgbarLogger::update_progbar(int batch, const Logs* logs) {
  maybe_init_progbar();
  seen_ = batch + 1;  // one-based
  if (verbose_ == 1) progbar_->update(seen_, logs ? values_of(*logs) : utils::Progbar::Values{}, false);
}

void ProgbarLogger::finalize_progbar(const Logs& logs) {
  maybe_init_progbar();
  if (!target_.known()) {
    // The first pass over data of unknown length sets the target for the next ones.
    target_ = Dim(seen_);
    progbar_->set_target(target_);
  }
  progbar_->update(target_.value(), values_of(logs), true);
}

}  // namespace keras::callback_types
