// Links hetgrid::nccl: nccl.h and libnccl must come with the installed target.
#include <hetgrid/hetgrid.hpp>
#include <nccl.h>
// The installed NCCL layer must compile with nothing but hetgrid::nccl's usage requirements.
#if __has_include(<hetgrid/nccl.hpp>)
#include <hetgrid/nccl.hpp>
#endif

#include <iostream>

int main() {
  int version = 0;
  // ncclGetVersion needs no GPU.
  if (ncclGetVersion(&version) != ncclSuccess) return 1;
  std::cout << "consumer_nccl: NCCL " << version << "\n";
  return version > 0 ? 0 : 1;
}
