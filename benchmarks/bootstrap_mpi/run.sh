#!/usr/bin/env bash
# Runs bench_bootstrap_mpi (group-local, split rounds, the floor and the create_group probe, side
# by side in each process) RUNS times for each world given, the worlds interleaved.
# Usage: benchmarks/bootstrap_mpi/run.sh BUILD_DIR [WORLDS...] (default 8); env RUNS (3), REPEAT (5)
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [WORLDS...]}
shift
worlds=("${@:-8}")
[ $# -eq 0 ] && worlds=(8)
runs=${RUNS:-3}
repeat=${REPEAT:-5}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cores=$(nproc)
for ((r = 0; r < runs; ++r)); do
  for w in "${worlds[@]}"; do
    extra=()
    [ "$w" -gt "$cores" ] && extra=(--oversubscribe)
    mpirun "${extra[@]}" --bind-to none -np "$w" "$build/benchmarks/bench_bootstrap_mpi" --repeat "$repeat"
  done
done
