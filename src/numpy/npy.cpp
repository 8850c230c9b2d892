// .npy files: numpy.lib.format, versions 1.0, 2.0 and 3.0.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

#include "core/error_hint.hpp"
#include "keras/core/errors.hpp"
#include "keras/numpy/numpy.hpp"
#include "numpy/npy_format.hpp"

namespace keras::numpy {
namespace {
}  // namespace

namespace detail {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr bool kHostBig = std::endian::native == std::endian::big;

std::string shape_str(const std::vector<int64_t>& s) { return to_string(Shape::of(s)); }

// Bytes as Python's repr of a bytes object shows them (b'\x93NUMPY'), at most `limit` of them.
std::string bytes_repr(const uint8_t* p, size_t n, size_t limit = 16) {
  std::string out = "b'";
  for (size_t i = 0; i < std::min(n, limit); ++i) {
    unsigned c = p[i];
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  out += '\'';
  if (n > limit) out += "...";
  return out;
}

// The header text for messages: printable, and cut short.
std::string header_excerpt(const std::string& text) {
  std::string out;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (out.size() >= 160) {
      out += "...";
      break;
    }
    if (c == '\n') continue;
    if (c >= 0x20 && c < 0x7f) out += ch;
    else out += '?';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// ---- A parser for the Python dict literal numpy writes: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }

struct HeaderParser {
  const std::string& text;
  const std::string& source;
  size_t pos = 0;

  [[noreturn]] void bad(const std::string& why) const {
    fail(source, "the header does not parse (" + why + "). Header: " + header_excerpt(text),
         "the file is not a valid .npy file, or it is damaged; write it again with numpy.save.");
  }
  void skip_ws() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }
  bool eat(char c) {
    skip_ws();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) bad(std::string("expected '") + c + "' at offset " + std::to_string(pos));
  }
  std::string string_literal() {
    skip_ws();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      bad("expected a string at offset " + std::to_string(pos));
    char quote = text[pos++];
    size_t start = pos;
    while (pos < text.size() && text[pos] != quote) {
      if (text[pos] == '\\' || text[pos] == '\n') bad("unsupported character in a string");
      ++pos;
    }
    if (pos >= text.size()) bad("unterminated string");
    return text.substr(start, pos++ - start);
  }
  bool starts_with(const char* word) const { return text.compare(pos, std::strlen(word), word) == 0; }
};

struct ParsedDict {
  std::optional<std::string> descr;
  std::optional<bool> fortran;
  std::optional<std::vector<int64_t>> shape;
};

ParsedDict parse_dict(const std::string& text, const std::string& source) {
  HeaderParser p{text, source};
  ParsedDict d;
  std::vector<std::string> keys;
  p.expect('{');
  while (!p.eat('}')) {
    std::string key = p.string_literal();
    keys.push_back(key);
    p.expect(':');
    p.skip_ws();
    if (key == "descr") {
      if (p.pos < text.size() && text[p.pos] == '[')
        fail(source, "structured dtypes (records with named fields) are not supported. Header: " + header_excerpt(text),
             "save a plain numeric array, e.g. one array per field.");
      d.descr = p.string_literal();
    } else if (key == "fortran_order") {
      if (p.starts_with("True")) {
        d.fortran = true;
        p.pos += 4;
      } else if (p.starts_with("False")) {
        d.fortran = false;
        p.pos += 5;
      } else {
        p.bad("fortran_order is not a valid bool");
      }
    } else if (key == "shape") {
      if (!p.eat('(')) p.bad("shape is not a tuple");
      std::vector<int64_t> shape;
      while (!p.eat(')')) {
        p.skip_ws();
        if (p.pos < text.size() && text[p.pos] == '-')
          fail(source, "the header declares a negative dimension. Header: " + header_excerpt(text),
               "the file is damaged or was not written by numpy.");
        if (p.pos >= text.size() || text[p.pos] < '0' || text[p.pos] > '9') p.bad("shape holds something not an integer");
        int64_t v = 0;
        while (p.pos < text.size() && text[p.pos] >= '0' && text[p.pos] <= '9') {
          int digit = text[p.pos++] - '0';
          if (v > (std::numeric_limits<int64_t>::max() - digit) / 10)
            fail(source, "the header declares a dimension too large to represent. Header: " + header_excerpt(text),
                 "the file is damaged or was not written by numpy.");
          v = v * 10 + digit;
        }
        if (p.pos < text.size() && (text[p.pos] == 'L' || text[p.pos] == 'l')) ++p.pos;  // Python 2 long
        shape.push_back(v);
        if (static_cast<int>(shape.size()) > kMaxDims)
          fail(source, "the header declares more than " + std::to_string(kMaxDims) + " dimensions.",
               "the file is damaged or was not written by numpy.");
        if (!p.eat(',')) {
          p.expect(')');
          // A one-element tuple needs its comma: (5) is the number 5 in Python, not a shape.
          if (shape.size() == 1) p.bad("shape is not a tuple");
          break;
        }
      }
      d.shape = std::move(shape);
    } else {
      fail(source, "the header does not contain the correct keys: unexpected key '" + header_excerpt(key) +
                       "'. Header: " + header_excerpt(text),
           "numpy headers hold exactly 'descr', 'fortran_order' and 'shape'.");
    }
    if (!p.eat(',')) {
      p.expect('}');
      break;
    }
  }
  p.skip_ws();
  if (p.pos != text.size()) p.bad("unexpected text after the dict");
  if (!d.descr || !d.fortran || !d.shape) {
    std::string got;
    for (const auto& k : keys) got += (got.empty() ? "'" : ", '") + header_excerpt(k) + "'";
    fail(source, "the header does not contain the correct keys: expected 'descr', 'fortran_order', 'shape', got {" +
                     got + "}",
         "numpy headers hold exactly 'descr', 'fortran_order' and 'shape'.");
  }
  return d;
}

void parse_descr(NpyHeader& h, const std::string& descr, const std::string& source) {
  const std::string hint =
      "keraspp reads bool, int8/16/32/64, uint8/16/32/64, float16, float32 and float64 arrays; convert with "
      "arr.astype('float32') before numpy.save.";
  auto unsupported = [&](const std::string& why) { fail(source, why, hint); };
  if (descr.empty()) unsupported("the header's descr is empty");
  size_t i = 0;
  char order = '=';
  if (descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=') order = descr[i++];
  if (i >= descr.size()) unsupported("dtype '" + header_excerpt(descr) + "' is not understood");
  char kind = descr[i++];
  if (kind == 'O')
    fail(source,
         "object arrays cannot be loaded: they hold pickled Python objects, and loading pickles from files is unsafe "
         "(numpy itself refuses with allow_pickle=False).",
         hint);
  std::string size_text = descr.substr(i);
  bool digits = !size_text.empty() && size_text.size() <= 3 &&
                std::all_of(size_text.begin(), size_text.end(), [](char c) { return c >= '0' && c <= '9'; });
  int itemsize = digits ? std::stoi(size_text) : 0;
  std::string name;
  if (kind == 'b' && itemsize == 1) name = "bool";
  else if (kind == 'i' && (itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8))
    name = "int" + std::to_string(itemsize * 8);
  else if (kind == 'u' && (itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8))
    name = "uint" + std::to_string(itemsize * 8);
  else if (kind == 'f' && (itemsize == 2 || itemsize == 4 || itemsize == 8))
    name = "float" + std::to_string(itemsize * 8);
  else {
    std::string what;
    switch (kind) {
      case 'U': case 'S': case 'a': what = " (strings)"; break;
      case 'c': what = " (complex numbers)"; break;
      case 'M': case 'm': what = " (dates and times)"; break;
      case 'V': what = " (raw or structured records)"; break;
      default: break;
    }
    unsupported("dtype '" + header_excerpt(descr) + "'" + what + " is not supported");
  }
  bool big = order == '>' ? true : order == '<' ? false : kHostBig;
  h.kind = kind;
  h.itemsize = itemsize;
  h.swap = itemsize > 1 && big != kHostBig;
  h.descr = descr;
  h.dtype = name;
}

// ---- Element conversion

uint16_t bswap(uint16_t v) { return static_cast<uint16_t>((v >> 8) | (v << 8)); }
uint32_t bswap(uint32_t v) { return __builtin_bswap32(v); }
uint64_t bswap(uint64_t v) { return __builtin_bswap64(v); }
uint8_t bswap(uint8_t v) { return v; }

float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  if (exp == 0) {
    float f = std::ldexp(static_cast<float>(mant), -24);  // zero or subnormal
    return sign ? -f : f;
  }
  uint32_t bits = exp == 31 ? (sign | 0x7f800000u | (mant << 13)) : (sign | ((exp + 112) << 23) | (mant << 13));
  return std::bit_cast<float>(bits);
}

uint16_t float_to_half(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  uint32_t a = x & 0x7fffffffu;
  if (a >= 0x7f800000u) return static_cast<uint16_t>(sign | 0x7c00u | (a > 0x7f800000u ? 0x200u : 0u));
  if (a >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to infinity
  if (a < 0x38800000u) {                                                // a half subnormal (or zero)
    float v = std::bit_cast<float>(a) * 16777216.0f;                    // exact: scaled by 2^24
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(v)));
  }
  uint32_t mant = a & 0x7fffffu;
  uint32_t h = ((((a >> 23) - 127 + 15)) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // round half to even; a carry moves into the exponent
  return static_cast<uint16_t>(sign | h);
}

template <class Raw>
Raw read_raw(const uint8_t* p, bool swap) {
  Raw r;
  std::memcpy(&r, p, sizeof r);
  return swap ? bswap(r) : r;
}

template <class T, class Raw>
void convert(const uint8_t* src, float* dst, int64_t n, bool swap) {
  for (int64_t i = 0; i < n; ++i) {
    T v = std::bit_cast<T>(read_raw<Raw>(src + i * static_cast<int64_t>(sizeof(Raw)), swap));
    if constexpr (std::is_same_v<T, double>) {
      // Beyond float's range is infinity (as numpy's astype gives), without relying on an undefined conversion.
      if (v > std::numeric_limits<float>::max()) dst[i] = std::numeric_limits<float>::infinity();
      else if (v < -std::numeric_limits<float>::max()) dst[i] = -std::numeric_limits<float>::infinity();
      else dst[i] = static_cast<float>(v);
    } else {
      dst[i] = static_cast<float>(v);
    }
  }
}

void decode(const NpyHeader& h, const uint8_t* src, float* dst) {
  int64_t n = h.count;
  switch (h.kind) {
    case 'b':
      for (int64_t i = 0; i < n; ++i) dst[i] = src[i] ? 1.0f : 0.0f;
      return;
    case 'i':
      switch (h.itemsize) {
        case 1: return convert<int8_t, uint8_t>(src, dst, n, false);
        case 2: return convert<int16_t, uint16_t>(src, dst, n, h.swap);
        case 4: return convert<int32_t, uint32_t>(src, dst, n, h.swap);
        default: return convert<int64_t, uint64_t>(src, dst, n, h.swap);
      }
    case 'u':
      switch (h.itemsize) {
        case 1: return convert<uint8_t, uint8_t>(src, dst, n, false);
        case 2: return convert<uint16_t, uint16_t>(src, dst, n, h.swap);
        case 4: return convert<uint32_t, uint32_t>(src, dst, n, h.swap);
        default: return convert<uint64_t, uint64_t>(src, dst, n, h.swap);
      }
    default:
      switch (h.itemsize) {
        case 2:
          for (int64_t i = 0; i < n; ++i) dst[i] = half_to_float(read_raw<uint16_t>(src + 2 * i, h.swap));
          return;
        case 4: return convert<float, uint32_t>(src, dst, n, h.swap);
        default: return convert<double, uint64_t>(src, dst, n, h.swap);
      }
  }
}

// Fortran (column-major) values into row-major order.
void fortran_to_c(const std::vector<int64_t>& shape, const float* in, float* out, int64_t n) {
  size_t nd = shape.size();
  std::vector<int64_t> stride(nd, 1);  // row-major strides
  for (size_t k = nd; k-- > 1;) stride[k - 1] = stride[k] * shape[k];
  std::vector<int64_t> idx(nd, 0);
  int64_t off = 0;
  for (int64_t i = 0; i < n; ++i) {
    out[off] = in[i];
    for (size_t k = 0; k < nd; ++k) {  // the first index varies fastest in Fortran order
      if (++idx[k] < shape[k]) {
        off += stride[k];
        break;
      }
      off -= (shape[k] - 1) * stride[k];
      idx[k] = 0;
    }
  }
}

// ---- Writing

template <class Raw>
void put(std::string& out, Raw r) {
  if constexpr (kHostBig) r = bswap(r);
  char b[sizeof r];
  std::memcpy(b, &r, sizeof r);
  out.append(b, sizeof r);
}

// A float value as an integer of type I, as a C cast would give for in-range values; out of range clamps, NaN is 0.
template <class I>
I to_int(float v) {
  if (std::isnan(v)) return 0;
  constexpr double lo = static_cast<double>(std::numeric_limits<I>::min());
  constexpr double hi_excl = static_cast<double>(std::numeric_limits<I>::max()) + 1.0;  // a power of two
  double d = v;
  if (d < lo) return std::numeric_limits<I>::min();
  if (d >= hi_excl) return std::numeric_limits<I>::max();
  return static_cast<I>(d);
}

}  // namespace

void fail(const std::string& source, const std::string& what, const std::string& hint) {
  throw ValueError("Cannot load .npy data from " + source + ": " + what,
                   hint_of(hint.empty() ? "the data is damaged or was not written by numpy; write it again with "
                                          "numpy.save (or numpy.savez)."
                                        : hint));
}

bool has_npy_magic(const uint8_t* data, size_t size) {
  return size >= kMagicLen && std::memcmp(data, kMagic, kMagicLen) == 0;
}

bool has_zip_magic(const uint8_t* data, size_t size) {
  return size >= 4 && data[0] == 'P' && data[1] == 'K' &&
         ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6));
}

