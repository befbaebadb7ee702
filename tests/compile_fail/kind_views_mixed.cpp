// A program's own kind over dims of both views stops the build where the kind is made.
// expect-call: kind_error_views_mixed
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

constexpr hg::group_kind mine = hg::make_kind("mine", {"tp", "ep"});
static_assert(mine.dims != 0);
