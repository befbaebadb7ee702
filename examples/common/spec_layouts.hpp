// spec_layouts.hpp (not part of the library): the layouts docs/CONTRACT.md names, for the main job, the tests and
// the benchmarks: each holds its two modules and its topology.
#pragma once

#include <hetgrid/module_grid.hpp>
#include <hetgrid/topology.hpp>

namespace hetgrid::layouts {

// The seed's layout: images tp=2 on ranks 0-3 (dp 2), language tp=2 pp=2 on 4-7.
struct seed {
  using images = module_grid<grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
  using language = module_grid<grid_spec{
      .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
  using topology = ::hetgrid::topology<8, images, language>;
};

// Two GPUs: images on rank 0, language on rank 1, every dim 1.
struct pair {
  using images = module_grid<grid_spec{.name = "images", .ranks = 1}>;
  using language =
      module_grid<grid_spec{.name = "language", .ranks = 1, .offset = 1, .language = true}>;
  using topology = ::hetgrid::topology<2, images, language>;
};

// One GPU: both modules colocated on rank 0, every dim 1 (44 groups, all {0}).
struct solo {
  using images = module_grid<grid_spec{.name = "images", .ranks = 1}>;
  using language = module_grid<grid_spec{.name = "language", .ranks = 1, .language = true}>;
  using topology = ::hetgrid::topology<1, images, language>;
};

// Two GPUs, one module: a language model of tp 2, its tp group the whole job.
struct pair_tp {
  using language =
      module_grid<grid_spec{.name = "language", .ranks = 2, .tp = 2, .language = true}>;
  using topology = ::hetgrid::topology<2, language>;
};

// Two ranks, both modules colocated on both: images tp 2, language dp 2 (one H200 runs it with
// two ranks sharing the GPU).
struct colocated_pair {
  using images = module_grid<grid_spec{.name = "images", .ranks = 2, .tp = 2}>;
  using language = module_grid<grid_spec{.name = "language", .ranks = 2, .language = true}>;
  using topology = ::hetgrid::topology<2, images, language>;
};

// Eight ranks, both modules colocated on all of them with their own parallelism: images tp 2
// (dp 4), language tp 2 pp 2 (dp 2); the bridge fans in from four encoder leaders to two.
struct colocated {
  using images = module_grid<grid_spec{.name = "images", .ranks = 8, .tp = 2}>;
  using language =
      module_grid<grid_spec{.name = "language", .ranks = 8, .tp = 2, .pp = 2, .language = true}>;
  using topology = ::hetgrid::topology<8, images, language>;
};

static_assert(seed::topology::layout == layout::non_colocated);
static_assert(colocated::topology::layout == layout::colocated);
static_assert(pair::topology::layout == layout::non_colocated);
static_assert(solo::topology::layout == layout::colocated);
static_assert(colocated_pair::topology::layout == layout::colocated);

}  // namespace hetgrid::layouts
