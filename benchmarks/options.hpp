// benchmarks/options.hpp: the benchmarks' numeric options, read strictly by
// hetgrid::cli::parse_whole_number (tools/common/cli_args.hpp): decimal digits only, no sign
// where none is allowed, within the option's range. What strtoull and atoi used to take
// silently (`--max-bytes -1` wrapped to 2^64 - 1, `--iters x` read as 0) is a usage error: one
// line on stderr, exit status 2.
#pragma once

#include <cli_args.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace bench {

// Reads the value of `flag` into `out`; false (after printing the usage line on rank 0) when it
// is missing or out of range. `print` is false on ranks other than 0, which fail silently.
template <class Int>
bool read_number(const char* program, std::string_view flag, const char* value, Int min, Int max,
                 Int& out, bool print = true) {
  const auto number =
      value ? hetgrid::cli::parse_whole_number<Int>(value, min, max) : std::nullopt;
  if (number) {
    out = *number;
    return true;
  }
  if (print)
    std::fprintf(stderr, "%s: usage: %.*s needs a whole number from %s to %s, not '%s'\n", program,
                 static_cast<int>(flag.size()), flag.data(), std::to_string(min).c_str(),
                 std::to_string(max).c_str(), value ? value : "");
  return false;
}

}  // namespace bench
