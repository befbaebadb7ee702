// examples/mimo_step/layouts.hpp: the layouts the job trains on (docs/CONTRACT.md section 4). In each, the
// images module is the encoder and the language module takes its output through the bridge.
#pragma once

#include <hetgrid/hetgrid.hpp>
#include <spec_layouts.hpp>
#include <string_view>

namespace mimo_step {
namespace hg = hetgrid;

// docs/CONTRACT.md section 4's layouts, with the name the command line uses.
struct seed_layout : hg::layouts::seed {
  static constexpr std::string_view name = "seed";
};
struct pair_layout : hg::layouts::pair {
  static constexpr std::string_view name = "pair";
};
// One GPU: the bridge is a copy from the rank to itself.
struct solo_layout : hg::layouts::solo {
  static constexpr std::string_view name = "solo";
};

// Colocated: both modules on every rank, each with its own tp / pp / dp; the bridge runs between
// the two modules' replicas on the same ranks (a leader that sends to itself copies locally).
struct colocated_layout : hg::layouts::colocated {
  static constexpr std::string_view name = "colocated";
};
struct colocated_pair_layout : hg::layouts::colocated_pair {
  static constexpr std::string_view name = "colocated_pair";
};

static_assert(seed_layout::topology::layout == hg::layout::non_colocated);
static_assert(pair_layout::topology::layout == hg::layout::non_colocated);
static_assert(solo_layout::topology::layout == hg::layout::colocated);

}  // namespace mimo_step
