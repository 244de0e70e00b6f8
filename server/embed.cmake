# Writes a C++ source holding a file's bytes behind `std::string_view FUNCTION()`, declared in
# HEADER (namespace vigil::server): how the OpenAPI document and the dashboard's files are built
# into vigil-server. Unsigned bytes (the files are UTF-8), not a string literal: a literal this
# long would break -Wpedantic's limit on literal length.
#   cmake -DINPUT=file -DOUTPUT=file.cpp -DHEADER=name.hpp -DFUNCTION=name -P embed.cmake
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
get_filename_component(source_name ${INPUT} NAME)
file(WRITE ${OUTPUT}.tmp "// Generated from ${source_name}; do not edit.\n#include \"${HEADER}\"\n\nnamespace vigil::server {\nnamespace {\nconst unsigned char kBytes[] = {\n${bytes}};\n}  // namespace\n\nstd::string_view ${FUNCTION}() { return {reinterpret_cast<const char*>(kBytes), sizeof kBytes}; }\n\n}  // namespace vigil::server\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
