# On CMAKE_MODULE_PATH while the core alone is configured: the core must never look for CUDA.
message(FATAL_ERROR
        "consumer test: find_package(CUDA) was called, but hetgrid's core must not need it")
