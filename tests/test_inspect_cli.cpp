// hetgrid-inspect's command line (docs/CONTRACT.md section 5): malformed input is one usage line and exit 2,
// the tables run, and a 16384-rank layout answers at once in every mode.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <hetgrid/hetgrid.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/inspect_cli.hpp"

namespace {

using namespace hetgrid::test;  // inspect, check_rejected, seed, seed_with, args_t, line_count
using nlohmann::json;

}  // namespace

TEST_CASE("malformed command lines: one usage line on stderr, exit 2, nothing on stdout") {
  const std::vector<args_t> malformed = {
      {},
      {"--bogus"},
      {"--world"},
      {"--world", "eight", "--module", "lm:ranks=8,language"},
      {"--world", "8"},
      {"--module", "lm:ranks=8,language"},
      {"--world", "8", "--world", "8", "--module", "lm:ranks=8,language"},
      {"--world", "8", "--module"},
      {"--world", "8", "--module", "lm"},
      {"--world", "8", "--module", "lm:ranks=8,colour=2,language"},
      {"--world", "8", "--module", "lm:ranks=8,tp=2,tp=2,language"},
      {"--world", "8", "--module", "lm:ranks=8,language,language"},
      {"--world", "8", "--module", "lm:ranks=,language"},
      {"--world", "8", "--module", "lm:ranks=8x,language"},
      {"--world", "8", "--module", "lm:ranks=99999999999,language"},
      {"--world", "8", "--module", "lm:ranks,language"},
      {"--world", "8", "--module", "lm:ranks=8,language=1"},
      {"--world", "8", "--module", "lm:ranks=8,,language"},
      {"--world", "8", "--module", "lm:ranks=8,language,"},
      {"--world", "8", "--module", "lm:ranks=8,language", "extra"},
      {"--world", "8", "--module", "lm:ranks=8,language", "--rank"},
      {"--world", "8", "--module", "lm:ranks=8,language", "--rank", "8"},
      {"--world", "8", "--module", "lm:ranks=8,language", "--rank", "-1"},
      {"--world", "8", "--module", "lm:ranks=8,language", "--rank", "1", "--rank", "2"},
      {"--world", "8", "--module", "lm:ranks=8,language", "--json=yes"},
  };
  for (const args_t& args : malformed) {
    std::string line;
    for (const auto& a : args) line += "'" + a + "' ";
    CAPTURE(line);
    check_rejected(args, "usage");
  }
}

