// Rule 1 with the expert view's GTP dim: expt_gtp_remat = 0 is not a size.
// expect-error: positive: every size (ranks, tp, cp, pp, gtp_remat, ep, expt_tp once resolved, expt_gtp_remat) must be >= 1, offset >= 0 and the module name non-empty
// expect-values: module 'language': expt_gtp_remat=0
// expect-re[GNU]: (In instantiation of|required from) [^ ]*struct hetgrid::module_grid<hetgrid::grid_spec\{"language", 4, 2, 1, 2, 1, 1, 0, 0,
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .expt_gtp_remat = 0, .language = true}>;
using mimo = hg::topology<4, language>;
static_assert(mimo::world == 4);
