#include "keras/utils/progbar.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "support/test_helpers.hpp"

using keras::None;
using keras::test_support::blocks;
using keras::utils::Progbar;

namespace {

const std::string kBar20 =
    "\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81"
    "\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81"
    "\xe2\x94\x81\xe2\x94\x81";

// A bar writing to a string, with a clock the test moves by hand.
struct Harness {
  std::ostringstream out;
  double t = 0.0;
  Progbar bar;
  explicit Harness(Progbar b, bool interactive = false) : bar(std::move(b)) {
    bar.set_stream(&out);
    bar.set_interactive(interactive);
    bar.set_clock([this] { return t; });
  }
};

}  // namespace

TEST(ProgbarFormat, TimePerStep) {
  EXPECT_EQ(keras::utils::progbar_format_time(0.0, "step"), " 0s/step");
  EXPECT_EQ(keras::utils::progbar_format_time(1.0, "step"), " 1s/step");
  EXPECT_EQ(keras::utils::progbar_format_time(3.7, "step"), " 4s/step");
  EXPECT_EQ(keras::utils::progbar_format_time(0.0123, "step"), " 12ms/step");
  EXPECT_EQ(keras::utils::progbar_format_time(0.001, "step"), " 1ms/step");
  EXPECT_EQ(keras::utils::progbar_format_time(5e-6, "sample"), " 5us/sample");
  EXPECT_EQ(keras::utils::progbar_format_time(0.000250, "step"), " 250us/step");
}

TEST(ProgbarFormat, Eta) {
  EXPECT_EQ(keras::utils::progbar_format_eta(0.2), "0s");
  EXPECT_EQ(keras::utils::progbar_format_eta(5.7), "5s");
  EXPECT_EQ(keras::utils::progbar_format_eta(60.0), "60s");
  EXPECT_EQ(keras::utils::progbar_format_eta(65.0), "1:05");
  EXPECT_EQ(keras::utils::progbar_format_eta(3599.5), "59:59");
  EXPECT_EQ(keras::utils::progbar_format_eta(3725.0), "1:02:05");
}

