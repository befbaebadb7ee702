// tools/common/cli_args.hpp: the one strict whole-number parser and `--flag=value` split that
// hetgrid-inspect, mimo_step and the benchmarks read their command lines with.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cli_args.hpp>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>

namespace cli = hetgrid::cli;

TEST_CASE("whole numbers: the int range exactly, no wrap-around") {
  CHECK(cli::parse_whole_number<int>("0") == 0);
  CHECK(cli::parse_whole_number<int>("8") == 8);
  CHECK(cli::parse_whole_number<int>("007") == 7);  // leading zeros are still decimal
  CHECK(cli::parse_whole_number<int>("-1") == -1);
  CHECK(cli::parse_whole_number<int>("2147483647") == INT_MAX);
  CHECK(cli::parse_whole_number<int>("-2147483648") == INT_MIN);
  CHECK(!cli::parse_whole_number<int>("2147483648"));   // INT_MAX + 1
  CHECK(!cli::parse_whole_number<int>("-2147483649"));  // INT_MIN - 1
  CHECK(!cli::parse_whole_number<int>("4294967296"));   // 2^32: would read 0 modulo 2^32
  CHECK(!cli::parse_whole_number<int>("99999999999999999999"));
  CHECK(cli::parse_whole_number<std::int64_t>("2147483648") == 2147483648LL);
}

TEST_CASE("anything but digits (and a '-' on a negative value) is refused") {
  for (const char* text : {"", " 1", "1 ", "1x", "x", "+8", "+0", "-", "--1", "-0", "-00",
                           "0x10", "1e3", "1.0", "1,000", "\xd9\xa3" /* Arabic-Indic 3 */}) {
    CAPTURE(std::string(text));
    CHECK(!cli::parse_whole_number<int>(text));
    CHECK(!cli::parse_whole_number<long long>(text));
  }
  // A string_view that is not NUL-terminated is read only up to its end.
  const std::string digits = "12345";
  CHECK(cli::parse_whole_number<int>(std::string_view(digits).substr(0, 2)) == 12);
}

TEST_CASE("a range of the caller's: its ends are in, one past is out") {
  CHECK(cli::parse_whole_number("1", 1, 1000000) == 1);
  CHECK(cli::parse_whole_number("1000000", 1, 1000000) == 1000000);
  CHECK(!cli::parse_whole_number("0", 1, 1000000));
  CHECK(!cli::parse_whole_number("1000001", 1, 1000000));
  // Unsigned: a '-' is never a number (strtoull would wrap "-1" to 2^64 - 1).
  CHECK(!cli::parse_whole_number<std::size_t>("-1"));
  CHECK(cli::parse_whole_number<std::size_t>("18446744073709551615") == SIZE_MAX);
  CHECK(!cli::parse_whole_number<std::size_t>("18446744073709551616"));
  CHECK(!cli::parse_whole_number("9", std::size_t{8}, std::size_t{8}));
}

TEST_CASE("--flag=value splits at the first '=' of a -- argument only") {
  const auto split = [](std::string_view arg) { return cli::split_flag(arg); };
  CHECK(split("--steps=5").flag == "--steps");
  CHECK(split("--steps=5").value == "5");
  CHECK(split("--steps=").value == "");  // an empty value is a value
  CHECK(split("--module=a:b=c").value == "a:b=c");
  CHECK(split("--steps").flag == "--steps");
  CHECK(!split("--steps").value);
  CHECK(split("-x=1").flag == "-x=1");  // not a -- flag: taken whole
  CHECK(!split("-x=1").value);
  CHECK(split("a=b").flag == "a=b");
}
