// Placement on nodes (docs/CONTRACT.md section 1, "Placement on nodes"): on_nodes<N, kinds...> at
// compile time, the run-time check and its message, the launched job's check over hosts, and the
// closed form that says whether any group crosses, against listing every group.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <hetgrid/hetgrid.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace hg = hetgrid;

constexpr hg::grid_spec spec(const char* name, int ranks, int tp, int offset, bool language,
                             int pp = 1, int ep = 1, int cp = 1) {
  hg::grid_spec s{.ranks = ranks, .tp = tp, .cp = cp, .pp = pp, .ep = ep, .offset = offset,
                  .language = language};
  for (int i = 0; name[i] != '\0'; ++i) s.name[i] = name[i];
  return s;
}

// The case: an encoder of 6 ranks before a language model with tp = 4.
using encoder6 = hg::module_grid<spec("images", 6, 2, 0, false)>;
using language_tp4 = hg::module_grid<spec("language", 8, 4, 6, true)>;
using shifted = hg::topology<14, encoder6, language_tp4>;

using images4 = hg::module_grid<spec("images", 4, 2, 0, false)>;
using language4 = hg::module_grid<spec("language", 4, 2, 4, true, 2)>;
using seed = hg::topology<8, images4, language4>;

// Passing layouts: the seed on nodes of 8, 4 and 2; N need not divide the world (nodes of 6).
using seed8 = seed::on_nodes<8>;
using seed2 = seed::on_nodes<2>;
using seed6 = seed::on_nodes<6>;
static_assert(seed8::ranks_per_node == 8 && seed8::world == 8);
static_assert(seed8::within_node_kinds.size() == 2 && seed8::within_node_kinds[1].name_view() ==
                                                          "expt_tp");
static_assert(seed2::layout == hg::layout_kind::non_colocated);
static_assert(seed6::ranks_per_node == 6);
// Named kinds, a program's own among them.
constexpr auto tp_pp = hg::make_kind("tp_pp", {"tp", "pp"});
using seed_mp = seed::on_nodes<4, hg::group_kind::tp, tp_pp>;
static_assert(seed_mp::within_node_kinds[1].name_view() == "tp_pp");
using seed_own = seed::with_kinds<tp_pp>::on_nodes<4, tp_pp>;
static_assert(seed_own::slot_count == hg::slot_count + 1);
using seed_own_later = seed::on_nodes<4, tp_pp>::with_kinds<tp_pp>;
static_assert(seed_own_later::ranks_per_node == 4 && seed_own_later::slot_count ==
                                                          hg::slot_count + 1);

// A world of a million ranks with tp = 8: the closed form stays within the compiler's limits.
using big_language = hg::module_grid<spec("language", 1000000, 8, 0, true)>;
using big = hg::topology<1000000, big_language>;
static_assert(big::on_nodes<8>::ranks_per_node == 8);
static_assert(!hg::detail::groups_inside_nodes(
    12, hg::default_within_node_kinds, std::array<hg::grid, 1>{big_language::value}));

std::vector<hg::grid> grids_of(const std::vector<hg::grid_spec>& specs) {
  return {specs.begin(), specs.end()};
}

// Every group listed: what the closed form must agree with.
bool any_crosses_listed(const hg::grid& g, const hg::group_kind& kind, int n) {
  if (!hg::detail::kind_can_cross(g, kind)) return false;
  for (const hg::rank_group& group : g.groups(kind))
    if (hg::detail::crosses(group, n)) return true;
  return false;
}

}  // namespace

TEST_CASE("the issue's layout: language tp group [6, 7, 8, 9] crosses at rank 8") {
  const auto grids = grids_of({encoder6::spec, language_tp4::spec});
  const hg::placement_error e = hg::check_placement(grids, {8});
  REQUIRE(e);
  CHECK(e.kind == hg::error_kind::placement);
  CHECK(e.module == 1);
  CHECK(e.boundary == 8);
  CHECK(hg::describe(e, grids) ==
        "placement: a group of a kind kept inside a node must not cross a node boundary; "
        "'language' tp group [6, 7, 8, 9] crosses the boundary at rank 8 (nodes of 8 ranks)");
  // Nodes of 2: [6, 7, 8, 9] spans two boundaries; the first it crosses is 8.
  CHECK(hg::check_placement(grids, {2}).boundary == 8);
  // Nodes of 14 (one node) and of 1 rank with no kinds kept inside: nothing crosses.
  CHECK(!hg::check_placement(grids, {14}));
  CHECK(!hg::check_placement(grids, {1, {}}));
}

