# Turns a text file into a C++ source file that defines it as a string
# constant, so that the text is compiled in (no run-time file dependency).
#
#   cmake -DINPUT=<file> -DOUTPUT=<file.cc> -DSYMBOL=<name> -P embed_text.cmake
#
# The output defines `extern const char ocoptrace::<SYMBOL>[]` as a raw string
# literal; the build fails if the text contains the literal's delimiter.
file(READ "${INPUT}" text)
set(delimiter "ocoptrace_text")
string(FIND "${text}" ")${delimiter}\"" found)
if(NOT found EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter ${delimiter}")
endif()
get_filename_component(input_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
  "// Generated at build time from ${input_name} by core/embed_text.cmake.\n"
  "// Do not edit.\n"
  "namespace ocoptrace {\n"
  "extern const char ${SYMBOL}[];\n"
  "const char ${SYMBOL}[] = R\"${delimiter}(${text})${delimiter}\";\n"
  "}  // namespace ocoptrace\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
