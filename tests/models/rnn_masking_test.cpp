// Masks reaching recurrent layers through a model (issue #5): Embedding(mask_zero) and Masking in front of
// LSTM/GRU/SimpleRNN/Bidirectional. Keras's rule, checked end to end: a masked step carries the state forward, so a
// sequence padded at the end gives the same final output as the same sequence without the padding.
#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::expect_close;

namespace {

// Row i of a (batch, ...) prediction.
Tensor batch_row(const Tensor& t, int64_t i) { return t.slice(i, i + 1); }

template <class RecurrentLayer>
void padded_equals_unpadded(RecurrentLayer rnn) {
  utils::set_random_seed(7);
  layers::Embedding emb(6, 4, mask_zero = true);
  Sequential model({Input({5}), emb, rnn});
  // Row 0: 3 tokens then padding; row 1: 5 tokens.
  Tensor padded({2, 5, 1, 0, 0, 3, 1, 4, 2, 5}, {2, 5});
  Tensor y = model.predict(padded, verbose = 0);

  Sequential short_model({Input({3}), emb, rnn});
  Tensor y_short = short_model.predict(Tensor({2, 5, 1}, {1, 3}), verbose = 0);
  expect_close(batch_row(y, 0), y_short);
  // Without the mask the padding steps would change the state: the mask is really used.
  Sequential unmasked({Input({5}), layers::Embedding(6, 4), rnn});
  unmasked.layers()[0].set_weights(emb.get_weights());
  Tensor y_unmasked = unmasked.predict(padded, verbose = 0);
  float diff = 0.0f;
  for (int64_t k = 0; k < y_short.size(); ++k) diff += std::abs(batch_row(y_unmasked, 0).data()[k] - y_short.data()[k]);
  EXPECT_GT(diff, 1e-4f);
}

}  // namespace

TEST(RnnMasking, EmbeddingMaskZeroIntoLstmSkipsPadding) { padded_equals_unpadded(layers::LSTM(3)); }
TEST(RnnMasking, EmbeddingMaskZeroIntoGruSkipsPadding) { padded_equals_unpadded(layers::GRU(3)); }
TEST(RnnMasking, EmbeddingMaskZeroIntoSimpleRnnSkipsPadding) { padded_equals_unpadded(layers::SimpleRNN(3)); }

TEST(RnnMasking, MaskingLayerIntoLstmMatchesTheShortSequence) {
  utils::set_random_seed(3);
  layers::LSTM lstm(4);
  Sequential model({Input({4, 2}), layers::Masking(mask_value = 0.0), lstm});
  Tensor x({0.5f, -1.0f, 0.25f, 2.0f, 0.0f, 0.0f, 0.0f, 0.0f}, {1, 4, 2});
  Sequential short_model({Input({2, 2}), lstm});
  Tensor x_short({0.5f, -1.0f, 0.25f, 2.0f}, {1, 2, 2});
  expect_close(model.predict(x, verbose = 0), short_model.predict(x_short, verbose = 0));
}

TEST(RnnMasking, MaskedLstmTrainsAndPaddingDoesNotChangeTheLoss) {
  // Labels depend on the tokens only; the amount of padding varies. Training must still bring the loss down.
  utils::set_random_seed(11);
  const int64_t n = 64, steps = 6;
  Tensor x = Tensor::zeros({n, steps});
  Tensor y = Tensor::empty({n, 1});
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = 1 + i % steps;
    for (int64_t s = 0; s < len; ++s) x.data()[i * steps + s] = static_cast<float>(1 + (i * 3 + s) % 4);
    y.data()[i] = x.data()[i * steps] > 2.0f ? 1.0f : 0.0f;
  }
  Sequential model({Input({steps}), layers::Embedding(5, 8, mask_zero = true), layers::LSTM(8),
                    layers::Dense(1, activation = "sigmoid")});
  model.compile(optimizer = optimizers::Adam(learning_rate = 0.02), loss = "binary_crossentropy");
  History h = model.fit(x, y, epochs = 40, batch_size = 16, verbose = 0);
  EXPECT_LT(h.history.at("loss").back(), h.history.at("loss").front() * 0.5);
}
