// A rank outside the module is not a group of it (issue 20, row 6): asked in a constant
// expression, the build stops instead of yielding a made-up group ({3, 5} used to come back).
// expect-call: rank_outside_module
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using language = hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .pp = 2,
                                               .offset = 4, .language = true}>;
static_assert(language::group_of(hg::group_kind::pp, 1).size() == 2);
