// hetgrid/hetgrid.hpp: the compile-time core (standard library and Boost.Hana only).
// The run-time backends live in hetgrid/mpi.hpp and hetgrid/nccl.hpp; the contract is
// docs/CONTRACT.md.
#pragma once

#include "hetgrid/bridge.hpp"
#include "hetgrid/checked_kind.hpp"
#include "hetgrid/error.hpp"
#include "hetgrid/for_each_module.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/grid_spec.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/layout_check.hpp"
#include "hetgrid/module_grid.hpp"
#include "hetgrid/placement.hpp"
#include "hetgrid/rank_group.hpp"
#include "hetgrid/rank_role.hpp"
#include "hetgrid/slot.hpp"
#include "hetgrid/split_plan.hpp"
#include "hetgrid/topology.hpp"
#include "hetgrid/topology_description.hpp"
#include "hetgrid/view.hpp"
