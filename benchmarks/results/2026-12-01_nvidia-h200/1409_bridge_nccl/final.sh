#!/usr/bin/env bash
# The last GPU run of the round: NCCL 2.30.7, then the NCCL bridge in mimo_step on every layout
# the GPU can hold, the split_share test and the groups at two ranks.
set -u
out=$1; b=gpu-run/main/bin
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 NCCL_NVLS_ENABLE=0
bash benchmarks/gpu/run_gpu_suite.sh gpu-run/main/nccl-2.30.7.tar.gz $b $out nccl
lib=/tmp/nccl-2.30.7/nccl/build/lib
r230() { NCCL_MULTI_RANK_GPU_ENABLE=1 LD_LIBRARY_PATH=$lib timeout 120 mpirun --bind-to none --oversubscribe -x NCCL_NVLS_ENABLE -x NCCL_MULTI_RANK_GPU_ENABLE -x LD_LIBRARY_PATH "$@"; }
{ cat $b/COMMIT
  echo "== split_share -np 2"; r230 -np 2 $b/split_share; echo "rc=$?"
  echo "== test_nccl_groups -np 2"; r230 -np 2 $b/test_nccl_groups 2>&1 | tail -3; echo "rc=$?"
  for l in pair colocated_pair; do echo "== mimo_step nccl $l -np 2"; r230 -np 2 $b/mimo_step --backend nccl --layout $l --steps 50 | grep -v '^step '; echo "rc=$?"; done
  for r in 1 2 3; do echo "== mimo_step nccl solo -np 1 (run $r)"; timeout 60 mpirun --bind-to none -np 1 $b/mimo_step --backend nccl --layout solo --steps 200 | grep -v '^step '; echo "rc=$?"; done
} > $out/final_bridge_nccl.log 2>&1
grep -E '^==|rc=|matches|passed|FAIL' $out/final_bridge_nccl.log