size_t header_total_length(const uint8_t* data, size_t size, const std::string& source) {
  if (size == 0)
    fail(source, "the file is empty (0 bytes)", "this is not a .npy file; write it again with numpy.save.");
  if (size < kMagicLen || std::memcmp(data, kMagic, std::min(size, kMagicLen)) != 0) {
    if (has_zip_magic(data, size))
      fail(source, "this is a .npz (zip) archive, not a .npy file", "read it with keras::numpy::load_npz.");
    if (size < kMagicLen && std::memcmp(data, kMagic, size) == 0)
      fail(source, "the file is truncated: " + std::to_string(size) + " bytes, too short for a .npy header",
           "the file was cut short (an interrupted download or copy?); write it again with numpy.save.");
    fail(source, "the magic string is not correct; expected b'\\x93NUMPY', got " + bytes_repr(data, size, 6),
         "this is not a .npy file (numpy.save writes files that begin with \\x93NUMPY).");
  }
  if (size < kMinPrefix)
    fail(source, "the file is truncated: " + std::to_string(size) + " bytes, too short for a .npy header",
         "the file was cut short (an interrupted download or copy?); write it again with numpy.save.");
  int major = data[6], minor = data[7];
  if (!((major == 1 || major == 2 || major == 3) && minor == 0))
    fail(source, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                     "; keraspp reads versions 1.0, 2.0 and 3.0",
         "write the file with numpy.save (which writes version 1.0 unless the header is very long).");
  size_t prefix = major == 1 ? 10 : 12;
  if (size < prefix)
    fail(source, "the file is truncated: " + std::to_string(size) + " bytes, too short for a .npy header",
         "the file was cut short (an interrupted download or copy?); write it again with numpy.save.");
  uint64_t hlen = major == 1 ? static_cast<uint64_t>(data[8] | (data[9] << 8))
                             : static_cast<uint64_t>(data[8]) | (static_cast<uint64_t>(data[9]) << 8) |
                                   (static_cast<uint64_t>(data[10]) << 16) | (static_cast<uint64_t>(data[11]) << 24);
  if (hlen > kMaxHeaderLen)
    fail(source, "the header claims to be " + std::to_string(hlen) + " bytes long; keraspp accepts at most " +
                     std::to_string(kMaxHeaderLen),
         "the file is damaged or was not written by numpy.");
  return prefix + static_cast<size_t>(hlen);
}

