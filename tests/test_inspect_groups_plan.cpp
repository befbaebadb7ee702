// hetgrid-inspect --groups and --plan (docs/CONTRACT.md section 5). --groups over the dims of
// each built-in kind must give that kind's golden groups (computed by Megatron-LM), in both
// views; its bad input is one usage line. --plan shows the seed's 22 groups on 4 communicators.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "support/golden_cases.hpp"
#include "support/inspect_cli.hpp"

namespace {

namespace hg = hetgrid;
using namespace hetgrid::test;  // inspect, seed_with, args_t, command_result, line_count
using nlohmann::json;

}  // namespace

TEST_CASE("--groups over each kind's dims is the kind's golden groups") {
  int checked = 0;
  for (const json& c : hg::test::load_golden_cases()) {
    if (hg::test::is_error_case(c)) continue;
    CAPTURE(hg::test::case_label(c));
    for (const json& module : c.at("expect").at("modules")) {
      const std::string name = module.at("name");
      for (const hg::group_kind& kind : hg::all_group_kinds) {
        const hg::dim_list dims = hg::dim_names(kind.in_view, kind.dims);
        std::string spec = name + ":";
        json want_dims = json::array();
        for (int i = 0; i < dims.count; ++i) {
          if (i > 0) spec += ',';
          spec += dims.names[i];
          want_dims.push_back(std::string(dims.names[i]));
        }
        CAPTURE(spec);
        args_t args = hg::test::inspect_args(c);
        args.insert(args.end(), {"--groups", spec});
        const command_result r = inspect(args);
        REQUIRE(r.exit_code == 0);
        const json got = json::parse(r.out);
        CHECK(got.at("module") == name);
        // pp alone is the base view; the expert kinds that hold pp are expert.
        CHECK(got.at("view") == (kind.in_view == hg::view::base ? "base" : "expert"));
        CHECK(got.at("dims") == want_dims);
        CHECK(got.at("groups") == module.at("groups").at(std::string(kind.name_view())));
        ++checked;
      }
    }
    if (checked >= 200) break;  // a few cases of each shape are enough for a process per query
  }
  CHECK(checked >= 200);
}

TEST_CASE("--groups: dims in view order whatever the order given; pp alone is base") {
  const command_result r = inspect(seed_with({"--groups", "language:pp,tp"}));
  REQUIRE(r.exit_code == 0);
  const json got = json::parse(r.out);
  CHECK(got.at("dims") == json::array({"tp", "pp"}));
  CHECK(got.at("groups") == json::parse("[[4,5,6,7]]"));
  const json pp = json::parse(inspect(seed_with({"--groups", "language:pp"})).out);
  CHECK(pp.at("view") == "base");
  const json ep_pp = json::parse(inspect(seed_with({"--groups", "images:pp,ep"})).out);
  CHECK(ep_pp.at("view") == "expert");
  CHECK(ep_pp.at("groups") == json::parse("[[0],[1],[2],[3]]"));
}

TEST_CASE("--groups: bad input is one usage line, exit 2, nothing on stdout") {
  for (const args_t& bad : {args_t{"--groups", "language:tp,ep"}, args_t{"--groups", "nope:tp"},
                            args_t{"--groups", "language:tp,tp"}, args_t{"--groups", "language:xx"},
                            args_t{"--groups", "language"}, args_t{"--groups", "language:"},
                            args_t{"--groups", "language:tp", "--json"},
                            args_t{"--groups", "language:tp", "--groups", "images:tp"}}) {
    CAPTURE(bad.at(1));
    const command_result r = inspect(seed_with(bad));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("hetgrid-inspect: usage: "));
    CHECK(line_count(r.err) == 1);
  }
  // A broken layout is still its rule's error, before --groups is looked at.
  const command_result broken = inspect({"--world", "8", "--module", "lm:ranks=8,tp=3,language",
                                         "--groups", "lm:tp"});
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.starts_with("hetgrid-inspect: divisible: "));
}

TEST_CASE("--plan: classes, rounds, and 22 groups on 4 communicators for a language rank") {
  const command_result r = inspect(seed_with({"--plan"}));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("3 split rounds") != std::string::npos);
  // Ranks of the same classes print as one range (issue 21, item 5).
  CHECK(r.out.find("ranks 4-5: 22 groups on 4 communicators") != std::string::npos);
  CHECK(r.out.find("ranks 6-7: 21 groups on 4 communicators") != std::string::npos);
  CHECK(r.out.find("ranks 0-3: 20 groups on 4 communicators") != std::string::npos);
  CHECK(r.out.find("language:embd") != std::string::npos);
  const command_result one = inspect(seed_with({"--plan", "--rank", "5"}));
  REQUIRE(one.exit_code == 0);
  CHECK(one.out.find("rank 5: 22 groups on 4 communicators") != std::string::npos);
  CHECK(one.out.find("rank 4:") == std::string::npos);
  // Solo: every group is the world's; no round at all.
  const command_result solo = inspect({"--world", "1", "--module", "images:ranks=1", "--module",
                                       "language:ranks=1,language", "--plan"});
  REQUIRE(solo.exit_code == 0);
  CHECK(solo.out.find("0 split rounds") != std::string::npos);
  CHECK(solo.out.find("rank 0: 42 groups on 1 communicator (classes 0), NCCL about 388 MiB\n") !=
        std::string::npos);
  // One module: counted in the singular.
  const command_result one_module =
      inspect({"--world", "2", "--module", "lm:ranks=2,tp=2,language", "--plan"});
  REQUIRE(one_module.exit_code == 0);
  CHECK(one_module.out.starts_with("plan: world 2, 1 module, 22 slots each, 2 classes, 0 split rounds\n"));
}

