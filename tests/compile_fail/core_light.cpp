// <hetgrid/core.hpp> declares and checks a layout without parsing <string>, <stdexcept>, <vector>,
// <iterator>, <numeric> or <algorithm>: what keeps it cheap to include (BENCHMARKS.md, "The core
// without <string>"); nor do the split plan and the bridge's plan. libstdc++'s include guards say
// which of them a TU has parsed.
#include <hetgrid/bridge.hpp>
#include <hetgrid/core.hpp>
#include <hetgrid/split_plan.hpp>

#if defined(__GLIBCXX__)
#if defined(_GLIBCXX_STRING) || defined(_GLIBCXX_STDEXCEPT) || defined(_GLIBCXX_VECTOR) || \
    defined(_GLIBCXX_ITERATOR) || defined(_GLIBCXX_NUMERIC) || defined(_GLIBCXX_ALGORITHM)
#error "hetgrid/core.hpp parses a heavy standard header"
#endif
#endif

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>::on_nodes<4>;

static_assert(language::group_of(hg::group_kind::pp, 5).back() == 7);
static_assert(!hg::check_layout(mimo::world, mimo::specs));
static_assert(!hg::check_placement(mimo::grids, {4}));

// The run-time path of a rank outside a module compiles here too: it throws std::out_of_range.
int outside(int rank) { return language::value.group_of(hg::group_kind::tp, rank).front(); }
