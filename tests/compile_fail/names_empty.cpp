// Rule 4: a topology without modules (language and partition may show too).
// expect-error: names: a topology needs at least one module
// expect-values: modules=0
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using nothing = hg::topology<8>;
static_assert(nothing::world == 8);
