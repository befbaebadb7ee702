// hetgrid/error.hpp: the run-time errors, a std::runtime_error with the code that says what
// broke (error_kind.hpp holds the kinds).
#pragma once

#include <stdexcept>
#include <string>

#include "hetgrid/error_kind.hpp"

namespace hetgrid {

namespace detail {
// A run-time error with the code that says what broke: a rule's kind, NCCL's result.
template <class Code>
class coded_error : public std::runtime_error {
 public:
  coded_error(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Code code() const noexcept { return code_; }

 private:
  Code code_;
};
}  // namespace detail

// Thrown at run time for a layout that does not fit the job (e.g. the wrong world size).
class topology_error : public detail::coded_error<error_kind> {
 public:
  using coded_error::coded_error;
  error_kind kind() const noexcept { return code(); }
};

}  // namespace hetgrid
