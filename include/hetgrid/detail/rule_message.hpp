// hetgrid/detail/rule_message.hpp: a broken rule's message as a constexpr value (a fixed buffer
// with data() and size()), so that the one text is both what check_layout's describe() returns
// and, where the compiler accepts a computed static_assert message, what the build prints.
#pragma once

#include <cstddef>
#include <string_view>

namespace hetgrid::detail {

struct rule_message {
  // Two 31-character names, the longest rule's words and its facts fit with room to spare;
  // anything beyond is cut, never overrun.
  static constexpr std::size_t capacity = 640;
  char text[capacity + 1]{};
  std::size_t length = 0;

  constexpr const char* data() const { return text; }
  constexpr std::size_t size() const { return length; }
  constexpr std::string_view view() const { return {text, length}; }

  constexpr rule_message& put_char(char c) {
    if (length < capacity) text[length++] = c;
    return *this;
  }
  constexpr rule_message& put(std::string_view s) {
    for (char c : s) put_char(c);
    return *this;
  }
  constexpr rule_message& put(long long v) {
    char digits[24]{};
    int n = 0;
    const bool negative = v < 0;
    unsigned long long u = negative ? 0ULL - static_cast<unsigned long long>(v)
                                    : static_cast<unsigned long long>(v);
    do digits[n++] = static_cast<char>('0' + u % 10); while ((u /= 10) != 0);
    if (negative) put("-");
    while (n > 0) put_char(digits[--n]);  // string_view(char*, n) pays its template's checks
    return *this;
  }
  // The pieces of every message: 'name', [first, end), name=value.
  constexpr rule_message& quoted(std::string_view name) { return put("'").put(name).put("'"); }
  constexpr rule_message& span(long long first, long long end) {
    return put("[").put(first).put(", ").put(end).put(")");
  }
  constexpr rule_message& field(std::string_view name, long long value) {
    return put(name).put("=").put(value);
  }
};

// The message a static_assert is given (detail/rules.hpp): for a rule that holds an empty one,
// since clang evaluates a message even then; else the one `make` computes.
struct no_message {
  constexpr const char* data() const { return ""; }
  constexpr std::size_t size() const { return 0; }
};
template <bool Holds, class Make>
constexpr auto rule_text(Make make) {
  if constexpr (Holds)
    return no_message{};
  else
    return make();
}

}  // namespace hetgrid::detail
