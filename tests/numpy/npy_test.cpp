// keras::numpy .npy reading and writing: round trips, numpy's exact bytes, hand-made files, hostile headers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "keras/core/errors.hpp"
#include "keras/core/tensor.hpp"
#include "keras/numpy/numpy.hpp"
#include "numpy/npy_test_util.hpp"

namespace {

using keras::Tensor;
using keras::test_support::error_of;
using keras::test_support::npy_bytes;
using keras::test_support::TempDir;
namespace np = keras::numpy;

const char* kFloatHeader = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";

std::string le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

void expect_exact_values(const Tensor& t, const std::vector<float>& want) {
  ASSERT_EQ(t.size(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) EXPECT_TRUE(std::isnan(t.data()[i])) << "at " << i;
    else EXPECT_EQ(t.data()[i], want[i]) << "at " << i;
  }
}

struct DtypeCase {
  const char* dtype;
  const char* descr;
  std::vector<float> values;
};

const std::vector<DtypeCase>& dtype_cases() {
  static const std::vector<DtypeCase> cases = {
      {"float32", "<f4", {0.1f, -2.5f, 1e30f, -0.0f}},
      {"float64", "<f8", {0.1f, -2.5f, 1e30f, 3.0f}},
      {"float16", "<f2", {0.5f, -2.0f, 65504.0f, 5.9604645e-08f}},
      {"bool", "|b1", {0, 1, 1, 0}},
      {"int8", "|i1", {-128, 127, 0, -1}},
      {"uint8", "|u1", {0, 255, 128, 1}},
      {"int16", "<i2", {-32768, 32767, 0, -5}},
      {"uint16", "<u2", {0, 65535, 300, 1}},
      {"int32", "<i4", {-2147483648.0f, 16777216, -7, 2147483520.0f}},
      {"uint32", "<u4", {0, 4294967040.0f, 70000, 1}},
      {"int64", "<i8", {-9223372036854775808.0f, 4611686018427387904.0f, -3, 0}},
      {"uint64", "<u8", {0, 4611686018427387904.0f, 12345, 1}},
  };
  return cases;
}

TEST(Npy, RoundTripsEveryDtypeInMemory) {
  for (const auto& c : dtype_cases()) {
    SCOPED_TRACE(c.dtype);
    Tensor t = Tensor(c.values, {2, 2}).astype(c.dtype);
    std::string bytes = np::dumps(t);
    EXPECT_NE(bytes.find(std::string("'descr': '") + c.descr + "'"), std::string::npos);
    EXPECT_EQ(bytes.size() % 64, (t.size() * std::stoi(std::string(c.descr).substr(2))) % 64);
    Tensor back = np::loads(bytes);
    EXPECT_EQ(back.dtype(), c.dtype);
    EXPECT_EQ(back.dims(), (std::vector<int64_t>{2, 2}));
    expect_exact_values(back, c.values);
    EXPECT_EQ(np::descr_for_dtype(c.dtype), c.descr);
  }
}

TEST(Npy, RoundTripsEveryDtypeThroughFiles) {
  TempDir dir;
  for (const auto& c : dtype_cases()) {
    SCOPED_TRACE(c.dtype);
    Tensor t = Tensor(c.values, {4}).astype(c.dtype);
    std::string path = dir.file(std::string(c.dtype) + ".npy");
    np::save(path, t);
    Tensor back = np::load(path);
    EXPECT_EQ(back.dtype(), c.dtype);
    EXPECT_EQ(back.dims(), (std::vector<int64_t>{4}));
    expect_exact_values(back, c.values);
  }
}

TEST(Npy, SaveAppendsTheSuffixAsNumpyDoes) {
  TempDir dir;
  np::save(dir.file("weights"), Tensor{1, 2, 3});
  EXPECT_EQ(np::load(dir.file("weights.npy")).to_vector(), (std::vector<float>{1, 2, 3}));
}

TEST(Npy, WritesNumpysExactHeader) {
  // Byte for byte what numpy 1.x/2.x writes for np.zeros((2, 3), 'f4') and a 0-d float64 and a 1-d uint8.
  std::string b = np::dumps(Tensor::zeros({2, 3}));
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  header += std::string(20, ' ');  // room to grow the first axis to 21 digits
  header += std::string(128 - 10 - header.size() - 1, ' ') + "\n";
  EXPECT_EQ(b.substr(0, 10), std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  EXPECT_EQ(b.substr(10, 118), header);
  EXPECT_EQ(b.size(), 128u + 24u);

  std::string s = np::dumps(Tensor::scalar(3.5f).astype("float64"));
  EXPECT_EQ(s.substr(10, 60), "{'descr': '<f8', 'fortran_order': False, 'shape': (), }     ");
  EXPECT_EQ(s.size(), 128u + 8u);  // no growth padding for 0-d arrays; 64-byte alignment
  double d;
  std::memcpy(&d, s.data() + 128, 8);
  EXPECT_EQ(d, 3.5);

  std::string u = np::dumps(Tensor{7, 8}.astype("uint8"));
  EXPECT_NE(u.find("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }"), std::string::npos);
}

TEST(Npy, ReproducesARealNumpyFileByteForByte) {
  const std::string path = std::string(KERASPP_SHARED_DIR) + "/fixtures/keras/k3_mnist_cnn.ref_in0.npy";
  std::string original = keras::test_support::read_file(path);
  ASSERT_FALSE(original.empty()) << path;
  EXPECT_EQ(np::dumps(np::load(path)), original);
}

TEST(Npy, ReadsTheMnistCnnFixture) {
  Tensor t = np::load(std::string(KERASPP_SHARED_DIR) + "/fixtures/keras/k3_mnist_cnn.ref_in0.npy");
  EXPECT_EQ(t.dims(), (std::vector<int64_t>{2, 28, 28, 1}));
  EXPECT_EQ(t.dtype(), "float32");
  for (int64_t i = 0; i < 784; ++i) ASSERT_EQ(t.data()[i], 0.5f) << i;
  // Sample 1 is the fixture's "ramp": x.flat[i] = ((i*37) % 101)/50 - 1, computed in double, cast to float32.
  for (int64_t i = 0; i < 784; ++i)
    ASSERT_EQ(t.data()[784 + i], static_cast<float>(static_cast<double>((i * 37) % 101) / 50.0 - 1.0)) << i;
}

TEST(Npy, ReadsAFloat64FixtureWrittenByKeras) {
  const std::string path = std::string(KERASPP_SHARED_DIR) + "/fixtures/keras/dl4j_lstm_th_keras_2.keras_input.npy";
  Tensor t = np::load(path);
  EXPECT_EQ(t.dims(), (std::vector<int64_t>{283, 4, 12}));
  EXPECT_EQ(t.dtype(), "float64");
  std::string raw = keras::test_support::read_file(path);
  ASSERT_EQ(raw.size(), 128u + 283u * 4u * 12u * 8u);
  for (int64_t i : {int64_t{0}, int64_t{1}, int64_t{4000}, t.size() - 1}) {
    double d;
    std::memcpy(&d, raw.data() + 128 + 8 * i, 8);
    EXPECT_EQ(t.data()[i], static_cast<float>(d)) << i;
  }
}

TEST(Npy, ReadsBigEndianData) {
  // np.array([1.0, -2.5], '>f4')
  Tensor f = np::loads(npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n",
                                 std::string("\x3f\x80\x00\x00\xc0\x20\x00\x00", 8)));
  expect_exact_values(f, {1.0f, -2.5f});
  EXPECT_EQ(f.dtype(), "float32");
  // np.array([1, -2, 300], '>i2')
  Tensor i = np::loads(npy_bytes("{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }\n",
                                 std::string("\x00\x01\xff\xfe\x01\x2c", 6)));
  expect_exact_values(i, {1, -2, 300});
  EXPECT_EQ(i.dtype(), "int16");
  // np.array([70000], '>u4'), np.array([-2], '>i8'), np.array([0.1], '>f8'), np.array([1.5], '>f2')
  expect_exact_values(np::loads(npy_bytes("{'descr': '>u4', 'fortran_order': False, 'shape': (1,), }",
                                          std::string("\x00\x01\x11\x70", 4))),
                      {70000});
  expect_exact_values(np::loads(npy_bytes("{'descr': '>i8', 'fortran_order': False, 'shape': (1,), }",
                                          std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8))),
                      {-2});
  expect_exact_values(np::loads(npy_bytes("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }",
                                          std::string("\x3f\xb9\x99\x99\x99\x99\x99\x9a", 8))),
                      {0.1f});
  Tensor h = np::loads(npy_bytes("{'descr': '>f2', 'fortran_order': False, 'shape': (1,), }", std::string("\x3e\x00", 2)));
  expect_exact_values(h, {1.5f});
  EXPECT_EQ(h.dtype(), "float16");
  // Little-endian and "not applicable" byte orders too.
  // (Values of 2^63 and above are not checked here: Tensor::astype("uint64") converts through int64.)
  expect_exact_values(np::loads(npy_bytes("{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }",
                                          std::string("\x01\x00\x00\x00\x00\x00\x00\x01", 8))),
                      {72057594037927937.0f});
  expect_exact_values(np::loads(npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", "\x80\x7f")),
                      {-128, 127});
}

TEST(Npy, ReadsFloat16SpecialValues) {
  // 0x0001: smallest subnormal; 0x7bff: 65504; 0xfc00: -inf; 0x7e00: nan; 0x8000: -0.0; 0x2e66: 0.1 in half.
  Tensor t = np::loads(npy_bytes("{'descr': '<f2', 'fortran_order': False, 'shape': (6,), }",
                                 std::string("\x01\x00\xff\x7b\x00\xfc\x00\x7e\x00\x80\x66\x2e", 12)));
  expect_exact_values(t, {5.9604645e-08f, 65504.0f, -std::numeric_limits<float>::infinity(),
                          std::numeric_limits<float>::quiet_NaN(), -0.0f, 0.0999755859375f});
  EXPECT_TRUE(std::signbit(t.data()[4]));
}

TEST(Npy, WritesFloat16RoundedToNearestEven) {
  Tensor t = Tensor({0.1f, 1.0f + 1.0f / 2048.0f, 65519.0f, 65520.0f, 1e-8f, -3.0f}, {6}).astype("float16");
  std::string b = np::dumps(t);
  std::string data = b.substr(b.size() - 12);
  // 0.1 -> 0x2e66; 1 + 2^-11 is a tie between 1 and 1 + 2^-10 -> even (0x3c00); 65519 -> 65504 (0x7bff);
  // 65520 -> inf (0x7c00); 1e-8 -> 0 (below half the smallest subnormal); -3 -> 0xc200.
  EXPECT_EQ(data, std::string("\x66\x2e\x00\x3c\xff\x7b\x00\x7c\x00\x00\x00\xc2", 12));
}

TEST(Npy, ReadsFortranOrder) {
  // np.asfortranarray([[1, 2, 3], [4, 5, 6]], 'i4') stores the columns: 1 4 2 5 3 6.
  std::string data;
  for (uint32_t v : {1u, 4u, 2u, 5u, 3u, 6u}) data += le32(v);
  Tensor t = np::loads(npy_bytes("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", data));
  EXPECT_EQ(t.dims(), (std::vector<int64_t>{2, 3}));
  expect_exact_values(t, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(t.dtype(), "int32");

  // A 3-d float32 Fortran array: element (i, j, k) = 100i + 10j + k, stored with i varying fastest.
  std::string f3;
  for (int k = 0; k < 4; ++k)
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 2; ++i) {
        float v = static_cast<float>(100 * i + 10 * j + k);
        f3.append(reinterpret_cast<const char*>(&v), 4);
      }
  Tensor u = np::loads(npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }", f3));
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) EXPECT_EQ(u.at({i, j, k}), 100 * i + 10 * j + k);
  // Fortran order also through a file (the streaming reader).
  TempDir dir;
  keras::test_support::write_file(dir.file("f.npy"),
                             npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }", f3));
  EXPECT_TRUE(keras::allclose(np::load(dir.file("f.npy")), u));
}

