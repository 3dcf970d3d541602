# Source rule (ctest prefetch_rule): lookahead hints start loads with prefetch_line or
# prefetch_lines (sim/prefetch.hpp), never with __builtin_prefetch directly. A function
# whose only effects are __builtin_prefetch looks pure to GCC, which then deletes calls to
# it without a word: the packet-arrival hints were lost that way. prefetch_line carries the
# side effect that keeps them.
#   cmake -DSOURCE_DIR=... -P cmake/check_prefetch_rule.cmake
cmake_minimum_required(VERSION 3.20)
file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR}
     ${SOURCE_DIR}/sim/*.hpp ${SOURCE_DIR}/sim/*.cpp ${SOURCE_DIR}/models/*.hpp ${SOURCE_DIR}/models/*.cpp
     ${SOURCE_DIR}/app/*.hpp ${SOURCE_DIR}/app/*.cpp ${SOURCE_DIR}/include/*.hpp ${SOURCE_DIR}/tests/*.cpp)
set(allowed sim/prefetch.hpp)
set(bad "")
foreach(f IN LISTS sources)
  if(f IN_LIST allowed)
    continue()
  endif()
  file(READ ${SOURCE_DIR}/${f} text)
  # Calls outside // comments: drop comment tails first.
  string(REGEX REPLACE "//[^\n]*" "" code "${text}")
  if(code MATCHES "__builtin_prefetch[ \t]*\\(")
    list(APPEND bad "${f}")
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " text)
  message(FATAL_ERROR "use prefetch_line / prefetch_lines (sim/prefetch.hpp), not __builtin_prefetch, in:\n  ${text}")
endif()
message(STATUS "prefetch rule: every hint uses sim/prefetch.hpp")
