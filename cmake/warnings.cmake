# Warnings as an INTERFACE target; CS_WERROR (on in CI presets) turns them into errors.
option(CS_WERROR "Treat warnings as errors" OFF)
add_library(cs_warnings INTERFACE)
target_compile_options(cs_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2)
# No -Wnull-dereference: with -O2, GCC 12 reports false positives inside nlohmann::json.
# GCC 12 at -O3 raises false -Wrestrict errors on "literal" + std::string (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(cs_warnings INTERFACE -Wno-restrict)
endif()
# The sanitizer presets are unity builds (compile time: one parse of Beast, Asio and nlohmann
# per batch, not per file). GCC then sees each .cpp as an included file and reports
# -Wsubobject-linkage, a warning meant for headers, on classes holding anonymous-namespace types.
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(cs_warnings INTERFACE -Wno-subobject-linkage)
endif()
# Clang checks the CS_GUARDED_BY / CS_REQUIRES annotations (core/thread_annotations.hpp): a
# guarded member touched without its cs::Mutex held fails the build (with CS_WERROR). g++ has
# no such analysis: the macros are empty there, so the asan preset (clang-19) is the check.
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(cs_warnings INTERFACE -Wthread-safety)
endif()
if(CS_WERROR)
  target_compile_options(cs_warnings INTERFACE -Werror)
endif()
