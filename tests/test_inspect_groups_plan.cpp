// hetgrid-inspect --groups and --plan (docs/CONTRACT.md section 5). --groups over the dims of
// each built-in kind must give that kind's golden groups (computed by Megatron-LM), in both
// views; its bad input is one usage line. --plan shows the seed's 22 groups on 4 communicators.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
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
  CHECK(r.out.find("rank 4: 22 groups on 4 communicators") != std::string::npos);
  CHECK(r.out.find("rank 7: 21 groups on 4 communicators") != std::string::npos);
  CHECK(r.out.find("rank 0: 20 groups on 4 communicators") != std::string::npos);
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
  CHECK(solo.out.find("rank 0: 42 groups on 1 communicator\n") != std::string::npos);
  // One module: counted in the singular.
  const command_result one_module =
      inspect({"--world", "2", "--module", "lm:ranks=2,tp=2,language", "--plan"});
  REQUIRE(one_module.exit_code == 0);
  CHECK(one_module.out.starts_with("plan: world 2, 1 module, 22 slots each, 2 classes, 0 split rounds\n"));
}
