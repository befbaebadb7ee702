// hetgrid/module_grid.hpp: a module grid as a type. Its spec is a template argument, so a broken
// rule stops the build, and the compiler's "in instantiation of module_grid<grid_spec{...}>"
// names the module.
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>

#include "hetgrid/detail/rule_facts.hpp"
#include "hetgrid/detail/rules.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/grid_spec.hpp"

namespace hetgrid {

template <grid_spec Spec>
struct module_grid {
#define HETGRID_ASSERT_MODULE_RULE(kind, holds, facts, words)                    \
  HETGRID_RULE_ASSERT(holds, ::hetgrid::detail::holds(Spec), words, \
                      ::hetgrid::detail::module_message(words, &::hetgrid::detail::facts, Spec))
  HETGRID_MODULE_RULES(HETGRID_ASSERT_MODULE_RULE)
#undef HETGRID_ASSERT_MODULE_RULE

  static constexpr grid_spec spec = Spec;
  static constexpr grid value{Spec};

  static constexpr std::string_view name = spec.name_view();
  // The spec's fields as resolved (expt_tp: tp where left out), and the derived dims.
#define HETGRID_MODULE_FIELD(field, default_value) static constexpr int field = value.field;
  HETGRID_SPEC_FIELDS(HETGRID_MODULE_FIELD)
#undef HETGRID_MODULE_FIELD
#define HETGRID_MODULE_DERIVED(dim, views, size) \
  HETGRID_DIM_DERIVED_##size(static constexpr int dim = value.dim;)
  HETGRID_DIMS(HETGRID_MODULE_DERIVED)
#undef HETGRID_MODULE_DERIVED
  static constexpr int size = value.size;
  static constexpr bool language = value.language;

  // Both views put pp slowest with the same stride, so a pp group is the same rank set in
  // either: the pp groups agree across the views (asked only of a spec that keeps the rules).
  // An invariant of grid.hpp, not a rule a spec can break: detail/rules.hpp says why no row.
  static_assert(check_module(Spec) != error_kind::none ||
                    (value.strides(view::base)[pp_dim] == value.strides(view::expert)[pp_dim] &&
                     value.sizes(view::base)[pp_dim] == value.sizes(view::expert)[pp_dim]),
                "pp: the base and expert views must give the same pp groups");

  static constexpr bool contains(int rank) { return value.contains(rank); }
  static constexpr rank_coords coords(int rank) { return value.coords(rank); }
  static constexpr rank_group group_of(const group_kind& kind, int rank) {
    return value.group_of(kind, rank);
  }
  static constexpr int index_in_group(const group_kind& kind, int rank) {
    return value.group_of(kind, rank).index_of(rank);
  }
  static constexpr group_range groups(const group_kind& kind) { return value.groups(kind); }
  // The groups over any dims of one view, as HyperCommGrid.get_rank_enum: rank_enum({"tp", "dp"}).
  static constexpr group_range rank_enum(std::initializer_list<std::string_view> dims) {
    return value.rank_enum(dims);
  }
  static constexpr int group_size(const group_kind& kind) { return value.group_size(kind); }
  static constexpr int group_count(const group_kind& kind) { return value.group_count(kind); }
  static constexpr std::optional<rank_group> embd_group(int rank) { return value.embd_group(rank); }
  static constexpr std::optional<rank_group> pos_embd_group(int rank) {
    return value.pos_embd_group(rank);
  }
  static constexpr bool is_first_stage(int rank) { return value.is_first_stage(rank); }
  static constexpr bool is_last_stage(int rank) { return value.is_last_stage(rank); }
};

}  // namespace hetgrid
