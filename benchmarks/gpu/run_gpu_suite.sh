#!/usr/bin/env bash
# run_gpu_suite.sh: the GPU suite on the GPU machine (not CI): builds NCCL 2.30.7 from its source
# tarball, then runs the NCCL tests at two ranks on it, sharing one GPU
# (NCCL_MULTI_RANK_GPU_ENABLE=1), and at one rank on the machine's own NCCL, with the
# benchmarks, the main job and compute-sanitizer. Every step is bounded by `timeout`: a hang
# shows as rc=124 in its log, never as a lost run. Logs go to OUT_DIR, one per part.
#
# Usage: benchmarks/gpu/run_gpu_suite.sh NCCL_TARBALL BIN_DIR OUT_DIR [parts...]
#   NCCL_TARBALL: NCCL's source at v2.30.7-1 (unpacks to nccl/); BIN_DIR: a Release build's
#   binaries (tests/nccl, benchmarks, examples, flat or in their build folders); parts, in order
#   (default all): nccl np2 np1 bench mimo sanitizer. NCCL is built in $NCCL_BUILD_DIR
#   (default /tmp/nccl-2.30.7), once: a later call on the same machine reuses it.
set -u
tarball=${1:?usage: run_gpu_suite.sh NCCL_TARBALL BIN_DIR OUT_DIR [parts...]}
bin=${2:?usage: run_gpu_suite.sh NCCL_TARBALL BIN_DIR OUT_DIR [parts...]}
out=${3:?usage: run_gpu_suite.sh NCCL_TARBALL BIN_DIR OUT_DIR [parts...]}
shift 3
parts=${*:-nccl np2 np1 bench mimo sanitizer}
mkdir -p "$out"
here=$(cd "$(dirname "$0")/../../tests/nccl" && pwd)  # expect_watchdog.sh
find_bin() {  # a binary in BIN_DIR, flat or where CMake puts it
  for d in "$bin" "$bin/tests/nccl" "$bin/benchmarks" "$bin/examples"; do
    [ -x "$d/$1" ] && { echo "$d/$1"; return; }
  done
  echo "$bin/$1"
}
groups=$(find_bin test_nccl_groups); refused=$(find_bin shared_gpu_refused)
split_share=$(find_bin split_share)
peer=$(find_bin peer_never_arrives); watchdog=$(find_bin watchdog_cases)
collectives=$(find_bin bench_collectives); bootstrap=$(find_bin bench_bootstrap_nccl)
mimo=$(find_bin mimo_step)

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 NCCL_NVLS_ENABLE=0
unset NCCL_MULTI_RANK_GPU_ENABLE  # the machine's own NCCL: one rank a GPU
nccl_dir=${NCCL_BUILD_DIR:-/tmp/nccl-2.30.7}
nccl_lib=$nccl_dir/nccl/build/lib
# The kernels of every collective hetgrid, its tests, benchmarks and main job call (sum on f32
# for all-reduce and reduce-scatter; all-gather; broadcast; send/recv), and f64 / i32 / i64
# all-reduce and f32 reduce for programs beside them. A collective left out fails at run time.
only_funcs="AllReduce * f32 * *|AllReduce * f64 * *|AllReduce * i32 * *|AllReduce * i64 * *"
only_funcs+="|AllGather * *|ReduceScatter * f32 * *|Broadcast * *|SendRecv|Reduce * f32 * *"

# On the machine's NCCL; and on 2.30.7 with two ranks sharing the GPU, both passed with -x.
run() { timeout 150 mpirun --bind-to none --oversubscribe -x NCCL_NVLS_ENABLE "$@"; }
run230() {
  NCCL_MULTI_RANK_GPU_ENABLE=1 LD_LIBRARY_PATH=$nccl_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    timeout 150 mpirun --bind-to none --oversubscribe -x NCCL_NVLS_ENABLE \
    -x NCCL_MULTI_RANK_GPU_ENABLE -x LD_LIBRARY_PATH "$@"
}
stamp() { echo "== $(date -u +%H:%M:%S) $*"; }
watch_case() {  # NP CASE TIMEOUT [ARGS]: expect_watchdog.sh on this environment
  local np=$1 case=$2; shift 2
  stamp "watchdog: $case, -np $np, timeout, abort guard, end: $*"
  WATCHDOG_CASE=$case bash "$here/expect_watchdog.sh" "$np" "$1" "$watchdog" "${@:2}"
  echo "rc=$?"
}

