# Registers the install tests (run_consumer.cmake says what each checks): `install_package`
# installs this build into a fresh prefix, then tests/consumer is built against that prefix alone
# for the core, each component, and components that cannot be found.
set(consumer_build_type ${CMAKE_BUILD_TYPE})
if(NOT consumer_build_type)
  set(consumer_build_type Release)
endif()
set(consumer_work ${CMAKE_CURRENT_BINARY_DIR}/consumer)
foreach(mode IN ITEMS install core mpi nccl missing)
  if(mode STREQUAL "install")
    set(name install_package)
  else()
    set(name install_consumer_${mode})
  endif()
  add_test(NAME ${name}
           COMMAND ${CMAKE_COMMAND} -DMODE=${mode}
                   -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DBUILD_DIR=${PROJECT_BINARY_DIR}
                   -DPREFIX=${consumer_work}/prefix
                   -DWORK=${consumer_work}/${mode}
                   -DCONSUMER_SOURCE=${CMAKE_CURRENT_LIST_DIR}
                   -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
                   -DBUILD_TYPE=${consumer_build_type}
                   -DMPIEXEC=${MPIEXEC_EXECUTABLE}
                   -DEXPECT_MPI=${HETGRID_HAVE_MPI}
                   -DEXPECT_NCCL=${HETGRID_HAVE_NCCL}
                   -P ${CMAKE_CURRENT_LIST_DIR}/run_consumer.cmake)
  # Each builds with -j 2: CTest counts it as two slots.
  set_tests_properties(${name} PROPERTIES TIMEOUT 600 PROCESSORS 2 LABELS install)
  if(mode STREQUAL "install")
    set_tests_properties(${name} PROPERTIES FIXTURES_SETUP hetgrid_installed)
  else()
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED hetgrid_installed)
  endif()
endforeach()
set_tests_properties(install_consumer_nccl PROPERTIES
                     SKIP_REGULAR_EXPRESSION "consumer test: skipped")
if(NOT HETGRID_HAVE_MPI)
  # The mpi consumer cannot be built where this build found no MPI: CTest says it is disabled.
  set_tests_properties(install_consumer_mpi PROPERTIES DISABLED TRUE)
endif()
