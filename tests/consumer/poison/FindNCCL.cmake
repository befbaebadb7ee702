# On CMAKE_MODULE_PATH while the core alone is configured: the core must never look for NCCL.
message(FATAL_ERROR
        "consumer test: find_package(NCCL) was called, but hetgrid's core must not need it")
