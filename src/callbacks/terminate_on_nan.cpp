// keras.callbacks.TerminateOnNaN, following keras/src/callbacks/terminate_on_nan.py (Keras 3).
#include "keras/callbacks/terminate_on_nan.hpp"

#include <cmath>
#include <stdexcept>

#include "callbacks/callback_utils.hpp"
#include "keras/models/model.hpp"

namespace keras::callback_types {

TerminateOnNaN::TerminateOnNaN(const kw::Kwargs& k) : raise_error(k.get_or("raise_error", false)) {}

void TerminateOnNaN::on_train_batch_end(int batch, Logs& logs) {
  auto it = logs.find("loss");
  if (it == logs.end()) return;
  const double loss = it->second;
  if (!std::isnan(loss) && !std::isinf(loss)) return;
  if (raise_error)
    throw std::runtime_error("NaN or Inf loss encountered at batch " + std::to_string(batch) +
                             ". Loss value: " + py_float(loss) + ". Terminating training immediately.");
  detail::print_msg("Batch " + std::to_string(batch) + ": Invalid loss, terminating training");
  model().stop_training = true;
}

}  // namespace keras::callback_types