TEST(Npy, ReadsFormatVersions2And3) {
  std::string data;
  for (uint32_t v : {1u, 2u}) data += le32(v);
  for (int major : {2, 3}) {
    SCOPED_TRACE(major);
    Tensor t = np::loads(npy_bytes("{'descr': '<u4', 'fortran_order': False, 'shape': (2,), }   \n", data, major));
    expect_exact_values(t, {1, 2});
    EXPECT_EQ(t.dtype(), "uint32");
  }
}

TEST(Npy, ReadsZeroDimensionalAndEmptyArrays) {
  // np.save(f, np.float64(3.5)) and np.array(True)
  Tensor s = np::loads(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n",
                                 std::string("\x00\x00\x00\x00\x00\x00\x0c\x40", 8)));
  EXPECT_EQ(s.ndim(), 0);
  EXPECT_EQ(s.item(), 3.5f);
  EXPECT_EQ(s.dtype(), "float64");
  Tensor b = np::loads(npy_bytes("{'descr': '|b1', 'fortran_order': False, 'shape': (), }", "\x01"));
  EXPECT_EQ(b.ndim(), 0);
  EXPECT_EQ(b.item(), 1.0f);
  EXPECT_EQ(b.dtype(), "bool");
  Tensor e = np::loads(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", ""));
  EXPECT_EQ(e.dims(), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(e.size(), 0);
  // An empty array whose other dimension is enormous is still empty, and fine.
  EXPECT_EQ(np::loads(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4000000000000000000), }", ""))
                .size(),
            0);
  // 0-d and empty arrays round-trip.
  EXPECT_EQ(np::loads(np::dumps(Tensor::scalar(-1.25f))).item(), -1.25f);
  EXPECT_EQ(np::loads(np::dumps(Tensor::zeros({3, 0}))).dims(), (std::vector<int64_t>{3, 0}));
}

