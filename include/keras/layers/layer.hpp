#pragma once
// The layer machinery shared by every layer and model.
//
// A layer is a handle (keras::Layer) to a shared LayerImpl, so copies share state as Python references do.
// LayerImpl separates the three things Keras layers do:
//   - compute_output_shapes: shape inference, no data (used when a model is defined, and to check data early);
//   - build: create weights once the input shapes are known (deferred until the first call);
//   - forward / backward: the computation, through the kernel layer (src/backend), never checking shapes itself.
// Calls go through LayerImpl::call_symbolic / call_eager, which check the InputSpec before and after build and
// raise Keras-worded ValueErrors with a hint.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/constraints/constraints.hpp"
#include "keras/core/kw.hpp"
#include "keras/core/shape.hpp"
#include "keras/core/tensor.hpp"
#include "keras/layers/input_spec.hpp"
#include "keras/regularizers/regularizers.hpp"

namespace keras {

class LayerImpl;
struct Node;

// A weight of a layer. Optimizers hold pointers to these; grad has value's shape once training started.
struct Variable {
  std::string name;  // Keras's variable name: "kernel", "bias", "gamma", "moving_mean", ...
  Tensor value;
  Tensor grad;
  bool trainable = true;
  // Set by a training step instead of zero-filling grad before backward: the first layer to touch the gradient
  // zeroes it, or overwrites it outright (LayerImpl::grad_of / grad_to_overwrite), saving a pass over memory.
  bool grad_stale = false;
  // Keras's variable.constraint: the optimizer projects value with it after each update (nullptr: none).
  std::shared_ptr<const constraints::Constraint> constraint;
};
using VariablePtr = std::shared_ptr<Variable>;

// A symbolic tensor: the output of Input() or of a layer called on symbolic tensors.
class KerasTensor {
 public:
  KerasTensor() = default;
  KerasTensor(std::shared_ptr<Node> node, int index);
  const Shape& shape() const;
  int ndim() const { return shape().ndim(); }
  const std::shared_ptr<Node>& node() const { return node_; }
  int index() const { return index_; }
  // "dense" for the first output of layer dense's node; used in summaries and messages.
  std::string producer_name() const;
  bool operator==(const KerasTensor& o) const { return node_ == o.node_ && index_ == o.index_; }

