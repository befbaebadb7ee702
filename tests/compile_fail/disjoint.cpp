// Rule 5: [0, 4) and [2, 6) overlap without being equal.
// expect-error: disjoint: module spans must be all identical (colocated) or pairwise disjoint (non-colocated); spans that overlap without being equal are not allowed
// expect-values: 'language' [2, 6) overlaps 'images' [0, 4)
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 2, .language = true}>;
using mimo = hg::topology<8, images, language>;
static_assert(mimo::world == 8);
