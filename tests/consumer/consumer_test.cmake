# Registers the install test: tests/consumer built against `cmake --install` of this build.
set(consumer_build_type ${CMAKE_BUILD_TYPE})
if(NOT consumer_build_type)
  set(consumer_build_type Release)
endif()
add_test(NAME install_consumer
         COMMAND ${CMAKE_COMMAND}
                 -DBUILD_DIR=${PROJECT_BINARY_DIR}
                 -DPREFIX=${CMAKE_CURRENT_BINARY_DIR}/consumer-prefix
                 -DCONSUMER_SOURCE=${CMAKE_CURRENT_LIST_DIR}
                 -DCONSUMER_BUILD=${CMAKE_CURRENT_BINARY_DIR}/consumer-build
                 -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
                 -DBUILD_TYPE=${consumer_build_type}
                 -DMPIEXEC=${MPIEXEC_EXECUTABLE}
                 -DEXPECT_MPI=${HETGRID_HAVE_MPI}
                 -DEXPECT_NCCL=${HETGRID_HAVE_NCCL}
                 -P ${CMAKE_CURRENT_LIST_DIR}/run_consumer.cmake)
# It builds with -j 2: CTest counts it as two slots.
set_tests_properties(install_consumer PROPERTIES TIMEOUT 600 PROCESSORS 2 LABELS install)