 private:
  std::shared_ptr<Node> node_;
  int index_ = 0;
};

// The flag keywords of one call (Keras's `mha(q, v, use_causal_mask=True, return_attention_scores=True)`), for the
// layers whose call takes such keywords (accepted_call_flags). A node keeps those of its call; forward reads them
// from its CallContext and compute_call_output_shapes from its argument. Unset means false.
using CallFlags = std::map<std::string, bool>;

// One call of a layer on symbolic tensors.
struct Node {
  std::shared_ptr<LayerImpl> layer;
  std::vector<KerasTensor> inputs;  // empty for an InputLayer's node
  std::vector<Shape> output_shapes;
  int node_index = 0;  // this node's index among the layer's calls: the [i] in summary's "dense[i][0]"
  CallFlags flags;
};

// What one forward call needs to remember for its backward pass. Models keep one per node.
struct CallContext {
  bool training = false;
  CallFlags flags;  // the call's flag keywords
  bool flag(const std::string& name) const {
    auto it = flags.find(name);
    return it != flags.end() && it->second;
  }
  std::vector<Tensor> inputs;
  std::vector<Tensor> outputs;
  std::vector<Tensor> saved;              // whatever the layer keeps for backward (masks, pre-activations, ...)
  std::shared_ptr<void> state;            // what else it keeps (a custom layer's recorded operations)
  std::vector<bool> needs_input_grad;     // false: backward may skip that input's gradient
  std::vector<CallContext> children;      // a model's per-node contexts
  // Set by a loss that absorbed the layer's final activation (softmax + cross-entropy computed from the logits):
  // the output gradient is then with respect to the pre-activation, and backward skips the activation.
  bool grad_wrt_preactivation = false;
  std::vector<bool> preactivation_output_grads;  // for models: which outputs' gradients are such
  // Set by a model on a layer that folds_input_relu() whose input is another layer's relu output, read by nothing
  // else: backward then returns the gradient with respect to that layer's pre-activation (the model tells the
  // producer so through grad_wrt_preactivation), which saves a pass over the producer's larger output.
  bool fold_input_relu = false;
  // Set by a model on a layer it did not call because the layer reading its output ran both as one kernel (a
  // convolution and its max pooling): the layer's outputs are then undefined, and its backward is skipped too.
  bool fused = false;
  // Set by a model on a layer that applies_relu_epilogue() whose output only a plain relu layer reads: forward
  // returns relu of its output, in the same pass, and the model passes that tensor through as the relu layer's
  // output without calling it (the relu layer's backward still runs, from that output).
  bool relu_epilogue = false;
  // What the call adds to the loss (Keras's layer.add_loss: ActivityRegularization's penalty), one term per call,
  // whether the layer is trainable or not; a model's is the sum over its nodes, which fit and evaluate add to the
  // loss.
  double added_loss = 0.0;
  // Keras masks, one per input (an undefined Tensor where that input carries none). A mask has the input's shape
  // without its last (feature) axis, e.g. (batch, timesteps), with values 0/1 and dtype label "bool".
  std::vector<Tensor> input_masks;
  // The outputs' masks after the call (Keras's _keras_mask of each output; undefined = none), set by
  // LayerImpl::forward_masked. A forward may set them itself (Masking, models): Keras's "mask already computed".
  std::vector<Tensor> output_masks;
  const Tensor& input_mask(size_t i = 0) const {
    static const Tensor none;
    return i < input_masks.size() ? input_masks[i] : none;
  }
  bool input_needs_grad(size_t i) const { return i >= needs_input_grad.size() || needs_input_grad[i]; }
};

class LayerImpl : public std::enable_shared_from_this<LayerImpl> {
 public:
  // Reads the keywords every layer accepts: name, input_shape, input_dim, batch_input_shape, batch_size,
  // trainable, dtype. class_name is Keras's ("Dense"); the automatic name is its snake case ("dense", "dense_1").
  LayerImpl(std::string class_name, const kw::Kwargs& kwargs);
  virtual ~LayerImpl() = default;
  LayerImpl(const LayerImpl&) = delete;
  LayerImpl& operator=(const LayerImpl&) = delete;

  const std::string& class_name() const { return class_name_; }
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  bool trainable() const { return trainable_; }
  // Keras's `layer.trainable = t`: also freezes or unfreezes the variables the layer made trainable, and in models
  // and wrappers every inner layer, so that a model's trainable_variables() leaves a frozen layer's out.
  virtual void set_trainable(bool t);
  bool built() const { return built_; }

