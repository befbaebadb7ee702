// (i) The floor: the baseline (b) plus the standard and Boost headers that hetgrid.hpp's public
// types are made of (string_view names, optional groups, spans of specs, std::string messages,
// a std::runtime_error, the Hana tuple of modules), and nothing of hetgrid. No hetgrid.hpp can
// add less than (i) - (b) to a TU while its types stay as docs/CONTRACT.md spells them.
#include <array>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "seed_baseline.cpp"
