/* status.c: status strings, the library version and the small helpers of
 * internal.h (errors, strings, files, numbers, sums). */
#include "fslaw/common.h"
#include "version.h"

const char *fslaw_status_string(fslaw_status status) {
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

char *fslaw_num(double v, char buf[32]) {
  for (int p = 15; p <= 17; p++) {
    snprintf(buf, 32, "%.*g", p, v);
    if (strtod(buf, NULL) == v) break;
  }
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
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return fslaw_fail(err, FSLAW_EIO, "%s: read error", path);
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return FSLAW_OK;
}
