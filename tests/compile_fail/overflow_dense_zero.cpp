// Rule 2 with sizes whose product wraps a 32-bit int to 0 (65536 * 65536 = 2^32): the build must
// stop with the rule's words, not with "overflow in constant expression" or a division by zero.
// expect-error: divisible: ranks must be divisible by
// expect-values: module 'lm': ranks=1, tp*gtp_remat*cp*pp=4294967296 (tp=65536, cp=65536)
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using lm = hg::module_grid<hg::grid_spec{
    .name = "lm", .ranks = 1, .tp = 65536, .cp = 65536, .language = true}>;
using job = hg::topology<1, lm>;
static_assert(job::world == 1);