NpyHeader parse_header(const uint8_t* data, size_t size, const std::string& source) {
  size_t total = header_total_length(data, size, source);
  if (size < total)
    fail(source, "the file is truncated: the header needs " + std::to_string(total) + " bytes but only " +
                     std::to_string(size) + " are there",
         "the file was cut short (an interrupted download or copy?); write it again with numpy.save.");
  size_t prefix = data[6] == 1 ? 10 : 12;
  std::string text(reinterpret_cast<const char*>(data) + prefix, total - prefix);
  if (data[6] < 3)
    for (char c : text)
      if (static_cast<unsigned char>(c) >= 0x80)
        fail(source, "the header is not latin-1/ASCII text, as format " + std::to_string(data[6]) + ".0 requires",
             "the file is damaged or was not written by numpy.");
  if (text.find('\0') != std::string::npos)
    fail(source, "the header contains a NUL byte. Header: " + header_excerpt(text),
         "the file is damaged or was not written by numpy.");
  ParsedDict d = parse_dict(text, source);
  NpyHeader h;
  parse_descr(h, *d.descr, source);
  h.fortran = *d.fortran;
  h.shape = std::move(*d.shape);
  h.data_offset = total;
  // The element count and byte count, refusing anything that overflows.
  uint64_t count = 1;
  bool overflow = false;
  for (int64_t dim : h.shape) {
    uint64_t u = static_cast<uint64_t>(dim);
    if (u != 0 && count > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / u) overflow = true;
    else count *= u;
  }
  bool empty = std::find(h.shape.begin(), h.shape.end(), int64_t{0}) != h.shape.end();
  if (empty) count = 0, overflow = false;
  if (overflow || count > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(h.itemsize))
    fail(source, "the header declares shape " + shape_str(h.shape) + ", whose size overflows",
         "the file is damaged or was not written by numpy.");
  h.count = static_cast<int64_t>(count);
  h.data_bytes = count * static_cast<uint64_t>(h.itemsize);
  return h;
}

