// Rule 6: the language span [6, 10) runs past a world of 8.
// expect-error: world: a module's span [offset, offset + ranks) must end at or before the world size
// expect-values: 'language' [6, 10) does not fit a world of 8
// expect-re[GNU]: (In instantiation of|required from) [^ ]*struct hetgrid::detail::module_fits_world<8, hetgrid::module_grid<hetgrid::grid_spec\{"language",
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 6, .language = true}>;
using mimo = hg::topology<8, images, language>;
static_assert(mimo::world == 8);