# The binaries' commit: BIN_DIR/COMMIT where a copy of them carries one, else BIN_DIR's checkout.
{ date -u; echo "binaries: $bin"
  cat "$bin/COMMIT" 2>/dev/null || git -C "$bin" log -1 --format='%H %s' 2>&1
  nvidia-smi -L; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; nproc
  mpirun --version | head -1; ls /usr/lib/x86_64-linux-gnu/ | grep -i nccl
} > "$out/machine.txt" 2>&1

for part in $parts; do case $part in
nccl)
  { stamp "NCCL 2.30.7 from $tarball into $nccl_dir"
    if [ -f "$nccl_lib/libnccl.so.2" ]; then echo "already built"; else
      mkdir -p "$nccl_dir" && tar -xzf "$tarball" -C "$nccl_dir" &&
        time make -C "$nccl_dir/nccl" -j"$(nproc)" src.build CUDA_HOME=/usr/local/cuda \
          NVCC_GENCODE="-gencode=arch=compute_90,code=sm_90" ONLY_FUNCS="$only_funcs" \
          > "$out/nccl_build_output.log" 2>&1
      echo "make rc=$?"; tail -3 "$out/nccl_build_output.log"
    fi
    ls -l "$nccl_lib"; stamp done
  } > "$out/nccl_build.log" 2>&1 ;;
np2)  # two ranks on one GPU, NCCL 2.30.7
  { stamp "test_nccl_groups -np 2 (NCCL 2.30.7)"; run230 -np 2 "$groups"; echo "rc=$?"
    stamp "two ranks on one GPU, NCCL 2.30.7 without the variable: the bootstrap refuses"
    run230 -np 2 "$refused"; echo "rc=$?"
    stamp "two ranks on one GPU, the machine's NCCL, the variable set: the bootstrap refuses"
    NCCL_MULTI_RANK_GPU_ENABLE=1 run -x NCCL_MULTI_RANK_GPU_ENABLE -np 2 "$refused"; echo "rc=$?"
    for mode in "" gpu_peer; do
      stamp "peer never arrives, -np 2, timeout 5 s, ${mode:-rank 1 off the GPU}"; t0=$(date +%s%N)
      run230 -np 2 "$peer" 5 $mode; echo "rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))"
    done
    ( export NCCL_MULTI_RANK_GPU_ENABLE=1
      export LD_LIBRARY_PATH=$nccl_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
      for case in stall stall_p2p stall_world; do watch_case 2 "$case" 3; done )
    stamp "shutdown with work in flight, -np 2"; run230 -np 2 "$watchdog" shutdown; echo "rc=$?"
    stamp "split_share = 1 opt-in: a sharing parent, crossed order shows (-np 2)"
    run230 -np 2 "$split_share"; echo "rc=$?"
    stamp "mimo_step --backend nccl --layout pair --steps 20, -np 2"
    run230 -np 2 "$mimo" --backend nccl --layout pair --steps 20 | grep -v "^step "; echo "rc=$?"
    stamp "mimo_step --backend nccl --layout colocated_pair --steps 20, -np 2"
    run230 -np 2 "$mimo" --backend nccl --layout colocated_pair --steps 20 | grep -v "^step "
    echo "rc=$?"
  } > "$out/np2_nccl_2.30.7.log" 2>&1
  { for r in 1 2 3; do run230 -np 2 "$bootstrap" --variant default; done; } \
    > "$out/np2_bootstrap_nccl.jsonl" 2>&1 ;;
