// hetgrid::mpi::bridge at -np 8: every received row is exactly the row sent, in batch order,
// forward and backward, on every rank of the receiving replica's share group; fan-in, fan-out,
// a colocated layout (a leader's copy to itself), two encoders into one language model, and
// two bridges between the same pair of ranks run in opposite orders (only the tags keep them
// apart); a share group that is no slot of the layout gets a communicator of the bridge's own,
// made at construction, freed with it, and each share step is one broadcast on exactly the
// group's ranks (no point-to-point sends beyond the plan's).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <hetgrid/hetgrid.hpp>
#include <hetgrid/mpi.hpp>
#include <hetgrid/mpi/bridge.hpp>
#include <optional>
#include <type_traits>
#include <vector>

#include "comm_counters.hpp"
#include "layouts.hpp"

// What the bridge's passes do on this rank, through MPI's profiling interface: each MPI_Bcast's
// communicator as the world ranks in it, and the MPI_Isend calls.
namespace pass_counters {
inline std::vector<std::vector<int>> broadcasts;
inline int isends = 0;
inline void reset() {
  broadcasts.clear();
  isends = 0;
}
}  // namespace pass_counters

extern "C" int MPI_Bcast(void* data, int count, MPI_Datatype type, int root, MPI_Comm comm) {
  MPI_Group group = MPI_GROUP_NULL, world_group = MPI_GROUP_NULL;
  PMPI_Comm_group(comm, &group);
  PMPI_Comm_group(MPI_COMM_WORLD, &world_group);
  int size = 0;
  PMPI_Group_size(group, &size);
  std::vector<int> in(static_cast<std::size_t>(size)), out(in.size());
  for (int i = 0; i < size; ++i) in[i] = i;
  PMPI_Group_translate_ranks(group, size, in.data(), world_group, out.data());
  PMPI_Group_free(&group);
  PMPI_Group_free(&world_group);
  pass_counters::broadcasts.push_back(out);
  return PMPI_Bcast(data, count, type, root, comm);
}

extern "C" int MPI_Isend(const void* data, int count, MPI_Datatype type, int peer, int tag,
                         MPI_Comm comm, MPI_Request* request) {
  ++pass_counters::isends;
  return PMPI_Isend(data, count, type, peer, tag, comm, request);
}

namespace {
namespace hg = hetgrid;

constexpr int global_batch = 8, row = 3;

const boost::mpi::communicator& world() {
  static const boost::mpi::communicator w;
  return w;
}

// Element c of global sample s of a pass, marked by `mark` (one per bridge and direction).
float value(int mark, int sample, int c) { return mark * 10000.0f + sample * 10.0f + c; }

// This rank's batch at one end of the bridge (its dp replica's samples), filled with `mark`.
std::vector<float> batch_of(const hg::grid& g, int rank, int mark) {
  const int n = global_batch / g.dp, first = g.coords(rank).dp * n;
  std::vector<float> b(static_cast<std::size_t>(n * row));
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < row; ++c) b[i * row + c] = value(mark, first + i, c);
  return b;
}

template <class Bridge>
struct pass_check {
  const hg::grid& src = Bridge::plan.source();
  const hg::grid& dst = Bridge::plan.destination();
  int rank = world().rank();
  bool at_src = src.contains(rank) && src.is_last_stage(rank);
  bool at_dst = dst.contains(rank) && dst.is_first_stage(rank);
  int mark;
  std::vector<float> src_out, dst_in, dst_out, src_in;

  explicit pass_check(int m) : mark(m) {
    if (at_src) {
      src_out = batch_of(src, rank, mark);
      src_in.assign(src_out.size(), -1.0f);
    }
    if (at_dst) {
      dst_out = batch_of(dst, rank, mark + 1);
      dst_in.assign(dst_out.size(), -1.0f);
    }
  }
  void forward(const Bridge& b) { b.forward(src_out, dst_in); }
  void backward(const Bridge& b) { b.backward(dst_out, src_in); }
  // Forward brought the destination replica's samples of `mark`; backward the source
  // replica's of `mark + 1`.
  void check() const {
    if (at_dst) CHECK(dst_in == batch_of(dst, rank, mark));
    if (at_src) CHECK(src_in == batch_of(src, rank, mark + 1));
  }
};

