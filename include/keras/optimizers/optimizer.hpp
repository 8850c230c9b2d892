#pragma once
// The optimizer interface: Keras 3's update rules and defaults, applied in one vectorised pass per variable.
//
// What the base class does on every apply_gradients (keras/src/optimizers/base_optimizer.py):
//   1. builds the optimizer's slots for the variables it has not seen (once per variable; the order of
//      variables() follows Keras: iteration, learning_rate, EMA averages, then the slots as Keras's build creates
//      them: Adam's (momentum, velocity) interleaved per variable, RMSprop's lists one after another);
//   2. skips variables without a gradient (a one-time warning, as Keras's), and raises when none has one;
//   3. clips: clipnorm per variable, global_clipnorm over all gradients, clipvalue elementwise (at most one);
//   4. weight decay `w -= w * weight_decay * lr`, before the rule (fused into the rule's loop);
//   5. the rule, with lr = the schedule's value at iterations() (or the constant);
//   6. the EMA of the weights when use_ema=true; then iterations() += 1.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "keras/core/args.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/tensor.hpp"
#include "keras/layers/layer.hpp"

namespace keras::optimizers {

namespace schedules {
// learning_rate as a function of the optimizer's iteration count (keras.optimizers.schedules).
class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  virtual double operator()(int64_t step) const = 0;
  virtual std::string class_name() const = 0;
  virtual kw::Kwargs get_config() const { return {}; }
};
}  // namespace schedules

// The keywords every optimizer takes (BaseOptimizer.__init__).
using optimizer_keywords = kw::keywords<kw::learning_rate_t, kw::weight_decay_t, kw::clipnorm_t, kw::clipvalue_t,
                                        kw::global_clipnorm_t, kw::use_ema_t, kw::ema_momentum_t, kw::name_t>;

