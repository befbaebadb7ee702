// Under mpirun across hosts (tests/hosts/hostbed.sh): every rank's node-local rank and node size
// are those of its host. `node_ranks N,N,...`: ranks 0..N-1 are on one host, the next N on a
// second, and so on (mpirun's -H list, in order); the hosts' names differ from each other. The
// node-local rank is checked as MPI_COMM_TYPE_SHARED gives it and, where hetgrid::nccl is built,
// as the NCCL bootstrap picks a rank's GPU with it (its node_local, which needs no GPU).
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#ifdef HETGRID_NODE_RANKS_NCCL
#include <hetgrid/nccl/bootstrap.hpp>
#endif

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::vector<int> host_of;  // the expected host of each rank, from the command line
  std::stringstream counts(argc > 1 ? argv[1] : "");
  int host = 0;
  for (std::string n; std::getline(counts, n, ','); ++host)
    for (int i = 0, c = std::atoi(n.c_str()); i < c; ++i) host_of.push_back(host);
  if (static_cast<int>(host_of.size()) != size) {
    if (rank == 0)
      std::fprintf(stderr, "node_ranks: usage: node_ranks N,N,... (ranks per host, summing to "
                           "-np %d; got '%s')\n", size, argc > 1 ? argv[1] : "");
    MPI_Finalize();
    return 2;
  }

  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  std::vector<char> names(static_cast<std::size_t>(size) * MPI_MAX_PROCESSOR_NAME);
  MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, names.data(), MPI_MAX_PROCESSOR_NAME,
                MPI_CHAR, MPI_COMM_WORLD);
  const auto name_of = [&](int r) { return std::string(&names[r * MPI_MAX_PROCESSOR_NAME]); };

  std::vector<std::string> problems;
  int want_rank = 0, want_size = 0;
  for (int r = 0; r < size; ++r) {
    const bool same_host = host_of[r] == host_of[rank];
    if (same_host != (name_of(r) == name_of(rank)))
      problems.push_back("rank " + std::to_string(r) + " is on host '" + name_of(r) +
                         "', which should " + (same_host ? "" : "not ") + "be this rank's");
    want_size += same_host;
    want_rank += same_host && r < rank;
  }

  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  int local_rank = -1, local_size = -1;
  MPI_Comm_rank(node, &local_rank);
  MPI_Comm_size(node, &local_size);
  MPI_Comm_free(&node);
  if (local_rank != want_rank || local_size != want_size)
    problems.push_back("MPI_COMM_TYPE_SHARED gives local rank " + std::to_string(local_rank) +
                       " of " + std::to_string(local_size) + ", not " +
                       std::to_string(want_rank) + " of " + std::to_string(want_size));
  std::string checked = "MPI_COMM_TYPE_SHARED";
#ifdef HETGRID_NODE_RANKS_NCCL
  const boost::mpi::communicator world;
  const auto place = hetgrid::nccl::detail::node_local(world);
  if (place.rank != want_rank || place.size != want_size || place.gpu_users != want_size)
    problems.push_back("the NCCL bootstrap's node_local gives local rank " +
                       std::to_string(place.rank) + " of " + std::to_string(place.size) + " (" +
                       std::to_string(place.gpu_users) + " GPU users), not " +
                       std::to_string(want_rank) + " of " + std::to_string(want_size));
  checked += " and the NCCL bootstrap's node_local";
#endif

  for (const std::string& p : problems)
    std::fprintf(stderr, "node_ranks: rank %d on host %s: FAILED: %s\n", rank, name, p.c_str());
  std::printf("node_ranks: rank %d on host %s: local rank %d of %d (%s)\n", rank, name,
              local_rank, local_size, checked.c_str());
  std::fflush(stdout);
  int bad = problems.empty() ? 0 : 1, any = 0;
  MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0 && any == 0)
    std::printf("node_ranks: PASSED: %d ranks on hosts of %s ranks, each rank's local rank "
                "right\n", size, argv[1]);
  MPI_Finalize();
  return any;
}
