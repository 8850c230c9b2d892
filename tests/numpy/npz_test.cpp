// keras::numpy .npz archives: savez / savez_compressed / load_npz round trips, and damaged or lying archives.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "keras/core/errors.hpp"
#include "keras/core/tensor.hpp"
#include "keras/numpy/numpy.hpp"
#include "keras/random/random.hpp"
#include "numpy/npy_test_util.hpp"

namespace {

using keras::Tensor;
using keras::test_support::error_of;
using keras::test_support::TempDir;
namespace np = keras::numpy;

std::map<std::string, Tensor> sample_arrays() {
  return {
      {"x_train", Tensor({0.5f, -1.0f, 2.25f, 3.0f, 4.0f, 5.0f}, {2, 3})},
      {"y_train", Tensor({1, 9, 0}, {3}).astype("uint8")},
      {"scalar", Tensor::scalar(7.5f).astype("float64")},
      {"empty", Tensor::zeros({0, 4})},
      {"dense_1/vars/0", Tensor({1, 2}, {2}).astype("int64")},  // keys as Keras's model.weights.npz has them
  };
}

void expect_same_arrays(const std::map<std::string, Tensor>& got, const std::map<std::string, Tensor>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [key, t] : want) {
    SCOPED_TRACE(key);
    auto it = got.find(key);
    ASSERT_NE(it, got.end());
    EXPECT_EQ(it->second.dims(), t.dims());
    EXPECT_EQ(it->second.dtype(), t.dtype());
    EXPECT_EQ(it->second.to_vector(), t.to_vector());
  }
}

uint32_t get32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + static_cast<size_t>(i)]);
  return v;
}
void put32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}
// Offset of the first central directory entry of a zip archive.
size_t central_directory(const std::string& zip) {
  size_t eocd = zip.rfind(std::string("PK\x05\x06", 4));
  EXPECT_NE(eocd, std::string::npos);
  size_t cd = get32(zip, eocd + 16);
  EXPECT_EQ(zip.compare(cd, 4, std::string("PK\x01\x02", 4)), 0);
  return cd;
}

