// hetgrid/mpi/bridge.hpp: the bridge that moves data over MPI (docs/CONTRACT.md section 4).
// forward() carries a batch from module Source's last pp stage to Destination's first along the
// plan of bridge_of (fan-in concatenates, fan-out splits, a leader sending to itself copies),
// then the destination leaders share it with their replica's tp-gtp_remat-cp group (one
// MPI_Bcast); backward() carries the gradient home the same way, shared on the source side. The
// share group's communicator is the groups' where the layout has a slot of exactly those ranks,
// else the bridge makes it when constructed and frees it with its last copy. Every call is
// watched by the groups' MPI watchdog.
#pragma once

#include <mpi.h>

#include <algorithm>
#include <boost/mpi/datatype.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hetgrid/bridge.hpp"
#include "hetgrid/detail/bridge_messages.hpp"
#include "hetgrid/mpi/group_local.hpp"
#include "hetgrid/mpi/watchdog.hpp"

namespace hetgrid::mpi {

// One bridge of a rank's groups (rank_groups of Topology, with or without kinds of its own).
// The batch is rows of `row_size` Elements, contiguous; a leader's rows must split into the
// plan's parts. Construct it on every rank, in one order of bridges: where the layout has no
// slot of a share group, its members make the group's communicator here together
// (MPI_Comm_create_group, group-local: nobody else waits); it sends no data. A rank outside
// both ends passes empty spans and does nothing.
//
// Tags: the messages of module s to module d (indices in the topology, M modules) carry tag
// 1 + 4 * (s * M + d) + phase, phase 0 forward, 1 backward, 2 and 3 the creation of their share
// communicator: two bridges into one leader never match each other's messages, and tag 0, the
// usual one, stays the program's.
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
    // Forward's group first on every rank: a group's members then never wait on each other in
    // the other order (each rank is in at most one destination and one source group).
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

  // Communicators this bridge made on this rank (0 where the layout has each share group's
  // slot, or the rank is in no share group of more than one rank).
  int created_count() const { return (own_[0] ? 1 : 0) + (own_[1] && own_[1] != own_[0]); }

 private:
  // A share group's communicator made by the bridge, with the label the watchdog names it by.
  struct own_share {
    explicit own_share(std::string name) : label(std::move(name)) {}
    watched_group label;
    boost::mpi::communicator comm;
    std::optional<watched_comm> watched;
  };

  // This rank's share communicator of one pass: the groups' slot, one made for the other pass
  // with the same members (a colocated rank's two groups), or one made here; null: none.
  template <class Groups>
  const watched_comm* share_of(const Groups& groups, bool forward) {
    const auto at = ::hetgrid::detail::share_place_of<Groups::plan>(
        plan, of::source_index, of::destination_index, rank_, forward);
    if (!at) return nullptr;
    if (at->slot >= 0) return groups.watched(at->module, at->slot);
    if (!forward && own_[0] && members_[0] == at->members) {
      own_[1] = own_[0];
      return share_[0];
    }
    const int phase = forward ? 0 : 1;
    auto own = std::make_shared<own_share>(
        std::string(Groups::plan.module_grid(at->module).name()) + ":" +
        std::string(::hetgrid::bridge::share_kind.name_view()) + " of the bridge (" +
        detail::rank_list(at->members, at->members.size()) + ")");
    {
      const watchdog::guard armed = groups.watch(MPI_Comm(groups.world()), own->label)
                                        .arm("MPI_Comm_create_group (bridge share)");
      own->comm = detail::create_group(groups.world(), at->members, tag(2 + phase), [&] {
        return "the share group '" + own->label.label() + "'";
      });
    }
    own->watched.emplace(groups.watch(MPI_Comm(own->comm), own->label));
    members_[phase] = at->members;
    own_[phase] = own;
    return &*own->watched;
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

  // The leader (rank 0 of the group's communicator) hands its batch to the rest of its group.
  void share(std::span<Element> data, bool forward) const {
    const watched_comm* s = share_[forward ? 0 : 1];
    if (s == nullptr) return;
    s->run("MPI_Bcast (bridge share)", [&] {
      return MPI_Bcast(data.data(), count(data.size()), type(), 0, s->get());
    });
  }

  const watched_comm* world_;  // the groups' own: they outlive the bridge
  int rank_ = 0;
  std::size_t row_ = 1;
  // [0] forward (destination side), [1] backward: the share communicators, null where none;
  // those the bridge made, and their members. Shared, so that copies of the bridge share them.
  const watched_comm* share_[2] = {nullptr, nullptr};
  std::shared_ptr<const own_share> own_[2];
  rank_group members_[2]{};
};

}  // namespace hetgrid::mpi
