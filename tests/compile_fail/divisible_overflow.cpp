// Rule 2 where tp*cp does not fit an int: 641 * 6700417 wraps to exactly 1 in 32 bits, so a
// product computed in int would accept it. It is a `divisible` error, in the rule's own words.
// expect-error: divisible: ranks must be divisible by tp*gtp_remat*cp*pp (dense factorization)
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 1, .tp = 641, .cp = 6700417, .expt_tp = 1, .language = true}>;
using mimo = hg::topology<1, language>;
static_assert(mimo::world == 1);
