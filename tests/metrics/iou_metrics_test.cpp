// keras.metrics.IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU: Keras's docstring numbers, ignore_class,
// sample weights per element and per sample, segmentation maps with argmax, streaming, names, errors, and fit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keras/keras.hpp"
#include "support/test_helpers.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::message_of;
using keras::test_support::T;

TEST(IoUMetrics, KerasDocstringValues) {
  // iou_metrics.py docstrings: confusion matrix [[1, 1], [1, 1]].
  metrics::IoU iou(2, {0});
  iou.update_state(T({0, 0, 1, 1}, {4}), T({0, 1, 0, 1}, {4}));
  EXPECT_NEAR(iou.result(), 0.33333334, 1e-6);
  iou.reset_state();
  Tensor sw = T({0.3f, 0.3f, 0.3f, 0.1f}, {4});
  iou.update_state(T({0, 0, 1, 1}, {4}), T({0, 1, 0, 1}, {4}), &sw);
  EXPECT_NEAR(iou.result(), 0.33333334, 1e-6);

  metrics::MeanIoU mean_iou(2);
  mean_iou.update_state(T({0, 0, 1, 1}, {4}), T({0, 1, 0, 1}, {4}));
  EXPECT_NEAR(mean_iou.result(), 0.33333334, 1e-6);
  mean_iou.reset_state();
  mean_iou.update_state(T({0, 0, 1, 1}, {4}), T({0, 1, 0, 1}, {4}), &sw);
  EXPECT_NEAR(mean_iou.result(), 0.23809525, 1e-6);

  metrics::BinaryIoU binary({0, 1}, threshold = 0.3);
  binary.update_state(T({0, 1, 0, 1}, {4}), T({0.1f, 0.2f, 0.4f, 0.7f}, {4}));
  EXPECT_NEAR(binary.result(), 0.33333334, 1e-6);
  binary.reset_state();
  Tensor bw = T({0.2f, 0.3f, 0.4f, 0.1f}, {4});
  binary.update_state(T({0, 1, 0, 1}, {4}), T({0.1f, 0.2f, 0.4f, 0.7f}, {4}), &bw);
  EXPECT_NEAR(binary.result(), 0.17361112, 1e-6);

  Tensor one_hot = T({0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0}, {4, 3});
  Tensor scores = T({0.2f, 0.3f, 0.5f, 0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.1f, 0.1f, 0.4f, 0.5f}, {4, 3});
  Tensor ow = T({0.1f, 0.2f, 0.3f, 0.4f}, {4});
  metrics::OneHotIoU oh(3, {0, 2});
  oh.update_state(one_hot, scores, &ow);
  EXPECT_NEAR(oh.result(), 0.0714286, 1e-6);
  metrics::OneHotMeanIoU ohm(3);
  ohm.update_state(one_hot, scores, &ow);
  EXPECT_NEAR(ohm.result(), 0.0476190, 1e-6);
}

TEST(IoUMetrics, SegmentationMapsIgnoreClassAndStreaming) {
  // Two 2x2 maps of 3 classes: per-pixel scores against integer targets.
  Tensor y_true = T({0, 1, 2, 2, 1, 1, 0, 2}, {2, 2, 2});
  std::vector<float> s;
  const int predicted[] = {0, 1, 1, 2, 1, 0, 0, 2};
  for (int c : predicted)
    for (int k = 0; k < 3; ++k) s.push_back(k == c ? 0.8f : 0.1f);
  Tensor y_pred = T(s, {2, 2, 2, 3});
  metrics::MeanIoU m(3, sparse_y_pred = false);
  m.update_state(y_true, y_pred);
  // Confusion matrix rows true, columns predicted: [[2,0,0],[1,2,0],[0,1,2]].
  const std::vector<double> cm = {2, 0, 0, 1, 2, 0, 0, 1, 2};
  EXPECT_EQ(m.total_confusion_matrix(), cm);
  const double iou0 = 2.0 / 3, iou1 = 2.0 / 4, iou2 = 2.0 / 3;
  EXPECT_NEAR(m.result(), (iou0 + iou1 + iou2) / 3, 1e-6);
  // Streaming: a second identical batch leaves the ratios as they are.
  m.update_state(y_true, y_pred);
  EXPECT_NEAR(m.result(), (iou0 + iou1 + iou2) / 3, 1e-6);
  // ignore_class: pixels whose target is 2 do not count; class 2 never occurs then and leaves the mean.
  metrics::MeanIoU ignoring(3, sparse_y_pred = false, ignore_class = 2);
  ignoring.update_state(y_true, y_pred);
  // Left: (0,0) twice, (1,1) twice, (1,0) once: class 0 2/3, class 1 2/3 (the class-2 pixel predicted 1 is gone).
  const double i0 = 2.0 / 3, i1 = 2.0 / 3;
  EXPECT_NEAR(ignoring.result(), (i0 + i1 + 0.0) / 2, 1e-6);
  // One weight per sample weighs all its pixels.
  metrics::MeanIoU weighted(3, sparse_y_pred = false);
  Tensor per_sample = T({1.0f, 0.0f}, {2});
  weighted.update_state(y_true, y_pred, &per_sample);
  const std::vector<double> first = {1, 0, 0, 0, 1, 0, 0, 1, 1};
  EXPECT_EQ(weighted.total_confusion_matrix(), first);
}

