// hetgrid-inspect under hostile input (issue 15): sizes whose products wrap an int, an explicit
// expt_tp=0, huge outputs in bounded memory, names holding control bytes or bytes that are not
// UTF-8, a stdout that cannot be written, and 40,000 modules. Each row of the table that
// concerns the tool has a case here; tests/fuzz/fuzz_inspect.py tries thousands more.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <hetgrid/hetgrid.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "clean_text.hpp"
#include "layout_rules.hpp"
#include "support/inspect_cli.hpp"
#include "svg_output.hpp"

namespace {

namespace hg = hetgrid;

// Under AddressSanitizer (the sanitizer build of tools/dev.sh test) the tool is ten times
// slower and its shadow memory counts in RSS: time and RSS bounds are checked in the plain build
// only, the sanitizer build checks the same runs for what it finds.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;
#else
constexpr bool sanitized = false;
#endif

using namespace hetgrid::test;  // inspect, check_rejected, command_result, args_t, line_count
using nlohmann::json;

// Runs the tool with stdout sent to `stdout_path`; stderr captured; peak RSS from wait4.
struct redirected_result {
  int exit_code = -1;  // -1: killed by a signal
  std::string err;
  long peak_rss_kib = 0;
};

// `address_space`: a limit on the tool's address space in bytes (0: none).
redirected_result inspect_into(const char* stdout_path, const args_t& args,
                               rlim_t address_space = 0) {
  int err_pipe[2];
  REQUIRE(::pipe(err_pipe) == 0);
  std::vector<char*> argv{const_cast<char*>(HETGRID_INSPECT)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const rlimit limit{address_space, address_space};
    if (address_space != 0 && ::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(125);
    const int out = ::open(stdout_path, O_WRONLY);
    if (out < 0) ::_exit(126);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::close(err_pipe[0]);
    ::execv(HETGRID_INSPECT, argv.data());
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  redirected_result r;
  char buffer[4096];
  for (ssize_t n; (n = ::read(err_pipe[0], buffer, sizeof buffer)) != 0;)
    if (n > 0) r.err.append(buffer, static_cast<std::size_t>(n));
    else if (errno != EINTR) break;
  ::close(err_pipe[0]);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) REQUIRE(errno == EINTR);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.peak_rss_kib = usage.ru_maxrss;
  return r;
}

bool has_control_byte(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b < 0x20 && b != '\n') || b == 0x7f;
  });
}

}  // namespace

TEST_CASE("sizes whose products do not fit an int are divisible or world errors, never a signal") {
  // Each product wraps a 32-bit int: to 0 (a division by zero before), to exactly 1 (accepted
  // before, with a cp group of 6.7 million ranks), or past INT_MAX.
  for (const char* module : {"lm:ranks=1,tp=65536,cp=65536,language",
                             "lm:ranks=1,tp=641,cp=6700417,expt_tp=1,language",
                             "lm:ranks=1,tp=46341,cp=46341,language",
                             "lm:ranks=1,pp=2147483647,tp=2,language",
                             "lm:ranks=1,ep=65536,expt_tp=65536,tp=1,language",
                             "lm:ranks=2147483647,tp=2147483647,cp=2147483647,language"}) {
    CAPTURE(module);
    check_rejected({"--world", "1", "--module", module}, "divisible");
    check_rejected({"--world", "1", "--module", module, "--rank", "0", "--json"}, "divisible");
  }
  // offset + ranks past INT_MAX: the span does not fit the world.
  check_rejected({"--world", "2147483647", "--module",
                  "lm:ranks=2147483647,offset=2147483647,language"},
                 "world");
  // The first module's breach is told even when a later module overflows too.
  check_rejected({"--world", "2", "--module", "a:ranks=1,tp=3", "--module",
                  "b:ranks=1,offset=1,tp=65536,cp=65536,language"},
                 "divisible");
  // A number that does not fit an int at all is a malformed command line.
  for (const std::string value : {"2147483648", "-2147483649", "99999999999999999999", "+4", "0x10",
                                 "-0", " 4", "4x", ""}) {
    std::string module = "lm:language,ranks=";
    module += value;
    check_rejected({"--world", "8", "--module", module}, "usage");
  }
}