  // ---- what each layer provides ----
  // Output shapes (batch dimension included, None allowed) for input shapes that passed the InputSpec.
  // Raises ValueError for inputs the layer cannot take.
  virtual std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) = 0;
  // The same for one call with its flag keywords (return_attention_scores=true adds an output). Layers that take no
  // flags keep this default.
  virtual std::vector<Shape> compute_call_output_shapes(const std::vector<Shape>& input_shapes,
                                                        const CallFlags& flags) {
    (void)flags;
    return compute_output_shapes(input_shapes);
  }
  // The flag keywords the layer's call takes ("use_causal_mask", "return_attention_scores"); others are refused with
  // Keras's TypeError by check_call_flags.
  virtual std::vector<std::string> accepted_call_flags() const { return {}; }
  void check_call_flags(const CallFlags& flags) const;
  // Creates weights for these input shapes; may tighten input_spec (Dense fixes the last axis).
  virtual void build(const std::vector<Shape>& input_shapes) { (void)input_shapes; }
  // ctx.inputs are set and shape-checked; returns the outputs. ctx.training selects Dropout & co.
  virtual std::vector<Tensor> forward(CallContext& ctx) = 0;
  // Gradients of the inputs given gradients of the outputs; adds weight gradients into Variable::grad.
  virtual std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads);
  // One line telling the user how to fix a spec violation, in terms of their model.
  virtual std::string hint_for(const SpecViolation& v) const;
  // How many inputs the layer takes; -1 for "a list of at least 2" (merge layers).
  virtual int expected_inputs() const { return 1; }
  virtual bool is_model() const { return false; }
  // The activation this layer applies last ("softmax", "sigmoid", ...; "" if none or not separable), and the
  // pre-activation values of a forward call, so a loss can work from the logits.
  virtual std::string final_activation() const { return ""; }
  virtual Tensor preactivation(const CallContext& ctx) const { (void)ctx; return {}; }
  // True when the one output is relu (Keras's plain "relu") of a pre-activation the layer computes itself, and
  // backward skips the relu on grad_wrt_preactivation (Dense, the convolutions, Activation("relu"), ReLU()).
  virtual bool relu_output() const { return false; }
  // True when backward can apply its input's relu gradient itself (CallContext::fold_input_relu). Max pooling can:
  // the relu mask at each window's maximum is (pooled output > 0), read from the 4x smaller output.
  virtual bool folds_input_relu() const { return false; }
  // True for a layer that is exactly relu of its one input (Activation("relu"), ReLU() with its defaults).
  virtual bool is_plain_relu() const { return false; }
  // True when forward can apply a relu to its one output as it writes it (CallContext::relu_epilogue): its
  // backward never reads its own output, so handing the relu'd tensor to the next layer is safe. BatchNormalization.
  virtual bool applies_relu_epilogue() const { return false; }
  virtual bool is_input_layer() const { return false; }
  // Layers this layer made and calls itself (MultiHeadAttention's projections), each with the attribute Keras keeps it
  // in, in the order Keras's saving walk visits them (sorted); empty for most layers.
  virtual std::vector<std::pair<std::string, std::shared_ptr<LayerImpl>>> owned_sublayers() const { return {}; }
  // True for input i of call n that the user did not pass and the layer filled in (MultiHeadAttention's key, the
  // value again, when only an attention_mask was given): summaries and saved configs leave it out, as Keras does.
  virtual bool implicit_input(const Node& n, size_t i) const {
    (void)n;
    (void)i;
    return false;
  }

  // ---- masking (Keras's supports_masking / compute_mask) ----
  // Whether the layer passes masks through or computes its own; a layer that does not support masking and receives
  // a mask drops it (Keras 3 warns: "...does not support masking and will therefore destroy the mask information").
  virtual bool supports_masking() const { return false; }
  // The masks of the outputs given the inputs and their masks (undefined Tensor = no mask). Keras's default:
  // the first input's mask, unchanged, for every output.
  virtual std::vector<Tensor> compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks,
                                            size_t n_outputs) const {
    (void)inputs;
    return std::vector<Tensor>(n_outputs, masks.empty() ? Tensor() : masks[0]);
  }

  // Keras's activity_regularizer= (every layer takes it): each call adds its penalty on each output to the loss. Models
  // apply it around the layer's forward and backward (FunctionalImpl), so the layer itself never sees it.
  const std::shared_ptr<const regularizers::Regularizer>& activity_regularizer() const { return activity_regularizer_; }

  // Penalties this layer adds to the training loss (Keras's layer.losses, from kernel_/bias_regularizer): returns
  // their sum and, when accumulate_grads is true, adds their gradients into the variables' grad.
  virtual double regularization_penalty(bool accumulate_grads) { (void)accumulate_grads; return 0.0; }

  // ---- assets (Keras's save_assets / load_assets) ----
  // Files the layer keeps beside its weights in a .keras archive, under assets/<its path in the model>/ (an adapted
  // IntegerLookup's vocabulary.txt): their names and contents when saving, the names to read back when loading, and
  // the files found (name -> contents) after the layer is made from its config. None for most layers.
  virtual std::vector<std::pair<std::string, std::string>> save_assets() const { return {}; }
  virtual std::vector<std::string> asset_names() const { return {}; }
  virtual void load_assets(const std::map<std::string, std::string>& files) { (void)files; }

  // State a layer saves in its weights group under names of its own rather than by position (Keras's custom
  // save_own_variables: IntegerLookup's "idf_weights"). Not weights (not in variables()); loading replaces each
  // value whole, whatever its size.
  virtual std::vector<std::pair<std::string, VariablePtr>> keyed_store_variables() const { return {}; }

  // ---- weights ----
  VariablePtr add_weight(const std::string& name, const std::vector<int64_t>& shape, const InitializerArg& init,
                         bool trainable = true);
  // Lists as this layer's own a variable an inner layer made (ConvLSTM's kernel and bias are those of its input
  // convolution), in creation order with the layer's other weights.
  void adopt_weight(const VariablePtr& v);
  const std::vector<VariablePtr>& own_variables() const { return variables_; }
  // All variables, a model's included, in Keras order.
  virtual std::vector<VariablePtr> variables() const { return variables_; }
  std::vector<VariablePtr> trainable_variables() const;
  std::vector<VariablePtr> non_trainable_variables() const;
  int64_t count_params() const;
  std::vector<Tensor> get_weights() const;
  void set_weights(const std::vector<Tensor>& weights);

  // ---- calling ----
  std::vector<KerasTensor> call_symbolic(const std::vector<KerasTensor>& inputs, const CallFlags& flags = {});
  std::vector<Tensor> call_eager(const std::vector<Tensor>& inputs, bool training = false);
  // Eager call with masks (Keras's layer(x, mask=m)): input_masks one per input or empty; output_masks, if not
  // null, receives one mask per output (undefined where there is none).
  std::vector<Tensor> call_eager(const std::vector<Tensor>& inputs, bool training,
                                 const std::vector<Tensor>& input_masks, std::vector<Tensor>* output_masks,
                                 const CallFlags& flags = {});
  // forward(ctx) with Keras's mask bookkeeping around it (Layer.__call__): ctx.input_masks are the inputs' masks;
  // afterwards ctx.output_masks holds compute_masks() if the layer supports masking, else no masks (and, when a
  // mask was dropped, Keras's UserWarning once per layer). Graphs call their nodes through this.
  std::vector<Tensor> forward_masked(CallContext& ctx);
  // Checks arity and InputSpec, builds if needed, checks again: raises ValueError with a hint.
  // producers: for symbolic calls, the (name, class) of the layer behind each input, for hints.
  void check_and_build(const std::vector<Shape>& input_shapes,
                       const std::vector<std::pair<std::string, std::string>>& producers = {});
  virtual void check_input_compatibility(const std::vector<Shape>& input_shapes,
                                         const std::vector<std::pair<std::string, std::string>>& producers) const;

  // ---- shapes, as Keras reports them ----
  // input_shape=/input_dim=/batch_input_shape= given at construction, batch dimension included.
  const std::optional<Shape>& declared_input_shape() const { return declared_input_shape_; }
  const std::vector<std::weak_ptr<Node>>& inbound_nodes() const { return inbound_nodes_; }
  virtual Shape output_shape() const;
  virtual Shape input_shape() const;

  std::vector<InputSpec> input_spec;  // one per input; empty means accept anything
  const kw::Kwargs& config() const { return config_; }

 protected:
  // Keras's error for a call with the wrong number of inputs.
  void check_arity(size_t n) const;
  // Records an eager call on the active tape (ops/tape.hpp) when one of its inputs is being differentiated.
  void record_eager_call(const std::shared_ptr<CallContext>& ctx, const std::vector<Tensor>& outputs);
  // The gradient buffer of v, zero-filled on first use; backward passes add into it.
  static Tensor& grad_of(Variable& v);
  // The gradient buffer of v for a pass that writes all of it as beta * old + new (a GEMM's beta): beta is 0 when
  // nothing has been added to it yet this step, and the buffer is then not zero-filled first.
  static Tensor& grad_to_overwrite(Variable& v, float& beta);
  bool built_ = false;
  kw::Kwargs config_;  // the keywords the layer was made with, for get_config and saving
  // For layers whose own arguments define one (ActivityRegularization's l1 and l2).
  void set_activity_regularizer(std::shared_ptr<const regularizers::Regularizer> r) {
    activity_regularizer_ = std::move(r);
  }

 private:
  std::string class_name_;
  std::string name_;
  bool trainable_ = true;
  std::shared_ptr<const regularizers::Regularizer> activity_regularizer_;
  std::optional<Shape> declared_input_shape_;
  std::vector<VariablePtr> variables_;
  std::vector<VariablePtr> made_trainable_;  // the variables add_weight made with trainable=true
  std::vector<std::weak_ptr<Node>> inbound_nodes_;
  // Input and output shapes of the first symbolic call: Keras's layer.input_shape / output_shape.
  std::optional<std::pair<std::vector<Shape>, std::vector<Shape>>> first_call_;
};

