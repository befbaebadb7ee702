// Rule 6 where offset + ranks passes INT_MAX: the span does not fit the world.
// expect-error: world: a module's span [offset, offset + ranks) must end at or before the world size
// expect-values: 'lm' [2147483647, 4294967294) does not fit a world of 2147483647
#include <climits>
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using lm = hg::module_grid<hg::grid_spec{
    .name = "lm", .ranks = INT_MAX, .offset = INT_MAX, .language = true}>;
using job = hg::topology<INT_MAX, lm>;
static_assert(job::world == INT_MAX);
