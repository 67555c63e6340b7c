/* fslaw/common.h: status codes and error messages shared by every module.
 *
 * Every fallible call returns an fslaw_status (negative = failure) and, when
 * the caller passes a non-NULL fslaw_error, fills its message. The library
 * never prints and never exits. */
#ifndef FSLAW_COMMON_H
#define FSLAW_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility: what these headers declare is
 * its interface, the rest stays inside it (FSLAW_BEGIN_API ... FSLAW_END_API
 * in every header). */
#if defined(__GNUC__) && __GNUC__ >= 4
#define FSLAW_BEGIN_API _Pragma("GCC visibility push(default)")
#define FSLAW_END_API _Pragma("GCC visibility pop")
#else
#define FSLAW_BEGIN_API
#define FSLAW_END_API
#endif
FSLAW_BEGIN_API

typedef enum fslaw_status {
  FSLAW_OK = 0,           /* success */
  FSLAW_EINVAL = -1,      /* invalid argument, option or spec */
  FSLAW_ENOMEM = -2,      /* allocation failed */
  FSLAW_EIO = -3,         /* file could not be opened, read or written */
  FSLAW_EPARSE = -4,      /* malformed input file */
  FSLAW_EDIVERGED = -5,   /* a numerical iteration diverged */
  FSLAW_ENOCONVERGE = -6  /* an iteration stopped without converging */
} fslaw_status;

/* Longest error message, including the terminating NUL. */
#define FSLAW_ERRMSG_MAX 1024

/* Largest number of parameters of any law (loss-curve or table law): a
 * values array of this many doubles fits every one. */
#define FSLAW_MAX_PARAMS 16

/* An error message filled by a failing call; caller-owned, usually on the stack. */
typedef struct fslaw_error {
  char msg[FSLAW_ERRMSG_MAX]; /* NUL-terminated human-readable message */
} fslaw_error;

/* Static text for a status ("ok", "invalid argument", ...). */
const char *fslaw_status_to_string(fslaw_status status);

/* Version of the library as "MAJOR.MINOR.PATCH"; the headers' is
 * FSLAW_VERSION_STRING (fslaw/version.h). */
const char *fslaw_version(void);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
