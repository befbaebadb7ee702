#!/usr/bin/env bash
# Everything issue 8 runs on the one-GPU machine, in one go: tests, the peer that never arrives,
# compute-sanitizer, bench_bootstrap_nccl (all variants), mimo_step over NCCL, bench_collectives,
# and the MPI bootstrap benchmark on its CPU cores. Usage: benchmarks/gpu/one_gpu.sh BUILD_DIR OUT_DIR
set -u
build=${1:?usage: one_gpu.sh BUILD_DIR OUT_DIR}
out=${2:?usage: one_gpu.sh BUILD_DIR OUT_DIR}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 NCCL_NVLS_ENABLE=0
# Every step is bounded: a hang shows as rc=124 in its log, never as a lost run.
run() { timeout 120 mpirun --bind-to none -x NCCL_NVLS_ENABLE "$@"; }
{
  date -u; nvidia-smi -L; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  nproc; mpirun --version | head -1
} > "$out/machine.txt" 2>&1

{ echo "== test_nccl_groups -np 1"; run -np 1 "$build/tests/nccl/test_nccl_groups"; echo "rc=$?"
  echo "== peer never arrives, -np 2, timeout 5 s"; started=$(date +%s%N)
  run --oversubscribe -np 2 "$build/tests/nccl/peer_never_arrives" 5
  echo "rc=$? ms=$(( ($(date +%s%N) - started) / 1000000 ))"
} > "$out/tests.log" 2>&1


{ for v in default no_reuse_eager no_reuse_lazy latency_pp max_ctas_1 max_ctas_2 max_ctas_4 split_share; do
    for r in 1 2 3; do run -np 1 "$build/benchmarks/bench_bootstrap_nccl" --variant "$v"; done
  done
  for b in 1048576 4194304; do
    NCCL_BUFFSIZE=$b run -x NCCL_BUFFSIZE -np 1 "$build/benchmarks/bench_bootstrap_nccl" --variant no_reuse_eager | sed "s/\"variant\": \"no_reuse_eager\"/\"variant\": \"no_reuse_eager_buffsize_$b\"/"
  done
} > "$out/bootstrap_nccl.jsonl" 2>> "$out/errors.log"

{ echo "== mimo_step --backend nccl --layout solo --steps 20"
  run -np 1 "$build/examples/mimo_step" --backend nccl --layout solo --steps 20; echo "rc=$?"
  echo "== a world of 8 started with -np 1"
  run -np 1 "$build/examples/mimo_step" --backend nccl --layout seed --steps 2; echo "rc=$?"
} > "$out/mimo_step_nccl.log" 2>&1

{ run -np 1 "$build/benchmarks/bench_collectives" --group tp; echo "rc=$?"; } > "$out/collectives.jsonl" 2>&1

RUNS=3 REPEAT=5 bash benchmarks/bootstrap_mpi/run.sh "$build" 8 16 32 > "$out/bootstrap_mpi.jsonl" 2>> "$out/errors.log"
{ echo "== compute-sanitizer memcheck, test_nccl_groups (singleton MPI)"
  timeout 180 compute-sanitizer --tool memcheck --leak-check full "$build/tests/nccl/test_nccl_groups"; echo "rc=$?"
} > "$out/sanitizer.log" 2>&1
echo done
