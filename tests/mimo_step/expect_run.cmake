# cmake -DCOMMAND="a;b;c" -DSTATUS=N -DREGEX="..." [-DSTDERR_LINES=N] [-DMAX_SECONDS=N]
#       [-DWHOLE_LINE="regex" -DWHOLE_LINES=N] -P expect_run.cmake
# Passes when the command exits with exactly STATUS, its output matches REGEX, stderr has
# exactly STDERR_LINES lines where that is given, and it ends within MAX_SECONDS. With
# WHOLE_LINE: of the output lines that hold "mimo_step:", exactly WHOLE_LINES match WHOLE_LINE
# as a whole line and none is anything else (a line cut by another rank's output, or two lines
# run together, fails).
include(${CMAKE_CURRENT_LIST_DIR}/../support/pop_line.cmake)
if(NOT DEFINED MAX_SECONDS)
  set(MAX_SECONDS 60)
endif()
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT ${MAX_SECONDS})
message("${out}${err}")
if(NOT status STREQUAL "${STATUS}")
  message(FATAL_ERROR "expected exit status ${STATUS}, got ${status}")
endif()
if(NOT "${out}${err}" MATCHES "${REGEX}")
  message(FATAL_ERROR "the output does not match: ${REGEX}")
endif()
if(DEFINED STDERR_LINES)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines lines)
  if(NOT lines EQUAL STDERR_LINES)
    message(FATAL_ERROR "expected ${STDERR_LINES} line(s) on stderr, got ${lines}")
  endif()
endif()
if(DEFINED WHOLE_LINE)
  # Lines walked by hand: a rule's message holds "; ", which a CMake list would split.
  set(whole 0)
  set(rest "${out}\n${err}\n")
  while(NOT rest STREQUAL "")
    hetgrid_pop_line(rest line)
    string(FIND "${line}" "mimo_step:" mine)
    if(mine EQUAL -1)
      continue()
    endif()
    if(NOT line MATCHES "^${WHOLE_LINE}$")
      message(FATAL_ERROR "a line that is not one whole error line: '${line}'")
    endif()
    math(EXPR whole "${whole} + 1")
  endwhile()
  if(NOT whole EQUAL WHOLE_LINES)
    message(FATAL_ERROR "expected ${WHOLE_LINES} whole lines, got ${whole}")
  endif()
endif()
message("exit status ${status} and output as expected")
