#include "keras/core/kw.hpp"

#include <gtest/gtest.h>

using namespace keras;
using namespace keras::kw;

namespace {
struct Fake {
  using keywords = kw::keywords<kw::units_t, kw::activation_t, kw::input_shape_t, kw::use_bias_t, kw::rate_t>;
};
struct Axes {
  using keywords = kw::keywords<kw::axis_t>;
};
}  // namespace

TEST(Keywords, AnyOrderAndTypes) {
  kw::Kwargs a = kw::collect<Fake>(units = 5, activation = "relu", input_shape = {None, 3});
  kw::Kwargs b = kw::collect<Fake>(input_shape = {None, 3}, activation = "relu", units = 5);
  EXPECT_EQ(a.get<int>("units"), 5);
  EXPECT_EQ(b.get<int>("units"), 5);
  EXPECT_EQ(a.get<ActivationArg>("activation")->name, "relu");
  EXPECT_EQ(*b.get<Shape>("input_shape"), (Shape{None, 3}));
  EXPECT_FALSE(a.has("use_bias"));
  EXPECT_EQ(a.get_or("use_bias", true), true);
}

TEST(Keywords, NoneMeansDefault) {
  kw::Kwargs k = kw::collect<Fake>(activation = None, rate = 0.5);
  EXPECT_TRUE(k.has("activation"));
  EXPECT_TRUE(k.is_none("activation"));
  EXPECT_FALSE(k.get<ActivationArg>("activation").has_value());
  EXPECT_DOUBLE_EQ(*k.get<double>("rate"), 0.5);
}

TEST(Keywords, LastValueWins) {
  kw::Kwargs k = kw::collect<Fake>(units = 5, units = 7);
  EXPECT_EQ(k.get<int>("units"), 7);
}

TEST(Keywords, AxisIsAnIntOrAList) {
  // One axis is kept as an int (what layers taking one axis read), a list as an IntTuple, even a list of one.
  EXPECT_EQ(kw::collect<Axes>(axis = -1).get<int>("axis"), -1);
  EXPECT_EQ(kw::collect<Axes>(axis = {1, 2}).get<IntTuple>("axis")->values, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(kw::collect<Axes>(axis = {3}).get<IntTuple>("axis")->values, (std::vector<int64_t>{3}));
  EXPECT_TRUE(kw::collect<Axes>(axis = None).is_none("axis"));
  // Where one axis is read, a list is named in the message.
  try {
    kw::collect<Axes>(axis = {1, 2}).get<int>("axis");
    ADD_FAILURE() << "no error";
  } catch (const TypeError& e) {
    EXPECT_NE(std::string(e.what()).find("Keyword argument `axis` takes one value here, not a list: received "
                                         "axis={1, 2}."),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("Hint:"), std::string::npos) << e.what();
  }
}
