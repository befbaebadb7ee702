#!/usr/bin/env bash
# tests/hosts/hostbed.sh: runs an MPI program across 2 to 4 hosts emulated on this machine, and
# takes the hosts down again however the run ends (docs/CONTRACT.md, "Running across hosts").
#
#   hostbed.sh --hosts 4,4 [--limit S] [--mpirun-arg ARG]... [fault options] -- PROGRAM [ARGS...]
#
# Each host is a network namespace with its own hostname (a UTS namespace in it), a veth pair
# to a bridge, and an address on a private /24 (10.213.X.0/24, X free at setup). Open MPI
# reaches the hosts through rsh_agent.sh and runs every rank through rank.sh, which keeps its
# stderr and exit record in the bed's folder. Every name starts with "hgt" (namespaces
# "hgt-<id>-hN", links "hgt<id>..."), so that a leftover of a run killed hard is recognisable.
#
# Without a fault: mpirun's output, and its exit status as this script's.
# With --fault partition|kill --fault-host I --fault-when REGEX --within S --line REGEX:
# once mpirun's output matches --fault-when, host I (1-based) loses its link (partition) or all
# its processes (kill). Then every rank of the other hosts, and of host I too for a partition,
# must end within S seconds of the fault with a non-zero status and a line on its stderr
# matching --line; no such rank may be left running. Exit 0 when all of that held, else 1.
#
# Always: every process in the bed's namespaces is killed, the namespaces and links deleted,
# and the script fails where any of them is left. A run longer than --limit seconds (default 90)
# is ended and fails, so that the bed goes even when a test hangs. A bed left by a run that was
# killed hard (its script's pid, in its names, is gone) is taken down at the next start.
# Exit 77 (skipped, with the reason) where the machine refuses network namespaces: not root, no
# iproute2, no unshare, no veth or bridge.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

skip() { echo "hostbed: SKIPPED: $*" >&2; exit 77; }
fail() { echo "hostbed: FAILED: $*" >&2; exit 1; }
usage() { echo "hostbed: $*" >&2; echo "usage: hostbed.sh --hosts N,N[,N[,N]] [--mpirun-arg A]..." \
  "[--fault partition|kill --fault-host I --fault-when REGEX --within S --line REGEX]" \
  "-- PROGRAM [ARGS...]" >&2; exit 2; }

hosts="" fault="" fault_host="" fault_when="" within="" line="" limit=90 mpirun_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) hosts=${2:-}; shift 2 || usage "--hosts needs a value" ;;
    --limit) limit=${2:-}; shift 2 || usage "--limit needs a value" ;;
    --mpirun-arg) mpirun_args+=("${2:-}"); shift 2 || usage "--mpirun-arg needs a value" ;;
    --fault) fault=${2:-}; shift 2 || usage "--fault needs a value" ;;
    --fault-host) fault_host=${2:-}; shift 2 || usage "--fault-host needs a value" ;;
    --fault-when) fault_when=${2:-}; shift 2 || usage "--fault-when needs a value" ;;
    --within) within=${2:-}; shift 2 || usage "--within needs a value" ;;
    --line) line=${2:-}; shift 2 || usage "--line needs a value" ;;
    --) shift; break ;;
    *) usage "unknown argument '$1'" ;;
  esac
done
[ $# -gt 0 ] || usage "no program given"
[[ "$hosts" =~ ^[1-9][0-9]?(,[1-9][0-9]?){1,3}$ ]] ||
  usage "--hosts '$hosts' is not 2 to 4 rank counts, e.g. 4,4"
[[ "$limit" =~ ^[1-9][0-9]*$ ]] || usage "--limit '$limit' is not a whole number of seconds"
IFS=, read -r -a slots <<<"$hosts"
count=${#slots[@]}
case "$fault" in
  "") ;;
  partition|kill)
    [[ "$fault_host" =~ ^[1-4]$ ]] && [ "$fault_host" -le "$count" ] ||
      usage "--fault-host '$fault_host' is not a host from 1 to $count"
    [ -n "$fault_when" ] || usage "--fault needs --fault-when"
    [[ "$within" =~ ^[0-9]+$ ]] || usage "--within '$within' is not a whole number of seconds"
    [ -n "$line" ] || usage "--fault needs --line" ;;
  *) usage "--fault '$fault' is not one of partition, kill" ;;
esac

[ "$(id -u)" -eq 0 ] || skip "network namespaces need root (uid $(id -u))"
command -v ip >/dev/null || skip "no 'ip' (iproute2 is not installed)"
command -v unshare >/dev/null || skip "no 'unshare' (util-linux)"
command -v mpirun >/dev/null || skip "no mpirun"

id=$(printf '%x' $$)                  # interface names: at most 15 characters
prefix="hgt-$id"
work=$(mktemp -d /tmp/hetgrid-hostbed.XXXXXX)
bridge="hgt${id}br"
namespaces=() links=()

