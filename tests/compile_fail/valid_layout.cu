// The seed layout in a CUDA translation unit: the headers must compile under nvcc -std=c++20.
#include <hetgrid/hetgrid.hpp>

namespace hg = hetgrid;

using images = hg::module_grid<hg::grid_spec{.name = "images", .ranks = 4, .tp = 2}>;
using language = hg::module_grid<hg::grid_spec{
    .name = "language", .ranks = 4, .tp = 2, .pp = 2, .offset = 4, .language = true}>;
using mimo = hg::topology<8, images, language>;

static_assert(mimo::layout == hg::layout::non_colocated);
static_assert(language::group_of(hg::group_kind::pp, 5).back() == 7);

// Kernels take the derived integers, never hetgrid types (docs/BUILDING.md, nvcc).
__global__ void scale_by_tp(float* data, int n, int tp) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) data[i] *= static_cast<float>(tp);
}

void launch(float* data, int n) { scale_by_tp<<<(n + 255) / 256, 256>>>(data, n, language::tp); }
