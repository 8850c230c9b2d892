#pragma once
// Reverse-mode differentiation of keras::ops, for the code a user writes in C++: a Lambda's function and a
// CustomLayer's call. Keras differentiates these through its backend (tf.GradientTape, jax.grad); keraspp records
// every op whose input derives from a watched tensor while a Tape is active on the thread, and replays the records
// backwards.
//
// A tensor is identified by its storage address and dims: ops return fresh storage, views (reshape, slice) differ in
// address or dims, and two tensors with the same address and dims hold the same values, so the same gradient. The
// tape keeps every recorded tensor alive, so no address is reused while it records.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "keras/core/tensor.hpp"

namespace keras::ops::detail {

// d loss / d inputs of one op from d loss / d output; an undefined tensor where an input takes no gradient.
using Backward = std::function<std::vector<Tensor>(const Tensor& output_grad)>;

class Tape {
 public:
  // Gradients will be asked with respect to t (an input, a weight's value).
  void watch(const Tensor& t);
  // True when t is watched or computed from a watched tensor by recorded ops.
  bool tracks(const Tensor& t) const;
  // Records output = op(inputs) if any input is tracked. Called by every differentiable op.
  void record(const std::vector<Tensor>& inputs, const Tensor& output, Backward backward);
  // The gradients of sum(target * target_grad) with respect to each source; undefined where a source does not
  // reach the target. Ops run during this call are not recorded.
  std::vector<Tensor> gradient(const Tensor& target, const Tensor& target_grad, const std::vector<Tensor>& sources);

 private:
  using Key = std::pair<const float*, std::vector<int64_t>>;
  static Key key_of(const Tensor& t) { return {t.data(), t.dims()}; }
  struct Entry {
    std::vector<Tensor> inputs;
    Tensor output;
    Backward backward;
  };
  std::map<Key, bool> tracked_;
  std::vector<Entry> entries_;
  std::vector<Tensor> watched_;  // kept alive, as entries keep theirs
};

// The tape recording on this thread, or null.
Tape* active_tape();
// True when a tape is active and tracks t: an op on t must be recorded.
bool recording(const Tensor& t);

// Makes a tape active on this thread for the scope's lifetime (nesting restores the outer one).
class TapeScope {
 public:
  explicit TapeScope(Tape* tape);
  ~TapeScope();
  TapeScope(const TapeScope&) = delete;
  TapeScope& operator=(const TapeScope&) = delete;

 private:
  Tape* previous_;
};

// Keras passes a layer's training flag on to the layers its call() runs; a CustomLayer sets it here for the eager
// calls made inside call().
bool inherited_training();
class TrainingScope {
 public:
  explicit TrainingScope(bool training);
  ~TrainingScope();
  TrainingScope(const TrainingScope&) = delete;
  TrainingScope& operator=(const TrainingScope&) = delete;

 private:
  bool previous_;
};

// Records op(inputs) -> output on the active tape when one of the inputs is tracked; returns output.
Tensor recorded(const std::vector<Tensor>& inputs, Tensor output, const Backward& backward);

// Refuses an in-place change of a tensor the active tape tracks: the records before it would describe values that
// are gone. `what` names the operation ("+=").
void refuse_in_place(const Tensor& t, const std::string& what);

// Sums g over the axes along which a tensor of dims `to` was broadcast to g's dims (numpy's rules, reversed).
Tensor unbroadcast(const Tensor& g, const std::vector<int64_t>& to);

}  // namespace keras::ops::detail
