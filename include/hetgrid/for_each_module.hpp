// hetgrid/for_each_module.hpp: the modules of a topology in ordinary C++. for_each_module<T>(f)
// calls f once per module, in the topology's order, with a module_tag: its type (the
// module_grid), its name and its index. T::grids (a std::array<grid>) is the same list as
// values, for a range-for; T::modules stays the Hana tuple for those who want one.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <utility>

#include "hetgrid/topology.hpp"

namespace hetgrid {

// One module of a topology, as an empty value: decltype(tag)::type is its module_grid.
template <class Module, int Index>
struct module_tag {
  using type = Module;
  static constexpr std::string_view name = Module::name;
  static constexpr int index = Index;
};

namespace detail {

template <class... Modules>
struct module_list {};

// Deduced through a pointer, so that a topology with kinds of its own (derived) matches too.
template <int World, class... Modules>
module_list<Modules...> modules_of(const topology<World, Modules...>*);

template <class... Modules, class F, std::size_t... I>
constexpr void call_per_module(module_list<Modules...>, F& f, std::index_sequence<I...>) {
  // A list, not a comma fold: clang nests a fold's operands and stops at 256; a braced list is
  // still evaluated in order.
  (void)std::initializer_list<int>{(f(module_tag<Modules, static_cast<int>(I)>{}), void(), 0)...};
}

}  // namespace detail

// f(module_tag<M, i>{}) for each module M of Topology, in order:
//   hg::for_each_module<mimo>([&](auto m) { std::cout << m.name << ' ' << m.type::size; });
// (spell the type as typename decltype(m)::type where a type is needed).
template <class Topology, class F>
constexpr void for_each_module(F&& f) {
  using list = decltype(detail::modules_of(static_cast<const Topology*>(nullptr)));
  detail::call_per_module(list{}, f, std::make_index_sequence<Topology::module_count>{});
}

}  // namespace hetgrid
