# Writes a C++ source holding openapi.json as bytes (a string literal this long would break
# -Wpedantic's limit on literal length).
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUTPUT}.tmp "// Generated from server/openapi/openapi.json; do not edit.\n#include \"openapi.hpp\"\n\nnamespace vigil::server {\nnamespace {\nconst char kDocument[] = {\n${bytes}};\n}  // namespace\n\nstd::string_view openapi_document() { return {kDocument, sizeof kDocument}; }\n\n}  // namespace vigil::server\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
