#pragma once
// The implementation MultiHeadAttention and GroupQueryAttention share (multi_head_attention.cpp): class_name
// "MultiHeadAttention" or "GroupedQueryAttention" selects the arguments it reads.
#include <memory>
#include <string>

#include "keras/layers/layer.hpp"

namespace keras::layers::attention_detail {

std::shared_ptr<LayerImpl> make_multi_head_attention(const std::string& class_name, const kw::Kwargs& kwargs);

}  // namespace keras::layers::attention_detail
