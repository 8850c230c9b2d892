// The Python spellings the callbacks use: repr(float) (CSVLogger, messages) and str.format (ModelCheckpoint).
#include "callbacks/callback_utils.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "keras/core/errors.hpp"

using keras::callback_types::detail::FormatValue;
using keras::callback_types::detail::higher_is_better;
using keras::callback_types::detail::python_format;

TEST(CallbackUtils, PythonStrFormat) {
  std::map<std::string, FormatValue> f{{"epoch", int64_t{3}}, {"loss", 0.123456}, {"big", 1234567.0},
                                       {"neg", -0.5}, {"n", int64_t{-42}}};
  EXPECT_EQ(python_format("{epoch:02d}", f), "03");
  EXPECT_EQ(python_format("{epoch}", f), "3");
  EXPECT_EQ(python_format("{epoch:.2f}", f), "3.00");
  EXPECT_EQ(python_format("{loss:.2f}", f), "0.12");
  EXPECT_EQ(python_format("{loss:.3e}", f), "1.235e-01");
  EXPECT_EQ(python_format("{loss}", f), "0.123456");
  EXPECT_EQ(python_format("{loss:.4}", f), "0.1235");
  EXPECT_EQ(python_format("{big:.3}", f), "1.23e+06");
  EXPECT_EQ(python_format("{big:,.1f}", f), "1,234,567.0");
  EXPECT_EQ(python_format("{loss:8.3f}|{loss:<8.3f}|{loss:^9.3f}", f), "   0.123|0.123   |  0.123  ");
  EXPECT_EQ(python_format("{neg:07.2f}", f), "-000.50");
  EXPECT_EQ(python_format("{n:+d} {epoch:+d} {epoch: d}", f), "-42 +3  3");
  EXPECT_EQ(python_format("{epoch:x>4}", f), "xxx3");
  EXPECT_EQ(python_format("{loss:.1%}", f), "12.3%");
  EXPECT_EQ(python_format("{{epoch}}-{epoch}", f), "{epoch}-3");
  EXPECT_EQ(python_format("{epoch!r:>3}", f), "  3");
  EXPECT_THROW(python_format("{missing}", f), std::out_of_range);
  EXPECT_THROW(python_format("{loss:d}", f), keras::ValueError);
  EXPECT_THROW(python_format("{epoch:.2d}", f), keras::ValueError);
  EXPECT_THROW(python_format("{epoch", f), keras::ValueError);
  EXPECT_THROW(python_format("{}", f), keras::ValueError);
}

TEST(CallbackUtils, MonitorDirection) {
  EXPECT_EQ(higher_is_better("loss"), false);
  EXPECT_EQ(higher_is_better("val_loss"), false);
  EXPECT_EQ(higher_is_better("val_accuracy"), true);
  EXPECT_EQ(higher_is_better("acc"), true);
  EXPECT_EQ(higher_is_better("val_sparse_categorical_accuracy"), true);
  EXPECT_EQ(higher_is_better("mean_absolute_error"), false);
  EXPECT_EQ(higher_is_better("val_auc_2"), true);
  EXPECT_EQ(higher_is_better("false_positives"), false);
  EXPECT_EQ(higher_is_better("true_positives"), true);
  EXPECT_EQ(higher_is_better("output_a_loss"), false);
  EXPECT_EQ(higher_is_better("val_output_b_mae"), false);
  EXPECT_FALSE(higher_is_better("my_score").has_value());
  EXPECT_FALSE(higher_is_better("val_").has_value());
}
