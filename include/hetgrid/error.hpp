// hetgrid/error.hpp: the kinds of broken layout rules (docs/CONTRACT.md section 1) and the
// run-time error.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace hetgrid {

// One word per broken rule; it starts every message and is what the golden files hold.
enum class error_kind {
  none, positive, divisible, language, names, world, disjoint, partition, placement,
  bridge  // docs/CONTRACT.md section 4: never a layout's error, only a bridge's
};

constexpr std::string_view to_string(error_kind kind) {
  switch (kind) {
    case error_kind::none: return "none";
    case error_kind::positive: return "positive";
    case error_kind::divisible: return "divisible";
    case error_kind::language: return "language";
    case error_kind::names: return "names";
    case error_kind::world: return "world";
    case error_kind::disjoint: return "disjoint";
    case error_kind::partition: return "partition";
    case error_kind::placement: return "placement";
    case error_kind::bridge: return "bridge";
  }
  return "unknown";
}

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
