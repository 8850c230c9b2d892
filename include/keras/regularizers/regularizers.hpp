#pragma once
// keras.regularizers: penalties on a layer's weights that training adds to the loss (Keras's layer.losses).
//   layers::Dense(64, kernel_regularizer=regularizers::L2(0.01), bias_regularizer="l1")
//   regularizers::L1(0.3)   regularizers::L2(l2=0.1)   regularizers::L1L2(l1=0.01, l2=0.01)
//   regularizers::OrthogonalRegularizer(factor=0.01, mode="rows")
// Formulas are Keras 3's: L1 is l1 * sum(|w|), L2 is l2 * sum(w^2) (no 1/2). A regularizer called on a tensor
// returns its penalty, as in Python: regularizers::L2(2.0)(Tensor::ones({5, 5})) == 50.
#include <concepts>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"

namespace keras::regularizers {

class Regularizer {
 public:
  virtual ~Regularizer() = default;
  // The penalty for weight w (Keras's __call__).
  virtual double penalty(const Tensor& w) const = 0;
  // Adds d penalty / d w into grad (w's shape).
  virtual void add_gradient(const Tensor& w, Tensor& grad) const = 0;
  virtual std::string class_name() const = 0;  // Keras's, e.g. "L2"
  virtual kw::Kwargs get_config() const { return {}; }
  double operator()(const Tensor& w) const { return penalty(w); }
};

}  // namespace keras::regularizers

namespace keras {

// A regularizer given by Keras name ("l2", "L1L2") or as an object (regularizers::L2(0.01)); the object is copied.
using RegularizerArg = NamedObjectArg<regularizers::Regularizer>;

namespace kw {
// Regularizer factors and the layers' regularizer arguments.
KERAS_KEYWORD(l1, double);
KERAS_KEYWORD(l2, double);
KERAS_KEYWORD(kernel_regularizer, RegularizerArg);
KERAS_KEYWORD(bias_regularizer, RegularizerArg);
KERAS_KEYWORD(alpha_regularizer, RegularizerArg);
KERAS_KEYWORD(activity_regularizer, RegularizerArg);
}  // namespace kw

}  // namespace keras

namespace keras::regularizers {

// Defines the keyword constructors: Name(kw=...) (any order, checked at compile time) and Name(Kwargs).
#define KERAS_REGULARIZER_KEYWORD_CTORS(Name)                                  \
  template <class... A>                                                       \
    requires kw::all_kwargs<A...>                                             \
  explicit Name(A&&... a) : Name(kw::collect<Name>(std::forward<A>(a)...)) {} \
  explicit Name(const kw::Kwargs& k)

// L1(l1=0.01): l1 * sum(|w|).
class L1 : public Regularizer {
 public:
  using keywords = kw::keywords<kw::l1_t>;
  KERAS_REGULARIZER_KEYWORD_CTORS(L1);
  explicit L1(double l1) : L1(kw::collect<L1>(kw::l1 = l1)) {}
  double penalty(const Tensor& w) const override;
  void add_gradient(const Tensor& w, Tensor& grad) const override;
  std::string class_name() const override { return "L1"; }
  kw::Kwargs get_config() const override;
  double l1() const { return l1_; }

 private:
  double l1_ = 0.01;
};

// L2(l2=0.01): l2 * sum(w^2).
class L2 : public Regularizer {
 public:
  using keywords = kw::keywords<kw::l2_t>;
  KERAS_REGULARIZER_KEYWORD_CTORS(L2);
  explicit L2(double l2) : L2(kw::collect<L2>(kw::l2 = l2)) {}
  double penalty(const Tensor& w) const override;
  void add_gradient(const Tensor& w, Tensor& grad) const override;
  std::string class_name() const override { return "L2"; }
  kw::Kwargs get_config() const override;
  double l2() const { return l2_; }

 private:
  double l2_ = 0.01;
};

// L1L2(l1=0.0, l2=0.0): l1 * sum(|w|) + l2 * sum(w^2).
class L1L2 : public Regularizer {
 public:
  using keywords = kw::keywords<kw::l1_t, kw::l2_t>;
  KERAS_REGULARIZER_KEYWORD_CTORS(L1L2);
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit L1L2(double l1, A&&... a) : L1L2(kw::collect<L1L2>(kw::l1 = l1, std::forward<A>(a)...)) {}
  explicit L1L2(double l1, double l2) : L1L2(kw::collect<L1L2>(kw::l1 = l1, kw::l2 = l2)) {}
  double penalty(const Tensor& w) const override;
  void add_gradient(const Tensor& w, Tensor& grad) const override;
  std::string class_name() const override { return "L1L2"; }
  kw::Kwargs get_config() const override;
  double l1() const { return l1_; }
  double l2() const { return l2_; }

 private:
  double l1_ = 0.0, l2_ = 0.0;
};

// OrthogonalRegularizer(factor=0.01, mode="rows"): for a rank-2 weight, factor times the mean absolute dot product
// between distinct L2-normalised rows (mode="columns": columns): factor * 0.5 * sum_{i != j} |u_i . u_j| / (n (n-1) / 2).
class OrthogonalRegularizer : public Regularizer {
 public:
  using keywords = kw::keywords<kw::factor_t, kw::mode_t>;
  KERAS_REGULARIZER_KEYWORD_CTORS(OrthogonalRegularizer);
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit OrthogonalRegularizer(double factor, A&&... a)
      : OrthogonalRegularizer(kw::collect<OrthogonalRegularizer>(kw::factor = factor, std::forward<A>(a)...)) {}
  double penalty(const Tensor& w) const override;
  void add_gradient(const Tensor& w, Tensor& grad) const override;
  std::string class_name() const override { return "OrthogonalRegularizer"; }
  kw::Kwargs get_config() const override;
  double factor() const { return factor_; }
  const std::string& mode() const { return mode_; }

 private:
  double factor_ = 0.01;
  std::string mode_ = "rows";
};

#undef KERAS_REGULARIZER_KEYWORD_CTORS

// Resolves a name or an object, as keras.regularizers.get: nullptr for an empty argument (None). Names are the
// class names ("L1", "L2", "L1L2", "OrthogonalRegularizer") and their snake case ("l1", "l2", "l1l2",
// "orthogonal_regularizer"), each giving the class's defaults; "l1_l2" gives L1L2(l1=0.01, l2=0.01), as Keras's
// documentation of the string says. An unknown name is a ValueError listing the valid ones.
std::shared_ptr<const Regularizer> get(const RegularizerArg& arg);
std::vector<std::string> names();

// A regularizer from a Keras class name (or snake_case name) and its get_config() keywords, as
// keras.regularizers.deserialize({"class_name": ..., "config": ...}) does.
std::shared_ptr<const Regularizer> deserialize(const std::string& class_name, const kw::Kwargs& config = {});

}  // namespace keras::regularizers