// Two encoders (T's modules 0 and 1) into one language model (module 2): the groups, both
// bridges and a check of each.
template <class T>
struct two_into_one {
  using language = hg::module_grid<T::specs[2]>;
  const hg::mpi::rank_groups<T> groups{world()};
  const hg::mpi::bridge<T, hg::module_grid<T::specs[0]>, language> first{groups, row};
  const hg::mpi::bridge<T, hg::module_grid<T::specs[1]>, language> second{groups, row};
  pass_check<std::remove_const_t<decltype(first)>> a;
  pass_check<std::remove_const_t<decltype(second)>> b;
  two_into_one(int mark_a, int mark_b) : a(mark_a), b(mark_b) {}
  void check() const {
    a.check();
    b.check();
  }
};

template <class Topology, class S, class D>
void round_trip(int mark) {
  const hg::mpi::rank_groups<Topology> groups(world());
  const hg::mpi::bridge<Topology, S, D> bridge(groups, row);
  pass_check<decltype(bridge)> p(mark);
  p.forward(bridge);
  p.backward(bridge);
  p.check();
}

// A side's share group needs a communicator the layout lacks: more than one rank, and not the
// tp group (gtp_remat or cp above 1), with no bridge_share slot.
std::optional<hg::rank_group> own_group(const hg::grid& g, std::optional<hg::rank_group> share,
                                        bool share_slot) {
  if (!share || share->size() == 1 || share_slot || (g.gtp_remat == 1 && g.cp == 1)) return {};
  return share;
}

std::vector<int> ranks_of(const hg::rank_group& g) { return {g.begin(), g.end()}; }

// The plan's point-to-point sends of `rank` in one pass (self copies are none).
int plan_sends(const hg::bridge& b, int rank, bool forward) {
  int n = 0;
  for (const hg::bridge_transfer t : forward ? b.sends(rank) : b.receives(rank))
    n += t.source_rank != t.destination_rank;
  return n;
}

// The bridge makes a communicator for each share group of this rank that no slot holds (one
// where both are the same ranks) and no other; forward and backward are each the plan's sends
// and one broadcast over exactly the share group; rows arrive as planned; the bridge frees what
// it made.
template <class Topology, class S, class D, bool ShareSlot>
void shared_on_exact_group(int mark) {
  using bridge_t = hg::mpi::bridge<Topology, S, D>;
  const hg::bridge& plan = bridge_t::plan;
  const int rank = world().rank();
  const std::optional<hg::rank_group> dst_share = plan.destination_share_group(rank);
  const std::optional<hg::rank_group> src_share = plan.source_share_group(rank);
  const auto dst_own = own_group(plan.destination(), dst_share, ShareSlot);
  const auto src_own = own_group(plan.source(), src_share, ShareSlot);
  const int expected = (dst_own ? 1 : 0) + (src_own && !(dst_own && *dst_own == *src_own));

  const hg::mpi::rank_groups<Topology> groups(world());
  comm_counters::reset();
  {
    const bridge_t bridge(groups, row);
    CHECK(comm_counters::splits == 0);
    CHECK(comm_counters::create_groups == expected);
    CHECK(comm_counters::created == expected);
    CHECK(bridge.created_count() == expected);
    pass_check<bridge_t> p(mark);
    for (const bool forward : {true, false}) {
      pass_counters::reset();
      if (forward)
        p.forward(bridge);
      else
        p.backward(bridge);
      const auto& share = forward ? dst_share : src_share;
      CHECK(pass_counters::isends == plan_sends(plan, rank, forward));
      if (share && share->size() > 1) {
        REQUIRE(pass_counters::broadcasts.size() == 1);
        CHECK(pass_counters::broadcasts[0] == ranks_of(*share));
      } else {
        CHECK(pass_counters::broadcasts.empty());
      }
    }
    p.check();
    CHECK(comm_counters::freed == 0);
  }
  CHECK(comm_counters::freed == expected);
}

// Language tp 2, cp 2 (its share group, ranks 4-7, is twice its tp group); images gtp_remat 2
// (share groups {0, 1} and {2, 3}, tp groups of one): neither side's share group is a slot.
using cp_and_gtp = hg::topology<
    8, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .gtp_remat = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 4, .tp = 2, .cp = 2,
                                  .offset = 4, .language = true}>>;
// Colocated with cp 2 on both sides: ranks 0-3 share in one group both ways (one communicator).
using colocated_cp = hg::topology<
    8, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 8, .tp = 2, .cp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 8, .tp = 2, .cp = 2, .pp = 2,
                                  .language = true}>>;

template <class T>
using first_of = hg::module_grid<T::specs[0]>;
template <class T>
using second_of = hg::module_grid<T::specs[1]>;

}  // namespace

TEST_CASE("seed: fan-in from two encoder replicas, shared over the language tp group") {
  using t = hg::layouts::seed;
  round_trip<t::topology, t::images, t::language>(1);
}

