/* fitted.c: which of the given runs a params file's fit was made on, and
 * reading them as it read them (fitted.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fitted.h"

/* Whether path `tail` names the end of `path` at a '/' boundary. */
static int path_ends_with(const char *path, const char *tail) {
  while (tail[0] == '.' && tail[1] == '/') tail += 2;
  size_t a = strlen(path), b = strlen(tail);
  return b && b <= a && !strcmp(path + a - b, tail) && (a == b || path[a - b - 1] == '/');
}

/* The real path of a run: of its file, or for a run of an MLflow database
 * named as DB#RUN, of DB followed by #RUN; NULL if not found. */
static char *run_realpath(const char *path) {
  char *r = realpath(path, NULL);
  const char *hash = cli_store_hash(path);
  if (r || !hash) return r;
  char *db = malloc((size_t)(hash - path) + 1);
  if (db) memcpy(db, path, (size_t)(hash - path)), db[hash - path] = '\0';
  char *dr = db ? realpath(db, NULL) : NULL;
  free(db);
  if (dr && (r = malloc(strlen(dr) + strlen(hash) + 1))) sprintf(r, "%s%s", dr, hash);
  free(dr);
  return r;
}

/* The real path of a fitted run as the fit named it, read from the folder
 * of the params file (where a fit often runs); NULL if not found. */
static char *fitted_beside(const char *fitted, const char *params) {
  const char *slash = strrchr(params, '/');
  if (fitted[0] == '/' || !slash) return NULL;
  size_t n = (size_t)(slash - params) + 1;
  char *joined = malloc(n + strlen(fitted) + 1);
  if (!joined) return NULL;
  memcpy(joined, params, n);
  strcpy(joined + n, fitted);
  char *r = run_realpath(joined);
  free(joined);
  return r;
}

/* Whether `path` is the fitted run `fitted`: its real path is the fitted
 * file's, read beside the params file (where a fit often runs) or else from
 * here, when either is found (two files of the same name, e.g. every run's
 * trainer_state.json, are different runs); else one path is the tail of the
 * other (the fit ran from another folder; *guessed = 1). */
static int same_run(const char *fitted, const char *path, const char *params, int *guessed) {
  char *here = run_realpath(fitted), *beside = fitted_beside(fitted, params);
  char *rp = run_realpath(path);
  const char *file = beside ? beside : here; /* one file, not two */
  int found = file != NULL;
  int same = rp && file && !strcmp(file, rp);
  free(here);
  free(beside);
  free(rp);
  if (found) return same;
  same = path_ends_with(fitted, path) || path_ends_with(path, fitted);
  *guessed |= same;
  return same;
}

const char *cli_fitted_name(const char *cmd, const cJSON *meta, const char *path,
                            const char *params) {
  const cJSON *it, *runs = cJSON_GetObjectItemCaseSensitive(meta, "runs");
  cJSON_ArrayForEach(it, runs) {
    int guessed = 0;
    if (!cJSON_IsString(it) || !same_run(it->valuestring, path, params, &guessed)) continue;
    if (guessed && cmd)
      fprintf(stderr, "fslaw %s: note: %s is taken for the fitted run %s by its name (that "
                      "file is not found from here)\n", cmd, path, it->valuestring);
    return it->valuestring;
  }
  return NULL;
}

const char *cli_fitted_schedule(const cJSON *meta, const char *fitted) {
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(meta, "schedules");
  const cJSON *spec = fitted ? cJSON_GetObjectItemCaseSensitive(s, fitted) : NULL;
  return cJSON_IsString(spec) && *spec->valuestring ? spec->valuestring : NULL;
}

/* A recorded file: schedule whose relative path is found beside the params
 * file, as a fitted run is first looked for there (same_run): the spec
 * with that path (to free), else NULL (the recorded spec as it is). */
static char *recorded_beside(const char *spec, const char *params) {
  const char *p = strncmp(spec, "file:", 5) ? NULL : strstr(spec + 5, "path=");
  if (!p) return NULL;
  p += 5;
  size_t len = strcspn(p, ",");
  char *path = malloc(len + 1), *beside = NULL, *out = NULL;
  if (path) memcpy(path, p, len), path[len] = '\0', beside = fitted_beside(path, params);
  if (beside && (out = malloc(strlen(spec) + strlen(beside) + 1)))
    sprintf(out, "%.*s%s%s", (int)(p - spec), spec, beside, p + len);
  free(path);
  free(beside);
  return out;
}

int cli_read_as_fitted(const char *cmd, const cli_run_opts *given, const char *params,
                       const char *path, const char *recorded, fslaw_run **run) {
  if (!recorded || cli_run_schedule(given, path, NULL)) return cli_read_run(cmd, path, given, run);
  cli_run_opts *ro = malloc(sizeof *ro); /* as if given --schedule PATH=SPEC */
  if (!ro) return cli_error(cmd, "out of memory");
  char *beside = recorded_beside(recorded, params);
  *ro = *given;
  ro->nschedule = 1;
  ro->schedule[0] = ro->sched_spec[0] = beside ? beside : recorded;
  ro->sched_run[0] = path;
  ro->matched = 1;
  fprintf(stderr, "fslaw %s: note: %s is read with the schedule its fit recorded, %s "
                  "(--schedule %s=SPEC gives another)\n", cmd, path, recorded, path);
  int rc = cli_read_run(cmd, path, ro, run);
  free(ro);
  free(beside);
  return rc;
}

cJSON *cli_params_meta(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0, got;
  char *buf = malloc(cap + 1);
  while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      char *grown = realloc(buf, 2 * cap + 1);
      if (!grown) free(buf);
      buf = grown;
      cap *= 2;
    }
  }
  fclose(f);
  if (!buf) return NULL;
  buf[len] = '\0';
  cJSON *j = cJSON_Parse(buf);
  free(buf);
  return j;
}

int cli_read_given_run(const char *cmd, const cli_run_opts *given, const char *params,
                       const cJSON *meta, const char *path, fslaw_run **run) {
  const char *fitted = meta ? cli_fitted_name(NULL, meta, path, params) : NULL;
  return cli_read_as_fitted(cmd, given, params, path, cli_fitted_schedule(meta, fitted), run);
}
