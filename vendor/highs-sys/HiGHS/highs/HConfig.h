#ifndef HCONFIG_H_
#define HCONFIG_H_

/* HiGHS's build configuration, written for risicobeeld's build without CMake (build.rs): what
   HiGHS 1.16's CMake build writes on Linux with the options highs-sys passes (FAST_BUILD,
   static, no zlib, no HiPO), with the x86-only pause instruction where it applies. HiGHS looks
   for its extras library (HiPO) at run time only when asked for HiPO, which risicobeeld never
   is. */

#define FAST_BUILD
/* #undef ZLIB_FOUND */
#define CUPDLP_CPU
/* #undef CUPDLP_GPU */
/* #undef HIPO */
#define HIGHS_SHARED_EXTRAS_LIBRARY
#define CMAKE_BUILD_TYPE "Release"
/* #undef HIGHSINT64 */
/* #undef HIGHS_NO_DEFAULT_THREADS */
#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#define HIGHS_HAVE_MM_PAUSE
#endif
#if defined(__GNUC__) || defined(__clang__)
#define HIGHS_HAVE_BUILTIN_CLZ
#endif
/* #undef HIGHS_HAVE_BITSCAN_REVERSE */

#define HIGHS_GITHASH "n/a"
#define HIGHS_VERSION_MAJOR 1
#define HIGHS_VERSION_MINOR 16
#define HIGHS_VERSION_PATCH 0

#endif /* HCONFIG_H_ */
