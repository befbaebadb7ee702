#!/usr/bin/env bash
# The README's two commands: `tools/dev.sh main` and `tools/dev.sh test`.
# Each installs the Debian packages that are missing, configures and builds; then `main` runs
# the main job and `test` runs the whole suite through CTest, then the sanitizer suite: the unit
# tests, hetgrid-inspect's tests and fuzz suite and the MPI membership test, built again in a
# second directory with AddressSanitizer and UndefinedBehaviorSanitizer (any report fails).
# HETGRID_SANITIZE=0 leaves the sanitizer suite out.
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

[ "${HETGRID_SANITIZE:-1}" = 0 ] && exit 0
# The sanitizer suite: a chosen subset, so that CI (2 cores, 90 minutes) stays well inside its
# limit (docs/BUILDING.md gives its time). OpenMPI's own exit-time leaks are suppressed by library
# (tests/mpi/lsan_openmpi.supp), never a frame of hetgrid's.
san_build=${HETGRID_SANITIZE_BUILD_DIR:-build-sanitize}
san_flags="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
san_tests='^(test_grid|test_split_plan|test_executor|test_bridge|test_check_layout|'
san_tests+='test_golden_types|'
san_tests+='test_properties|test_golden_inspect|test_inspect_cli|test_svg_output|'
san_tests+='test_inspect_hostile|fuzz_inspect)$'
san_mpi_tests='^(mpi_groups_np8|mpi_groups_np16|mpi_groups_np3)$'
cmake -S . -B "$san_build" -DCMAKE_BUILD_TYPE=Sanitize -DHETGRID_BUILD_BENCHMARKS=OFF \
  -DHETGRID_BUILD_EXAMPLES=OFF "-DCMAKE_CXX_FLAGS=$san_flags" \
  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"
cmake --build "$san_build" -j "$jobs" --target sanitizer_suite  # tests/CMakeLists.txt lists it
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir "$san_build" --output-on-failure -j "$jobs" \
  -R "$san_tests"
# Under MPI: slow unwinding, so that the suppressions see OpenMPI's frames (docs/BUILDING.md); it
# makes every allocation slow, so only these tests have it.
ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1 \
  LSAN_OPTIONS=suppressions=$PWD/tests/mpi/lsan_openmpi.supp \
  OMPI_MCA_mca_base_component_disable_dlclose=1 \
  ctest --test-dir "$san_build" --output-on-failure -j "$jobs" -R "$san_mpi_tests"
