// hetgrid/describe.hpp: the run-time messages of broken rules as std::string (describe), the
// checks that throw them as topology_error (validate_layout), and the check of a job as launched
// (check_hosts). Apart from the rules themselves (layout_check.hpp, placement_check.hpp) because
// <string> and <stdexcept> would double what including the compile-time core costs;
// hetgrid.hpp includes this header, hetgrid/core.hpp does not.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hetgrid/const_span.hpp"
#include "hetgrid/detail/rule_facts.hpp"
#include "hetgrid/error.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/layout_check.hpp"
#include "hetgrid/placement_check.hpp"

namespace hetgrid {

// The message of a broken rule: its words (as the compiler shows them), "; " and its facts
// (detail/rule_facts.hpp), e.g. `world: ...; 'language' [4, 10) does not fit a world of 8`.
// Names are printed as given: callers that print to a terminal or a file escape the message.
inline std::string describe(const layout_error& e, int world, const_span<grid_spec> specs) {
  if (!e) return "none";
  return std::string(detail::layout_message(e.words, e.facts, world, specs, e.module).view());
}

inline void validate_layout(int world, const_span<grid_spec> specs) {
  if (const layout_error e = check_layout(world, specs))
    throw topology_error(e.kind, describe(e, world, specs));
}

// The placement rule's message (detail::placement_message).
inline std::string describe(const placement_error& e, const_span<grid> grids) {
  return std::string(detail::placement_message(e, grids).view());
}

// A layout's rules, then placement's (it comes after partition): throws topology_error.
inline void validate_layout(int world, const_span<grid_spec> specs, node_placement nodes) {
  validate_layout(world, specs);
  // A module at a time, in order, as check_placement goes: no <vector> in hetgrid.hpp for this.
  for (const grid_spec& spec : specs) {
    const grid module(spec);
    if (const placement_error e = check_placement({&module, 1}, nodes))
      throw topology_error(e.kind, describe(e, {&module, 1}));
  }
}

// The job as launched: hosts[r] is rank r's host, and the ranks of one host are one node. The
// message of the first group of a within-node kind that holds ranks of two hosts, naming the
// module, kind, members and both hosts; nullopt where every such group stays on one host.
// @pre hosts.size() covers every rank of the grids
inline std::optional<std::string> check_hosts(const_span<grid> grids,
                                              const_span<group_kind> within,
                                              const_span<std::string_view> hosts) {
  for (const grid& g : grids)
    for (const group_kind& kind : within) {
      if (!detail::kind_can_cross(g, kind)) continue;
      const int count = g.group_count(kind);
      for (int i = 0; i < count; ++i) {
        const rank_group group = g.group(kind, i);
        for (const int r : group)
          if (hosts[r] != hosts[group.front()]) {
            detail::rule_message m;
            detail::put_broken_group(m, g, kind, group).put(" holds ranks of hosts ");
            m.quoted(hosts[group.front()]).put(" (rank ");
            m.put(group.front()).put(") and ").quoted(hosts[r]).put(" (rank ").put(r).put(")");
            return std::string(m.view());
          }
      }
    }
  return std::nullopt;
}

}  // namespace hetgrid
