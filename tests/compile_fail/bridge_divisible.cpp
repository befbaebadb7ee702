// docs/CONTRACT.md section 4: 2 source leaders (images dp 2) and 3 destination leaders (language dp 3):
// neither count divides the other, so the bridge cannot split or join the batch.
// expect-error: bridge: the number of source leaders must divide the number of destination leaders or be divisible by it
// expect-values: source 'images': dp=2 leaders, destination 'language': dp=3 leaders
// expect-re[GNU]: (In instantiation of|required from) [^ ]*struct hetgrid::bridge_of<
#include <hetgrid/bridge.hpp>
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 3, .offset = 4, .language = true}>;
using mimo = hg::topology<7, images, language>;
static_assert(hg::bridge_of<mimo, images, language>::value.fan_factor() >= 1);
