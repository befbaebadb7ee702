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

// world 80: video tp=2 pp=8 ep=2 expt_tp=1 on 0-15, language tp=2 pp=2 ep=4 on 16-79.
using video80 = hg::module_grid<hg::grid_spec{
    .name = "video", .ranks = 16, .tp = 2, .pp = 8, .ep = 2, .expt_tp = 1}>;
using language80 = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 64, .tp = 2, .pp = 2, .ep = 4, .offset = 16, .language = true}>;
using world80 = hg::topology<80, video80, language80>;
static_assert(world80::layout == hg::layout::non_colocated);
static_assert(video80::dp == 1 && video80::expt_dp == 1);
static_assert(language80::dp == 16 && language80::expt_dp == 4 && language80::expt_tp == 2);

// world 28: video cp=3 pp=2 on 0-11, language tp=8 pp=2 ep=2 expt_tp=2 on 12-27.
using video28 = hg::module_grid<hg::grid_spec{.name = "video", .ranks = 12, .cp = 3, .pp = 2}>;
using language28 = hg::module_grid<hg::grid_spec{.name = "language",
                                                 .ranks = 16,
                                                 .tp = 8,
                                                 .pp = 2,
                                                 .ep = 2,
                                                 .expt_tp = 2,
                                                 .offset = 12,
                                                 .language = true}>;
using world28 = hg::topology<28, video28, language28>;
static_assert(world28::layout == hg::layout::non_colocated);
static_assert(video28::dp == 2 && video28::expt_dp == 6);
static_assert(language28::dp == 1 && language28::expt_dp == 2);

// world 22: video tp=8 on 0-15, language pp=3 ep=2 on 16-21.
using video22 = hg::module_grid<hg::grid_spec{.name = "video", .ranks = 16, .tp = 8}>;
using language22 = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 6, .pp = 3, .ep = 2, .offset = 16, .language = true}>;
using world22 = hg::topology<22, video22, language22>;
static_assert(world22::layout == hg::layout::non_colocated);
static_assert(video22::dp == 2 && video22::expt_dp == 2 && video22::expt_tp == 8);
static_assert(language22::dp == 2 && language22::expt_dp == 1);

// world 4, colocated: video tp=2 cp=2, language tp=2 cp=2 expt_tp=1, both on 0-3.
using video4 = hg::module_grid<hg::grid_spec{.name = "video", .ranks = 4, .tp = 2, .cp = 2}>;
using language4 = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .cp = 2, .expt_tp = 1, .language = true}>;
using world4 = hg::topology<4, video4, language4>;
static_assert(world4::layout == hg::layout::colocated);
static_assert(video4::dp == 1 && video4::expt_dp == 2);
static_assert(language4::dp == 1 && language4::expt_dp == 4);

// world 154: four modules side by side.
using vision154 =
    hg::module_grid<hg::grid_spec{.name = "vision", .ranks = 6, .tp = 6, .ep = 6, .expt_tp = 1}>;
using audio154 =
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 8, .pp = 2, .expt_tp = 4, .offset = 6}>;
using video154 =
    hg::module_grid<hg::grid_spec{.name = "video", .ranks = 128, .tp = 4, .cp = 2, .offset = 14}>;
using language154 = hg::module_grid<hg::grid_spec{.name = "language",
                                                  .ranks = 12,
                                                  .tp = 6,
                                                  .ep = 3,
                                                  .expt_tp = 1,
                                                  .offset = 142,
                                                  .language = true}>;
using world154 = hg::topology<154, vision154, audio154, video154, language154>;
static_assert(world154::layout == hg::layout::non_colocated);
static_assert(vision154::dp == 1 && vision154::expt_dp == 1);
static_assert(audio154::dp == 4 && audio154::expt_dp == 1);
static_assert(video154::dp == 16 && video154::expt_dp == 32);
static_assert(language154::dp == 2 && language154::expt_dp == 4);

// world 65: video tp=2 cp=4 pp=8 ep=4 on 0-63, a one-rank language module on 64.
using video65 = hg::module_grid<hg::grid_spec{
    .name = "video", .ranks = 64, .tp = 2, .cp = 4, .pp = 8, .ep = 4}>;
using language65 =
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 1, .offset = 64, .language = true}>;
using world65 = hg::topology<65, video65, language65>;
static_assert(world65::layout == hg::layout::non_colocated);
static_assert(video65::dp == 1 && video65::expt_dp == 1 && video65::expt_tp == 2);
static_assert(language65::dp == 1 && language65::expt_dp == 1);

// One-module layouts: world 8 pp=8; world 4 tp=4 ep=4 expt_tp=1; world 4 pp=2.
using pipeline8 = hg::topology<
    8, hg::module_grid<hg::grid_spec{.name = "language", .ranks = 8, .pp = 8, .language = true}>>;
using experts4 = hg::topology<
    4, hg::module_grid<hg::grid_spec{
           .name = "language", .ranks = 4, .tp = 4, .ep = 4, .expt_tp = 1, .language = true}>>;
using pipeline4 = hg::topology<
    4, hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .pp = 2, .language = true}>>;
static_assert(pipeline8::layout == hg::layout::colocated);

namespace {

using hg::test::json;

bool same_spec(const hg::grid_spec& a, const hg::grid_spec& b) {
  return a.name_view() == b.name_view() && a.ranks == b.ranks && a.tp == b.tp && a.cp == b.cp &&
         a.pp == b.pp && a.ep == b.ep && a.resolved_expt_tp() == b.resolved_expt_tp() &&
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

TEST_CASE("world 80, two modules") { check_against_golden<world80>(); }
TEST_CASE("world 28, two modules") { check_against_golden<world28>(); }
TEST_CASE("world 22, two modules") { check_against_golden<world22>(); }
TEST_CASE("world 4, colocated") { check_against_golden<world4>(); }
TEST_CASE("world 154, four modules") { check_against_golden<world154>(); }
TEST_CASE("world 65, a one-rank language module") { check_against_golden<world65>(); }
TEST_CASE("one-module layouts") {
  check_against_golden<pipeline8>();
  check_against_golden<experts4>();
  check_against_golden<pipeline4>();
}
