/* status.c: status strings, the library version and the small helpers of
 * internal.h (errors, strings, files, numbers, sums). */
#define _POSIX_C_SOURCE 200809L /* newlocale, uselocale */
#include "fslaw/common.h"
#include "fslaw/version.h"

const char *fslaw_status_to_string(fslaw_status status) {
  switch (status) {
  case FSLAW_OK: return "ok";
  case FSLAW_EINVAL: return "invalid argument";
  case FSLAW_ENOMEM: return "out of memory";
  case FSLAW_EIO: return "input/output error";
  case FSLAW_EPARSE: return "malformed input";
  case FSLAW_EDIVERGED: return "diverged";
  case FSLAW_ENOCONVERGE: return "did not converge";
  }
  return "unknown status";
}

const char *fslaw_version(void) { return FSLAW_VERSION_STRING; }

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

fslaw_status fslaw_fail(fslaw_error *err, fslaw_status status, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return status;
}

/* Logs, specs and JSON use a decimal point whatever LC_NUMERIC the host
 * program set (setlocale(LC_ALL, "") under de_DE gives printf and strtod a
 * decimal comma). C has no locale-free strtod/printf and strtod_l is not
 * POSIX, so the calling thread switches to the "C" locale around the call:
 * uselocale is per thread, so no global state changes. newlocale("C") does
 * not allocate in glibc. When it fails the host's locale applies. */
typedef struct c_numeric {
  locale_t c;   /* the "C" locale object, (locale_t)0 if none */
  locale_t old; /* the thread's locale before the switch */
} c_numeric;

static c_numeric c_numeric_begin(void) {
  c_numeric s = {newlocale(LC_NUMERIC_MASK, "C", (locale_t)0), (locale_t)0};
  if (s.c) s.old = uselocale(s.c);
  return s;
}

static void c_numeric_end(c_numeric s) {
  if (!s.c) return;
  uselocale(s.old);
  freelocale(s.c);
}

double fslaw_strtod(const char *s, char **end) {
  c_numeric c = c_numeric_begin();
  double v = strtod(s, end);
  int e = errno; /* keep strtod's ERANGE across the switch back */
  c_numeric_end(c);
  errno = e;
  return v;
}

char *fslaw_num(double v, char buf[32]) {
  c_numeric c = c_numeric_begin();
  for (int p = 15; p <= 17; p++) {
    snprintf(buf, 32, "%.*g", p, v);
    if (strtod(buf, NULL) == v) break;
  }
  c_numeric_end(c);
  return buf;
}

char *fslaw_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

fslaw_status fslaw_read_file(const char *path, char **data, size_t *len, fslaw_error *err) {
  *data = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return fslaw_fail(err, FSLAW_EIO, "%s: cannot open: %s", path, strerror(errno));
  char *buf = NULL;
  size_t n = 0, cap = 0, got;
  errno = 0;
  do {
    if (n == cap) {
      cap = cap ? 2 * cap : 1 << 16;
      char *b = realloc(buf, cap + 1);
      if (!b) {
        free(buf);
        fclose(f);
        return fslaw_fail(err, FSLAW_ENOMEM, "%s: out of memory", path);
      }
      buf = b;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got);
  int bad = ferror(f), why = errno; /* EISDIR for a folder */
  fclose(f);
  if (bad) {
    free(buf);
    return fslaw_fail(err, FSLAW_EIO, "%s: read error%s%s", path, why ? ": " : "",
                      why ? strerror(why) : "");
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return FSLAW_OK;
}