void check_data_size(const NpyHeader& h, uint64_t available, const std::string& source) {
  if (h.data_bytes > available)
    fail(source, "the header declares shape " + shape_str(h.shape) + " of " + h.dtype + " (" +
                     std::to_string(h.data_bytes) + " bytes of data), but only " + std::to_string(available) +
                     " bytes follow the header",
         "the file is truncated or its header is wrong; write it again with numpy.save.");
}

Tensor allocate_for(const NpyHeader& h) { return Tensor::empty(h.shape); }

bool is_raw_float32(const NpyHeader& h) {
  return h.kind == 'f' && h.itemsize == 4 && !h.swap && (!h.fortran || h.shape.size() <= 1);
}

Tensor with_dtype(Tensor t, const std::string& dtype) {
  // Values are already exact for the dtype, so astype only records it.
  Tensor out = t;
  return out.set_dtype(dtype);
}

Tensor finish(const NpyHeader& h, Tensor t, const uint8_t* data) {
  if (is_raw_float32(h)) {
    if (h.data_bytes) std::memcpy(t.data(), data, h.data_bytes);
    return t;
  }
  bool transpose = h.fortran && h.shape.size() > 1 && h.count > 1;
  if (!transpose) {
    decode(h, data, t.data());
    return with_dtype(std::move(t), h.dtype);
  }
  std::vector<float> tmp(static_cast<size_t>(h.count));
  decode(h, data, tmp.data());
  fortran_to_c(h.shape, tmp.data(), t.data(), h.count);
  return with_dtype(std::move(t), h.dtype);
}

