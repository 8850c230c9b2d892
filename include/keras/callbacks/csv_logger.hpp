#pragma once
// keras.callbacks.CSVLogger: streams each epoch's logs to a CSV file.
//   callbacks::CSVLogger("training.log", separator=",", append=false)
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/callbacks/callback.hpp"
#include "keras/core/kw.hpp"

namespace keras::callback_types {

// As Keras's (Python csv, excel dialect): a header "epoch,<keys sorted>" written once (not when appending to a
// non-empty file), then one row per epoch: the 0-based epoch and each value as Python's str(float), "NA" for a key
// missing that epoch; lines end in "\r\n". When the first epoch has no "val_" keys, a "val_<key>" column is added
// for each key (filled later if validation runs, e.g. with validation_freq).
class CSVLogger : public Callback {
 public:
  using keywords = kw::keywords<kw::filename_t, kw::separator_t, kw::append_t>;
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit CSVLogger(A&&... a) : CSVLogger(kw::collect<CSVLogger>(std::forward<A>(a)...)) {}
  template <class... A>
  explicit CSVLogger(std::string filename, A&&... a)
      : CSVLogger(kw::collect<CSVLogger>(kw::filename = std::move(filename), std::forward<A>(a)...)) {}
  explicit CSVLogger(const kw::Kwargs& kwargs);

  void on_train_begin(Logs& logs) override;
  void on_epoch_end(int epoch, Logs& logs) override;
  void on_train_end(Logs& logs) override;

  std::string filename;
  std::string separator = ",";
  bool append = false;
  std::optional<std::vector<std::string>> keys;  // the columns after "epoch", fixed at the first epoch

 private:
  std::string row(const std::vector<std::string>& fields) const;
  std::shared_ptr<std::ofstream> file_;  // shared: callbacks are copied into fit's list
  bool write_header_ = true;
  bool header_done_ = false;
};

}  // namespace keras::callback_types
