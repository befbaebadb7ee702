#!/usr/bin/env bash
# expect_watchdog.sh NP TIMEOUT BINARY [ABORT_GUARD [exit_alone]]: runs `mpirun -np NP BINARY
# stall TIMEOUT ...` and passes when
# every rank ends non-zero, the output names the stalled group ("nccl watchdog: group
# 'hetgrid:..."), and the job ended within TIMEOUT + 2 s of the stall's start (printed by each
# rank). Exit 77 (skipped) where the program reports no GPU.
set -u
np=${1:?usage: expect_watchdog.sh NP TIMEOUT BINARY [ABORT_GUARD]}; timeout_s=${2:?}; binary=${3:?}
shift 3  # the rest: watchdog_cases' ABORT_GUARD [exit_alone]
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=$(timeout $(( ${timeout_s%.*} + 60 )) mpirun --bind-to none --oversubscribe -x NCCL_NVLS_ENABLE \
      -np "$np" "$binary" stall "$timeout_s" "$@" 2>&1)
rc=$?
ended_ms=$(date +%s%3N)
echo "$out"
if grep -q "SKIPPED" <<<"$out"; then exit 77; fi
fail() { echo "expect_watchdog: FAILED: $*"; exit 1; }
[ "$rc" -ne 0 ] || fail "the job exited 0"
[ "$rc" -ne 124 ] || fail "the job hung (killed by timeout)"
grep -q "nccl watchdog: group 'hetgrid:[a-z_]*:[a-z_]*'" <<<"$out" || fail "no line names the group"
starts=$(grep -o "stall_started_ms=[0-9]*" <<<"$out" | cut -d= -f2)
[ "$(wc -w <<<"$starts")" -eq "$np" ] || fail "not every rank reached the stall"
limit_ms=$(awk -v t="$timeout_s" 'BEGIN { printf "%d", (t + 2) * 1000 }')
for s in $starts; do
  took=$(( ended_ms - s ))
  echo "expect_watchdog: rank stalled at $s ms, job ended $took ms later (limit $limit_ms)"
  [ "$took" -le "$limit_ms" ] || fail "ended $took ms after the stall, limit $limit_ms"
done
echo "expect_watchdog: PASSED (exit status $rc)"