std::string encode(const Tensor& t) {
  if (!t.defined()) throw ValueError("numpy.save: the tensor is undefined (default-constructed); there is nothing to save.");
  std::string descr = descr_for_dtype(t.dtype());
  std::string shape = "(";
  const auto& dims = t.dims();
  for (size_t i = 0; i < dims.size(); ++i) shape += (i ? ", " : "") + std::to_string(dims[i]);
  if (dims.size() == 1) shape += ",";
  shape += ")";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // numpy leaves room to grow the first axis in place (GROWTH_AXIS_MAX_DIGITS = 21), then pads to 64 bytes.
  if (!dims.empty()) header.append(21 - std::min<size_t>(21, std::to_string(dims[0]).size()), ' ');
  size_t hlen = header.size() + 1;
  bool v2 = false;
  size_t pad = 64 - (10 + hlen) % 64;
  if (hlen + pad > 65535) {
    v2 = true;
    pad = 64 - (12 + hlen) % 64;
  }
  header.append(pad, ' ');
  header += '\n';
  std::string out(kMagic, kMagicLen);
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\0';
  if (v2) put<uint32_t>(out, static_cast<uint32_t>(header.size()));
  else put<uint16_t>(out, static_cast<uint16_t>(header.size()));
  out += header;
  const float* p = t.data();
  int64_t n = t.size();
  const std::string& dt = t.dtype();
  size_t itemsize = static_cast<size_t>(std::stoi(descr.substr(2)));
  out.reserve(out.size() + static_cast<size_t>(n) * itemsize);
  if (dt == "float32") {
    if constexpr (!kHostBig) out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(n) * sizeof(float));
    else
      for (int64_t i = 0; i < n; ++i) put<uint32_t>(out, std::bit_cast<uint32_t>(p[i]));
  } else if (dt == "float64") {
    for (int64_t i = 0; i < n; ++i) put<uint64_t>(out, std::bit_cast<uint64_t>(static_cast<double>(p[i])));
  } else if (dt == "float16") {
    for (int64_t i = 0; i < n; ++i) put<uint16_t>(out, float_to_half(p[i]));
  } else if (dt == "bool") {
    for (int64_t i = 0; i < n; ++i) out += static_cast<char>(p[i] != 0.0f ? 1 : 0);
  } else if (dt == "int8") {
    for (int64_t i = 0; i < n; ++i) out += static_cast<char>(to_int<int8_t>(p[i]));
  } else if (dt == "uint8") {
    for (int64_t i = 0; i < n; ++i) out += static_cast<char>(to_int<uint8_t>(p[i]));
  } else if (dt == "int16") {
    for (int64_t i = 0; i < n; ++i) put<uint16_t>(out, static_cast<uint16_t>(to_int<int16_t>(p[i])));
  } else if (dt == "uint16") {
    for (int64_t i = 0; i < n; ++i) put<uint16_t>(out, to_int<uint16_t>(p[i]));
  } else if (dt == "int32") {
    for (int64_t i = 0; i < n; ++i) put<uint32_t>(out, static_cast<uint32_t>(to_int<int32_t>(p[i])));
  } else if (dt == "uint32") {
    for (int64_t i = 0; i < n; ++i) put<uint32_t>(out, to_int<uint32_t>(p[i]));
  } else if (dt == "int64") {
    for (int64_t i = 0; i < n; ++i) put<uint64_t>(out, static_cast<uint64_t>(to_int<int64_t>(p[i])));
  } else {  // uint64
    for (int64_t i = 0; i < n; ++i) put<uint64_t>(out, to_int<uint64_t>(p[i]));
  }
  return out;
}

}  // namespace detail

