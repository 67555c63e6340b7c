/* fslaw/version.h: the version of the headers, for compile-time checks. The
 * library's own is fslaw_version() (common.h): a program can compare the two
 * to see that it runs with the library it was built against. CMakeLists.txt
 * reads the version from here, the one place it is written. */
#ifndef FSLAW_VERSION_H
#define FSLAW_VERSION_H

#define FSLAW_VERSION_MAJOR 0
#define FSLAW_VERSION_MINOR 1
#define FSLAW_VERSION_PATCH 0
#define FSLAW_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, e.g. #if FSLAW_VERSION_NUMBER >= 100 */
#define FSLAW_VERSION_NUMBER \
  (FSLAW_VERSION_MAJOR * 10000 + FSLAW_VERSION_MINOR * 100 + FSLAW_VERSION_PATCH)

#endif
