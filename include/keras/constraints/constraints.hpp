#pragma once
// keras.constraints: projections an optimizer applies to a weight after every update (Keras 3's
// `variable.assign(variable.constraint(variable))` in BaseOptimizer.apply), given to layers as
//   layers::Dense(64, kernel_constraint=constraints::MaxNorm(3.0), bias_constraint="non_neg")
//   layers::Conv2D(32, 3, kernel_constraint=constraints::MaxNorm(max_value=2, axis={0, 1, 2}))  // a norm per filter
//   constraints::MaxNorm(max_value=2, axis=0)   constraints::MinMaxNorm(0.5, 1.0)   constraints::NonNeg()
//   constraints::UnitNorm(axis=0)
// Formulas are Keras 3's, in float32: norms = sqrt(sum(w^2, axis, keepdims)); MaxNorm scales w by
// clip(norms, 0, max_value) / (1e-7 + norms), MinMaxNorm by (rate * clip(norms, min, max) + (1 - rate) * norms) /
// (1e-7 + norms), UnitNorm divides by 1e-7 + norms, NonNeg is max(w, 0). `axis` is the axis (or axes, given as a
// list) the norm runs over: axis=0 of a Dense kernel (in, units) is one norm per unit. A constraint called on a
// tensor returns the projected copy, as in Python.
#include <concepts>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "keras/core/args.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"

namespace keras::constraints {

class Constraint {
 public:
  virtual ~Constraint() = default;
  // Projects w in place (what the optimizer does after each update).
  virtual void apply(Tensor& w) const = 0;
  virtual std::string class_name() const = 0;  // Keras's, e.g. "MaxNorm"
  virtual kw::Kwargs get_config() const { return {}; }
  // The projected copy of w (Keras's __call__).
  Tensor operator()(const Tensor& w) const {
    Tensor out = w.copy();
    apply(out);
    return out;
  }
};

}  // namespace keras::constraints

namespace keras {

// A constraint given by Keras name ("max_norm", "NonNeg") or as an object (constraints::MaxNorm(2.0)); the object is
// copied.
using ConstraintArg = NamedObjectArg<constraints::Constraint>;

namespace kw {
KERAS_KEYWORD(min_value, double);
// The layers' constraint arguments (Keras's names).
KERAS_KEYWORD(kernel_constraint, ConstraintArg);
KERAS_KEYWORD(bias_constraint, ConstraintArg);
KERAS_KEYWORD(recurrent_constraint, ConstraintArg);
KERAS_KEYWORD(embeddings_constraint, ConstraintArg);
KERAS_KEYWORD(depthwise_constraint, ConstraintArg);
KERAS_KEYWORD(pointwise_constraint, ConstraintArg);
KERAS_KEYWORD(beta_constraint, ConstraintArg);
KERAS_KEYWORD(gamma_constraint, ConstraintArg);
KERAS_KEYWORD(alpha_constraint, ConstraintArg);
}  // namespace kw

}  // namespace keras

namespace keras::constraints {

// Defines the keyword constructors: Name(kw=...) (any order, checked at compile time) and Name(Kwargs).
#define KERAS_CONSTRAINT_KEYWORD_CTORS(Name)                                   \
  template <class... A>                                                       \
    requires kw::all_kwargs<A...>                                             \
  explicit Name(A&&... a) : Name(kw::collect<Name>(std::forward<A>(a)...)) {} \
  explicit Name(const kw::Kwargs& k)

// The axes a norm runs over: an int, or a list (axis={0, 1, 2}, or positionally MaxNorm(2.0, {0, 1, 2})).
class NormAxes {
 public:
  explicit NormAxes(const kw::Kwargs& k);
  // The config's axis: an int as given, or the list.
  void write(kw::Kwargs& k) const;
  // Scales each slice of w (the entries sharing every index outside the axes) by factor(its L2 norm).
  template <class F>
  void scale(Tensor& w, F factor) const;
  const std::vector<int64_t>& axes() const { return axes_; }

