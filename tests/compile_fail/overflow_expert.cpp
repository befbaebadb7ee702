// Rule 3 with an expert product that wraps to 0 (expt_tp * ep = 2^32); the dense view is fine.
// expect-error: divisible: ranks must be divisible by
// expect-values: module 'lm': ranks=2, expt_tp*ep*expt_gtp_remat*pp=4294967296 (expt_tp=65536, ep=65536)
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using lm = hg::module_grid<hg::grid_spec{
    .name = "lm", .ranks = 2, .tp = 1, .ep = 65536, .expt_tp = 65536, .language = true}>;
using job = hg::topology<2, lm>;
static_assert(job::world == 2);
