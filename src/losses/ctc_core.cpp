// keras.losses.ctc: the connectionist temporal classification loss, -log P(labels | logits), summed over every
// alignment of the labels to the time steps (Graves et al. 2006), with Keras's conventions: class 0 is the blank
// and the padding, a row's label length is its number of nonzero entries, every sequence uses all time steps, and
// the logits are log-softmaxed inside.
#include <cmath>
#include <limits>

#include "losses/loss_core.hpp"

namespace keras::losses::detail {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  const double m = std::max(a, b);
  return m + std::log1p(std::exp(-std::abs(a - b)));
}

class CtcCore : public LossCore {
 public:
  void align(Shape& t, Shape& p) const override {
    squeeze_or_expand(t, p);
    if (t.ndim() != 2)
      throw ValueError("Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in integer "
                       "format. Received: y_true.shape=" + to_string(t),
                       {.expected = "(batch_size, max_length)", .received = to_string(t),
                        .hint = "give each sample's labels as one row of class ids from 1, padded with 0 at the "
                                "end."});
    if (p.ndim() != 3)
      throw ValueError("Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, "
                       "num_classes)`. Received: y_pred.shape=" + to_string(p),
                       {.expected = "(batch_size, time_steps, num_classes)", .received = to_string(p),
                        .hint = "end the model with a per-time-step Dense(num_labels + 1) without softmax (class 0 is "
                                "the blank), e.g. after an LSTM with return_sequences=true."});
    if (!dims_agree(t[0], p[0]))
      throw ValueError("Arguments `target` and `output` must have the same first dimension. Received shapes: `" +
                           to_string(t) + "` and `" + to_string(p) + "`.",
                       {.expected = "as many label rows as output sequences", .received = to_string(t) + " and " +
                                                                                          to_string(p),
                        .hint = "give one row of labels per sample."});
  }

  std::vector<int64_t> value_dims(const std::vector<int64_t>&, const std::vector<int64_t>& p) const override {
    return {p.at(0)};
  }

  double run(const Tensor& t, const Tensor& p, const double* mult, double* values, float* grad,
             bool) const override {
    const int64_t batch = p.dims()[0], steps = p.dims()[1], classes = p.dims()[2], width = t.dims()[1];
    double total = 0;
    for (int64_t b = 0; b < batch; ++b) {
      const std::vector<int64_t> labels = row_labels(t.data() + b * width, width, classes, b);
      const double m = mult ? mult[b] : 1.0;
      const double val = sequence(p.data() + b * steps * classes, steps, classes, labels, m,
                                  grad ? grad + b * steps * classes : nullptr);
      if (values) values[b] = val;
      total += m * val;
    }
    return total;
  }

 private:
  // The first label_length entries (the nonzero count), as TF's ctc_loss reads them, checked.
  static std::vector<int64_t> row_labels(const float* row, int64_t width, int64_t classes, int64_t b) {
    int64_t length = 0;
    for (int64_t j = 0; j < width; ++j) length += static_cast<int64_t>(row[j]) != 0;
    std::vector<int64_t> labels(static_cast<size_t>(length));
    for (int64_t j = 0; j < length; ++j) {
      const int64_t y = static_cast<int64_t>(row[j]);
      if (y == 0)
        throw ValueError("CTC labels are padded with 0 after the last label, but row " + std::to_string(b) +
                             " has 0 at position " + std::to_string(j) + " before a nonzero label.",
                         {.expected = "labels 1.." + std::to_string(classes - 1) + ", then 0s",
                          .received = "0 at position " + std::to_string(j),
                          .hint = "0 is the blank and the padding: number the classes from 1 and put the padding at "
                                  "the end of each row."});
      if (y < 0 || y >= classes)
        throw ValueError("Received a label value of " + std::to_string(y) + " which is outside the valid range of [1, " +
                             std::to_string(classes) + ") (0 is the CTC blank).",
                         {.expected = "labels in [1, " + std::to_string(classes) + ")",
                          .received = "label " + std::to_string(y),
                          .hint = "the output has " + std::to_string(classes) +
                                  " classes, the blank at index 0 included: give the last layer num_labels + 1 "
                                  "units."});
      labels[static_cast<size_t>(j)] = y;
    }
    return labels;
  }

