#!/usr/bin/env bash
# expect_watchdog.sh NP TIMEOUT BINARY [ABORT_GUARD [exit_alone]]: runs `mpirun -np NP BINARY
# CASE TIMEOUT ...` (CASE: $WATCHDOG_CASE, default stall; watchdog_cases.cpp lists them) and
# passes when every rank ends non-zero, the watchdog's line names the group that stalled
# ("nccl watchdog: group 'hetgrid:...'", the one each rank printed), and the job ended within
# TIMEOUT + 2 s of the stall's start (printed by each rank). Exit 77 (skipped) where the
# program says SKIPPED (no GPU, or ranks NCCL would not let share one). $EXPECT_LINE, where set,
# must be in the output too.
set -u
np=${1:?usage: expect_watchdog.sh NP TIMEOUT BINARY [ABORT_GUARD]}; timeout_s=${2:?}; binary=${3:?}
shift 3  # the rest: watchdog_cases' ABORT_GUARD [exit_alone]
case=${WATCHDOG_CASE:-stall}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
pass=()  # what selects NCCL and lets two ranks share a GPU, passed on where set
for v in NCCL_NVLS_ENABLE NCCL_MULTI_RANK_GPU_ENABLE LD_LIBRARY_PATH; do
  [ -n "${!v+x}" ] && pass+=(-x "$v")
done
out=$(timeout $(( ${timeout_s%.*} + 60 )) mpirun --bind-to none --oversubscribe "${pass[@]}" \
      -np "$np" "$binary" "$case" "$timeout_s" "$@" 2>&1)
rc=$?
ended_ms=$(date +%s%3N)
echo "$out"
if grep -q "SKIPPED" <<<"$out"; then exit 77; fi
fail() { echo "expect_watchdog: FAILED: $*"; exit 1; }
[ "$rc" -ne 0 ] || fail "the job exited 0"
[ "$rc" -ne 124 ] || fail "the job hung (killed by timeout)"
group=$(grep -o "group hetgrid:[a-z_]*:[a-z_]*: stall_started" <<<"$out" | head -1 |
        sed 's/^group \(.*\): stall_started$/\1/')
[ -n "$group" ] || fail "no rank said which group it stalled"
grep -q "nccl watchdog: group '$group'" <<<"$out" || fail "no line names the group $group"
[ -z "${EXPECT_LINE:-}" ] || grep -qF "$EXPECT_LINE" <<<"$out" || fail "no line says '$EXPECT_LINE'"
starts=$(grep -o "stall_started_ms=[0-9]*" <<<"$out" | cut -d= -f2)
[ "$(wc -w <<<"$starts")" -eq "$np" ] || fail "not every rank reached the stall"
limit_ms=$(awk -v t="$timeout_s" 'BEGIN { printf "%d", (t + 2) * 1000 }')
for s in $starts; do
  took=$(( ended_ms - s ))
  echo "expect_watchdog: rank stalled at $s ms, job ended $took ms later (limit $limit_ms)"
  [ "$took" -le "$limit_ms" ] || fail "ended $took ms after the stall, limit $limit_ms"
done
echo "expect_watchdog: PASSED ($case, group $group, exit status $rc)"
