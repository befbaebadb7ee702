// hetgrid/hetgrid.hpp: the compile-time core (core.hpp) and its run-time messages: describe(),
// validate_layout(), check_hosts() and topology_error (standard library and Boost.Hana only).
// The run-time backends live in hetgrid/mpi.hpp and hetgrid/nccl.hpp; the contract is
// docs/CONTRACT.md.
#pragma once

#include "hetgrid/core.hpp"
#include "hetgrid/describe.hpp"
#include "hetgrid/error.hpp"
#include "hetgrid/placement.hpp"
