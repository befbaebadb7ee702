// hetgrid/runtime_topology.hpp: a layout read at run time (from a command line, a config file)
// as the same description that a compile-time topology holds: topology_description with
// dynamic counts, checked by the rules of detail/rules.hpp when it is made; and its split plan,
// split_plan<> (hetgrid-inspect --plan prints one).
#pragma once

#include <vector>

#include "hetgrid/describe.hpp"  // validate_layout, which the constructor calls
#include "hetgrid/split_plan.hpp"
#include "hetgrid/topology_description.hpp"

namespace hetgrid {

namespace detail {
template <class T>
struct storage_of<T, dynamic_count> {
  using type = std::vector<T>;
  static type make(std::size_t n) { return type(n); }
};
}  // namespace detail

// What hetgrid-inspect and the tests build from a command line:
//   const hetgrid::runtime_topology layout(world, specs);   // throws topology_error
//   const hetgrid::split_plan<> plan(layout, {});
using runtime_topology = topology_description<>;

}  // namespace hetgrid
