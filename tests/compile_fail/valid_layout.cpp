// Control: the seed layout compiles warning-free, so the harness is proven to tell pass from fail.
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>;

static_assert(mimo::layout == hg::layout::non_colocated);
static_assert(language::dp == 1 && images::expt_tp == 2 && images::expt_dp == 2);
static_assert(language::group_of(hg::group_kind::pp, 5).back() == 7);

// Colocated: every module on the same span.
using vision = hg::module_grid<hg::grid_spec{.name = "vision", .ranks = 8, .tp = 4}>;
using lm = hg::module_grid<hg::grid_spec{.name = "lm", .ranks = 8, .tp = 2, .pp = 2, .ep = 2,
                                         .language = true}>;
static_assert(hg::topology<8, vision, lm>::layout == hg::layout::colocated);
