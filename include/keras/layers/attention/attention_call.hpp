#pragma once
// The keywords of an attention layer's call, shared by MultiHeadAttention, GroupQueryAttention, Attention and
// AdditiveAttention:
//   key=k, attention_mask=m            tensors (Tensor eagerly, KerasTensor symbolically)
//   use_causal_mask=, return_attention_scores=, training=
// training= sets an eager call's mode (dropout). On a symbolic call it changes nothing, as in Keras 3: its Functional
// runs every node in the mode of the call that runs the model (fit: training, evaluate/predict: inference), which
// overrides a training= recorded on a node (functional.py operation_fn).
// as in Keras's `mha(query, value, key=k, attention_mask=m, use_causal_mask=True)`. With return_attention_scores
// among the keywords, the call returns the pair (output, scores): `auto [out, scores] = mha(q, v,
// return_attention_scores=true);` (scores is undefined if the value given is false).
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "keras/layers/layer.hpp"

namespace keras::kw {

KERAS_KEYWORD(use_causal_mask, bool);
KERAS_KEYWORD(return_attention_scores, bool);
KERAS_KEYWORD(training, bool);
KERAS_KEYWORD(flash_attention, bool);  // accepted; keraspp computes the same attention either way

// A tensor given to a call by keyword; its own type rather than a KERAS_KEYWORD, whose value has one type.
template <class T>
struct CallTensor {
  const char* name;
  T value;
};
struct key_t {
  CallTensor<Tensor> operator=(const Tensor& t) const { return {"key", t}; }
  CallTensor<KerasTensor> operator=(const KerasTensor& t) const { return {"key", t}; }
};
inline constexpr key_t key{};
struct attention_mask_t {
  CallTensor<Tensor> operator=(const Tensor& t) const { return {"attention_mask", t}; }
  CallTensor<KerasTensor> operator=(const KerasTensor& t) const { return {"attention_mask", t}; }
};
inline constexpr attention_mask_t attention_mask{};

}  // namespace keras::kw

namespace keras::layers {

// What one call of an attention layer was given besides its positional tensors.
template <class T>
struct AttentionCallArgs {
  std::optional<T> key, attention_mask;
  CallFlags flags;
  bool training = false;
};

namespace attention_detail {

// The flag keywords an attention call takes; the compiler names this owner when another keyword is given.
struct AttentionCall {
  using keywords = kw::keywords<kw::use_causal_mask_t, kw::return_attention_scores_t, kw::training_t>;
};

template <class T>
void take(AttentionCallArgs<T>& out, const kw::CallTensor<T>& t) {
  (std::string_view(t.name) == "key" ? out.key : out.attention_mask) = t.value;
}
template <class T, class A>
  requires kw::is_kwarg_v<A>
void take(AttentionCallArgs<T>& out, const A& a) {
  const kw::Kwargs k = kw::collect<AttentionCall>(a);
  if (auto v = k.get<bool>("training")) out.training = *v;
  else if (auto f = k.get<bool>(std::remove_cvref_t<A>::tag::key)) out.flags[std::remove_cvref_t<A>::tag::key] = *f;
}

template <class... A>
inline constexpr bool asks_scores = (std::is_same_v<std::remove_cvref_t<A>, kw::KwArg<kw::return_attention_scores_t>> ||
                                     ...);

template <class T, class... A>
AttentionCallArgs<T> collect(A&&... a) {
  static_assert(((kw::is_kwarg_v<A> || std::is_same_v<std::remove_cvref_t<A>, kw::CallTensor<T>>) && ...),
                "keras: an attention layer's call takes the tensors query and value (and key) positionally, then "
                "keywords: key=, attention_mask=, use_causal_mask=, return_attention_scores=, training=. A keyword "
                "given a Tensor where the call is symbolic (or a KerasTensor where it is eager) lands here too.");
  AttentionCallArgs<T> out;
  (take<T>(out, a), ...);
  return out;
}

// The call's result: the output, or (output, scores) when return_attention_scores was among the keywords.
template <class T, class... A>
auto result(const std::vector<T>& outs) {
  if constexpr (asks_scores<A...>) return std::pair<T, T>(outs.at(0), outs.size() > 1 ? outs[1] : T());
  else return outs.at(0);
}

}  // namespace attention_detail

// Handle base of MultiHeadAttention and GroupQueryAttention, which take the query and the value positionally:
//   KerasTensor y = mha(query, value);                      // or eagerly on Tensors
//   y = mha(query, value, key=k, attention_mask=m, use_causal_mask=true);
//   auto [y, scores] = mha(query, value, return_attention_scores=true);
class QueryValueAttentionLayer : public Layer {
 public:
  using Layer::Layer;
  using Layer::operator();
  template <class... A>
  auto operator()(const KerasTensor& query, const KerasTensor& value, A&&... a) const {
    return attention_detail::result<KerasTensor, A...>(
        call(query, value, attention_detail::collect<KerasTensor>(std::forward<A>(a)...)));
  }
  template <class... A>
  auto operator()(const Tensor& query, const Tensor& value, A&&... a) const {
    return attention_detail::result<Tensor, A...>(
        call(query, value, attention_detail::collect<Tensor>(std::forward<A>(a)...)));
  }
  // Every output of a call: the attention output, then the scores with return_attention_scores=true.
  std::vector<KerasTensor> call(const KerasTensor& query, const KerasTensor& value,
                                const AttentionCallArgs<KerasTensor>& args) const;
  std::vector<Tensor> call(const Tensor& query, const Tensor& value, const AttentionCallArgs<Tensor>& args) const;
};

// Handle base of Attention and AdditiveAttention, which take their tensors as one list, as in Keras:
//   KerasTensor y = attention({query, value});            // or {query, value, key}; eagerly on Tensors too
//   auto [y, scores] = attention({query, value}, return_attention_scores=true, use_causal_mask=true);
class DenseAttentionLayer : public Layer {
 public:
  using Layer::Layer;
  using Layer::operator();
  // Eagerly, the attention output (Keras's `attention([q, v])`), where Layer's list call returns every output.
  Tensor operator()(const std::vector<Tensor>& inputs) const { return call(inputs, {}).at(0); }
  template <class... A>
    requires(sizeof...(A) > 0)
  auto operator()(const std::vector<KerasTensor>& inputs, A&&... a) const {
    return attention_detail::result<KerasTensor, A...>(
        call(inputs, attention_detail::collect<KerasTensor>(std::forward<A>(a)...)));
  }
  template <class... A>
    requires(sizeof...(A) > 0)
  auto operator()(const std::vector<Tensor>& inputs, A&&... a) const {
    return attention_detail::result<Tensor, A...>(call(inputs, attention_detail::collect<Tensor>(std::forward<A>(a)...)));
  }
  // Every output of a call: the attention output, then the scores with return_attention_scores=true.
  std::vector<KerasTensor> call(const std::vector<KerasTensor>& inputs, const AttentionCallArgs<KerasTensor>& args) const;
  std::vector<Tensor> call(const std::vector<Tensor>& inputs, const AttentionCallArgs<Tensor>& args) const;
};

}  // namespace keras::layers
