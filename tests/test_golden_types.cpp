// Golden layouts declared as types: the compile-time API enumerates exactly the groups that
// Megatron-LM's HyperCommGrid computed for them (tests/data).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <boost/hana/for_each.hpp>
#include <string>
#include <vector>

#include "support/golden_cases.hpp"

namespace hg = hetgrid;
namespace hana = boost::hana;
using hg::group_kind;

// The valid golden cases of tests/data, spelled as types (in the data's order); the expected
// groups come from the data only.
// video:ranks=16,tp=2,pp=8,ep=2,expt_tp=1,offset=0 language:ranks=64,cp=4,pp=4,gtp_remat=2,ep=4,offset=16,language
using case1_world80 = hg::topology<
    80,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 16, .tp = 2, .pp = 8, .ep = 2, .expt_tp = 1, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 64, .cp = 4, .pp = 4, .gtp_remat = 2, .ep = 4, .offset = 16, .language = true}>>;
// video:ranks=4,tp=4,ep=4,expt_tp=1,offset=0 language:ranks=4,tp=2,pp=2,ep=2,expt_tp=1,offset=0,language
using case2_world4 = hg::topology<
    4,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 4, .tp = 4, .ep = 4, .expt_tp = 1, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .pp = 2, .ep = 2, .expt_tp = 1, .offset = 0, .language = true}>>;
// video:ranks=16,pp=4,expt_gtp_remat=2,offset=0 language:ranks=12,tp=4,pp=3,ep=4,expt_tp=1,offset=16,language
using case3_world28 = hg::topology<
    28,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 16, .pp = 4, .expt_gtp_remat = 2, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 12, .tp = 4, .pp = 3, .ep = 4, .expt_tp = 1, .offset = 16, .language = true}>>;
// audio:ranks=128,tp=8,cp=8,ep=2,expt_tp=4,offset=0 video:ranks=128,cp=4,pp=8,offset=0 language:ranks=128,cp=2,offset=0,language
using case4_world128 = hg::topology<
    128,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 128, .tp = 8, .cp = 8, .ep = 2, .expt_tp = 4, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 128, .cp = 4, .pp = 8, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 128, .cp = 2, .offset = 0, .language = true}>>;
// language:ranks=16,cp=2,pp=8,offset=0,language
using case5_world16 = hg::topology<
    16,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 16, .cp = 2, .pp = 8, .offset = 0, .language = true}>>;
// audio:ranks=64,tp=8,cp=2,pp=2,expt_gtp_remat=4,offset=0 video:ranks=4,cp=2,ep=4,offset=64 language:ranks=32,tp=2,pp=8,ep=2,offset=68,language
using case6_world100 = hg::topology<
    100,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 64, .tp = 8, .cp = 2, .pp = 2, .expt_gtp_remat = 4, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 4, .cp = 2, .ep = 4, .offset = 64}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 32, .tp = 2, .pp = 8, .ep = 2, .offset = 68, .language = true}>>;
// language:ranks=8,tp=4,pp=2,ep=4,expt_tp=1,offset=0,language
using case7_world8 = hg::topology<
    8,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 8, .tp = 4, .pp = 2, .ep = 4, .expt_tp = 1, .offset = 0, .language = true}>>;
// video:ranks=6,tp=2,cp=3,ep=2,expt_tp=3,offset=0 language:ranks=48,tp=3,cp=8,pp=2,offset=6,language
using case8_world54 = hg::topology<
    54,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 6, .tp = 2, .cp = 3, .ep = 2, .expt_tp = 3, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 48, .tp = 3, .cp = 8, .pp = 2, .offset = 6, .language = true}>>;
// language:ranks=4,cp=4,offset=0,language
using case9_world4 = hg::topology<
    4,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .cp = 4, .offset = 0, .language = true}>>;
// language:ranks=1,offset=0,language
using case10_world1 = hg::topology<
    1,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 1, .offset = 0, .language = true}>>;
// language:ranks=12,tp=2,pp=6,ep=2,expt_tp=1,offset=0,language
using case11_world12 = hg::topology<
    12,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 12, .tp = 2, .pp = 6, .ep = 2, .expt_tp = 1, .offset = 0, .language = true}>>;
