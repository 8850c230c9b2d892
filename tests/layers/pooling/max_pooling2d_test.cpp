#include "keras/layers/pooling/max_pooling2d.hpp"

#include <gtest/gtest.h>

#include "keras/keras.hpp"
#include "layers/pooling/pooling_reference.hpp"
#include "support/gradient_check.hpp"
#include "support/train_call.hpp"

using namespace keras;
using namespace keras::kw;

using keras::test_support::train_call;

TEST(MaxPooling2D, ConstructionForms) {
  for (const layers::MaxPooling2D& p :
       {layers::MaxPooling2D(), layers::MaxPooling2D(2),
        layers::MaxPooling2D({2, 2}, strides = {1, 1}, padding = "same"),
        layers::MaxPooling2D(pool_size = 3, strides = None),
        layers::MaxPooling2D({3, 2}, strides = 2, padding = "valid"),
        layers::MaxPool2D(data_format = "channels_first", name = "pool")})
    EXPECT_EQ(p.class_name(), "MaxPooling2D");
  utils::clear_session();
  EXPECT_EQ(layers::MaxPooling2D().name(), "max_pooling2d");
}

TEST(MaxPooling2D, SymbolicShapes) {
  // Keras defaults: pool (2, 2), strides = pool, "valid".
  EXPECT_EQ(layers::MaxPooling2D()(Input({28, 28, 3})).shape(), (Shape{None, 14, 14, 3}));
  EXPECT_EQ(layers::MaxPooling2D()(Input({7, 5, 1})).shape(), (Shape{None, 3, 2, 1}));
  // valid: floor((n - k) / s) + 1
  EXPECT_EQ(layers::MaxPooling2D(3, strides = 2)(Input({7, 8, 4})).shape(), (Shape{None, 3, 3, 4}));
  EXPECT_EQ(layers::MaxPooling2D({3, 1}, strides = {1, 2})(Input({5, 5, 2})).shape(), (Shape{None, 3, 3, 2}));
  // same: ceil(n / s), whatever the pool size
  EXPECT_EQ(layers::MaxPooling2D(2, padding = "same")(Input({5, 7, 2})).shape(), (Shape{None, 3, 4, 2}));
  EXPECT_EQ(layers::MaxPooling2D(3, strides = 1, padding = "same")(Input({5, 7, 2})).shape(), (Shape{None, 5, 7, 2}));
  EXPECT_EQ(layers::MaxPooling2D(4, strides = 3, padding = "SAME")(Input({10, 9, 1})).shape(), (Shape{None, 4, 3, 1}));
  // None spatial sizes stay None; the batch size passes through.
  EXPECT_EQ(layers::MaxPooling2D()(Input({None, 8, 3})).shape(), (Shape{None, None, 4, 3}));
  EXPECT_EQ(layers::MaxPooling2D()(Input(batch_shape = {16, 6, None, 3})).shape(), (Shape{16, 3, None, 3}));
  // channels_first pools the last two axes.
  EXPECT_EQ(layers::MaxPooling2D(data_format = "channels_first")(Input({3, 28, 27})).shape(), (Shape{None, 3, 14, 13}));
  Sequential model(
      {Input({8, 8, 3}), layers::MaxPooling2D(), layers::MaxPooling2D(), layers::Flatten(), layers::Dense(2)});
  EXPECT_EQ(model.output_shape(), (Shape{None, 2}));
}

TEST(MaxPooling2D, EagerShapesMatchSymbolic) {
  struct Case {
    IntTuple pool, strides;
    const char* padding;
  };
  for (const Case& c : {Case{2, 2, "valid"}, Case{3, 2, "same"}, Case{{2, 3}, {1, 2}, "same"}, Case{3, 1, "valid"}}) {
    layers::MaxPooling2D p(c.pool, strides = c.strides, padding = c.padding);
    Tensor y = p(Tensor::zeros({2, 9, 7, 3}));
    Shape sym = layers::MaxPooling2D(c.pool, strides = c.strides, padding = c.padding)(Input({9, 7, 3})).shape();
    EXPECT_EQ(y.shape().without_batch(), sym.without_batch()) << c.padding;
  }
}