  // -log P(labels | x) for one sequence x (steps, classes), and its gradient m * d/dx into g. An alignment that
  // cannot exist (more labels and repeats than time steps) gives +inf, as TensorFlow's ctc_loss, and no gradient.
  static double sequence(const float* x, int64_t steps, int64_t classes, const std::vector<int64_t>& labels, double m,
                         float* g) {
    // The labels with blanks around and between them: l' = [0, l1, 0, l2, ..., 0].
    const int64_t S = 2 * static_cast<int64_t>(labels.size()) + 1;
    std::vector<int64_t> ext(static_cast<size_t>(S), 0);
    for (size_t i = 0; i < labels.size(); ++i) ext[2 * i + 1] = labels[i];
    if (steps == 0) return labels.empty() ? 0.0 : std::numeric_limits<double>::infinity();

    std::vector<double> lp(static_cast<size_t>(steps * classes));
    for (int64_t s = 0; s < steps; ++s) {
      const float* r = x + s * classes;
      double mx = kNegInf;
      for (int64_t k = 0; k < classes; ++k) mx = std::max(mx, static_cast<double>(r[k]));
      double se = 0;
      for (int64_t k = 0; k < classes; ++k) se += std::exp(r[k] - mx);
      const double lse = mx + std::log(se);
      for (int64_t k = 0; k < classes; ++k) lp[static_cast<size_t>(s * classes + k)] = r[k] - lse;
    }
    auto emit = [&](int64_t step, int64_t state) {
      return lp[static_cast<size_t>(step * classes + ext[static_cast<size_t>(state)])];
    };
    // A state may be entered from two states back: a label that differs from the label before the blank.
    auto skip_ok = [&](int64_t state) {
      return state >= 2 && ext[static_cast<size_t>(state)] != 0 &&
             ext[static_cast<size_t>(state)] != ext[static_cast<size_t>(state - 2)];
    };

    // alpha[t][s]: log-probability of the prefixes ending in state s at t, emission at t included.
    std::vector<double> alpha(static_cast<size_t>(steps * S), kNegInf), beta(static_cast<size_t>(steps * S), kNegInf);
    auto A = [&](int64_t step, int64_t state) -> double& { return alpha[static_cast<size_t>(step * S + state)]; };
    auto B = [&](int64_t step, int64_t state) -> double& { return beta[static_cast<size_t>(step * S + state)]; };
    A(0, 0) = emit(0, 0);
    if (S > 1) A(0, 1) = emit(0, 1);
    for (int64_t s = 1; s < steps; ++s)
      for (int64_t q = 0; q < S; ++q) {
        double a = A(s - 1, q);
        if (q >= 1) a = log_add(a, A(s - 1, q - 1));
        if (skip_ok(q)) a = log_add(a, A(s - 1, q - 2));
        if (a != kNegInf) A(s, q) = a + emit(s, q);
      }
    const double log_p = S > 1 ? log_add(A(steps - 1, S - 1), A(steps - 1, S - 2)) : A(steps - 1, 0);
    if (log_p == kNegInf) return std::numeric_limits<double>::infinity();
    if (!g) return -log_p;

    // beta[t][s]: log-probability of completing the labels from state s at t, emission at t excluded.
    B(steps - 1, S - 1) = 0;
    if (S > 1) B(steps - 1, S - 2) = 0;
    for (int64_t s = steps - 2; s >= 0; --s)
      for (int64_t q = 0; q < S; ++q) {
        double b = B(s + 1, q) + emit(s + 1, q);
        if (q + 1 < S) b = log_add(b, B(s + 1, q + 1) + emit(s + 1, q + 1));
        if (q + 2 < S && skip_ok(q + 2)) b = log_add(b, B(s + 1, q + 2) + emit(s + 1, q + 2));
        B(s, q) = b;
      }
    // d(-log P)/dx[t][k] = softmax(x[t])[k] - sum over states s labelled k of alpha[t][s] beta[t][s] / P.
    std::vector<double> occupancy(static_cast<size_t>(classes));
    for (int64_t s = 0; s < steps; ++s) {
      std::fill(occupancy.begin(), occupancy.end(), 0.0);
      for (int64_t q = 0; q < S; ++q)
        if (A(s, q) != kNegInf && B(s, q) != kNegInf)
          occupancy[static_cast<size_t>(ext[static_cast<size_t>(q)])] += std::exp(A(s, q) + B(s, q) - log_p);
      for (int64_t k = 0; k < classes; ++k)
        g[s * classes + k] += static_cast<float>(
            m * (std::exp(lp[static_cast<size_t>(s * classes + k)]) - occupancy[static_cast<size_t>(k)]));
    }
    return -log_p;
  }
};

}  // namespace

std::shared_ptr<LossCore> make_ctc() { return std::make_shared<CtcCore>(); }

}  // namespace keras::losses::detail