TEST_CASE("an explicit expt_tp=0 is positive; only a key left out takes its default") {
  check_rejected({"--world", "8", "--module", "lm:ranks=8,tp=2,expt_tp=0,language"}, "positive");
  const command_result r = inspect({"--world", "8", "--module", "lm:ranks=8,tp=2,expt_tp=0,language"});
  CHECK(r.err.find(HETGRID_RULE_POSITIVE) != std::string::npos);  // the library's rule words
  CHECK(r.err.find("expt_tp=0") != std::string::npos);
  const command_result left_out = inspect({"--world", "8", "--module", "lm:ranks=8,tp=2,language", "--json"});
  REQUIRE(left_out.exit_code == 0);
  CHECK(json::parse(left_out.out).at("modules").at(0).at("expt_tp") == 2);
  // The module's other broken sizes in the library's words, then the typed zero.
  CHECK(inspect({"--world", "8", "--module", "lm:ranks=0,tp=2,expt_tp=0,language"})
            .err.ends_with("; module 'lm': ranks=0, expt_tp=0 was given (only a key that is "
                           "left out takes its default, tp)\n"));
  CHECK(inspect({"--world", "8", "--module", "lm:ranks=8,tp=2,expt_tp=0,language"})
            .err.ends_with("; module 'lm': expt_tp=0 was given (only a key that is left out "
                           "takes its default, tp)\n"));
  // In the contract's order: a broken language rule is told before the module's own.
  check_rejected({"--world", "8", "--module", "lm:ranks=8,expt_tp=0"}, "language");
}

TEST_CASE("--rank R --json at world 1e9 streams in bounded memory") {
  const std::string world = sanitized ? "100000000" : "1000000000";
  const redirected_result r =
      inspect_into("/dev/null", {"--world", world, "--module", "lm:ranks=" + world + ",tp=8,language",
                                 "--rank", "12345679", "--json"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  MESSAGE("peak RSS at world " << world << ", tp=8, --rank --json: " << r.peak_rss_kib << " KiB");
  if (!sanitized) CHECK(r.peak_rss_kib < 64 * 1024);
  // The streamed document is the same as before: a small case, parsed.
  const json doc = json::parse(
      inspect({"--world", "64", "--module", "lm:ranks=64,tp=8,language", "--rank", "9", "--json"})
          .out);
  CHECK(doc.at("modules").at(0).at("groups").at("dp") ==
        json::array({1, 9, 17, 25, 33, 41, 49, 57}));
  CHECK(doc.at("modules").at(0).at("coords").at("dp") == 1);
}

TEST_CASE("a failed write to stdout is one line on stderr and exit 1") {
  const args_t seed = {"--world", "8", "--module", "images:ranks=4,tp=2", "--module",
                       "language:ranks=4,tp=2,pp=2,offset=4,language"};
  for (const args_t& mode : {args_t{}, args_t{"--json"}, args_t{"--rank", "5"},
                             args_t{"--rank", "5", "--json"}, args_t{"--help"}}) {
    args_t args = seed;
    args.insert(args.end(), mode.begin(), mode.end());
    const redirected_result r = inspect_into("/dev/full", args);
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.starts_with("hetgrid-inspect: output: cannot write to standard output"));
  }
  // A huge output stops at the first failed write instead of computing the rest.
  const redirected_result big = inspect_into(
      "/dev/full", {"--world", "1000000000", "--module", "lm:ranks=1000000000,language", "--json"});
  CHECK(big.exit_code == 1);
}

TEST_CASE("out of memory is one line on stderr and exit 1, in every mode") {
  if (sanitized) return;  // AddressSanitizer reserves terabytes of address space up front
  // 8 MiB of address space: the seed layout runs in it; 40,000 modules do not (about 20 MiB).
  constexpr rlim_t cap = 8 << 20;
  const args_t small = {"--world", "8", "--module", "lm:ranks=8,language"};
  CHECK(inspect_into("/dev/null", small, cap).exit_code == 0);
  args_t big = {"--world", "40000"};
  for (int k = 0; k < 40000; ++k)
    big.push_back("--module=m" + std::to_string(k) + ":ranks=1,offset=" + std::to_string(k) +
                  (k == 0 ? ",language" : ""));
  for (const args_t& mode : {args_t{}, args_t{"--json"}, args_t{"--plan"}}) {
    args_t args = big;
    args.insert(args.end(), mode.begin(), mode.end());
    const redirected_result r = inspect_into("/dev/null", args, cap);
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);  // was SIGABRT, with two lines from std::terminate
    CHECK(r.err == "hetgrid-inspect: memory: out of memory\n");
  }
}

