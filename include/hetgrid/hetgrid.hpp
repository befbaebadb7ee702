// hetgrid/hetgrid.hpp: the compile-time core (core.hpp), the split plan, the bridge's plan, and
// the run-time messages: describe(), validate_layout(), check_hosts() and topology_error
// (standard library and Boost.Hana only).
// The run-time backends live in hetgrid/mpi.hpp and hetgrid/nccl.hpp; the contract is
// docs/CONTRACT.md.
#pragma once

#include "hetgrid/bridge.hpp"
#include "hetgrid/core.hpp"
#include "hetgrid/describe.hpp"
#include "hetgrid/error.hpp"
#include "hetgrid/placement.hpp"
#include "hetgrid/split_plan.hpp"
