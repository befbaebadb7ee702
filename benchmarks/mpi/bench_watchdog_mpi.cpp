// bench_watchdog_mpi: what the MPI watchdog (include/hetgrid/mpi/watchdog.hpp) costs a small
// all-reduce. For each size from 8 B to 64 KiB, short rounds of --iters calls alternate between
// plain MPI_Allreduce on the job's communicator (no watchdog exists) and the same call through a
// watched_comm (a watchdog, monitor thread and all, made before the round's barrier and gone
// after it), so that drift and a busy machine hit both alike. --interval-ms sets how often the
// monitor wakes (0: its default, 100 ms at the default timeout; 1: a worst case). A round's time
// is the slowest rank's; one JSON line per size: the median per call of each kind over the
// rounds, their ratio, and the median of each round pair's ratio.
//   mpirun -np W bench_watchdog_mpi [--iters N] [--rounds R] [--timeout S] [--interval-ms M]
#include <mpi.h>

#include <algorithm>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <cstring>
#include <hetgrid/mpi/watchdog.hpp>
#include <string_view>
#include <vector>

#include "../bootstrap_mpi/max_over_ranks.hpp"
#include "../options.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One round: `iters` all-reduces of `count` floats, plain or watched; seconds per call.
double round_s(const boost::mpi::communicator& world, std::vector<float>& buffer, int iters,
               const hetgrid::mpi::watched_comm* watched) {
  const int count = static_cast<int>(buffer.size());
  world.barrier();
  const double t0 = bench::now_s();
  for (int i = 0; i < iters; ++i) {
    if (watched)
      watched->run("MPI_Allreduce", [&] {
        return MPI_Allreduce(MPI_IN_PLACE, buffer.data(), count, MPI_FLOAT, MPI_SUM, world);
      });
    else
      MPI_Allreduce(MPI_IN_PLACE, buffer.data(), count, MPI_FLOAT, MPI_SUM, world);
  }
  return bench::max_over_ranks(world, bench::now_s() - t0) / iters;
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  const bool print = world.rank() == 0;
  int iters = 100, rounds = 101, timeout = static_cast<int>(hetgrid::default_timeout_s);
  int interval_ms = 0;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    bool ok = false;
    if (flag == "--iters")
      ok = bench::read_number("bench_watchdog_mpi", flag, value, 1, 1000000, iters, print);
    else if (flag == "--interval-ms")
      ok = bench::read_number("bench_watchdog_mpi", flag, value, 0, 100000, interval_ms, print);
    else if (flag == "--rounds")
      ok = bench::read_number("bench_watchdog_mpi", flag, value, 1, 10001, rounds, print);
    else if (flag == "--timeout")
      ok = bench::read_number("bench_watchdog_mpi", flag, value, 1, 86400, timeout, print);
    else if (print)
      std::fprintf(stderr, "bench_watchdog_mpi: usage: bench_watchdog_mpi [--iters N] "
                           "[--rounds R] [--timeout S] [--interval-ms M] (not '%s')\n", argv[i]);
    if (!ok) return 2;
  }
  const hetgrid::mpi::watched_group label("world (the job's " + std::to_string(world.size()) +
                                          " ranks)");
  hetgrid::mpi::watchdog_options options;
  options.timeout_s = timeout;
  options.interval_s = interval_ms / 1e3;
  for (const int size : {8, 64, 512, 4096, 32768, 65536}) {
    std::vector<float> buffer(static_cast<std::size_t>(size) / sizeof(float), 1.0f);
    (void)round_s(world, buffer, iters, nullptr);  // warm-up: connections, buffers
    std::vector<double> plain, watched;
    long looks = 0;
    for (int r = 0; r < rounds; ++r) {
      const bool watched_first = r % 2 == 1;
      for (int k = 0; k < 2; ++k) {
        if ((k == 0) != watched_first) {
          plain.push_back(round_s(world, buffer, iters, nullptr));
          continue;
        }
        hetgrid::mpi::watchdog dog(options);
        const hetgrid::mpi::watched_comm comm(world, &dog, &label);
        watched.push_back(round_s(world, buffer, iters, &comm));
        looks += dog.looks();
      }
    }
    std::vector<double> ratios;  // each round's watched time over its neighbour's plain one
    for (int r = 0; r < rounds; ++r) ratios.push_back(watched[r] / plain[r]);
    const double p = median(plain), w = median(watched);
    if (print)
      std::printf("{\"bench\": \"watchdog_mpi\", \"world\": %d, \"bytes\": %d, \"iters\": %d, "
                  "\"rounds\": %d, \"timeout_s\": %d, \"interval_ms\": %d, \"plain_us\": %.3f, "
                  "\"watched_us\": %.3f, "
                  "\"watched_over_plain\": %.4f, \"median_round_ratio\": %.4f, "
                  "\"monitor_looks\": %ld}\n",
                  world.size(), size, iters, rounds, timeout, interval_ms, p * 1e6, w * 1e6, w / p,
                  median(ratios), looks);
  }
  return bench::results_written(world, "bench_watchdog_mpi") ? 0 : 1;
}
