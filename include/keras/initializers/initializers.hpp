#pragma once
// Initializers by name ("glorot_uniform") and as objects (initializers::GlorotUniform(seed=1)), with Keras 3's
// defaults and formulas. Shapes are Keras's: a Dense kernel (in, out), a conv kernel (kh, kw, in, out).
//
// Randomness: an initializer given seed= draws from its own generator made from the seed, so every call returns
// the same values (as Keras's int seeds do); one without a seed draws from keras::random::generator(), so
// utils::set_random_seed makes a whole model's initial weights reproducible.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/core/args.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"

namespace keras::initializers {

class Initializer {
 public:
  virtual ~Initializer() = default;
  virtual Tensor operator()(const std::vector<int64_t>& shape) const = 0;
  virtual std::string class_name() const = 0;  // Keras's, e.g. "GlorotUniform"
  virtual kw::Kwargs get_config() const { return {}; }
};

// Resolves a name or an object. An unknown name is a ValueError listing the valid ones.
std::shared_ptr<const Initializer> get(const InitializerArg& arg);
std::vector<std::string> names();

// fan_in, fan_out as Keras's compute_fans: for rank >= 3, receptive field x channels.
std::pair<double, double> compute_fans(const std::vector<int64_t>& shape);

// An initializer from a Keras class name (or snake_case name) and its get_config() keywords, as
// keras.initializers.deserialize({"class_name": ..., "config": ...}) does. Numbers may be int or double.
std::shared_ptr<const Initializer> deserialize(const std::string& class_name, const kw::Kwargs& config = {});

// Defines the keyword constructors: Name(kw=...) (any order, checked at compile time) and Name(Kwargs).
#define KERAS_INITIALIZER_KEYWORD_CTORS(Name)                                          \
  template <class... A>                                                               \
    requires kw::all_kwargs<A...>                                                     \
  explicit Name(A&&... a) : Name(kw::collect<Name>(std::forward<A>(a)...)) {}         \
  explicit Name(const kw::Kwargs& k)

class Zeros : public Initializer {
 public:
  using keywords = kw::keywords<>;
  KERAS_INITIALIZER_KEYWORD_CTORS(Zeros);
  Tensor operator()(const std::vector<int64_t>& shape) const override;
  std::string class_name() const override { return "Zeros"; }
};

class Ones : public Initializer {
 public:
  using keywords = kw::keywords<>;
  KERAS_INITIALIZER_KEYWORD_CTORS(Ones);
  Tensor operator()(const std::vector<int64_t>& shape) const override;
  std::string class_name() const override { return "Ones"; }
};

// Constant(value=0.0), or Constant(0.5).
class Constant : public Initializer {
 public:
  using keywords = kw::keywords<kw::value_t>;
  KERAS_INITIALIZER_KEYWORD_CTORS(Constant);
  explicit Constant(double value) : Constant(kw::collect<Constant>(kw::value = value)) {}
  Tensor operator()(const std::vector<int64_t>& shape) const override;
  std::string class_name() const override { return "Constant"; }
  kw::Kwargs get_config() const override;
  double value() const { return value_; }

 private:
  double value_ = 0.0;
};

// Identity(gain=1.0): gain * eye(rows, cols); 2-D shapes only.
class Identity : public Initializer {
 public:
  using keywords = kw::keywords<kw::gain_t>;
  KERAS_INITIALIZER_KEYWORD_CTORS(Identity);
  explicit Identity(double gain) : Identity(kw::collect<Identity>(kw::gain = gain)) {}
  Tensor operator()(const std::vector<int64_t>& shape) const override;
  std::string class_name() const override { return "Identity"; }
  kw::Kwargs get_config() const override;
  double gain() const { return gain_; }

 private:
  double gain_ = 1.0;
};

// The base of the random initializers: an optional seed (Keras's seed=None or an int).
class RandomInitializer : public Initializer {
 public:
  const std::optional<int64_t>& seed() const { return seed_; }
  kw::Kwargs get_config() const override;  // {"seed": seed or None}

