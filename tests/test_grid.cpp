// The compile-time core on the seed layout (docs/CONTRACT.md sections 1 and 2): declare, static_assert, check.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <array>
#include <string_view>
#include <type_traits>

#include <hetgrid/hetgrid.hpp>
#include <vector>

namespace hg = hetgrid;
using hg::group_kind;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>;

static_assert(mimo::layout == hg::layout::non_colocated);
static_assert(mimo::world == 8 && mimo::module_count == 2 && mimo::language_index == 1);
static_assert(language::dp == 1 && images::expt_tp == 2 && images::expt_dp == 2);
static_assert(images::dp == 2 && images::size == 4 && language::expt_dp == 1);
static_assert(images::name == "images");

// Rank 5 of the seed: language tp=1, pp=0.
static_assert(language::coords(5) == hg::rank_coords{.tp = 1, .pp = 0, .expt_tp = 1});
static_assert(language::group_of(group_kind::pp, 5).front() == 5 &&
              language::group_of(group_kind::pp, 5).back() == 7);
static_assert(language::index_in_group(group_kind::pp, 7) == 1);
static_assert(language::index_in_group(group_kind::tp, 7) == 1);
static_assert(language::group_of(group_kind::mp, 6).size() == 4);
static_assert(language::embd_group(5)->back() == 7 && !language::pos_embd_group(7));
static_assert(!images::embd_group(0));
static_assert(mimo::role(6).has_language() && mimo::role(6).modules[1].is_last_stage);
static_assert(!mimo::role(2).has_language() && mimo::role(2).modules[0].is_first_stage &&
              mimo::role(2).modules[0].is_last_stage);
static_assert(group_kind::intra_dp_cp == group_kind::dp_cp);

// A topology of one module is colocated.
using solo_lm = hg::module_grid<hg::grid_spec{.name = "lm", .ranks = 8, .pp = 8, .language = true}>;
static_assert(hg::topology<8, solo_lm>::layout == hg::layout::colocated);

namespace {
std::vector<std::vector<int>> listed(const hg::grid& g, group_kind kind) {
  std::vector<std::vector<int>> out;
  for (const hg::rank_group& group : g.groups(kind)) out.emplace_back(group.begin(), group.end());
  return out;
}
using lists = std::vector<std::vector<int>>;
}  // namespace

TEST_CASE("seed layout: the worked example of docs/CONTRACT.md section 2") {
  const hg::grid& lm = language::value;
  CHECK(listed(lm, group_kind::tp) == lists{{4, 5}, {6, 7}});
  CHECK(listed(lm, group_kind::pp) == lists{{4, 6}, {5, 7}});
  CHECK(listed(lm, group_kind::mp) == lists{{4, 5, 6, 7}});
  CHECK(listed(lm, group_kind::expt_tp) == lists{{4, 5}, {6, 7}});
  CHECK(listed(lm, group_kind::expt_dp) == lists{{4}, {5}, {6}, {7}});
  CHECK(listed(lm, group_kind::tp_ep_pp) == lists{{4, 5, 6, 7}});
  CHECK(listed(images::value, group_kind::dp) == lists{{0, 2}, {1, 3}});
  CHECK(listed(images::value, group_kind::expt_dp) == lists{{0, 2}, {1, 3}});
}

TEST_CASE("rank_group: members, positions, non-members") {
  const hg::rank_group g = language::group_of(group_kind::pp, 4);
  CHECK(g.size() == 2);
  CHECK(g[0] == 4);
  CHECK(g[1] == 6);
  CHECK(g.index_of(6) == 1);
  CHECK(g.index_of(5) == -1);
  CHECK(g.index_of(8) == -1);
  CHECK(g.index_of(3) == -1);
  CHECK_FALSE(g == language::group_of(group_kind::pp, 5));
  CHECK(g == language::group_of(group_kind::pp, 6));
}

TEST_CASE("embedding groups and stages") {
  CHECK(listed(language::value, group_kind::pp).size() == 2);
  CHECK(language::embd_group(4)->size() == 2);
  CHECK(language::embd_group(6)->front() == 4);
  CHECK(language::pos_embd_group(4)->size() == 1);
  CHECK_FALSE(language::pos_embd_group(6).has_value());
  CHECK(mimo::role(4).modules[1].is_first_stage);
  CHECK_FALSE(mimo::role(4).modules[1].is_last_stage);
  CHECK_FALSE(mimo::role(4).in_module(0));
}

// One reading of a list of dim names serves make_kind and hetgrid-inspect --groups.
namespace {
constexpr hg::dims_reading read(std::initializer_list<std::string_view> dims) {
  return hg::read_dims(std::span(dims.begin(), dims.size()));
}
}  // namespace
static_assert(read({"tp", "pp"}).ok() && read({"tp", "pp"}).in_view == hg::view::base);
static_assert(read({"pp"}).in_view == hg::view::base);  // pp alone: the base view
static_assert(read({"ep", "pp"}).in_view == hg::view::expert);
static_assert(read({"tp", "pp"}).dims == (group_kind::pp.dims | group_kind::tp.dims));
static_assert(read({"tp", "ep"}).problem == hg::dims_problem::views_mixed);
static_assert(read({"tp", "tq"}).problem == hg::dims_problem::unknown_dim);
static_assert(read({"tp", "tq"}).culprit == "tq");

