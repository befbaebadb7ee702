// hetgrid/mpi/group_local.hpp: building a plan's MPI communicators group-locally. Where the
// split rounds call MPI_Comm_split over the whole job once per round (an all-gather over every
// rank, whatever the group's size), this path makes each split class this rank holds with one
// MPI_Comm_create_group over the members of its own group: only they take part, so the cost
// grows with the group, not with the world (BENCHMARKS.md, "MPI groups as the world grows").
// The layout is a type, so every rank knows its groups and their order without communicating.
#pragma once

#include <mpi.h>

#include <boost/mpi/communicator.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "hetgrid/executor.hpp"
#include "hetgrid/mpi/watchdog.hpp"
#include "hetgrid/rank_group.hpp"

namespace hetgrid::mpi {

// How an MPI backend builds the groups that need peers (groups of one rank and of the whole
// job need none either way).
enum class construction {
  group_local,   // one MPI_Comm_create_group per distinct group of this rank, inside the group
  split_rounds,  // one MPI_Comm_split over the whole job per plan round
};

namespace detail {

// MPI guarantees tags up to 32767; a tag per class keeps two classes' creations apart even
// where the order alone would (a plan of more classes reuses tags, still in that order).
constexpr int create_group_tag(int class_id) { return class_id % 32768; }

// `what()` names the group in the error, e.g. "the images:tp groups (class 3, a group of 2
// ranks)": built only when a call fails, so that a creation allocates no text.
template <class What>
[[noreturn]] void create_group_failed(const char* call, int code, const What& what) {
  char text[MPI_MAX_ERROR_STRING]{};
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  throw std::runtime_error("hetgrid: " + std::string(call) + " for " + std::string(what()) +
                           " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

// The communicator of exactly `members`, made by them alone (each passes the same `tag`).
// Members ascend, so each one's rank in it is its place in the enumeration. Boost.MPI makes MPI
// return its errors, so a call MPI refuses throws, naming the group as `what()` does.
template <class What>
boost::mpi::communicator create_group(const boost::mpi::communicator& job,
                                      const rank_group& members, int tag, const What& what) {
  MPI_Group job_group = MPI_GROUP_NULL, group = MPI_GROUP_NULL;
  int rc = MPI_Comm_group(job, &job_group);
  if (rc != MPI_SUCCESS) create_group_failed("MPI_Comm_group", rc, what);
  const std::vector<int> ranks(members.begin(), members.end());
  rc = MPI_Group_incl(job_group, members.size(), ranks.data(), &group);
  MPI_Group_free(&job_group);
  if (rc != MPI_SUCCESS) create_group_failed("MPI_Group_incl", rc, what);
  MPI_Comm comm = MPI_COMM_NULL;
  rc = MPI_Comm_create_group(job, group, tag, &comm);
  MPI_Group_free(&group);
  if (rc != MPI_SUCCESS) create_group_failed("MPI_Comm_create_group", rc, what);
  return {comm, boost::mpi::comm_take_ownership};
}

// A plan class's group, named by the module, the kind and the class it was for.
inline boost::mpi::communicator create_group(const boost::mpi::communicator& job,
                                             const rank_group& members,
                                             const class_request& request) {
  return create_group(job, members, create_group_tag(request.id), [&] {
    return "the " + std::string(request.module_name) + ":" + std::string(request.slot_name) +
           " groups (class " + std::to_string(request.id) + ", a group of " +
           std::to_string(members.size()) + " ranks)";
  });
}

}  // namespace detail

// An MPI backend (`Base`, e.g. mpi::backend) whose split round makes this rank's group of the
// round's class group-locally; a round that gives it nothing costs no call at all.
// No deadlock: a group's members all create it in the same round (its class's), and each rank
// creates at most one group a round, in ascending round order, so round r's creations wait only
// on members that finished rounds before r.
template <const auto& Plan, class Base>
class group_local : public Base {
 public:
  using typename Base::handle;
  using Base::Base;

  handle split(const class_request* request, int /*color*/, int /*key*/) {
    if (request == nullptr) return handle(MPI_COMM_NULL, boost::mpi::comm_attach);
    const int rank = this->rank();
    const auto held = Plan.held_as(request->id, rank);
    const rank_group members = *Plan.group(held.module, held.slot, rank);
    // Watched as the split is: a member that never arrives ends this rank, naming the group.
    const watched_group watched(std::string(request->module_name) + ":" +
                                std::string(request->slot_name) + " (" +
                                detail::rank_list(members, members.size()) + ")");
    const watchdog::guard armed = this->watcher().arm(watched, "MPI_Comm_create_group");
    return handle(detail::create_group(this->job(), members, *request));
  }
};

// The MPI_Comm_create_group calls the group-local path makes on `rank`: one per split class it
// holds (the split rounds make Plan.round_count calls over the whole job on every rank instead).
template <const auto& Plan>
int group_local_calls(int rank) {
  int calls = 0;
  for (int id = 0; id < Plan.class_count; ++id)
    calls += Plan.classes[id].source == class_source::split && Plan.holds(id, rank);
  return calls;
}

}  // namespace hetgrid::mpi
