// tests/support/inspect_cli.hpp: running the built hetgrid-inspect (HETGRID_INSPECT, its path,
// is defined by tests/CMakeLists.txt) and judging a rejected command line.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "run_command.hpp"

namespace hetgrid::test {

using args_t = std::vector<std::string>;

inline command_result inspect(const args_t& args) { return run_command(HETGRID_INSPECT, args); }

// The seed's layout as hetgrid-inspect arguments, and the same with more flags after it.
inline const args_t seed = {"--world",  "8",
                            "--module", "images:ranks=4,tp=2",
                            "--module", "language:ranks=4,tp=2,pp=2,offset=4,language"};
inline args_t seed_with(const args_t& more) {
  args_t args = seed;
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// docs/CONTRACT.md section 5: exit 2, nothing on stdout, one line `hetgrid-inspect: KIND: message`.
inline void check_rejected(const args_t& args, const std::string& kind) {
  const command_result r = inspect(args);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.starts_with("hetgrid-inspect: " + kind + ": "));
  CHECK(r.err.size() > ("hetgrid-inspect: " + kind + ": ").size() + 1);  // a message follows
}

}  // namespace hetgrid::test
