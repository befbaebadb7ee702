// tools/inspect/clean_text.hpp: module names and other user bytes made safe to print.
//
// What a name is: the bytes given on the command line, compared as bytes (two names are the
// same name exactly when their bytes are equal). The tool takes only names that are UTF-8 text
// (a name that is not is a `names` error, told on the command line's error line with its bytes
// escaped): JSON strings hold Unicode text, and a JSON writer that printed valid names unchanged
// could not also print names holding other bytes distinctly from every valid name. Control
// characters are valid UTF-8 and are kept: JSON escapes them (\u001b), and everything printed
// for people (the tables, the error line, the SVG) shows printable(name), which is one-to-one:
//   - a backslash prints as two backslashes;
//   - each byte of a control character (C0, DEL, C1), of U+FFFE / U+FFFF, or of invalid UTF-8
//     prints as \xNN (lower-case hex);
//   - everything else prints as itself.
// So no escape sequence reaches a terminal, an XML document gets only characters XML 1.0 allows,
// and two different names never print the same.
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
// sequences, or XML 1.0 does not allow them.
constexpr bool hidden(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff;
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

}  // namespace hetgrid::inspect::clean_text