TEST(ProgbarFormat, Values) {
  EXPECT_EQ(keras::utils::progbar_format_value(0.5), "0.5000");
  EXPECT_EQ(keras::utils::progbar_format_value(0.49812345), "0.4981");
  EXPECT_EQ(keras::utils::progbar_format_value(-0.5), "-0.5000");
  EXPECT_EQ(keras::utils::progbar_format_value(12345.678), "12345.6780");
  // |v| <= 1e-3 switches to scientific notation.
  EXPECT_EQ(keras::utils::progbar_format_value(1e-4), "1.0000e-04");
  EXPECT_EQ(keras::utils::progbar_format_value(0.001), "1.0000e-03");
  EXPECT_EQ(keras::utils::progbar_format_value(-2.5e-5), "-2.5000e-05");
  EXPECT_EQ(keras::utils::progbar_format_value(0.0), "0.0000e+00");
  EXPECT_EQ(keras::utils::progbar_format_value(std::nan("")), "nan");
  EXPECT_EQ(keras::utils::progbar_format_value(-std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(keras::utils::progbar_format_value(std::numeric_limits<double>::infinity()), "inf");
  // verbose=2 compares v > 1e-3 (not |v|), as Keras does: negative values print in scientific notation.
  EXPECT_EQ(keras::utils::progbar_format_value(-0.5, false), "-5.0000e-01");
  EXPECT_EQ(keras::utils::progbar_format_value(0.5, false), "0.5000");
}

TEST(Progbar, NonInteractivePrintsOnlyTheFinalLine) {
  Harness h(Progbar(3));
  h.t = 0.001;
  h.bar.update(1, {{"loss", 0.5}, {"accuracy", 0.25}});
  h.t = 0.003;
  h.bar.update(2, {{"loss", 0.4}, {"accuracy", 0.5}});
  EXPECT_EQ(h.out.str(), "");
  h.t = 0.005;
  h.bar.update(3, {{"loss", 0.3}, {"accuracy", 0.75}});
  // Values keep the order first given; the finalizing values are shown as given; the elapsed time replaces the ETA.
  EXPECT_EQ(h.out.str(), "3/3 " + kBar20 + " 0s 2ms/step - loss: 0.3000 - accuracy: 0.7500\n");
}

TEST(Progbar, NonInteractiveCountIsPaddedToTheTargetWidth) {
  Harness h(Progbar(1875));
  h.t = 3.0;
  h.bar.update(1875, {{"accuracy", 0.8253}, {"loss", 0.4981}}, true);
  EXPECT_EQ(h.out.str(), "1875/1875 " + kBar20 + " 3s 2ms/step - accuracy: 0.8253 - loss: 0.4981\n");

  Harness partial(Progbar(100));
  partial.t = 2.0;
  partial.bar.update(7, {}, true);  // finalize before the target: the bar shows the progress
  EXPECT_EQ(partial.out.str(), "  7/100 " + blocks(20) + " 2s 286ms/step\n");
}

TEST(Progbar, UnknownTarget) {
  Harness h{Progbar(None)};
  h.t = 1.0;
  h.bar.update(4, {{"loss", 1.5}});
  EXPECT_EQ(h.out.str(), "");  // never finalized by the count alone
  h.t = 2.0;
  h.bar.update(5, {{"loss", 1.25}}, true);
  EXPECT_EQ(h.out.str(), "      5/Unknown 2s 400ms/step - loss: 1.2500\n");
}

TEST(Progbar, InteractiveRedrawsInPlace) {
  Harness h(Progbar(3, 20, 1, 0.0), /*interactive=*/true);
  h.t = 0.001;
  h.bar.update(1, {{"loss", 0.5}});
  const std::string first = "\r\x1b[1m1/3\x1b[0m \x1b[32m" + blocks(6) + "\x1b[0m\x1b[37m" + blocks(14) +
                            "\x1b[0m \x1b[1m0s\x1b[0m 1ms/step - loss: 0.5000";
  EXPECT_EQ(h.out.str(), first);
  h.t = 0.002;
  h.bar.update(2, {{"loss", 0.3}});
  // The previous line (4 + 20 + 27 characters shown) is erased with backspaces, then redrawn after \r; values that
  // are not stateful are averaged over the steps: (0.5 + 0.3) / 2.
  const std::string second = std::string(51, '\b') + "\r\x1b[1m2/3\x1b[0m \x1b[32m" + blocks(13) +
                             "\x1b[0m\x1b[37m" + blocks(7) + "\x1b[0m \x1b[1m0s\x1b[0m 1ms/step - loss: 0.4000";
  EXPECT_EQ(h.out.str(), first + second);
  h.t = 3.0;
  h.bar.update(3, {{"loss", 0.2}});
  const std::string out = h.out.str();
  const std::string last = out.substr(first.size() + second.size());
  EXPECT_EQ(last, std::string(51, '\b') + "\r\x1b[1m3/3\x1b[0m \x1b[32m" + blocks(20) +
                      "\x1b[0m\x1b[37m\x1b[0m \x1b[1m3s\x1b[0m 1s/step - loss: 0.2000 \n");  // 1 shorter: padded
}

TEST(Progbar, InteractivePadsAShorterLine) {
  Harness g(Progbar(100, 20, 1, 0.0), true);
  g.t = 100.0;
  g.bar.update(1);  // ETA 99 * 100s: "2:45:00", then " 100s/step"
  const size_t first = g.out.str().size();
  g.t = 100.5;
  g.bar.update(99);  // ETA "0s", " 5ms/step": 6 characters shorter, so 6 spaces clear the rest of the old line
  std::string second = g.out.str().substr(first);
  ASSERT_GE(second.size(), 7u);
  EXPECT_EQ(second.substr(second.size() - 7), "p" + std::string(6, ' '));
}

TEST(Progbar, StatefulMetricsAreShownAsGiven) {
  Harness h(Progbar(3, 20, 1, 0.0, std::vector<std::string>{"acc"}), true);
  h.t = 0.001;
  h.bar.update(1, {{"acc", 1.0}, {"loss", 1.0}});
  h.t = 0.002;
  h.bar.update(2, {{"acc", 0.0}, {"loss", 0.0}});
  const std::string out = h.out.str();
  EXPECT_NE(out.find("acc: 0.0000e+00 - loss: 0.5000"), std::string::npos) << out;
}

TEST(Progbar, StatelessListAveragesOnlyThoseNames) {
  Progbar bar(3, 20, 1, 0.0);
  bar.set_stateless_metrics({});
  std::ostringstream out;
  double t = 0.0;
  bar.set_stream(&out);
  bar.set_interactive(true);
  bar.set_clock([&] { return t; });
  t = 0.001;
  bar.update(1, {{"loss", 1.0}});
  t = 0.002;
  bar.update(2, {{"loss", 0.25}});
  EXPECT_NE(out.str().find("loss: 0.2500"), std::string::npos) << out.str();
}

TEST(Progbar, IntervalThrottlesRedraws) {
  Harness h(Progbar(10, 20, 1, 0.05), true);
  h.t = 0.001;
  h.bar.update(1);
  const size_t n = h.out.str().size();
  h.t = 0.02;
  h.bar.update(2);  // within 50 ms of the last draw: skipped
  EXPECT_EQ(h.out.str().size(), n);
  h.t = 0.1;
  h.bar.update(3);
  EXPECT_GT(h.out.str().size(), n);
}

TEST(Progbar, Verbose2PrintsOneLineWhenFinished) {
  Harness h(Progbar(1875, 20, 2));
  h.t = 0.001;
  h.bar.update(1, {{"accuracy", 0.5}, {"loss", 0.7}});
  EXPECT_EQ(h.out.str(), "");
  h.t = 2.7;
  h.bar.update(1875, {{"accuracy", 0.8253}, {"loss", 0.4981}});
  EXPECT_EQ(h.out.str(), "1875/1875 - 3s - 1ms/step - accuracy: 0.8253 - loss: 0.4981\n");
}

TEST(Progbar, Verbose0PrintsNothing) {
  Harness h(Progbar(2, 20, 0), true);
  h.bar.update(1, {{"loss", 1.0}});
  h.bar.update(2, {{"loss", 1.0}});
  EXPECT_EQ(h.out.str(), "");
}

TEST(Progbar, AddAdvancesFromTheCountSeen) {
  Harness h(Progbar(4));
  h.t = 1.0;
  h.bar.add(2);
  h.t = 2.0;
  h.bar.add(2, {{"loss", 0.125}});
  EXPECT_EQ(h.out.str(), "4/4 " + kBar20 + " 2s 500ms/step - loss: 0.1250\n");
}

TEST(Progbar, DefaultsMatchKeras) {
  Progbar bar(10);
  EXPECT_EQ(bar.verbose(), 1);
  EXPECT_EQ(bar.target(), keras::Dim(10));
  std::ostringstream out;
  bar.set_stream(&out);
  EXPECT_FALSE(bar.interactive());  // not std::cout: never a terminal
}
