// The layouts the MPI tests instantiate, by world size.
#pragma once

#include <hetgrid/hetgrid.hpp>
#include <spec_layouts.hpp>

namespace layouts {
namespace hg = hetgrid;

using seed = hg::layouts::seed::topology;

// Colocated, with factorizations that differ between the modules.
using colocated = hg::topology<
    8, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 8, .tp = 2, .cp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 8, .tp = 4, .pp = 2,
                                  .language = true}>>;

// MoE: ep > 1 and expt_tp > 1 (language dp 4, expt_dp 1; images pp 2 with expt_tp 1).
using moe = hg::topology<
    8, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2, .pp = 2, .ep = 2,
                                     .expt_tp = 1}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .ep = 2, .expt_tp = 2,
                                  .offset = 4, .language = true}>>;

// Sixteen ranks, MoE, pp = 3: embd has members only in the first and last stage.
using moe16 = hg::topology<
    16, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2, .ep = 2,
                                      .expt_tp = 1}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 12, .tp = 2, .pp = 3, .ep = 2,
                                  .expt_tp = 2, .offset = 4, .language = true}>>;

// Sixteen ranks with GTP weight sharding in both views.
using gtp16 = hg::topology<
    16, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 8, .tp = 2, .gtp_remat = 2,
                                      .expt_tp = 1, .expt_gtp_remat = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 8, .tp = 2, .pp = 2,
                                  .gtp_remat = 2, .ep = 2, .expt_tp = 1, .expt_gtp_remat = 2,
                                  .offset = 8, .language = true}>>;

// Two encoders of one factorization (they share their classes and split rounds) and a language
// model, eight ranks.
using twin_encoders = hg::topology<
    8, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 2, .tp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 2, .tp = 2, .offset = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4,
                                  .language = true}>>;

// Sixteen ranks in seven modules of five factorizations: twins (a, b and c, d) share classes and
// rounds, a one-rank module needs no call, the language model has pp = 3 (embd partial).
using many_modules = hg::topology<
    16, hg::module_grid<hg::grid_spec{.name = "a", .ranks = 2, .tp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "b", .ranks = 2, .tp = 2, .offset = 2}>,
    hg::module_grid<hg::grid_spec{.name = "c", .ranks = 2, .offset = 4}>,
    hg::module_grid<hg::grid_spec{.name = "d", .ranks = 2, .offset = 6}>,
    hg::module_grid<hg::grid_spec{.name = "e", .ranks = 4, .tp = 2, .pp = 2, .offset = 8}>,
    hg::module_grid<hg::grid_spec{.name = "f", .ranks = 1, .offset = 12}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 3, .pp = 3, .offset = 13,
                                  .language = true}>>;

// An odd world, nine ranks: groups of three (tp = 3), of two and of four.
using odd9 = hg::topology<
    9, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 3, .tp = 3}>,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 2, .offset = 3}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 5,
                                  .language = true}>>;

}  // namespace layouts
