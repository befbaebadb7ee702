#!/usr/bin/env bash
# The README's two commands: `tools/dev.sh main` and `tools/dev.sh test`.
# Each installs the Debian packages that are missing, configures and builds; then `main` runs
# the main job and `test` runs the whole suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-}
case "$what" in main|test) ;; *) echo "usage: tools/dev.sh main|test" >&2; exit 2 ;; esac

bash tools/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
build=${HETGRID_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$jobs"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
if [ "$what" = main ]; then
  if [ -x "$build/examples/mimo_step" ]; then
    exec mpirun -np 8 --oversubscribe "$build/examples/mimo_step" --steps 20
  fi
  # Until the main job exists: what the seed layout does, rank by rank.
  exec "$build/tools/hetgrid-inspect" --world 8 --module images:ranks=4,tp=2 \
    --module language:ranks=4,tp=2,pp=2,offset=4,language
fi
ctest --test-dir "$build" --output-on-failure -j "$jobs"