std::string descr_for_dtype(const std::string& dtype) {
  static const std::pair<const char*, const char*> table[] = {
      {"float32", "<f4"}, {"float64", "<f8"}, {"float16", "<f2"}, {"bool", "|b1"},   {"int8", "|i1"},
      {"uint8", "|u1"},   {"int16", "<i2"},   {"uint16", "<u2"},  {"int32", "<i4"},  {"uint32", "<u4"},
      {"int64", "<i8"},   {"uint64", "<u8"},
  };
  for (const auto& [name, descr] : table)
    if (dtype == name) return descr;
  throw ValueError("numpy.save: dtype '" + dtype + "' cannot be written to a .npy file",
                   hint_of("convert the tensor with astype(\"float32\") (or another numeric dtype) first."));
}

namespace {


struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

[[noreturn]] void io_error(const std::string& what, const std::string& path, int err) {
  throw ValueError(what + ": [Errno " + std::to_string(err) + "] " + std::strerror(err) + ": '" + path + "'",
                   hint_of("check the path and its permissions."));
}


}  // namespace

Tensor parse_npy(const void* data, size_t size, const std::string& source_name) {
  const std::string source = detail::squote(source_name);
  static const uint8_t kEmpty = 0;
  const auto* bytes = size ? static_cast<const uint8_t*>(data) : &kEmpty;
  if (!bytes) detail::fail(source, "no data (null pointer)");
  detail::NpyHeader h = detail::parse_header(bytes, size, source);
  detail::check_data_size(h, size - h.data_offset, source);
  return detail::finish(h, detail::allocate_for(h), bytes + h.data_offset);
}