# Kills what runs in the bed's namespaces (what `ip netns pids` lists, until nothing does), then
# deletes namespaces, veths and the bridge by name. Prints what it could not remove.
teardown() {
  local ns pids left="" tries l
  for ns in "${namespaces[@]}"; do
    for tries in 1 2 3 4 5 6 7 8 9 10; do
      pids=$(ip netns pids "$ns" 2>/dev/null | xargs)
      [ -z "$pids" ] && break
      kill -9 $pids 2>/dev/null
      sleep 0.2
    done
    pids=$(ip netns pids "$ns" 2>/dev/null | xargs)
    [ -n "$pids" ] && left+=" processes $pids in $ns;"
    ip netns del "$ns" 2>/dev/null
  done
  for l in "${links[@]}" "$bridge"; do ip link del "$l" 2>/dev/null; done
  for ns in "${namespaces[@]}"; do
    ip netns list | grep -qw "$ns" && left+=" namespace $ns;"
  done
  for l in "${links[@]}" "$bridge"; do ip link show "$l" >/dev/null 2>&1 && left+=" link $l;"; done
  echo "$left"
}
cleanup_status=0
on_exit() {
  local status=$? left
  trap - EXIT INT TERM
  [ -n "${mpirun_pid:-}" ] && kill -9 "$mpirun_pid" 2>/dev/null
  [ -n "${limit_pid:-}" ] && kill "$limit_pid" 2>/dev/null
  [ -n "${tail_pid:-}" ] && kill "$tail_pid" 2>/dev/null
  left=$(teardown)
  if [ -n "$left" ]; then
    echo "hostbed: FAILED: the bed is not gone:$left" >&2
    status=1
  fi
  if [ -n "${HETGRID_HOSTBED_KEEP:-}" ]; then
    echo "hostbed: kept $work (HETGRID_HOSTBED_KEEP)" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'echo "hostbed: FAILED: ended by a signal or by --limit ($limit s)" >&2; exit 1' INT TERM
( sleep "$limit" & nap=$!; trap 'kill "$nap"; exit 0' TERM; wait "$nap"; kill -TERM $$ ) &
limit_pid=$!

# Beds of runs killed hard: namespaces "hgt-<hex pid>-hN" and links "hgt<hex pid>{br,hN,pN}"
# whose script no longer runs.
gone() { ! kill -0 "$((16#$1))" 2>/dev/null; }
for stale in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
  [[ "$stale" =~ ^hgt-([0-9a-f]+)-h[0-9]+$ ]] && gone "${BASH_REMATCH[1]}" || continue
  echo "hostbed: taking down $stale, left by a run that is gone" >&2
  pids=$(ip netns pids "$stale" 2>/dev/null | xargs)
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null && sleep 0.2
  ip netns del "$stale" 2>/dev/null
done
for stale in $(ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
  [[ "$stale" =~ ^hgt([0-9a-f]+)(br|h[0-9]+|p[0-9]+)$ ]] && gone "${BASH_REMATCH[1]}" || continue
  echo "hostbed: deleting link $stale, left by a run that is gone" >&2
  ip link del "$stale" 2>/dev/null
done

# The /24: the first 10.213.X.0 no route of this machine uses, chosen under a lock so that two
# beds started together take two.
exec 9>/tmp/hetgrid-hostbed.lock
flock 9
subnet=""
for x in $(seq 1 254); do
  ip route show | grep -q "^10\.213\.$x\.0/24" && continue
  subnet="10.213.$x"
  break
done
[ -n "$subnet" ] || fail "no free 10.213.X.0/24 (leftover beds? ip link show | grep hgt)"
ip link add "$bridge" type bridge 2>"$work/err" || skip "cannot make a bridge: $(cat "$work/err")"
links+=("$bridge")
ip addr add "$subnet.1/24" dev "$bridge" && ip link set "$bridge" up ||
  fail "cannot address bridge $bridge"
flock -u 9
: >"$work/map"
hostlist=()
for i in $(seq 1 "$count"); do
  ns="$prefix-h$i" veth="hgt${id}h$i" peer="hgt${id}p$i" addr="$subnet.$((i + 1))"
  ip netns add "$ns" 2>"$work/err" || skip "ip netns add refused: $(cat "$work/err")"
  namespaces+=("$ns")
  ip link add "$veth" type veth peer name "$peer" 2>"$work/err" ||
    skip "cannot make a veth pair: $(cat "$work/err")"
  links+=("$veth")
  ip link set "$peer" netns "$ns" && ip link set "$veth" master "$bridge" &&
    ip link set "$veth" up && ip -n "$ns" addr add "$addr/24" dev "$peer" &&
    ip -n "$ns" link set "$peer" up && ip -n "$ns" link set lo up ||
    fail "cannot wire host $i ($ns)"
  echo "$addr $ns hgt-host$i" >>"$work/map"
  hostlist+=("$addr:${slots[$((i - 1))]}")
done
np=0
for s in "${slots[@]}"; do np=$((np + s)); done
host_list=$(IFS=,; echo "${hostlist[*]}")

export HETGRID_HOSTBED_MAP="$work/map" HETGRID_HOSTBED_DIR="$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# tcp between hosts; every rank waits for the others on its own in a fault (no abort on the first
# non-zero exit), so that each one's status and line can be checked.
cmd=(mpirun --allow-run-as-root --oversubscribe --mca plm_rsh_agent "$here/rsh_agent.sh"
     --mca plm_rsh_no_tree_spawn 1 --mca btl tcp,self
     --mca btl_tcp_if_include "$subnet.0/24" --mca oob_tcp_if_include "$subnet.0/24"
     -H "$host_list" -np "$np" -x HETGRID_HOSTBED_DIR "${mpirun_args[@]}"
     "$here/rank.sh" "$@")
echo "hostbed: $count hosts ($hosts ranks) on $subnet.0/24: ${cmd[*]}" >&2

if [ -z "$fault" ]; then
  "${cmd[@]}" &
  mpirun_pid=$!
  wait "$mpirun_pid"
  status=$?
  mpirun_pid=""
  exit "$status"
fi

# A fault: inject it once the output shows the run under way, then watch the ranks end. Open
# MPI's daemons wait 1 s between the SIGTERM and the SIGKILL of a job they end, and on this
# machine the SIGKILL has come before rank.sh wrote its record; 10 s leaves each surviving rank
# to its own watchdog (a SIGTERM's line is tested in tests/mpi, mpi_watchdog_sigterm).
cmd=("${cmd[0]}" --mca odls_base_sigkill_timeout 10 "${cmd[@]:1}")
: >"$work/out"
"${cmd[@]}" >"$work/out" 2>&1 &
mpirun_pid=$!
tail -f "$work/out" --pid="$mpirun_pid" >&2 &
tail_pid=$!
deadline=$((SECONDS + 120))
until grep -Eq -- "$fault_when" "$work/out"; do
  kill -0 "$mpirun_pid" 2>/dev/null ||
    fail "mpirun ended before the fault ('$fault_when' never came)"
  [ $SECONDS -lt $deadline ] || fail "'$fault_when' did not come within 120 s"
  sleep 0.05
done
lost_ns="$prefix-h$fault_host"
if [ "$fault" = partition ]; then
  ip link set "hgt${id}h$fault_host" down || fail "cannot take host $fault_host's link down"
else
  kill -9 $(ip netns pids "$lost_ns") 2>/dev/null
fi
fault_at=$(date +%s.%N)
echo "hostbed: $fault of host $fault_host ($lost_ns) at $fault_at" >&2

# The ranks that must end on their own, with the hostname rank.sh records for each.
survivors=()
first=0
for i in $(seq 1 "$count"); do
  n=${slots[$((i - 1))]}
  if [ "$fault" = partition ] || [ "$i" -ne "$fault_host" ]; then
    for r in $(seq "$first" $((first + n - 1))); do survivors+=("$r"); done
  fi
  first=$((first + n))
done
program=$(basename "$1")
recorded() { [ "$(wc -w <"$work/rank.$1.exit" 2>/dev/null)" = 3 ]; }
limit=$(echo "$fault_at + $within" | bc)
while :; do
  done_all=1
  for r in "${survivors[@]}"; do recorded "$r" || done_all=0; done
  [ $done_all = 1 ] && break
  [ "$(echo "$(date +%s.%N) > $limit + 1" | bc)" = 1 ] && break
  sleep 0.1
done
problems=()
for r in "${survivors[@]}"; do
  if ! recorded "$r"; then
    problems+=("rank $r did not end within $within s of the fault (or was killed before its
  record was written); its stderr: $(tail -3 "$work/rank.$r.err" 2>/dev/null)")
    continue
  fi
  read -r status ended host <"$work/rank.$r.exit"
  after=$(echo "$ended - $fault_at" | bc)
  echo "hostbed: rank $r on $host: exit status $status, $after s after the fault: $(
    grep -E -- "$line" "$work/rank.$r.err" | head -1)" >&2
  [ "$status" -ne 0 ] || problems+=("rank $r exited 0")
  [ "$(echo "$after <= $within" | bc)" = 1 ] ||
    problems+=("rank $r ended $after s after the fault, later than $within s")
  grep -Eq -- "$line" "$work/rank.$r.err" ||
    problems+=("rank $r's stderr has no line matching '$line': $(tail -3 "$work/rank.$r.err")")
done
for ns in "${namespaces[@]}"; do
  for pid in $(ip netns pids "$ns" 2>/dev/null); do
    [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "${program:0:15}" ] &&
      problems+=("$program (pid $pid) still runs in $ns")
  done
done
if [ ${#problems[@]} -gt 0 ]; then
  printf 'hostbed: FAILED: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "hostbed: every rank that could still run ended within $within s, non-zero," \
  "naming its group" >&2
exit 0
