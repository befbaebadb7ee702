// hetgrid/nccl/bridge.hpp: the bridge that moves data over NCCL (docs/CONTRACT.md section 4),
// the twin of mpi/bridge.hpp on device memory. A pass is one NCCL group of sends and receives on
// the world communicator's stream (each peer its own message, so no two sources mix), a copy
// for a leader that sends to itself, then the share step: a broadcast on the share group's
// communicator and stream, or grouped sends over the world where the layout has none. The
// caller's stream hands over to the bridge and back through events: nothing waits on the host.
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
// has so far, and its next work waits for them. Construct it on every rank.
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
    share_[0] = share_of(groups, true);
    share_[1] = share_of(groups, false);
  }

  void forward(std::span<const Element> source, std::span<Element> destination,
               cudaStream_t stream) const {
    pass(source, destination, true, stream);
  }
  void backward(std::span<const Element> destination_grad, std::span<Element> source_grad,
                cudaStream_t stream) const {
    pass(destination_grad, source_grad, false, stream);
  }

 private:
  struct share_step {
    rank_group members{};
    const group_comm* comm = nullptr;  // null: grouped sends over the world
  };

  template <class Groups>
  std::optional<share_step> share_of(const Groups& groups, bool forward) const {
    const auto at = ::hetgrid::detail::share_place_of<Groups::plan>(
        plan, of::source_index, of::destination_index, rank_, forward);
    if (!at) return std::nullopt;
    const auto* collection = groups.modules().module(at->module);
    return share_step{at->members,
                      at->slot >= 0 && collection ? collection->slot(at->slot) : nullptr};
  }

  void issue(ncclResult_t result, ncclComm_t comm, const char* what) const {
    check(result, std::string("bridge: ") + what);
    if (result == ncclInProgress) await(comm, timeout_s_, what);
  }

  void pass(std::span<const Element> from, std::span<Element> to, bool forward,
            cudaStream_t stream) const {
    const std::optional<share_step>& s = share_[forward ? 0 : 1];
    bool moves = false;
    ::hetgrid::detail::for_each_bridge_message(plan, rank_, row_, forward, from.size(), to.size(),
                                               [&](const auto&) { moves = true; });
    if (!moves && !s) return;
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
    if (s && s->comm != nullptr) {
      const cudaStream_t ss = s->comm->stream();
      handed_.hand_over(ws, ss);
      issue(ncclBroadcast(to.data(), to.data(), to.size(), type, 0, s->comm->get(), ss),
            s->comm->get(), "ncclBroadcast (share)");
      last = ss;
    } else if (s) {
      check(ncclGroupStart(), "bridge: ncclGroupStart");
      if (rank_ == s->members.front()) {
        for (const int member : s->members)
          if (member != rank_)
            check(ncclSend(to.data(), to.size(), type, member, wc, ws), "bridge: ncclSend");
      } else {
        check(ncclRecv(to.data(), to.size(), type, s->members.front(), wc, ws),
              "bridge: ncclRecv");
      }
      issue(ncclGroupEnd(), wc, "ncclGroupEnd (share)");
    }
    back_.hand_over(last, stream);
  }

  const group_comm* world_;  // the groups' own: they outlive the bridge
  int rank_ = 0;
  std::size_t row_ = 1;
  double timeout_s_;
  std::optional<share_step> share_[2];  // [0] forward (destination side), [1] backward
  detail::owned_event handed_, back_;
};

}  // namespace hetgrid::nccl
