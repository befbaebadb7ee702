// hetgrid/detail/throw.hpp: the standard exceptions the compile-time core throws at run time
// (std::out_of_range, std::invalid_argument), thrown without parsing <stdexcept>: that header
// brings <string>, which alone would double what including the core costs (BENCHMARKS.md,
// "Compile time"). libstdc++ declares its throwers in a small header; elsewhere the full one.
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
[[noreturn]] inline void throw_invalid_argument(const rule_message& message) {
#ifdef HETGRID_LIGHT_THROW
  std::__throw_invalid_argument(message.data());
#else
  throw std::invalid_argument(std::string(message.view()));
#endif
}

}  // namespace hetgrid::detail
