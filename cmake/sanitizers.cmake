# CS_SANITIZER: "" | "address" (ASan+UBSan) | "thread" (TSan) | "fuzzer" (clang: libFuzzer
# coverage + ASan + UBSan; the asan preset, so one build serves the unit and integration tests
# and the libFuzzer targets).
set(CS_SANITIZER "" CACHE STRING "Sanitizer to build with")
add_library(cs_sanitizers INTERFACE)
if(CS_SANITIZER STREQUAL "address")
  target_compile_options(cs_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(cs_sanitizers INTERFACE -fsanitize=address,undefined)
elseif(CS_SANITIZER STREQUAL "fuzzer")
  target_compile_options(cs_sanitizers INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(cs_sanitizers INTERFACE -fsanitize=address,undefined)
elseif(CS_SANITIZER STREQUAL "thread")
  # -Wno-tsan: GCC warns that std::atomic_thread_fence (used by Asio's fenced blocks) is not
  # modelled by TSan; Asio's own synchronisation is mutex-based, so the fence is not relied on.
  target_compile_options(cs_sanitizers INTERFACE -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  target_link_options(cs_sanitizers INTERFACE -fsanitize=thread)
endif()
# Sanitizer instrumentation makes GCC 12 report false -Wmaybe-uninitialized (e.g. inside
# std::regex and std::function); GCC's manual warns about this. Real reads of uninitialised
# memory are what the sanitizers themselves catch. At -O1 (the sanitizer presets) GCC 12 also
# reports a false -Wmismatched-new-delete on Asio's coroutine-frame recycling allocator (its
# operator delete frees what thread_info_base::allocate got from operator new); ASan checks
# new/delete pairing itself, at run time.
if(CS_SANITIZER AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(cs_sanitizers INTERFACE -Wno-maybe-uninitialized -Wno-mismatched-new-delete)
endif()