TEST(Npy, ReadsBoolsAndHeaderVariants) {
  // Any non-zero byte is True, as numpy treats it.
  expect_exact_values(np::loads(npy_bytes("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
                                          std::string("\x00\x01\x02", 3))),
                      {0, 1, 1});
  // Keys in another order, double quotes, no trailing comma, a Python 2 long, tabs.
  expect_exact_values(np::loads(npy_bytes("{\"shape\": (2L,),\t\"fortran_order\": False, \"descr\": \"<f4\"}\n",
                                          std::string("\x00\x00\x80\x3f\x00\x00\x00\x40", 8))),
                      {1, 2});
  // Data after the declared array is ignored, as numpy ignores it.
  expect_exact_values(np::loads(npy_bytes(kFloatHeader, std::string("\x00\x00\x80\x3f\x00\x00\x00\x40xyz", 11))),
                      {1, 2});
}

// ---- Hostile input: every malformed file is a ValueError with a clear message.

std::string load_error(const std::string& bytes) {
  return error_of([&] { np::parse_npy(bytes.data(), bytes.size(), "evil.npy"); });
}

std::string header_error(const std::string& header, const std::string& data = "") {
  return load_error(npy_bytes(header, data));
}

TEST(NpyHostile, BadMagicAndVersions) {
  std::string good = npy_bytes(kFloatHeader, std::string(8, '\0'));
  EXPECT_CONTAINS(load_error("hello world, this is not numpy"), "magic string is not correct");
  EXPECT_CONTAINS(load_error("hello world, this is not numpy"), "'evil.npy'");
  EXPECT_CONTAINS(load_error(""), "empty");
  EXPECT_CONTAINS(load_error(std::string("\x93NUM", 4)), "truncated");
  std::string v4 = good;
  v4[6] = 4;
  EXPECT_CONTAINS(load_error(v4), "format version 4.0");
  std::string v11 = good;
  v11[7] = 1;
  EXPECT_CONTAINS(load_error(v11), "format version 1.1");
  EXPECT_CONTAINS(load_error(std::string("PK\x03\x04rest of a zip", 17)), "load_npz");
}

