#!/usr/bin/env bash
# share helper: NCCL 2.30.7, then the NCCL bridge's own share communicators (bridge_share, two
# ranks on one GPU) and mimo_step over NCCL on pair / colocated_pair (np 2) and solo (np 1).
set -u
out=$1; b=gpu-run/share
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 NCCL_NVLS_ENABLE=0
bash benchmarks/gpu/run_gpu_suite.sh $b/nccl-2.30.7.tar.gz $b $out nccl
lib=/tmp/nccl-2.30.7/nccl/build/lib
r230() { NCCL_MULTI_RANK_GPU_ENABLE=1 LD_LIBRARY_PATH=$lib timeout 120 mpirun --bind-to none --oversubscribe -x NCCL_NVLS_ENABLE -x NCCL_MULTI_RANK_GPU_ENABLE -x LD_LIBRARY_PATH "$@"; }
{ cat $b/COMMIT; nvidia-smi -L
  echo "== bridge_share -np 2 (NCCL 2.30.7)"; r230 -np 2 $b/bridge_share; echo "rc=$?"
  echo "== bridge_share -np 1 (expect skip)"; timeout 60 mpirun --bind-to none -np 1 $b/bridge_share; echo "rc=$?"
  for l in pair colocated_pair; do echo "== mimo_step nccl $l -np 2"; r230 -np 2 $b/mimo_step --backend nccl --layout $l --steps 50 | grep -v '^step '; echo "rc=$?"; done
  for r in 1 2 3; do echo "== mimo_step nccl solo -np 1 (run $r)"; timeout 60 mpirun --bind-to none -np 1 $b/mimo_step --backend nccl --layout solo --steps 200 | grep -v '^step '; echo "rc=$?"; done
} > $out/share_bridge_nccl.log 2>&1
cat $out/share_bridge_nccl.log | tail -60
