// hetgrid::mpi::bridge at -np 8: every received row is exactly the row sent, in batch order,
// forward and backward, on every rank of the receiving replica's share group; fan-in, fan-out,
// a colocated layout (a leader's copy to itself), two encoders into one language model, and
// two bridges between the same pair of ranks run in opposite orders (only the tags keep them
// apart).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <hetgrid/hetgrid.hpp>
#include <hetgrid/mpi.hpp>
#include <hetgrid/mpi/bridge.hpp>
#include <type_traits>
#include <vector>

#include "layouts.hpp"

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
