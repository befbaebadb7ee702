// hetgrid/nccl.hpp: the NCCL runtime (docs/CONTRACT.md section 3): the bootstrap, per-group
// settings, the instantiator and its watchdog. Needs NCCL, the CUDA runtime and Boost.MPI
// (target hetgrid::nccl).
#pragma once

#include "hetgrid/nccl/bootstrap.hpp"
#include "hetgrid/nccl/comm.hpp"
#include "hetgrid/nccl/rank_groups.hpp"
#include "hetgrid/nccl/settings.hpp"
#include "hetgrid/nccl/watchdog.hpp"
