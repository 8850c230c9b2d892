// keras.layers.IntegerLookup (keras/src/layers/preprocessing/integer_lookup.py and index_lookup.py).
#include "keras/layers/preprocessing/integer_lookup.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_map>

#include "keras/core/errors.hpp"
#include "keras/layers/registry.hpp"
#include "layers/preprocessing/categorical_encoding.hpp"

namespace keras::layers {

namespace {
namespace integer_lookup {

constexpr int64_t kExactLimit = int64_t{1} << 24;  // float32 holds every integer up to here

std::string id_list(const std::vector<int64_t>& values) {
  std::string s;
  for (int64_t v : values) s += (s.empty() ? "" : ", ") + std::to_string(v);
  return "[" + s + "]";
}

class IntegerLookupImpl : public SingleInputLayer {
 public:
  explicit IntegerLookupImpl(const kw::Kwargs& k) : SingleInputLayer("IntegerLookup", k) {
    if (auto m = k.get<int>("max_tokens")) max_tokens_ = *m;
    num_oov_ = k.get_or("num_oov_indices", 1);
    if (auto m = k.get<int>("mask_token")) mask_ = *m;
    oov_ = k.is_none("oov_token") ? std::nullopt : std::optional<int64_t>(k.get_or("oov_token", -1));
    invert_ = k.get_or("invert", false);
    pad_to_max_tokens_ = k.get_or("pad_to_max_tokens", false);
    if (max_tokens_ && *max_tokens_ <= 1)
      throw ValueError("If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. Received: "
                       "max_tokens=" + std::to_string(*max_tokens_),
                       {.layer = name(), .expected = "> 1", .received = std::to_string(*max_tokens_),
                        .hint = "max_tokens counts the mask and OOV slots too; leave it None for no limit."});
    if (num_oov_ < 0)
      throw ValueError("The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. Received: "
                       "num_oov_indices=" + std::to_string(num_oov_),
                       {.layer = name(), .expected = ">= 0", .received = std::to_string(num_oov_),
                        .hint = "use 1 (the default) for one slot for unknown ids."});
    categorical::refuse_sparse(k, name());
    const std::string vocabulary_dtype = k.get_or<std::string>("vocabulary_dtype", "int64");
    if (vocabulary_dtype != "int64")
      throw ValueError("Only `vocabulary_dtype='int64'` is supported at this time. Received: vocabulary_dtype=" +
                           vocabulary_dtype,
                       {.layer = name(), .expected = "int64", .received = vocabulary_dtype,
                        .hint = "leave vocabulary_dtype at its default."});
    if (pad_to_max_tokens_ && !max_tokens_)
      throw ValueError("If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None",
                       {.layer = name(), .hint = "give max_tokens= the width to pad the encoded outputs to."});
    std::string mode = k.get_or<std::string>("output_mode", "int");
    if (mode == "binary") mode = "multi_hot";  // Keras's deprecated names
    if (mode == "tf-idf") mode = "tf_idf";
    if (mode != "int" && mode != "one_hot" && mode != "multi_hot" && mode != "count" && mode != "tf_idf")
      throw ValueError("Unknown value for `output_mode` argument of IntegerLookup. Allowed values are: ('int', "
                       "'one_hot', 'multi_hot', 'count', 'tf_idf'). Received: output_mode=" + mode,
                       {.layer = name(), .expected = "int, one_hot, multi_hot, count or tf_idf", .received = mode,
                        .hint = "int gives indices; the others encode them as vectors."});
    tf_idf_ = mode == "tf_idf";
    mode_ = tf_idf_ ? categorical::OutputMode::kCount : categorical::mode_from_name(mode);
    config_.set("output_mode", mode);
    if (invert_ && mode != "int")
      throw ValueError("`output_mode` must be `'int'` when `invert` is true. Received: output_mode=" + mode,
                       {.layer = name(), .expected = "int", .received = mode,
                        .hint = "invert maps indices back to ids, which only the int mode gives."});
    const auto idf = k.get<std::vector<double>>("idf_weights");
    if (idf && !tf_idf_)
      throw ValueError("`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: idf_weights=" +
                           float_list(*idf) + " and output_mode=" + mode,
                       {.layer = name(), .received = "idf_weights", .hint = "drop idf_weights, or use tf_idf."});
    if (auto size = k.get<int>("vocabulary_size")) frozen_size_ = *size;
    const auto vocabulary = k.get<std::vector<int64_t>>("vocabulary");
    has_input_vocabulary_ = vocabulary.has_value();
    if (tf_idf_ && vocabulary && !idf)
      throw ValueError("When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument "
                       "must also be provided.",
                       {.layer = name(), .hint = "give idf_weights= one weight per vocabulary entry."});
    if (vocabulary) set_vocabulary(*vocabulary, idf.value_or(std::vector<double>{}));
  }

