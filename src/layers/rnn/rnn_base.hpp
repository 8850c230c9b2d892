#pragma once
// The machinery of keras.layers.RNN shared by SimpleRNN, LSTM and GRU: the time loop with masks, go_backwards,
// initial/stateful states, dropout masks, return_sequences/return_state, and backpropagation through time.
//
// Speed: Keras's default LSTM, and its default GRU (reset_after=true), without a mask or recurrent dropout run as
// oneDNN's LSTM and lbr_gru primitives (backend/rnn.hpp) when those measure faster (bench/rnn_kernels.cpp).
// Everything else runs the loop here: the input projection of every timestep is one GEMM before the loop (and its
// gradients one GEMM after); inside, each step is one recurrent GEMM over the whole batch plus the cell's
// elementwise gate math. All per-step buffers are time-major in processing order (reversed when go_backwards).
#include <optional>
#include <random>

#include "backend/rnn.hpp"
#include "keras/activations/activations.hpp"
#include "keras/layers/rnn/rnn_common.hpp"

namespace keras::layers::rnn_detail {

// One timestep of a cell over the whole batch.
struct Step {
  int64_t batch = 0;
  const float* p = nullptr;                 // (batch, gates*units): x_t @ kernel + input bias
  const float* s_prev[2] = {nullptr, nullptr};  // previous states (batch, units): h[, c]
  const float* hrec[4] = {};                // per gate block: the previous h the recurrent product sees
                                            // (recurrent dropout applied; the same pointer when shared)
  float* s_new[2] = {nullptr, nullptr};     // out: the cell's new states
  float* cache = nullptr;                   // cache_floats(batch) floats the cell keeps for backward
};

struct StepGrad {
  const float* ds[2] = {nullptr, nullptr};  // gradients of the new states (zero on masked rows)
  float* dp = nullptr;                      // out: gradient of p
  float* dzr = nullptr;                     // out (cells with separate_recurrent_grad): recurrent pre-activation
  float* ds_prev[2] = {nullptr, nullptr};   // out: previous states' gradients through the direct paths
  float* dhrec[4] = {};                     // out: gradient of each hrec block (shared operands: index 0 only)
};

// A cell's whole-sequence primitive: time-major tensors in processing order.
struct FusedIo {
  backend::RnnDims d{};
  const float* x = nullptr;                 // (S, B, I)
  const float* s0[2] = {nullptr, nullptr};  // initial states (B, u)
  float* y = nullptr;                       // (S, B, u): h after every step
  float* sT[2] = {nullptr, nullptr};        // final states (B, u)
  float* ws = nullptr;                      // the primitive's workspace; null: inference (no backward)
};

struct FusedGrad {
  const float* dy = nullptr;                 // (S, B, u): gradient of y
  const float* dsT[2] = {nullptr, nullptr};  // gradients of the final states
  float* dx = nullptr;                       // out: (S, B, I)
  float* ds0[2] = {nullptr, nullptr};        // out: gradients of the initial states
};

// Whether cells may use their primitives (default true). Tests and bench/rnn_kernels.cpp switch it off to run the
// step loop on the same call.
void set_fused_primitives(bool enabled);
bool fused_primitives();

// An activation keyword of a recurrent layer: None means linear (as in Keras), absent means `fallback`.
std::shared_ptr<const activations::ActivationKernel> activation_keyword(const kw::Kwargs& k, const char* key,
                                                                        const char* fallback);

// Keras's dropout masks for a recurrent layer: `count` masks of `dims`, each entry 0 with probability `rate` and
// 1/(1-rate) otherwise, drawn once per call and used at every timestep.
Tensor draw_dropout_masks(std::mt19937_64& generator, int count, std::vector<int64_t> dims, double rate);
// stateful=true: tf.keras's input-spec error when a batch of `batch` samples meets states kept for `state_batch`.
void check_state_batch(const LayerImpl& layer, int64_t state_batch, int64_t batch, const Shape& expected,
                       const Shape& x_shape);
// Reverses the time axis (1) of a (batch, timesteps, ...) tensor.
Tensor flip_time(const Tensor& t);

// What keras.layers.RNN and Keras's DropoutRNNCell take beside the cell's weights (SimpleRNN, LSTM, GRU, their cells
// and ConvLSTM), read with Keras's defaults.
struct SequenceOptions {
  explicit SequenceOptions(const kw::Kwargs& k);
  double dropout = 0.0, recurrent_dropout = 0.0;  // clipped into [0, 1], as Keras does
  bool return_sequences = false, return_state = false, go_backwards = false, stateful = false;
  bool zero_output_for_mask = false;
  std::optional<std::mt19937_64> generator;  // seed=: the dropout masks' own generator
  // The generator the dropout masks are drawn from: the layer's own (seed=), else the global one.
  std::mt19937_64& dropout_generator();
};

// What RecurrentLayer::reset_states() calls: RnnBase and Bidirectional.
class ResettableStates {
 public:
  virtual ~ResettableStates() = default;
  virtual void reset_states() = 0;
};

// A layer that runs over sequences with Keras's RNN arguments (SimpleRNN, LSTM, GRU, RNN(cell), RNN of stacked cells,
// ConvLSTM): what Bidirectional asks of the layers it wraps.
class SequenceLayer : public ResettableStates {
 public:
  virtual bool return_sequences() const = 0;
  virtual bool return_state() const = 0;
  virtual bool go_backwards() const = 0;
  virtual bool stateful() const = 0;
  virtual int n_states() const = 0;
  // Bidirectional makes its returned sequences zero at masked steps (Keras forces this on its sublayers).
  virtual void set_zero_output_for_mask(bool z) = 0;
};

// A SequenceLayer that runs one cell, read from its own SequenceOptions (all but the RNN of stacked cells).
class SingleSequenceLayer : public SequenceLayer {
 public:
  bool return_sequences() const override { return opt_.return_sequences; }
  bool return_state() const override { return opt_.return_state; }
  bool go_backwards() const override { return opt_.go_backwards; }
  bool stateful() const override { return opt_.stateful; }
  void set_zero_output_for_mask(bool z) override { opt_.zero_output_for_mask = z; }