// The constructors every optimizer class has: keywords only (`Adam(learning_rate=1e-3, beta_1=0.8)`), the learning
// rate positionally then keywords (`Adam(1e-3)`, `SGD(0.1, momentum=0.9)`, `Adam(schedules::ExponentialDecay(...))`),
// and the run-time bag (defined in the .cpp).
#define KERAS_OPTIMIZER_CONSTRUCTORS(Class)                                                                   \
  template <class... A>                                                                                       \
    requires ::keras::kw::all_kwargs<A...>                                                                    \
  explicit Class(A&&... a) : Class(::keras::kw::collect<Class>(std::forward<A>(a)...)) {}                     \
  template <class... A>                                                                                       \
    requires ::keras::kw::all_kwargs<A...>                                                                    \
  explicit Class(::keras::LearningRateArg learning_rate, A&&... a)                                            \
      : Class(::keras::kw::collect<Class>(::keras::kw::learning_rate = std::move(learning_rate),              \
                                          std::forward<A>(a)...)) {}                                          \
  explicit Class(const ::keras::kw::Kwargs& kwargs)

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Keras's `optimizer.name`: the name= keyword, else the class's default ("adam", "SGD", "rmsprop", ...).
  virtual std::string name() const { return name_; }
  // The Keras class name ("Adam", "SGD", "RMSprop"), for configs and saving.
  virtual std::string class_name() const { return "Optimizer"; }

  // Applies each variable's grad to its value (the trainer has filled Variable::grad). Creates the optimizer's own
  // variables (slots) on first use, clips (clipnorm, clipvalue, global_clipnorm), applies weight decay, then the rule.
  // Variables whose grad is undefined are skipped; an empty list is a no-op (iterations unchanged).
  void apply_gradients(const std::vector<VariablePtr>& variables);

  // The current learning rate (the schedule's value at iterations() when there is one), rounded to float32 as
  // Keras's learning-rate variable is: Adam(1e-3).learning_rate() == 0.0010000000474974513.
  double learning_rate() const;
  // Sets a constant learning rate (LearningRateScheduler, ReduceLROnPlateau do this). An optimizer made with a
  // schedule raises TypeError, as Keras does.
  void set_learning_rate(double lr);
  // The schedule given as learning_rate=, or null.
  std::shared_ptr<const schedules::LearningRateSchedule> learning_rate_schedule() const { return schedule_; }
  int64_t iterations() const { return iterations_; }
  // The optimizer's variables in Keras order (iterations, learning_rate?, then the slots), for summary's
  // "Optimizer params" and for saving. `iteration` and `learning_rate` are fresh scalars; the slots share storage
  // with the optimizer's state.
  virtual std::vector<Tensor> variables() const;
  int64_t count_params() const;
  // Bytes of variables() as Keras's summary counts them: `iteration` is an int64 (8 bytes, TensorFlow backend),
  // the rest float32.
  double memory_size_bytes() const;
  // Overwrites the optimizer's state from values in variables() order (Keras's load_own_variables); the optimizer
  // must be built and the sizes must match.
  virtual void set_variables(const std::vector<Tensor>& values);
  bool built() const { return built_; }
  // Builds the slots for these variables now (Keras's optimizer.build(var_list)); apply_gradients does it lazily.
  void ensure_built(const std::vector<VariablePtr>& variables);
  // Keras's config: name, learning_rate (a double, or a LearningRateArg holding the schedule), weight_decay,
  // clipnorm, global_clipnorm, clipvalue, use_ema, ema_momentum, ..., then the optimizer's own hyperparameters.
  virtual kw::Kwargs get_config() const;

  // Variables whose name contains any of these strings get no weight decay (Keras's exclude_from_weight_decay
  // with var_names). Call before the first step.
  void exclude_from_weight_decay(const std::vector<std::string>& var_names);
  // These variables (and those whose name contains any of var_names) get no weight decay (var_list=, var_names=).
  void exclude_from_weight_decay(const std::vector<VariablePtr>& var_list,
                                 const std::vector<std::string>& var_names = {});
  // With use_ema=true: overwrites the variables with their moving averages (Keras's finalize_variable_values,
  // which fit() calls after the last epoch). A no-op otherwise.
  void finalize_variable_values(const std::vector<VariablePtr>& variables);
  // With use_ema=true, once built: exchanges each variable's values with its moving average, in place (what
  // callbacks::SwapEMAWeights does around evaluation); and sets each average to its variable's values (its
  // _finalize_ema_values). No-ops before the first step.
  void swap_ema_weights();
  void set_ema_to_variables();

  double weight_decay() const { return has_weight_decay_ ? weight_decay_ : 0.0; }
  bool use_ema() const { return use_ema_; }

  Optimizer(const Optimizer& other);  // deep-copies the slots (the copy trains independently)
  Optimizer& operator=(const Optimizer& other);

 protected:
  // Reads the keywords every optimizer takes: learning_rate, weight_decay, clipnorm, clipvalue, global_clipnorm,
  // use_ema, ema_momentum, name.
  Optimizer(const kw::Kwargs& kwargs, double default_learning_rate);
  Optimizer(const kw::Kwargs& kwargs, double default_learning_rate, std::string default_name);
  // Creates slots for these variables (called once per new variable, before its first update): an optimizer calls
  // add_slots() here. Called again with only the new variables when the list grows.
  virtual void build(const std::vector<VariablePtr>& variables) = 0;
  // Updates variable i in place with gradient g (already clipped); lr is this step's learning rate; iterations() is
  // the 0-based step count before this update. weight_decay_factor() is the decay to fuse: w -= w * factor first.
  virtual void update_step(size_t index, Variable& variable, const Tensor& gradient, double lr) = 0;
  // Called once per apply_gradients, after clipping and before the updates (Nadam's momentum-cache product).
  virtual void prepare_step(double /*lr*/) {}

  // Appends, for each variable, one slot per name (interleaved per variable, as Keras's add_optimizer_variables),
  // filled with its initial value.
  void add_slots(const std::vector<VariablePtr>& variables, const std::vector<std::pair<std::string, float>>& slots);
  // The same with each slot's dims chosen per variable (Adafactor's factored moments), filled with zeros.
  using SlotDims = std::function<std::vector<int64_t>(const Variable&)>;
  void add_slots(const std::vector<VariablePtr>& variables, const std::vector<SlotDims>& slot_dims);
  float* slot(size_t index, size_t k) { return slots_[index][k].data(); }
  // weight_decay * lr for the variable being updated (0 when it has none).
  float weight_decay_factor() const { return decay_factor_; }

  kw::Kwargs config_;  // the optimizer's own hyperparameters, in Keras's get_config order
  bool built_ = false;

 private:
  struct Known {
    std::weak_ptr<Variable> ref;
    int64_t size = 0;
  };
  void rebuild_for(const std::vector<VariablePtr>& variables);
  // The index of the first slot of the group add_slots is building (a new group the first time round).
  size_t begin_slot_group(size_t count);
  bool decays(const Variable& v) const;
  void update_ema(const std::vector<VariablePtr>& variables);

  std::string name_;
  double learning_rate_ = 0.001;
  std::shared_ptr<const schedules::LearningRateSchedule> schedule_;
  bool has_weight_decay_ = false;
  double weight_decay_ = 0.0;
  double clipnorm_ = 0.0, clipvalue_ = 0.0, global_clipnorm_ = 0.0;
  bool has_clipnorm_ = false, has_clipvalue_ = false, has_global_clipnorm_ = false;
  bool use_ema_ = false;
  double ema_momentum_ = 0.99;
  int64_t iterations_ = 0;
  std::vector<const Variable*> built_for_;
  std::vector<Known> known_;
  std::unordered_map<const Variable*, size_t> index_;
  std::vector<std::vector<Tensor>> slots_;  // slots_[variable index][slot]
  // Slots added by one add_slots call form a group: variables() lists group by group, each variable's slots of a
  // group together (Keras's add_optimizer_variables with a list of names interleaves; separate calls do not).
  std::vector<std::pair<size_t, size_t>> groups_;  // (first slot, count)
  size_t building_group_ = 0;
  std::vector<size_t> active_;               // per step: indices of the variables with a gradient
  std::vector<Variable*> active_vars_;       // per step: those variables
  std::vector<const Tensor*> grads_;         // per step: their (clipped) gradients
  std::vector<Tensor> averages_;            // EMA of each variable (use_ema)
  std::vector<Tensor> scratch_;             // clipped gradients, allocated once per variable when clipping
  std::vector<std::string> no_decay_names_;
  std::vector<const Variable*> no_decay_vars_;
  float decay_factor_ = 0.0f;
  bool warned_missing_ = false;
};

// Resolves a name ("adam", "sgd", "rmsprop", "adamw", "adagrad", "adadelta", "adamax", "nadam", "lion", "ftrl",
// "adafactor"; case-insensitive, as Keras lowercases class names) with Keras's defaults, or an object (returned as
// is, shared). An unknown name is a ValueError listing the valid ones. An empty OptimizerArg gives null (Keras's get(None)).
std::shared_ptr<Optimizer> get(const OptimizerArg& arg);
std::vector<std::string> names();

}  // namespace keras::optimizers