  // ---- the vocabulary (Keras's IndexLookup) ----
  int64_t oov_start() const { return mask_ && !encoded() ? 1 : 0; }
  int64_t token_start() const { return oov_start() + num_oov_; }
  int64_t vocabulary_size() const { return static_cast<int64_t>(tokens_.size()) + token_start(); }

  std::vector<int64_t> get_vocabulary(bool include_special) const {
    std::vector<int64_t> out;
    if (include_special) {
      if (oov_start() == 1) out.push_back(*mask_);
      for (int i = 0; i < num_oov_; ++i) out.push_back(oov_.value_or(-1));
    }
    out.insert(out.end(), tokens_.begin(), tokens_.end());
    return out;
  }

  void set_vocabulary(const std::vector<int64_t>& vocabulary, std::vector<double> idf) {
    if (tf_idf_ && idf.empty())
      throw ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.",
                       {.layer = name(), .hint = "pass one idf weight per vocabulary entry."});
    if (!tf_idf_ && !idf.empty())
      throw ValueError("`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: output_mode=" +
                           categorical::mode_name(mode_) + " and idf_weights=" + float_list(idf),
                       {.layer = name(), .hint = "drop the idf weights, or use output_mode=\"tf_idf\"."});
    if (vocabulary.empty())
      throw ValueError("Cannot set an empty vocabulary. Received: vocabulary=[]",
                       {.layer = name(), .hint = "give at least one id, or adapt() the layer to data."});
    std::vector<int64_t> special;
    for (int64_t i = 0; i < oov_start(); ++i) special.push_back(*mask_);
    for (int i = 0; i < num_oov_; ++i) special.push_back(oov_.value_or(-1));
    const bool found_special = vocabulary.size() >= special.size() &&
                               std::equal(special.begin(), special.end(), vocabulary.begin());
    const std::vector<int64_t> tokens(vocabulary.begin() + (found_special ? static_cast<long>(special.size()) : 0),
                                      vocabulary.end());
    std::vector<int64_t> repeated;
    std::map<int64_t, int> counts;
    for (int64_t t : tokens)
      if (++counts[t] == 2) repeated.push_back(t);
    if (!repeated.empty())
      throw ValueError("The passed vocabulary has at least one repeated term. Please uniquify your dataset. The "
                       "repeated terms are: " + id_list(repeated),
                       {.layer = name(), .received = id_list(repeated), .hint = "list each id once."});
    auto reserved = [&](const char* what, int64_t token) {
      const auto last = std::find(vocabulary.rbegin(), vocabulary.rend(), token);
      const int64_t index = static_cast<int64_t>(vocabulary.rend() - last) - 1;
      throw ValueError(std::string("Found reserved ") + what + " token at unexpected location in `vocabulary`. Note "
                       "that passed `vocabulary` does not need to include the OOV and mask tokens. Either remove all "
                       "mask and OOV tokens, or include them only at the start of the vocabulary in precisely this "
                       "order: " + id_list(special) + ". Received: " + (what[0] == 'm' ? "mask_token=" : "oov_token=") +
                           std::to_string(token) + " at vocabulary index [" + std::to_string(index) + "]",
                       {.layer = name(), .received = std::to_string(token),
                        .hint = "leave the special tokens out of the vocabulary; the layer adds them."});
    };
    if (mask_ && std::count(tokens.begin(), tokens.end(), *mask_)) reserved("mask", *mask_);
    if (oov_ && invert_ && std::count(tokens.begin(), tokens.end(), *oov_)) reserved("OOV", *oov_);
    const int64_t new_size = token_start() + static_cast<int64_t>(tokens.size());
    if (max_tokens_ && new_size > *max_tokens_)
      throw ValueError("Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is " +
                           std::to_string(new_size) + "; `max_tokens` is " + std::to_string(*max_tokens_) + ".",
                       {.layer = name(), .expected = "at most " + std::to_string(*max_tokens_),
                        .received = std::to_string(new_size),
                        .hint = "raise max_tokens, or give fewer ids (the mask and OOV slots count too)."});
    for (int64_t t : tokens)
      if (t >= kExactLimit || t <= -kExactLimit)
        throw ValueError("IntegerLookup's vocabulary holds the id " + std::to_string(t) + ", which keraspp's "
                         "float32 tensors cannot hold exactly.",
                         {.layer = name(), .expected = "ids below 2^24 = 16777216 in magnitude",
                          .received = std::to_string(t), .hint = "map large ids to smaller ones first (e.g. "
                                                                 "modulo a prime, or a dictionary in your code)."});
    if (tf_idf_) {
      if (idf.size() != vocabulary.size())
        throw ValueError("`idf_weights` must be the same length as vocabulary. len(idf_weights) is " +
                             std::to_string(idf.size()) + "; len(vocabulary) is " +
                             std::to_string(vocabulary.size()),
                         {.layer = name(), .expected = std::to_string(vocabulary.size()) + " weights",
                          .received = std::to_string(idf.size()) + " weights",
                          .hint = "give one weight per vocabulary entry."});
      // OOV slots the vocabulary does not list get the mean weight; padding to max_tokens gets zeros.
      std::vector<float> weights;
      if (!found_special) {
        const double mean = std::accumulate(idf.begin(), idf.end(), 0.0) / static_cast<double>(idf.size());
        weights.assign(static_cast<size_t>(token_start()), static_cast<float>(mean));
      }
      for (double w : idf) weights.push_back(static_cast<float>(w));
      set_idf(std::move(weights));
    }
    set_tokens(tokens);
  }