 protected:
  explicit SingleSequenceLayer(const kw::Kwargs& k) : opt_(k) {}
  SequenceOptions opt_;
};

// The hint for a rank mistake in front of a layer that takes sequences (name: that layer's).
std::string sequence_hint(const SpecViolation& v, const std::string& name, const std::string& class_name);

// SimpleRNN, LSTM and GRU, and their cells. A class name ending in "Cell" (LSTMCell) makes the layer Keras's cell: one
// timestep, x (batch, features) then the states in, the output then the new states out, as Keras's
// `cell(x, [h, c])` returns `h, [h, c]`. It runs the same loop over a sequence of one step.
class RnnBase : public LayerImpl, public SingleSequenceLayer {
 public:
  RnnBase(std::string class_name, const kw::Kwargs& k, int gates, int n_states);

  int expected_inputs() const override { return -1; }  // the sequence, then optional initial states
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  void build(const std::vector<Shape>& input_shapes) override;
  std::vector<Tensor> forward(CallContext& ctx) override;
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) override;
  std::string hint_for(const SpecViolation& v) const override;
  void check_input_compatibility(const std::vector<Shape>& input_shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override;
  bool supports_masking() const override { return true; }
  std::vector<Tensor> compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks,
                                    size_t n_outputs) const override;
  double regularization_penalty(bool accumulate_grads) override;

  void reset_states() override;

  bool is_cell() const { return cell_mode_; }
  // keras.layers.RNN(cell): this layer runs `cell`'s variables over sequences (Keras keeps an RNN's variables in its
  // cell, so the cell's get_weights() and the RNN's are the same). `config` is what the RNN was made with, for
  // get_config. The cell is built, with (batch, features), when this layer is.
  void run_weights_of(std::shared_ptr<RnnBase> cell, kw::Kwargs config);
  std::vector<VariablePtr> variables() const override;
  void set_trainable(bool t) override;
  // The next calls draw their dropout masks as a layer made with seed=`seed` would (tests reseed before every call to
  // hold the masks fixed).
  void reseed(uint64_t seed);
  int n_states() const override { return n_states_; }
  int64_t units() const { return units_; }

 protected:
  virtual std::vector<int64_t> bias_shape() const { return {gates_ * units_}; }
  virtual Tensor initial_bias() const;
  virtual int64_t cache_floats(int64_t batch) const = 0;
  virtual void step_forward(const Step& s) = 0;
  virtual void step_backward(const Step& s, const StepGrad& g) = 0;
  // The cell's whole-sequence primitive, used when the loop's extras (masks, recurrent dropout, per-gate input
  // dropout) are not needed: the workspace floats it needs for d, or 0 where it has none (the loop runs).
  virtual int64_t fused_workspace_floats(const backend::RnnDims& d) const {
    (void)d;
    return 0;
  }
  // Run it: false (nothing written) when oneDNN cannot. backward adds the weight gradients into grad_of(...).
  virtual bool fused_forward(const FusedIo& io) {
    (void)io;
    return false;
  }
  virtual void fused_backward(const FusedIo& io, const FusedGrad& g) { (void)io, (void)g; }
  // Whether the recurrent kernel's gradient differs from the input projection's (GRU reset_after=true).
  virtual bool separate_recurrent_grad() const { return false; }
  // Adds the recurrent kernel's (and recurrent bias's) gradients once the loop is done. hrec: (operands, S*B, u);
  // dz: (S*B, gates*u), the recurrent pre-activation gradient; caches: (S, cache_floats(B)).
  virtual void recurrent_weight_grads(int64_t steps, int64_t batch, const float* hrec, const float* dz,
                                      const float* caches);