TEST_CASE("--help prints the usage on stdout and exits 0") {
  const command_result r = inspect({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.starts_with("usage: hetgrid-inspect"));
  CHECK(r.out.find("--module") != std::string::npos);
}

TEST_CASE("a broken layout rule: its kind and the library's message") {
  check_rejected({"--world", "8", "--module", "lm:ranks=8"}, "language");
  check_rejected({"--world", "8", "--module", "lm:ranks=8,tp=3,language"}, "divisible");
  check_rejected({"--world", "8", "--module", "lm:ranks=8,offset=-1,language"}, "positive");
  check_rejected({"--world", "8", "--module", ":ranks=8,language"}, "positive");
  check_rejected({"--world", "8", "--module", "lm:language"}, "positive");
  check_rejected({"--world", "0", "--module", "lm:ranks=8,language"}, "positive");
  check_rejected({"--world", "4", "--module", "lm:ranks=8,language"}, "world");
  check_rejected({"--world", "16", "--module", "lm:ranks=8,language"}, "partition");
  check_rejected(
      {"--world", "8", "--module", "a:ranks=4", "--module", "a:ranks=4,offset=4,language"},
      "names");
  check_rejected(
      {"--world", "8", "--module", "a:ranks=6", "--module", "b:ranks=4,offset=4,language"},
      "disjoint");
  // A name grid_spec cannot hold is a names error found while reading the command line.
  check_rejected({"--world", "8", "--module", std::string(32, 'n') + ":ranks=8,language"}, "names");
  // After the words, "; " and the values that broke the rule.
  const auto error_of = [](const args_t& args) { return inspect(args).err; };
  CHECK(error_of({"--world", "8", "--module", "a:ranks=6", "--module",
                  "b:ranks=4,offset=4,language"})
            .ends_with("; 'b' [4, 8) overlaps 'a' [0, 6)\n"));
  CHECK(error_of({"--world", "4", "--module", "lm:ranks=8,language"})
            .ends_with("; 'lm' [0, 8) does not fit a world of 4\n"));
  CHECK(error_of({"--world", "16", "--module", "lm:ranks=8,language"})
            .ends_with("; ranks [8, 16) are in no module\n"));
  CHECK(error_of({"--world", "8", "--module", "lm:ranks=8,tp=3,language"})
            .ends_with("; module 'lm': ranks=8, tp*gtp_remat*cp*pp=3 (tp=3)\n"));
  CHECK(error_of({"--world", "8", "--module", "lm:ranks=8"}).ends_with("; 0 are marked\n"));
  // The kind word is printed once, by the library's message.
  const command_result r = inspect({"--world", "8", "--module", "lm:ranks=8"});
  CHECK(r.err.find("language: language:") == std::string::npos);
}

TEST_CASE("a name of exactly 31 bytes is accepted and printed back") {
  const std::string name(31, 'n');
  const command_result r =
      inspect({"--world", "2", "--module", name + ":ranks=2,language", "--json"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out).at("modules").at(0).at("name") == name);
  // The limit counts bytes, not characters: 15 two-byte characters fit, 16 do not.
  std::string e_acute_15;
  for (int i = 0; i < 15; ++i) e_acute_15 += "\xc3\xa9";
  CHECK(inspect({"--world", "2", "--module", e_acute_15 + ":ranks=2,language"}).exit_code == 0);
  const command_result long_name =
      inspect({"--world", "2", "--module", e_acute_15 + "\xc3\xa9:ranks=2,language"});
  CHECK(long_name.exit_code == 2);
  CHECK(long_name.err.find("names: a module name must be at most 31 bytes;") != std::string::npos);
  CHECK(long_name.err.find("has 32") != std::string::npos);
}

TEST_CASE("a name is escaped in the JSON; a name that is not UTF-8 is a names error") {
  const command_result quoted =
      inspect({"--world", "2", "--module", "a\"b\\c:ranks=2,language", "--json"});
  REQUIRE(quoted.exit_code == 0);
  CHECK(json::parse(quoted.out).at("modules").at(0).at("name") == "a\"b\\c");
  // JSON holds Unicode text: a name of other bytes could not print distinctly from every UTF-8
  // name, so the tool refuses it (tools/inspect/clean_text.hpp), with its bytes escaped.
  for (const args_t& mode : {args_t{"--json"}, args_t{"--json", "--rank", "1"}, args_t{}}) {
    args_t args = {"--world", "2", "--module", "\xff:ranks=2,language"};
    args.insert(args.end(), mode.begin(), mode.end());
    check_rejected(args, "names");
    CHECK(inspect(args).err.find("'\\xff'") != std::string::npos);
  }
}

TEST_CASE("keys left out take grid_spec's defaults; expt_tp follows tp") {
  const command_result r =
      inspect({"--world", "8", "--module", "lm:tp=2,ranks=8,language", "--json"});
  REQUIRE(r.exit_code == 0);
  const json m = json::parse(r.out).at("modules").at(0);
  CHECK(m.at("cp") == 1);
  CHECK(m.at("pp") == 1);
  CHECK(m.at("ep") == 1);
  CHECK(m.at("offset") == 0);
  CHECK(m.at("expt_tp") == 2);
  CHECK(m.at("dp") == 4);
  CHECK(m.at("expt_dp") == 4);
  CHECK(m.at("language") == true);
}

TEST_CASE("an expt_tp left out is the library's default: its message says so, word for word") {
  // No MoE (ep 1, expt_tp left out): the expert view's expt_gtp_remat 4 alone does not divide.
  const command_result r =
      inspect({"--world", "4", "--module", "language:ranks=4,tp=2,expt_gtp_remat=4,language"});
  CHECK(r.exit_code == 2);
  hetgrid::grid_spec spec{.name = "language", .ranks = 4, .tp = 2, .expt_gtp_remat = 4,
                          .language = true};
  const std::vector<hetgrid::grid_spec> specs = {spec};
  const hetgrid::layout_error e = hetgrid::check_layout(4, specs);
  REQUIRE(e.kind == hetgrid::error_kind::divisible);
  CHECK(r.err == "hetgrid-inspect: " + hetgrid::describe(e, 4, specs) + "\n");
  CHECK(r.err.ends_with("; module 'language': ranks=4, expt_tp*ep*expt_gtp_remat*pp=8 "
                        "(expt_tp=2, defaulted from tp, expt_gtp_remat=4)\n"));
  // Typed, the same value is the user's, not a default.
  const command_result typed = inspect(
      {"--world", "4", "--module", "language:ranks=4,tp=2,expt_tp=2,expt_gtp_remat=4,language"});
  CHECK(typed.err.ends_with("=8 (expt_tp=2, expt_gtp_remat=4)\n"));
}

TEST_CASE("--flag=value is the same as --flag value") {
  const command_result spaced = inspect(seed_with({"--rank", "5", "--json"}));
  const command_result joined =
      inspect({"--world=8", "--module=images:ranks=4,tp=2",
               "--module=language:ranks=4,tp=2,pp=2,offset=4,language", "--rank=5", "--json"});
  REQUIRE(spaced.exit_code == 0);
  REQUIRE(joined.exit_code == 0);
  CHECK(json::parse(spaced.out) == json::parse(joined.out));
}

TEST_CASE("the tables for people: the layout, and what one rank does") {
  const command_result whole = inspect(seed);
  CHECK(whole.exit_code == 0);
  CHECK(whole.err.empty());
  CHECK(whole.out.find("non_colocated") != std::string::npos);
  CHECK(whole.out.find("images") != std::string::npos);
  CHECK(whole.out.find("[4,6] [5,7]") != std::string::npos);  // language's pp groups
  CHECK(whole.out.find("pos_embd") != std::string::npos);

  const command_result rank = inspect(seed_with({"--rank", "5"}));
  CHECK(rank.exit_code == 0);
  CHECK(rank.err.empty());
  CHECK(rank.out.find("tp=1 gtp_remat=0 cp=0 dp=0 pp=0") != std::string::npos);
  CHECK(rank.out.find("first (pp 0 of 2)") != std::string::npos);
  CHECK(rank.out.find("[5,7]") != std::string::npos);
}

TEST_CASE("a 16384-rank layout answers at once in every mode") {
  const args_t big = {"--world", "16384", "--module", "lm:ranks=16384,tp=8,pp=8,language"};
  const auto with = [&](const args_t& more) {
    args_t args = big;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  for (const args_t& mode : {args_t{}, args_t{"--rank", "12345"},
                             args_t{"--json", "--rank", "12345"}, args_t{"--json"}}) {
    const command_result r = inspect(with(mode));
    CAPTURE(mode.size());
    CAPTURE(r.seconds);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.seconds < 2.0);
  }
  // The table summarises: its size does not grow with the world.
  CHECK(inspect(big).out.size() < 20000);
  CHECK(inspect(with({"--rank", "12345"})).out.size() < 20000);

  const json rank = json::parse(inspect(with({"--json", "--rank", "12345"})).out);
  const json lm = rank.at("modules").at(0);
  CHECK(lm.at("coords").at("tp") == 12345 % 8);
  CHECK(lm.at("coords").at("pp") == 12345 / 2048);
  CHECK(lm.at("groups").at("dp").size() == 256);
  CHECK(lm.at("groups").at("embd").is_null());  // pp stage 6 of 8 holds no embedding group

  // The whole layout's JSON is streamed: sixteen times the ranks still takes well under a second.
  const command_result huge =
      inspect({"--world", "262144", "--module", "lm:ranks=262144,tp=8,pp=8,language", "--json"});
  CHECK(huge.exit_code == 0);
  CHECK(huge.seconds < 2.0);
  CHECK(huge.out.size() > 12u * 262144u);

  const json whole = json::parse(inspect(with({"--json"})).out);
  CHECK(whole.at("modules").at(0).at("groups").at("tp").size() == 2048);
  CHECK(whole.at("modules").at(0).at("groups").at("embd").size() == 2048);
}
