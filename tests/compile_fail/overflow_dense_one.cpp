// Rule 2 with a product that wraps to exactly 1 (641 * 6700417 = 2^32 + 1): accepted before,
// with a cp group of 6.7 million ranks. The build must stop with the rule's words.
// expect-error: divisible: ranks must be divisible by
// expect-values: module 'lm': ranks=1, tp*gtp_remat*cp*pp=4294967297 (tp=641, cp=6700417)
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using lm = hg::module_grid<hg::grid_spec{
    .name = "lm", .ranks = 1, .tp = 641, .cp = 6700417, .expt_tp = 1, .language = true}>;
using job = hg::topology<1, lm>;
static_assert(job::world == 1);
