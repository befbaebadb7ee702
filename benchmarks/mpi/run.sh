#!/usr/bin/env bash
# benchmarks/mpi/run.sh BUILD_DIR OUT.jsonl: the MPI watchdog's cost (bench_watchdog_mpi) at
# -np 2, 4 and 8, with the monitor's default period (100 ms) and with one of 1 ms (a worst case).
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR OUT.jsonl}; out=${2:?usage: run.sh BUILD_DIR OUT.jsonl}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
: >"$out"
for np in 2 4 8; do
  for interval in 0 1; do
    mpirun --oversubscribe -np "$np" "$build/benchmarks/bench_watchdog_mpi" --rounds 101 \
      --iters 100 --interval-ms "$interval" | tee -a "$out"
  done
done