 protected:
  explicit RandomInitializer(const kw::Kwargs& k);
  std::optional<int64_t> seed_;
};

// RandomNormal(mean=0.0, stddev=0.05, seed=None).
class RandomNormal : public RandomInitializer {
 public:
  using keywords = kw::keywords<kw::mean_t, kw::stddev_t, kw::seed_t>;
  KERAS_INITIALIZER_KEYWORD_CTORS(RandomNormal);
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomNormal(double mean, A&&... a)
      : RandomNormal(kw::collect<RandomNormal>(kw::mean = mean, std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  RandomNormal(double mean, double stddev, A&&... a)
      : RandomNormal(kw::collect<RandomNormal>(kw::mean = mean, kw::stddev = stddev, std::forward<A>(a)...)) {}
  Tensor operator()(const std::vector<int64_t>& shape) const override;
  std::string class_name() const override { return "RandomNormal"; }
  kw::Kwargs get_config() const override;
  double mean() const { return mean_; }
  double stddev() const { return stddev_; }

 private:
  double mean_ = 0.0, stddev_ = 0.05;
};

// TruncatedNormal(mean=0.0, stddev=0.05, seed=None): values beyond two stddev are redrawn.
class TruncatedNormal : public RandomInitializer {
 public:
  using keywords = kw::keywords<kw::mean_t, kw::stddev_t, kw::seed_t>;
  KERAS_INITIALIZER_KEYWORD_CTORS(TruncatedNormal);
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit TruncatedNormal(double mean, A&&... a)
      : TruncatedNormal(kw::collect<TruncatedNormal>(kw::mean = mean, std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  TruncatedNormal(double mean, double stddev, A&&... a)
      : TruncatedNormal(kw::collect<TruncatedNormal>(kw::mean = mean, kw::stddev = stddev, std::forward<A>(a)...)) {}
  Tensor operator()(const std::vector<int64_t>& shape) const override;
  std::string class_name() const override { return "TruncatedNormal"; }
  kw::Kwargs get_config() const override;
  double mean() const { return mean_; }
  double stddev() const { return stddev_; }

 private:
  double mean_ = 0.0, stddev_ = 0.05;
};

// RandomUniform(minval=-0.05, maxval=0.05, seed=None): uniform in [minval, maxval).
class RandomUniform : public RandomInitializer {
 public:
  using keywords = kw::keywords<kw::minval_t, kw::maxval_t, kw::seed_t>;
  KERAS_INITIALIZER_KEYWORD_CTORS(RandomUniform);
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit RandomUniform(double minval, A&&... a)
      : RandomUniform(kw::collect<RandomUniform>(kw::minval = minval, std::forward<A>(a)...)) {}
  template <class... A>
    requires kw::all_kwargs<A...>
  RandomUniform(double minval, double maxval, A&&... a)
      : RandomUniform(kw::collect<RandomUniform>(kw::minval = minval, kw::maxval = maxval, std::forward<A>(a)...)) {}
  Tensor operator()(const std::vector<int64_t>& shape) const override;
  std::string class_name() const override { return "RandomUniform"; }
  kw::Kwargs get_config() const override;
  double minval() const { return minval_; }
  double maxval() const { return maxval_; }

 private:
  double minval_ = -0.05, maxval_ = 0.05;
};

// VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None).
// n = fan_in, fan_out or their mean (mode); truncated_normal: stddev = sqrt(scale / n) / .87962566103423978;
// untruncated_normal: stddev = sqrt(scale / n); uniform: limit = sqrt(3 scale / n). "normal" means truncated_normal.
class VarianceScaling : public RandomInitializer {
 public:
  using keywords = kw::keywords<kw::scale_t, kw::mode_t, kw::distribution_t, kw::seed_t>;
  KERAS_INITIALIZER_KEYWORD_CTORS(VarianceScaling);
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit VarianceScaling(double scale, A&&... a)
      : VarianceScaling(kw::collect<VarianceScaling>(kw::scale = scale, std::forward<A>(a)...)) {}
  Tensor operator()(const std::vector<int64_t>& shape) const override;
  std::string class_name() const override { return "VarianceScaling"; }
  kw::Kwargs get_config() const override;
  double scale() const { return scale_; }
  const std::string& mode() const { return mode_; }
  const std::string& distribution() const { return distribution_; }

 protected:
  // For the named variants (GlorotUniform, ...): fixed scale, mode and distribution, and the seed from k.
  VarianceScaling(double scale, std::string mode, std::string distribution, const kw::Kwargs& k);

 private:
  double scale_ = 1.0;
  std::string mode_ = "fan_in";
  std::string distribution_ = "truncated_normal";
};

// The named VarianceScaling variants: Name(seed=None), or Name(seed) positionally as in Keras.
#define KERAS_VARIANCE_SCALING_VARIANT(Name)                                                                  \
  class Name : public VarianceScaling {                                                                       \
   public:                                                                                                    \
    using keywords = kw::keywords<kw::seed_t>;                                                                \
    KERAS_INITIALIZER_KEYWORD_CTORS(Name);                                                                    \
    explicit Name(int seed) : Name(kw::collect<Name>(kw::seed = seed)) {}                                     \
    std::string class_name() const override { return #Name; }                                                 \
    kw::Kwargs get_config() const override { return RandomInitializer::get_config(); }                       \
  }

KERAS_VARIANCE_SCALING_VARIANT(GlorotUniform);  // scale 1, fan_avg, uniform: limit sqrt(6 / (fan_in + fan_out))
KERAS_VARIANCE_SCALING_VARIANT(GlorotNormal);   // scale 1, fan_avg, truncated_normal
KERAS_VARIANCE_SCALING_VARIANT(HeUniform);      // scale 2, fan_in, uniform: limit sqrt(6 / fan_in)
KERAS_VARIANCE_SCALING_VARIANT(HeNormal);       // scale 2, fan_in, truncated_normal
KERAS_VARIANCE_SCALING_VARIANT(LecunUniform);   // scale 1, fan_in, uniform: limit sqrt(3 / fan_in)
KERAS_VARIANCE_SCALING_VARIANT(LecunNormal);    // scale 1, fan_in, truncated_normal
#undef KERAS_VARIANCE_SCALING_VARIANT

// Orthogonal(gain=1.0, seed=None): for shape (..., cols), a (prod(shape[:-1]), cols) matrix with orthonormal
// columns (or rows, when it is wide) from the QR decomposition of a normal matrix, times gain. Rank >= 2 only.
class Orthogonal : public RandomInitializer {
 public:
  using keywords = kw::keywords<kw::gain_t, kw::seed_t>;
  KERAS_INITIALIZER_KEYWORD_CTORS(Orthogonal);
  template <class... A>
    requires kw::all_kwargs<A...>
  explicit Orthogonal(double gain, A&&... a)
      : Orthogonal(kw::collect<Orthogonal>(kw::gain = gain, std::forward<A>(a)...)) {}
  Tensor operator()(const std::vector<int64_t>& shape) const override;
  std::string class_name() const override { return "Orthogonal"; }
  kw::Kwargs get_config() const override;
  double gain() const { return gain_; }

 private:
  double gain_ = 1.0;
};

#undef KERAS_INITIALIZER_KEYWORD_CTORS

}  // namespace keras::initializers