  // ---- helpers for cells ----
  // out[:, g0*u : g1*u] (row stride ldo) = beta*out + hrec_g @ recurrent_kernel[:, block g] for gate blocks g.
  void recurrent_product(const Step& s, int g0, int g1, float* out, int64_t ldo, float beta) const;
  // dhrec_g (+)= dz[:, block g] @ recurrent_kernel[:, block g]^T for gate blocks g in [g0, g1).
  void recurrent_product_grad(const StepGrad& g, int64_t batch, int g0, int g1, const float* dz, int64_t ldz,
                              bool accumulate) const;
  // Adds dRK[:, g0*u:g1*u] += sum over steps of hrec_g^T @ dz[:, block g] (rows = steps*batch).
  void add_recurrent_kernel_grad(int64_t rows, const float* hrec, const float* dz, int g0, int g1);
  // Scratch memory for a cell's step (reused across steps and calls).
  float* scratch(size_t n) {
    if (scratch_.size() < n) scratch_.resize(n);
    return scratch_.data();
  }

  int64_t units_ = 0, in_ = 0;
  int gates_ = 1, n_states_ = 1;
  bool use_bias_ = true;
  std::shared_ptr<const activations::ActivationKernel> activation_, recurrent_activation_;
  InitializerArg kernel_init_, recurrent_init_, bias_init_;
  VariablePtr kernel_, recurrent_kernel_, bias_;
  int cur_rec_ops_ = 1;  // recurrent operands of the current call: 1 shared, or one per gate block

 private:
  // (count, batch, width) masks of 0 and 1/(1-rate).
  Tensor dropout_masks(int count, int64_t batch, int64_t width, double rate);
  std::shared_ptr<const regularizers::Regularizer> kernel_reg_, recurrent_reg_, bias_reg_;
  void adopt_cell_weights(const Shape& sequence_shape);
  std::vector<Tensor> forward_sequence(CallContext& ctx);
  std::vector<Tensor> backward_sequence(CallContext& ctx, const std::vector<Tensor>& output_grads);
  // ctx.saved layout of forward_sequence.
  enum SequenceSaved { kXd, kHist, kHrec, kCache, kInMask, kRecMask, kFused, kSequenceSavedCount };
  bool cell_mode_ = false;
  std::shared_ptr<RnnBase> weights_cell_;  // RNN(cell): the cell whose variables this layer runs
  // stateful=true: raises Keras's input-spec error when batch B is not the states' batch size.
  void check_state_batch(int64_t B, const Shape& x_shape) const;
  std::vector<Tensor> states_;  // stateful=true: the states carried between batches
  int64_t state_batch_ = 0;     // stateful=true: their batch size; 0 after reset_states() (any size may start)
  std::vector<float> scratch_;
};

// The layer of each cell kind under `class_name`: "LSTM", "LSTMCell" (the cell) or "RNN" (RNN(LSTMCell(...))).
std::shared_ptr<RnnBase> make_simple_rnn(std::string class_name, const kw::Kwargs& k);
std::shared_ptr<RnnBase> make_lstm(std::string class_name, const kw::Kwargs& k);
std::shared_ptr<RnnBase> make_gru(std::string class_name, const kw::Kwargs& k);

// keras.layers.RNN(cell) for one cell: a layer of the cell's kind named `kwargs`' name, with the RNN's keywords
// (`kwargs`, overriding nothing of the cell's) and the cell's own, running the cell's variables. `config` is what
// get_config reports.
std::shared_ptr<RnnBase> sequence_layer_for(const std::shared_ptr<RnnBase>& cell, const kw::Kwargs& kwargs,
                                            kw::Kwargs config);
// The cells of a StackedRNNCells layer (empty for any other layer).
std::vector<std::shared_ptr<RnnBase>> stacked_cells(const LayerImpl& layer);
// `config` with its "cell" replaced by a new cell made from that cell's config: Keras rebuilds a wrapped RNN from its
// config (Bidirectional's two directions), which gives each copy a cell of its own.
kw::Kwargs with_fresh_cell(kw::Kwargs config);

// Runs `layers` in turn (StackedRNNCells' cells, or the sequence layers of RNN(StackedRNNCells)): each on the output
// of the one before and on its own states, taken in order from ctx.inputs[1...] when they are given; layer i sees
// input mask masks[i] (none when masks is empty). Returns the last output, then every layer's further outputs (its
// states) in order. The per-layer calls are ctx.children.
std::vector<Tensor> chain_forward(const std::vector<std::shared_ptr<RnnBase>>& layers, CallContext& ctx,
                                  const std::vector<Tensor>& masks);
// Its backward: the input gradients (x, then each given state).
std::vector<Tensor> chain_backward(const std::vector<std::shared_ptr<RnnBase>>& layers, CallContext& ctx,
                                   const std::vector<Tensor>& output_grads);

// Python's repr of a layer in Keras's messages: <LSTMCell name=lstm_cell, built=False>.
std::string object_repr(const Layer& layer);

// The RnnBase behind a layer, or nullptr.
inline RnnBase* as_rnn(const Layer& layer) { return dynamic_cast<RnnBase*>(layer.impl().get()); }
inline SequenceLayer* as_sequence_layer(const Layer& layer) {
  return dynamic_cast<SequenceLayer*>(layer.impl().get());
}

}  // namespace keras::layers::rnn_detail
