// Rule 1: a span may not start before rank 0.
// expect-error: positive: every size (ranks, tp, cp, pp, gtp_remat, ep, expt_tp once resolved, expt_gtp_remat) must be >= 1, offset >= 0 and the module name non-empty
// expect-values: module 'images': offset=-1
// expect-re[GNU]: (In instantiation of|required from) [^ ]*struct hetgrid::module_grid<hetgrid::grid_spec\{"images", 4, 2, 1, 1, 1, 1, 0, 1, -1,
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2, .offset = -1}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>;
static_assert(mimo::world == 8);
