// hetgrid/placement.hpp: placement on nodes (docs/CONTRACT.md section 1, "Placement on nodes"): the
// rule and its run-time check (placement_check.hpp), with its messages and the check of a job as
// launched, check_hosts() (describe.hpp).
#pragma once

#include "hetgrid/describe.hpp"
#include "hetgrid/placement_check.hpp"
