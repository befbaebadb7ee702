# cmake/hetgridComponents.cmake: hetgrid's optional layers, hetgrid::mpi and hetgrid::nccl, made
# from the dependencies of the machine that includes this file. The source tree's build and an
# installed package's hetgridConfig.cmake both include it, so an installed package never carries
# the installing machine's MPI, CUDA or NCCL: a consumer's find_package(hetgrid COMPONENTS ...)
# looks for them again, and the core (hetgrid::hetgrid) looks for none of them.
#
# Each hetgrid_find_<component>() sets hetgrid_<component>_FOUND and, where the component is not
# found, hetgrid_<component>_REASON. They are macros so that what find_package sets
# (MPIEXEC_EXECUTABLE, CUDAToolkit_BIN_DIR, ...) stays visible to the caller, as before.
# HETGRID_STATIC_BOOST_MPI and HETGRID_STATIC_CUDART pick static Boost.MPI / CUDA runtime; a
# consumer may set them before find_package(hetgrid) too.

set(hetgrid_known_components mpi nccl)

# hetgrid_<component>_FOUND: whether its target exists (made now, or by an earlier call).
macro(hetgrid_set_found component)
  if(TARGET hetgrid::${component})
    set(hetgrid_${component}_FOUND TRUE)
  else()
    set(hetgrid_${component}_FOUND FALSE)
  endif()
endmacro()

# Boost.MPI, Boost.Serialization and MPI's C interface.
macro(hetgrid_find_mpi)
  if(NOT TARGET hetgrid::mpi)
    find_package(MPI QUIET COMPONENTS CXX)
    if(HETGRID_STATIC_BOOST_MPI)
      set(Boost_USE_STATIC_LIBS ON)
    endif()
    find_package(Boost 1.74 QUIET COMPONENTS mpi serialization)
    find_package(Threads QUIET)  # the MPI watchdog's monitor thread (hetgrid/mpi/watchdog.hpp)
    if(MPI_CXX_FOUND AND TARGET Boost::mpi AND TARGET Boost::serialization
       AND TARGET Threads::Threads)
      add_library(hetgrid::mpi INTERFACE IMPORTED)
      set_target_properties(hetgrid::mpi PROPERTIES
        INTERFACE_LINK_LIBRARIES
          "hetgrid::hetgrid;Boost::mpi;Boost::serialization;MPI::MPI_CXX;Threads::Threads"
        # Boost.MPI uses MPI's C interface; the deprecated C++ bindings only add libmpi_cxx.
        INTERFACE_COMPILE_DEFINITIONS "OMPI_SKIP_MPICXX=1;MPICH_SKIP_MPICXX=1")
    else()
      string(CONCAT hetgrid_mpi_REASON "MPI (C++), Boost.MPI 1.74+ with Boost.Serialization "
                    "or threads not found (MPI_CXX_FOUND=${MPI_CXX_FOUND})")
    endif()
  endif()
  hetgrid_set_found(mpi)
endmacro()

# NCCL and the CUDA runtime, over hetgrid::mpi (the bootstrap broadcasts NCCL's id over MPI).
# NCCL_ROOT (a variable or the environment) names a prefix holding include/nccl.h, lib/libnccl.
macro(hetgrid_find_nccl)
  if(NOT TARGET hetgrid::nccl)
    hetgrid_find_mpi()
    find_package(CUDAToolkit QUIET)
    set(hetgrid_nccl_REASON "")
    if(NOT hetgrid_mpi_FOUND)
      set(hetgrid_nccl_REASON "it needs hetgrid::mpi: ${hetgrid_mpi_REASON}")
    elseif(NOT CUDAToolkit_FOUND)
      set(hetgrid_nccl_REASON "the CUDA toolkit (find_package(CUDAToolkit)) was not found")
    else()
      find_path(NCCL_INCLUDE_DIR nccl.h PATH_SUFFIXES include
                HINTS ${NCCL_ROOT} $ENV{NCCL_ROOT} ${CUDAToolkit_INCLUDE_DIRS}
                      /usr/local/cuda/include)
      find_library(NCCL_LIBRARY nccl PATH_SUFFIXES lib lib64
                   HINTS ${NCCL_ROOT} $ENV{NCCL_ROOT} ${CUDAToolkit_LIBRARY_DIR}
                         /usr/local/cuda/lib64)
      if(NOT NCCL_INCLUDE_DIR OR NOT NCCL_LIBRARY)
        string(CONCAT hetgrid_nccl_REASON "NCCL not found (NCCL_INCLUDE_DIR=${NCCL_INCLUDE_DIR}, "
                      "NCCL_LIBRARY=${NCCL_LIBRARY}); set NCCL_ROOT to its prefix")
      endif()
    endif()
    if(hetgrid_nccl_REASON STREQUAL "")
      if(HETGRID_STATIC_CUDART)
        set(hetgrid_cudart CUDA::cudart_static)
      else()
        set(hetgrid_cudart CUDA::cudart)
      endif()
      add_library(hetgrid::nccl INTERFACE IMPORTED)
      set_target_properties(hetgrid::nccl PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${NCCL_INCLUDE_DIR}"
        INTERFACE_LINK_LIBRARIES "hetgrid::mpi;${hetgrid_cudart};${NCCL_LIBRARY}")
    endif()
  endif()
  hetgrid_set_found(nccl)
endmacro()

# find_package(hetgrid COMPONENTS ...)'s part: each named component, and a message naming each
# required one that is missing (find_package prints it as the package's reason).
macro(hetgrid_find_components)
  set(hetgrid_missing "")
  foreach(hetgrid_component IN ITEMS ${ARGN})
    if(hetgrid_component IN_LIST hetgrid_known_components)
      cmake_language(CALL hetgrid_find_${hetgrid_component})
    else()
      set(hetgrid_${hetgrid_component}_FOUND FALSE)
      set(hetgrid_${hetgrid_component}_REASON
          "no such component (hetgrid's components: ${hetgrid_known_components})")
    endif()
    if(NOT hetgrid_${hetgrid_component}_FOUND AND hetgrid_FIND_REQUIRED_${hetgrid_component})
      string(APPEND hetgrid_missing
             "hetgrid component '${hetgrid_component}': ${hetgrid_${hetgrid_component}_REASON}\n")
    endif()
  endforeach()
  if(NOT hetgrid_missing STREQUAL "")
    set(hetgrid_NOT_FOUND_MESSAGE "${hetgrid_missing}")
  endif()
endmacro()