TEST(NpyHostile, TruncatedFiles) {
  std::string good = npy_bytes(kFloatHeader, std::string(8, '\0'));
  for (size_t cut : {size_t{7}, size_t{9}, size_t{20}, good.size() - 9}) {
    SCOPED_TRACE(cut);
    EXPECT_CONTAINS(load_error(good.substr(0, cut)), "truncated");
  }
  // The header says 10 float32 values; 39 bytes follow.
  std::string msg = header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }", std::string(39, '\0'));
  EXPECT_CONTAINS(msg, "(10,)");
  EXPECT_CONTAINS(msg, "40 bytes of data");
  EXPECT_CONTAINS(msg, "only 39 bytes follow");
}

TEST(NpyHostile, LyingShapes) {
  std::string msg = header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000000), }",
                                 std::string(64, '\0'));
  EXPECT_CONTAINS(msg, "(1000000000, 1000000000)");
  EXPECT_CONTAINS(msg, "4000000000000000000 bytes of data");
  EXPECT_CONTAINS(msg, "evil.npy");
  EXPECT_CONTAINS(header_error("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }"),
                  "overflows");
  EXPECT_CONTAINS(header_error("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483648, 2147483648), }"),
                  "overflows");  // the count fits in int64, the byte count does not
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }"),
                  "too large");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"), "negative");
  std::string many = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (int i = 0; i < 65; ++i) many += "1, ";
  EXPECT_CONTAINS(header_error(many + "), }"), "more than 64 dimensions");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (5), }"), "shape is not a tuple");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': False, 'shape': [5], }"), "shape is not a tuple");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }"), "does not parse");
}

