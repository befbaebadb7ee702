// hetgrid/bridge.hpp: how activations cross from one module to another (docs/CONTRACT.md section
// 4). The last pp stage of the source hands its batch to the first pp stage of the destination
// through one leader per dp replica on each side; with S source and D destination leaders one
// count divides the other: fan-in (S > D) concatenates, fan-out (S <= D) splits the batch.
// Everything is O(1) per question: no table of the world, and the compile-time check looks
// only at the two modules' dp.
// This header plans; hetgrid::mpi::bridge (mpi/bridge.hpp) and hetgrid::nccl::bridge
// (nccl/bridge.hpp) carry the data along the plan.
//
// Seed layout (images tp=2 on 0-3, language tp=2 pp=2 on 4-7): source leaders [0, 2],
// destination leaders [4]; fan-in, rank 4 receives samples [0, 1/2) from 0 and [1/2, 1) from 2.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "hetgrid/detail/index_iterator.hpp"
#include "hetgrid/detail/rules.hpp"
#include "hetgrid/error_kind.hpp"
#include "hetgrid/grid.hpp"
#include "hetgrid/group_kind.hpp"
#include "hetgrid/rank_group.hpp"


namespace hetgrid {

// The leaders of one side of a bridge: leader i (ascending dp) is first + i * stride.
struct leader_set {
  int first = 0, stride = 1, count = 0;

  constexpr int operator[](int i) const { return first + i * stride; }
  // The leader index of `rank`, or -1 where it is no leader.
  constexpr int index_of(int rank) const {
    const int d = rank - first;
    if (d < 0 || d % stride != 0 || d / stride >= count) return -1;
    return d / stride;
  }
  constexpr bool contains(int rank) const { return index_of(rank) >= 0; }
};

// Leader indices [begin, end).
struct index_range {
  int begin = 0, end = 0;
  constexpr int size() const { return end - begin; }
  constexpr bool contains(int i) const { return i >= begin && i < end; }
  friend constexpr bool operator==(const index_range&, const index_range&) = default;
};

// The fraction [part / parts, (part + 1) / parts) of a leader's batch.
struct batch_slice {
  int part = 0, parts = 1;

  // The slice of a batch of n samples, as sample indices. @pre n % parts == 0
  constexpr int begin(int n) const { return n / parts * part; }
  constexpr int end(int n) const { return n / parts * (part + 1); }
  constexpr bool whole() const { return parts == 1; }
  friend constexpr bool operator==(const batch_slice&, const batch_slice&) = default;
};

// One message of the bridge: samples `source_slice` of the source leader's batch become samples
// `destination_slice` of the destination leader's batch. The backward pass runs it reversed.
struct bridge_transfer {
  int source_leader = 0, destination_leader = 0;  // leader indices (dp replicas)
  int source_rank = 0, destination_rank = 0;      // global ranks
  batch_slice source_slice, destination_slice;
  friend constexpr bool operator==(const bridge_transfer&, const bridge_transfer&) = default;
};

enum class bridge_fan { in, out };  // in: S > D (concatenate); out: S <= D (split)

constexpr std::string_view to_string(bridge_fan fan) { return fan == bridge_fan::in ? "in" : "out"; }

namespace detail {

// A leader is the tp=0, gtp_remat=0, cp=0 rank of its dp replica at one pp stage; dp is the
// next dim after them in the base view, so the leaders of a stage are evenly spaced.
constexpr leader_set stage_leaders(const grid& g, int stage) {
  const int below_dp = g.tp * g.gtp_remat * g.cp;
  return {g.offset + stage * below_dp * g.dp, below_dp, g.dp};
}

constexpr bool leader_counts_divide(int s, int d) {
  return s >= 1 && d >= 1 && (d % s == 0 || s % d == 0);
}

// The two ends of a bridge, as its rules (detail/rules.hpp's bridge rows) read them: an index of
// -1 is a module the topology does not hold.
struct bridge_ends {
  std::string_view source, destination;
  int source_index = 0, destination_index = 1;
  int source_dp = 1, destination_dp = 1;
};
constexpr bool source_in_topology(const bridge_ends& e) { return e.source_index >= 0; }
constexpr bool destination_in_topology(const bridge_ends& e) { return e.destination_index >= 0; }
constexpr bool ends_distinct(const bridge_ends& e) { return e.source != e.destination; }
constexpr bool leader_counts_divide(const bridge_ends& e) {
  return leader_counts_divide(e.source_dp, e.destination_dp);
}
constexpr void source_facts(rule_message& m, const bridge_ends& e) {
  m.put("module ").quoted(e.source).put(" is not in it");
}
constexpr void destination_facts(rule_message& m, const bridge_ends& e) {
  m.put("module ").quoted(e.destination).put(" is not in it");
}
constexpr void same_module_facts(rule_message& m, const bridge_ends& e) {
  m.put("both are ").quoted(e.source);
}
constexpr void leader_counts_facts(rule_message& m, const bridge_ends& e) {
  m.put("source ").quoted(e.source).put(": ").field("dp", e.source_dp).put(" leaders, ");
  m.put("destination ").quoted(e.destination).put(": ").field("dp", e.destination_dp);
  m.put(" leaders");
}
constexpr rule_message bridge_rule_message(const char* words,
                                      void (*facts)(rule_message&, const bridge_ends&),
                                      const bridge_ends& e) {
  rule_message m;
  m.put(words).put("; ");
  facts(m, e);
  return m;
}

}  // namespace detail

// The messages one rank sends or receives, computed on demand: either the transfers between one
// leader and a run of leaders on the other side, or none.
class transfer_list {
 public:
  constexpr transfer_list() = default;
  constexpr transfer_list(leader_set sources, leader_set destinations, bool sending, int leader,
                          index_range peers)
      : sources_(sources), destinations_(destinations), sending_(sending), leader_(leader),
        peers_(peers) {}

