// hetgrid/nccl/bridge.hpp: the bridge that moves data over NCCL (docs/CONTRACT.md section 4),
// the twin of mpi/bridge.hpp on device memory. A pass is one NCCL group of sends and receives on
// the world communicator's stream (each peer its own message, so no two sources mix), a copy
// for a leader that sends to itself, then the share step: a broadcast on the share group's
// communicator and stream, the groups' where a slot holds exactly the group, else one the bridge
// splits off when constructed and owns. The caller's stream hands over to the bridge and back
// through events: nothing waits on the host.
#pragma once

#include <cuda_runtime.h>
#include <nccl.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "hetgrid/bridge.hpp"
#include "hetgrid/detail/bridge_messages.hpp"
#include "hetgrid/nccl/error.hpp"
#include "hetgrid/nccl/polling.hpp"
#include "hetgrid/nccl/rank_groups.hpp"

namespace hetgrid::nccl {

namespace detail {

template <class E>
constexpr ncclDataType_t data_type() {
  if constexpr (std::is_same_v<E, float>) return ncclFloat32;
  else if constexpr (std::is_same_v<E, double>) return ncclFloat64;
  else if constexpr (std::is_same_v<E, std::int32_t>) return ncclInt32;
  else if constexpr (std::is_same_v<E, std::int64_t>) return ncclInt64;
  else if constexpr (std::is_same_v<E, std::uint8_t>) return ncclUint8;
  else static_assert(sizeof(E) == 0, "bridge: no NCCL type for this element type");
}

// An event without timing, owned.
class owned_event {
 public:
  owned_event() { check_cuda(cudaEventCreateWithFlags(&e_, cudaEventDisableTiming), "event"); }
  owned_event(const owned_event&) = delete;
  owned_event& operator=(const owned_event&) = delete;
  ~owned_event() { cudaEventDestroy(e_); }
  // `to` runs its next work after what `from` has so far.
  void hand_over(cudaStream_t from, cudaStream_t to) const {
    check_cuda(cudaEventRecord(e_, from), "cudaEventRecord (bridge)");
    check_cuda(cudaStreamWaitEvent(to, e_), "cudaStreamWaitEvent (bridge)");
  }

 private:
  cudaEvent_t e_ = nullptr;
};

}  // namespace detail

// One bridge of a rank's NCCL groups; the same contract as hetgrid::mpi::bridge (which see),
// on device buffers, with the caller's stream: forward / backward start after the work `stream`
// has so far, and its next work waits for them. Construct it on every rank of the job, bridges
// in one order: where the layout has no slot of a side's share groups, the constructor makes
// them with one ncclCommSplit, collective over the groups' parent communicator (the whole job).
template <class Topology, class Source, class Destination, class Element = float>
class bridge {
  using of = bridge_of<Topology, Source, Destination>;

 public:
  using element = Element;
  static constexpr const ::hetgrid::bridge& plan = of::value;

  template <class Groups>
  bridge(const Groups& groups, std::size_t row_size, double timeout_s = default_timeout_s)
      : world_(&groups.world()), rank_(groups.rank()), row_(row_size), timeout_s_(timeout_s) {
    static_assert(Groups::plan.world() == Topology::world,
                  "bridge: the groups are of a topology with another world");
    if (row_size == 0) throw std::invalid_argument("bridge: row_size is 0");
    share_[0] = share_of(groups, true);  // forward's split first, on every rank
    share_[1] = share_of(groups, false);
  }
  bridge(const bridge&) = delete;
  bridge& operator=(const bridge&) = delete;

  // Communicators this bridge made on this rank (0 where the layout has each share group's slot).
  int created_count() const { return (own_[0] ? 1 : 0) + (own_[1] ? 1 : 0); }

  void forward(std::span<const Element> source, std::span<Element> destination,
               cudaStream_t stream) const {
    pass(source, destination, true, stream);
  }
  void backward(std::span<const Element> destination_grad, std::span<Element> source_grad,
                cudaStream_t stream) const {
    pass(destination_grad, source_grad, false, stream);
  }