TEST(IoUMetrics, NamesAndErrors) {
  utils::clear_session();
  EXPECT_EQ(metrics::MeanIoU(2).name(), "mean_io_u");
  EXPECT_EQ(metrics::MeanIoU(2).name(), "mean_io_u_1");
  EXPECT_EQ(metrics::IoU(2, {1}).name(), "io_u");
  EXPECT_EQ(metrics::BinaryIoU().name(), "binary_io_u");
  EXPECT_EQ(metrics::OneHotIoU(3, {0}).name(), "one_hot_io_u");
  EXPECT_EQ(metrics::OneHotMeanIoU(3).name(), "one_hot_mean_io_u");
  EXPECT_EQ(metrics::MeanIoU(2, name = "miou").name(), "miou");
  EXPECT_EQ(metrics::MeanIoU(2).direction(), "up");

  auto starts = [](const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; };
  EXPECT_TRUE(starts(message_of([] { metrics::IoU(2, {0, 2}); }),
                     "Target class id 2 is out of range, which is [0, 2).\nHint: "));
  EXPECT_TRUE(starts(message_of([] { metric_types::get("mean_io_u"); }),
                     "MeanIoU.__init__() missing 1 required positional argument: 'num_classes'\nHint: "));
  EXPECT_TRUE(starts(message_of([] { metric_types::get("IoU"); }),
                     "IoU.__init__() missing 2 required positional arguments: 'num_classes' and "
                     "'target_class_ids'\nHint: "));
  EXPECT_EQ(metric_types::get("binary_io_u")->name(), "binary_io_u");
  // Scores given where class ids are expected: the lengths differ, and the hint says which argument to set.
  metrics::MeanIoU m(3);
  try {
    m.update_state(T({0, 1}, {2}), T({0.2f, 0.5f, 0.3f, 0.6f, 0.3f, 0.1f}, {2, 3}));
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_NE(e.hint().find("sparse_y_pred=false"), std::string::npos) << e.hint();
  }
  std::string msg = message_of([&] { m.update_state(T({0, 3}, {2}), T({0, 1}, {2})); });
  EXPECT_NE(msg.find("class id of 3 which is outside the valid range of [0, 3)"), std::string::npos) << msg;
}

TEST(IoUMetrics, ReportedByFit) {
  utils::set_random_seed(5);
  Sequential model({Input(shape = {4}), layers::Dense(3, activation = "softmax")});
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy",
                metrics = {metrics::MeanIoU(3, sparse_y_pred = false, name = "miou")});
  Tensor x = random::normal({32, 4}), y = random::randint(0, 3, {32});
  History h = model.fit(x, y, epochs = 2, batch_size = 8, verbose = 0);
  ASSERT_EQ(h.history.at("miou").size(), 2u);
  EXPECT_GE(h.history.at("miou")[1], 0.0);
  EXPECT_LE(h.history.at("miou")[1], 1.0);
  // evaluate() gives the metric over the whole set: the same as updating one metric with every prediction.
  metrics::MeanIoU direct(3, sparse_y_pred = false);
  direct.update_state(y, model.predict(x, verbose = 0));
  EXPECT_NEAR(model.evaluate(x, y, verbose = 0).at(1), direct.result(), 1e-6);
}
