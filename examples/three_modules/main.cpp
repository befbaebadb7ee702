// examples/three_modules/main.cpp: docs/CONTRACT.md section 4's example, a vision encoder on
// ranks 0-3 (dp 4), an audio encoder on 4-5 (tp 2, dp 1) and an MoE language model on 6-13
// (tp 2, pp 2, ep 2, dp 2), world 14. Each encoder's output crosses to the language model's
// first stage through hetgrid's bridge (vision: fan-in, 4 replicas into 2; audio: fan-out,
// 1 into 2) and the gradient comes back. Run: mpirun -np 14 build/examples/three_modules.
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <exception>
#include <functional>
#include <hetgrid/hetgrid.hpp>
#include <hetgrid/mpi.hpp>
#include <hetgrid/mpi/bridge.hpp>
#include <vector>

namespace hg = hetgrid;

using vision = hg::module_grid<hg::grid_spec{.name = "vision", .ranks = 4}>;
using audio = hg::module_grid<hg::grid_spec{.name = "audio", .ranks = 2, .tp = 2, .offset = 4}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 8, .tp = 2, .pp = 2, .ep = 2, .offset = 6, .language = true}>;
using job = hg::topology<14, vision, audio, language>;

constexpr int batch = 8;   // samples in the global batch
constexpr int hidden = 4;  // one sample's activation: a row of the bridge

// The rows a rank holds at one end: its dp replica's samples, row s filled with s + mark.
std::vector<float> replica_rows(const hg::grid& g, int rank, float mark) {
  const int n = batch / g.dp, first = g.coords(rank).dp * n;
  std::vector<float> rows(n * hidden);
  for (int i = 0; i < n * hidden; ++i) rows[i] = static_cast<float>(first + i / hidden) + mark;
  return rows;
}

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  const boost::mpi::communicator world;
  const int rank = world.rank();
  try {
    const hg::mpi::rank_groups<job> groups(world);  // no kind to add for the bridges
    const hg::mpi::bridge<job, vision, language> from_vision(groups, hidden);
    const hg::mpi::bridge<job, audio, language> from_audio(groups, hidden);

    // Each encoder's output at its last stage (here its only one); empty elsewhere.
    const auto output = [&](const hg::grid& g, float mark) {
      return g.contains(rank) && g.is_last_stage(rank) ? replica_rows(g, rank, mark)
                                                       : std::vector<float>{};
    };
    const std::vector<float> seen = output(vision::value, 0), heard = output(audio::value, 100);

    // The language model's first stage receives both, every tp rank of each replica.
    const bool first = language::value.contains(rank) && language::value.is_first_stage(rank);
    const std::size_t n = first ? batch / language::dp * hidden : 0;
    std::vector<float> from_eyes(n), from_ears(n);
    from_vision.forward(seen, from_eyes);
    from_audio.forward(heard, from_ears);

    // Stand-in for the model: the gradient of each input is twice the input.
    std::vector<float> d_eyes(n), d_ears(n);
    for (std::size_t i = 0; i < n; ++i) d_eyes[i] = 2 * from_eyes[i], d_ears[i] = 2 * from_ears[i];
    std::vector<float> d_seen(seen.size()), d_heard(heard.size());
    from_vision.backward(d_eyes, d_seen);
    from_audio.backward(d_ears, d_heard);

    bool ok = !first || (from_eyes == replica_rows(language::value, rank, 0) &&
                         from_ears == replica_rows(language::value, rank, 100));
    for (std::size_t i = 0; i < seen.size(); ++i) ok = ok && d_seen[i] == 2 * seen[i];
    for (std::size_t i = 0; i < heard.size(); ++i) ok = ok && d_heard[i] == 2 * heard[i];
    const bool all = boost::mpi::all_reduce(world, ok, std::logical_and<>());
    if (rank == 0)
      std::printf("three_modules: vision fan-%s x%d, audio fan-%s x%d: %s\n",
                  hg::to_string(from_vision.plan.fan()).data(), from_vision.plan.fan_factor(),
                  hg::to_string(from_audio.plan.fan()).data(), from_audio.plan.fan_factor(),
                  all ? "every row arrived where the plan says, both ways" : "MISMATCH");
    return all ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "three_modules: rank %d: %s\n", rank, e.what());
    return 1;
  }
}
