# Warnings as an INTERFACE target; CS_WERROR (on in CI presets) turns them into errors.
option(CS_WERROR "Treat warnings as errors" OFF)
add_library(cs_warnings INTERFACE)
target_compile_options(cs_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough -Wformat=2)
if(CS_WERROR)
  target_compile_options(cs_warnings INTERFACE -Werror)
endif()
