// hetgrid-inspect against Megatron-LM's own answers (tests/data): the whole layout's JSON, each
// error's kind, and every rank's JSON, which the golden groups determine on their own.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/golden_cases.hpp"
#include "support/run_command.hpp"

namespace {

using hetgrid::test::json;
using hetgrid::test::run_command;

const std::string inspect_path = HETGRID_INSPECT;

// The one list of `lists` that holds `rank`; null if none does.
json list_holding(const json& lists, int rank) {
  if (lists.is_null()) return nullptr;
  for (const json& list : lists)
    for (const json& member : list)
      if (member.get<int>() == rank) return list;
  return nullptr;
}

// Position of `rank` in `list`: a group over one dim lists its members by that coordinate.
int position(const json& list, int rank) {
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].get<int>() == rank) return static_cast<int>(i);
  return -1;
}

// What `--rank R --json` must print, from the golden whole-layout answer alone.
json expected_rank_json(const json& expect, int rank) {
  json modules = json::array();
  for (const json& m : expect.at("modules")) {
    const int offset = m.at("offset"), ranks = m.at("ranks");
    if (rank < offset || rank >= offset + ranks) continue;
    json groups = json::object();
    for (const auto& [kind, lists] : m.at("groups").items())
      groups[kind] = list_holding(lists, rank);
    json coords = json::object();
    for (const char* dim : {"tp", "gtp_remat", "cp", "dp", "pp", "expt_tp", "ep", "expt_gtp_remat",
                            "expt_dp"})
      coords[dim] = position(groups.at(dim), rank);
    const int pp_coord = coords.at("pp");
    modules.push_back({{"name", m.at("name")},
                       {"coords", coords},
                       {"is_first_stage", pp_coord == 0},
                       {"is_last_stage", pp_coord == m.at("pp").get<int>() - 1},
                       {"groups", groups}});
  }
  return {{"world", expect.at("world")}, {"rank", rank}, {"modules", modules}};
}

std::vector<std::string> with(std::vector<std::string> args, std::vector<std::string> more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

}  // namespace

TEST_CASE("golden cases: --json is Megatron-LM's answer, or its error kind") {
  const json cases = hetgrid::test::load_golden_cases();
  REQUIRE(cases.size() >= 10);
  for (const json& c : cases) {
    CAPTURE(hetgrid::test::case_label(c));
    const auto result = run_command(inspect_path, with(hetgrid::test::inspect_args(c), {"--json"}));
    if (hetgrid::test::is_error_case(c)) {
      const std::string kind = c.at("expect").at("error");
      CHECK(result.exit_code == 2);
      CHECK(result.out.empty());
      CHECK(hetgrid::test::line_count(result.err) == 1);
      CHECK(result.err.starts_with("hetgrid-inspect: " + kind + ": "));
      continue;
    }
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(json::parse(result.out) == c.at("expect"));
  }
}

TEST_CASE("golden cases: --rank R --json for every rank is the golden groups holding R") {
  const json cases = hetgrid::test::load_golden_cases();
  int checked = 0;
  for (const json& c : cases) {
    if (hetgrid::test::is_error_case(c)) continue;
    const int world = c.at("world");
    for (int rank = 0; rank < world; ++rank) {
      CAPTURE(hetgrid::test::case_label(c));
      CAPTURE(rank);
      const auto result = run_command(
          inspect_path,
          with(hetgrid::test::inspect_args(c), {"--rank", std::to_string(rank), "--json"}));
      REQUIRE(result.exit_code == 0);
      CHECK(result.err.empty());
      const json expected = expected_rank_json(c.at("expect"), rank);
      CHECK(!expected.at("modules").empty());
      CHECK(json::parse(result.out) == expected);
      ++checked;
    }
  }
  CHECK(checked > 100);
}