np1)  # one rank, the machine's NCCL: what the one-GPU runs have always covered
  { stamp "test_nccl_groups -np 1"; run -np 1 "$groups"; echo "rc=$?"
    stamp "the sharing rule (no GPU needed)"; "$refused" rule; echo "rc=$?"
    stamp "peer never arrives, -np 2 (rank 1 off the GPU), timeout 5 s"; t0=$(date +%s%N)
    run -np 2 "$peer" 5; echo "rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))"
    # TIMEOUT [ABORT_GUARD [exit_alone]]: the default (abort, then MPI_Abort of the job), no
    # abort, and the process ending alone (_Exit): that last one is expected to miss the limit,
    # mpirun takes about 2 s over a rank's non-zero exit (it shows why MPI_Abort is the default)
    for args in "3" "10" "3 0" "3 0.5 exit_alone"; do watch_case 1 stall $args; done
    watch_case 1 stall_p2p 3; watch_case 1 stall_world 3
    EXPECT_LINE="the handler took" watch_case 1 handler_lock 3
    stamp "stalled operation, no mpirun (MPI singleton), timeout 3 s"
    timeout 60 "$watchdog" stall 3; echo "rc=$? ended at $(date +%s%3N) ms"
    stamp "shutdown with work in flight"; run -np 1 "$watchdog" shutdown; echo "rc=$?"
  } > "$out/np1_tests.log" 2>&1 ;;
bench)
  { run -np 1 "$collectives" --compare --iters 200 --warmup 20 --rounds 11; echo "rc=$?"; } \
    > "$out/np1_compare_latency.jsonl" 2>&1
  { run -np 1 "$collectives" --compare --iters 200 --warmup 20 --rounds 11; echo "rc=$?"; } \
    > "$out/np1_compare_latency_2.jsonl" 2>&1
  { run -np 1 "$collectives" --compare --min-bytes 1048576 --max-bytes 8589934592 --iters 20 \
      --warmup 3 --rounds 5; echo "rc=$?"; } > "$out/np1_compare_bandwidth.jsonl" 2>&1
  { for v in default no_reuse_eager; do for r in 1 2 3; do
      run -np 1 "$bootstrap" --variant $v; done; done; } > "$out/np1_bootstrap_nccl.jsonl" 2>&1 ;;
mimo)
  { stamp "mimo_step --backend nccl --layout solo --steps 20"
    run -np 1 "$mimo" --backend nccl --layout solo --steps 20; echo "rc=$?"
    for r in 1 2 3; do stamp "mimo_step --backend nccl --layout solo --steps 200 (run $r)"
      run -np 1 "$mimo" --backend nccl --layout solo --steps 200 | grep -v "^step "; echo "rc=$?"
    done
    stamp "mimo_step --backend nccl --layout solo --steps 20 --timeout 30"
    run -np 1 "$mimo" --backend nccl --layout solo --steps 20 --timeout 30 | tail -2; echo "rc=$?"
    stamp "mimo_step --backend mpi --layout solo --steps 200 (the host trainer, same machine)"
    run -np 1 "$mimo" --backend mpi --layout solo --steps 200 | tail -2; echo "rc=$?"
  } > "$out/np1_mimo_step_nccl.log" 2>&1 ;;
sanitizer)
  { stamp "compute-sanitizer memcheck, test_nccl_groups"
    timeout 200 compute-sanitizer --tool memcheck --leak-check full "$groups"; echo "rc=$?"
    stamp "compute-sanitizer memcheck, watchdog_cases shutdown"
    timeout 120 compute-sanitizer --tool memcheck --leak-check full "$watchdog" shutdown
    echo "rc=$?"
    stamp "compute-sanitizer memcheck, mimo_step --backend nccl --layout solo --steps 5"
    timeout 150 compute-sanitizer --tool memcheck --leak-check full "$mimo" --backend nccl \
      --layout solo --steps 5; echo "rc=$?"
  } > "$out/np1_sanitizer.log" 2>&1 ;;
*) echo "run_gpu_suite.sh: usage: unknown part '$part' (nccl np2 np1 bench mimo sanitizer)" >&2
   exit 2 ;;
esac; echo "$(date -u +%H:%M:%S) part $part done"; done
