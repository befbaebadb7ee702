// hetgrid/grid_spec.hpp: one module's factorization and placement, as a literal value
// (SPEC section 1), and the checks of the rules that concern one module alone.
#pragma once

#include <string_view>

#include "hetgrid/detail/rules.hpp"
#include "hetgrid/error.hpp"

namespace hetgrid {

inline constexpr int max_name_length = 31;

// A structural literal type, so that it can be a template argument: module_grid<grid_spec{...}>.
// Designated initializers must follow this declaration order.
struct grid_spec {
  char name[max_name_length + 1]{};
  int ranks = 0;
  int tp = 1;
  int cp = 1;
  int pp = 1;
  int ep = 1;
  int expt_tp = 0;  // 0: same as tp, as in Megatron-LM
  int offset = 0;
  bool language = false;

  constexpr std::string_view name_view() const { return std::string_view(name); }
  constexpr int resolved_expt_tp() const { return expt_tp == 0 ? tp : expt_tp; }
};

namespace detail {

// Each check returns true when its rule holds; the per-module checks never divide by zero.
constexpr bool sizes_positive(const grid_spec& s) {
  return s.ranks >= 1 && s.tp >= 1 && s.cp >= 1 && s.pp >= 1 && s.ep >= 1 &&
         s.resolved_expt_tp() >= 1 && s.offset >= 0 && s.name[0] != '\0';
}

constexpr bool dense_divisible(const grid_spec& s) {
  return !sizes_positive(s) || s.ranks % (s.tp * s.cp * s.pp) == 0;
}

constexpr bool expert_divisible(const grid_spec& s) {
  return !sizes_positive(s) || s.ranks % (s.resolved_expt_tp() * s.ep * s.pp) == 0;
}

constexpr bool fits_world(const grid_spec& s, int world) {
  return static_cast<long long>(s.offset) + s.ranks <= world;
}

}  // namespace detail

// The first rule that one module breaks on its own, in SPEC order: positive, divisible.
constexpr error_kind check_module(const grid_spec& s) {
  if (!detail::sizes_positive(s)) return error_kind::positive;
  if (!detail::dense_divisible(s) || !detail::expert_divisible(s)) return error_kind::divisible;
  return error_kind::none;
}

}  // namespace hetgrid
