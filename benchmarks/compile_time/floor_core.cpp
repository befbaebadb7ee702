// (j) The core's floor: (i) without <string> and <stdexcept>, the headers <hetgrid/core.hpp>'s
// types are made of.
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
