// Keras 3's target/output shape errors for the losses, with a one-line hint in terms of the user's model.
// Wording: keras/src/backend/tensorflow/nn.py (categorical_crossentropy, binary_crossentropy: "must have the same
// rank (ndim)" / "must have the same shape"), keras/src/backend/{jax,numpy}/nn.py and keras/src/ops/nn.py
// (sparse_categorical_crossentropy: "must have the same shape up until the last dimension"),
// keras/src/ops/operation_utils.py (broadcast_shapes).
#include "losses/loss_core.hpp"

namespace keras::losses::detail {

namespace {

std::string received(const Shape& t, const Shape& p) {
  return "target.shape=" + to_string(t) + ", output.shape=" + to_string(p);
}

std::string last(const Shape& s) { return s.ndim() ? to_string(s[-1]) : "?"; }
bool known_gt1(const Dim& d) { return d.known() && d.value() > 1; }
bool is_one(const Dim& d) { return d.known() && d.value() == 1; }

// The output keeps spatial or time axes that the targets do not have: the classic Dense-without-Flatten model.
bool spatial_output(const Shape& t, const Shape& p) { return p.ndim() > 2 && t.ndim() < p.ndim(); }

std::string flatten_hint(const Shape& p) {
  std::string out = batchless(p);
  std::string after = "(None, " + last(p) + ")";
  std::string what = p.ndim() == 3
                         ? "add layers::Flatten() (or layers::GlobalAveragePooling1D(), or return_sequences=false on the "
                           "last recurrent layer) before the first Dense"
                         : "add layers::Flatten() before the first Dense";
  return "the model's output is " + out + " because Dense acts on the last axis: " + what + " so the output is " +
         after;
}

std::string to_categorical_hint(const Shape& p) {
  std::string c = last(p);
  return "the labels look like integer class ids: use loss=\"sparse_categorical_crossentropy\", or one-hot them with "
         "utils::to_categorical(y, num_classes=" + c + ")";
}

}  // namespace

void throw_rank_mismatch(const Shape& t, const Shape& p, const std::string& loss) {
  std::string hint;
  bool categorical = loss.find("categorical") != std::string::npos;
  if (spatial_output(t, p)) {
    hint = flatten_hint(p);
    if (categorical && t.ndim() == 1)
      hint += "; the targets are integer class ids, so also use loss=\"sparse_categorical_crossentropy\"";
  } else if (categorical && t.ndim() < p.ndim()) {
    hint = to_categorical_hint(p);
  } else if (t.ndim() < p.ndim() && known_gt1(p[-1])) {
    hint = loss + " takes one probability per target value, but the model outputs " + last(p) +
           " per sample: for 0/1 targets end the model with Dense(1, activation=\"sigmoid\"); for integer class ids "
           "use loss=\"sparse_categorical_crossentropy\" with Dense(" + last(p) + ", activation=\"softmax\")";
  } else {
    hint = "the targets have rank " + std::to_string(t.ndim()) + " but the model's output " + batchless(p) +
           " has rank " + std::to_string(p.ndim()) + ": reshape the targets to " + batchless(p) +
           " or change the last layers so the output matches the targets";
  }
  throw ValueError("Arguments `target` and `output` must have the same rank (ndim). Received: " + received(t, p),
                   {.expected = "target of rank " + std::to_string(p.ndim()) + " like " + batchless(p),
                    .received = received(t, p), .hint = hint});
}

void throw_shape_mismatch(const Shape& t, const Shape& p, const std::string& loss) {
  std::string hint;
  bool categorical = loss.find("categorical") != std::string::npos;
  const Dim tl = t.ndim() ? t[-1] : Dim(), pl = p.ndim() ? p[-1] : Dim();
  bool lead_agree = shapes_agree(t.slice(0, t.ndim() - 1), p.slice(0, p.ndim() - 1));
  if (categorical && is_one(tl) && known_gt1(pl)) {
    hint = to_categorical_hint(p);
  } else if (categorical && known_gt1(tl) && pl.known() && lead_agree) {
    hint = "the targets are one-hot with " + last(t) + " classes but the model outputs " + last(p) +
           ": the last Dense layer must have as many units as there are classes (Dense(" + last(t) +
           ", activation=\"softmax\")), or one-hot the labels with utils::to_categorical(y, num_classes=" + last(p) +
           ")";
  } else if (!categorical && is_one(tl) && known_gt1(pl) && lead_agree) {
    hint = "the model outputs " + last(p) + " values per sample but the targets have one: for 0/1 targets end the "
           "model with Dense(1, activation=\"sigmoid\"); for integer class ids use "
           "loss=\"sparse_categorical_crossentropy\" with Dense(" + last(p) + ", activation=\"softmax\")";
  } else if (!categorical && known_gt1(tl) && pl.known() && lead_agree) {
    hint = "the targets have " + last(t) + " columns but the model outputs " + last(p) + ": multi-label 0/1 targets "
           "need Dense(" + last(t) + ", activation=\"sigmoid\"); one-hot class targets need "
           "loss=\"categorical_crossentropy\" with Dense(" + last(t) + ", activation=\"softmax\")";
  } else {
    hint = "the targets " + batchless(t) + " and the model's output " + batchless(p) +
           " must match axis for axis: change the last layers so the output has the targets' shape";
  }
  throw ValueError("Arguments `target` and `output` must have the same shape. Received: " + received(t, p),
                   {.expected = "target.shape like " + batchless(p), .received = received(t, p), .hint = hint});
}

void throw_sparse_mismatch(const Shape& t, const Shape& p) {
  Shape want = p.slice(0, p.ndim() - 1);
  std::string hint;
  const Dim tl = t.ndim() ? t[-1] : Dim();
  if (p.ndim() > 2 && t.ndim() < p.ndim() - 1) {
    hint = flatten_hint(p);
  } else if (t.ndim() == p.ndim() && known_gt1(tl) && dims_agree(tl, p[-1])) {
    hint = "the targets look one-hot encoded (" + last(t) + " columns, one per class): use "
           "loss=\"categorical_crossentropy\" for one-hot targets, or pass integer class ids of shape " +
           batchless(want);
  } else if (t.ndim() == p.ndim() && known_gt1(tl)) {
    hint = "the targets have " + last(t) + " columns but sparse_categorical_crossentropy expects one integer class "
           "id per sample: for one-hot targets use loss=\"categorical_crossentropy\" and give the last Dense as "
           "many units as classes (" + last(t) + ", not " + last(p) + ")";
  } else {
    hint = "sparse_categorical_crossentropy needs one integer class id per output row, targets of shape " +
           batchless(want) + ", while the output " + batchless(p) + " holds one score per class on its last axis";
  }
  throw ValueError("Arguments `target` and `output` must have the same shape up until the last dimension: " +
                       received(t, p),
                   {.expected = "target.shape=" + batchless(want), .received = received(t, p), .hint = hint});
}

void throw_broadcast_mismatch(const std::string& message, const Shape& t, const Shape& p, const std::string& loss) {
  std::string hint;
  if (spatial_output(t, p)) {
    hint = flatten_hint(p);
  } else if (t.ndim() == p.ndim() && t.ndim() > 0 && t[-1].known() && p[-1].known() && t[-1] != p[-1]) {
    hint = "the model outputs " + last(p) + " value(s) per sample but the targets have " + last(t) +
           ": the last layer needs " + last(t) + " unit(s), e.g. Dense(" + last(t) + ")";
  } else {
    hint = loss + " compares targets and outputs value by value, so their shapes must broadcast: the targets are " +
           batchless(t) + " and the model's output is " + batchless(p);
  }
  throw ValueError(message, {.expected = "target.shape broadcastable to " + batchless(p),
                             .received = received(t, p), .hint = hint});
}

}  // namespace keras::losses::detail
