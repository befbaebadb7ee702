// Under mpirun -np 4: the MPI watchdog's cases (tests/mpi/CMakeLists.txt runs each).
//   mpi_watchdog_cases collective T: rank 3 never joins language:tp's all-reduce; rank 2 must end
//     naming 'language:tp (ranks 2, 3)', ranks 0 and 1 naming the world they then wait on, each
//     within [T, T + 2 intervals + 0.3 s] of its stall (the handler checks and says "in bounds").
//   mpi_watchdog_cases split T: rank 3 never joins the first split (the split rounds); the others
//     end naming it.
//   mpi_watchdog_cases create_group T: rank 3 never joins (the default, group-local path): rank 2
//     ends naming 'language:tp (ranks 2, 3)'; ranks 0 and 1 build theirs, then wait on the world.
//   mpi_watchdog_cases bridge_share T: language has cp 2 (its share group, ranks 2 and 3, is no
//     slot); rank 3 never constructs the bridge: rank 2 ends naming the bridge's share group.
//   mpi_watchdog_cases host_gather T: the layout is placed on nodes of 2; rank 3 never joins
//     the launch check's gather of host names: the others end naming it, before any group.
//   mpi_watchdog_cases sigterm T: rank 3 sends SIGTERM to rank 2 while it waits in an all-reduce
//     (long T): rank 2 writes the group it waited on, then the signal ends it as before.
//   mpi_watchdog_cases fast T: many short watched operations (20000, and for four of the
//     monitor's periods at least), none of them stuck: no fire, the monitor looked, exit 0.
#include <signal.h>
#include <unistd.h>

#include <boost/mpi/collectives.hpp>
#include <atomic>
#include <boost/mpi/environment.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <hetgrid/mpi.hpp>
#include <hetgrid/mpi/bridge.hpp>
#include <string>
#include <thread>
#include <vector>

namespace hg = hetgrid;

namespace {

using four = hg::topology<
    4, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 2, .tp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 2, .tp = 2, .offset = 2,
                                  .language = true}>>;

// The same ranks with language tp 1, cp 2: the bridge makes the share group {2, 3} itself.
using four_cp = hg::topology<
    4, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 2, .tp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 2, .cp = 2, .offset = 2,
                                  .language = true}>>;

// The same layout placed on nodes of 2 ranks: rank_groups first gathers the host names.
using four_on_nodes = four::on_nodes<2>;

using clock_type = std::chrono::steady_clock;
std::atomic<long long> stall_began_ns{0};  // when this rank entered the call that stalls

void stall_begins() {
  stall_began_ns = clock_type::now().time_since_epoch().count();
}

// Checks the watchdog's timing from its own thread, then lets the policy end the process.
hg::mpi::watchdog_options options(double timeout_s, int rank) {
  hg::mpi::watchdog_options o;
  o.timeout_s = timeout_s;
  o.exit_status = 3;
  o.on_failure = [timeout_s, rank](const hg::mpi::watchdog_event& e) {
    const double after =
        (clock_type::now().time_since_epoch().count() - stall_began_ns.load()) / 1e9;
    const double late = timeout_s + 2 * hg::detail::watch_interval_s(timeout_s, 0) + 0.3;
    std::fprintf(stderr, "mpi_watchdog_cases: rank %d: on_failure for %s on '%s' %.3f s after the "
                 "stall began (bounds %.3f to %.3f s): %s\n", rank, e.operation.c_str(),
                 e.group.c_str(), after, timeout_s, late,
                 after >= timeout_s && after <= late ? "in bounds" : "OUT OF BOUNDS");
    // The first rank to end has mpirun stop the rest, and a rank stopped before its own line
    // would leave the test without it (1 run in 5 on a loaded machine): each holds its end
    // until every waiting rank has fired and written its line.
    std::this_thread::sleep_for(std::chrono::seconds(1));
  };
  return o;
}

// A rank that does not arrive within the timeout: mpirun ends it with the job.
int stay_away(double timeout_s) {
  std::this_thread::sleep_for(std::chrono::duration<double>(timeout_s * 4));
  return 0;
}

