// hetgrid/layout_kind.hpp: the two kinds of layout (docs/CONTRACT.md section 1): every module on
// the same span of ranks (colocated), or on spans of their own (non_colocated).
#pragma once

#include <string_view>

namespace hetgrid {

enum class layout_kind { colocated, non_colocated };
using layout = layout_kind;  // the older spelling: hg::layout::colocated keeps compiling

constexpr std::string_view to_string(layout_kind l) {
  return l == layout_kind::colocated ? "colocated" : "non_colocated";
}

}  // namespace hetgrid