// A layer with one input and one output: implement the single-tensor versions.
class SingleInputLayer : public LayerImpl {
 public:
  using LayerImpl::LayerImpl;
  virtual Shape compute_output_shape(const Shape& input_shape) = 0;
  virtual void build_one(const Shape& input_shape) { (void)input_shape; }
  virtual Tensor forward_one(const Tensor& x, CallContext& ctx) = 0;
  virtual Tensor backward_one(const Tensor& grad, CallContext& ctx);

  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& s) final { return {compute_output_shape(s.at(0))}; }
  void build(const std::vector<Shape>& s) final { build_one(s.at(0)); }
  std::vector<Tensor> forward(CallContext& ctx) final { return {forward_one(ctx.inputs.at(0), ctx)}; }
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& g) final {
    return {backward_one(g.at(0), ctx)};
  }
};

// The public handle. layers::Dense, layers::Flatten, ... derive from it; Model and Sequential too.
class Layer {
 public:
  Layer() = default;
  explicit Layer(std::shared_ptr<LayerImpl> impl) : impl_(std::move(impl)) {}

  // Eager call in inference mode.
  Tensor operator()(const Tensor& x) const;
  std::vector<Tensor> operator()(const std::vector<Tensor>& xs) const;
  // Symbolic call: builds the graph of a functional model.
  KerasTensor operator()(const KerasTensor& x) const;
  KerasTensor operator()(const std::vector<KerasTensor>& xs) const;
  KerasTensor operator()(std::initializer_list<KerasTensor> xs) const { return (*this)(std::vector<KerasTensor>(xs)); }
  std::vector<KerasTensor> call_outputs(const std::vector<KerasTensor>& xs) const;  // every output
  // Eager call with Keras masks, as layer(x, mask=m): one mask per input (undefined = none); output_masks, if not
  // null, receives the outputs' masks (Keras attaches them to the outputs as _keras_mask).
  std::vector<Tensor> call_masked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                  std::vector<Tensor>* output_masks = nullptr, bool training = false) const {
    return impl_->call_eager(xs, training, masks, output_masks);
  }

  std::string name() const { return impl_->name(); }
  std::string class_name() const { return impl_->class_name(); }
  bool built() const { return impl_->built(); }
  int64_t count_params() const { return impl_->count_params(); }
  std::vector<Tensor> get_weights() const { return impl_->get_weights(); }
  void set_weights(const std::vector<Tensor>& w) const { impl_->set_weights(w); }
  std::vector<Tensor> trainable_weights() const;
  std::vector<Tensor> non_trainable_weights() const;
  std::vector<Tensor> weights() const { return get_weights(); }
  Shape output_shape() const { return impl_->output_shape(); }
  Shape input_shape() const { return impl_->input_shape(); }
  bool trainable() const { return impl_->trainable(); }
  void set_trainable(bool t) const { impl_->set_trainable(t); }

  const std::shared_ptr<LayerImpl>& impl() const { return impl_; }
  bool operator==(const Layer& o) const { return impl_ == o.impl_; }

 protected:
  std::shared_ptr<LayerImpl> impl_;
};

// The keywords every layer takes.
using layer_keywords = kw::keywords<kw::name_t, kw::input_shape_t, kw::input_dim_t, kw::batch_input_shape_t,
                                    kw::batch_size_t, kw::trainable_t, kw::dtype_t, kw::activity_regularizer_t>;

// Keras 3's automatic names: snake case of the class name with a per-name counter (dense, dense_1, ...).
std::string unique_name(const std::string& base);
std::string to_snake_case(const std::string& class_name);
namespace utils {
// Resets the automatic-name counters, as keras.utils.clear_session() does.
void clear_session();
}  // namespace utils

}  // namespace keras
