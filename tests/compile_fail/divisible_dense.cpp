// Rule 2: 6 ranks do not factor into tp = 4; expt_tp = 2 keeps the expert view valid.
// expect-error: divisible: ranks must be divisible by tp*gtp_remat*cp*pp (dense factorization)
// expect-values: module 'images': ranks=6, tp*gtp_remat*cp*pp=4 (tp=4)
// expect-re[GNU]: (In instantiation of|required from) [^ ]*struct hetgrid::module_grid<hetgrid::grid_spec\{"images", 6, 4,
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 6, .tp = 4, .expt_tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 6, .language = true}>;
using mimo = hg::topology<10, images, language>;
static_assert(mimo::world == 10);
