# Writes OUTPUT: one {"rules/<name>.json", R"(...)"} initializer per pack, so
# the binaries carry their default knowledge and work from any directory.
file(GLOB packs "${RULES_DIR}/*.json")
list(SORT packs)
set(content "")
foreach(pack ${packs})
  get_filename_component(name ${pack} NAME)
  file(READ ${pack} text)
  string(APPEND content "{\"rules/${name}\", R\"bwpack(${text})bwpack\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "${content}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})
