// hetgrid/detail/throw.hpp: the standard exception the compile-time core throws at run time
// (std::out_of_range, for a rank outside a module), thrown without parsing <stdexcept>: that header
// brings <string>, which alone would double what including the core costs (BENCHMARKS.md, "The core
// without <string>"). libstdc++ declares its throwers in a small header; elsewhere the full one.
#pragma once

#include "hetgrid/detail/rule_message.hpp"  // first: its <string_view> says which library

#if defined(__GLIBCXX__)
#include <bits/functexcept.h>
#define HETGRID_LIGHT_THROW 1
#else
#include <stdexcept>
#include <string>
#endif

namespace hetgrid::detail {

// The message is cut at rule_message's capacity, never overrun.
[[noreturn]] inline void throw_out_of_range(const rule_message& message) {
#ifdef HETGRID_LIGHT_THROW
  std::__throw_out_of_range(message.data());
#else
  throw std::out_of_range(std::string(message.view()));
#endif
}

}  // namespace hetgrid::detail
