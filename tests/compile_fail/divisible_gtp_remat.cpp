// Rule 2 with the GTP dim: 8 ranks do not factor as tp 2 x gtp_remat 3 (one module suffices).
// expect-error: divisible: ranks must be divisible by tp*gtp_remat*cp*pp (dense factorization)
// expect-values: module 'language': ranks=8, tp*gtp_remat*cp*pp=6 (tp=2, gtp_remat=3)
// expect-re[GNU]: (In instantiation of|required from) [^ ]*struct hetgrid::module_grid<hetgrid::grid_spec\{"language", 8, 2, 1, 1, 3,
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 8, .tp = 2, .gtp_remat = 3, .language = true}>;
using mimo = hg::topology<8, language>;
static_assert(mimo::world == 8);
