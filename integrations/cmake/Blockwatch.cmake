# Blockwatch.cmake: a `blockwatch` target that runs the blockwatch driver over
# the project's compile database.
#
#   list(APPEND CMAKE_MODULE_PATH /usr/local/share/blockwatch/cmake)
#   include(Blockwatch)        # before the targets, see CMAKE_EXPORT_COMPILE_COMMANDS
#   add_executable(app ...)
#
#   cmake --build build --target blockwatch
#
# Settings (cache variables; set them with -D or before include()):
#   BLOCKWATCH_EXECUTABLE        the blockwatch binary (found with find_program)
#   BLOCKWATCH_FORMAT            text (default), sarif or json
#   BLOCKWATCH_OUTPUT            report file; empty prints to the terminal
#   BLOCKWATCH_ARGS              more arguments (list), e.g. --rules=acme.json
#   BLOCKWATCH_FAIL_ON_FINDINGS  ON (default): findings fail the target;
#                                OFF: only errors (exit status 2 and up) do
#
# blockwatch_add_target(<name> [FORMAT f] [OUTPUT file] [ARGS ...]
#                       [FAIL_ON_FINDINGS ON|OFF] [DEPENDS targets...])
# adds another such target, e.g. a SARIF report next to the text one.
#
# The database is compile_commands.json in CMAKE_BINARY_DIR, which CMake
# writes for the Makefile and Ninja generators only. Report paths are
# relative to CMAKE_SOURCE_DIR. See docs/integrations.md.

include_guard(GLOBAL)

set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

# Installed: <prefix>/share/blockwatch/cmake -> <prefix>/bin.
# From a source checkout: integrations/cmake -> build/driver.
find_program(BLOCKWATCH_EXECUTABLE blockwatch
  HINTS
    ${CMAKE_CURRENT_LIST_DIR}/../../../bin
    ${CMAKE_CURRENT_LIST_DIR}/../../build/driver
    ENV BLOCKWATCH_ROOT
  PATH_SUFFIXES bin
  DOC "The blockwatch driver")
set(BLOCKWATCH_FORMAT text CACHE STRING "blockwatch report format: text, sarif or json")
set_property(CACHE BLOCKWATCH_FORMAT PROPERTY STRINGS text sarif json)
# STRING, not FILEPATH: CMake would make a relative -D value absolute against
# the directory cmake runs in; it is relative to the build directory.
set(BLOCKWATCH_OUTPUT "" CACHE STRING "blockwatch report file (empty: the terminal)")
set(BLOCKWATCH_ARGS "" CACHE STRING "More blockwatch arguments (a list)")
option(BLOCKWATCH_FAIL_ON_FINDINGS "Findings fail the blockwatch target" ON)

function(blockwatch_add_target name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "FORMAT;OUTPUT;FAIL_ON_FINDINGS"
                        "ARGS;DEPENDS")
  if(NOT BLOCKWATCH_EXECUTABLE)
    message(WARNING "blockwatch not found; set BLOCKWATCH_EXECUTABLE. "
            "Target '${name}' will fail.")
  endif()
  foreach(setting FORMAT OUTPUT FAIL_ON_FINDINGS)
    if(NOT DEFINED arg_${setting})
      set(arg_${setting} ${BLOCKWATCH_${setting}})
    endif()
  endforeach()
  if(NOT arg_FORMAT MATCHES "^(text|sarif|json)$")
    message(FATAL_ERROR "blockwatch: FORMAT must be text, sarif or json, not '${arg_FORMAT}'")
  endif()
  set(command "${BLOCKWATCH_EXECUTABLE}" -p "${CMAKE_BINARY_DIR}"
      "--srcroot=${CMAKE_SOURCE_DIR}" "--format=${arg_FORMAT}")
  if(arg_OUTPUT)
    get_filename_component(output "${arg_OUTPUT}" ABSOLUTE BASE_DIR "${CMAKE_BINARY_DIR}")
    list(APPEND command -o "${output}")
  endif()
  list(APPEND command ${BLOCKWATCH_ARGS} ${arg_ARGS})

  # A script rather than the bare command, so that exit status 1 (findings)
  # can be accepted while 2 and up (bad input, internal error) still fail.
  set(script "${CMAKE_BINARY_DIR}/CMakeFiles/${name}.cmake")
  set(quoted "")
  foreach(word IN LISTS command)
    string(REPLACE "\\" "\\\\" word "${word}")
    string(REPLACE "\"" "\\\"" word "${word}")
    string(REPLACE "$" "\\$" word "${word}")
    string(APPEND quoted " \"${word}\"")
  endforeach()
  if(arg_FAIL_ON_FINDINGS)
    set(worst 0)
  else()
    set(worst 1)
  endif()
  file(WRITE "${script}"
"execute_process(COMMAND${quoted}
                WORKING_DIRECTORY \"${CMAKE_SOURCE_DIR}\"
                RESULT_VARIABLE rc)
if(NOT rc MATCHES \"^[0-9]+$\" OR rc GREATER ${worst})
  message(FATAL_ERROR \"blockwatch exited with \${rc}\")
endif()
")
  add_custom_target(${name}
    COMMAND "${CMAKE_COMMAND}" -P "${script}"
    COMMENT "Running blockwatch over ${CMAKE_BINARY_DIR}/compile_commands.json"
    USES_TERMINAL
    VERBATIM)
  if(arg_DEPENDS)
    add_dependencies(${name} ${arg_DEPENDS})
  endif()
endfunction()

blockwatch_add_target(blockwatch)