  constexpr int size() const { return peers_.size(); }
  constexpr bool empty() const { return size() == 0; }
  // The leaders on the other side, as an index range.
  constexpr index_range peers() const { return peers_; }

  // @pre 0 <= i < size()
  constexpr bridge_transfer operator[](int i) const {
    const int s = sending_ ? leader_ : peers_.begin + i;
    const int d = sending_ ? peers_.begin + i : leader_;
    bridge_transfer t{s, d, sources_[s], destinations_[d], {}, {}};
    if (sources_.count > destinations_.count) {  // fan-in: source s is one part of d's batch
      const int f = sources_.count / destinations_.count;
      t.destination_slice = {s - d * f, f};
    } else {  // fan-out: d gets one part of s's batch
      const int f = destinations_.count / sources_.count;
      t.source_slice = {d - s * f, f};
    }
    return t;
  }

  using iterator = detail::index_iterator<transfer_list, bridge_transfer>;
  constexpr iterator begin() const { return iterator(this, 0); }
  constexpr iterator end() const { return iterator(this, size()); }

 private:
  leader_set sources_, destinations_;
  bool sending_ = true;
  int leader_ = 0;
  index_range peers_{};
};

// The bridge between two module grids, as a value (usable at run time, for specs read from a
// command line). In a colocated layout a leader may send to itself: a local copy.
class bridge {
 public:
  // @pre bridge_divisible(source, destination)
  constexpr bridge(const grid& source, const grid& destination)
      : source_(source), destination_(destination),
        sources_(detail::stage_leaders(source, source.pp - 1)),
        destinations_(detail::stage_leaders(destination, 0)) {}

  constexpr const grid& source() const { return source_; }
  constexpr const grid& destination() const { return destination_; }
  // Leader i of each side, ascending dp: leader_set::operator[] gives its global rank.
  constexpr const leader_set& source_leaders() const { return sources_; }
  constexpr const leader_set& destination_leaders() const { return destinations_; }

  constexpr bridge_fan fan() const {
    return sources_.count > destinations_.count ? bridge_fan::in : bridge_fan::out;
  }
  // Leaders on the many side per leader on the few side (1 when S == D).
  constexpr int fan_factor() const {
    return fan() == bridge_fan::in ? sources_.count / destinations_.count
                                   : destinations_.count / sources_.count;
  }

  // Fan-in: destination leader i receives from source leaders [i*S/D, (i+1)*S/D); fan-out: the
  // one source leader i*S/D (integer division).
  constexpr index_range sources_of(int destination_leader) const {
    const int f = fan_factor();
    if (fan() == bridge_fan::in) return {destination_leader * f, (destination_leader + 1) * f};
    return {destination_leader / f, destination_leader / f + 1};
  }
  // Fan-out: source leader i sends to destination leaders [i*D/S, (i+1)*D/S); fan-in: the one
  // destination leader i*D/S (integer division).
  constexpr index_range destinations_of(int source_leader) const {
    const int f = fan_factor();
    if (fan() == bridge_fan::out) return {source_leader * f, (source_leader + 1) * f};
    return {source_leader / f, source_leader / f + 1};
  }

