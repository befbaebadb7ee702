// Rule 4: no module is marked language.
// expect-error: language: exactly one module must be marked language
// expect-values: 0 are marked
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4}>;
using mimo = hg::topology<8, images, language>;
static_assert(mimo::world == 8);
