// Rule 6: ranks 8 and 9 of a world of 10 are in no module.
// expect-error: partition: module spans must cover [0, world) with no gap; some rank is in no module
// expect-values: ranks [8, 10) are in no module
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<10, images, language>;
static_assert(mimo::world == 10);
