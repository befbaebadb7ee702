// hetgrid/rank_role.hpp: what a rank does (docs/CONTRACT.md section 2, "Rank role"): the modules
// that hold it, and whether it is the first or last pp stage in each.
#pragma once

#include <array>

#include "hetgrid/grid.hpp"

namespace hetgrid {

struct module_role {
  bool member = false;
  bool is_first_stage = false;
  bool is_last_stage = false;
};

template <int ModuleCount>
struct rank_role {
  int rank = 0;
  int language_index = -1;  // the topology's language module
  std::array<module_role, ModuleCount> modules{};

  constexpr bool in_module(int index) const { return modules[index].member; }
  constexpr bool has_language() const { return modules[language_index].member; }
  constexpr int module_count_held() const {
    int n = 0;
    for (const auto& m : modules) n += m.member ? 1 : 0;
    return n;
  }
};

template <int ModuleCount>
constexpr rank_role<ModuleCount> make_rank_role(const std::array<grid, ModuleCount>& grids,
                                                int language_index, int rank) {
  rank_role<ModuleCount> role;
  role.rank = rank;
  role.language_index = language_index;
  for (int i = 0; i < ModuleCount; ++i) {
    if (!grids[i].contains(rank)) continue;
    role.modules[i] = {true, grids[i].is_first_stage(rank), grids[i].is_last_stage(rank)};
  }
  return role;
}

}  // namespace hetgrid
