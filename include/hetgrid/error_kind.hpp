// hetgrid/error_kind.hpp: the kinds of broken layout rules (docs/CONTRACT.md section 1), a word
// each. Light on purpose: the compile-time core names them without parsing <string>.
#pragma once

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

}  // namespace hetgrid
