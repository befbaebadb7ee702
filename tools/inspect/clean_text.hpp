// tools/inspect/clean_text.hpp: module names and other user bytes made safe to print.
//
// What a name is: the bytes given on the command line, compared as bytes (two names are the
// same name exactly when their bytes are equal). The tool takes only names that are UTF-8 text
// (a name that is not is a `names` error, told on the command line's error line with its bytes
// escaped): JSON strings hold Unicode text, and a JSON writer that printed valid names unchanged
// could not also print names holding other bytes distinctly from every valid name. Hidden
// characters (hidden() below: controls, and the invisible or reordering ones such as bidi
// overrides, zero-width characters, the soft hyphen, U+2028) are valid UTF-8 and are kept: JSON
// writes them as \uXXXX escapes (json_escape_hidden), and everything printed for people (the
// tables, the plan, the error line, the SVG) shows printable(name), which is one-to-one:
//   - a backslash prints as two backslashes;
//   - each byte of a hidden character or of invalid UTF-8 prints as \xNN (lower-case hex);
//   - everything else prints as itself.
// So no escape sequence reaches a terminal, no name reads reversed or hides a character, an XML
// document gets only characters XML 1.0 allows, and two different names never print the same.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hetgrid::inspect::clean_text {

// The length (1-4) of the well-formed UTF-8 sequence that starts at s[i], and its code point;
// 0 where the bytes there are not one (a stray continuation byte, an overlong form, a surrogate,
// a code point past U+10FFFF, a sequence cut short).
inline std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  std::size_t length = 0;
  char32_t cp = 0, min = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, cp = lead & 0x1fu, min = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, cp = lead & 0x0fu, min = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, cp = lead & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() - i < length) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0u) != 0x80u) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  code_point = cp;
  return length;
}

inline bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Characters that never print as themselves: they move a terminal's cursor or start its escape
// sequences (C0, DEL, C1); they reorder or hide text (Unicode's format characters, Cf: bidi
// embeddings, overrides, isolates and marks, zero-width characters, the soft hyphen, tags; and
// the other default-ignorable code points: variation selectors, Hangul fillers); they break a
// line (U+2028, U+2029); or they are noncharacters (XML 1.0 allows no U+FFFE / U+FFFF).
constexpr bool hidden(char32_t cp) {
  struct range {
    char32_t first, last;
  };
  constexpr range ranges[] = {
      {0x0000, 0x001f},   {0x007f, 0x009f},   {0x00ad, 0x00ad},   {0x034f, 0x034f},
      {0x0600, 0x0605},   {0x061c, 0x061c},   {0x06dd, 0x06dd},   {0x070f, 0x070f},
      {0x0890, 0x0891},   {0x08e2, 0x08e2},   {0x115f, 0x1160},   {0x17b4, 0x17b5},
      {0x180b, 0x180f},   {0x200b, 0x200f},   {0x2028, 0x202e},   {0x2060, 0x206f},
      {0x3164, 0x3164},   {0xfdd0, 0xfdef},   {0xfe00, 0xfe0f},   {0xfeff, 0xfeff},
      {0xffa0, 0xffa0},   {0xfff0, 0xfffb},   {0x110bd, 0x110bd}, {0x110cd, 0x110cd},
      {0x13430, 0x1343f}, {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a}, {0xe0000, 0xe0fff}};
  if (cp >= 0x20 && cp < 0x7f) return false;  // printable ASCII, most of any name
  for (const range& r : ranges)
    if (cp >= r.first && cp <= r.last) return true;
  return (cp & 0xfffeu) == 0xfffeu;  // U+FFFE, U+FFFF and their twins in every plane
}

// The one-to-one printable form described at the top of this file.
inline std::string printable(std::string_view s) {
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  const auto escape_byte = [&](unsigned char b) {
    out += "\\x";
    out += hex[b >> 4];
    out += hex[b & 0xfu];
  };
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(s, i, cp);
    if (n == 0) {
      escape_byte(static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (cp == '\\') {
      out += "\\\\";
    } else if (hidden(cp)) {
      for (std::size_t k = 0; k < n; ++k) escape_byte(static_cast<unsigned char>(s[i + k]));
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

// JSON text (valid UTF-8, as nlohmann writes it) with each hidden character that is left raw
// written as a \uXXXX escape (a surrogate pair past U+FFFF): the same JSON value, printable.
inline std::string json_escape_hidden(std::string_view json_text) {
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(json_text.size());
  const auto escape_unit = [&](char32_t unit) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += hex[(unit >> shift) & 0xfu];
  };
  for (std::size_t i = 0; i < json_text.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(json_text, i, cp);
    if (n == 0 || !hidden(cp)) {  // nlohmann's own escapes and every other character stay
      out.append(json_text.substr(i, n == 0 ? 1 : n));
    } else if (cp < 0x10000) {
      escape_unit(cp);
    } else {
      escape_unit(0xd800u + ((cp - 0x10000u) >> 10));
      escape_unit(0xdc00u + ((cp - 0x10000u) & 0x3ffu));
    }
    i += n == 0 ? 1 : n;
  }
  return out;
}

}  // namespace hetgrid::inspect::clean_text
