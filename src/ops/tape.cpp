#include "ops/tape.hpp"

#include "keras/core/errors.hpp"
#include "ops/elementwise.hpp"

namespace keras::ops::detail {

namespace {
thread_local Tape* current_tape = nullptr;
thread_local bool current_training = false;
}  // namespace

bool inherited_training() { return current_training; }
TrainingScope::TrainingScope(bool training) : previous_(current_training) { current_training = training; }
TrainingScope::~TrainingScope() { current_training = previous_; }

Tape* active_tape() { return current_tape; }

bool recording(const Tensor& t) { return current_tape && t.defined() && current_tape->tracks(t); }

TapeScope::TapeScope(Tape* tape) : previous_(current_tape) { current_tape = tape; }
TapeScope::~TapeScope() { current_tape = previous_; }

void Tape::watch(const Tensor& t) {
  if (!t.defined()) return;
  tracked_[key_of(t)] = true;
  watched_.push_back(t);
}

bool Tape::tracks(const Tensor& t) const { return t.defined() && tracked_.count(key_of(t)) > 0; }

void Tape::record(const std::vector<Tensor>& inputs, const Tensor& output, Backward backward) {
  // An output with the key of a tensor already tracked holds that tensor's values (a Dropout in inference returns
  // its input; squeeze(expand_dims(x)) is a view of x): the key already carries its gradient, and a record would
  // feed the gradient back into itself.
  if (tracks(output)) return;
  bool any = false;
  for (const Tensor& x : inputs) any = any || tracks(x);
  if (!any) return;
  tracked_[key_of(output)] = true;
  entries_.push_back({inputs, output, std::move(backward)});
}

std::vector<Tensor> Tape::gradient(const Tensor& target, const Tensor& target_grad,
                                   const std::vector<Tensor>& sources) {
  TapeScope paused(nullptr);  // the gradient's own arithmetic is not differentiated again
  std::map<Key, Tensor> grads;
  auto add = [&](const Tensor& to, const Tensor& g) {
    auto [it, fresh] = grads.try_emplace(key_of(to), g);
    if (!fresh) it->second = it->second + g;
  };
  add(target, target_grad);
  for (auto e = entries_.rbegin(); e != entries_.rend(); ++e) {
    auto it = grads.find(key_of(e->output));
    if (it == grads.end()) continue;
    std::vector<Tensor> input_grads = e->backward(it->second);
    for (size_t i = 0; i < e->inputs.size() && i < input_grads.size(); ++i)
      if (input_grads[i].defined() && tracks(e->inputs[i])) add(e->inputs[i], input_grads[i]);
  }
  std::vector<Tensor> out;
  for (const Tensor& s : sources) {
    auto it = s.defined() ? grads.find(key_of(s)) : grads.end();
    out.push_back(it == grads.end() ? Tensor() : it->second);
  }
  return out;
}

Tensor recorded(const std::vector<Tensor>& inputs, Tensor output, const Backward& backward) {
  if (current_tape) current_tape->record(inputs, output, backward);
  return output;
}

void refuse_in_place(const Tensor& t, const std::string& what) {
  if (!recording(t)) return;
  throw ValueError("An in-place " + what + " changed a tensor that is being differentiated.",
                   {.expected = "a new tensor", .received = "in-place " + what,
                    .hint = "write the result to a new tensor (y = y * 2 rather than y.fill(...)): the operations "
                            "recorded before would describe values that are gone."});
}

Tensor unbroadcast(const Tensor& g, const std::vector<int64_t>& to) {
  if (g.dims() == to) return g;
  std::vector<int64_t> kept(g.dims().size() - to.size(), 1);  // the axes broadcasting added, then `to`'s own
  kept.insert(kept.end(), to.begin(), to.end());
  return reduce_kept(g, kept, 0.0f, [](float a, float b) { return a + b; }).reshape(to);
}

}  // namespace keras::ops::detail
