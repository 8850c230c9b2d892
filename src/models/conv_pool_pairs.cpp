// A Conv2D with relu whose only reader is a 2x2 max pooling runs with it as one kernel
// (backend/conv_pool_fused.hpp): the convolution's node is skipped, marked CallContext::fused, and the pooling's
// node computes the pair, keeping in its context what backward needs. Backward of the pooling's node then gives the
// convolution's weight gradients (and, where wanted, its input's gradient) and the convolution's node is skipped.
// The pair is found once per graph; whether it runs fused is decided at each call from the input's shape (and the
// CPU), so an unfusable call simply runs both layers.
#include "keras/models/functional.hpp"
#include "layers/convolutional/conv_pool_fusion.hpp"

namespace keras {

using layers::detail::ConvPoolConsumer;
using layers::detail::ConvPoolProducer;

namespace {
ConvPoolProducer* producer_of(const LayerImpl& layer) {
  return dynamic_cast<ConvPoolProducer*>(const_cast<LayerImpl*>(&layer));
}
}  // namespace

// As relu folding: the pooling's only input is the convolution's only output (sole_producer), and the layers are
// such a pair.
void FunctionalImpl::find_conv_pool_pairs() {
  fused_producer_.assign(nodes_.size(), -1);
  fused_consumer_.assign(nodes_.size(), -1);
  fused_names_.assign(nodes_.size(), std::string());
  for (size_t k = 0; k < nodes_.size(); ++k) {
    const auto* pool = dynamic_cast<const ConvPoolConsumer*>(nodes_[k]->layer.get());
    if (!pool || !pool->halves_by_max()) continue;
    const int p = sole_producer(k);
    if (p < 0) continue;
    const auto pu = static_cast<size_t>(p);
    const LayerImpl& conv = *nodes_[pu]->layer;
    // A convolution with an activity regularizer must produce its own output to penalize it.
    if (node_in_slots_[pu].size() != 1 || !producer_of(conv) || !conv.relu_output() || conv.activity_regularizer())
      continue;
    fused_producer_[k] = p;
    fused_consumer_[pu] = static_cast<int>(k);
    fused_names_[k] = conv.name() + "+" + nodes_[k]->layer->name();
  }
}

// Called for node k before it runs: whether it is a convolution that its pooling will run, for this call.
bool FunctionalImpl::starts_fused_pair(size_t k, const CallContext& c) const {
  if (fused_consumer_.empty() || fused_consumer_[k] < 0 || c.inputs.size() != 1 || !c.inputs[0].defined()) return false;
  for (const Tensor& m : c.input_masks)
    if (m.defined()) return false;  // the layers' own calls warn that the mask is dropped
  const auto spec = producer_of(*nodes_[k]->layer)->conv_pool_spec(c.inputs[0].dims());
  return spec && backend::conv_pool_fusable(*spec);
}

// Node k, a pooling whose convolution's node was marked fused: the pair's output.
Tensor FunctionalImpl::forward_fused_pair(size_t k, CallContext& ctx) {
  CallContext& conv_ctx = ctx.children.at(static_cast<size_t>(fused_producer_[k]));
  CallContext& c = ctx.children.at(k);
  ConvPoolProducer* conv = producer_of(*nodes_[static_cast<size_t>(fused_producer_[k])]->layer);
  const Tensor& x = conv_ctx.inputs.at(0);
  const backend::ConvPoolSpec spec = *conv->conv_pool_spec(x.dims());
  c.saved.assign(1, Tensor());
  return conv->conv_pool_forward(x, spec, c.training ? &c.saved[0] : nullptr);
}

Tensor FunctionalImpl::backward_fused_pair(size_t k, CallContext& ctx, const Tensor& grad, bool need_dx) {
  const CallContext& conv_ctx = ctx.children.at(static_cast<size_t>(fused_producer_[k]));
  ConvPoolProducer* conv = producer_of(*nodes_[static_cast<size_t>(fused_producer_[k])]->layer);
  const Tensor& x = conv_ctx.inputs.at(0);
  return conv->conv_pool_backward(x, *conv->conv_pool_spec(x.dims()), ctx.children.at(k).saved.at(0), grad, need_dx);
}

}  // namespace keras
