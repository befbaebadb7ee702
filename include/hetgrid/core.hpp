// hetgrid/core.hpp: the compile-time core: declare a layout, check it (at compile time, and at run
// time as values: check_layout, check_placement) and enumerate its groups. Standard headers without
// <string>, <stdexcept> or <vector>, and Boost.Hana's tuple, so that a TU that only checks a layout
// stays cheap (BENCHMARKS.md, "The core without <string>"). hetgrid.hpp adds the run-time messages,
// topology_error, the split plan (split_plan.hpp) and the bridge (bridge.hpp); each of those two is
// light too, and can be included beside core.hpp.
#pragma once

#include "hetgrid/checked_kind.hpp"
#include "hetgrid/const_span.hpp"
#include "hetgrid/error_kind.hpp"
#include "hetgrid/for_each_module.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/grid_spec.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/layout_check.hpp"
#include "hetgrid/module_grid.hpp"
#include "hetgrid/placement_check.hpp"
#include "hetgrid/rank_group.hpp"
#include "hetgrid/rank_role.hpp"
#include "hetgrid/slot.hpp"
#include "hetgrid/topology.hpp"
#include "hetgrid/topology_description.hpp"
#include "hetgrid/view.hpp"
