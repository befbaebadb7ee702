// hetgrid-inspect --ranks-per-node N [--within KIND,...] (docs/CONTRACT.md sections 5 and 6):
// passing and failing layouts, the message's values, N not dividing the world, the kinds named,
// --plan's report of the classes that cross nodes, the SVG's node boundaries, and bad values.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/inspect_cli.hpp"

namespace {

namespace hg = hetgrid;
using namespace hetgrid::test;  // inspect, seed_with, args_t, command_result, check_rejected

// The layout: an encoder of 6 ranks before a language model with tp = 4.
const args_t shifted = {"--world", "14", "--module", "images:ranks=6,tp=2", "--module",
                        "language:ranks=8,tp=4,offset=6,language"};
args_t shifted_with(const args_t& more) {
  args_t args = shifted;
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

const std::string words =
    "hetgrid-inspect: placement: a group of a kind kept inside a node must not cross a node "
    "boundary; ";

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("a group that crosses: exit 2, the module, kind, group and boundary") {
  const command_result r = inspect(shifted_with({"--ranks-per-node", "8"}));
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == words + "'language' tp group [6, 7, 8, 9] crosses the boundary at rank 8 "
                         "(nodes of 8 ranks)\n");
  // The same layout with the language model's tp groups starting on a node: 6 + 2 + 8.
  const command_result ok = inspect({"--world", "16", "--module", "images:ranks=6,tp=2",
                                     "--module", "pad:ranks=2,offset=6", "--module",
                                     "language:ranks=8,tp=4,offset=8,language",
                                     "--ranks-per-node", "8"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.err.empty());
}

TEST_CASE("layouts that pass, N need not divide the world") {
  for (const std::string n : {"8", "4", "2", "6", "1000"}) {
    CAPTURE(n);
    const command_result r = inspect(seed_with({"--ranks-per-node", n}));
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == inspect(seed).out);  // the check adds nothing to the output
  }
  // Nodes of 7 break language tp [6, 7]; nodes of 3, images tp [2, 3].
  CHECK(inspect(seed_with({"--ranks-per-node", "7"})).err.find("tp group [6, 7]") !=
        std::string::npos);
  const command_result r = inspect(seed_with({"--ranks-per-node", "3"}));
  CHECK(r.exit_code == 2);
  CHECK(r.err == words + "'images' tp group [2, 3] crosses the boundary at rank 3 (nodes of 3 "
                         "ranks)\n");
}

TEST_CASE("--within names the kinds: built-in, aliases, and a kind beyond tp") {
  // pp is not kept inside by default: nodes of 6 pass, though language pp [4, 6] crosses.
  CHECK(inspect(seed_with({"--ranks-per-node", "6"})).exit_code == 0);
  const command_result pp = inspect(seed_with({"--ranks-per-node", "6", "--within", "tp,pp"}));
  CHECK(pp.exit_code == 2);
  CHECK(pp.err == words + "'language' pp group [4, 6] crosses the boundary at rank 6 (nodes of "
                          "6 ranks)\n");
  // tp alone stays inside nodes of 2; mp ([4, 5, 6, 7]) does not.
  CHECK(inspect(seed_with({"--ranks-per-node", "2", "--within", "tp"})).exit_code == 0);
  const command_result mp = inspect(seed_with({"--ranks-per-node=2", "--within=mp"}));
  CHECK(mp.err == words + "'language' mp group [4, 5, 6, 7] crosses the boundary at rank 6 "
                          "(nodes of 2 ranks)\n");
  // An alias and the embedding slots are kinds too.
  CHECK(inspect(seed_with({"--ranks-per-node", "4", "--within", "intra_dp_cp,pos_embd"}))
            .exit_code == 0);
  CHECK(inspect(seed_with({"--ranks-per-node", "6", "--within", "embd"})).exit_code == 2);
}

TEST_CASE("--plan says which classes cross node boundaries and which stay inside") {
  const command_result r = inspect(seed_with({"--ranks-per-node", "6", "--plan"}));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\nnodes of 6 ranks (kept inside a node: tp, expt_tp)\n") != std::string::npos);
  // Seed classes: 0 images tp, ..., 4 language tp, 6 language pp, 7 language mp.
  CHECK(r.out.find("\n  0: stays inside nodes; kept inside a node\n") != std::string::npos);
  CHECK(r.out.find("\n  4: stays inside nodes; kept inside a node\n") != std::string::npos);
  CHECK(r.out.find("\n  6: crosses node boundaries (first [4,6] at rank 6)\n") !=
        std::string::npos);
  CHECK(r.out.find("\n  7: crosses node boundaries (first [4,5,6,7] at rank 6)\n") !=
        std::string::npos);
  CHECK(count_of(r.out, "crosses node boundaries") == 2);
  CHECK(count_of(r.out, "stays inside nodes") == 6);
  // On nodes of 8 nothing crosses; without --ranks-per-node no such section.
  CHECK(count_of(inspect(seed_with({"--ranks-per-node", "8", "--plan"})).out,
                 "crosses node boundaries") == 0);
  CHECK(inspect(seed_with({"--plan"})).out.find("nodes of") == std::string::npos);
}

TEST_CASE("--svg draws the node boundaries when a node size is given") {
  const std::string file = "test_inspect_nodes.svg";
  REQUIRE(inspect(seed_with({"--ranks-per-node", "2", "--svg", file})).exit_code == 0);
  std::stringstream drawn;
  drawn << std::ifstream(file).rdbuf();
  // Boundaries before ranks 2, 4 and 6; a node stripe under each of the 8 ranks.
  CHECK(count_of(drawn.str(), "class=\"node-boundary\"") == 3);
  CHECK(drawn.str().find("node boundary at rank 4") != std::string::npos);
  CHECK(count_of(drawn.str(), "class=\"node\"") == 8);
  REQUIRE(inspect(seed_with({"--svg", file})).exit_code == 0);
  std::stringstream plain;
  plain << std::ifstream(file).rdbuf();
  CHECK(count_of(plain.str(), "node-boundary") == 0);
  std::remove(file.c_str());
}

TEST_CASE("bad values are usage errors") {
  for (const std::string bad : {"0", "-8", "x", "8x", "", "99999999999"}) {
    CAPTURE(bad);
    check_rejected(seed_with({"--ranks-per-node", bad}), "usage");
  }
  check_rejected(seed_with({"--ranks-per-node"}), "usage");
  check_rejected(seed_with({"--ranks-per-node", "2", "--ranks-per-node", "4"}), "usage");
  check_rejected(seed_with({"--within", "tp"}), "usage");  // needs --ranks-per-node
  check_rejected(seed_with({"--ranks-per-node", "2", "--within", "tp,,pp"}), "usage");
  check_rejected(seed_with({"--ranks-per-node", "2", "--within", "tq"}), "usage");
  check_rejected(seed_with({"--ranks-per-node", "2", "--within", "tp,tp"}), "usage");
  check_rejected(seed_with({"--ranks-per-node", "2", "--within", "tp", "--within", "pp"}),
                 "usage");
  const command_result r = inspect(seed_with({"--ranks-per-node", "2", "--within", "tq"}));
  CHECK(r.err == "hetgrid-inspect: usage: --within: no kind is named 'tq'\n");
  // A broken layout rule comes first: partition before placement.
  check_rejected({"--world", "9", "--module", "images:ranks=4,tp=2", "--module",
                  "language:ranks=4,tp=2,pp=2,offset=4,language", "--ranks-per-node", "3"},
                 "partition");
}
