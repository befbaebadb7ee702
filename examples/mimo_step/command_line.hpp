// examples/mimo_step/command_line.hpp: mimo_step's options. A bad command line is one
// usage_error, which main reports as one line on stderr and exit status 2.
#pragma once

#include <charconv>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mimo_step {

struct options {
  int steps = 20;
  std::string layout = "seed";   // seed | pair | solo (docs/CONTRACT.md section 4)
  std::string backend = "mpi";   // mpi | nccl
  bool help = false;
};

class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::string_view usage_text =
    "usage: mimo_step [--steps N] [--layout seed|pair|solo] [--backend mpi|nccl]\n"
    "  Trains a toy image encoder + language model with hetgrid's communicators and checks\n"
    "  the loss against a single-process reference. Run under mpirun with the layout's world:\n"
    "  seed: -np 8 (default), pair: -np 2, solo: -np 1. --steps defaults to 20.\n";

inline options parse_command_line(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i], value;
    bool has_value = false;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != arg.npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    const auto take_value = [&]() -> std::string_view {
      if (has_value) return value;
      if (i + 1 >= argc) throw usage_error(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--steps") {
      const std::string_view v = take_value();
      int n = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n < 1 || n > 1000000)
        throw usage_error("--steps: '" + std::string(v) + "' is not a whole number from 1 to 1000000");
      o.steps = n;
    } else if (arg == "--layout") {
      const std::string_view v = take_value();
      if (v != "seed" && v != "pair" && v != "solo")
        throw usage_error("--layout: '" + std::string(v) + "' is not one of seed, pair, solo");
      o.layout = v;
    } else if (arg == "--backend") {
      const std::string_view v = take_value();
      if (v != "mpi" && v != "nccl")
        throw usage_error("--backend: '" + std::string(v) + "' is not one of mpi, nccl");
      o.backend = v;
    } else {
      throw usage_error("unknown argument '" + std::string(argv[i]) + "' (try --help)");
    }
  }
  return o;
}

}  // namespace mimo_step