int language_tp_slot() {
  for (int s = 0; s < four::slot_count; ++s)
    if (four::description.slot_name(s) == "tp") return s;
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  const std::string what = argc > 1 ? argv[1] : "";
  const double timeout_s = argc > 2 ? std::atof(argv[2]) : 0;
  if (world.size() != 4 || timeout_s <= 0 ||
      (what != "collective" && what != "split" && what != "create_group" && what != "sigterm" &&
       what != "fast" && what != "bridge_share" && what != "host_gather")) {
    if (world.rank() == 0)
      std::fprintf(stderr, "usage: mpirun -np 4 mpi_watchdog_cases "
                           "collective|split|create_group|bridge_share|host_gather|sigterm|fast "
                           "TIMEOUT_S (got -np %d)\n", world.size());
    return 2;
  }
  const int rank = world.rank();
  const hg::mpi::rank_groups_options o{options(timeout_s, rank)};

  if (what == "split") {
    if (rank == 3) return stay_away(timeout_s);
    stall_begins();
    hg::mpi::rank_groups<four, hg::plan_options{}, hg::mpi::construction::split_rounds> groups(
        world, o);
    std::fprintf(stderr, "mpi_watchdog_cases: rank %d: the split finished without rank 3\n", rank);
    return 1;
  }
  if (what == "create_group") {
    if (rank == 3) return stay_away(timeout_s);
    stall_begins();
    hg::mpi::rank_groups<four> groups(world, o);  // only rank 2's group waits on rank 3
    if (rank == 2) {
      std::fprintf(stderr, "mpi_watchdog_cases: rank 2: made its group without rank 3\n");
      return 1;
    }
    stall_begins();
    const hg::mpi::watched_comm& job = groups.watched_world();
    job.run("MPI_Barrier", [&] { return MPI_Barrier(job.get()); });
    std::fprintf(stderr, "mpi_watchdog_cases: rank %d: the barrier finished without rank 3\n", rank);
    return 1;
  }

  if (what == "host_gather") {
    if (rank == 3) return stay_away(timeout_s);
    stall_begins();
    hg::mpi::rank_groups<four_on_nodes> groups(world, o);
    std::fprintf(stderr, "mpi_watchdog_cases: rank %d: the host names came without rank 3\n",
                 rank);
    return 1;
  }

  if (what == "bridge_share") {
    const hg::mpi::rank_groups<four_cp> groups(world, o);
    using language = hg::module_grid<four_cp::specs[1]>;
    using images = hg::module_grid<four_cp::specs[0]>;
    if (rank != 3) {
      stall_begins();  // only rank 2's creation waits on rank 3 (images' share group is tp)
      const hg::mpi::bridge<four_cp, images, language> bridge(groups, 1);
      if (rank == 2) {
        std::fprintf(stderr, "mpi_watchdog_cases: rank 2: made its share group without rank 3\n");
        return 1;
      }
    }
    return stay_away(timeout_s);
  }

  std::vector<int> pids;
  boost::mpi::all_gather(world, static_cast<int>(::getpid()), pids);
  hg::mpi::rank_groups<four> groups(world, o);
  const int language = 1, tp = language_tp_slot();
  float value = 1;
  const auto all_reduce = [&](const hg::mpi::watched_comm& c) {
    c.run("MPI_Allreduce", [&] {
      return MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_FLOAT, MPI_SUM, c.get());
    });
  };

  if (what == "fast") {  // for as long as the monitor takes four looks at least
    const auto period = std::chrono::duration<double>(hg::detail::watch_interval_s(timeout_s, 0));
    const auto started = clock_type::now();
    long operations = 0;
    for (; operations < 20000 || clock_type::now() - started < 4 * period; ++operations) {
      all_reduce(groups.watched_world());
      int more = clock_type::now() - started < 4 * period;  // every rank as many as rank 0
      MPI_Bcast(&more, 1, MPI_INT, 0, world);
      if (operations >= 20000 && !more) break;
    }
    const long looks = groups.watcher().looks();
    world.barrier();
    std::printf("mpi_watchdog_cases: rank %d: %ld operations, %ld looks, no fire%s\n", rank,
                operations, looks, looks > 0 ? "" : " (BUT THE MONITOR NEVER LOOKED)");
    return looks > 0 && groups.watcher().running() ? 0 : 1;
  }

  if (what == "sigterm" && rank == 3) {  // lets rank 2 settle into its all-reduce, then ends it
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ::kill(pids[2], SIGTERM);
    std::this_thread::sleep_for(std::chrono::duration<double>(timeout_s));
    return 0;
  }
  if (rank == 3) return stay_away(timeout_s);
  stall_begins();
  if (rank == 2) {
    all_reduce(*groups.watched(language, tp));  // rank 3 never comes
  } else {
    all_reduce(*groups.watched(0, tp));  // images:tp: both members come
    stall_begins();
    all_reduce(groups.watched_world());  // ranks 2 and 3 never come
  }
  std::fprintf(stderr, "mpi_watchdog_cases: rank %d: the all-reduce finished without rank 3\n",
               rank);
  return 1;
}
