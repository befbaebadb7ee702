// Placement on nodes of 0 ranks: the node size must be >= 1.
// expect-error: positive: the number of ranks a node holds must be >= 1
// expect-values: ; ranks_per_node=0
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using job = hg::topology<8, images, language>::on_nodes<0>;
static_assert(job::ranks_per_node == 0);