TEST_CASE("read_dims: the first problem, with the dim at fault, at run time too") {
  const std::vector<std::string_view> twice{"cp", "dp", "cp"};
  const hg::dims_reading r = hg::read_dims(twice);
  CHECK(r.problem == hg::dims_problem::dim_twice);
  CHECK(r.culprit == "cp");
  // Unknown dims are found before a mix of views, a mix before a repeat.
  const std::vector<std::string_view> mixed_and_unknown{"tp", "ep", "nope", "tp"};
  CHECK(hg::read_dims(mixed_and_unknown).problem == hg::dims_problem::unknown_dim);
  const std::vector<std::string_view> mixed_and_twice{"tp", "tp", "expt_dp"};
  CHECK(hg::read_dims(mixed_and_twice).problem == hg::dims_problem::views_mixed);
  const std::vector<std::string_view> none;
  CHECK(hg::read_dims(none).ok());
  CHECK(hg::read_dims(none).dims == 0);
  // A given view reads only its own dims: expt_tp is no base dim.
  const std::vector<std::string_view> expert_dim{"expt_tp"};
  CHECK(hg::read_dims(hg::view::base, expert_dim).problem == hg::dims_problem::unknown_dim);
  CHECK(hg::read_dims(hg::view::expert, expert_dim).dims == group_kind::expt_tp.dims);
}

// with_kinds' check: each own kind against the built-in slots and the own kinds before it.
namespace {
constexpr hg::group_kind tp_pp_mine = hg::make_kind("tp_pp_mine", {"tp", "pp"});
constexpr hg::group_kind ep_pp_mine = hg::make_kind("ep_pp_mine", {"ep", "pp"});
constexpr hg::group_kind pp_named_tp = hg::make_kind("tp", {"pp"});
// The kinds, as the rule table's kind rows read them (slots, the program's own kinds).
template <class... Kinds>
constexpr bool kinds_fit(Kinds... kinds) {
  return hg::detail::extra_kinds_fit(hg::builtin_slots,
                                     std::array<hg::group_kind, sizeof...(Kinds)>{kinds...});
}
template <class... Kinds>
constexpr std::string_view unfit_kind_message(Kinds... kinds) {
  const std::array<hg::group_kind, sizeof...(Kinds)> extra{kinds...};
  return hg::detail::first_unfit_kind(hg::builtin_slots, extra).why;
}
}  // namespace
static_assert(kinds_fit(tp_pp_mine, ep_pp_mine));
static_assert(!kinds_fit(tp_pp_mine, tp_pp_mine));  // the second repeats the first
static_assert(unfit_kind_message(tp_pp_mine, tp_pp_mine) == "kind names must be distinct");
static_assert(!kinds_fit(pp_named_tp));
static_assert(!kinds_fit(ep_pp_mine, hg::group_kind(hg::embd_kind)));
static_assert(hg::detail::first_unfit_kind(hg::builtin_slots,
                                           std::array{ep_pp_mine, hg::group_kind(hg::embd_kind)})
                  .index == 1);

// Issue 20, row 5: with_kinds composes, chained directly or through a helper, and keeps every kind.
namespace {
template <class T, hg::group_kind K>
using add_kind = typename T::template with_kinds<K>;
using seed_layout = hg::topology<
    8, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4,
                                  .language = true}>>;
using through_helper = add_kind<add_kind<seed_layout, tp_pp_mine>, ep_pp_mine>;
using chained = seed_layout::with_kinds<tp_pp_mine>::with_kinds<ep_pp_mine>;
using at_once = seed_layout::with_kinds<tp_pp_mine, ep_pp_mine>;
}  // namespace
static_assert(through_helper::slot_count == hg::slot_count + 2);
static_assert(through_helper::description.slot_of(tp_pp_mine) == hg::slot_count);
static_assert(through_helper::description.slot_of(ep_pp_mine) == hg::slot_count + 1);
static_assert(std::is_same_v<chained, at_once> && std::is_same_v<through_helper, at_once>);

// Issue 20, row 6: a rank outside the module is an error, not a made-up group.
TEST_CASE("group_of, index_in_group and coords refuse a rank outside the module") {
  using language = hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2,
                                                 .pp = 2, .offset = 4, .language = true}>;
  volatile int outside = 1;  // a run-time value: the check that throws, not the constant one
  CHECK_THROWS_WITH_AS(language::group_of(group_kind::pp, outside),
                       "hetgrid: rank 1 is not in module 'language' [4, 8)", std::out_of_range);
  CHECK_THROWS_AS(language::index_in_group(group_kind::tp, outside + 7), std::out_of_range);
  CHECK_THROWS_AS(language::coords(outside), std::out_of_range);
  CHECK(language::group_of(group_kind::pp, outside + 4) == seed_layout::grids[1].group_of(group_kind::pp, 5));
  // Slots keep answering "none" for such a rank, as the executor and the tools expect.
  CHECK_FALSE(seed_layout::grids[1].slot_group(group_kind::tp, outside).has_value());
  CHECK_FALSE(seed_layout::grids[1].embd_group(outside).has_value());
}
