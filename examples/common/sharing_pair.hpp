// sharing_pair.hpp (not part of the library): the settings that split_share is measured and
// tested with on layout pair_tp: tp and mp (both groups of the two ranks) each with an entry of
// their own, so each is a communicator split off the world; Share 1 makes them one family.
// split_share 0 is NCCL's default, but an entry of its own: tp and mp are split, not the world.
#pragma once

#include <cuda_runtime.h>

#include <hetgrid/nccl/error.hpp>
#include <hetgrid/nccl/settings.hpp>
#include <vector>

namespace hetgrid::layouts {

template <int Share>
constexpr nccl::settings_table tp_and_mp =
    nccl::settings_table{}
        .with(group_kind::tp, {.split_share = Share})
        .with(group_kind::mp, {.high_priority = true, .split_share = Share});

// Whether all `count` floats at device address `data` equal `value` (how both check the sums).
inline bool all_equal(const float* data, std::size_t count, float value) {
  std::vector<float> host(count);
  nccl::check_cuda(cudaMemcpy(host.data(), data, count * sizeof(float), cudaMemcpyDeviceToHost),
                   "cudaMemcpy");
  for (float v : host)
    if (v != value) return false;
  return true;
}

}  // namespace hetgrid::layouts
