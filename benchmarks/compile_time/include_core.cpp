// (h) The core alone, no layout: <hetgrid/core.hpp> without the run-time messages.
#include <hetgrid/core.hpp>
