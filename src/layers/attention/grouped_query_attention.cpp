#include "keras/layers/attention/grouped_query_attention.hpp"

#include "keras/layers/registry.hpp"
#include "layers/attention/multi_head_attention_impl.hpp"

namespace keras::layers {

GroupQueryAttention::GroupQueryAttention(const kw::Kwargs& kwargs)
    : QueryValueAttentionLayer(attention_detail::make_multi_head_attention("GroupedQueryAttention", kwargs)) {}

namespace {
// Keras writes the class's own name, GroupedQueryAttention, in configs (keras.layers exports it as
// GroupQueryAttention).
[[maybe_unused]] const bool registered_grouped_query_attention =
    register_layer("GroupedQueryAttention", [](const kw::Kwargs& k) -> Layer { return GroupQueryAttention(k); });
}  // namespace

}  // namespace keras::layers
