#!/usr/bin/env bash
# Issue 14 on the one-GPU machine, in one go: the tests (groups, a peer that never arrives, a
# stalled operation, a shutdown with work in flight), bench_collectives --compare (latency
# 8 B - 64 KiB, then 1 MiB - 8 GiB), bench_bootstrap_nccl, mimo_step over NCCL, compute-sanitizer.
# Usage: benchmarks/gpu/issue14.sh BIN_DIR OUT_DIR [parts...]   (parts: tests bench mimo sanitizer)
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$here/expect_watchdog.sh" ] || here=$(cd "$here/../../tests/nccl" && pwd)
bin=${1:?usage: issue14.sh BIN_DIR OUT_DIR}; out=${2:?}; shift 2
parts=${*:-tests bench mimo sanitizer}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 NCCL_NVLS_ENABLE=0
run() { timeout 150 mpirun --bind-to none -x NCCL_NVLS_ENABLE "$@"; }
{ date -u; pwd; git log -1 --format='%H %s' 2>&1; nvidia-smi -L; nproc; mpirun --version | head -1
  ls /usr/lib/x86_64-linux-gnu/ | grep -i -E "cublas|nccl" ; } > "$out/machine.txt" 2>&1
for part in $parts; do case $part in
tests)
  { echo "== test_nccl_groups -np 1"; run -np 1 "$bin/test_nccl_groups"; echo "rc=$?"
    echo "== peer never arrives, -np 2, timeout 5 s"; t0=$(date +%s%N)
    run --oversubscribe -np 2 "$bin/peer_never_arrives" 5; echo "rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))"
    # TIMEOUT [ABORT_GUARD [exit_alone]]: the default (abort, then MPI_Abort of the job), no
    # abort, and the process ending alone (_Exit): that last one is expected to miss the limit,
    # mpirun takes about 2 s over a rank's non-zero exit (it shows why MPI_Abort is the default)
    for args in "3" "10" "3 0" "3 0.5 exit_alone"; do
      echo "== stalled operation, -np 1: watchdog timeout, abort guard, end: $args"
      set -- $args; t=$1; shift
      bash "$here/expect_watchdog.sh" 1 "$t" "$bin/watchdog_cases" "$@"; echo "rc=$?"
    done
    echo "== stalled operation, no mpirun (MPI singleton), timeout 3 s"
    "$bin/watchdog_cases" stall 3; echo "rc=$? ended at $(date +%s%3N) ms"
    echo "== shutdown with work in flight"; run -np 1 "$bin/watchdog_cases" shutdown; echo "rc=$?"
  } > "$out/tests.log" 2>&1 ;;
bench)
  { run -np 1 "$bin/bench_collectives" --compare --iters 200 --warmup 20 --rounds 11; echo "rc=$?"; } > "$out/compare_latency.jsonl" 2>&1
  { run -np 1 "$bin/bench_collectives" --compare --iters 200 --warmup 20 --rounds 11; echo "rc=$?"; } > "$out/compare_latency_2.jsonl" 2>&1
  { run -np 1 "$bin/bench_collectives" --compare --min-bytes 1048576 --max-bytes 8589934592 --iters 20 --warmup 3 --rounds 5; echo "rc=$?"; } > "$out/compare_bandwidth.jsonl" 2>&1
  { for v in default no_reuse_eager; do for r in 1 2 3; do run -np 1 "$bin/bench_bootstrap_nccl" --variant $v; done; done; } > "$out/bootstrap_nccl.jsonl" 2>&1 ;;
mimo)
  { echo "== mimo_step --backend nccl --layout solo --steps 20"
    run -np 1 "$bin/mimo_step" --backend nccl --layout solo --steps 20; echo "rc=$?"
    for r in 1 2 3; do echo "== mimo_step --backend nccl --layout solo --steps 200 (timing, run $r)"
      run -np 1 "$bin/mimo_step" --backend nccl --layout solo --steps 200 | grep -v "^step "; echo "rc=$?"; done
    echo "== mimo_step --backend mpi --layout solo --steps 200 (the host trainer, same machine)"
    run -np 1 "$bin/mimo_step" --backend mpi --layout solo --steps 200 | tail -2; echo "rc=$?"
  } > "$out/mimo_step_nccl.log" 2>&1 ;;
sanitizer)
  { echo "== compute-sanitizer memcheck, test_nccl_groups"
    timeout 200 compute-sanitizer --tool memcheck --leak-check full "$bin/test_nccl_groups"; echo "rc=$?"
    echo "== compute-sanitizer memcheck, watchdog_cases shutdown"
    timeout 120 compute-sanitizer --tool memcheck --leak-check full "$bin/watchdog_cases" shutdown; echo "rc=$?"
    echo "== compute-sanitizer memcheck, mimo_step --backend nccl --layout solo --steps 5"
    timeout 150 compute-sanitizer --tool memcheck --leak-check full "$bin/mimo_step" --backend nccl --layout solo --steps 5; echo "rc=$?"
  } > "$out/sanitizer.log" 2>&1 ;;
esac; done
echo done
