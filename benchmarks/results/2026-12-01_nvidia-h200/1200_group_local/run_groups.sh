#!/usr/bin/env bash
# Issue 23 item 5 on nvidia-h200's CPUs: bench_bootstrap_mpi (group-local, split rounds, floor,
# plain create_group probe, one process) at 16..128, 3 launches x 5 repeats, worlds interleaved;
# then torch + HyperCommGrid over gloo (torch_groups.py --gloo) once per world, 3 repeats.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:?}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
{ date -u +%Y-%m-%dT%H:%M:%SZ; nproc; uname -r; mpirun --version | head -1;
  python3 -c 'import torch; print("torch", torch.__version__)'; } > "$out/machine.txt" 2>&1
start=$(date +%s)
for run in 1 2 3; do
  for w in 16 32 64 128; do
    extra=(); [ "$w" -gt "$(nproc)" ] && extra=(--oversubscribe)
    timeout 120 mpirun "${extra[@]}" --bind-to none -np "$w" "$here/bench_bootstrap_mpi" \
      --repeat 5 >> "$out/bootstrap_mpi.jsonl" 2>> "$out/bootstrap_mpi.err"
    echo "run $run world $w rc $? at $(( $(date +%s) - start )) s" >> "$out/progress.txt"
  done
done
for w in 16 32 64 128; do
  extra=(); [ "$w" -gt "$(nproc)" ] && extra=(--oversubscribe)
  timeout $((40 + w / 2)) mpirun "${extra[@]}" --bind-to none -np "$w" -x OMP_NUM_THREADS=1 \
    -x GLOO_SOCKET_IFNAME=lo -x MASTER_ADDR=127.0.0.1 -x MASTER_PORT=$((29600 + w)) \
    python3 "$here/torch_groups.py" "$here/seed_shaped_$w.json" --gloo --repeat 3 \
    >> "$out/torch_gloo.jsonl" 2> "$out/torch_gloo_$w.err"
  echo "torch world $w rc $? at $(( $(date +%s) - start )) s" >> "$out/progress.txt"
done
cat "$out/progress.txt"
tail -c 2000 "$out"/torch_gloo_*.err
