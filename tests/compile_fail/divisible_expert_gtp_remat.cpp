// Rule 3 with the expert view's GTP dim: 4 ranks do not factor as expt_tp 2 x expt_gtp_remat 4.
// expect-error: divisible: ranks must be divisible by expt_tp*ep*expt_gtp_remat*pp (expert view)
// expect-values: module 'language': ranks=4, expt_tp*ep*expt_gtp_remat*pp=8 (expt_tp=2, defaulted from tp, expt_gtp_remat=4)
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .expt_gtp_remat = 4, .language = true}>;
using mimo = hg::topology<4, language>;
static_assert(mimo::world == 4);
