#include "core/py_repr.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using keras::py_float;

// Python 3's repr(float) for each value; messages and configs quote numbers as Keras prints them.
TEST(PyRepr, FloatAsPythonPrintsIt) {
  EXPECT_EQ(py_float(0.5), "0.5");
  EXPECT_EQ(py_float(0.1), "0.1");
  EXPECT_EQ(py_float(100.0), "100.0");
  EXPECT_EQ(py_float(0.0), "0.0");
  EXPECT_EQ(py_float(-0.0), "-0.0");
  EXPECT_EQ(py_float(-2.5), "-2.5");
  EXPECT_EQ(py_float(1e-05), "1e-05");
  EXPECT_EQ(py_float(1.5e-07), "1.5e-07");
  EXPECT_EQ(py_float(1e16), "1e+16");
  EXPECT_EQ(py_float(1.2345678901234568e+17), "1.2345678901234568e+17");
  EXPECT_EQ(py_float(1234567890123456.0), "1234567890123456.0");
  EXPECT_EQ(py_float(0.30000000000000004), "0.30000000000000004");
  EXPECT_EQ(py_float(static_cast<double>(0.1f)), "0.10000000149011612");
  EXPECT_EQ(py_float(std::nan("")), "nan");
  EXPECT_EQ(py_float(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(py_float(-std::numeric_limits<double>::infinity()), "-inf");
}

// Where Python keeps fixed notation although scientific is shorter: std::to_chars alone prints these as "1e-04" and
// "1e+05" (the initializers' and confusion metrics' own copies did, before they shared this one).
TEST(PyRepr, FixedNotationWhereScientificIsShorter) {
  EXPECT_EQ(py_float(0.0001), "0.0001");
  EXPECT_EQ(py_float(100000.0), "100000.0");
  EXPECT_EQ(py_float(1e15), "1000000000000000.0");
  EXPECT_EQ(py_float(-0.00025), "-0.00025");
}
