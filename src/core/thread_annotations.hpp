#pragma once
// Clang's thread-safety analysis (-Wthread-safety, on for Clang builds in cmake/warnings.cmake):
// a member marked CS_GUARDED_BY(mu) may only be touched while mu is held, a function marked
// CS_REQUIRES(mu) only be called with it held, and the compiler checks both. The attributes are
// Clang's; on g++ the macros expand to nothing. The mutex types they name are in core/mutex.hpp
// (libstdc++'s std::mutex carries no capability attribute, so the analysis cannot see it).
// Reference: https://clang.llvm.org/docs/ThreadSafetyAnalysis.html

#if defined(__clang__)
#define CS_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CS_THREAD_ANNOTATION(x)
#endif

#define CS_CAPABILITY(name) CS_THREAD_ANNOTATION(capability(name))
#define CS_SCOPED_CAPABILITY CS_THREAD_ANNOTATION(scoped_lockable)
#define CS_GUARDED_BY(mu) CS_THREAD_ANNOTATION(guarded_by(mu))
#define CS_PT_GUARDED_BY(mu) CS_THREAD_ANNOTATION(pt_guarded_by(mu))
#define CS_ACQUIRED_BEFORE(...) CS_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define CS_ACQUIRED_AFTER(...) CS_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define CS_REQUIRES(...) CS_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define CS_REQUIRES_SHARED(...) CS_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define CS_ACQUIRE(...) CS_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define CS_ACQUIRE_SHARED(...) CS_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define CS_RELEASE(...) CS_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define CS_RELEASE_SHARED(...) CS_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define CS_RELEASE_GENERIC(...) CS_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define CS_TRY_ACQUIRE(...) CS_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define CS_EXCLUDES(...) CS_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define CS_ASSERT_CAPABILITY(x) CS_THREAD_ANNOTATION(assert_capability(x))
#define CS_RETURN_CAPABILITY(x) CS_THREAD_ANNOTATION(lock_returned(x))
// Only where the analysis cannot follow a correct pattern; say why next to each use.
#define CS_NO_THREAD_SAFETY_ANALYSIS CS_THREAD_ANNOTATION(no_thread_safety_analysis)
