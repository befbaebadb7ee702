// Rule 2 under nvcc: 6 ranks do not factor into tp = 4.
// expect-error: divisible: ranks must be divisible by tp*gtp_remat*cp*pp (dense factorization)
// expect-re[NVIDIA]: instantiation of class "hetgrid::module_grid<Spec> \[with Spec=hetgrid::grid_spec\{\{'i', 'm', 'a', 'g', 'e', 's', '\\000'
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 6, .tp = 4, .expt_tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 6, .language = true}>;
using mimo = hg::topology<10, images, language>;
static_assert(mimo::world == 10);