 private:
  std::vector<int64_t> axes_;
  bool listed_ = false;  // given as a list: written back as one
};

// MaxNorm(max_value=2, axis=0): each slice's norm at most max_value.
class MaxNorm : public Constraint {
 public:
  using keywords = kw::keywords<kw::max_value_t, kw::axis_t>;
  KERAS_CONSTRAINT_KEYWORD_CTORS(MaxNorm);
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit MaxNorm(double max_value, A&&... a)
      : MaxNorm(kw::collect<MaxNorm>(kw::max_value = max_value, std::forward<A>(a)...)) {}
  MaxNorm(double max_value, IntTuple axis);
  void apply(Tensor& w) const override;
  std::string class_name() const override { return "MaxNorm"; }
  kw::Kwargs get_config() const override;
  double max_value() const { return max_value_; }

 private:
  double max_value_ = 2.0;
  NormAxes axes_;
};

// MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0): each slice's norm moved into [min_value, max_value]
// (rate < 1 moves it only part of the way each step).
class MinMaxNorm : public Constraint {
 public:
  using keywords = kw::keywords<kw::min_value_t, kw::max_value_t, kw::rate_t, kw::axis_t>;
  KERAS_CONSTRAINT_KEYWORD_CTORS(MinMaxNorm);
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit MinMaxNorm(double min_value, A&&... a)
      : MinMaxNorm(kw::collect<MinMaxNorm>(kw::min_value = min_value, std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  MinMaxNorm(double min_value, double max_value, A&&... a)
      : MinMaxNorm(kw::collect<MinMaxNorm>(kw::min_value = min_value, kw::max_value = max_value,
                                           std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  MinMaxNorm(double min_value, double max_value, double rate, A&&... a)
      : MinMaxNorm(kw::collect<MinMaxNorm>(kw::min_value = min_value, kw::max_value = max_value, kw::rate = rate,
                                           std::forward<A>(a)...)) {}
  MinMaxNorm(double min_value, double max_value, double rate, IntTuple axis);
  void apply(Tensor& w) const override;
  std::string class_name() const override { return "MinMaxNorm"; }
  kw::Kwargs get_config() const override;

 private:
  double min_value_ = 0.0, max_value_ = 1.0, rate_ = 1.0;
  NormAxes axes_;
};

// NonNeg(): max(w, 0).
class NonNeg : public Constraint {
 public:
  using keywords = kw::keywords<>;
  NonNeg() = default;
  explicit NonNeg(const kw::Kwargs& k);
  void apply(Tensor& w) const override;
  std::string class_name() const override { return "NonNeg"; }
};

// UnitNorm(axis=0): each slice divided by its norm.
class UnitNorm : public Constraint {
 public:
  using keywords = kw::keywords<kw::axis_t>;
  KERAS_CONSTRAINT_KEYWORD_CTORS(UnitNorm);
  explicit UnitNorm(IntTuple axis);
  void apply(Tensor& w) const override;
  std::string class_name() const override { return "UnitNorm"; }
  kw::Kwargs get_config() const override;

 private:
  NormAxes axes_;
};

#undef KERAS_CONSTRAINT_KEYWORD_CTORS

// Keras's shortcut names for the classes (keras.constraints.max_norm is MaxNorm).
using max_norm = MaxNorm;
using min_max_norm = MinMaxNorm;
using non_neg = NonNeg;
using unit_norm = UnitNorm;

// Resolves a name or an object, as keras.constraints.get: nullptr for an empty argument (None). Names are the class
// names and their snake case ("MaxNorm", "max_norm", ...), each giving the class's defaults. An unknown name is a
// ValueError listing the valid ones.
std::shared_ptr<const Constraint> get(const ConstraintArg& arg);
std::vector<std::string> names();
// A constraint from a class name (or snake case) and its get_config() keywords (axis an int or an IntTuple), as
// keras.constraints.deserialize({"class_name": ..., "config": ...}) does.
std::shared_ptr<const Constraint> deserialize(const std::string& class_name, const kw::Kwargs& config = {});

}  // namespace keras::constraints
