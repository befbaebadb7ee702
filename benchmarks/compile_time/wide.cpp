// (c)/(d) 16 non-colocated modules of RANKS_PER_MODULE ranks each, various tp/cp/pp/ep, every
// group kind touched on three ranks of each module. Built at 8192 (world 131072) and at 8
// (world 128): the same code, so any difference in compile time comes from the world size.
#include <hetgrid/hetgrid.hpp>

#ifndef RANKS_PER_MODULE
#define RANKS_PER_MODULE 8192
#endif

namespace hg = hetgrid;

inline constexpr int R = RANKS_PER_MODULE;

// Every factorization divides 8, so both sizes take the same specs.
using m00 = hg::module_grid<hg::grid_spec{.name = "m00", .ranks = R, .tp = 2, .offset = 0 * R}>;
using m01 = hg::module_grid<hg::grid_spec{.name = "m01", .ranks = R, .cp = 2, .offset = 1 * R}>;
using m02 = hg::module_grid<hg::grid_spec{.name = "m02", .ranks = R, .pp = 2, .offset = 2 * R}>;
using m03 = hg::module_grid<hg::grid_spec{.name = "m03", .ranks = R, .tp = 2, .cp = 2, .offset = 3 * R}>;
using m04 = hg::module_grid<hg::grid_spec{.name = "m04", .ranks = R, .tp = 2, .pp = 2, .offset = 4 * R}>;
using m05 = hg::module_grid<hg::grid_spec{.name = "m05", .ranks = R, .cp = 2, .pp = 2, .offset = 5 * R}>;
using m06 = hg::module_grid<hg::grid_spec{
    .name = "m06", .ranks = R, .tp = 2, .cp = 2, .pp = 2, .offset = 6 * R}>;
using m07 = hg::module_grid<hg::grid_spec{.name = "m07", .ranks = R, .tp = 2, .ep = 2, .offset = 7 * R}>;
using m08 = hg::module_grid<hg::grid_spec{.name = "m08", .ranks = R, .pp = 2, .ep = 2, .offset = 8 * R}>;
using m09 = hg::module_grid<hg::grid_spec{
    .name = "m09", .ranks = R, .tp = 2, .pp = 2, .ep = 2, .offset = 9 * R}>;
using m10 = hg::module_grid<hg::grid_spec{.name = "m10", .ranks = R, .tp = 4, .ep = 2, .offset = 10 * R}>;
using m11 = hg::module_grid<hg::grid_spec{.name = "m11", .ranks = R, .pp = 4, .ep = 2, .offset = 11 * R}>;
using m12 = hg::module_grid<hg::grid_spec{.name = "m12", .ranks = R, .tp = 8, .offset = 12 * R}>;
using m13 = hg::module_grid<hg::grid_spec{.name = "m13", .ranks = R, .pp = 8, .offset = 13 * R}>;
using m14 = hg::module_grid<hg::grid_spec{
    .name = "m14", .ranks = R, .tp = 4, .cp = 2, .ep = 8, .expt_tp = 1, .offset = 14 * R}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = R, .tp = 2, .pp = 4, .offset = 15 * R, .language = true}>;

using wide = hg::topology<16 * R, m00, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11,
                          m12, m13, m14, language>;
static_assert(wide::layout == hg::layout::non_colocated && wide::world == 16 * R);

// Every kind's group of `rank`: it holds the rank, at a valid index, with the kind's size.
template <class M>
constexpr bool touch(int rank) {
  for (hg::group_kind kind : hg::all_group_kinds) {
    const hg::rank_group g = M::group_of(kind, rank);
    if (g.size() != M::group_size(kind) || !g.contains(rank) ||
        M::index_in_group(kind, rank) < 0)
      return false;
  }
  return true;
}

// The first, a middle and the last rank of each module.
template <class... Ms>
constexpr bool touch_all() {
  return ((touch<Ms>(Ms::offset) && touch<Ms>(Ms::offset + Ms::ranks / 2 + 1) &&
           touch<Ms>(Ms::offset + Ms::ranks - 1)) &&
          ...);
}
static_assert(touch_all<m00, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12, m13,
                        m14, language>());

// Embedding groups and roles at the ends of the language module and of the world.
static_assert(language::embd_group(15 * R)->size() == 2 && language::pos_embd_group(15 * R));
static_assert(language::embd_group(16 * R - 1) && !language::pos_embd_group(16 * R - 1));
static_assert(wide::role(16 * R - 1).has_language() &&
              wide::role(16 * R - 1).modules[15].is_last_stage);
static_assert(!wide::role(0).has_language() && wide::role(0).module_count_held() == 1);
static_assert(wide::role(8 * R + 1).in_module(8));