TEST_CASE("a topology that adds bridge::share_kind itself still works (its slot is used)") {
  using t = hg::layouts::seed;
  using mine = t::topology::with_kinds<hg::bridge::share_kind>;
  round_trip<mine, t::images, t::language>(15);
}

TEST_CASE("colocated: fan-in 4 -> 2 with a leader's copy to itself") {
  using t = hg::layouts::colocated;
  static_assert(hg::bridge_of<t::topology, t::images, t::language>::value.fan_factor() == 2);
  round_trip<t::topology, t::images, t::language>(3);
}

using fan_out = hg::topology<
    8, hg::module_grid<hg::grid_spec{.name = "images", .ranks = 2, .tp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 6, .pp = 3, .offset = 2,
                                  .language = true}>>;
TEST_CASE("fan-out: one source leader splits its batch over two destination replicas") {
  using images = hg::module_grid<fan_out::specs[0]>;
  using language = hg::module_grid<fan_out::specs[1]>;
  static_assert(hg::bridge_of<fan_out, images, language>::value.fan() == hg::bridge_fan::out);
  round_trip<fan_out, images, language>(5);
}

TEST_CASE("two encoders feed one language leader, each on its own tags") {
  two_into_one<layouts::twin_encoders> j(7, 9);
  static_assert(decltype(j.first)::tag(0) != decltype(j.second)::tag(0));
  j.a.forward(j.first);
  j.b.forward(j.second);
  j.b.backward(j.second);
  j.a.backward(j.first);
  j.check();
}

// Three colocated modules: vision and audio leaders 2 and 6 both send to language leaders 0
// and 2, and the senders run the audio bridge first: a shared tag would match vision's
// receive with audio's rows.
using three_colocated = hg::topology<
    8, hg::module_grid<hg::grid_spec{.name = "vision", .ranks = 8, .tp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 8, .tp = 2}>,
    hg::module_grid<hg::grid_spec{.name = "language", .ranks = 8, .tp = 2, .pp = 2,
                                  .language = true}>>;
TEST_CASE("colocated encoders sending to one leader in opposite orders never mix") {
  two_into_one<three_colocated> j(11, 13);  // a: vision, b: audio
  // The destination's first stage (ranks 0-3) keeps one order, its share collectives too.
  if (decltype(j)::language::value.is_first_stage(world().rank())) {
    j.a.forward(j.first);
    j.b.forward(j.second);
  } else {
    j.b.forward(j.second);
    j.a.forward(j.first);
  }
  j.a.backward(j.first);
  j.b.backward(j.second);
  j.check();
}

TEST_CASE("a share group no slot holds gets the bridge's own communicator (cp, gtp_remat)") {
  shared_on_exact_group<cp_and_gtp, first_of<cp_and_gtp>, second_of<cp_and_gtp>, false>(17);
}

TEST_CASE("with bridge::share_kind added the bridge makes no communicator") {
  using mine = cp_and_gtp::with_kinds<hg::bridge::share_kind>;
  shared_on_exact_group<mine, first_of<cp_and_gtp>, second_of<cp_and_gtp>, true>(19);
}

TEST_CASE("a colocated rank whose two share groups are the same ranks gets one communicator") {
  shared_on_exact_group<colocated_cp, first_of<colocated_cp>, second_of<colocated_cp>, false>(21);
}

TEST_CASE("seed: tp is the share group, nothing made; colocated: only images' is made") {
  using seed = hg::layouts::seed;
  shared_on_exact_group<seed::topology, seed::images, seed::language, false>(23);
  using c = layouts::colocated;  // images' share group (tp 2, cp 2) is no slot: made
  shared_on_exact_group<c, first_of<c>, second_of<c>, false>(25);
}

TEST_CASE("a batch that does not split into the plan's parts names the sizes") {
  using t = hg::layouts::seed;
  const hg::mpi::rank_groups<t::topology> groups(world());
  const hg::mpi::bridge<t::topology, t::images, t::language> bridge(groups, row);
  std::vector<float> odd(row + 1), none;
  if (world().rank() == 4)  // the one destination leader: two parts of whole rows
    CHECK_THROWS_WITH_AS(bridge.forward(none, odd),
                         doctest::Contains("is not a whole number of rows of 3"),
                         std::invalid_argument);
}

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  if (world().size() != 8) {
    if (world().rank() == 0) std::fprintf(stderr, "test_mpi_bridge: run it at -np 8\n");
    return 1;
  }
  doctest::Context context(argc, argv);
  if (world().rank() != 0) context.setOption("minimal", true);
  const int failed = context.run();
  return boost::mpi::all_reduce(world(), failed, boost::mpi::maximum<int>());
}
