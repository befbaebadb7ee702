// hetgrid/module_grid.hpp: a module grid as a type. Its spec is a template argument, so a broken
// rule stops the build, and the compiler's "in instantiation of module_grid<grid_spec{...}>"
// names the module.
#pragma once

#include <optional>
#include <string_view>

#include "hetgrid/grid.hpp"
#include "hetgrid/grid_spec.hpp"

namespace hetgrid {

template <grid_spec Spec>
struct module_grid {
  static_assert(detail::sizes_positive(Spec), HETGRID_RULE_POSITIVE);
  static_assert(detail::dense_divisible(Spec), HETGRID_RULE_DIVISIBLE_DENSE);
  static_assert(detail::expert_divisible(Spec), HETGRID_RULE_DIVISIBLE_EXPERT);

  static constexpr grid_spec spec = Spec;
  static constexpr grid value{Spec};

  static constexpr std::string_view name = spec.name_view();
  static constexpr int ranks = value.ranks, tp = value.tp, cp = value.cp, pp = value.pp,
                       ep = value.ep, expt_tp = value.expt_tp, offset = value.offset,
                       dp = value.dp, expt_dp = value.expt_dp, size = value.size;
  static constexpr bool language = value.language;

  // Both views put pp slowest with the same stride, so a pp group is the same rank set in
  // either: the pp groups agree across the views.
  static_assert(value.strides(view::base)[3] == value.strides(view::expert)[3] &&
                    value.sizes(view::base)[3] == value.sizes(view::expert)[3],
                "pp: the base and expert views must give the same pp groups");

  static constexpr bool contains(int rank) { return value.contains(rank); }
  static constexpr rank_coords coords(int rank) { return value.coords(rank); }
  static constexpr rank_group group_of(group_kind kind, int rank) {
    return value.group_of(kind, rank);
  }
  static constexpr int index_in_group(group_kind kind, int rank) {
    return value.group_of(kind, rank).index_of(rank);
  }
  static constexpr group_range groups(group_kind kind) { return value.groups(kind); }
  static constexpr int group_size(group_kind kind) { return value.group_size(kind); }
  static constexpr int group_count(group_kind kind) { return value.group_count(kind); }
  static constexpr std::optional<rank_group> embd_group(int rank) { return value.embd_group(rank); }
  static constexpr std::optional<rank_group> pos_embd_group(int rank) {
    return value.pos_embd_group(rank);
  }
  static constexpr bool is_first_stage(int rank) { return value.is_first_stage(rank); }
  static constexpr bool is_last_stage(int rank) { return value.is_last_stage(rank); }
};

}  // namespace hetgrid
