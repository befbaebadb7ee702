// hetgrid/topology.hpp: a whole job's layout as a type, topology<World, Modules...>. Every rule
// of SPEC section 1 is a static_assert here or in module_grid; none grows with World.
#pragma once

#include <array>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "hetgrid/grid.hpp"
#include "hetgrid/layout_check.hpp"
#include "hetgrid/module_grid.hpp"
#include "hetgrid/rank_role.hpp"

namespace hetgrid {

namespace detail {

// A class of its own so that the compiler names the module whose span does not fit.
template <int World, class Module>
struct module_fits_world {
  static_assert(fits_world(Module::spec, World), HETGRID_RULE_WORLD);
  static constexpr bool value = true;
};

template <std::size_t N>
constexpr int language_index(const std::array<grid_spec, N>& specs) {
  for (std::size_t i = 0; i < N; ++i)
    if (specs[i].language) return static_cast<int>(i);
  return -1;
}

}  // namespace detail

template <int World, class... Modules>
struct topology {
  static constexpr int world = World;
  static constexpr int module_count = sizeof...(Modules);
  static constexpr std::array<grid_spec, module_count> specs{Modules::spec...};
  static constexpr std::array<grid, module_count> grids{Modules::value...};
  // The modules as a compile-time collection, for hana::for_each and friends.
  static constexpr auto modules = boost::hana::tuple_t<Modules...>;

  static_assert(module_count >= 1, HETGRID_RULE_NAMES_EMPTY);
  static_assert(detail::language_count(specs) == 1, HETGRID_RULE_LANGUAGE);
  static_assert(detail::names_distinct(specs), HETGRID_RULE_NAMES_DISTINCT);
  static_assert(World >= 1, HETGRID_RULE_WORLD_POSITIVE);
  static_assert((detail::module_fits_world<World, Modules>::value && ...));
  static_assert(detail::spans_disjoint_or_equal(specs), HETGRID_RULE_DISJOINT);
  static_assert(detail::spans_cover(World, specs), HETGRID_RULE_PARTITION);

  static constexpr ::hetgrid::layout layout = layout_of(specs);
  static constexpr int language_index = detail::language_index(specs);

  // Which modules hold `rank`, and its stage in each. @pre 0 <= rank < world
  static constexpr rank_role<module_count> role(int rank) {
    return make_rank_role<module_count>(grids, language_index, rank);
  }
};

}  // namespace hetgrid
