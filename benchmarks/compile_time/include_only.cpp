// (e) The include alone, no layout: how much of (a) the headers cost.
#include <hetgrid/hetgrid.hpp>
