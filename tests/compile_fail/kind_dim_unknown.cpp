// A kind over a dim that no view has is not a constant expression; the diagnostic names why.
// expect-error: kind_error_unknown_dim
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

constexpr hg::group_kind typo = hg::make_kind("tp_pq", hg::view::base, {"tp", "pq"});
