// examples/mimo_step/comm_ops.hpp: what the training step needs from a communication backend.
// The step (trainer.hpp) is written against these concepts only; a backend (mpi_ops.hpp on the
// host, device_backend.hpp on the GPU) implements them over hetgrid's communicators.
#pragma once

#include <concepts>
#include <hetgrid/group_kind.hpp>
#include <hetgrid/rank_group.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace mimo_step {

// One group's communicator. Peers and roots are ranks in the group, whose order is hetgrid's
// member order (ascending global rank). Buffers are the trainer's: host memory for
// the MPI backend, device memory for the NCCL one.
template <class C>
concept comm_ops = std::movable<C> && requires(C& c, const C& k, float* data, int n, int peer) {
  { k.size() } -> std::convertible_to<int>;
  { k.rank() } -> std::convertible_to<int>;
  c.all_reduce_sum(data, n);
  c.broadcast(data, n, peer);  // from group rank `peer`
  c.send(data, n, peer);       // posts a send; complete after wait()
  c.recv(data, n, peer);       // posts a receive; `data` holds it after wait()
  c.wait();                    // completes everything posted, in any order (no deadlock)
};

// A backend hands out this rank's group of module `module` in hetgrid slot `slot` (a group kind,
// or embd / pos_embd), and the job's world; @pre the rank holds that group. Its math() is the
// arithmetic on its buffers (trainer.hpp's step_math). Its description goes into the job's first
// line of output.
template <class B>
concept backend = requires(B& b, int module, int slot) {
  typename B::ops;
  requires comm_ops<typename B::ops>;
  { b.group(module, slot) } -> std::same_as<typename B::ops>;
  { b.world() } -> std::same_as<typename B::ops>;
  b.math();
  { b.description() } -> std::convertible_to<std::string>;
};

// This rank's communicator of module `module` in slot `slot`, from hetgrid's rank_groups (MPI's
// or NCCL's); throws where the rank holds none.
template <class RankGroups>
const auto& held_communicator(const RankGroups& groups, int module, int slot) {
  const auto* collection = groups.modules().module(module);
  const auto* comm = collection ? collection->slot(slot) : nullptr;
  if (comm == nullptr) {
    const bool named = collection && slot >= 0 &&
                       slot < static_cast<int>(collection->slots().size());
    const std::string what = named ? std::string(collection->slots()[slot].name_view())
                                   : "slot " + std::to_string(slot);
    throw std::logic_error("mimo_step: this rank holds no " + what + " group of module " +
                           std::to_string(module));
  }
  return *comm;
}

// A group as the step uses it: the backend's ops and hetgrid's member list, which maps a global
// rank to the rank in the group (and so to the peer argument of send / recv).
template <comm_ops Ops>
struct channel {
  Ops ops;
  hetgrid::rank_group members;

  int group_rank(int world_rank) const { return members.index_of(world_rank); }
};

}  // namespace mimo_step
