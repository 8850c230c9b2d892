// model.summary()'s table, following keras/src/utils/summary_utils.py print_summary and the parts of `rich`
// it relies on (rich/table.py, rich/text.py Text.wrap, rich/_wrap.py divide_line, rich/cells.py,
// rich/_ratio.py ratio_reduce, rich/containers.py Lines.justify), re-done on plain strings.
#include "keras/utils/summary_utils.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <utility>

#include "keras/core/errors.hpp"

namespace keras::utils {

namespace {

using U32 = std::u32string;

// ---------------------------------------------------------------------------------------------------------
// UTF-8 <-> code points. Python indexes strings by code point, and so do rich's offsets.

U32 decode_utf8(std::string_view s) {
  U32 out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    int len = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07;
    }
    bool ok = len > 0 && i + static_cast<size_t>(len) <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((c & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok) {  // not UTF-8: keep the byte as U+FFFD so the rest still lines up
      out.push_back(U'\uFFFD');
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

std::string encode_utf8(const U32& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : s) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Cell widths (rich/cells.py get_character_cell_size): 0 for combining marks, 2 for East Asian wide and
// full-width characters and emoji, else 1. A compact table covering the common ranges.

struct Range {
  char32_t lo, hi;
};

constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},   {0x23F0, 0x23F0},
    {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},   {0x267F, 0x267F},
    {0x2693, 0x2693},   {0x26A1, 0x26A1},   {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},   {0x2728, 0x2728},
    {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},
    {0x27B0, 0x27B0},   {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4}, {0x17000, 0x18AFF}, {0x1B000, 0x1B2FF},
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F202},
    {0x1F210, 0x1F23B}, {0x1F240, 0x1F248}, {0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F320},
    {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3},
    {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC},
    {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596},
    {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6D7}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F93A},
    {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

template <size_t N>
bool in_ranges(char32_t c, const Range (&ranges)[N]) {
  for (const Range& r : ranges)
    if (c >= r.lo && c <= r.hi) return true;
  return false;
}

int char_width(char32_t c) {
  if (c < 0x300) return 1;
  if (in_ranges(c, kZeroWidth)) return 0;
  if (in_ranges(c, kWide)) return 2;
  return 1;
}

int cell_len(const U32& s) {
  int n = 0;
  for (char32_t c : s) n += char_width(c);
  return n;
}

// Python's str.isspace(), which is what `\s` and str.rstrip() use.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// rich/cells.py set_cell_size: crop or pad to exactly `total` cells; a wide character cut in half becomes
// a space.
U32 set_cell_size(const U32& text, int total) {
  if (total <= 0) return U32();
  const int size = cell_len(text);
  if (size == total) return text;
  if (size < total) return text + U32(static_cast<size_t>(total - size), U' ');
  U32 out;
  int width = 0;
  for (char32_t c : text) {
    const int w = char_width(c);
    if (width + w > total) {
      if (width < total) out.append(static_cast<size_t>(total - width), U' ');
      return out;
    }
    out.push_back(c);
    width += w;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// rich's Text.wrap for one cell.

enum class Justify { kDefault, kLeft, kCenter, kRight };
enum class Overflow { kEllipsis, kFold };

// rich/_wrap.py words(): successive matches of r"\s*\S+\s*" anchored at the end of the previous one.
struct Word {
  size_t start, end;
};

std::vector<Word> split_words(const U32& text) {
  std::vector<Word> words;
  size_t pos = 0;
  const size_t n = text.size();
  while (pos < n) {
    size_t i = pos;
    while (i < n && is_space(text[i])) ++i;
    if (i == n) break;  // no \S+ left
    while (i < n && !is_space(text[i])) ++i;
    while (i < n && is_space(text[i])) ++i;
    words.push_back({pos, i});
    pos = i;
  }
  return words;
}

U32 rstripped(U32 s) {
  while (!s.empty() && is_space(s.back())) s.pop_back();
  return s;
}

// rich/cells.py chop_cells (rich >= 13.8): split into pieces of at most `width` cells, left to right.
std::vector<U32> chop_cells(const U32& text, int width) {
  std::vector<U32> lines(1);
  int total = 0;
  for (char32_t c : text) {
    const int w = char_width(c);
    if (total + w > width) {
      lines.push_back(U32(1, c));
      total = w;
    } else {
      lines.back().push_back(c);
      total += w;
    }
  }
  return lines;
}

// rich/_wrap.py divide_line: the code-point offsets at which to break `text` to fit `width` cells.
std::vector<size_t> divide_line(const U32& text, int width, bool fold) {
  std::vector<size_t> breaks;
  int cell_offset = 0;
  for (const Word& w : split_words(text)) {
    size_t start = w.start;
    const U32 word = text.substr(w.start, w.end - w.start);
    const int word_length = cell_len(rstripped(word));
    const int remaining_space = width - cell_offset;
    if (remaining_space >= word_length) {
      cell_offset += cell_len(word);
    } else if (word_length > width) {
      if (fold) {
        const std::vector<U32> folded = chop_cells(word, width);
        for (size_t k = 0; k < folded.size(); ++k) {
          if (start) breaks.push_back(start);
          if (k + 1 == folded.size())
            cell_offset = cell_len(folded[k]);
          else
            start += folded[k].size();
        }
      } else {
        if (start) breaks.push_back(start);
        cell_offset = cell_len(word);
      }
    } else if (cell_offset && start) {
      breaks.push_back(start);
      cell_offset = cell_len(word);
    }
  }
  return breaks;
}

// Text.truncate
void truncate(U32& line, int width, Overflow overflow, bool pad) {
  const int length = cell_len(line);
  if (length > width) {
    if (overflow == Overflow::kEllipsis)
      line = set_cell_size(line, width - 1) + U"\u2026";
    else
      line = set_cell_size(line, width);
  }
  if (pad && length < width) line.append(static_cast<size_t>(width - length), U' ');
}

// Text.expand_tabs on a line without newlines (rich counts positions in code points).
U32 expand_tabs(const U32& line, int tab_size) {
  if (line.find(U'\t') == U32::npos) return line;
  U32 out;
  size_t pos = 0;
  size_t part_start = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != U'\t') continue;
    U32 part = line.substr(part_start, i - part_start) + U" ";
    pos += part.size();
    out += part;
    const size_t spaces = static_cast<size_t>(tab_size) - ((pos - 1) % static_cast<size_t>(tab_size)) - 1;
    out.append(spaces, U' ');
    pos += spaces;
    part_start = i + 1;
  }
  out += line.substr(part_start);
  return out;
}

// Text.wrap(width, justify, overflow): the lines of one cell, each cropped to `width` cells (and, unless
// justify is kDefault, padded to it).
std::vector<U32> wrap_text(const U32& text, int width, Justify justify, Overflow overflow) {
  std::vector<U32> result;
  size_t seg_start = 0;
  while (true) {  // Text.split("\n", allow_blank=True)
    const size_t nl = text.find(U'\n', seg_start);
    const U32 segment = expand_tabs(text.substr(seg_start, nl == U32::npos ? U32::npos : nl - seg_start), 8);
    const std::vector<size_t> offsets = divide_line(segment, width, overflow == Overflow::kFold);
    std::vector<U32> lines;
    size_t prev = 0;
    for (size_t off : offsets) {
      lines.push_back(segment.substr(prev, off - prev));
      prev = off;
    }
    lines.push_back(segment.substr(prev));
    for (U32& line : lines) {
      // Text.rstrip_end: drop trailing whitespace beyond `width` (measured in code points, as rich does).
      if (line.size() > static_cast<size_t>(width < 0 ? 0 : width)) {
        const size_t excess = line.size() - static_cast<size_t>(width < 0 ? 0 : width);
        size_t ws = 0;
        while (ws < line.size() && is_space(line[line.size() - 1 - ws])) ++ws;
        line.resize(line.size() - std::min(ws, excess));
      }
      switch (justify) {  // Lines.justify
        case Justify::kLeft:
          truncate(line, width, overflow, /*pad=*/true);
          break;
        case Justify::kRight: {
          line = rstripped(std::move(line));
          truncate(line, width, overflow, false);
          const int pad = width - cell_len(line);
          if (pad > 0) line.insert(0, static_cast<size_t>(pad), U' ');
          break;
        }
        case Justify::kCenter: {
          line = rstripped(std::move(line));
          truncate(line, width, overflow, false);
          const int excess = width - cell_len(line);
          const int left = excess >= 0 ? excess / 2 : -((-excess + 1) / 2);  // Python's //
          if (left > 0) line.insert(0, static_cast<size_t>(left), U' ');
          const int right = width - cell_len(line);
          if (right > 0) line.append(static_cast<size_t>(right), U' ');
          break;
        }
        case Justify::kDefault:
          break;
      }
      truncate(line, width, overflow, false);
      result.push_back(std::move(line));
    }
    if (nl == U32::npos) break;
    seg_start = nl + 1;
  }
  return result;
}

// Text.append strips these control codes (rich/control.py STRIP_CONTROL_CODES: BEL, BS, VT, FF, CR).
U32 strip_control_codes(U32 s) {
  std::erase_if(s, [](char32_t c) { return c == 7 || c == 8 || c == 11 || c == 12 || c == 13; });
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Table layout.

// rich/_ratio.py ratio_reduce, with Python's round() (half to even).
std::vector<int> ratio_reduce(int total, std::vector<int> ratios, const std::vector<int>& maximums,
                              const std::vector<int>& values) {
  for (size_t i = 0; i < ratios.size(); ++i)
    if (!maximums[i]) ratios[i] = 0;
  int total_ratio = 0;
  for (int r : ratios) total_ratio += r;
  if (!total_ratio) return values;
  int total_remaining = total;
  std::vector<int> result;
  for (size_t i = 0; i < ratios.size(); ++i) {
    if (ratios[i] && total_ratio > 0) {
      const double share = static_cast<double>(ratios[i] * total_remaining) / static_cast<double>(total_ratio);
      const int distributed = std::min(maximums[i], static_cast<int>(std::nearbyint(share)));
      result.push_back(values[i] - distributed);
      total_remaining -= distributed;
      total_ratio -= ratios[i];
    } else {
      result.push_back(values[i]);
    }
  }
  return result;
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// One edge line of the box, e.g. "┏" + "━"*w + "┳" ... + "┓".
std::string box_line(const std::vector<int>& widths, std::string_view left, std::string_view fill,
                     std::string_view cross, std::string_view right) {
  std::string out(left);
  for (size_t i = 0; i < widths.size(); ++i) {
    if (i) out += cross;
    out += repeat(fill, widths[i]);
  }
  out += right;
  return out;
}

struct ColumnSpec {
  std::string header;
  Justify justify;
};

// The text lines of one table row: cells wrapped, padded by one space each side. Shorter cells get blank
// lines: below them in body rows (vertical="top"), above them in the header row (rich's Table._render
// aligns header cells to the bottom).
std::vector<std::string> render_row(const std::vector<U32>& cells, const std::vector<ColumnSpec>& columns,
                                    const std::vector<int>& widths, std::string_view vertical, bool header) {
  std::vector<std::vector<U32>> cell_lines;
  size_t height = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    const int content = std::max(0, widths[i] - 2);
    // Console.render draws nothing into less than one cell, so such a column adds no lines.
    std::vector<U32> lines;
    if (content >= 1) lines = wrap_text(cells[i], content, columns[i].justify, Overflow::kEllipsis);
    for (U32& line : lines) {
      line = set_cell_size(line, content);  // render_lines(pad=True)
      line = U" " + line + U" ";            // Padding(0, 1)
      line = set_cell_size(line, widths[i]);
    }
    height = std::max(height, lines.size());
    cell_lines.push_back(std::move(lines));
  }
  std::vector<std::string> out;
  for (size_t row = 0; row < height; ++row) {
    std::string line(vertical);
    for (size_t i = 0; i < cell_lines.size(); ++i) {
      if (i) line += vertical;
      const size_t blank_above = header ? height - cell_lines[i].size() : 0;
      if (row >= blank_above && row - blank_above < cell_lines[i].size())
        line += encode_utf8(cell_lines[i][row - blank_above]);
      else
        line += std::string(static_cast<size_t>(widths[i]), ' ');
    }
    line += vertical;
    out.push_back(std::move(line));
  }
  return out;
}

// Console.print of a plain string: wrapped at the console width (justify "default", overflow "fold").
void print_text(std::string& out, const std::string& text, int console_width) {
  for (const U32& line : wrap_text(strip_control_codes(decode_utf8(text)), console_width, Justify::kDefault,
                                   Overflow::kFold)) {
    out += encode_utf8(line);
    out += '\n';
  }
}

// Console.print(crop=True): every line of a renderable cut to the console width.
void print_cropped(std::string& out, const std::string& line, int console_width) {
  const U32 u = decode_utf8(line);
  out += cell_len(u) > console_width ? encode_utf8(set_cell_size(u, console_width)) : line;
  out += '\n';
}

}  // namespace

std::string format_with_commas(int64_t n) {
  const bool negative = n < 0;
  // Work on the unsigned magnitude so INT64_MIN is fine.
  uint64_t v = negative ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  std::string digits = std::to_string(v);
  std::string out;
  const size_t len = digits.size();
  for (size_t i = 0; i < len; ++i) {
    if (i && (len - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string format_bytes(double bytes) {
  // readable_memory_size: divide by 1024 until the value is below 1024, two decimals. Like Keras, a value
  // of 1024 PB or more has been divided once more when the loop ends (2000 PB prints "1.95 PB").
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  constexpr size_t kCount = sizeof(kUnits) / sizeof(kUnits[0]);
  char buf[64];
  for (size_t i = 0; i < kCount; ++i) {
    if (bytes / 1024 < 1) {
      std::snprintf(buf, sizeof buf, "%.2f %s", bytes, kUnits[i]);
      return buf;
    }
    bytes /= 1024;
  }
  std::snprintf(buf, sizeof buf, "%.2f %s", bytes, kUnits[kCount - 1]);
  return buf;
}

std::string render_summary(const SummaryTable& t) {
  // Columns, default width and positions: print_summary's sequential_like / functional branches.
  std::vector<ColumnSpec> columns = {
      {"Layer (type)", Justify::kLeft}, {"Output Shape", Justify::kLeft}, {"Param #", Justify::kRight}};
  int default_line_length = 88;
  std::vector<double> positions = {0.45, 0.80, 1.0};
  if (t.show_connected_to) {
    columns.push_back({"Connected to", Justify::kLeft});
    default_line_length = 108;
    positions = {0.3, 0.56, 0.74, 1.0};
  }
  if (!t.positions.empty()) positions = t.positions;
  if (t.show_trainable) {
    default_line_length += 12;
    for (double& p : positions) p = p * 0.90;
    positions.push_back(1.0);
    columns.push_back({"Trainable", Justify::kCenter});
  }
  default_line_length = std::min(default_line_length, t.terminal_columns - 4);
  const int line_length = t.line_length ? t.line_length : default_line_length;

  std::vector<int> column_widths;
  int current = 0;
  for (double pos : positions) {
    const int width = static_cast<int>(pos * line_length) - current;
    if (width < 4)
      throw ValueError("Insufficient console width to print summary.",
                       {.layer = t.model_name,
                        .expected = "columns of at least 4 characters",
                        .received = "line_length=" + std::to_string(line_length),
                        .hint = "pass a larger line_length to summary(), or widen the terminal."});
    column_widths.push_back(width);
    current += width;
  }
  if (column_widths.size() != columns.size())
    throw ValueError("`positions` must have one entry per column: expected " + std::to_string(columns.size()) +
                         ", received " + std::to_string(column_widths.size()) + ".",
                     {.layer = t.model_name,
                      .expected = std::to_string(columns.size()) + " positions",
                      .received = std::to_string(column_widths.size()) + " positions",
                      .hint = "give one relative end position per column, the last one 1.0."});

  // rich Table(width=line_length): each fixed column measures width + 2 (padding); the excess over the
  // space left between the borders is taken off evenly (ratio_reduce with ratios 1).
  const int n = static_cast<int>(columns.size());
  const int max_width = line_length - (n + 1);
  std::vector<int> widths;
  for (int w : column_widths) widths.push_back(std::min(w + 2, std::max(max_width, 0)));
  int table_width = 0;
  for (int w : widths) table_width += w;
  if (table_width > max_width) {
    widths = ratio_reduce(table_width - max_width, std::vector<int>(widths.size(), 1), widths, widths);
    for (int& w : widths) w = std::max(w, 0);
  }

  // Cells.
  std::vector<std::vector<U32>> body;
  for (const SummaryRow& row : t.rows) {
    std::vector<U32> cells;
    cells.push_back(decode_utf8(row.layer));
    cells.push_back(decode_utf8(row.output_shape));
    cells.push_back(decode_utf8(row.params ? format_with_commas(*row.params) : "0 (unbuilt)"));
    if (t.show_connected_to) {
      std::string connections;
      for (const std::string& c : row.connected_to) {
        if (!connections.empty()) connections += ", ";
        connections += c;
      }
      cells.push_back(decode_utf8(connections.empty() ? "-" : connections));
    }
    if (t.show_trainable) cells.push_back(decode_utf8(!row.trainable ? "-" : (*row.trainable ? "Y" : "N")));
    for (U32& c : cells) c = strip_control_codes(std::move(c));
    body.push_back(std::move(cells));
  }

  const int console_width = t.terminal_columns;
  std::string out;
  print_text(out, "Model: \"" + t.model_name + "\"", console_width);

  std::vector<std::string> lines;
  lines.push_back(box_line(widths, "┏", "━", "┳", "┓"));
  std::vector<U32> header;
  for (const ColumnSpec& c : columns) header.push_back(decode_utf8(c.header));
  for (std::string& l : render_row(header, columns, widths, "┃", /*header=*/true)) lines.push_back(std::move(l));
  lines.push_back(box_line(widths, "┡", "━", "╇", "┩"));
  for (size_t r = 0; r < body.size(); ++r) {
    if (r) lines.push_back(box_line(widths, "├", "─", "┼", "┤"));  // show_lines=True
    for (std::string& l : render_row(body[r], columns, widths, "│", /*header=*/false)) lines.push_back(std::move(l));
  }
  lines.push_back(box_line(widths, "└", "─", "┴", "┘"));
  for (const std::string& l : lines) print_cropped(out, l, console_width);

  // Totals (print_summary L344ff): Total includes the optimizer's variables once it is built.
  const double bpp = static_cast<double>(t.bytes_per_param);
  const double trainable_bytes = t.trainable_bytes.value_or(static_cast<double>(t.trainable_params) * bpp);
  const double non_trainable_bytes =
      t.non_trainable_bytes.value_or(static_cast<double>(t.non_trainable_params) * bpp);
  const int64_t optimizer_count = t.optimizer_params.value_or(0);
  const double optimizer_bytes =
      t.optimizer_params ? t.optimizer_bytes.value_or(static_cast<double>(optimizer_count) * bpp) : 0.0;
  const int64_t total = t.trainable_params + t.non_trainable_params + optimizer_count;
  const double total_bytes = trainable_bytes + non_trainable_bytes + optimizer_bytes;
  auto totals_line = [&](const char* label, int64_t count, double bytes) {
    print_text(out, std::string(" ") + label + ": " + format_with_commas(count) + " (" + format_bytes(bytes) + ")",
               console_width);
  };
  totals_line("Total params", total, total_bytes);
  totals_line("Trainable params", t.trainable_params, trainable_bytes);
  totals_line("Non-trainable params", t.non_trainable_params, non_trainable_bytes);
  if (t.optimizer_params) totals_line("Optimizer params", optimizer_count, optimizer_bytes);
  return out;
}

}  // namespace keras::utils
