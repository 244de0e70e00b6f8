# Writes a C++ source holding a file's bytes behind `std::string_view FUNCTION()` in NAMESPACE,
# declared in HEADER: how the OpenAPI document, the dashboard's files and the field app's files
# are built into the programs (vigil_embed in the top CMakeLists.txt). Unsigned bytes (the files
# are UTF-8), not a string literal: a literal this long would break -Wpedantic's limit on literal
# length.
#   cmake -DINPUT=file -DOUTPUT=file.cpp -DHEADER=name.hpp -DFUNCTION=name -DNAMESPACE=ns
#         -P embed.cmake
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
get_filename_component(source_name ${INPUT} NAME)
file(WRITE ${OUTPUT}.tmp "// Generated from ${source_name}; do not edit.\n#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\nnamespace {\nconst unsigned char kBytes[] = {\n${bytes}};\n}  // namespace\n\nstd::string_view ${FUNCTION}() { return {reinterpret_cast<const char*>(kBytes), sizeof kBytes}; }\n\n}  // namespace ${NAMESPACE}\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
