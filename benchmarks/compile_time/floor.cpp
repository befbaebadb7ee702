// (i) The floor: the baseline (b) plus the standard and Boost headers that hetgrid.hpp's public
// types are made of (string_view names, optional groups, spans of specs, std::string messages,
// a std::runtime_error, the Hana tuple of modules), and nothing of hetgrid. No hetgrid.hpp can
// add less than (i) - (b) to a TU while its types stay as docs/CONTRACT.md spells them.
#include <stdexcept>
#include <string>

#include "floor_core.cpp"
