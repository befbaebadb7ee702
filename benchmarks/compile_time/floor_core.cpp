// (j) The core's floor: the baseline (b) plus the headers <hetgrid/core.hpp>'s types are made
// of; (i) adds <string> and <stdexcept> to it.
#include <array>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "seed_baseline.cpp"
