// hetgrid/nccl/bootstrap.hpp: the distributed bootstrap (the seed's distributed.py,
// docs/CONTRACT.md section 3): MPI up through Boost.MPI, the node-local rank picks the GPU, the
// world NCCL communicator from a unique id broadcast over MPI. No global state; members tear down
// in reverse order (world communicator, then MPI).
#pragma once

#include <mpi.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "hetgrid/nccl/error.hpp"
#include "hetgrid/nccl/gpu.hpp"
#include "hetgrid/nccl/handle.hpp"
#include "hetgrid/nccl/polling.hpp"
#include "hetgrid/nccl/settings.hpp"
#include "hetgrid/nccl/split.hpp"
#include "hetgrid/nccl/watchdog_policy.hpp"

namespace hetgrid::nccl {

struct bootstrap_options {
  double timeout_s = default_timeout_s;  // for the world communicator's initialization
  bool verbose = false;      // print one line per rank: rank, local rank, device, NCCL version
  // The world is first made non-blocking (its creation polled with the deadline: a peer that
  // never arrives ends in an error). With this on, the world handed out for work is a blocking
  // twin split off it (one split, bounded by the same deadline), for NCCL's blocking-mode speed;
  // the non-blocking one stays, as split_parent(), for rank_groups' bounded splits.
  bool blocking_world = true;
};

namespace detail {

// This rank's place among the processes that share its node's memory, and how many of them
// use a GPU (all that run the bootstrap; a test's rank that never touches one does not).
struct node_place {
  int rank = 0, size = 1, gpu_users = 1;
  bool uses_gpu = true;
};
inline node_place node_local(const boost::mpi::communicator& world, bool uses_gpu = true) {
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(MPI_Comm(world), MPI_COMM_TYPE_SHARED, world.rank(), MPI_INFO_NULL, &node);
  node_place place{.uses_gpu = uses_gpu};
  MPI_Comm_rank(node, &place.rank);
  MPI_Comm_size(node, &place.size);
  int mine = uses_gpu ? 1 : 0;
  MPI_Allreduce(&mine, &place.gpu_users, 1, MPI_INT, MPI_SUM, node);
  MPI_Comm_free(&node);
  return place;
}

// Every rank learns whether some node has more GPU users than NCCL lets its GPUs take, and gets
// the first such rank's message: one error on every rank, before any NCCL call can hang or
// stop at "Duplicate GPU detected". Collective over `world`.
inline std::string placement_error(const boost::mpi::communicator& world, node_place node,
                                   int gpus) {
  const std::string refusal = node.uses_gpu ? gpu_sharing_refusal(node.gpu_users, gpus) : "";
  char message[512] = {};
  if (!refusal.empty()) {
    char host[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(host, &length);
    std::snprintf(message, sizeof message, "nccl: host %s has %d rank%s but %d GPU%s: %s", host,
                  node.gpu_users, node.gpu_users == 1 ? "" : "s", gpus, gpus == 1 ? "" : "s",
                  refusal.c_str());
  }
  struct {
    int bad, rank;
  } mine{refusal.empty() ? 0 : 1, world.rank()}, first{};
  MPI_Allreduce(&mine, &first, 1, MPI_2INT, MPI_MAXLOC, MPI_Comm(world));
  if (first.bad == 0) return "";
  MPI_Bcast(message, sizeof message, MPI_CHAR, first.rank, MPI_Comm(world));
  return message;
}

// Starts MPI only where the program has not (an environment it made stays the program's).
inline std::optional<boost::mpi::environment> start_mpi() {
  int started = 0;
  MPI_Initialized(&started);
  if (started) return std::nullopt;
  return std::optional<boost::mpi::environment>(std::in_place);
}

}  // namespace detail

// The watchdog's default end in an MPI job (rank_groups installs it unless the program gives its
// own): MPI_Abort, which ends every rank of the job at once, the stalled one's peers included.
// Where MPI is not (or no longer) running, the watchdog ends this process alone.
inline void abort_mpi_job(const watchdog_event&) {
  int up = 0, down = 0;
  MPI_Initialized(&up);
  MPI_Finalized(&down);
  if (up && !down) MPI_Abort(MPI_COMM_WORLD, 1);
}

class bootstrap {
 public:
  explicit bootstrap(bootstrap_options options = {})
      : env_(detail::start_mpi()) {
    const detail::node_place node = detail::node_local(world_);
    local_rank_ = node.rank;
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess) devices = 0;  // none: the same error
    if (const std::string refused = detail::placement_error(world_, node, devices);
        !refused.empty())
      throw error(ncclInvalidUsage, refused);
    device_ = local_rank_ % devices;
    check_cuda(cudaSetDevice(device_), "cudaSetDevice");

