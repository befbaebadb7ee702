// A constant kind the layout does not build stops the build (issue 21, item 4): g[kind] throws
// std::out_of_range at run time, g.group<Module, kind>() is checked when it compiles, and the
// compiler's instantiation context names the kind.
// expect-error: kind: this layout builds no group of this kind; add it with topology<...>::with_kinds<kind>, or look it up at run time with g[kind]
// expect-values: ; kind 'tp_pp' of module 'language'
// expect-re[GNU]: kind_check<.*"tp_pp"
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using language =
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .language = true}>;
using layout = hg::topology<4, language>;
constexpr hg::group_kind tp_pp = hg::make_kind("tp_pp", {"tp", "pp"});
// Not constexpr: clang would add its own "must be initialized by a constant expression".
const hg::kind_place place = hg::checked_kind<layout, language, tp_pp>();
