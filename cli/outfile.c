/* outfile.c: atomic output files: write a temporary file, rename on success,
 * never overwrite an input. Only a regular file (or a new one) is replaced
 * so: renaming over /dev/null or a pipe would replace the device itself (as
 * root), and over a symbolic link the link, so those are written in place
 * (a device or pipe) or through the link (its target). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"

/* Whether the regular file at path holds something other than fitted
 * parameters (an object with "law", or an array of them): a log or a table
 * that a mistyped --out would destroy. Parameters are replaced. */
static int holds_other_data(const char *path) {
  struct stat st;
  if (stat(path, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) return 0;
  if (st.st_size > (1 << 26)) return 1; /* no parameters file is that large */
  FILE *f = fopen(path, "rb");
  char *buf = f ? malloc((size_t)st.st_size) : NULL;
  size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
  if (f) fclose(f);
  cJSON *v = buf ? cJSON_ParseWithLength(buf, n) : NULL;
  const cJSON *first = cJSON_IsArray(v) ? v->child : v;
  int params = cJSON_IsObject(first) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(first, "law"));
  cJSON_Delete(v);
  free(buf);
  return buf && !params; /* unreadable: the write itself will say so */
}

int cli_check_params_target(const char *cmd, const char *opt, const char *path) {
  if (!path || !holds_other_data(path)) return 0;
  return cli_error(cmd, "option '--%s': '%s' exists and holds no fitted parameters (a log? it "
                   "would be overwritten); remove it first or choose another name", opt, path);
}

int cli_check_target(const char *cmd, const char *opt, const char *path) {
  struct stat st;
  if (!path || !strcmp(path, "-")) return 0;
  if (!stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) /* written in place */
    return access(path, W_OK) ? cli_error(cmd, "option '--%s': cannot write '%s'", opt, path) : 0;
  char dir[4096];
  const char *slash = strrchr(path, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
           slash ? path : ".");
  if (stat(dir, &st))
    return cli_error(cmd, "option '--%s': folder '%s' does not exist", opt, dir);
  if (!S_ISDIR(st.st_mode))
    return cli_error(cmd, "option '--%s': '%s' is not a folder", opt, dir);
  if (access(dir, W_OK | X_OK)) return cli_error(cmd, "option '--%s': cannot write in '%s'", opt, dir);
  if (!stat(path, &st) && S_ISDIR(st.st_mode))
    return cli_error(cmd, "option '--%s': '%s' is a folder", opt, path);
  return 0;
}

int cli_same_file(const char *a, const char *b) {
  struct stat sa, sb;
  return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cli_out_open(const char *cmd, cli_out *o, const char *path, const char *const *inputs,
                 size_t ninputs) {
  memset(o, 0, sizeof *o);
  if (!path || !strcmp(path, "-")) {
    o->f = stdout;
    return 0;
  }
  for (size_t i = 0; i < ninputs; i++)
    if (inputs[i] && cli_same_file(path, inputs[i]))
      return cli_error(cmd, "refusing to overwrite the input file '%s'", path);
  struct stat st;
  if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) return cli_error(cmd, "cannot write '%s': it is a folder", path);
    o->f = fopen(path, "w"); /* a device or a pipe: nothing to replace */
    if (!o->f) return cli_error(cmd, "cannot write '%s': %s", path, strerror(errno));
    o->direct = 1;
    return 0;
  }
  char *target = realpath(path, NULL); /* through a link, to its file */
  if (target) path = target;
  size_t n = strlen(path);
  o->path = malloc(n + 1);
  o->tmp = malloc(n + 16);
  if (!o->path || !o->tmp) {
    free(target);
    cli_out_abort(o);
    return cli_error(cmd, "out of memory");
  }
  memcpy(o->path, path, n + 1);
  free(target);
  snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", o->path);
  int fd = mkstemp(o->tmp);
  if (fd < 0) {
    int e = errno;
    free(o->tmp);
    o->tmp = NULL;
    int rc = cli_error(cmd, "cannot write '%s': %s", o->path, strerror(e));
    cli_out_abort(o);
    return rc;
  }
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  o->f = fdopen(fd, "w");
  if (!o->f) {
    close(fd);
    int rc = cli_error(cmd, "cannot write '%s'", o->path);
    cli_out_abort(o);
    return rc;
  }
  return 0;
}

int cli_out_commit(const char *cmd, cli_out *o) {
  if (o->direct) {
    int bad = ferror(o->f) != 0;
    bad |= fclose(o->f) != 0;
    memset(o, 0, sizeof *o);
    return bad ? cli_error(cmd, "error writing the output") : 0;
  }
  if (!o->path) {
    int bad = fflush(stdout) != 0 || ferror(stdout);
    return bad ? cli_error(cmd, "error writing to standard output") : 0;
  }
  int bad = ferror(o->f) != 0;
  bad |= fclose(o->f) != 0;
  o->f = NULL;
  if (bad || rename(o->tmp, o->path)) {
    int e = errno;
    const char *path = o->path;
    int rc = cli_error(cmd, "cannot write '%s': %s", path, strerror(e));
    cli_out_abort(o);
    return rc;
  }
  free(o->tmp);
  free(o->path);
  o->tmp = o->path = NULL;
  return 0;
}

void cli_out_abort(cli_out *o) {
  if (o->f && o->f != stdout) fclose(o->f);
  if (o->tmp) remove(o->tmp);
  free(o->tmp);
  free(o->path);
  memset(o, 0, sizeof *o);
}
