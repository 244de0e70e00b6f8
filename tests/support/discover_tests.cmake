# Run after a Catch2 test executable is built: registers each of its test cases with CTest,
# with the test's tags as CTest labels (`ctest -L bail`). Catch2 v2's own discovery has no
# labels, so this asks the executable for its tags and the tests under each tag.
#   -DEXECUTABLE=path -DOUTPUT=file.cmake
# A name may hold ';', which CMake reads as a list's separator: each is kept as this placeholder
# while the output is split into lines, and put back in the name registered.
set(semicolon "<vigil-semicolon>")

execute_process(COMMAND "${EXECUTABLE}" --list-tags OUTPUT_VARIABLE tag_listing
                RESULT_VARIABLE status)
if(status LESS 0)
  message(FATAL_ERROR "cannot list the tags of ${EXECUTABLE}")
endif()
string(REPLACE "\n" ";" tag_lines "${tag_listing}")
set(labelled "")
foreach(line IN LISTS tag_lines)
  if(line MATCHES "^ +[0-9]+ +\\[([^]]+)\\]")
    set(tag "${CMAKE_MATCH_1}")
    execute_process(COMMAND "${EXECUTABLE}" "[${tag}]" --list-test-names-only
                    OUTPUT_VARIABLE names)
    string(REPLACE ";" "${semicolon}" names "${names}")
    string(REPLACE "\n" ";" names "${names}")
    foreach(name IN LISTS names)
      if(NOT name STREQUAL "")
        string(MD5 key "${name}")
        list(APPEND labels_${key} "${tag}")
      endif()
    endforeach()
  endif()
endforeach()

execute_process(COMMAND "${EXECUTABLE}" --list-test-names-only OUTPUT_VARIABLE all_names)
string(REPLACE ";" "${semicolon}" all_names "${all_names}")
string(REPLACE "\n" ";" all_names "${all_names}")
set(script "")
foreach(name IN LISTS all_names)
  if(name STREQUAL "")
    continue()
  endif()
  string(MD5 key "${name}")
  string(REPLACE "${semicolon}" ";" name "${name}")
  # Catch2 reads ',' '[' ']' in a test spec as syntax: escape them to name the test exactly.
  set(spec "${name}")
  foreach(char , [ ])
    string(REPLACE "${char}" "\\${char}" spec "${spec}")
  endforeach()
  # --warn NoTests: a spec that runs no test fails, so a test cannot pass by not running.
  string(APPEND script
         "add_test([==[${name}]==] [==[${EXECUTABLE}]==] [==[${spec}]==] --warn NoTests)\n")
  if(DEFINED labels_${key})
    string(REPLACE ";" "\\;" label_list "${labels_${key}}")
    string(APPEND script
           "set_tests_properties([==[${name}]==] PROPERTIES LABELS [==[${label_list}]==])\n")
  endif()
endforeach()
file(WRITE "${OUTPUT}" "${script}")
