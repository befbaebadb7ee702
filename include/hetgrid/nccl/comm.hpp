// hetgrid/nccl/comm.hpp: the NCCL runtime's basics, one header each: errors (error.hpp), the
// version and the GPU (gpu.hpp), the default timeout and polling (polling.hpp), owned handles
// (handle.hpp) and the bounded split (split.hpp). Kept so that code including it compiles.
#pragma once

#include "hetgrid/nccl/error.hpp"
#include "hetgrid/nccl/gpu.hpp"
#include "hetgrid/nccl/handle.hpp"
#include "hetgrid/nccl/polling.hpp"
#include "hetgrid/nccl/split.hpp"
