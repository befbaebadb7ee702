// Rule 3: 4 ranks factor densely (tp 2 x pp 2) but not as expt_tp 2 x ep 2 x pp 2.
// expect-error: divisible: ranks must be divisible by expt_tp*ep*expt_gtp_remat*pp (expert view)
// expect-values: module 'language': ranks=4, expt_tp*ep*expt_gtp_remat*pp=8 (expt_tp=2, defaulted from tp, ep=2, pp=2)
// expect-re[GNU]: (In instantiation of|required from) [^ ]*struct hetgrid::module_grid<hetgrid::grid_spec\{"language", 4, 2, 1, 2, 1, 2,
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .ep = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>;
static_assert(mimo::world == 8);
