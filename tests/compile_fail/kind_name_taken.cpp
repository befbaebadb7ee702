// A program's own kind may not take a built-in kind's name.
// expect-error: kind: a program's own kind needs a name, dims of its view (at least one), and a name that no built-in kind, alias, embd, pos_embd or earlier kind of its own has
// expect-values: kind 'tp': kind names must be distinct
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using language = hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2,
                                               .language = true}>;
constexpr hg::group_kind my_tp = hg::make_kind("tp", {"tp", "pp"});
using mine = hg::topology<4, language>::with_kinds<my_tp>;
static_assert(mine::slot_count == hg::slot_count + 1);