TEST_CASE("printable form: one-to-one, and no control byte or bad UTF-8 survives") {
  namespace ct = hg::inspect::clean_text;
  CHECK(ct::printable("images") == "images");
  CHECK(ct::printable("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(ct::printable("a\x1b[31m") == "a\\x1b[31m");
  CHECK(ct::printable("a\\x1b") == "a\\\\x1b");  // distinct from the line above's name
  CHECK(ct::printable("\xc2\x9b") == "\\xc2\\x9b");  // C1 control (CSI)
  CHECK(ct::printable("\xef\xbf\xbe") == "\\xef\\xbf\\xbe");  // U+FFFE: not an XML character
  CHECK(ct::printable("\xff\xc0\xaf\xed\xa0\x80") ==
        "\\xff\\xc0\\xaf\\xed\\xa0\\x80");  // invalid, overlong, surrogate
  CHECK(ct::printable("\xe2\x82") == "\\xe2\\x82");  // cut short
  CHECK(ct::is_utf8("\xf0\x9f\x98\x80"));
  CHECK(!ct::is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  // One-to-one over every pair of short byte strings from a hostile alphabet.
  const std::vector<std::string> pieces = {"a", "\\", "x", "1", "b", "\x1b", "\xff", "\xc3",
                                           "\xa9", "\x7f", "\n", "\xe2\x80\xae"};
  std::vector<std::string> all;
  for (const auto& p : pieces)
    for (const auto& q : pieces)
      for (const auto& r : pieces) all.push_back(p + q + r);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<std::string> shown;
  for (const auto& s : all) {
    shown.push_back(ct::printable(s));
    CHECK(!has_control_byte(shown.back()));
    CHECK(ct::is_utf8(shown.back()));
  }
  std::sort(shown.begin(), shown.end());
  CHECK(std::adjacent_find(shown.begin(), shown.end()) == shown.end());
}

TEST_CASE("names with control bytes: escaped in the table, the error line and the SVG") {
  const std::string name = "a\x1b[31m\x01\x0b";
  const command_result table = inspect({"--world", "2", "--module", name + ":ranks=2,language"});
  CHECK(table.exit_code == 0);
  CHECK(!has_control_byte(table.out));
  CHECK(table.out.find("a\\x1b[31m\\x01\\x0b") != std::string::npos);
  const command_result rank = inspect({"--world", "2", "--module", name + ":ranks=2,language",
                                       "--rank", "1"});
  CHECK(!has_control_byte(rank.out));
  const command_result error = inspect({"--world", "2", "--module", name + ":ranks=2,tp=3,language"});
  CHECK(error.exit_code == 2);
  CHECK(line_count(error.err) == 1);
  CHECK(!has_control_byte(error.err));
  CHECK(error.err.find("a\\x1b[31m") != std::string::npos);
  // JSON keeps the name exactly (JSON escapes control characters itself).
  const command_result js = inspect({"--world", "2", "--module", name + ":ranks=2,language", "--json"});
  REQUIRE(js.exit_code == 0);
  CHECK(json::parse(js.out).at("modules").at(0).at("name") == name);
  // SVG: only characters XML 1.0 allows, markup characters escaped.
  const std::vector<hg::grid_spec> specs = {[&] {
    hg::grid_spec s{.ranks = 2, .language = true};
    const std::string svg_name = "<\x1b&\"\x01'>\xc2\x9b";
    svg_name.copy(s.name, svg_name.size());
    return s;
  }()};
  std::ostringstream svg;
  hg::inspect::write_layout_svg(svg, 2, specs);
  CHECK(!has_control_byte(svg.str()));
  CHECK(svg.str().find("&lt;\\x1b&amp;&quot;\\x01&apos;&gt;\\xc2\\x9b") != std::string::npos);
}

// Invisible and reordering characters (issue 20, row 4): bidi embeddings, overrides, isolates
// and marks, zero-width characters, the soft hyphen, line and paragraph separators, a tag and a
// variation selector, each with its UTF-8 bytes and its JSON escape.
struct invisible_character {
  const char* what;
  std::string utf8;
  std::string json_escape;
};
const std::vector<invisible_character> invisible = {
    {"U+202A LRE", "\xe2\x80\xaa", "\\u202a"},   {"U+202E RLO", "\xe2\x80\xae", "\\u202e"},
    {"U+2066 LRI", "\xe2\x81\xa6", "\\u2066"},   {"U+2069 PDI", "\xe2\x81\xa9", "\\u2069"},
    {"U+200E LRM", "\xe2\x80\x8e", "\\u200e"},   {"U+200F RLM", "\xe2\x80\x8f", "\\u200f"},
    {"U+061C ALM", "\xd8\x9c", "\\u061c"},       {"U+200B ZWSP", "\xe2\x80\x8b", "\\u200b"},
    {"U+200D ZWJ", "\xe2\x80\x8d", "\\u200d"},   {"U+2060 WJ", "\xe2\x81\xa0", "\\u2060"},
    {"U+FEFF BOM", "\xef\xbb\xbf", "\\ufeff"},   {"U+00AD SHY", "\xc2\xad", "\\u00ad"},
    {"U+2028 LS", "\xe2\x80\xa8", "\\u2028"},    {"U+2029 PS", "\xe2\x80\xa9", "\\u2029"},
    {"U+FE0F VS16", "\xef\xb8\x8f", "\\ufe0f"},  {"U+E0041 TAG A", "\xf3\xa0\x81\x81",
                                                  "\\udb40\\udc41"},
    {"U+0085 NEL (C1)", "\xc2\x85", "\\u0085"}};

// The \xNN form of each byte, as printable() writes a hidden character.
std::string byte_escapes(const std::string& bytes) {
  std::string out;
  char piece[5];
  for (const char c : bytes) {
    std::snprintf(piece, sizeof piece, "\\x%02x", static_cast<unsigned char>(c));
    out += piece;
  }
  return out;
}

TEST_CASE("invisible and reordering characters are escaped like control bytes, everywhere") {
  namespace ct = hg::inspect::clean_text;
  for (const invisible_character& c : invisible) {
    CAPTURE(c.what);
    const std::string name = "ab" + c.utf8 + "cd";
    const std::string shown = "ab" + byte_escapes(c.utf8) + "cd";
    CHECK(ct::printable(name) == shown);
    const args_t layout = {"--world", "2", "--module", name + ":ranks=2,language"};
    const auto with = [&](const args_t& more) {
      args_t args = layout;
      args.insert(args.end(), more.begin(), more.end());
      return inspect(args);
    };
    // Printed for people: the table, one rank, the plan, the error line.
    for (const args_t& mode : {args_t{}, args_t{"--rank", "1"}, args_t{"--plan"}}) {
      const command_result r = with(mode);
      REQUIRE(r.exit_code == 0);
      CHECK(r.out.find(c.utf8) == std::string::npos);
      CHECK(r.out.find(shown) != std::string::npos);
    }
    const command_result error =
        inspect({"--world", "2", "--module", name + ":ranks=2,tp=3,language"});
    CHECK(error.exit_code == 2);
    CHECK(line_count(error.err) == 1);
    CHECK(error.err.find(c.utf8) == std::string::npos);
    CHECK(error.err.find(shown) != std::string::npos);
    // JSON: the name exactly, its hidden character as a \u escape.
    for (const args_t& mode :
         {args_t{"--json"}, args_t{"--rank", "0", "--json"}, args_t{"--groups", name + ":tp"}}) {
      const command_result r = with(mode);
      REQUIRE(r.exit_code == 0);
      CHECK(r.out.find(c.utf8) == std::string::npos);
      CHECK(r.out.find("ab" + c.json_escape + "cd") != std::string::npos);
      const json doc = json::parse(r.out);
      CHECK((doc.contains("module") ? doc.at("module") : doc.at("modules").at(0).at("name")) ==
            name);
    }
    // The SVG's text.
    hg::grid_spec spec{.ranks = 2, .language = true};
    name.copy(spec.name, name.size());
    std::ostringstream svg;
    hg::inspect::write_layout_svg(svg, 2, std::vector<hg::grid_spec>{spec});
    CHECK(svg.str().find(c.utf8) == std::string::npos);
    CHECK(svg.str().find(shown) != std::string::npos);
  }
  // Still one-to-one: a hidden character and the text of its escape print apart.
  CHECK(ct::printable("\xe2\x80\xae") != ct::printable("\\xe2\\x80\\xae"));
  // Visible neighbours print as themselves: no-break space, e acute, an emoji.
  CHECK(ct::printable("\xc2\xa0\xc3\xa9\xf0\x9f\x98\x80") == "\xc2\xa0\xc3\xa9\xf0\x9f\x98\x80");
}

TEST_CASE("names that differ only in invalid bytes are refused; in control bytes, distinct") {
  // Not UTF-8: a names error for each, whichever comes first, with the bytes escaped.
  const command_result r = inspect({"--world", "2", "--module", "m\xff:ranks=1,language",
                                    "--module", "m\xfe:ranks=1,offset=1"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "hetgrid-inspect: names: a module name must be UTF-8 text; 'm\\xff' is not\n");
  // Differing in control bytes: two modules, printed apart in every output.
  const args_t two = {"--world", "2", "--module", "m\x01:ranks=1,language", "--module",
                      "m\x02:ranks=1,offset=1"};
  const command_result table = inspect(two);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("m\\x01") != std::string::npos);
  CHECK(table.out.find("m\\x02") != std::string::npos);
  args_t as_json = two;
  as_json.push_back("--json");
  const json doc = json::parse(inspect(as_json).out);
  CHECK(doc.at("modules").at(0).at("name") == "m\x01");
  CHECK(doc.at("modules").at(1).at("name") == "m\x02");
  // The same bytes twice are the same name.
  check_rejected({"--world", "2", "--module", "m\x01:ranks=1,language", "--module",
                  "m\x01:ranks=1,offset=1"},
                 "names");
}

TEST_CASE("40,000 modules: checked in n log n") {
  const int n = 40000;
  args_t args = {"--world", std::to_string(n)};
  for (int k = 0; k < n; ++k)
    // One argument each (--module=...): 80,000 would pass the kernel's limit on argv.
    args.push_back("--module=m" + std::to_string(k) + ":ranks=1,offset=" + std::to_string(k) +
                   (k == 0 ? ",language" : ""));
  args.push_back("--json");
  const command_result ok = inspect(args);
  CHECK(ok.exit_code == 0);
  CAPTURE(ok.seconds);
  if (!sanitized) CHECK(ok.seconds < 2.0);
  args.pop_back();
  args.back() = "--module=m7:ranks=1,offset=" + std::to_string(n - 1);  // a name used twice, at the end
  const command_result dup = inspect(args);
  CHECK(dup.exit_code == 2);
  CHECK(dup.err.starts_with("hetgrid-inspect: names: "));
  if (!sanitized) CHECK(dup.seconds < 2.0);
  args.back() = "--module=last:ranks=2,offset=" + std::to_string(n - 3);  // overlaps its neighbour
  args[1] = std::to_string(n - 1);
  const command_result overlap = inspect(args);
  CHECK(overlap.err.starts_with("hetgrid-inspect: disjoint: "));
  if (!sanitized) CHECK(overlap.seconds < 2.0);
}

TEST_CASE("the tool's layout check agrees with hetgrid::check_layout where the core's ints hold") {
  // Random small layouts, valid and broken: the same first rule (the core's check is the
  // reference; the tool's differs only in speed and in what the core cannot represent).
  std::mt19937 rng(15);
  const auto pick = [&](std::initializer_list<int> values) {
    return *(values.begin() + std::uniform_int_distribution<std::size_t>(0, values.size() - 1)(rng));
  };
  int disagreements = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    const int world = pick({-1, 0, 1, 2, 4, 6, 8});
    std::vector<hg::grid_spec> specs(static_cast<std::size_t>(pick({0, 1, 2, 3})));
    for (std::size_t i = 0; i < specs.size(); ++i) {
      hg::grid_spec& s = specs[i];
      const std::string name = pick({0, 1, 1, 1}) ? std::string(1, static_cast<char>('a' + pick({0, 1, 2}))) : "";
      name.copy(s.name, name.size());
      s.ranks = pick({-1, 0, 1, 2, 3, 4, 8});
      s.tp = pick({0, 1, 2});
      s.cp = pick({1, 1, 2});
      s.pp = pick({1, 2, -1});
      s.ep = pick({1, 2});
      s.expt_tp = pick({0, 0, 1, 2, -2});
      s.offset = pick({-1, 0, 0, 2, 4, 6});
      s.language = pick({0, 1}) == 1;
    }
    const hg::layout_error core = hg::check_layout(world, specs);
    const auto tool = hg::inspect::check_layout_input(world, specs);
    const hg::error_kind tool_kind = tool ? tool->kind : hg::error_kind::none;
    if (core.kind != tool_kind) ++disagreements;
    if (core && tool) CHECK(tool->message == hg::describe(core, world, specs));
  }
  CHECK(disagreements == 0);
}