Tensor loads(const std::string& bytes, const std::string& source_name) {
  return parse_npy(bytes.data(), bytes.size(), source_name);
}

std::string dumps(const Tensor& array) { return detail::encode(array); }

Tensor load(const std::string& path) {
  const std::string source = detail::squote(path);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ValueError("numpy.load: " + source + " is a directory, not a .npy file", hint_of("check the path."));
  errno = 0;
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) io_error("numpy.load: cannot open the file", path, errno ? errno : ENOENT);
  if (std::fseek(f.get(), 0, SEEK_END) != 0) io_error("numpy.load: cannot read the file", path, errno);
  long end = std::ftell(f.get());
  if (end < 0) io_error("numpy.load: cannot read the file", path, errno);
  std::rewind(f.get());
  uint64_t file_size = static_cast<uint64_t>(end);
  // Magic, version and header length first; then the header; then (checked against the file size) the data.
  uint8_t prefix[12];
  size_t got = std::fread(prefix, 1, sizeof prefix, f.get());
  size_t total = detail::header_total_length(prefix, got, source);
  if (total > file_size)
    detail::fail(source, "the file is truncated: the header needs " + std::to_string(total) + " bytes but the file has " +
                             std::to_string(file_size),
                 "the file was cut short (an interrupted download or copy?); write it again with numpy.save.");
  std::vector<uint8_t> head(total);
  std::memcpy(head.data(), prefix, std::min(got, total));
  if (total > got && std::fread(head.data() + got, 1, total - got, f.get()) != total - got)
    detail::fail(source, "the file is truncated inside its header");
  detail::NpyHeader h = detail::parse_header(head.data(), head.size(), source);
  detail::check_data_size(h, file_size - total, source);
  Tensor t = detail::allocate_for(h);
  auto read_exact = [&](void* dst, size_t n) {
    if (n && std::fread(dst, 1, n, f.get()) != n)
      detail::fail(source, "the file is truncated: it ended before the " + std::to_string(h.data_bytes) +
                               " bytes of data its header declares",
                   "the file was cut short; write it again with numpy.save.");
  };
  if (detail::is_raw_float32(h)) {
    read_exact(t.data(), static_cast<size_t>(h.data_bytes));
    return t;
  }
  std::vector<uint8_t> raw(static_cast<size_t>(h.data_bytes));
  read_exact(raw.data(), raw.size());
  return detail::finish(h, std::move(t), raw.data());
}

void save(const std::string& path, const Tensor& array) {
  std::string bytes = detail::encode(array);
  std::string target = path.ends_with(".npy") ? path : path + ".npy";
  errno = 0;
  File f(std::fopen(target.c_str(), "wb"));
  if (!f) io_error("numpy.save: cannot create the file", target, errno ? errno : EIO);
  if (std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size())
    io_error("numpy.save: cannot write the file", target, errno ? errno : EIO);
  if (std::fclose(f.release()) != 0) io_error("numpy.save: cannot write the file", target, errno ? errno : EIO);
}

}  // namespace keras::numpy
