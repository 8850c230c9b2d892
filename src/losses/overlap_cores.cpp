// keras.losses.dice and keras.losses.tversky: one minus an overlap ratio of targets and predictions, summed over the
// given axes (over every element, batch included, when axis is None).
#include <algorithm>
#include <set>

#include "losses/loss_core.hpp"
#include "losses/operands.hpp"

namespace keras::losses::detail {

namespace {

class OverlapCore : public LossCore {
 public:
  OverlapCore(double alpha, double beta, std::vector<int64_t> axes, bool dice)
      : alpha_(alpha), beta_(beta), axes_(std::move(axes)), dice_(dice) {}

  void align(Shape& t, Shape& p) const override {
    squeeze_or_expand(t, p);
    std::string msg = broadcast_error(t, p);
    if (!msg.empty()) throw_broadcast_mismatch(msg, t, p, name);
    const int rank = static_cast<int>(std::max(t.ndim(), p.ndim()));
    for (int64_t a : axes_)
      if (a < -rank || a >= rank)
        throw ValueError("Axis " + std::to_string(a) + " is out of bounds for array of dimension " +
                             std::to_string(rank),
                         {.expected = "axes in [" + std::to_string(-rank) + ", " + std::to_string(rank) + ")",
                          .received = "axis=" + std::to_string(a),
                          .hint = "sum over the axes of one sample, e.g. axis={1, 2, 3} for images (batch, h, w, "
                                  "c), or leave axis at None for one value over the whole batch."});
  }

  std::vector<int64_t> value_dims(const std::vector<int64_t>& t, const std::vector<int64_t>& p) const override {
    const std::vector<int64_t> s = t == p ? p : broadcast_dims(t, p);
    std::vector<int64_t> out;
    if (axes_.empty()) return out;
    const std::set<int> reduced = reduced_axes(static_cast<int>(s.size()));
    for (size_t i = 0; i < s.size(); ++i)
      if (!reduced.count(static_cast<int>(i))) out.push_back(s[i]);
    return out;
  }

  double run(const Tensor& t, const Tensor& p, const double* mult, double* values, float* grad,
             bool) const override {
    Operands op(t, p, grad);
    const std::vector<int64_t> value_of = value_index(op.S);
    size_t nv = 1;
    for (int64_t v : value_of) nv = std::max(nv, static_cast<size_t>(v) + 1);
    // Per value: the intersection sum(t p), and sum(t), sum(p).
    std::vector<double> inter(nv), st(nv), sp(nv);
    for (int64_t e = 0; e < op.total; ++e) {
      const size_t v = static_cast<size_t>(value_of[static_cast<size_t>(e)]);
      inter[v] += static_cast<double>(op.tp[e]) * op.pp[e];
      st[v] += op.tp[e];
      sp[v] += op.pp[e];
    }
    // Dice: 1 - 2 I / (St + Sp + eps). Tversky (Keras's code): 1 - I / (I + alpha sum(t (1 - p)) +
    // beta sum(p (1 - t)) + eps), where sum(t (1 - p)) = St - I and sum(p (1 - t)) = Sp - I.
    std::vector<double> den(nv);
    double total = 0;
    for (size_t v = 0; v < nv; ++v) {
      den[v] = dice_ ? st[v] + sp[v] + kEpsilon : inter[v] + alpha_ * (st[v] - inter[v]) + beta_ * (sp[v] - inter[v]) +
                                                       kEpsilon;
      const double val = 1.0 - (dice_ ? 2.0 : 1.0) * inter[v] / den[v];
      if (values) values[v] = val;
      total += (mult ? mult[v] : 1.0) * val;
    }
    if (op.g)
      for (int64_t e = 0; e < op.total; ++e) {
        const size_t v = static_cast<size_t>(value_of[static_cast<size_t>(e)]);
        const double tj = op.tp[e];
        // d(den)/dp_j and the quotient rule on -(c I / den).
        const double dden = dice_ ? 1.0 : tj - alpha_ * tj + beta_ * (1.0 - tj);
        const double c = dice_ ? 2.0 : 1.0;
        const double d = -c * (tj * den[v] - inter[v] * dden) / (den[v] * den[v]);
        op.g[e] += static_cast<float>((mult ? mult[v] : 1.0) * d);
      }
    op.finish();
    return total;
  }

 private:
  std::set<int> reduced_axes(int rank) const {
    std::set<int> r;
    for (int64_t a : axes_) r.insert(normalize_axis(static_cast<int>(a), rank));
    return r;
  }
  // The value each element of dims s adds to: its index over the kept axes (0 for all when every axis is summed).
  std::vector<int64_t> value_index(const std::vector<int64_t>& s) const {
    int64_t total = 1;
    for (int64_t d : s) total *= d;
    std::vector<int64_t> out(static_cast<size_t>(total), 0);
    if (axes_.empty()) return out;
    const std::set<int> reduced = reduced_axes(static_cast<int>(s.size()));
    std::vector<int64_t> idx(s.size(), 0);
    for (int64_t e = 0; e < total; ++e) {
      int64_t v = 0;
      for (size_t i = 0; i < s.size(); ++i)
        if (!reduced.count(static_cast<int>(i))) v = v * s[i] + idx[i];
      out[static_cast<size_t>(e)] = v;
      for (size_t i = s.size(); i-- > 0;) {
        if (++idx[i] < s[i]) break;
        idx[i] = 0;
      }
    }
    return out;
  }

  double alpha_, beta_;
  std::vector<int64_t> axes_;
  bool dice_;
};

}  // namespace

std::shared_ptr<LossCore> make_tversky(double alpha, double beta, std::vector<int64_t> axes, bool dice) {
  return std::make_shared<OverlapCore>(alpha, beta, std::move(axes), dice);
}

}  // namespace keras::losses::detail
