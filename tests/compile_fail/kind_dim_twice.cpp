// A program's own kind over a dim given twice stops the build where the kind is made.
// expect-call: kind_error_dim_twice
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

constexpr hg::group_kind mine = hg::make_kind("mine", {"cp", "dp", "cp"});
static_assert(mine.dims != 0);