namespace {

// The rank lines of --plan: (first, last, what they say), the range's own words taken off.
struct rank_line {
  int first = 0, last = 0;
  std::string body;
};
std::vector<rank_line> rank_lines(const std::string& out) {
  static const std::regex line(R"(\n  ranks? (\d+)(?:-(\d+))?: (.*?)(?: a rank, \d+ ranks)?(?=\n))");
  std::vector<rank_line> lines;
  for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it) {
    const int first = std::stoi((*it)[1]);
    lines.push_back({first, (*it)[2].matched ? std::stoi((*it)[2]) : first, (*it)[3]});
  }
  return lines;
}

// Every range expands to ranks whose own --plan --rank R line says what the range says, and the
// ranges cover the world in order, once.
void check_ranges_exact(const args_t& layout, int world, int every) {
  args_t plan_args = layout;
  plan_args.push_back("--plan");
  const command_result all = inspect(plan_args);
  REQUIRE(all.exit_code == 0);
  const std::vector<rank_line> ranges = rank_lines(all.out);
  REQUIRE(!ranges.empty());
  int next = 0;
  for (const rank_line& range : ranges) {
    CAPTURE(range.first);
    CHECK(range.first == next);
    CHECK(range.last >= range.first);
    next = range.last + 1;
    for (int r = range.first; r <= range.last; ++r) {
      if (r != range.first && r != range.last && r % every != 0) continue;
      args_t one = plan_args;
      one.insert(one.end(), {"--rank", std::to_string(r)});
      const command_result single = inspect(one);
      REQUIRE(single.exit_code == 0);
      const std::vector<rank_line> got = rank_lines(single.out);
      REQUIRE(got.size() == 1);
      CHECK(got[0].first == r);
      CHECK(got[0].last == r);
      CHECK(got[0].body == range.body);
    }
  }
  CHECK(next == world);
}

const args_t world_1280 = {"--world", "1280", "--module", "images:ranks=256,tp=4", "--module",
                           "language:ranks=1024,tp=8,pp=4,offset=256,language"};

}  // namespace

TEST_CASE("--plan: ranges of ranks are exact: each rank's own line says what its range says") {
  check_ranges_exact(seed, 8, 1);
  check_ranges_exact(world_1280, 1280, 97);
  // Colocated, with expert groups: ranges still agree rank by rank.
  check_ranges_exact({"--world", "16", "--module", "audio:ranks=16,tp=2,ep=4,expt_tp=1",
                      "--module", "language:ranks=16,tp=4,pp=2,language"},
                     16, 1);
}

TEST_CASE("--plan at world 1280 fits on a screen; the estimate names its figures") {
  args_t args = world_1280;
  args.push_back("--plan");
  const command_result r = inspect(args);
  REQUIRE(r.exit_code == 0);
  CHECK(line_count(r.out) <= 40);
  const std::vector<rank_line> ranges = rank_lines(r.out);
  // images, then the language module's first, middle and last stages.
  REQUIRE(ranges.size() == 4);
  CHECK(ranges[0].last == 255);
  CHECK(ranges[1].first == 256);
  CHECK(ranges[1].last == 511);
  CHECK(ranges[2].last == 1023);
  CHECK(ranges[3].last == 1279);
  CHECK(r.out.find("What an NCCL communicator costs") != std::string::npos);
  // 8 communicators on a first-stage rank, none the world's, one of one-rank groups (cp, ep,
  // pos_embd, ...): 388 + 389 + 7 x 500.
  CHECK(ranges[1].body.find("8 communicators") != std::string::npos);
  CHECK(ranges[1].body.find("NCCL about 4277 MiB") != std::string::npos);
}

TEST_CASE("--rank R says the rank's part in each bridge (seed: fan-in 2 -> 1)") {
  const auto bridges_of = [](int rank) {
    const command_result r = inspect(seed_with({"--rank", std::to_string(rank)}));
    REQUIRE(r.exit_code == 0);
    const auto at = r.out.find("\nbridges ");
    return at == std::string::npos ? std::string() : r.out.substr(at);
  };
  CHECK(bridges_of(0).find("images -> language, fan-in 2 -> 1 leaders\n    source leader 0 of 2; "
                           "sends all of its batch to rank 4; share group [0,1]\n") !=
        std::string::npos);
  CHECK(bridges_of(2).find("source leader 1 of 2; sends all of its batch to rank 4; share group "
                           "[2,3]") != std::string::npos);
  CHECK(bridges_of(3).find("source: not a leader; its leader rank 2 shares") != std::string::npos);
  CHECK(bridges_of(4).find("destination leader 0 of 1; receives part 1/2 of its batch from rank "
                           "0; receives part 2/2 of its batch from rank 2; share group [4,5]") !=
        std::string::npos);
  CHECK(bridges_of(5).find("destination: not a leader; its leader rank 4") != std::string::npos);
  CHECK(bridges_of(6).empty());  // the language module's last stage: no part in the bridge
}
