// The seed-shaped layouts of BENCHMARKS.md's reference figures, one per world size: two halves,
// encoder tp=2 and language tp=2 pp=2, cp / ep / expt_tp 1 written out (as the torch reference
// has them).
#pragma once

#include <boost/hana/tuple.hpp>
#include <hetgrid/hetgrid.hpp>

namespace seed_shaped {
namespace hg = hetgrid;

template <int World>
using layout = hg::topology<
    World,
    hg::module_grid<hg::grid_spec{.name = "encoder", .ranks = World / 2, .tp = 2, .cp = 1,
                                  .ep = 1, .expt_tp = 1}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = World / 2, .tp = 2, .cp = 1,
                                  .pp = 2, .ep = 1, .expt_tp = 1, .offset = World / 2,
                                  .language = true}>>;

// The worlds the benchmarks can be started with.
inline constexpr auto layouts =
    boost::hana::make_tuple(boost::hana::type_c<layout<8>>, boost::hana::type_c<layout<16>>,
                            boost::hana::type_c<layout<32>>, boost::hana::type_c<layout<64>>,
                            boost::hana::type_c<layout<128>>);
inline constexpr const char* worlds_text = "8, 16, 32, 64, 128";

}  // namespace seed_shaped
