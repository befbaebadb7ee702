// (f) (a) plus the bridge's core: the seed layout's bridge plan, checked at compile time, and the
// messages and share slot every rank of it works out (what hetgrid::mpi::bridge and
// hetgrid::nccl::bridge run on), without MPI or NCCL headers.
#include "seed.cpp"

#include <hetgrid/bridge.hpp>
#include <hetgrid/detail/bridge_messages.hpp>
#include <hetgrid/split_plan.hpp>

using lift = hg::bridge_of<mimo, images, language>;
static_assert(lift::value.fan() == hg::bridge_fan::in && lift::value.fan_factor() == 2);

// The elements each rank moves in both passes, and where its share steps run.
std::size_t bridge_elements(int rank) {
  std::size_t moved = 0;
  for (const bool forward : {true, false})
    hg::detail::for_each_bridge_message(lift::value, rank, 16, forward, 64, 128,
                                        [&](const hg::detail::bridge_message& m) {
                                          moved += m.count;
                                        });
  if (const auto at = hg::detail::share_place_of<hg::plan_of<mimo>>(
          lift::value, lift::source_index, lift::destination_index, rank, true))
    moved += static_cast<std::size_t>(at->slot);
  return moved;
}
