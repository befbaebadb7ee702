#!/usr/bin/env bash
# Compile-time cost of hetgrid (issue 2): best of N wall times of `$CXX -std=c++20 -O2 -c` on
#   seed          (a) the seed layout, every group kind, embd/pos_embd and role checked
#   seed_baseline (b) the same arithmetic by hand, no hetgrid, only <array>
#   wide_131072   (c) 16 modules x 8192 ranks, every kind touched on 3 ranks of each module
#   wide_128      (d) the same source at 8 ranks a module
#   include_only  (e) #include <hetgrid/hetgrid.hpp> alone (what of (a) the headers cost)
#   seed_bridge   (f) (a) plus the bridge's core (its plan and every rank's messages)
#   seed_core     (g) (a) with <hetgrid/core.hpp>: the core without its run-time messages
#   include_core  (h) #include <hetgrid/core.hpp> alone
#   floor         (i) (b) plus the standard and Boost headers hetgrid.hpp's public types need
#   floor_core    (j) (b) plus those core.hpp's types need (no <string>, <stdexcept>)
# One JSON line per TU, then a summary: added = (a) - (b) (goal: no worse than 0.495 s),
# core_added = (g) - (b) (goal: at most 0.25 s), world_ratio = (c) / (d),
# bridge_added = (f) - (a) (goal: under 0.6 s); floor_added = (i) - (b) and core_floor_added =
# (j) - (b), what those headers alone add, and own = (a) - (i), own_core = (g) - (j), what
# hetgrid's own code and the seed checks add on top.
# Env: CXX (g++), REPEAT (5), HETGRID_INCLUDE (../../include), EXTRA_FLAGS (e.g. Boost's -I).
# `run.sh --instructions` also counts the compiler's instructions (valgrind callgrind; slow:
# BENCHMARKS.md, "Compile time", says how slow) for the wide TU at 8, 16 and 8192 ranks a
# module and for the seed TUs and floors: figures no load can move.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cxx=${CXX:-g++}
repeat=${REPEAT:-5}
include=${HETGRID_INCLUDE:-$here/../../include}
read -r -a extra <<<"${EXTRA_FLAGS:-}"
flags=(-std=c++20 -O2 -Wall -Wextra -pedantic -I"$include" "${extra[@]}")
version="$("$cxx" -dumpfullversion 2>/dev/null || "$cxx" -dumpversion)"
# Named by family, not by path: CMake hands over /usr/bin/c++.
if "$cxx" --version 2>/dev/null | grep -qi clang; then family=clang++; else family=g++; fi
compiler="$family $version"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

names=(seed seed_baseline wide_131072 wide_128 include_only seed_bridge seed_core include_core floor
       floor_core)
declare -A args=(
  [seed]="$here/seed.cpp"
  [seed_baseline]="$here/seed_baseline.cpp"
  [wide_131072]="-DRANKS_PER_MODULE=8192 $here/wide.cpp"
  [wide_128]="-DRANKS_PER_MODULE=8 $here/wide.cpp"
  [include_only]="$here/include_only.cpp"
  [seed_bridge]="$here/seed_bridge.cpp"
  [seed_core]="-DSEED_CORE_ONLY $here/seed.cpp"
  [include_core]="$here/include_core.cpp"
  [floor]="$here/floor.cpp"
  [floor_core]="$here/floor_core.cpp")
declare -A best=()

# One compile, timed; a failure or a warning stops the script.
compile_once() {
  local name=$1 t0 t1 t
  local -a tu
  read -r -a tu <<<"${args[$name]}"
  t0=$EPOCHREALTIME
  if ! "$cxx" "${flags[@]}" "${tu[@]}" -c -o "$out/$name.o" 2>"$out/$name.log"; then
    cat "$out/$name.log" >&2; echo "run.sh: $name does not compile" >&2; exit 1
  fi
  t1=$EPOCHREALTIME
  if [ -s "$out/$name.log" ]; then cat "$out/$name.log" >&2; echo "run.sh: $name warns" >&2; exit 1; fi
  t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  if [ -z "${best[$name]:-}" ] || awk -v t="$t" -v b="${best[$name]}" 'BEGIN { exit !(t < b) }'; then
    best[$name]=$t
  fi
}

# Rounds interleave the TUs, so a busy spell of the machine hits them all alike.
for ((round = 0; round < repeat; ++round)); do
  for name in "${names[@]}"; do compile_once "$name"; done
done
for name in "${names[@]}"; do
  printf '{"bench":"compile_time","tu":"%s","seconds":%s,"runs":%d,"flags":"-std=c++20 -O2 -Wall -Wextra -pedantic -c","compiler":"%s"}\n' \
    "$name" "${best[$name]}" "$repeat" "$compiler"
done
a=${best[seed]} b=${best[seed_baseline]} c=${best[wide_131072]} d=${best[wide_128]} e=${best[include_only]} f=${best[seed_bridge]}
g=${best[seed_core]} h=${best[include_core]} i=${best[floor]} j=${best[floor_core]}

awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" -v f="$f" -v g="$g" -v h="$h" \
    -v i="$i" -v j="$j" \
    -v compiler="$compiler" 'BEGIN {
  added = a - b; ratio = c / d; bridge = f - a; core = g - b
  printf "{\"bench\":\"compile_time\",\"summary\":true,\"added_seconds\":%.3f,\"include_only_seconds\":%.3f,", added, e
  printf "\"goal_added_at_most_seconds\":0.495,\"added_goal_met\":%s,", (added <= 0.495 ? "true" : "false")
  printf "\"core_added_seconds\":%.3f,\"include_core_seconds\":%.3f,", core, h
  printf "\"goal_core_added_at_most_seconds\":0.25,\"core_goal_met\":%s,", (core <= 0.25 ? "true" : "false")
  printf "\"floor_added_seconds\":%.3f,\"own_seconds\":%.3f,", i - b, a - i
  printf "\"core_floor_added_seconds\":%.3f,\"own_core_seconds\":%.3f,", j - b, g - j
  printf "\"world_ratio\":%.3f,\"goal_added_under_seconds\":1.5,\"goal_met\":%s,", ratio,
         (added < 1.5 ? "true" : "false")
  printf "\"bridge_added_seconds\":%.3f,\"goal_bridge_added_under_seconds\":0.6,", bridge
  printf "\"bridge_goal_met\":%s,\"compiler\":\"%s\"}\n", (bridge < 0.6 ? "true" : "false"), compiler
}'

[ "${1:-}" = --instructions ] || exit 0
# The compiler proper (cc1plus) is the child that executes the most instructions.
count() {
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$out/cg.%p" \
    "$cxx" "${flags[@]}" "$@" -c -o "$out/count.o" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | sort -n | tail -1
}
for r in 8 16 8192; do
  printf '{"bench":"compile_time","tu":"wide_%d","instructions":%s,"tool":"callgrind","compiler":"%s"}\n' \
    $((16 * r)) "$(count -DRANKS_PER_MODULE=$r "$here/wide.cpp")" "$compiler"
done
# The seed TUs and their floors, in instructions: the summary's differences without the load.
for name in seed seed_core seed_baseline floor floor_core; do
  read -r -a tu <<<"${args[$name]}"
  printf '{"bench":"compile_time","tu":"%s","instructions":%s,"tool":"callgrind",' \
    "$name" "$(count "${tu[@]}")"
  printf '"compiler":"%s"}\n' "$compiler"
done
