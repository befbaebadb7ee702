# Runs one compiler command and judges it (cmake -P, so CTest needs no shell):
#   cmake -DMODE=fail|pass -DSOURCE=<file> -DCOMPILER_ID=<GNU|NVIDIA|...> [-DVALUES=ON]
#         -P check_compile.cmake -- <command...>
# MODE=pass: the command must exit 0 and print no warning.
# MODE=fail: the command must exit non-zero, every error must be a failed static_assert, and
# the output must hold each of SOURCE's directives:
#   // expect-error: <literal text>        the rule's words, as detail/rules.hpp spells them
#   // expect-re[<COMPILER_ID>]: <regex>    e.g. the module's name in the instantiation context
#   // expect-call: <function>              a constexpr function's argument is refused by calling
#                                          this non-constexpr function (make_kind's errors): its
#                                          error, and the static_assert made non-constant by it,
#                                          count as the rule's
#   // expect-values: <literal text>       the values after the words (`; ` and what broke the
#                                          rule), checked only with -DVALUES=ON: the run under a
#                                          compiler that prints computed static_assert messages
#                                          (clang-19 -std=c++2c); each expect-error case has one
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../support/pop_line.cmake)

# The command is everything after "--"; CMAKE_ARGV keeps each argument whole.
set(command)
set(after_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()
if(NOT command OR NOT MODE OR NOT SOURCE)
  message(FATAL_ERROR "usage: cmake -DMODE=fail|pass -DSOURCE=<file> [-DCOMPILER_ID=<id>] -P check_compile.cmake -- <command...>")
endif()

execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
# The compiler's own output first, so a failing test shows why.
message("${out}")

if(MODE STREQUAL "pass")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "check_compile: ${SOURCE} must compile, but the compiler exited with ${rc}")
  endif()
  if(out MATCHES "[Ww]arning")
    message(FATAL_ERROR "check_compile: ${SOURCE} compiled with a warning")
  endif()
  message("check_compile: ${SOURCE} compiles, as it must")
  return()
endif()

if(rc EQUAL 0)
  message(FATAL_ERROR "check_compile: ${SOURCE} compiled, but it must not")
endif()

file(READ "${SOURCE}" text)
string(REGEX MATCHALL "// expect-call: [A-Za-z_0-9]+" calls "${text}")
list(TRANSFORM calls REPLACE "// expect-call: " "")

# Any other error (a typo, a missing header) would make the test pass for the wrong reason.
# Lines are walked by hand: the rules' words hold ';' and '[', which CMake lists would mangle.
set(asserts 0)
set(rest "${out}\n")
while(NOT rest STREQUAL "")
  hetgrid_pop_line(rest line)
  if(line MATCHES "error:")
    set(called FALSE)
    foreach(call IN LISTS calls)
      string(FIND "${line}" "constexpr" non_constexpr)  # quoted in the locale's quotes
      string(FIND "${line}" "function" function)
      string(FIND "${line}" "hetgrid::detail::${call}(" named)
      if(non_constexpr GREATER -1 AND function GREATER -1 AND named GREATER -1)
        set(called TRUE)
      endif()
    endforeach()
    # The consequence of the refused call (g++'s words, then clang's).
    if(calls AND line MATCHES "non-constant condition for static assertion|static assertion expression is not an integral constant expression|must be initialized by a constant expression")
      set(called TRUE)
    endif()
    if(NOT called AND NOT line MATCHES "static assertion failed")
      message(FATAL_ERROR "check_compile: ${SOURCE} failed with an error that is not a hetgrid rule:\n${line}")
    endif()
    math(EXPR asserts "${asserts} + 1")
  endif()
endwhile()
if(asserts EQUAL 0)
  message(FATAL_ERROR "check_compile: ${SOURCE} failed without a failed static_assert")
endif()

set(checked 0)
set(rest "${text}\n")
while(NOT rest STREQUAL "")
  hetgrid_pop_line(rest d)
  if(NOT d MATCHES "^// expect-")
    continue()
  endif()
  if(d MATCHES "^// expect-error: (.+)$")
    string(FIND "${out}" "${CMAKE_MATCH_1}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "check_compile: the output of ${SOURCE} lacks the words:\n  ${CMAKE_MATCH_1}")
    endif()
    math(EXPR checked "${checked} + 1")
  elseif(d MATCHES "^// expect-values: (.+)$")
    set(has_values TRUE)
    if(VALUES)
      string(FIND "${out}" "${CMAKE_MATCH_1}" at)
      if(at EQUAL -1)
        message(FATAL_ERROR "check_compile: the output of ${SOURCE} lacks the values:\n  ${CMAKE_MATCH_1}")
      endif()
      math(EXPR checked "${checked} + 1")
    endif()
  elseif(d MATCHES "^// expect-call: (.+)$")
    string(FIND "${out}" "${CMAKE_MATCH_1}(" at)
    if(at EQUAL -1)
      string(FIND "${out}" "function '${CMAKE_MATCH_1}'" at)  # clang's note
    endif()
    if(at EQUAL -1)
      message(FATAL_ERROR "check_compile: the output of ${SOURCE} does not name ${CMAKE_MATCH_1}()")
    endif()
    math(EXPR checked "${checked} + 1")
  elseif(d MATCHES "^// expect-re\\[([A-Za-z]+)\\]: (.+)$")
    if(CMAKE_MATCH_1 STREQUAL COMPILER_ID)
      set(regex "${CMAKE_MATCH_2}")
      if(NOT out MATCHES "${regex}")
        message(FATAL_ERROR "check_compile: the output of ${SOURCE} does not match:\n  ${regex}")
      endif()
      math(EXPR checked "${checked} + 1")
    endif()
  else()
    message(FATAL_ERROR "check_compile: ${SOURCE} has a malformed directive: ${d}")
  endif()
endwhile()
if(checked EQUAL 0)
  message(FATAL_ERROR "check_compile: ${SOURCE} has no // expect-error: or expect-call: directive")
endif()
if(VALUES AND text MATCHES "// expect-error: " AND NOT has_values)
  message(FATAL_ERROR "check_compile: ${SOURCE} has no // expect-values: directive")
endif()
message("check_compile: ${SOURCE} fails to compile, as it must (${checked} directives hold)")