TEST_CASE("the seed passes on nodes of 8, 4, 2 and 6 (N need not divide the world)") {
  const auto grids = grids_of({images4::spec, language4::spec});
  for (int n : {8, 4, 2, 6, 100}) CHECK(!hg::check_placement(grids, {n}));
  // Nodes of 3: images tp [2, 3] crosses at 3.
  const hg::placement_error e = hg::check_placement(grids, {3});
  REQUIRE(e);
  CHECK(hg::describe(e, grids) ==
        "placement: a group of a kind kept inside a node must not cross a node boundary; "
        "'images' tp group [2, 3] crosses the boundary at rank 3 (nodes of 3 ranks)");
}

TEST_CASE("the kinds named: a program's own kind and a built-in one beyond tp") {
  const auto grids = grids_of({images4::spec, language4::spec});
  const std::array<hg::group_kind, 1> own{tp_pp};
  // language tp_pp = [4, 5, 6, 7]: inside nodes of 4, across nodes of 2.
  CHECK(!hg::check_placement(grids, {4, own}));
  const hg::placement_error e = hg::check_placement(grids, {2, own});
  REQUIRE(e);
  CHECK(e.module == 1);  // images tp_pp = its tp groups, [0, 1] and [2, 3]: inside
  CHECK(hg::describe(e, grids) ==
        "placement: a group of a kind kept inside a node must not cross a node boundary; "
        "'language' tp_pp group [4, 5, 6, 7] crosses the boundary at rank 6 (nodes of 2 ranks)");
  // tp alone stays inside nodes of 2 (and pp is not kept inside, so [4, 6] may cross).
  CHECK(!hg::check_placement(grids, {2}));
}

TEST_CASE("a node size below 1 is positive, and placement comes after the layout's rules") {
  const auto specs = std::vector<hg::grid_spec>{images4::spec, language4::spec};
  const hg::placement_error e = hg::check_placement(grids_of(specs), {0});
  CHECK(e.kind == hg::error_kind::positive);
  CHECK(hg::describe(e, grids_of(specs)) ==
        "positive: the number of ranks a node holds must be >= 1; ranks_per_node=0");
  try {
    hg::validate_layout(9, specs, {3});  // partition (rank 8 in no module) and placement
    FAIL("no error");
  } catch (const hg::topology_error& err) {
    CHECK(err.kind() == hg::error_kind::partition);
  }
  try {
    hg::validate_layout(8, specs, {3});
    FAIL("no error");
  } catch (const hg::topology_error& err) {
    CHECK(err.kind() == hg::error_kind::placement);
  }
}

TEST_CASE("the launched job: ranks of one host are one node") {
  const auto grids = grids_of({images4::spec, language4::spec});
  using sv = std::string_view;
  // 6 + 2 ranks a host: every tp group stays on one host.
  const std::vector<sv> six_two{"a", "a", "a", "a", "a", "a", "b", "b"};
  CHECK(!hg::check_hosts(grids, hg::default_within_node_kinds, six_two));
  // 5 + 3: language tp [4, 5] holds ranks of both.
  const std::vector<sv> five_three{"a", "a", "a", "a", "a", "b", "b", "b"};
  const auto message = hg::check_hosts(grids, hg::default_within_node_kinds, five_three);
  REQUIRE(message);
  CHECK(*message ==
        "placement: a group of a kind kept inside a node must not cross a node boundary; "
        "'language' tp group [4, 5] holds ranks of hosts 'a' (rank 4) and 'b' (rank 5)");
  // Hosts need not be contiguous: ranks dealt round robin break images tp [0, 1] first.
  const std::vector<sv> dealt{"a", "b", "a", "b", "a", "b", "a", "b"};
  CHECK(hg::check_hosts(grids, hg::default_within_node_kinds, dealt)->find("'images' tp group "
                                                                            "[0, 1]") !=
        std::string::npos);
}

TEST_CASE("the closed form agrees with listing every group") {
  int checked = 0, crossing = 0;
  for (int ranks : {4, 6, 8, 12, 16, 24})
    for (int tp : {1, 2, 3, 4})
      for (int pp : {1, 2, 3})
        for (int ep : {1, 2})
          for (int cp : {1, 2})
            for (int offset : {0, 1, 3, 5}) {
              const hg::grid_spec s = spec("m", ranks, tp, offset, true, pp, ep, cp);
              if (ranks % (tp * pp * cp) != 0 || ranks % (tp * pp * ep) != 0) continue;
              const hg::grid g(s);
              for (const hg::group_kind& kind : hg::builtin_slots)
                for (int n = 1; n <= 13; ++n) {
                  const bool listed = any_crosses_listed(g, kind, n);
                  CHECK_MESSAGE(hg::detail::any_group_crosses(g, kind, n) == listed,
                                "ranks=" << ranks << " tp=" << tp << " pp=" << pp << " ep=" << ep
                                         << " cp=" << cp << " offset=" << offset << " kind="
                                         << kind.name_view() << " n=" << n);
                  ++checked;
                  crossing += listed;
                }
            }
  CHECK(checked > 10000);
  CHECK(crossing > 1000);
  CHECK(crossing < checked);
}