 private:
  // This rank's share communicator of one pass (null: none): the groups' slot, or one split off
  // here. The split happens on every rank where the side's share groups are no slot (the layout
  // says so alike on all ranks: it is the module's shape); a rank outside them, or whose other
  // pass made one of the same ranks (colocated), passes no colour.
  template <class Groups>
  const group_comm* share_of(const Groups& groups, bool forward) {
    const int side = forward ? 0 : 1;
    const auto at = ::hetgrid::detail::share_place_of<Groups::plan>(
        plan, of::source_index, of::destination_index, rank_, forward);
    const int leader = forward ? plan.destination_leaders()[0] : plan.source_leaders()[0];
    const auto at_leader = ::hetgrid::detail::share_place_of<Groups::plan>(
        plan, of::source_index, of::destination_index, leader, forward);
    if (at && at->slot >= 0) {
      const auto* collection = groups.modules().module(at->module);
      return collection ? collection->slot(at->slot) : nullptr;
    }
    if (!at_leader || at_leader->slot >= 0) return nullptr;  // no side of this bridge splits
    const bool reuse = !forward && at && own_[0] && members_[0] == at->members;
    const int color = at && !reuse ? at->members.front() : -1;
    own_[side] = groups.split_extra(Groups::plan.module_grid(at_leader->module).name(),
                                    ::hetgrid::bridge::share_kind.name_view(), color, rank_);
    if (reuse) return share_[0];
    if (!own_[side]) return nullptr;
    members_[side] = at->members;
    own_comm_[side] = group_comm(own_[side].get(), at->members.index_of(rank_),
                                 at->members.size());
    return &own_comm_[side];
  }

  void issue(ncclResult_t result, ncclComm_t comm, const char* what) const {
    check(result, std::string("bridge: ") + what);
    if (result == ncclInProgress) await(comm, timeout_s_, what);
  }

  void pass(std::span<const Element> from, std::span<Element> to, bool forward,
            cudaStream_t stream) const {
    const group_comm* s = share_[forward ? 0 : 1];
    bool moves = false;
    ::hetgrid::detail::for_each_bridge_message(plan, rank_, row_, forward, from.size(), to.size(),
                                               [&](const auto&) { moves = true; });
    if (!moves && s == nullptr) return;
    const cudaStream_t ws = world_->stream();
    const ncclComm_t wc = world_->get();
    constexpr ncclDataType_t type = detail::data_type<Element>();
    handed_.hand_over(stream, ws);
    if (moves) {
      check(ncclGroupStart(), "bridge: ncclGroupStart");
      ::hetgrid::detail::for_each_bridge_message(
          plan, rank_, row_, forward, from.size(), to.size(),
          [&](const ::hetgrid::detail::bridge_message& m) {
            using w = ::hetgrid::detail::bridge_message::what;
            if (m.kind == w::copy)
              check_cuda(cudaMemcpyAsync(to.data() + m.to_offset, from.data() + m.offset,
                                         m.count * sizeof(Element), cudaMemcpyDeviceToDevice, ws),
                         "bridge: cudaMemcpyAsync");
            else if (m.kind == w::send)
              check(ncclSend(from.data() + m.offset, m.count, type, m.peer, wc, ws),
                    "bridge: ncclSend");
            else
              check(ncclRecv(to.data() + m.offset, m.count, type, m.peer, wc, ws),
                    "bridge: ncclRecv");
          });
      issue(ncclGroupEnd(), wc, "ncclGroupEnd");
    }
    cudaStream_t last = ws;
    if (s != nullptr) {
      const cudaStream_t ss = s->stream();
      handed_.hand_over(ws, ss);
      issue(ncclBroadcast(to.data(), to.data(), to.size(), type, 0, s->get(), ss), s->get(),
            "ncclBroadcast (share)");
      last = ss;
    }
    back_.hand_over(last, stream);
  }

  const group_comm* world_;  // the groups' own: they outlive the bridge
  int rank_ = 0;
  std::size_t row_ = 1;
  double timeout_s_;
  // [0] forward (destination side), [1] backward: the share communicators, null where none;
  // those the bridge split off (destroyed before the groups, which outlive the bridge).
  const group_comm* share_[2] = {nullptr, nullptr};
  backend::handle own_[2];
  group_comm own_comm_[2];
  rank_group members_[2]{};
  detail::owned_event handed_, back_;
};

}  // namespace hetgrid::nccl