  // ---- adapt (Keras's update_state and finalize_state) ----
  void adapt(const std::vector<Tensor>& batches, bool each_value_a_document) {
    if (has_input_vocabulary_)
      throw ValueError("Cannot adapt layer '" + name() + "' after setting a static vocabulary via `vocabulary` "
                       "argument or `set_vocabulary()` method.",
                       {.layer = name(), .hint = "make a layer without vocabulary= to learn one from data."});
    std::map<int64_t, int64_t> counts, document_counts;
    int64_t documents = 0;
    for (const Tensor& batch : batches) {
      const Tensor ids = batch.astype("int64");
      // Keras's documents: a rank-1 array given to adapt() is one per value; a rank-1 batch is one in all.
      const int64_t rows = ids.ndim() == 0 ? 1 : ids.ndim() == 1 ? (each_value_a_document ? ids.size() : 1)
                                                                 : ids.dim(0);
      const int64_t per_row = rows ? ids.size() / rows : 0;
      for (int64_t r = 0; r < rows; ++r) {
        std::set<int64_t> seen;
        for (int64_t i = 0; i < per_row; ++i) {
          const auto v = static_cast<int64_t>(ids.data()[r * per_row + i]);
          ++counts[v];
          seen.insert(v);
        }
        for (int64_t v : seen) ++document_counts[v];
      }
      documents += rows;
    }
    if (counts.empty()) return record_size();  // Keras keeps the previous vocabulary
    if (mask_) counts.erase(*mask_);
    if (oov_) counts.erase(*oov_);
    std::vector<std::pair<int64_t, int64_t>> ranked(counts.begin(), counts.end());  // (id, count)
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first > b.first;  // count, then id, both descending
    });
    if (max_tokens_)
      ranked.resize(std::min(ranked.size(), static_cast<size_t>(std::max<int64_t>(0, *max_tokens_ - token_start()))));
    std::vector<int64_t> tokens;
    for (const auto& [id, count] : ranked) tokens.push_back(id);
    if (tf_idf_) {
      // idf = log(1 + documents / (1 + document count)), the OOV slots get the mean, max_tokens padding zeros.
      std::vector<float> idf;
      for (int64_t t : tokens)
        idf.push_back(static_cast<float>(
            std::log(1.0 + static_cast<double>(documents) / (1.0 + static_cast<double>(document_counts[t])))));
      float mean = 0;
      for (float w : idf) mean += w;
      mean = idf.empty() ? 0.0f : mean / static_cast<float>(idf.size());
      idf.insert(idf.begin(), static_cast<size_t>(token_start()), mean);
      set_idf(std::move(idf));
    }
    set_tokens(tokens);
  }

  // ---- calling ----
  Shape compute_output_shape(const Shape& s) override {
    if (!encoded()) return s;
    return categorical::encoded_shape(s, mode_, depth() ? Dim(*depth()) : Dim(None));
  }