// audio:ranks=32,pp=8,gtp_remat=2,ep=4,offset=0 video:ranks=32,tp=2,cp=2,gtp_remat=2,ep=4,expt_tp=8,offset=0 language:ranks=32,expt_tp=4,expt_gtp_remat=2,offset=0,language
using case12_world32 = hg::topology<
    32,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 32, .pp = 8, .gtp_remat = 2, .ep = 4, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 32, .tp = 2, .cp = 2, .gtp_remat = 2, .ep = 4, .expt_tp = 8, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 32, .expt_tp = 4, .expt_gtp_remat = 2, .offset = 0, .language = true}>>;
// vision:ranks=1,offset=0 audio:ranks=1,offset=0 video:ranks=1,offset=0 language:ranks=1,offset=0,language
using case13_world1 = hg::topology<
    1,
    hg::module_grid<hg::grid_spec{.name = "vision", .ranks = 1, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 1, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 1, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 1, .offset = 0, .language = true}>>;
// vision:ranks=6,tp=6,ep=3,expt_tp=2,offset=0 audio:ranks=6,tp=3,ep=3,expt_tp=1,expt_gtp_remat=2,offset=0 video:ranks=6,tp=3,ep=3,expt_tp=1,expt_gtp_remat=2,offset=0 language:ranks=6,tp=2,pp=3,offset=0,language
using case14_world6 = hg::topology<
    6,
    hg::module_grid<hg::grid_spec{.name = "vision", .ranks = 6, .tp = 6, .ep = 3, .expt_tp = 2, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 6, .tp = 3, .ep = 3, .expt_tp = 1, .expt_gtp_remat = 2, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 6, .tp = 3, .ep = 3, .expt_tp = 1, .expt_gtp_remat = 2, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 6, .tp = 2, .pp = 3, .offset = 0, .language = true}>>;
// audio:ranks=8,tp=2,pp=4,ep=2,expt_tp=1,offset=0 video:ranks=12,tp=2,pp=2,ep=2,expt_tp=1,offset=8 language:ranks=2,gtp_remat=2,ep=2,offset=20,language
using case15_world22 = hg::topology<
    22,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 8, .tp = 2, .pp = 4, .ep = 2, .expt_tp = 1, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 12, .tp = 2, .pp = 2, .ep = 2, .expt_tp = 1, .offset = 8}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 2, .gtp_remat = 2, .ep = 2, .offset = 20, .language = true}>>;
// vision:ranks=8,tp=2,pp=2,ep=2,offset=0 audio:ranks=6,tp=6,offset=8 video:ranks=16,cp=2,gtp_remat=8,ep=4,offset=14 language:ranks=64,tp=2,pp=4,ep=4,expt_tp=4,offset=30,language
using case16_world94 = hg::topology<
    94,
    hg::module_grid<hg::grid_spec{.name = "vision", .ranks = 8, .tp = 2, .pp = 2, .ep = 2, .offset = 0}>,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 6, .tp = 6, .offset = 8}>,
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 16, .cp = 2, .gtp_remat = 8, .ep = 4, .offset = 14}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 64, .tp = 2, .pp = 4, .ep = 4, .expt_tp = 4, .offset = 30, .language = true}>>;