    ncclUniqueId id{};
    if (world_.rank() == 0) check(ncclGetUniqueId(&id), "ncclGetUniqueId");
    MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, MPI_Comm(world_));

    const auto t0 = detail::clock::now();
    // With a blocking twin for work, the non-blocking world only ever splits: one channel is
    // enough, and far cheaper in memory (BENCHMARKS.md, "NCCL on one GPU": maxCTAs).
    ncclConfig_t config = detail::make_config(
        options.blocking_world ? comm_settings{.min_ctas = 1, .max_ctas = 1, .blocking = false}
                               : comm_settings{.blocking = false},
        "hetgrid:world");
    ncclComm_t comm = nullptr;
    check(ncclCommInitRankConfig(&comm, world_.size(), id, world_.rank(), &config),
                  "ncclCommInitRankConfig(world)");
    detail::await_ready(comm, detail::deadline_after(options.timeout_s), "world",
                        options.timeout_s);
    control_ = owned_comm(comm);
    if (options.blocking_world) {
      // The split follows the parent's (non-blocking) mode: polled with the same deadline.
      ncclConfig_t twin_config =
          detail::make_config(comm_settings{.blocking = true}, "hetgrid:world");
      nccl_world_ = detail::split_bounded(comm, 0, world_.rank(), twin_config,
                                          detail::deadline_after(options.timeout_s),
                                          options.timeout_s, "the world's blocking twin");
    }
    world_init_s_ = std::chrono::duration<double>(detail::clock::now() - t0).count();
    // NCCL's variable overrides every config's splitShare: all of hetgrid's communicators then
    // share the non-blocking world's resources (and its one channel). Never silent.
    if (const char* share = std::getenv("NCCL_COMM_SPLIT_SHARE_RESOURCES");
        share && std::strcmp(share, "1") == 0 && world_.rank() == 0)
      std::fprintf(stderr, "hetgrid: nccl: NCCL_COMM_SPLIT_SHARE_RESOURCES=1: every communicator "
                           "shares the world's resources and its one channel; operations on two "
                           "of them must never run concurrently (docs/CONTRACT.md, section 3)\n");
    if (options.verbose)
      std::printf("hetgrid: rank %d local rank %d device %d NCCL %s\n", world_.rank(),
                  local_rank_, device_, version_string().c_str());
  }

  const boost::mpi::communicator& mpi_world() const { return world_; }
  // The world communicator for work (blocking mode unless blocking_world was off).
  ncclComm_t nccl_world() const { return nccl_world_ ? nccl_world_.get() : control_.get(); }
  // The non-blocking world: split off it, so that every split can be polled with a deadline.
  ncclComm_t split_parent() const { return control_.get(); }
  int rank() const { return world_.rank(); }
  int size() const { return world_.size(); }
  int local_rank() const { return local_rank_; }
  int device() const { return device_; }
  double world_init_s() const { return world_init_s_; }

 private:
  std::optional<boost::mpi::environment> env_;  // first in, last out
  boost::mpi::communicator world_;
  int local_rank_ = 0;
  int device_ = 0;
  double world_init_s_ = 0;
  owned_comm control_;     // non-blocking; destroyed after the twin
  owned_comm nccl_world_;  // the blocking twin, or empty
};

}  // namespace hetgrid::nccl
