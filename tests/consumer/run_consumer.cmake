# The install test (cmake -P): install the build into a fresh prefix, then configure, build and
# run tests/consumer against that prefix alone.
#   -DBUILD_DIR -DPREFIX -DCONSUMER_SOURCE -DCONSUMER_BUILD -DCXX_COMPILER -DBUILD_TYPE [-DMPIEXEC]
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " shown "${ARGN}")
    message(FATAL_ERROR "consumer test: `${shown}` failed (${rc})")
  endif()
endfunction()

# Fresh directories, so a file left by an earlier install cannot make this pass.
file(REMOVE_RECURSE "${PREFIX}" "${CONSUMER_BUILD}")

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}")
# No package registry and no source tree: only the prefix can supply hetgrid.
run(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE}" -B "${CONSUMER_BUILD}"
    -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)

file(STRINGS "${CONSUMER_BUILD}/CMakeCache.txt" found_dir REGEX "^hetgrid_DIR:")
string(FIND "${found_dir}" "${PREFIX}/" at)
if(NOT at GREATER -1)
  message(FATAL_ERROR "consumer test: hetgrid came from elsewhere than the prefix: ${found_dir}")
endif()

run(${CMAKE_COMMAND} --build "${CONSUMER_BUILD}" -j 2)
run("${CONSUMER_BUILD}/consumer")

if(EXISTS "${CONSUMER_BUILD}/consumer_mpi")
  if(MPIEXEC)
    run(${MPIEXEC} --allow-run-as-root --oversubscribe -np 2 "${CONSUMER_BUILD}/consumer_mpi")
  else()
    run("${CONSUMER_BUILD}/consumer_mpi")
  endif()
elseif(EXPECT_MPI)
  message(FATAL_ERROR "consumer test: the build has hetgrid::mpi but the installed package does not")
endif()

if(EXISTS "${CONSUMER_BUILD}/consumer_nccl")
  run("${CONSUMER_BUILD}/consumer_nccl")
elseif(EXPECT_NCCL)
  message(FATAL_ERROR "consumer test: the build has hetgrid::nccl but the installed package does not")
endif()
message("consumer test: the installed package works")
