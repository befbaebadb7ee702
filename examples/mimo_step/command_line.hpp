// examples/mimo_step/command_line.hpp: mimo_step's options. A bad command line is one
// usage_error, which main reports as one line on stderr and exit status 2.
#pragma once

#include <cli_args.hpp>
#include <hetgrid/timeout.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mimo_step {

struct options {
  int steps = 20;
  std::string layout = "seed";   // seed | pair | solo (docs/CONTRACT.md section 4)
  std::string backend = "mpi";   // mpi | nccl
  // Seconds any communication may take before the rank ends naming the group (either backend).
  double timeout_s = hetgrid::default_timeout_s;
  bool help = false;
};

class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::string_view usage_text =
    "usage: mimo_step [--steps N] [--layout seed|pair|solo|colocated|colocated_pair]\n"
    "                 [--backend mpi|nccl] [--timeout S]\n"
    "  Trains a toy image encoder + language model with hetgrid's communicators and checks\n"
    "  the loss against a single-process reference. Run under mpirun with the layout's world:\n"
    "  seed: -np 8 (default), pair: -np 2, solo: -np 1, colocated: -np 8, colocated_pair:\n"
    "  -np 2. --steps defaults to 20.\n"
    "  --timeout: whole seconds from 1 to 86400 (default 600) that a split, collective or\n"
    "  message may take before the rank ends with a line naming the group it waited on.\n";

inline options parse_command_line(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const hetgrid::cli::flag_argument split = hetgrid::cli::split_flag(argv[i]);
    const std::string_view arg = split.flag;
    const auto take_value = [&]() -> std::string_view {
      if (split.value) return *split.value;
      if (i + 1 >= argc) throw usage_error(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--steps") {
      const std::string_view v = take_value();
      const auto n = hetgrid::cli::parse_whole_number(v, 1, 1000000);
      if (!n)
        throw usage_error("--steps: '" + std::string(v) + "' is not a whole number from 1 to 1000000");
      o.steps = *n;
    } else if (arg == "--layout") {
      const std::string_view v = take_value();
      if (v != "seed" && v != "pair" && v != "solo" && v != "colocated" && v != "colocated_pair")
        throw usage_error("--layout: '" + std::string(v) +
                          "' is not one of seed, pair, solo, colocated, colocated_pair");
      o.layout = v;
    } else if (arg == "--backend") {
      const std::string_view v = take_value();
      if (v != "mpi" && v != "nccl")
        throw usage_error("--backend: '" + std::string(v) + "' is not one of mpi, nccl");
      o.backend = v;
    } else if (arg == "--timeout") {
      const std::string_view v = take_value();
      const auto n = hetgrid::cli::parse_whole_number(v, 1, 86400);
      if (!n)
        throw usage_error("--timeout: '" + std::string(v) +
                          "' is not a whole number of seconds from 1 to 86400");
      o.timeout_s = *n;
    } else {
      throw usage_error("unknown argument '" + std::string(argv[i]) + "' (try --help)");
    }
  }
  return o;
}

}  // namespace mimo_step
