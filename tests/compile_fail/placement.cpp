// Placement on nodes: an encoder of 6 ranks before a language model with tp = 4, on nodes of 8:
// the language model's tp group [6, 7, 8, 9] crosses the boundary at rank 8.
// expect-error: placement: a group of a kind kept inside a node must not cross a node boundary
// expect-values: ; 'language' tp group [6, 7, 8, 9] crosses the boundary at rank 8 (nodes of 8
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 6, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 8, .tp = 4, .offset = 6, .language = true}>;
using job = hg::topology<14, images, language>::on_nodes<8>;
static_assert(job::ranks_per_node == 8);
