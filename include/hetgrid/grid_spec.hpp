// hetgrid/grid_spec.hpp: one module's factorization and placement, as a literal value
// (docs/CONTRACT.md section 1), and the predicates of the rules that concern one module alone.
#pragma once

#include <initializer_list>
#include <string_view>

#include "hetgrid/detail/rules.hpp"
#include "hetgrid/error_kind.hpp"
#include "hetgrid/view.hpp"

namespace hetgrid {

inline constexpr int max_name_length = 31;

// The integer fields of a module's spec, in declaration order (designated initializers follow
// it): X(NAME, DEFAULT). This line is the one list of them: grid_spec's members, spec_fields (the
// inspect tool's keys and usage text, describe(), the JSON writers and readers, the tests'
// golden loader) and module_grid's statics are generated from it. expt_tp's 0 means "as tp", as
// in Megatron-LM.
#define HETGRID_SPEC_FIELDS(X) \
  X(ranks, 0) X(tp, 1) X(cp, 1) X(pp, 1) X(gtp_remat, 1) X(ep, 1) X(expt_tp, 0) \
  X(expt_gtp_remat, 1) X(offset, 0)

// A structural literal type, so that it can be a template argument: module_grid<grid_spec{...}>.
// Designated initializers must follow this declaration order.
struct grid_spec {
  char name[max_name_length + 1]{};
#define HETGRID_SPEC_MEMBER(field, default_value) int field = default_value;
  HETGRID_SPEC_FIELDS(HETGRID_SPEC_MEMBER)
#undef HETGRID_SPEC_MEMBER
  bool language = false;

  constexpr std::string_view name_view() const { return std::string_view(name); }
  constexpr int resolved_expt_tp() const { return expt_tp == 0 ? tp : expt_tp; }
};

namespace detail {
// A size field of grid_spec, named: nvcc's host pass warns about a spelled-out `int grid_spec::*`.
using spec_member = int grid_spec::*;
}  // namespace detail

// One integer field of grid_spec, by name: what readers of keys and writers of fields loop over.
struct spec_field {
  std::string_view name;
  detail::spec_member member;
  int default_value;
};
inline constexpr spec_field spec_fields[] = {
#define HETGRID_SPEC_FIELD_ROW(field, default_value) \
  spec_field{#field, &grid_spec::field, default_value},
    HETGRID_SPEC_FIELDS(HETGRID_SPEC_FIELD_ROW)
#undef HETGRID_SPEC_FIELD_ROW
};

// The field of a key, or nullptr for a key that is none.
constexpr const spec_field* spec_field_named(std::string_view key) {
  for (const spec_field& f : spec_fields)
    if (f.name == key) return &f;
  return nullptr;
}

namespace detail {

// The product of sizes, in 64 bits and saturated: a product that does not fit is simply larger
// than any rank count, so the divisibility rules reject it instead of overflowing.
constexpr long long saturating_product(std::initializer_list<int> sizes) {
  constexpr long long cap = 1LL << 62;
  long long product = 1;
  for (int s : sizes) {
    if (s <= 0) return 0;
    product = product > cap / s ? cap : product * s;
  }
  return product;
}

// A dim's size, from a spec s, by its SIZE in HETGRID_DIMS (view.hpp): HETGRID_DIM_SIZE_##size.
#define HETGRID_DIM_SIZE_field(dim, views, s) (s).dim
#define HETGRID_DIM_SIZE_resolved(dim, views, s) (s).resolved_##dim()
#define HETGRID_DIM_SIZE_rest(dim, views, s) \
  ::hetgrid::detail::rest_size(s, ::hetgrid::detail::dim_views::views)

// The product of the dims of view v that take their size from the spec (every one but the
// derived dim): tp*gtp_remat*cp*pp in the base view, expt_tp*ep*expt_gtp_remat*pp in the expert.
constexpr long long own_product(const grid_spec& s, view v) {
#define HETGRID_DIM_FACTOR(dim, views, size)                       \
  HETGRID_DIM_OWN_##size(in_view(dim_views::views, v) ? HETGRID_DIM_SIZE_##size(dim, views, s) \
                                                      : 1, )
  return saturating_product({HETGRID_DIMS(HETGRID_DIM_FACTOR)});
#undef HETGRID_DIM_FACTOR
}
constexpr long long dense_product(const grid_spec& s) { return own_product(s, view::base); }
constexpr long long expert_product(const grid_spec& s) { return own_product(s, view::expert); }

// The spec fields of view v's dims that take their size from the spec, in view order: the
// factors of own_product, as the divisibility rules' messages name them.
struct member_list {
  spec_member items[view_dim_count]{};
  int count = 0;
};
constexpr member_list own_members(view v) {
  spec_member by_place[view_dim_count]{};
#define HETGRID_DIM_MEMBER(dim, views, size)       \
  HETGRID_DIM_OWN_##size(if (in_view(dim_views::views, v)) \
                             by_place[dim_place(dim_line::dim)] = &grid_spec::dim;)
  HETGRID_DIMS(HETGRID_DIM_MEMBER)
#undef HETGRID_DIM_MEMBER
  member_list list;
  for (spec_member m : by_place)
    if (m != nullptr) list.items[list.count++] = m;
  return list;
}

// a / b, 0 where b is not positive (a spec that breaks a rule: its grid must still be made).
constexpr int quotient(int a, long long b) {
  return b > 0 && a >= 0 ? static_cast<int>(a / b) : 0;
}

// A derived dim's size: the ranks its view's other dims leave.
constexpr int rest_size(const grid_spec& s, dim_views v) {
  return quotient(s.ranks, own_product(s, v == dim_views::base ? view::base : view::expert));
}

// Each predicate is true when its rule holds (detail/rules.hpp); none divides by zero or
// overflows, whatever the spec holds.
constexpr bool sizes_positive(const grid_spec& s, int = 0) {
#define HETGRID_DIM_POSITIVE(dim, views, size) \
  HETGRID_DIM_OWN_##size(HETGRID_DIM_SIZE_##size(dim, views, s) >= 1 &&)
  return s.ranks >= 1 && HETGRID_DIMS(HETGRID_DIM_POSITIVE) s.offset >= 0 && s.name[0] != '\0';
#undef HETGRID_DIM_POSITIVE
}
constexpr bool dense_divisible(const grid_spec& s, int = 0) {
  return !sizes_positive(s) || s.ranks % dense_product(s) == 0;
}
constexpr bool expert_divisible(const grid_spec& s, int = 0) {
  return !sizes_positive(s) || s.ranks % expert_product(s) == 0;
}
constexpr bool fits_world(const grid_spec& s, int world) {
  return static_cast<long long>(s.offset) + s.ranks <= world;
}

}  // namespace detail

// The first rule that one module breaks on its own, in the contract's order: positive, divisible.
constexpr error_kind check_module(const grid_spec& s) {
  if (!detail::sizes_positive(s)) return error_kind::positive;
  if (!detail::dense_divisible(s) || !detail::expert_divisible(s)) return error_kind::divisible;
  return error_kind::none;
}

}  // namespace hetgrid