TEST(Npz, SavezRoundTrip) {
  TempDir dir;
  auto arrays = sample_arrays();
  np::savez(dir.file("data.npz"), arrays);
  std::string bytes = keras::test_support::read_file(dir.file("data.npz"));
  EXPECT_EQ(bytes.substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_NE(bytes.find("x_train.npy"), std::string::npos);
  expect_same_arrays(np::load_npz(dir.file("data.npz")), arrays);
}

TEST(Npz, SavezCompressedRoundTrip) {
  TempDir dir;
  auto arrays = sample_arrays();
  arrays["zeros"] = Tensor::zeros({1000});
  np::savez_compressed(dir.file("data"), arrays);  // ".npz" is appended, as numpy does
  ASSERT_TRUE(std::filesystem::exists(dir.file("data.npz")));
  EXPECT_LT(std::filesystem::file_size(dir.file("data.npz")), 2000u);  // 4000 bytes of zeros compress away
  expect_same_arrays(np::load_npz(dir.file("data.npz")), arrays);
}

TEST(Npz, InMemoryRoundTrip) {
  auto arrays = sample_arrays();
  arrays["random"] = keras::random::normal({64, 32});
  for (bool compressed : {false, true}) {
    SCOPED_TRACE(compressed);
    std::string bytes = np::dumps_npz(arrays, compressed);
    expect_same_arrays(np::loads_npz(bytes, "mem.npz"), arrays);
  }
  // Members are exactly np.save's bytes.
  auto plain = np::dumps_npz({{"a", Tensor{1, 2, 3}}});
  EXPECT_NE(plain.find(np::dumps(Tensor{1, 2, 3})), std::string::npos);
}

TEST(Npz, EmptyArchive) {
  TempDir dir;
  np::savez(dir.file("empty.npz"), {});
  EXPECT_TRUE(np::load_npz(dir.file("empty.npz")).empty());
  EXPECT_TRUE(np::loads_npz(np::dumps_npz({})).empty());
}

TEST(Npz, WrongKindOfFile) {
  TempDir dir;
  np::save(dir.file("a.npy"), Tensor{1});
  np::savez(dir.file("b.npz"), {{"a", Tensor{1}}});
  EXPECT_CONTAINS(error_of([&] { np::load_npz(dir.file("a.npy")); }), "keras::numpy::load.");
  EXPECT_CONTAINS(error_of([&] { np::load(dir.file("b.npz")); }), "load_npz");
  EXPECT_CONTAINS(error_of([&] { np::load_npz(dir.file("missing.npz")); }), "No such file or directory");
  keras::test_support::write_file(dir.file("junk.npz"), std::string(100, 'x'));
  std::string msg = error_of([&] { np::load_npz(dir.file("junk.npz")); });
  EXPECT_CONTAINS(msg, "junk.npz");
  EXPECT_CONTAINS(msg, "Not a zip archive");
  EXPECT_CONTAINS(error_of([] { np::loads_npz(""); }), "Cannot load .npz archive");
}

TEST(NpzHostile, TruncatedAndCorruptArchives) {
  std::map<std::string, Tensor> arrays = {{"w", keras::random::normal({50, 20})}};
  for (bool compressed : {false, true}) {
    SCOPED_TRACE(compressed);
    std::string good = np::dumps_npz(arrays, compressed);
    for (size_t cut : {good.size() / 2, good.size() - 10, size_t{30}}) {
      SCOPED_TRACE(cut);
      EXPECT_CONTAINS(error_of([&] { np::loads_npz(good.substr(0, cut)); }), "Cannot load");
    }
    // Damage the member's data: a CRC or inflate error, never a crash.
    std::string bad = good;
    size_t mid = good.find("w.npy") + 5 + 128 + 200;
    for (size_t i = 0; i < 64; ++i) bad[mid + i] = static_cast<char>(bad[mid + i] ^ 0x5a);
    EXPECT_CONTAINS(error_of([&] { np::loads_npz(bad, "bad.npz"); }), "'bad.npz'");
  }
  // A stored member whose data was changed fails the CRC check.
  std::string stored = np::dumps_npz(arrays, false);
  stored[stored.find("\x93NUMPY") + 128 + 17] ^= 1;
  EXPECT_CONTAINS(error_of([&] { np::loads_npz(stored); }), "damaged");
}

TEST(NpzHostile, LyingNpyHeaderInsideAMember) {
  std::string zip = np::dumps_npz({{"a", Tensor{1, 2}}}, false);
  size_t npy = zip.find("\x93NUMPY");
  ASSERT_NE(npy, std::string::npos);
  ASSERT_EQ(static_cast<uint8_t>(zip[npy + 8]), 118u);  // header length, format 1.0
  auto patch = [&](const std::string& dict) {
    std::string z = zip;
    std::string text = dict + std::string(117 - dict.size(), ' ') + "\n";
    z.replace(npy + 10, 118, text);
    return z;
  };
  std::string huge = patch("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000000000), }");
  std::string msg = error_of([&] { np::loads_npz(huge, "weights.npz"); });
  EXPECT_CONTAINS(msg, "member 'a.npy' of 'weights.npz'");
  EXPECT_CONTAINS(msg, "(1000000000, 1000000000)");
  EXPECT_CONTAINS(error_of([&] { np::loads_npz(patch("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }")); }),
                  "only 8 bytes follow");
  EXPECT_CONTAINS(error_of([&] { np::loads_npz(patch("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }")); }),
                  "object arrays");
}

TEST(NpzHostile, LyingDirectorySizes) {
  // A stored member whose directory entry claims 2 GiB.
  std::string stored = np::dumps_npz({{"a", Tensor{1, 2}}}, false);
  size_t cd = central_directory(stored);
  put32(stored, cd + 24, 0x7ffffff0u);
  EXPECT_CONTAINS(error_of([&] { np::loads_npz(stored); }), "stored (uncompressed) member declares");
  // A deflated member claiming more than deflate can produce from its compressed size.
  std::string deflated = np::dumps_npz({{"a", Tensor::zeros({100})}}, true);
  cd = central_directory(deflated);
  ASSERT_EQ(static_cast<uint8_t>(deflated[cd + 10]), 8u);  // method: deflate
  put32(deflated, cd + 24, 0x7ffffff0u);
  EXPECT_CONTAINS(error_of([&] { np::loads_npz(deflated); }), "more than deflate can produce");
  // A compressed size larger than the archive.
  std::string big = np::dumps_npz({{"a", Tensor::zeros({100})}}, true);
  cd = central_directory(big);
  put32(big, cd + 20, 0x7ffffff0u);
  EXPECT_CONTAINS(error_of([&] { np::loads_npz(big); }), "Cannot load");
  // A directory entry declaring fewer bytes than the member's .npy header needs.
  std::string shorter = np::dumps_npz({{"a", Tensor::zeros({100})}}, true);
  cd = central_directory(shorter);
  put32(shorter, cd + 24, get32(shorter, cd + 24) - 4);
  EXPECT_CONTAINS(error_of([&] { np::loads_npz(shorter); }), "only 396 bytes follow the header");
}

}  // namespace
