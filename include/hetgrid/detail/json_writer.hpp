// hetgrid/detail/json_writer.hpp: compact JSON text written to a std::ostream in chunks of
// bounded size, so that a document of any length (the whole layout lists every rank once per
// group kind) takes constant memory. No JSON library: hetgrid is header-only on Boost alone.
#pragma once

#include <charconv>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

#include "hetgrid/detail/text.hpp"
#include "hetgrid/rank_group.hpp"

namespace hetgrid::detail {

class json_writer {
 public:
  explicit json_writer(std::ostream& out) : out_(out) { buffer_.reserve(chunk); }
  json_writer(const json_writer&) = delete;
  json_writer& operator=(const json_writer&) = delete;

  // False once the stream has failed: the writers stop computing what could not be written.
  bool ok() const { return ok_; }

  json_writer& raw(std::string_view text) {
    if (!ok_) return *this;
    buffer_ += text;
    if (buffer_.size() >= chunk) flush();
    return *this;
  }
  json_writer& number(long long value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    return raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  json_writer& boolean(bool value) { return raw(value ? "true" : "false"); }
  // UTF-8 text as a JSON string: quote, backslash and the characters that never print as
  // themselves (text::hidden) as escapes; bytes that are not UTF-8 as U+FFFD.
  json_writer& string(std::string_view text);
  json_writer& key(std::string_view name) { return string(name).raw(":"); }

  json_writer& members(const rank_group& group) {
    raw("[");
    for (int i = 0; i < group.size() && ok_; ++i) (i > 0 ? raw(",") : *this).number(group[i]);
    return raw("]");
  }
  // `count` groups, group_at(i) the i-th.
  template <class GroupAt>
  json_writer& group_lists(int count, GroupAt group_at) {
    raw("[");
    for (int i = 0; i < count && ok_; ++i) (i > 0 ? raw(",") : *this).members(group_at(i));
    return raw("]");
  }

  // Writes what is buffered; the stream's state says whether everything was written.
  void finish() {
    flush();
    if (ok_) out_.flush();
  }

 private:
  static constexpr std::size_t chunk = 1 << 16;

  void flush() {
    if (ok_ && !buffer_.empty())
      out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    ok_ = ok_ && static_cast<bool>(out_);
  }
  void escape_unit(char32_t unit) {
    constexpr char hex[] = "0123456789abcdef";
    char escaped[6] = {'\\', 'u'};
    for (int k = 0; k < 4; ++k) escaped[2 + k] = hex[(unit >> (12 - 4 * k)) & 0xfu];
    buffer_.append(escaped, sizeof escaped);
  }

  std::ostream& out_;
  std::string buffer_;
  bool ok_ = true;
};

inline json_writer& json_writer::string(std::string_view text) {
  if (!ok_) return *this;
  buffer_ += '"';
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = text::utf8_sequence(text, i, cp);
    if (n == 0) {
      buffer_ += "\xef\xbf\xbd";  // U+FFFD, as a JSON library's "replace" writes a bad byte
      ++i;
      continue;
    }
    if (cp == '"' || cp == '\\') {
      buffer_ += '\\';
      buffer_ += static_cast<char>(cp);
    } else if (cp == '\n' || cp == '\t' || cp == '\r' || cp == '\b' || cp == '\f') {
      buffer_ += '\\';
      buffer_ += cp == '\n' ? 'n' : cp == '\t' ? 't' : cp == '\r' ? 'r' : cp == '\b' ? 'b' : 'f';
    } else if (!text::hidden(cp)) {
      buffer_.append(text.substr(i, n));
    } else if (cp < 0x10000) {
      escape_unit(cp);
    } else {  // past the BMP: a surrogate pair
      escape_unit(0xd800u + ((cp - 0x10000u) >> 10));
      escape_unit(0xdc00u + ((cp - 0x10000u) & 0x3ffu));
    }
    i += n;
  }
  return raw("\"");
}

}  // namespace hetgrid::detail
