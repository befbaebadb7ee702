# cmake -DCOMMAND="a;b;c" -DLINE="regex" -DLINES=N [-DMAX_SECONDS=N] -P expect_whole_lines.cmake
# Passes when the command fails, and among its output lines that start with "mimo_step:",
# exactly N match LINE as a whole line and none is anything else: a line cut by another rank's
# output, or two lines run together, fails.
if(NOT DEFINED MAX_SECONDS)
  set(MAX_SECONDS 60)
endif()
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT ${MAX_SECONDS})
message("${out}${err}")
if(status STREQUAL "0" OR status MATCHES "timeout")
  message(FATAL_ERROR "expected a failure within ${MAX_SECONDS} s, got status ${status}")
endif()
string(REPLACE ";" "\\;" text "${out}\n${err}")
string(REPLACE "\n" ";" lines "${text}")
set(whole 0)
foreach(line IN LISTS lines)
  if(line MATCHES "mimo_step:")
    if(line MATCHES "^${LINE}$")
      math(EXPR whole "${whole} + 1")
    else()
      message(FATAL_ERROR "a line that is not one whole error line: '${line}'")
    endif()
  endif()
endforeach()
if(NOT whole EQUAL LINES)
  message(FATAL_ERROR "expected ${LINES} whole error lines, got ${whole}")
endif()
message("${whole} whole error lines, status ${status}")