TEST(MaxPooling2D, ValuesMatchNaiveLoops) {
  utils::set_random_seed(1);
  struct Case {
    std::vector<int64_t> pool, strides;
    bool same, channels_first;
  };
  for (const Case& c : {Case{{2, 2}, {2, 2}, false, false}, Case{{3, 3}, {2, 2}, false, false},
                        Case{{3, 3}, {1, 1}, true, false}, Case{{2, 3}, {2, 1}, true, false},
                        Case{{4, 4}, {3, 3}, true, false}, Case{{1, 1}, {2, 2}, false, false},
                        Case{{2, 2}, {3, 3}, false, false}, Case{{3, 2}, {2, 2}, true, true},
                        Case{{2, 2}, {1, 1}, false, true}}) {
    Tensor x = random::normal({3, 7, 8, c.channels_first ? 4 : 5});
    layers::MaxPooling2D p(IntTuple(c.pool), strides = IntTuple(c.strides), padding = c.same ? "same" : "valid",
                           data_format = c.channels_first ? "channels_first" : "channels_last");
    Tensor expected = pooling_reference::pool(x, 2, c.pool, c.strides, c.same, c.channels_first, true);
    Tensor y = p(x);
    ASSERT_EQ(y.shape(), expected.shape());
    EXPECT_EQ(y.to_vector(), expected.to_vector());
    EXPECT_EQ(train_call(p, x).to_vector(), expected.to_vector());  // the training path (saving argmax) agrees
  }
}

TEST(MaxPooling2D, SmallExample) {
  Tensor x({1, 5, 2, 0,   //
            3, 4, 8, 1,   //
            0, 2, 6, 7,   //
            9, 1, 3, 3},
           {1, 4, 4, 1});
  EXPECT_EQ(layers::MaxPooling2D()(x).to_vector(), (std::vector<float>{5, 8, 9, 7}));
  // "same" with strides 1 and a 2x2 pool pads one row and column at the end (TensorFlow's split).
  EXPECT_EQ(layers::MaxPooling2D(2, strides = 1, padding = "same")(x).to_vector(),
            (std::vector<float>{5, 8, 8, 1, 4, 8, 8, 7, 9, 6, 7, 7, 9, 3, 3, 3}));
}

TEST(MaxPooling2D, Gradients) {
  utils::set_random_seed(2);
  // Well-separated values: the maximum is unique and stays so under the finite differences.
  for (auto [ps, st, pd] : {std::tuple{IntTuple(2), IntTuple(2), "valid"},
                                        std::tuple{IntTuple(3), IntTuple(1), "same"},
                                        std::tuple{IntTuple({3, 2}), IntTuple({2, 1}), "same"},
                                        std::tuple{IntTuple(2), IntTuple(3), "valid"}}) {
    Tensor x = pooling_reference::distinct_values({2, 6, 5, 3});
    layers::MaxPooling2D p(ps, strides = st, padding = pd);
    p(x);
    keras::test_support::expect_gradients_match(p, {x});
    keras::test_support::expect_gradients_match(p, {x}, {.training = true});
  }
  Tensor xc = pooling_reference::distinct_values({2, 3, 5, 6});
  layers::MaxPooling2D pc(2, strides = 1, padding = "same", data_format = "channels_first");
  pc(xc);
  keras::test_support::expect_gradients_match(pc, {xc});
  Sequential model({Input({6, 6, 2}), layers::MaxPooling2D(), layers::Flatten(), layers::Dense(2)});
  keras::test_support::expect_gradients_match(model, {pooling_reference::distinct_values({2, 6, 6, 2})});
}