TEST(NpyHostile, BadDtypes) {
  auto with_descr = [](const std::string& descr) {
    return header_error("{'descr': " + descr + ", 'fortran_order': False, 'shape': (1,), }", std::string(64, '\0'));
  };
  EXPECT_CONTAINS(with_descr("'|O'"), "object arrays cannot be loaded");
  EXPECT_CONTAINS(with_descr("'<U10'"), "strings");
  EXPECT_CONTAINS(with_descr("'|S5'"), "strings");
  EXPECT_CONTAINS(with_descr("'<c8'"), "complex");
  EXPECT_CONTAINS(with_descr("'<M8[ns]'"), "dates");
  EXPECT_CONTAINS(with_descr("'|V16'"), "not supported");
  EXPECT_CONTAINS(with_descr("'<f16'"), "'<f16'");
  EXPECT_CONTAINS(with_descr("'<i3'"), "not supported");
  EXPECT_CONTAINS(with_descr("'<f99999999999'"), "not supported");
  EXPECT_CONTAINS(with_descr("''"), "empty");
  EXPECT_CONTAINS(with_descr("[('x', '<f4'), ('y', '<i4')]"), "structured dtypes");
  EXPECT_CONTAINS(with_descr("3"), "does not parse");
}

TEST(NpyHostile, MalformedHeaders) {
  EXPECT_CONTAINS(header_error("not a dict at all"), "does not parse");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'shape': (1,), }"), "correct keys");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}"), "unexpected key");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': maybe, 'shape': (1,), }"), "not a valid bool");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk"), "after the dict");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)"), "does not parse");
  EXPECT_CONTAINS(header_error("{'descr: '<f4', 'fortran_order': False, 'shape': (1,), }"), "does not parse");
  const char with_nul[] = "{'descr': '<f4',\0 'fortran_order': False, 'shape': (1,), }";
  EXPECT_CONTAINS(header_error(std::string(with_nul, sizeof with_nul - 1)), "NUL");
  EXPECT_CONTAINS(header_error("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\xff"), "not latin-1/ASCII");
  // A format 2.0 header claiming 4 GiB.
  std::string huge("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14);
  EXPECT_CONTAINS(load_error(huge), "claims to be 4294967295 bytes");
  // A format 2.0 header longer than the file.
  std::string longer("\x93NUMPY\x02\x00\x00\x10\x00\x00{}", 14);
  EXPECT_CONTAINS(load_error(longer), "truncated");
}

TEST(NpyHostile, FileErrorsNameTheFile) {
  TempDir dir;
  std::string path = dir.file("bad.npy");
  keras::test_support::write_file(path, npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000000), }",
                                             std::string(16, '\0')));
  std::string msg = error_of([&] { np::load(path); });
  EXPECT_CONTAINS(msg, path);
  EXPECT_CONTAINS(msg, "only 16 bytes follow");
  keras::test_support::write_file(path, "garbage");
  EXPECT_CONTAINS(error_of([&] { np::load(path); }), "magic string is not correct");
  keras::test_support::write_file(path, "");
  EXPECT_CONTAINS(error_of([&] { np::load(path); }), "empty");
  keras::test_support::write_file(path, npy_bytes(kFloatHeader, "").substr(0, 30));
  EXPECT_CONTAINS(error_of([&] { np::load(path); }), "truncated");
  EXPECT_CONTAINS(error_of([&] { np::load(dir.file("missing.npy")); }), "No such file or directory");
  EXPECT_CONTAINS(error_of([&] { np::load(dir.file("missing.npy")); }), "missing.npy");
  EXPECT_CONTAINS(error_of([&] { np::load(dir.path()); }), "is a directory");
  EXPECT_CONTAINS(error_of([&] { np::save(dir.file("no/such/dir/x.npy"), Tensor{1}); }), "No such file or directory");
}

TEST(NpyHostile, RefusesDtypesItCannotWrite) {
  EXPECT_CONTAINS(error_of([] { np::descr_for_dtype("complex64"); }), "complex64");
  EXPECT_CONTAINS(error_of([] { np::dumps(Tensor()); }), "undefined");
}

}  // namespace
