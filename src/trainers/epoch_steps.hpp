#pragma once
// Which batch each training step of fit() takes, as Keras 3's EpochIterator gives them.
//   - Without steps_per_epoch, every epoch is one pass over the data, in a new order when shuffling.
//   - With steps_per_epoch, a pass goes on across epochs: epoch 2 starts where epoch 1 stopped, and a new pass (a new
//     order) starts only when one runs out. An epoch that reaches the end of a pass before steps_per_epoch steps ends
//     there, with Keras's warning that the input ran out of data (once per fit; Python shows it once per process).
// steps_per_epoch <= 0 counts as not given, as Keras reads it.
#include <cstdint>
#include <optional>
#include <vector>

#include "callbacks/callback_utils.hpp"
#include "keras/random/random.hpp"

namespace keras::detail {

// `batches` per pass; when shuffling, each pass draws a permutation of `shuffled` items (the samples of arrays, the
// batches of a dataset).
class EpochSteps {
 public:
  EpochSteps(int64_t batches, std::optional<int> steps_per_epoch, bool shuffle, int64_t shuffled)
      : batches_(batches), shuffled_(shuffled), shuffle_(shuffle) {
    if (steps_per_epoch && *steps_per_epoch > 0) steps_per_epoch_ = *steps_per_epoch;
  }
  // The steps an epoch has (the progress bar's target): steps_per_epoch, else the batches of one pass.
  int64_t steps() const { return steps_per_epoch_.value_or(batches_); }
  // Starts a pass when none is under way: a new order of the batches when shuffling.
  void begin_epoch() {
    if (seen_ == 0 && shuffle_) order_ = random::permutation(shuffled_);
  }
  // The position in the pass (0, 1, ...) of the epoch's next batch, or nothing when the pass ran out first (warned,
  // as Keras).
  std::optional<int64_t> next() {
    if (seen_ >= batches_) {
      if (steps_per_epoch_ && !warned_) {
        warned_ = true;
        callback_types::detail::warn(
            "Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
            "generate at least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` function "
            "when building your dataset.");
      }
      return std::nullopt;
    }
    return seen_++;
  }
  // The permutation of the pass under way, or null when not shuffling.
  const std::vector<int64_t>* order() const { return shuffle_ ? &order_ : nullptr; }
  // Ends the pass when it has run out, so that the next epoch starts a new one.
  void end_epoch() {
    if (seen_ >= batches_) seen_ = 0;
  }

 private:
  int64_t batches_, shuffled_;
  bool shuffle_;
  std::optional<int64_t> steps_per_epoch_;
  int64_t seen_ = 0;
  bool warned_ = false;
  std::vector<int64_t> order_;
};

}  // namespace keras::detail
