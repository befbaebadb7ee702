// Rule 6 where offset + ranks does not fit an int: the span ends past any world.
// expect-error: world: a module's span [offset, offset + ranks) must end at or before the world size
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 2147483647, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>;
static_assert(mimo::world == 8);
