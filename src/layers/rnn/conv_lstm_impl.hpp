#pragma once
// ConvLSTM1D/2D/3D (Keras's ConvLSTM over a ConvLSTMCell). The input convolution of every timestep is one call of an
// inner Conv<rank>D layer with 4*filters filters (the cell's kernel and bias, which this layer adopts as its own):
// its argument checks, messages and kernels are the convolution layers'. Each step then runs the recurrent
// convolution (padding "same", strides 1) through the backend and the LSTM gate math; backward runs through time
// and ends with one backward call of the inner convolution.
//
// Layouts: a step's gate pre-activations z hold, per "row", four blocks [i, f, c, o] of `blk` floats, and a state
// holds one such block per row: with channels_last a row is one output position and blk = filters; with
// channels_first a row is one sample and blk = filters * positions.
#include <optional>
#include <random>

#include "backend/conv_kernels.hpp"
#include "keras/activations/activations.hpp"
#include "layers/rnn/rnn_base.hpp"

namespace keras::layers::rnn_detail {

class ConvLSTMImpl : public LayerImpl, public SingleSequenceLayer {
 public:
  ConvLSTMImpl(int rank, std::string class_name, const kw::Kwargs& k);

  int expected_inputs() const override { return -1; }  // the sequence, then optional initial states h and c
  bool supports_masking() const override { return true; }
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  void build(const std::vector<Shape>& input_shapes) override;
  void check_input_compatibility(const std::vector<Shape>& input_shapes,
                                 const std::vector<std::pair<std::string, std::string>>& producers) const override;
  std::vector<Tensor> forward(CallContext& ctx) override;
  std::vector<Tensor> backward(CallContext& ctx, const std::vector<Tensor>& output_grads) override;
  std::vector<Tensor> compute_masks(const std::vector<Tensor>& inputs, const std::vector<Tensor>& masks,
                                    size_t n_outputs) const override;
  std::string hint_for(const SpecViolation& v) const override;
  double regularization_penalty(bool accumulate_grads) override;
  void set_trainable(bool t) override;
  void reset_states() override;
  int n_states() const override { return 2; }  // h and c
  // The next calls draw their dropout masks as a layer made with seed=`seed` would.
  void reseed(uint64_t seed);

 private:
  // ctx.saved layout of a forward call.
  enum Saved { kInMasks, kRecMasks, kHist, kCell, kPre, kRa, kAct, kActC, kHrec, kSavedCount };
  // Sizes of one call.
  struct Geometry {
    int64_t B = 0, T = 0;
    int64_t step_in = 0;    // input floats per sample and timestep
    int64_t state = 0;      // floats of one sample's h (or c): filters * positions
    int64_t rows_per_sample = 0, rows = 0, blk = 0;  // rows of the gate layout (per sample, in all), block size
    std::vector<int64_t> out_spatial;
  };
  Geometry geometry(const Tensor& x) const;
  Shape step_shape(const Shape& sequence) const;      // (batch, *step) of a (batch, time, *step) shape
  Shape state_shape(const Shape& sequence);           // (batch, *out_spatial, filters) or channels_first
  std::vector<int64_t> state_dims(int64_t batch, const std::vector<int64_t>& out_spatial) const;
  backend::ConvSpec recurrent_spec(int64_t batch, const std::vector<int64_t>& out_spatial) const;
  // Keeps block g of copy g of `copies` (n copies of `samples` samples of 4 blocks per row) in `out`, or the reverse.
  void gather_blocks(const float* copies, float* out, int n, int64_t samples, const Geometry& G) const;
  void scatter_blocks(const float* in, float* copies, int n, int64_t samples, const Geometry& G) const;

  int rank_;
  int64_t filters_ = 0;
  bool channels_first_ = false, use_bias_ = true, unit_forget_bias_ = true;
  std::vector<int64_t> kernel_size_;
  Layer conv_;  // the input convolution: Conv<rank>D(4 * filters, ...)
  std::shared_ptr<const activations::ActivationKernel> activation_, recurrent_activation_;
  InitializerArg recurrent_init_, bias_init_;
  std::shared_ptr<const regularizers::Regularizer> recurrent_reg_;
  VariablePtr recurrent_kernel_;
  std::vector<Tensor> states_;  // stateful=true: h and c carried between batches
  int64_t state_batch_ = 0;
};

}  // namespace keras::layers::rnn_detail