  // What `rank` sends in the forward pass (empty unless it is a source leader), and receives
  // (empty unless it is a destination leader). Each send is some rank's receive, and back.
  constexpr transfer_list sends(int rank) const {
    const int s = sources_.index_of(rank);
    if (s < 0) return {};
    return transfer_list(sources_, destinations_, true, s, destinations_of(s));
  }
  constexpr transfer_list receives(int rank) const {
    const int d = destinations_.index_of(rank);
    if (d < 0) return {};
    return transfer_list(sources_, destinations_, false, d, sources_of(d));
  }

  // The group a leader shares its replica's data with: the tp-gtp_remat-cp group of `rank` at
  // the source's last stage / the destination's first stage; its front() is the leader.
  static constexpr group_kind share_kind =
      make_kind("bridge_share", view::base, {"tp", "gtp_remat", "cp"});
  constexpr std::optional<rank_group> source_share_group(int rank) const {
    if (!source_.contains(rank) || !source_.is_last_stage(rank)) return std::nullopt;
    return source_.group_of(share_kind, rank);
  }
  constexpr std::optional<rank_group> destination_share_group(int rank) const {
    if (!destination_.contains(rank) || !destination_.is_first_stage(rank)) return std::nullopt;
    return destination_.group_of(share_kind, rank);
  }

 private:
  grid source_, destination_;
  leader_set sources_, destinations_;
};

// The run-time form of the bridge rules (detail/rules.hpp), for grids read from a command line:
// the first broken rule with its words.
struct bridge_error {
  error_kind kind = error_kind::none;
  const char* words = "none";
  detail::rule_message message{};  // the words, "; " and the facts (detail/rules.hpp)
  constexpr explicit operator bool() const { return kind != error_kind::none; }
};
constexpr bridge_error check_bridge(const grid& source, const grid& destination) {
  const detail::bridge_ends ends{source.name(), destination.name(), 0, 1, source.dp,
                                 destination.dp};
#define HETGRID_CHECK_BRIDGE_RULE(kind, holds, facts, words) \
  if (!detail::holds(ends))                                  \
    return {error_kind::kind, words, detail::bridge_rule_message(words, &detail::facts, ends)};
  HETGRID_BRIDGE_RULES(HETGRID_CHECK_BRIDGE_RULE)
#undef HETGRID_CHECK_BRIDGE_RULE
  return {};
}
constexpr bool bridge_divisible(const grid& source, const grid& destination) {
  return !check_bridge(source, destination);
}

namespace detail {

template <class Topology, class Module>
constexpr int module_index() {
  for (int i = 0; i < Topology::module_count; ++i)
    if (Topology::specs[i].name_view() == Module::name) return i;
  return -1;
}

}  // namespace detail

// The bridge from module Source to module Destination of a topology, checked at compile time:
//   using lift = hg::bridge_of<mimo, images, language>;
//   static_assert(lift::value.fan() == hg::bridge_fan::in);
template <class Topology, class Source, class Destination>
struct bridge_of {
  static constexpr detail::bridge_ends ends{
      Source::name, Destination::name, detail::module_index<Topology, Source>(),
      detail::module_index<Topology, Destination>(), Source::dp, Destination::dp};
#define HETGRID_ASSERT_BRIDGE_RULE(kind, holds, facts, words)                         \
  HETGRID_RULE_ASSERT(holds, ::hetgrid::detail::holds(ends), words,    \
                      ::hetgrid::detail::bridge_rule_message(words, &::hetgrid::detail::facts, ends))
  HETGRID_BRIDGE_OF_RULES(HETGRID_ASSERT_BRIDGE_RULE)
  HETGRID_BRIDGE_RULES(HETGRID_ASSERT_BRIDGE_RULE)
#undef HETGRID_ASSERT_BRIDGE_RULE

  static constexpr int source_index = detail::module_index<Topology, Source>();
  static constexpr int destination_index = detail::module_index<Topology, Destination>();
  static constexpr bridge value{Source::value, Destination::value};
};

}  // namespace hetgrid