TEST(MaxPooling2D, BackwardRoutesToTheFirstMaximum) {
  layers::MaxPooling2D p(2, strides = 1);  // overlapping windows
  Tensor x({1, 3, 2, 3, 3, 0, 0, 1, 3}, {1, 3, 3, 1});
  for (bool training : {false, true}) {
    CallContext ctx;
    ctx.training = training;
    ctx.inputs = {x};
    ctx.outputs = p.impl()->forward(ctx);
    EXPECT_EQ(ctx.outputs[0].to_vector(), (std::vector<float>{3, 3, 3, 3}));
    Tensor dx = p.impl()->backward(ctx, {Tensor({1, 2, 4, 8}, {1, 2, 2, 1})}).at(0);
    // Windows: (0,0) sees 1 3 / 3 3 -> first max at (0,1); (0,1) sees 3 2 / 3 0 -> (0,1); (1,0) sees 3 3 / 0 1 ->
    // (1,0); (1,1) sees 3 0 / 1 3 -> (1,1).
    EXPECT_EQ(dx.to_vector(), (std::vector<float>{0, 3, 0, 4, 8, 0, 0, 0, 0})) << "training=" << training;
  }
}

TEST(MaxPooling2D, Errors) {
  utils::clear_session();
  EXPECT_THROW_WITH(layers::MaxPooling2D()(Input({28, 28})),
                    "Input 0 of layer \"max_pooling2d\" is incompatible with the layer: expected ndim=4, found ndim=3. "
                    "Full shape received: (None, 28, 28)",
                    "Hint: MaxPooling2D needs (batch, height, width, channels), but the input gives (None, 28, 28)",
                    "for sequences use MaxPooling1D", "Input(shape={28, 28, 1})");
  EXPECT_THROW_WITH((Sequential({Input({784}), layers::Dense(784), layers::MaxPooling2D()})),
                    "expected ndim=4, found ndim=2",
                    "Hint: MaxPooling2D needs", "the previous layer \"dense", "before Flatten/Dense",
                    "Reshape({28, 28, 1})");
  EXPECT_THROW_WITH(layers::MaxPooling2D()(Tensor::zeros({2, 4, 4})), "found ndim=3", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling2D()(Input({1, 4, 3})),
                    "Computed output size would be zero or negative. Received: `inputs.shape=[None 1 4 3]`, "
                    "`pool_size=[2 2]`, `strides=(2, 2)`, `padding=valid`.",
                    "Hint: with padding=\"valid\" every window must fit", "padding=\"same\"");
  EXPECT_THROW_WITH(layers::MaxPooling2D(3, strides = 1)(Tensor::zeros({2, 5, 2, 1})),
                    "`inputs.shape=[2 5 2 1]`, `pool_size=[3 3]`, `strides=(1, 1)`, `padding=valid`", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling2D(2, data_format = "channels_first")(Input({3, None, 1})),
                    "`inputs.shape=[None 3 -1 1]`", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling2D(2, padding = "full"),
                    "Argument `padding` must be either 'valid' or 'same'. Received: padding=full", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling2D(2, padding = 1), "Received: padding=1", "ZeroPadding2D");
  EXPECT_THROW_WITH(layers::MaxPooling2D({2, 2, 2}),
                    "The `pool_size` argument must be a tuple of 2 integers. Received pool_size=(2, 2, 2)", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling2D({2, 0}),
                    "The `pool_size` argument must be a tuple of 2 integers. Received pool_size=(2, 0), including "
                    "values {0} that do not satisfy `value > 0`",
                    "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling2D(pool_size = None), "Received pool_size=None", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling2D(2, strides = -1), "Received strides=-1, including values {-1}", "Hint:");
  EXPECT_THROW_WITH(layers::MaxPooling2D(data_format = "NHWC"),
                    "The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: "
                    "data_format=nhwc",
                    "Hint:");
}

TEST(MaxPooling2D, ConfigAndRegistry) {
  layers::MaxPooling2D p({3, 2}, strides = 1, padding = "same");
  Layer q = layers::from_config("MaxPooling2D", p.impl()->config());
  Tensor x = random::normal({2, 5, 6, 3});
  EXPECT_EQ(q(x).to_vector(), p(x).to_vector());
  EXPECT_TRUE(layers::is_registered("MaxPooling2D"));
}