  Tensor forward_one(const Tensor& x, CallContext&) override {
    if (invert_) return inverted(x);
    if (encoded() && !depth())
      throw ValueError("When using `output_mode=" + output_mode() + "` and `pad_to_max_tokens=False`, you must set "
                       "the layer's vocabulary before calling it. Either pass a `vocabulary` argument to the layer, "
                       "or call `adapt` with some sample data.",
                       {.layer = name(), .hint = "call layer.adapt(ids) or give vocabulary= first."});
    Tensor indices = Tensor::empty(x.dims());
    std::vector<int64_t> unknown;
    for (int64_t i = 0; i < x.size(); ++i) {
      const auto v = static_cast<int64_t>(std::trunc(x.data()[i]));  // Keras casts the inputs to int64
      indices.data()[i] = static_cast<float>(index_of(v, unknown));
    }
    if (!unknown.empty())
      throw ValueError("When `num_oov_indices=0` all inputs should be in vocabulary, found OOV values " +
                           id_list(unknown) + ", consider setting `num_oov_indices=1`.",
                       {.layer = name(), .received = id_list(unknown),
                        .hint = "add the ids to the vocabulary, or give unknown ids a slot with num_oov_indices=1."});
    if (!encoded()) return indices.set_dtype("int64");
    Tensor out = categorical::encode(indices, mode_, *depth());
    if (!tf_idf_) return out.set_dtype("int64");
    const int64_t d = *depth();
    if (idf_->value.size() != d)  // a tf_idf layer adapted to no data has no weights
      throw ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be provided.",
                       {.layer = name(), .hint = "adapt the layer to data with ids, or give vocabulary= and "
                                                 "idf_weights=."});
    const float* idf = idf_->value.data();
    for (int64_t i = 0; i < out.size(); ++i) out.data()[i] *= idf[i % d];
    return out;
  }

  Tensor backward_one(const Tensor&, CallContext& ctx) override { return categorical::zero_input_gradient(ctx); }

  // Keras's IndexLookup.save_own_variables: the tf_idf weights as "idf_weights" (layer.weights stays empty).
  std::vector<std::pair<std::string, VariablePtr>> keyed_store_variables() const override {
    if (!tf_idf_) return {};
    return {{"idf_weights", idf_}};
  }

  // The vocabulary file a .keras archive keeps when the config does not hold the vocabulary (Keras's save_assets).
  std::vector<std::pair<std::string, std::string>> save_assets() const override {
    if (has_input_vocabulary_) return {};
    std::string text;
    for (int64_t v : get_vocabulary(true)) text += (text.empty() ? "" : "\n") + std::to_string(v);
    return {{"vocabulary.txt", text}};
  }
  std::vector<std::string> asset_names() const override {
    return has_input_vocabulary_ ? std::vector<std::string>{} : std::vector<std::string>{"vocabulary.txt"};
  }
  void load_assets(const std::map<std::string, std::string>& files) override {
    const auto it = files.find("vocabulary.txt");
    if (it == files.end()) return;
    std::vector<int64_t> ids;
    size_t at = 0;
    const std::string& text = it->second;
    while (at < text.size()) {
      size_t end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(at, end - at);
      if (!line.empty()) {
        size_t used = 0;
        long long v = 0;
        try {
          v = std::stoll(line, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != line.size())
          throw ValueError("invalid literal for int() with base 10: '" + line + "'",
                           {.layer = name(), .received = line,
                            .hint = "the archive's vocabulary.txt for layer \"" + name() + "\" is damaged."});
        ids.push_back(v);
      }
      at = end + 1;
    }
    if (ids.empty()) return;
    std::vector<double> idf;
    if (tf_idf_) {  // Keras's load_assets passes the idf weights already read from the weights file
      const Tensor& w = idf_->value;
      idf.assign(w.data(), w.data() + std::min<int64_t>(w.size(), static_cast<int64_t>(ids.size())));
      idf.resize(ids.size(), 0.0);
    }
    set_vocabulary(ids, idf);
  }

 private:
  static VariablePtr idf_variable() {
    auto v = std::make_shared<Variable>();
    v->name = "idf_weights";
    v->value = Tensor::zeros({0});
    v->trainable = false;
    return v;
  }

  bool encoded() const { return mode_ != categorical::OutputMode::kInt; }
  std::string output_mode() const { return tf_idf_ ? "tf_idf" : categorical::mode_name(mode_); }
  std::optional<int64_t> depth() const {
    if (pad_to_max_tokens_) return max_tokens_;
    return frozen_size_;
  }

  static std::string float_list(const std::vector<double>& values) {
    std::string s;
    for (double v : values) {
      std::string t = std::to_string(v);
      t.erase(t.find_last_not_of('0') + 1);
      if (t.back() == '.') t += '0';
      s += (s.empty() ? "" : ", ") + t;
    }
    return "[" + s + "]";
  }

  int64_t index_of(int64_t v, std::vector<int64_t>& unknown) const {
    if (mask_ && v == *mask_) return encoded() ? -1 : 0;  // encoded modes drop the mask
    if (const auto it = lookup_.find(v); it != lookup_.end()) return it->second;
    if (num_oov_ == 0) {
      unknown.push_back(v);
      return -1;
    }
    const int64_t slot = ((v % num_oov_) + num_oov_) % num_oov_;  // floormod
    return oov_start() + slot;
  }

  Tensor inverted(const Tensor& x) const {
    Tensor out = Tensor::empty(x.dims());
    for (int64_t i = 0; i < x.size(); ++i) {
      const auto index = static_cast<int64_t>(std::trunc(x.data()[i]));
      int64_t id = oov_.value_or(-1);
      if (mask_ && index == 0) id = *mask_;
      else if (index >= token_start() && index < vocabulary_size())
        id = tokens_[static_cast<size_t>(index - token_start())];
      out.data()[i] = static_cast<float>(id);
    }
    return out.set_dtype("int64");
  }

  void set_tokens(const std::vector<int64_t>& tokens) {
    tokens_ = tokens;
    lookup_.clear();
    for (size_t i = 0; i < tokens.size(); ++i) lookup_[tokens[i]] = token_start() + static_cast<int64_t>(i);
    record_size();
  }

  void set_idf(std::vector<float> weights) {
    if (pad_to_max_tokens_ && max_tokens_) weights.resize(static_cast<size_t>(*max_tokens_), 0.0f);
    idf_->value = Tensor::from_range(weights.begin(), weights.end(), {static_cast<int64_t>(weights.size())});
  }

  // Keras's _record_vocabulary_size: the encoded width may not change once set, unless padded to max_tokens.
  void record_size() {
    const int64_t size = vocabulary_size();
    if (encoded() && !pad_to_max_tokens_ && frozen_size_ && *frozen_size_ != size)
      throw ValueError("When using `output_mode=" + output_mode() + "` and `pad_to_max_tokens=False`, the vocabulary "
                       "size cannot be changed after the layer is called. Old vocab size is " +
                           std::to_string(*frozen_size_) + ", new vocab size is " + std::to_string(size),
                       {.layer = name(), .expected = std::to_string(*frozen_size_),
                        .received = std::to_string(size),
                        .hint = "set max_tokens= and pad_to_max_tokens=true for a fixed width, or make a new layer."});
    frozen_size_ = size;
    config_.set("vocabulary_size", static_cast<int>(size));
  }

  std::optional<int64_t> max_tokens_, mask_, oov_, frozen_size_;
  int num_oov_ = 1;
  bool invert_ = false, pad_to_max_tokens_ = false, tf_idf_ = false, has_input_vocabulary_ = false;
  categorical::OutputMode mode_ = categorical::OutputMode::kInt;
  std::vector<int64_t> tokens_;
  std::unordered_map<int64_t, int64_t> lookup_;
  // tf_idf: one weight per index, the special slots included; saved under Keras's key "idf_weights".
  VariablePtr idf_ = idf_variable();
};

IntegerLookupImpl& impl_of(const std::shared_ptr<LayerImpl>& impl) { return static_cast<IntegerLookupImpl&>(*impl); }

}  // namespace integer_lookup
}  // namespace


IntegerLookup::IntegerLookup(const kw::Kwargs& kwargs) : Layer(std::make_shared<integer_lookup::IntegerLookupImpl>(kwargs)) {}

void IntegerLookup::adapt(const Tensor& data) const { integer_lookup::impl_of(impl_).adapt({data}, true); }
void IntegerLookup::adapt(const std::vector<Tensor>& batches) const { integer_lookup::impl_of(impl_).adapt(batches, false); }
void IntegerLookup::set_vocabulary(const std::vector<int64_t>& vocabulary, const std::vector<double>& idf) const {
  integer_lookup::impl_of(impl_).set_vocabulary(vocabulary, idf);
}
std::vector<int64_t> IntegerLookup::get_vocabulary(bool include_special_tokens) const {
  return integer_lookup::impl_of(impl_).get_vocabulary(include_special_tokens);
}
int64_t IntegerLookup::vocabulary_size() const { return integer_lookup::impl_of(impl_).vocabulary_size(); }

KERAS_REGISTER_LAYER(IntegerLookup)

}  // namespace keras::layers
