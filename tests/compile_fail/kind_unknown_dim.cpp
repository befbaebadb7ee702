// A program's own kind over a dim that no view has stops the build where the kind is made.
// expect-call: kind_error_unknown_dim
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

constexpr hg::group_kind mine = hg::make_kind("mine", {"tp", "tq"});
static_assert(mine.dims != 0);
