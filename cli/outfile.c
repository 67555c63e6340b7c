/* outfile.c: atomic output files: write a temporary file, rename on success,
 * never overwrite an input. Only a regular file (or a new one) is replaced
 * so: renaming over /dev/null or a pipe would replace the device itself (as
 * root), and over a symbolic link the link, so those are written in place
 * (a device or pipe) or through the link (its target). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"

/* The temporary files open now, removed by a handler on SIGINT, SIGTERM,
 * SIGHUP or SIGPIPE (a summary piped into `head`) so that an interrupted
 * command leaves none behind. Global because a
 * signal handler gets no context argument (the library has no such state).
 * The handler may run at any point, even on another thread, so a path is
 * stored before the count that makes it visible, and a file is renamed or
 * removed before its path leaves (the handler's unlink then finds nothing);
 * no command holds more than FSLAW_FIT_MAX_GROUPS outputs at once. */
#define MAX_TMP 32
static const char *volatile tmp_paths[MAX_TMP];
static volatile sig_atomic_t tmp_count;
static const int tmp_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
#define NSIGNALS (sizeof tmp_signals / sizeof tmp_signals[0])

/* Remove the temporary files, then die of the signal with the default action
 * (SA_RESETHAND restored it): the exit status stays the conventional one. */
static void on_signal(int sig) {
  for (sig_atomic_t i = 0; i < tmp_count; i++) unlink(tmp_paths[i]);
  raise(sig); /* delivered when the handler returns */
}

/* Install the handler once, leaving a signal ignored as it was (nohup, or
 * SIGINT in a background job). */
static void install_handler(void) {
  static int installed;
  if (installed) return;
  installed = 1;
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < NSIGNALS; i++) sigaddset(&sa.sa_mask, tmp_signals[i]);
  for (size_t i = 0; i < NSIGNALS; i++)
    if (!sigaction(tmp_signals[i], NULL, &old) && old.sa_handler != SIG_IGN)
      sigaction(tmp_signals[i], &sa, NULL);
}

/* Block the handled signals in this thread, the mask before into *old:
 * a file made by mkstemp is registered before a signal can leave it behind. */
static void block_signals(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < NSIGNALS; i++) sigaddset(&set, tmp_signals[i]);
  pthread_sigmask(SIG_BLOCK, &set, old);
}

static void register_tmp(const char *path) {
  install_handler();
  if (tmp_count == MAX_TMP) return; /* not removed on a signal, still on abort */
  tmp_paths[tmp_count] = path;
  tmp_count = tmp_count + 1;
}

/* Forget path, whose file is gone (renamed or removed): the last entry moves
 * into its place before the count drops, so the handler sees every other. */
static void unregister_tmp(const char *path) {
  for (sig_atomic_t i = 0; i < tmp_count; i++)
    if (tmp_paths[i] == path) {
      tmp_paths[i] = tmp_paths[tmp_count - 1];
      tmp_count = tmp_count - 1;
      return;
    }
}

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
  if (!*path) /* an unset shell variable: refused before any work */
    return cli_error(cmd, "option '--%s': expected a path, got ''", opt);
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

/* Whether the regular non-empty file at path begins with none of the heads
 * in `heads` (separated by '|'): a file this output would destroy (e.g. a
 * training log named by mistake), not an earlier output of the same kind. */
