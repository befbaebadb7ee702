// A user's program against the installed headers: the seed layout, checked while compiling.
#include <hetgrid/hetgrid.hpp>

#include <array>
#include <iostream>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>;

static_assert(mimo::layout == hg::layout::non_colocated);
static_assert(language::dp == 1 && images::expt_tp == 2 && images::expt_dp == 2);
static_assert(language::group_of(hg::group_kind::pp, 5).back() == 7);
static_assert(mimo::role(6).has_language());

int main() {
  // The run-time check says the same about a layout it is handed.
  const std::array<hg::grid_spec, 2> specs{images::spec, language::spec};
  const hg::layout_error e = hg::check_layout(mimo::world, specs);
  std::cout << "consumer: world " << mimo::world << ", layout " << hg::to_string(mimo::layout)
            << ", check " << hg::to_string(e.kind) << "\n";
  return e ? 1 : 0;
}
