// hetgrid/mpi/bridge.hpp: the bridge that moves data over MPI (docs/CONTRACT.md section 4).
// forward() carries a batch from module Source's last pp stage to Destination's first along the
// plan of bridge_of (fan-in concatenates, fan-out splits, a leader sending to itself copies),
// then the destination leaders share it with their replica's tp-gtp_remat-cp group; backward()
// carries the gradient home the same way, shared on the source side. Every call is watched by
// the groups' MPI watchdog.
#pragma once

#include <mpi.h>

#include <algorithm>
#include <boost/mpi/datatype.hpp>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "hetgrid/bridge.hpp"
#include "hetgrid/detail/bridge_messages.hpp"
#include "hetgrid/mpi/watchdog.hpp"

namespace hetgrid::mpi {

// One bridge of a rank's groups (rank_groups of Topology, with or without kinds of its own).
// The batch is rows of `row_size` Elements, contiguous; a leader's rows must split into the
// plan's parts. Construct it on every rank (it sends nothing); a rank outside both ends passes
// empty spans and does nothing.
//
// Tags: the messages of module s to module d (indices in the topology, M modules) carry tag
// 1 + 4 * (s * M + d) + phase, phase 0 forward, 1 backward, 2 and 3 their share step where it
// runs point to point: two bridges into one leader never match each other's messages, and tag
// 0, the usual one, stays the program's.
template <class Topology, class Source, class Destination, class Element = float>
class bridge {
  using of = bridge_of<Topology, Source, Destination>;
  static_assert(Topology::module_count <= 64, "bridge: tags are made for up to 64 modules");

 public:
  using element = Element;
  static constexpr const ::hetgrid::bridge& plan = of::value;
  static constexpr int tag(int phase) {
    return 1 + 4 * (of::source_index * Topology::module_count + of::destination_index) + phase;
  }

  template <class Groups>
  bridge(const Groups& groups, std::size_t row_size)
      : world_(&groups.watched_world()), rank_(groups.rank()), row_(row_size) {
    static_assert(Groups::plan.world() == Topology::world,
                  "bridge: the groups are of a topology with another world");
    if (row_size == 0) throw std::invalid_argument("bridge: row_size is 0");
    share_[0] = share_of<Groups>(groups, true);
    share_[1] = share_of<Groups>(groups, false);
  }

  // Source side: `source` is this rank's batch at Source's last stage (read on its leaders).
  // Destination side: `destination` receives the batch at Destination's first stage, on every
  // rank of the replica's share group.
  void forward(std::span<const Element> source, std::span<Element> destination) const {
    move(source, destination, true);
    share(destination, true);
  }
  // The reverse: `destination_grad` (read on Destination's first-stage leaders) goes home into
  // `source_grad`, on every rank of the source replica's share group.
  void backward(std::span<const Element> destination_grad, std::span<Element> source_grad) const {
    move(destination_grad, source_grad, false);
    share(source_grad, false);
  }

 private:
  struct share_step {
    rank_group members{};
    const watched_comm* comm = nullptr;  // null: point to point over the job
  };

  template <class Groups>
  std::optional<share_step> share_of(const Groups& groups, bool forward) const {
    const auto at = ::hetgrid::detail::share_place_of<Groups::plan>(
        plan, of::source_index, of::destination_index, rank_, forward);
    if (!at) return std::nullopt;
    return share_step{at->members, at->slot >= 0 ? groups.watched(at->module, at->slot) : nullptr};
  }

  static MPI_Datatype type() { return boost::mpi::get_mpi_datatype<Element>(Element{}); }
  static int count(std::size_t n) { return static_cast<int>(n); }

  void move(std::span<const Element> from, std::span<Element> to, bool forward) const {
    std::vector<MPI_Request> pending;
    const int t = tag(forward ? 0 : 1);
    using message = ::hetgrid::detail::bridge_message;
    ::hetgrid::detail::for_each_bridge_message(
        plan, rank_, row_, forward, from.size(), to.size(), [&](const message& m) {
          using w = message::what;
          if (m.kind == w::copy) {
            std::copy_n(from.data() + m.offset, m.count, to.data() + m.to_offset);
          } else if (m.kind == w::send) {
            world_->run("MPI_Isend (bridge)", [&] {
              return MPI_Isend(from.data() + m.offset, count(m.count), type(), m.peer, t,
                               world_->get(), &pending.emplace_back());
            });
          } else {
            world_->run("MPI_Irecv (bridge)", [&] {
              return MPI_Irecv(to.data() + m.offset, count(m.count), type(), m.peer, t,
                               world_->get(), &pending.emplace_back());
            });
          }
        });
    if (pending.empty()) return;
    world_->run("MPI_Waitall (bridge)", [&] {
      return MPI_Waitall(count(pending.size()), pending.data(), MPI_STATUSES_IGNORE);
    });
  }

  // The leader (the group's front) hands its batch to the rest of its replica's group.
  void share(std::span<Element> data, bool forward) const {
    const std::optional<share_step>& s = share_[forward ? 0 : 1];
    if (!s) return;
    if (s->comm != nullptr) {
      s->comm->run("MPI_Bcast (bridge share)", [&] {
        return MPI_Bcast(data.data(), count(data.size()), type(), 0, s->comm->get());
      });
      return;
    }
    const int t = tag(forward ? 2 : 3);
    std::vector<MPI_Request> pending;
    if (rank_ == s->members.front()) {
      for (const int member : s->members) {
        if (member == rank_) continue;
        world_->run("MPI_Isend (bridge share)", [&] {
          return MPI_Isend(data.data(), count(data.size()), type(), member, t, world_->get(),
                           &pending.emplace_back());
        });
      }
    } else {
      world_->run("MPI_Irecv (bridge share)", [&] {
        return MPI_Irecv(data.data(), count(data.size()), type(), s->members.front(), t,
                         world_->get(), &pending.emplace_back());
      });
    }
    world_->run("MPI_Waitall (bridge share)", [&] {
      return MPI_Waitall(count(pending.size()), pending.data(), MPI_STATUSES_IGNORE);
    });
  }

  const watched_comm* world_;  // the groups' own: they outlive the bridge
  int rank_ = 0;
  std::size_t row_ = 1;
  std::optional<share_step> share_[2];  // [0] forward (destination side), [1] backward
};

}  // namespace hetgrid::mpi
