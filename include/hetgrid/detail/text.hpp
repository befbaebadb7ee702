// hetgrid/detail/text.hpp: module names (bytes, meant as UTF-8) made safe to print, for the
// writers of hetgrid/json.hpp and hetgrid/rank_text.hpp and for hetgrid-inspect. printable() is
// one-to-one: a backslash prints as two, each byte of a hidden character (hidden()) or of
// invalid UTF-8 as \xNN, everything else as itself; so no name moves a terminal's cursor, reads
// reversed or hides a character, and two names never print the same
// (tools/inspect/clean_text.hpp says more).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hetgrid::detail::text {

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

}  // namespace hetgrid::detail::text
