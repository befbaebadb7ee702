// hetgrid/view.hpp: the two views of a module's ranks (docs/CONTRACT.md section 2), as data: each
// is an ordered list of dims, first = fastest varying. A set of a view's dims is a bit mask over
// it.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace hetgrid {

enum class view { base, expert };

inline constexpr int view_dim_count = 5;

// Bit i set: the set holds dim i of its view.
using dim_mask = unsigned;

inline constexpr std::array<std::string_view, view_dim_count> base_dims = {
    "tp", "gtp_remat", "cp", "dp", "pp"};
inline constexpr std::array<std::string_view, view_dim_count> expert_dims = {
    "expt_tp", "ep", "expt_gtp_remat", "expt_dp", "pp"};

// pp is the slowest dim of both views: the one dim they share.
inline constexpr int pp_dim = view_dim_count - 1;

constexpr const std::array<std::string_view, view_dim_count>& dims_of(view v) {
  return v == view::base ? base_dims : expert_dims;
}

constexpr std::string_view to_string(view v) { return v == view::base ? "base" : "expert"; }

// The position of a dim in a view, if the view has it.
constexpr std::optional<int> dim_index(view v, std::string_view dim) {
  for (int i = 0; i < view_dim_count; ++i)
    if (dims_of(v)[i] == dim) return i;
  return std::nullopt;
}

// A mask's dims in view order, fastest first.
struct dim_list {
  std::array<std::string_view, view_dim_count> names{};
  int count = 0;
};
constexpr dim_list dim_names(view v, dim_mask dims) {
  dim_list list;
  for (int i = 0; i < view_dim_count; ++i)
    if (dims >> i & 1u) list.names[list.count++] = dims_of(v)[i];
  return list;
}

}  // namespace hetgrid
