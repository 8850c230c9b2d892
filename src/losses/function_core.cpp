// keras.losses.LossFunctionWrapper(fn): a loss written by the user with keras::ops, differentiated by the tape.
#include <map>
#include <mutex>

#include "keras/core/errors.hpp"
#include "keras/losses/losses.hpp"
#include "losses/loss_core.hpp"
#include "ops/tape.hpp"

namespace keras::losses {

namespace {
namespace function_core {  // file-local names apart from those of other sources of a unity batch

class FunctionCore : public detail::LossCore {
 public:
  explicit FunctionCore(LossFunction fn) : fn_(std::move(fn)) {}

  // Keras's LossFunctionWrapper.call aligns the ranks (squeeze_or_expand_to_same_rank) before calling fn.
  void align(Shape& t, Shape& p) const override { detail::squeeze_or_expand(t, p); }

  // The function decides the shape of its values (per sample, or per element): found by calling it on zeros once
  // per pair of shapes.
  std::vector<int64_t> value_dims(const std::vector<int64_t>& t, const std::vector<int64_t>& p) const override {
    std::lock_guard lock(mu_);
    auto [it, fresh] = value_dims_.try_emplace({t, p});
    if (fresh) {
      ops::detail::TapeScope unrecorded(nullptr);
      it->second = checked(fn_(Tensor::zeros(t), Tensor::zeros(p)), t).dims();
    }
    return it->second;
  }

  double run(const Tensor& t, const Tensor& p, const double* mult, double* values, float* grad,
             bool logits) const override {
    (void)logits;  // nothing to fuse: fusable() is empty
    ops::detail::Tape tape;
    Tensor v;
    {
      ops::detail::TapeScope recording(grad ? &tape : nullptr);
      tape.watch(p);
      v = checked(fn_(t, p), t.dims());
    }
    double total = 0.0;
    for (int64_t i = 0; i < v.size(); ++i) {
      const double w = mult ? mult[i] : 1.0;
      total += w * v.data()[i];
      if (values) values[i] = v.data()[i];
    }
    if (!grad) return total;
    if (!tape.tracks(v))
      throw NotImplementedError("keraspp cannot differentiate the loss function \"" + name + "\": its values do not "
                                "come from y_pred through keras::ops or Tensor arithmetic.\nHint: write the loss "
                                "with keras::ops (ops::mean(ops::square(y_true - y_pred), -1), ...) rather than "
                                "loops over data().");
    Tensor weights = Tensor::empty(v.dims());
    for (int64_t i = 0; i < v.size(); ++i) weights.data()[i] = static_cast<float>(mult ? mult[i] : 1.0);
    const Tensor g = tape.gradient(v, weights, {p})[0];
    if (g.defined())
      for (int64_t i = 0; i < g.size(); ++i) grad[i] += g.data()[i];
    return total;
  }

 private:
  // Keras reduces whatever the function returns; its first axis must still be the batch for sample weights.
  Tensor checked(const Tensor& v, const std::vector<int64_t>& t) const {
    if (!v.defined())
      throw ValueError("The loss function \"" + name + "\" returned an undefined tensor.",
                       {.hint = "return the loss of each sample, e.g. ops::mean(ops::square(y_true - y_pred), -1)."});
    if (v.ndim() > 0 && !t.empty() && v.dims()[0] != t[0])
      throw ValueError("The loss function \"" + name + "\" returned values of shape " + to_string(v.shape()) +
                           " for a batch of " + std::to_string(t[0]) + ".",
                       {.expected = "(" + std::to_string(t[0]) + ", ...) or a scalar", .received = to_string(v.shape()),
                        .hint = "keep the batch axis first: reduce over the other axes (axis=-1), as Keras's loss "
                                "functions return one loss per sample."});
    return v;
  }

  LossFunction fn_;
  mutable std::mutex mu_;
  mutable std::map<std::pair<std::vector<int64_t>, std::vector<int64_t>>, std::vector<int64_t>> value_dims_;
};

}  // namespace function_core
}  // namespace

LossFunctionWrapper::LossFunctionWrapper(LossFunction fn, const kw::Kwargs& k) {
  // Keras names it after the function (fn.__name__); a C++ function has no name, hence Loss's default, the class's.
  init(std::make_shared<function_core::FunctionCore>(std::move(fn)), k, "loss_function_wrapper");
}

}  // namespace keras::losses
