// The embeddings are the language module's alone: asking another module for them, as a
// constant, stops the build (issue 21, item 4).
// expect-error: kind: embd and pos_embd groups are built for the language module alone
// expect-values: ; kind 'embd' of module 'images'
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2,
                                               .offset = 4, .language = true}>;
using layout = hg::topology<8, images, language>;
// Not constexpr: clang would add its own "must be initialized by a constant expression".
const hg::kind_place place = hg::checked_kind<layout, images, hg::embd_kind>();