namespace {

using hg::test::json;

bool same_spec(const hg::grid_spec& a, const hg::grid_spec& b) {
  return a.name_view() == b.name_view() && a.ranks == b.ranks && a.tp == b.tp && a.cp == b.cp &&
         a.pp == b.pp && a.gtp_remat == b.gtp_remat && a.ep == b.ep &&
         a.resolved_expt_tp() == b.resolved_expt_tp() && a.expt_gtp_remat == b.expt_gtp_remat &&
         a.offset == b.offset && a.language == b.language;
}

// The golden case with this world and these modules; fails the test if there is none.
template <class Topology>
json golden_case_of() {
  for (const json& c : hg::test::load_golden_cases()) {
    if (c.at("world").get<int>() != Topology::world || hg::test::is_error_case(c)) continue;
    const auto specs = hg::test::specs_of(c);
    if (specs.size() != Topology::specs.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < specs.size(); ++i)
      same = same && same_spec(specs[i], Topology::specs[i]);
    if (same) return c.at("expect");
  }
  FAIL("no golden case for this topology");
  return nullptr;
}

// Groups as JSON lists, from the compile-time API: count(), at(i) the i-th group.
template <class GroupAt>
json lists(int count, GroupAt at) {
  json out = json::array();
  for (int i = 0; i < count; ++i) {
    json members = json::array();
    for (int rank : at(i)) members.push_back(rank);
    out.push_back(members);
  }
  return out;
}

template <class Topology>
void check_against_golden() {
  const json expect = golden_case_of<Topology>();
  REQUIRE(expect.is_object());
  CHECK(expect.at("layout").get<std::string>() == hg::to_string(Topology::layout));
  int index = 0;
  hana::for_each(Topology::modules, [&](auto type) {
    using M = typename decltype(type)::type;
    const json& golden = expect.at("modules").at(index++);
    CAPTURE(golden.at("name").get<std::string>());
    CHECK(golden.at("dp").get<int>() == M::dp);
    CHECK(golden.at("expt_dp").get<int>() == M::expt_dp);
    CHECK(golden.at("expt_tp").get<int>() == M::expt_tp);
    CHECK(golden.at("gtp_remat").get<int>() == M::gtp_remat);
    CHECK(golden.at("expt_gtp_remat").get<int>() == M::expt_gtp_remat);
    CHECK(golden.at("groups").size() == hg::all_group_kinds.size() + 2);
    for (group_kind kind : hg::all_group_kinds) {
      CAPTURE(hg::to_string(kind));
      int count = 0;
      for (const hg::rank_group& g : M::groups(kind)) {
        CHECK(g.size() == M::group_size(kind));
        ++count;
      }
      CHECK(count == M::group_count(kind));
      CHECK(lists(M::group_count(kind), [&](int i) { return M::groups(kind)[i]; }) ==
            golden.at("groups").at(std::string(hg::to_string(kind))));
    }
    const int pp_groups = M::group_count(group_kind::pp);
    const json embd = M::language
                          ? lists(pp_groups, [&](int i) { return M::value.embd_group_at(i); })
                          : json(nullptr);
    const json pos_embd =
        M::language ? lists(pp_groups, [&](int i) { return M::value.pos_embd_group_at(i); })
                    : json(nullptr);
    CHECK(embd == golden.at("groups").at("embd"));
    CHECK(pos_embd == golden.at("groups").at("pos_embd"));
  });
  CHECK(index == static_cast<int>(expect.at("modules").size()));
}

}  // namespace

TEST_CASE("golden case1, world80") { check_against_golden<case1_world80>(); }
TEST_CASE("golden case2, world4") { check_against_golden<case2_world4>(); }
TEST_CASE("golden case3, world28") { check_against_golden<case3_world28>(); }
TEST_CASE("golden case4, world128") { check_against_golden<case4_world128>(); }
TEST_CASE("golden case5, world16") { check_against_golden<case5_world16>(); }
TEST_CASE("golden case6, world100") { check_against_golden<case6_world100>(); }
TEST_CASE("golden case7, world8") { check_against_golden<case7_world8>(); }
TEST_CASE("golden case8, world54") { check_against_golden<case8_world54>(); }
TEST_CASE("golden case9, world4") { check_against_golden<case9_world4>(); }
TEST_CASE("golden case10, world1") { check_against_golden<case10_world1>(); }
TEST_CASE("golden case11, world12") { check_against_golden<case11_world12>(); }
TEST_CASE("golden case12, world32") { check_against_golden<case12_world32>(); }
TEST_CASE("golden case13, world1") { check_against_golden<case13_world1>(); }
TEST_CASE("golden case14, world6") { check_against_golden<case14_world6>(); }
TEST_CASE("golden case15, world22") { check_against_golden<case15_world22>(); }
TEST_CASE("golden case16, world94") { check_against_golden<case16_world94>(); }
