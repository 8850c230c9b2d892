#include "saving/layer_spec_table.hpp"

namespace keras::saving::detail {

namespace {

// Keras's Discretization.from_config: an adapted layer's config holds the learned bin_boundaries beside num_bins,
// which its __init__ refuses together; the boundaries are applied after construction (the layer reads them as
// learned_bin_boundaries).
void discretization_from_config(kw::Kwargs& k) {
  if (!k.has("num_bins") || k.is_none("num_bins") || !k.has("bin_boundaries") || k.is_none("bin_boundaries")) return;
  k.set("learned_bin_boundaries", *k.get<std::vector<double>>("bin_boundaries"));
  k.erase("bin_boundaries");
}

// Keys every convolution shares (keras/src/layers/convolutional/base_conv.py get_config, Keras 2's Conv as well).
LayerSpec conv_spec(int rank) {
  return {false,
          {{"filters", nullptr},
           {"kernel_size", nullptr, Kind::kArg, As::kTuple, rank},
           {"strides", "1", Kind::kArg, As::kTuple, rank},
           {"padding", "\"valid\""},
           {"data_format", "\"channels_last\""},
           {"dilation_rate", "1", Kind::kArg, As::kTuple, rank},
           {"groups", "1"},
           {"activation", "\"linear\""},
           {"use_bias", "true"},
           {"kernel_initializer", "\"glorot_uniform\""},
           {"bias_initializer", "\"zeros\""},
           {"kernel_regularizer", "null"},
           {"bias_regularizer", "null"},
           {"activity_regularizer", "null"},
           {"kernel_constraint", "null"},
           {"bias_constraint", "null"},
           {"lora_rank", "null", Kind::kReadOnly},
           {"lora_alpha", "null", Kind::kReadOnly}},
          {}};
}

// keras/src/layers/pooling/base_pooling.py (Keras writes the resolved strides; null means pool_size).
LayerSpec pooling_spec(int rank) {
  return {false,
          {{"pool_size", rank == 1 ? "2" : rank == 2 ? "[2, 2]" : "[2, 2, 2]", Kind::kArg, As::kTuple, rank},
           {"padding", "\"valid\""},
           {"strides", "null", Kind::kArg, As::kTuple, rank},
           {"data_format", "\"channels_last\""}},
          {}};
}

// keras/src/layers/preprocessing/image_preprocessing/random_zoom.py and random_translation.py: the same keys; the
// translation needs both factors, the zoom's width_factor defaults to None (the height's zoom).
LayerSpec affine_augment_spec(bool width_required) {
  return {true,
          {{"height_factor", nullptr},
           {"width_factor", width_required ? nullptr : "null"},
           {"fill_mode", "\"reflect\""},
           {"interpolation", "\"bilinear\""},
           {"seed", "null"},
           {"fill_value", "0.0"},
           {"data_format", "\"channels_last\""}},
          {}};
}

// random_contrast.py and random_brightness.py: the same keys.
LayerSpec color_augment_spec() {
  return {true, {{"factor", nullptr}, {"value_range", "[0, 255]"}, {"seed", "null"}}, {}};
}

// keras/src/layers/pooling/base_global_pooling.py
LayerSpec global_pooling_spec() {
  return {false, {{"data_format", "\"channels_last\""}, {"keepdims", "false"}}, {}};
}

// The center/scale/initializer/regularizer/constraint keys of the normalization layers.
std::vector<ArgSpec> affine_args() {
  return {{"center", "true", Kind::kArg, As::kBool},
          {"scale", "true", Kind::kArg, As::kBool},
          {"beta_initializer", "\"zeros\""},
          {"gamma_initializer", "\"ones\""},
          {"beta_regularizer", "null"},
          {"gamma_regularizer", "null"},
          {"beta_constraint", "null"},
          {"gamma_constraint", "null"}};
}

LayerSpec batch_normalization_spec() {
  // keras/src/layers/normalization/batch_normalization.py; renorm, fused, virtual_batch_size and adjustment come
  // from tf.keras 2.
  std::vector<ArgSpec> a = {{"axis", "-1", Kind::kArg, As::kAxis},
                            {"momentum", "0.99"},
                            {"epsilon", "0.001"},
                            {"center", "true", Kind::kArg, As::kBool},
                            {"scale", "true", Kind::kArg, As::kBool},
                            {"beta_initializer", "\"zeros\""},
                            {"gamma_initializer", "\"ones\""},
                            {"moving_mean_initializer", "\"zeros\""},
                            {"moving_variance_initializer", "\"ones\""},
                            {"beta_regularizer", "null"},
                            {"gamma_regularizer", "null"},
                            {"beta_constraint", "null"},
                            {"gamma_constraint", "null"},
                            {"synchronized", "false", Kind::kFixed},
                            {"renorm", "false", Kind::kReadOnly},
                            {"renorm_clipping", "null", Kind::kReadOnly},
                            {"renorm_momentum", "0.99", Kind::kIgnored},
                            {"fused", "null", Kind::kIgnored},
                            {"virtual_batch_size", "null", Kind::kReadOnly},
                            {"adjustment", "null", Kind::kReadOnly}};
  return {false, a, {}};
}

LayerSpec layer_normalization_spec() {
  std::vector<ArgSpec> a = {{"axis", "-1", Kind::kArg, As::kAxes}, {"epsilon", "0.001"}};
  for (const ArgSpec& s : affine_args()) a.push_back(s);
  a.push_back({"rms_scaling", "false", Kind::kReadOnly});
  return {false, a, {}};
}

LayerSpec group_normalization_spec() {
  std::vector<ArgSpec> a = {{"groups", "32"}, {"axis", "-1", Kind::kArg, As::kAxis}, {"epsilon", "0.001"}};
  for (const ArgSpec& s : affine_args()) a.push_back(s);
  return {false, a, {}};
}

// The keys of a recurrent layer's cell (keras/src/layers/rnn/{simple_rnn,lstm,gru}.py), in Keras's order; `kind` is
// "SimpleRNN", "LSTM" or "GRU". The layers also write activity_regularizer, after bias_regularizer.
std::vector<ArgSpec> cell_args(const std::string& kind, bool with_activity_regularizer) {
  std::vector<ArgSpec> a = {{"units", nullptr}, {"activation", "\"tanh\""}};
  if (kind != "SimpleRNN") a.push_back({"recurrent_activation", "\"sigmoid\""});
  a.push_back({"use_bias", "true"});
  if (kind == "LSTM") a.push_back({"unit_forget_bias", "true"});
  for (ArgSpec s : std::vector<ArgSpec>{{"kernel_initializer", "\"glorot_uniform\""},
                                        {"recurrent_initializer", "\"orthogonal\""},
                                        {"bias_initializer", "\"zeros\""},
                                        {"kernel_regularizer", "null"},
                                        {"recurrent_regularizer", "null"},
                                        {"bias_regularizer", "null"}})
    a.push_back(s);
  if (with_activity_regularizer) a.push_back({"activity_regularizer", "null"});
  for (ArgSpec s : std::vector<ArgSpec>{{"kernel_constraint", "null"},
                                        {"recurrent_constraint", "null"},
                                        {"bias_constraint", "null"},
                                        {"dropout", "0.0"},
                                        {"recurrent_dropout", "0.0"},
                                        {"seed", "null"}})
    a.push_back(s);
  return a;
}

// keras/src/layers/rnn/{simple_rnn,lstm,gru}.py and rnn.py. Keras 2's time_major/implementation have no keraspp
// counterpart: implementation changes no result.
LayerSpec recurrent_spec(const std::string& cls) {
  std::vector<ArgSpec> a = cell_args(cls, true);
  for (ArgSpec s : std::vector<ArgSpec>{{"return_sequences", "false"},
                                        {"return_state", "false"},
                                        {"go_backwards", "false"},
                                        {"stateful", "false"},
                                        {"unroll", "false"},
                                        {"zero_output_for_mask", "false"},
                                        {"time_major", "false", Kind::kReadOnly},
                                        {"implementation", "2", Kind::kIgnored}})
    a.push_back(s);
  if (cls == "GRU") a.push_back({"reset_after", "true"});
  return {false, a, {}};
}

// The cells themselves (SimpleRNNCell, LSTMCell, GRUCell), as keras.layers.RNN(cell) serializes them. tf.keras 2
// also wrote `implementation`, which changes no result.
LayerSpec cell_spec(const std::string& kind) {
  std::vector<ArgSpec> a = cell_args(kind, false);
  if (kind == "GRU") a.push_back({"reset_after", "true"});
  a.push_back({"implementation", "2", Kind::kIgnored});
  return {false, a, {}};
}

// keras/src/layers/rnn/conv_lstm.py (ConvLSTM.get_config: RNN's keys, then the cell's and activity_regularizer).
LayerSpec conv_lstm_spec(int rank) {
  std::vector<ArgSpec> a = {{"return_sequences", "false"},
                            {"return_state", "false"},
                            {"go_backwards", "false"},
                            {"stateful", "false"},
                            {"unroll", "false"},
                            {"zero_output_for_mask", "false"},
                            {"filters", nullptr},
                            {"kernel_size", nullptr, Kind::kArg, As::kTuple, rank},
                            {"strides", "1", Kind::kArg, As::kTuple, rank},
                            {"padding", "\"valid\""},
                            {"data_format", "\"channels_last\""},
                            {"dilation_rate", "1", Kind::kArg, As::kTuple, rank},
                            {"activation", "\"tanh\""},
                            {"recurrent_activation", "\"sigmoid\""},
                            {"use_bias", "true"},
                            {"kernel_initializer", "\"glorot_uniform\""},
                            {"recurrent_initializer", "\"orthogonal\""},
                            {"bias_initializer", "\"zeros\""},
                            {"unit_forget_bias", "true"},
                            {"kernel_regularizer", "null"},
                            {"recurrent_regularizer", "null"},
                            {"bias_regularizer", "null"},
                            {"activity_regularizer", "null"},
                            {"kernel_constraint", "null"},
                            {"recurrent_constraint", "null"},
                            {"bias_constraint", "null"},
                            {"dropout", "0.0"},
                            {"recurrent_dropout", "0.0"},
                            {"seed", "null"}};
  return {false, a, {}};
}

// keras/src/layers/convolutional/base_conv_transpose.py. Keras 3 does not write output_padding but its subclasses
// accept it: written only when set.
LayerSpec conv_transpose_spec(int rank) {
  return {false,
          {{"filters", nullptr},
           {"kernel_size", nullptr, Kind::kArg, As::kTuple, rank},
           {"strides", "1", Kind::kArg, As::kTuple, rank},
           {"padding", "\"valid\""},
           {"output_padding", "null", Kind::kArgIfSet, As::kTuple, rank},
           {"data_format", "\"channels_last\""},
           {"dilation_rate", "1", Kind::kArg, As::kTuple, rank},
           {"activation", "\"linear\""},
           {"use_bias", "true"},
           {"kernel_initializer", "\"glorot_uniform\""},
           {"bias_initializer", "\"zeros\""},
           {"kernel_regularizer", "null"},
           {"bias_regularizer", "null"},
           {"activity_regularizer", "null"},
           {"kernel_constraint", "null"},
           {"bias_constraint", "null"}},
          {}};
}

// keras/src/layers/convolutional/base_depthwise_conv.py
LayerSpec depthwise_conv_spec(int rank) {
  return {false,
          {{"depth_multiplier", "1"},
           {"kernel_size", nullptr, Kind::kArg, As::kTuple, rank},
           {"strides", "1", Kind::kArg, As::kTuple, rank},
           {"padding", "\"valid\""},
           {"data_format", "\"channels_last\""},
           {"dilation_rate", "1", Kind::kArg, As::kTuple, rank},
           {"activation", "\"linear\""},
           {"use_bias", "true"},
           {"depthwise_initializer", "\"glorot_uniform\""},
           {"bias_initializer", "\"zeros\""},
           {"depthwise_regularizer", "null"},
           {"bias_regularizer", "null"},
           {"activity_regularizer", "null"},
           {"depthwise_constraint", "null"},
           {"bias_constraint", "null"}},
          {}};
}

// keras/src/layers/convolutional/base_separable_conv.py
LayerSpec separable_conv_spec(int rank) {
  return {false,
          {{"filters", nullptr},
           {"kernel_size", nullptr, Kind::kArg, As::kTuple, rank},
           {"strides", "1", Kind::kArg, As::kTuple, rank},
           {"padding", "\"valid\""},
           {"data_format", "\"channels_last\""},
           {"dilation_rate", "1", Kind::kArg, As::kTuple, rank},
           {"depth_multiplier", "1"},
           {"activation", "\"linear\""},
           {"use_bias", "true"},
           {"depthwise_initializer", "\"glorot_uniform\""},
           {"pointwise_initializer", "\"glorot_uniform\""},
           {"bias_initializer", "\"zeros\""},
           {"depthwise_regularizer", "null"},
           {"pointwise_regularizer", "null"},
           {"bias_regularizer", "null"},
           {"activity_regularizer", "null"},
           {"depthwise_constraint", "null"},
           {"pointwise_constraint", "null"},
           {"bias_constraint", "null"}},
          {}};
}

}  // namespace

// Keras 3's get_config keys and defaults, class by class (keras/src/layers/...; name, trainable and dtype come from
// Layer.get_config and are handled for every class).
const std::map<std::string, LayerSpec>& layer_spec_table() {
  static const std::map<std::string, LayerSpec> table = {
      // core/dense.py
      {"Dense",
       {false,
        {{"units", nullptr},
         {"activation", "\"linear\""},
         {"use_bias", "true"},
         {"kernel_initializer", "\"glorot_uniform\""},
         {"bias_initializer", "\"zeros\""},
         {"kernel_regularizer", "null"},
         {"bias_regularizer", "null"},
         {"kernel_constraint", "null"},
         {"bias_constraint", "null"},
         {"lora_rank", "null", Kind::kReadOnly},
         {"lora_alpha", "null", Kind::kReadOnly},
         {"quantization_config", "null", Kind::kReadOnly}},
        {}}},
      // core/embedding.py (input_length: Keras 2; Keras 3 accepts it with a deprecation warning)
      {"Embedding",
       {false,
        {{"input_dim", nullptr},
         {"output_dim", nullptr},
         {"embeddings_initializer", "\"uniform\""},
         {"embeddings_regularizer", "null"},
         {"activity_regularizer", "null"},
         {"embeddings_constraint", "null"},
         {"mask_zero", "false"},
         {"input_length", "null", Kind::kArgIfSet},
         {"lora_rank", "null", Kind::kReadOnly},
         {"lora_alpha", "null", Kind::kReadOnly},
         {"quantization_config", "null", Kind::kReadOnly}},
        {}}},
      // core/activation.py, core/identity.py
      {"Activation", {true, {{"activation", nullptr}}, {}}},
      {"Identity", {false, {}, {}}},
      // core/masking.py
      {"Masking", {true, {{"mask_value", "0.0"}}, {}}},
      // convolutional/conv{1,2,3}d.py
      {"Conv1D", conv_spec(1)},
      {"Conv2D", conv_spec(2)},
      {"Conv3D", conv_spec(3)},
      {"Conv1DTranspose", conv_transpose_spec(1)},
      {"Conv2DTranspose", conv_transpose_spec(2)},
      {"Conv3DTranspose", conv_transpose_spec(3)},
      {"DepthwiseConv1D", depthwise_conv_spec(1)},
      {"DepthwiseConv2D", depthwise_conv_spec(2)},
      {"SeparableConv1D", separable_conv_spec(1)},
      {"SeparableConv2D", separable_conv_spec(2)},
      // pooling/*.py
      {"MaxPooling1D", pooling_spec(1)},
      {"MaxPooling2D", pooling_spec(2)},
      {"MaxPooling3D", pooling_spec(3)},
      {"AveragePooling1D", pooling_spec(1)},
      {"AveragePooling2D", pooling_spec(2)},
      {"AveragePooling3D", pooling_spec(3)},
      {"GlobalMaxPooling1D", global_pooling_spec()},
      {"GlobalMaxPooling2D", global_pooling_spec()},
      {"GlobalMaxPooling3D", global_pooling_spec()},
      {"GlobalAveragePooling1D", global_pooling_spec()},
      {"GlobalAveragePooling2D", global_pooling_spec()},
      {"GlobalAveragePooling3D", global_pooling_spec()},
      // normalization/*.py
      {"BatchNormalization", batch_normalization_spec()},
      {"LayerNormalization", layer_normalization_spec()},
      {"GroupNormalization", group_normalization_spec()},
      {"UnitNormalization", {false, {{"axis", "-1", Kind::kArg, As::kAxes}}, {}}},
      {"RMSNormalization", {false, {{"axis", "-1", Kind::kArg, As::kAxes}, {"epsilon", "1e-06"}}, {}}},
      // normalization/spectral_normalization.py: Wrapper.get_config's layer, then power_iterations.
      {"SpectralNormalization",
       {false, {{"layer", nullptr, Kind::kArg, As::kLayer}, {"power_iterations", "1"}}, {}}},
      // preprocessing/normalization.py, rescaling.py
      {"Normalization",
       {false,
        {{"axis", "-1", Kind::kArg, As::kAxis},
         {"invert", "false"},
         {"mean", "null", Kind::kArg, As::kFloats},
         {"variance", "null", Kind::kArg, As::kFloats}},
        {}}},
      {"Rescaling", {false, {{"scale", nullptr}, {"offset", "0.0"}}, {}}},
      // preprocessing/category_encoding.py, discretization.py
      {"CategoryEncoding", {true, {{"num_tokens", "null"}, {"output_mode", "\"multi_hot\""}, {"sparse", "false"}}, {}}},
      {"Discretization",
       {true,
        {{"bin_boundaries", "null"},
         {"num_bins", "null"},
         {"epsilon", "0.01"},
         {"output_mode", "\"int\""},
         {"sparse", "false"}},
        {},
        {},
        false,
        &discretization_from_config}},
      // preprocessing/integer_lookup.py (IndexLookup.get_config's keys; vocabulary only when given to __init__).
      {"IntegerLookup",
       {false,
        {{"invert", "false"},
         {"max_tokens", "null"},
         {"num_oov_indices", "1"},
         {"oov_token", "-1"},
         {"mask_token", "null"},
         {"output_mode", "\"int\""},
         {"sparse", "false"},
         {"pad_to_max_tokens", "false"},
         {"vocabulary_dtype", "\"int64\""},
         {"idf_weights", "null"},
         {"vocabulary", "null"},
         {"vocabulary_size", "null"}},
        {},
        {},
        true,
        nullptr,
        true}},
      // preprocessing/image_preprocessing/*.py
      {"RandomFlip", {true, {{"seed", "null"}, {"mode", "\"horizontal_and_vertical\""}, {"data_format", "\"channels_last\""}}, {}}},
      {"RandomRotation",
       {true,
        {{"factor", nullptr},
         {"data_format", "\"channels_last\""},
         {"fill_mode", "\"reflect\""},
         {"fill_value", "0.0"},
         {"interpolation", "\"bilinear\""},
         {"seed", "null"}},
        {}}},
      {"RandomZoom", affine_augment_spec(false)},
      {"RandomTranslation", affine_augment_spec(true)},
      {"RandomContrast", color_augment_spec()},
      {"RandomBrightness", color_augment_spec()},
      {"Resizing",
       {true,
        {{"height", nullptr},
         {"width", nullptr},
         {"interpolation", "\"bilinear\""},
         {"crop_to_aspect_ratio", "false"},
         {"pad_to_aspect_ratio", "false"},
         {"fill_mode", "\"constant\""},
         {"fill_value", "0.0"},
         {"data_format", "\"channels_last\""}},
        {}}},
      {"CenterCrop", {true, {{"height", nullptr}, {"width", nullptr}, {"data_format", "\"channels_last\""}}, {}}},
      {"RandomCrop",
       {true, {{"height", nullptr}, {"width", nullptr}, {"seed", "null"}, {"data_format", "\"channels_last\""}}, {}}},
      // regularization/*.py
      {"Dropout", {true, {{"rate", nullptr}, {"seed", "null"}, {"noise_shape", "null"}}, {}}},
      {"SpatialDropout1D", {true, {{"rate", nullptr}, {"seed", "null"}, {"noise_shape", "null", Kind::kReadOnly}}, {}}},
      {"SpatialDropout2D",
       {true,
        {{"rate", nullptr},
         {"seed", "null"},
         {"data_format", "\"channels_last\""},
         {"noise_shape", "null", Kind::kReadOnly}},
        {}}},
      {"SpatialDropout3D",
       {true,
        {{"rate", nullptr},
         {"seed", "null"},
         {"data_format", "\"channels_last\""},
         {"noise_shape", "null", Kind::kReadOnly}},
        {}}},
      {"GaussianNoise", {true, {{"stddev", nullptr}, {"seed", "null"}}, {}}},
      {"GaussianDropout", {true, {{"rate", nullptr}, {"seed", "null"}}, {}}},
      {"AlphaDropout", {true, {{"rate", nullptr}, {"seed", "null"}, {"noise_shape", "null"}}, {}}},
      {"ActivityRegularization", {true, {{"l1", "0.0"}, {"l2", "0.0"}}, {}}},
      // attention/attention.py, additive_attention.py. Keras takes seed= but does not write it.
      {"Attention",
       {false, {{"use_scale", "false"}, {"score_mode", "\"dot\""}, {"dropout", "0.0"}, {"seed", "null", Kind::kArgIfSet}}, {}}},
      {"AdditiveAttention", {false, {{"use_scale", "true"}, {"dropout", "0.0"}, {"seed", "null", Kind::kArgIfSet}}, {}}},
      // attention/grouped_query_attention.py (class GroupedQueryAttention, exported as GroupQueryAttention).
      {"GroupedQueryAttention",
       {false,
        {{"head_dim", nullptr},
         {"num_query_heads", nullptr},
         {"num_key_value_heads", nullptr},
         {"use_bias", "true"},
         {"dropout", "0.0"},
         {"kernel_initializer", "\"glorot_uniform\""},
         {"bias_initializer", "\"zeros\""},
         {"kernel_regularizer", "null"},
         {"bias_regularizer", "null"},
         {"activity_regularizer", "null"},
         {"kernel_constraint", "null"},
         {"bias_constraint", "null"},
         {"seed", "null"},
         {"flash_attention", "null", Kind::kArgIfSet}},
        {},
        {"query_shape", "value_shape", "key_shape"}}},
      // attention/multi_head_attention.py. value_dim is written resolved (key_dim when not given) and attention_axes
      // as build resolved them, as Keras's get_config does after build.
      {"MultiHeadAttention",
       {false,
        {{"num_heads", nullptr},
         {"key_dim", nullptr},
         {"value_dim", "null"},
         {"dropout", "0.0"},
         {"use_bias", "true"},
         {"output_shape", "null"},
         {"attention_axes", "null", Kind::kArg, As::kAxes},
         {"kernel_initializer", "\"glorot_uniform\""},
         {"bias_initializer", "\"zeros\""},
         {"kernel_regularizer", "null"},
         {"bias_regularizer", "null"},
         {"activity_regularizer", "null"},
         {"kernel_constraint", "null"},
         {"bias_constraint", "null"},
         {"seed", "null"},
         {"flash_attention", "null", Kind::kArgIfSet},
         // tf.keras 2 wrote the build shapes here; the graph gives them anyway.
         {"query_shape", "null", Kind::kIgnored},
         {"key_shape", "null", Kind::kIgnored},
         {"value_shape", "null", Kind::kIgnored}},
        {},
        {"query_shape", "value_shape", "key_shape"}}},
      // core/einsum_dense.py. LoRA and quantization keys load only when unset.
      {"EinsumDense",
       {false,
        {{"output_shape", nullptr},
         {"equation", nullptr},
         {"activation", "\"linear\""},
         {"bias_axes", "null"},
         {"kernel_initializer", "\"glorot_uniform\""},
         {"bias_initializer", "\"zeros\""},
         {"kernel_regularizer", "null"},
         {"bias_regularizer", "null"},
         {"activity_regularizer", "null"},
         {"kernel_constraint", "null"},
         {"bias_constraint", "null"},
         {"lora_rank", "null", Kind::kReadOnly},
         {"lora_alpha", "null", Kind::kReadOnly},
         {"gptq_unpacked_column_size", "null", Kind::kReadOnly},
         {"quantization_config", "null", Kind::kReadOnly}},
        {}}},
      // reshaping/*.py
      {"Flatten", {false, {{"data_format", "\"channels_last\""}}, {}}},
      {"Reshape", {false, {{"target_shape", nullptr}}, {}}},
      {"RepeatVector", {false, {{"n", nullptr}}, {}}},
      {"Permute", {false, {{"dims", nullptr}}, {}}},
      {"ZeroPadding1D", {false, {{"padding", "[1, 1]"}, {"data_format", "\"channels_last\"", Kind::kArgIfSet}}, {}}},
      {"ZeroPadding2D", {false, {{"padding", "[[1, 1], [1, 1]]"}, {"data_format", "\"channels_last\""}}, {}}},
      {"Cropping1D", {false, {{"cropping", "[1, 1]"}}, {}}},
      {"Cropping2D", {false, {{"cropping", "[[0, 0], [0, 0]]"}, {"data_format", "\"channels_last\""}}, {}}},
      {"ZeroPadding3D",
       {false, {{"padding", "[[1, 1], [1, 1], [1, 1]]"}, {"data_format", "\"channels_last\""}}, {}}},
      {"Cropping3D", {false, {{"cropping", "[[1, 1], [1, 1], [1, 1]]"}, {"data_format", "\"channels_last\""}}, {}}},
      {"UpSampling1D", {false, {{"size", "2", Kind::kArg, As::kScalarTuple}}, {}}},
      {"UpSampling2D",
       {false,
        {{"size", "[2, 2]", Kind::kArg, As::kTuple, 2},
         {"data_format", "\"channels_last\""},
         {"interpolation", "\"nearest\""}},
        {}}},
      {"UpSampling3D",
       {false, {{"size", "[2, 2, 2]", Kind::kArg, As::kTuple, 3}, {"data_format", "\"channels_last\""}}, {}}},
      // rnn/*.py
      {"SimpleRNN", recurrent_spec("SimpleRNN")},
      {"LSTM", recurrent_spec("LSTM")},
      {"GRU", recurrent_spec("GRU")},
      {"ConvLSTM1D", conv_lstm_spec(1)},
      {"ConvLSTM2D", conv_lstm_spec(2)},
      {"ConvLSTM3D", conv_lstm_spec(3)},
      {"SimpleRNNCell", cell_spec("SimpleRNN")},
      {"LSTMCell", cell_spec("LSTM")},
      {"GRUCell", cell_spec("GRU")},
      // rnn/rnn.py, rnn/stacked_rnn_cells.py: the cell (or cells) serialized inside the config.
      {"RNN",
       {false,
        {{"return_sequences", "false"},
         {"return_state", "false"},
         {"go_backwards", "false"},
         {"stateful", "false"},
         {"unroll", "false"},
         {"zero_output_for_mask", "false"},
         {"cell", nullptr, Kind::kArg, As::kLayer}},
        {}}},
      {"StackedRNNCells", {false, {{"cells", nullptr, Kind::kArg, As::kLayers}}, {}}},
      // rnn/time_distributed.py, rnn/bidirectional.py (Wrapper.get_config serializes the wrapped layer). keraspp
      // writes the layer it was given; Keras's forward_/backward_ copies load back to the same model.
      {"TimeDistributed", {false, {{"layer", nullptr, Kind::kArg, As::kLayer}}, {}}},
      {"Bidirectional",
       {false,
        {{"merge_mode", "\"concat\"", Kind::kArg, As::kNullable},
         {"layer", nullptr, Kind::kArg, As::kLayer},
         {"backward_layer", "null", Kind::kArgIfSet, As::kLayer}},
        {}}},
      // merging/*.py
      {"Add", {false, {}, {}}},
      {"Subtract", {false, {}, {}}},
      {"Multiply", {false, {}, {}}},
      {"Average", {false, {}, {}}},
      {"Maximum", {false, {}, {}}},
      {"Minimum", {false, {}, {}}},
      {"Concatenate", {false, {{"axis", "-1"}}, {}}},
      {"Dot", {false, {{"axes", nullptr, Kind::kArg, As::kScalarTuple}, {"normalize", "false"}}, {}}},
      // activations/*.py
      {"ReLU", {true, {{"max_value", "null"}, {"negative_slope", "0.0"}, {"threshold", "0.0"}}, {}}},
      {"LeakyReLU", {true, {{"negative_slope", "0.3"}}, {{"alpha", "negative_slope"}}}},
      {"PReLU",
       {false,
        {{"alpha_initializer", "\"zeros\""},
         {"alpha_regularizer", "null"},
         {"alpha_constraint", "null"},
         {"shared_axes", "null"}},
        {}}},
      {"ELU", {true, {{"alpha", "1.0"}}, {}}},
      {"Softmax", {true, {{"axis", "-1"}}, {}}},
  };
  return table;
}

}  // namespace keras::saving::detail
