# Every Catch2 tag of a test program's cases becomes a ctest label of those cases, so
# `ctest -L smtp` selects what `build/tests/smtp/test_smtp "[smtp]"` runs, across every program
# (an MTA test tagged [smtp] in test_hosts_client too). Catch2 v2's catch_discover_tests sets no
# labels; this runs after it, the same way: after each build the program lists its tags and the
# cases under each, into a file ctest includes.
set(MAILLAB_TAG_LABELS_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/catch_tag_labels_script.cmake)

function(maillab_label_tests_by_tag target)
  set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  add_custom_command(TARGET ${target} POST_BUILD
                     COMMAND ${CMAKE_COMMAND} -D "TEST_EXECUTABLE=$<TARGET_FILE:${target}>"
                             -D "LABELS_FILE=${labels_file}" -P ${MAILLAB_TAG_LABELS_SCRIPT}
                     VERBATIM)
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels_include.cmake")
  file(WRITE "${include_file}" "if(EXISTS \"${labels_file}\")\n  include(\"${labels_file}\")\nendif()\n")
  # After catch_discover_tests' include file (appended first), so the tests exist when labelled.
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
