// with_kinds composes (issue 20, row 5), so a chain that adds the same kind twice is the kind
// rule, not a kind silently dropped or an unreadable error.
// expect-error: kind: a program's own kind needs a name, dims of its view (at least one), and a name that no built-in kind, alias, embd, pos_embd or earlier kind of its own has
// expect-values: kind 'tp_pp': kind names must be distinct
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using language =
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .language = true}>;
constexpr hg::group_kind tp_pp = hg::make_kind("tp_pp", {"tp", "pp"});
template <class T, hg::group_kind K>
using add = typename T::template with_kinds<K>;
using twice = add<add<hg::topology<4, language>, tp_pp>, tp_pp>;
static_assert(twice::slot_count > 0);
