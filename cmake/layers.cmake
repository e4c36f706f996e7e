# One STATIC library per layer folder of src/ (docs/architecture.md, "Build targets").
#
# Layering is enforced by the build, twice:
# - Includes: each cs_<layer> has as its PUBLIC include directory
#   <build>/layer_include/<layer>/, holding only a symlink <layer> -> src/<layer>. So
#   `#include "store/x.hpp"` is found only by targets that link cs_store (directly, or through a
#   PUBLIC dependency); an include of a layer a target does not link fails to compile. (A shared
#   -I src/ would let every file find every header.)
# - Links: each layer has a rank (lowest first); cs_layer() refuses, at configure time, a layer
#   dependency of equal or higher rank, so no dependency can run upward or sideways (api and
#   lambda are siblings) even though CMake would accept a cycle of static libraries.
#
# Usage: cs_layer(<layer> RANK <n> [PUBLIC deps...] [PRIVATE deps...])
#   PUBLIC: what the layer's headers include; PRIVATE: what only its .cpp files include.
#   Sources: every src/<layer>/**/*.cpp except src/app/main.cpp (the executable's).
function(cs_layer layer)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "RANK" "PUBLIC;PRIVATE")
  if(arg_RANK STREQUAL "")
    message(FATAL_ERROR "cs_layer(${layer}): RANK is required")
  endif()
  foreach(dep IN LISTS arg_PUBLIC arg_PRIVATE)
    if(NOT dep MATCHES "^cs_(core|obs|net|store|secrets|llm|http|cache|service|api|lambda|app)$")
      continue()  # not a layer: a third-party or interface target
    endif()
    set(dep_rank "${CS_LAYER_RANK_${CMAKE_MATCH_1}}")
    if(dep_rank STREQUAL "")
      message(FATAL_ERROR "layering: cs_${layer} names ${dep} before it is declared")
    elseif(NOT dep_rank LESS arg_RANK)
      message(FATAL_ERROR "layering: cs_${layer} (rank ${arg_RANK}) may not depend on ${dep} "
                          "(rank ${dep_rank}): a layer uses only lower ones")
    endif()
  endforeach()
  set(CS_LAYER_RANK_${layer} ${arg_RANK} PARENT_SCOPE)

  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${layer}/*.cpp)
  list(FILTER sources EXCLUDE REGEX ".*/src/app/main\\.cpp$")
  add_library(cs_${layer} STATIC ${sources})

  set(include_dir ${CMAKE_BINARY_DIR}/layer_include/${layer})
  file(MAKE_DIRECTORY ${include_dir})
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${layer} ${include_dir}/${layer} SYMBOLIC)
  target_include_directories(cs_${layer} PUBLIC ${include_dir})

  # Warnings and sanitizer flags reach every target built on a layer (tests, tools, fuzz).
  target_link_libraries(cs_${layer} PUBLIC cs_warnings cs_sanitizers ${arg_PUBLIC})
  target_link_libraries(cs_${layer} PRIVATE ${arg_PRIVATE})
endfunction()

# Boost.Beast/Asio with the definitions every translation unit that sees them must share
# (BOOST_BEAST_USE_STD_STRING_VIEW changes Beast's types). Used by cs_http PRIVATE (no header
# other layers include pulls Beast in) and by the few tests/harnesses of http's Beast internals.
add_library(cs_boost_beast INTERFACE)
target_link_libraries(cs_boost_beast INTERFACE Boost::headers)
target_compile_definitions(cs_boost_beast INTERFACE BOOST_ASIO_NO_DEPRECATED
                                                    BOOST_BEAST_USE_STD_STRING_VIEW)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # Boost 1.74's Asio detects clang's coroutines only through <experimental/coroutine>.
  target_compile_definitions(cs_boost_beast INTERFACE BOOST_ASIO_HAS_CO_AWAIT=1)
endif()

# CTest layering_<layer>_cannot_include_<other>: compiles a file that includes one of <layer>'s
# own headers (the include directories work) and then <header> of a layer it must not use, with
# cs_<layer>'s full include directories, and passes only on the compiler's "file not found" for
# <header> (g++ and clang word it differently). A regression such as a shared -I src/ fails it.
function(cs_layering_test layer own_header header)
  string(REGEX MATCH "^[a-z_]+" other "${header}")
  set(name layering_${layer}_cannot_include_${other})
  set(dir ${CMAKE_BINARY_DIR}/layering_probes)
  file(WRITE ${dir}/${name}.cpp "#include \"${own_header}\"\n#include \"${header}\"\n")
  # The directories cs_<layer>'s own sources compile with, less /usr/include (an explicit
  # -I/usr/include breaks libstdc++'s #include_next; the compiler searches it anyway).
  set(dirs "$<REMOVE_DUPLICATES:$<TARGET_PROPERTY:cs_${layer},INCLUDE_DIRECTORIES>>")
  set(dirs "$<FILTER:${dirs},EXCLUDE,^/usr/include/?$>")
  file(GENERATE OUTPUT ${dir}/${name}.rsp CONTENT "\"-I$<JOIN:${dirs},\"\n\"-I>\"\n")
  add_test(NAME ${name} COMMAND ${CMAKE_CXX_COMPILER} @${dir}/${name}.rsp -std=c++23 -fsyntax-only
                                ${dir}/${name}.cpp)
  string(REPLACE "." "\\." header_regex "${header}")
  # Any other (non-fatal) error, e.g. in <own_header>, fails the test.
  set_tests_properties(${name} PROPERTIES LABELS lint FAIL_REGULAR_EXPRESSION ": error:"
                       PASS_REGULAR_EXPRESSION
                       "${header_regex}'?:? (No such file or directory|file not found)")
endfunction()
