# cmake -DCOMMAND="a;b;c" -DREGEX="..." [-DMAX_SECONDS=N] -P expect_failure.cmake
# Passes when the command exits non-zero, its output matches REGEX, and it ends within
# MAX_SECONDS (a hang is a failure, not a pass).
if(NOT DEFINED MAX_SECONDS)
  set(MAX_SECONDS 60)
endif()
string(TIMESTAMP started "%s")
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT ${MAX_SECONDS})
string(TIMESTAMP ended "%s")
math(EXPR took "${ended} - ${started}")
message("${out}${err}")
if(status STREQUAL "0")
  message(FATAL_ERROR "expected a failure, the command succeeded")
endif()
if(status MATCHES "timeout|Process terminated due to timeout")
  message(FATAL_ERROR "the command hung: no end within ${MAX_SECONDS} s")
endif()
if(NOT "${out}${err}" MATCHES "${REGEX}")
  message(FATAL_ERROR "the output does not match: ${REGEX}")
endif()
message("failed as expected (status ${status}) in ${took} s")
