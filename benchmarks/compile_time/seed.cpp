// (a) The seed layout, declared with hetgrid, touching every group kind, embd/pos_embd and role.
// run.sh also compiles it with -DSEED_CORE_ONLY: the same checks with <hetgrid/core.hpp>, the
// core without its run-time messages (<string>, <stdexcept>).
#ifdef SEED_CORE_ONLY
#include <hetgrid/core.hpp>
#else
#include <hetgrid/hetgrid.hpp>
#endif

namespace hg = hetgrid;
using k = hg::group_kind;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>;

constexpr bool is(hg::rank_group g, int front, int size) {
  return g.front() == front && g.size() == size;
}

// Language rank 5: tp 1, pp 0 of a tp 2 x pp 2 grid on [4, 8); all twenty kinds.
static_assert(is(language::group_of(k::tp, 5), 4, 2));
static_assert(is(language::group_of(k::gtp_remat, 5), 5, 1));
static_assert(is(language::group_of(k::cp, 5), 5, 1));
static_assert(is(language::group_of(k::pp, 5), 5, 2));
static_assert(is(language::group_of(k::dp, 5), 5, 1));
static_assert(is(language::group_of(k::dp_cp, 5), 5, 1));
static_assert(is(language::group_of(k::dp_cp_gtp_remat, 5), 5, 1));
static_assert(is(language::group_of(k::tp_cp, 5), 4, 2));
static_assert(is(language::group_of(k::tp_dp, 5), 4, 2));
static_assert(is(language::group_of(k::tp_dp_cp, 5), 4, 2));
static_assert(is(language::group_of(k::mp, 5), 4, 4));
static_assert(is(language::group_of(k::intra_dist_opt, 5), 4, 4));
static_assert(is(language::group_of(k::ep, 5), 5, 1));
static_assert(is(language::group_of(k::expt_tp, 5), 4, 2));
static_assert(is(language::group_of(k::expt_gtp_remat, 5), 5, 1));
static_assert(is(language::group_of(k::expt_dp, 5), 5, 1));
static_assert(is(language::group_of(k::expt_dp_gtp_remat, 5), 5, 1));
static_assert(is(language::group_of(k::tp_ep, 5), 4, 2));
static_assert(is(language::group_of(k::tp_ep_pp, 5), 4, 4));
static_assert(is(language::group_of(k::tp_ep_pp_with_egtp_remat, 5), 4, 4));

// Images rank 2: tp 0, dp 1 of a tp 2 x dp 2 grid on [0, 4).
static_assert(is(images::group_of(k::tp, 2), 2, 2));
static_assert(is(images::group_of(k::gtp_remat, 2), 2, 1));
static_assert(is(images::group_of(k::cp, 2), 2, 1));
static_assert(is(images::group_of(k::pp, 2), 2, 1));
static_assert(is(images::group_of(k::dp, 2), 0, 2));
static_assert(is(images::group_of(k::dp_cp, 2), 0, 2));
static_assert(is(images::group_of(k::dp_cp_gtp_remat, 2), 0, 2));
static_assert(is(images::group_of(k::tp_cp, 2), 2, 2));
static_assert(is(images::group_of(k::tp_dp, 2), 0, 4));
static_assert(is(images::group_of(k::tp_dp_cp, 2), 0, 4));
static_assert(is(images::group_of(k::mp, 2), 2, 2));
static_assert(is(images::group_of(k::intra_dist_opt, 2), 0, 4));
static_assert(is(images::group_of(k::ep, 2), 2, 1));
static_assert(is(images::group_of(k::expt_tp, 2), 2, 2));
static_assert(is(images::group_of(k::expt_gtp_remat, 2), 2, 1));
static_assert(is(images::group_of(k::expt_dp, 2), 0, 2));
static_assert(is(images::group_of(k::expt_dp_gtp_remat, 2), 0, 2));
static_assert(is(images::group_of(k::tp_ep, 2), 2, 2));
static_assert(is(images::group_of(k::tp_ep_pp, 2), 2, 2));
static_assert(is(images::group_of(k::tp_ep_pp_with_egtp_remat, 2), 2, 2));

// Embedding groups: the first and last stage of language's pp group, and the first alone.
static_assert(is(*language::embd_group(5), 5, 2) && language::embd_group(5)->back() == 7);
static_assert(is(*language::pos_embd_group(5), 5, 1) && !language::pos_embd_group(7));
static_assert(!images::embd_group(2));

// Roles: rank 5 is language's first stage, rank 2 images' only stage.
static_assert(mimo::role(5).has_language() && mimo::role(5).modules[1].is_first_stage &&
              !mimo::role(5).modules[1].is_last_stage);
static_assert(!mimo::role(2).has_language() && mimo::role(2).modules[0].is_first_stage &&
              mimo::role(2).modules[0].is_last_stage);
static_assert(mimo::layout == hg::layout::non_colocated);
