# The install tests (cmake -P), one MODE each; tests/consumer/consumer_test.cmake registers them.
#   -DMODE=install  cmake --install right after configuring a fresh build (no build step), then
#                   the suite's own build into PREFIX (hetgrid-inspect with it, where built)
#   -DMODE=core     tests/consumer with the core alone, MPI and CUDA poisoned (poison/)
#   -DMODE=mpi      COMPONENTS mpi: built, and run under mpiexec
#   -DMODE=nccl     COMPONENTS nccl: built and run; skipped (said so) where the build has no NCCL
#   -DMODE=missing  components that cannot be found fail find_package with CMake's message
# and -DSOURCE_DIR -DBUILD_DIR -DPREFIX -DWORK -DCONSUMER_SOURCE -DCXX_COMPILER -DBUILD_TYPE
# [-DMPIEXEC] -DEXPECT_MPI -DEXPECT_NCCL.
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " shown "${ARGN}")
    message(FATAL_ERROR "consumer test: `${shown}` failed (${rc})")
  endif()
endfunction()

# Configures tests/consumer into WORK/<name> against PREFIX alone (no package registry, no source
# tree), with the components `components` and the extra arguments given.
function(configure_consumer name components)
  set(build "${WORK}/${name}")
  file(REMOVE_RECURSE "${build}")
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${CONSUMER_SOURCE}" -B "${build}"
                          -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
                          -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
                          "-DHETGRID_COMPONENTS=${components}" ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(configure_rc ${rc} PARENT_SCOPE)
  set(configure_output "${out}${err}" PARENT_SCOPE)
  set(consumer_build "${build}" PARENT_SCOPE)
endfunction()

function(configure_ok name components)
  configure_consumer(${name} "${components}" ${ARGN})
  if(NOT configure_rc EQUAL 0)
    message(FATAL_ERROR "consumer test: configuring '${components}' failed:\n${configure_output}")
  endif()
  file(STRINGS "${consumer_build}/CMakeCache.txt" found_dir REGEX "^hetgrid_DIR:")
  string(FIND "${found_dir}" "${PREFIX}/" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "consumer test: hetgrid came from elsewhere than the prefix: ${found_dir}")
  endif()
  run(${CMAKE_COMMAND} --build "${consumer_build}" -j 2)
  set(consumer_build "${consumer_build}" PARENT_SCOPE)
  set(configure_output "${configure_output}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "install")
  # The README's sequence without its build step: configure, then install at once.
  set(fresh "${WORK}/fresh-build")
  file(REMOVE_RECURSE "${fresh}" "${PREFIX}" "${PREFIX}-fresh")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${fresh}" -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
      -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DHETGRID_BUILD_TESTS=OFF
      -DHETGRID_BUILD_EXAMPLES=OFF -DHETGRID_BUILD_BENCHMARKS=OFF)
  run(${CMAKE_COMMAND} --install "${fresh}" --prefix "${PREFIX}-fresh")
  foreach(file include/hetgrid/hetgrid.hpp lib/cmake/hetgrid/hetgridConfig.cmake
               lib/cmake/hetgrid/hetgridComponents.cmake)
    if(NOT EXISTS "${PREFIX}-fresh/${file}")
      message(FATAL_ERROR "consumer test: an install without a build lacks ${file}")
    endif()
  endforeach()
  # The suite's build: what the consumers below use, with the tool where it was built.
  run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}")
  if(EXISTS "${BUILD_DIR}/tools/hetgrid-inspect" AND NOT EXISTS "${PREFIX}/bin/hetgrid-inspect")
    message(FATAL_ERROR "consumer test: hetgrid-inspect was built but not installed")
  endif()
  message("consumer test: installed without a build step, and the build into ${PREFIX}")
elseif(MODE STREQUAL "core")
  configure_ok(core "" "-DCMAKE_MODULE_PATH=${CONSUMER_SOURCE}/poison")
  file(STRINGS "${consumer_build}/CMakeCache.txt" looked REGEX "^(NCCL_|MPI_|CUDAToolkit_)")
  if(looked)
    message(FATAL_ERROR "consumer test: the core looked for MPI, CUDA or NCCL: ${looked}")
  endif()
  run("${consumer_build}/consumer")
  message("consumer test: the core alone, with MPI and CUDA out of reach, works")
elseif(MODE STREQUAL "mpi")
  configure_ok(mpi "mpi")
  if(MPIEXEC)
    run(${MPIEXEC} --allow-run-as-root --oversubscribe -np 2 "${consumer_build}/consumer_mpi")
  else()
    run("${consumer_build}/consumer_mpi")
  endif()
  message("consumer test: COMPONENTS mpi works")
elseif(MODE STREQUAL "nccl")
  if(NOT EXPECT_NCCL)
    message("consumer test: skipped: this build found no NCCL or CUDA toolkit, so COMPONENTS nccl "
            "cannot be compiled here")
    return()
  endif()
  configure_ok(nccl "nccl")
  run("${consumer_build}/consumer_nccl")
  message("consumer test: COMPONENTS nccl works")
elseif(MODE STREQUAL "missing")
  # Each: the components, what makes them unfindable, and the reason find_package must print.
  foreach(case IN ITEMS
      "gpu||hetgrid component 'gpu': no such component"
      "mpi|-DCMAKE_DISABLE_FIND_PACKAGE_MPI=ON|hetgrid component 'mpi': MPI"
      "nccl|-DCMAKE_DISABLE_FIND_PACKAGE_CUDAToolkit=ON|hetgrid component 'nccl': the CUDA toolkit"
      "nccl|-DCMAKE_DISABLE_FIND_PACKAGE_MPI=ON|hetgrid component 'nccl': it needs hetgrid::mpi")
    string(REPLACE "|" ";" case "${case}")
    list(GET case 0 components)
    list(GET case 1 disable)
    list(GET case 2 reason)
    if(NOT EXPECT_MPI AND reason MATCHES "CUDA toolkit")
      set(reason "hetgrid component 'nccl': it needs hetgrid::mpi")  # looked for first
    endif()
    configure_consumer(missing "${components}" ${disable})
    string(REGEX REPLACE "[ \n]+" " " flat "${configure_output}")
    if(configure_rc EQUAL 0)
      message(FATAL_ERROR "consumer test: COMPONENTS ${components} ${disable} configured")
    endif()
    set(usual "but it set hetgrid_FOUND to FALSE so package \"hetgrid\" is considered to be")
    foreach(expected "${usual} NOT FOUND" "${reason}")
      string(FIND "${flat}" "${expected}" at)
      if(at EQUAL -1)
        message(FATAL_ERROR "consumer test: COMPONENTS ${components} ${disable}: no '${expected}' "
                            "in:\n${configure_output}")
      endif()
    endforeach()
    message("consumer test: COMPONENTS ${components} ${disable} fails as expected: ${reason}")
  endforeach()
else()
  message(FATAL_ERROR "consumer test: unknown MODE '${MODE}'")
endif()