static int begins_otherwise(const char *path, const char *heads, char *first, size_t len) {
  struct stat st;
  if (stat(path, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) return 0;
  FILE *f = fopen(path, "rb");
  size_t n = f ? fread(first, 1, len - 1, f) : 0;
  if (f) fclose(f);
  first[n] = 0;
  int other = f != NULL;
  for (const char *h = heads; other && *h;) {
    size_t k = strcspn(h, "|");
    other = n < k || memcmp(first, h, k) != 0;
    h += k + (h[k] == '|');
  }
  first[strcspn(first, "\r\n")] = 0; /* its first line, for the message */
  return other;
}

int cli_check_outputs(const char *cmd, const cli_target *t, size_t n, const char *const *inputs,
                      size_t ninputs) {
  for (size_t i = 0; i < n; i++) {
    const char *p = t[i].path;
    if (!p || !strcmp(p, "-")) continue;
    if (cli_check_target(cmd, t[i].opt, p)) return 1;
    for (size_t j = 0; j < ninputs; j++)
      if (inputs[j] && cli_same_file(p, inputs[j]))
        return cli_error(cmd, "option '--%s': refusing to overwrite the input file '%s'", t[i].opt, p);
    for (size_t j = 0; j < i; j++)
      if (t[j].path && (!strcmp(p, t[j].path) || cli_same_file(p, t[j].path)))
        return cli_error(cmd, "options '--%s' and '--%s' name the same file '%s'", t[j].opt,
                         t[i].opt, p);
    char first[64];
    if (t[i].head && begins_otherwise(p, t[i].head, first, sizeof first))
      return cli_error(cmd, "option '--%s': '%s' exists and holds other data (it begins '%.40s'); "
                       "remove it first or choose another name", t[i].opt, p, first);
  }
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
    o->f = tmpfile(); /* no temporary file (a full /tmp): stdout itself, as it comes */
    o->stdout_ = o->f != NULL;
    if (!o->f) o->f = stdout;
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
  sigset_t sigmask;
  block_signals(&sigmask);
  int fd = mkstemp(o->tmp), e = errno;
  if (fd >= 0) register_tmp(o->tmp);
  pthread_sigmask(SIG_SETMASK, &sigmask, NULL);
  if (fd < 0) {
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

/* Standard output committed by the command, copied when it has succeeded
 * (cli_stdout_finish): after every file is in place, so that a reader that
 * stops early (`| head`, whose SIGPIPE ends us) costs no file, and a later
 * failure prints nothing. Global for the same reason as the handler's list:
 * the commit and the finish are in different calls of one process. */
#define MAX_PENDING 8
static FILE *pending[MAX_PENDING];
static size_t npending;

/* Copy the temporary file f to stdout and close it; non-zero on an error. */
static int copy_to_stdout(FILE *f) {
  char buf[1 << 16];
  int bad = ferror(f) != 0 || fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0;
  for (size_t n; !bad && (n = fread(buf, 1, sizeof buf, f)) > 0;)
    bad = fwrite(buf, 1, n, stdout) != n;
  bad |= ferror(f) != 0;
  fclose(f);
  return bad;
}

/* Commit of standard output: kept for cli_stdout_finish (copied now when
 * more are pending than it keeps). */
static int commit_stdout(const char *cmd, cli_out *o) {
  FILE *f = o->f;
  memset(o, 0, sizeof *o);
  if (ferror(f)) {
    fclose(f);
    return cli_error(cmd, "error writing to standard output");
  }
  if (npending < MAX_PENDING) {
    pending[npending++] = f;
    return 0;
  }
  int bad = copy_to_stdout(f);
  bad |= fflush(stdout) != 0 || ferror(stdout);
  return bad ? cli_error(cmd, "error writing to standard output") : 0;
}

int cli_stdout_finish(const char *cmd, int rc) {
  int bad = 0;
  for (size_t i = 0; i < npending; i++) {
    if (!rc && !bad) bad = copy_to_stdout(pending[i]);
    else fclose(pending[i]);
  }
  npending = 0;
  if (rc) return rc;
  bad |= fflush(stdout) != 0 || ferror(stdout);
  return bad ? cli_error(cmd, "error writing to standard output") : 0;
}

int cli_out_commit(const char *cmd, cli_out *o) {
  if (o->direct) {
    int bad = ferror(o->f) != 0;
    bad |= fclose(o->f) != 0;
    memset(o, 0, sizeof *o);
    return bad ? cli_error(cmd, "error writing the output") : 0;
  }
  if (o->stdout_) return commit_stdout(cmd, o);
  if (o->f == stdout) {
    memset(o, 0, sizeof *o);
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
  unregister_tmp(o->tmp);
  free(o->tmp);
  free(o->path);
  o->tmp = o->path = NULL;
  return 0;
}

void cli_out_abort(cli_out *o) {
  if (o->f && o->f != stdout) fclose(o->f);
  if (o->tmp) remove(o->tmp), unregister_tmp(o->tmp);
  free(o->tmp);
  free(o->path);
  memset(o, 0, sizeof *o);
}

static int is_stdout(const char *path) { return !path || !strcmp(path, "-"); }

int cli_out_pair_open(const char *cmd, cli_out_pair *p, const char *out, const char *plot_path,
                      const char *const *inputs, size_t ninputs) {
  memset(p, 0, sizeof *p);
  if (plot_path && (is_stdout(out) ? is_stdout(plot_path)
                                   : !strcmp(out, plot_path) || cli_same_file(out, plot_path)))
    return cli_error(cmd, "options '--out' and '--plot' name the same file '%s'",
                     is_stdout(plot_path) ? "-" : plot_path);
  if (cli_out_open(cmd, &p->data, out, inputs, ninputs)) return 1;
  if (plot_path && cli_out_open(cmd, &p->plot, plot_path, inputs, ninputs)) {
    cli_out_abort(&p->data);
    return 1;
  }
  return 0;
}

int cli_out_pair_close(const char *cmd, cli_out_pair *p, int rc) {
  if (!rc) rc = cli_out_commit(cmd, &p->data);
  if (!rc && p->plot.f) rc = cli_out_commit(cmd, &p->plot);
  if (rc) cli_out_abort(&p->data), cli_out_abort(&p->plot);
  return rc;
}
