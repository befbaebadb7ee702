// tools/common/cli_args.hpp: reading command-line arguments, shared by hetgrid-inspect, the
// mimo_step example and the benchmarks (not library API): one strict whole-number parser and one
// `--flag=value` split. Each program words its own usage line around them.
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <limits>
#include <optional>
#include <string_view>

namespace hetgrid::cli {

// `text` as a whole number in [min, max]: decimal digits, with a '-' in front only for a
// negative value. Anything else is nullopt: empty, "+8", " 1", "1x", "0x10", "-0", a '-' on an
// unsigned type, or a number that does not fit `Int` (no wrap-around).
template <std::integral Int>
std::optional<Int> parse_whole_number(std::string_view text,
                                      Int min = std::numeric_limits<Int>::min(),
                                      Int max = std::numeric_limits<Int>::max()) {
  std::string_view digits = text;
  if (digits.starts_with('-')) digits.remove_prefix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  // "-0" (or "-000") is zero with a sign that says nothing: refused, as "+0" is.
  if (digits.size() < text.size() && digits.find_first_not_of('0') == std::string_view::npos)
    return std::nullopt;
  Int value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value < min || value > max) return std::nullopt;
  return value;
}

// An argument split at its first '=' where it starts with "--" ("--steps=5" -> "--steps", "5");
// any other argument is the flag alone, its value (if any) the next argument.
struct flag_argument {
  std::string_view flag;
  std::optional<std::string_view> value;
};

constexpr flag_argument split_flag(std::string_view arg) {
  const std::size_t eq = arg.find('=');
  if (!arg.starts_with("--") || eq == std::string_view::npos) return {arg, std::nullopt};
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

}  // namespace hetgrid::cli
