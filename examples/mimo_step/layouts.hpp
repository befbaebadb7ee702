// examples/mimo_step/layouts.hpp: the layouts the job trains on (SPEC section 4). In each, the
// images module is the encoder and the language module takes its output through the bridge.
#pragma once

#include <hetgrid/hetgrid.hpp>
#include <string_view>

namespace mimo_step {
namespace hg = hetgrid;

// The seed's layout: images tp=2 on 0-3 (dp 2), language tp=2 pp=2 on 4-7.
struct seed_layout {
  static constexpr std::string_view name = "seed";
  using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
  using language = hg::module_grid<hg::grid_spec{
      .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
  using topology = hg::topology<8, images, language>;
};

// Two GPUs: images on rank 0, language on rank 1.
struct pair_layout {
  static constexpr std::string_view name = "pair";
  using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 1}>;
  using language =
      hg::module_grid<hg::grid_spec{.name = "language", .ranks = 1, .offset = 1, .language = true}>;
  using topology = hg::topology<2, images, language>;
};

// One GPU: both modules colocated on rank 0; the bridge is a copy from the rank to itself.
struct solo_layout {
  static constexpr std::string_view name = "solo";
  using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 1}>;
  using language =
      hg::module_grid<hg::grid_spec{.name = "language", .ranks = 1, .language = true}>;
  using topology = hg::topology<1, images, language>;
};

static_assert(seed_layout::topology::layout == hg::layout::non_colocated);
static_assert(pair_layout::topology::layout == hg::layout::non_colocated);
static_assert(solo_layout::topology::layout == hg::layout::colocated);

}  // namespace mimo_step
