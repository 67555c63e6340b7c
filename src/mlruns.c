/* mlruns.c: metrics of a run in MLflow's file store (see mlruns.h).
 * MLflow writes meta.yaml with yaml.safe_dump of a flat mapping, and only
 * three of its top-level scalars are read here (run_name, lifecycle_stage,
 * start_time; an experiment's name), so a line reader does what a YAML
 * library would; the run's name is read first from tags/mlflow.runName,
 * which holds it verbatim. */
#include "mlruns.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

enum { LISTED = 8, PATH = 4096, DEPTH = 16 };

/* A run of the store that may be the one asked for. */
typedef struct {
  char *path;             /* its folder */
  char id[128];           /* its id: the folder's name */
  char name[256];         /* its name ("" when it has none) */
  char exp[256];          /* its experiment's name ("?" when not known) */
  long long start;        /* its start time (ms), for the order of listings */
  int deleted;            /* MLflow marks it deleted (only a run's folder given as such) */
} cand;

/* A list of runs. */
typedef struct {
  cand *v;        /* the runs */
  size_t n, cap;  /* their number, capacity */
  const char *want; /* the run asked for (NULL: any) */
  int deleted;    /* a deleted run is the one asked for */
} cands;

/* dir/entry into path[PATH]; 0 when too long. */
static int join(char *path, const char *dir, const char *entry) {
  int n = snprintf(path, PATH, "%s/%s", dir, entry);
  return n >= 0 && n < PATH;
}

static int is_dir(const char *path) {
  struct stat sb;
  return !stat(path, &sb) && S_ISDIR(sb.st_mode);
}

static int has(const char *dir, const char *entry, int dir_wanted) {
  char path[PATH];
  struct stat sb;
  if (!join(path, dir, entry)) return 0;
  return !stat(path, &sb) && (dir_wanted ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode));
}

static int is_run_dir(const char *dir) { return has(dir, "meta.yaml", 0) && has(dir, "metrics", 1); }
static int is_experiment_dir(const char *dir) {
  return has(dir, "meta.yaml", 0) && !has(dir, "metrics", 1);
}

/* The first n-1 bytes of the file dir/entry into buf; 0 when unreadable. */
static int read_small(const char *dir, const char *entry, char *buf, size_t n) {
  char path[PATH];
  if (!join(path, dir, entry)) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t got = fread(buf, 1, n - 1, f);
  fclose(f);
  buf[got] = '\0';
  return 1;
}

/* The top-level scalar `key` of a flat YAML mapping, unquoted, into out[n];
 * "" when absent. */
static void yaml_scalar(const char *text, const char *key, char *out, size_t n) {
  size_t k = strlen(key);
  out[0] = '\0';
  for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
    if (strncmp(p, key, k) || p[k] != ':') continue;
    const char *v = p + k + 1, *end = strchr(v, '\n');
    if (!end) end = v + strlen(v);
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\r')) end--;
    char q = v < end && (*v == '\'' || *v == '"') ? *v : 0;
    if (q && end - v >= 2 && end[-1] == q) v++, end--;
    size_t m = 0;
    for (; v < end && m + 1 < n; v++) {
      if (q == '\'' && v[0] == '\'' && v + 1 < end && v[1] == '\'') v++; /* '' is ' */
      out[m++] = *v;
    }
    out[m] = '\0';
    return;
  }
}

static fslaw_status add_run(cands *c, const char *dir, const char *id, const char *exp,
                            int listing, fslaw_error *err) {
  char meta[8192], stage[32], start[32];
  if (!read_small(dir, "meta.yaml", meta, sizeof meta)) meta[0] = '\0';
  yaml_scalar(meta, "lifecycle_stage", stage, sizeof stage);
  if (listing && !strcmp(stage, "deleted")) {
    char name[256] = "";
    if (!read_small(dir, "tags/mlflow.runName", name, sizeof name))
      yaml_scalar(meta, "run_name", name, sizeof name);
    c->deleted |= c->want && (!strcmp(c->want, id) || !strcmp(c->want, name));
    return FSLAW_OK;
  }
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 16;
    cand *v = realloc(c->v, cap * sizeof *v);
    if (!v) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
    c->v = v, c->cap = cap;
  }
  cand *r = &c->v[c->n];
  if (!(r->path = fslaw_strdup(dir))) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  c->n++;
  snprintf(r->id, sizeof r->id, "%s", id);
  snprintf(r->exp, sizeof r->exp, "%s", exp);
  if (!read_small(dir, "tags/mlflow.runName", r->name, sizeof r->name))
    yaml_scalar(meta, "run_name", r->name, sizeof r->name);
  r->name[strcspn(r->name, "\n")] = '\0';
  yaml_scalar(meta, "start_time", start, sizeof start);
  r->start = strtoll(start, NULL, 10);
  r->deleted = !strcmp(stage, "deleted");
  return FSLAW_OK;
}

/* The last component of path (without trailing slashes) into out[n]. */
static void base_name(const char *path, char *out, size_t n) {
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/') len--;
  size_t b = len;
  while (b > 0 && path[b - 1] != '/') b--;
  snprintf(out, n, "%.*s", (int)(len - b), path + b);
}

/* The name of the experiment whose folder is dir into out[n] ("?" if none). */
static void experiment_name(const char *dir, char *out, size_t n) {
  char meta[8192];
  out[0] = '\0';
  if (read_small(dir, "meta.yaml", meta, sizeof meta)) yaml_scalar(meta, "name", out, n);
  if (!out[0]) snprintf(out, n, "?");
}

/* Every folder in dir that is a run (experiments 0) or an experiment's. */
static fslaw_status each_in(const char *dir, int experiments, const char *exp, cands *c,
                            fslaw_error *err) {
  DIR *d = opendir(dir);
  if (!d) return fslaw_fail(err, FSLAW_EIO, "%s: cannot open: %s", dir, strerror(errno));
  fslaw_status st = FSLAW_OK;
  for (struct dirent *e; !st && (e = readdir(d));) {
    if (e->d_name[0] == '.') continue; /* .trash holds what was deleted */
    char path[PATH], name[256];
    if (!join(path, dir, e->d_name)) continue;
    if (!experiments && is_run_dir(path)) {
      st = add_run(c, path, e->d_name, exp, 1, err);
    } else if (experiments && is_experiment_dir(path)) {
      experiment_name(path, name, sizeof name);
      st = each_in(path, 0, name, c, err);
    }
  }
  closedir(d);
  return st;
}

/* The runs of the store at dir: dir itself when a run's folder. */
static fslaw_status collect(const char *dir, cands *c, fslaw_error *err) {
  char exp[256], id[128], parent[PATH];
  if (is_run_dir(dir)) {
    snprintf(parent, sizeof parent, "%s/..", dir);
    experiment_name(parent, exp, sizeof exp);
    base_name(dir, id, sizeof id);
    return add_run(c, dir, id, exp, 0, err);
  }
  if (is_experiment_dir(dir)) {
    experiment_name(dir, exp, sizeof exp);
    return each_in(dir, 0, exp, c, err);
  }
  return each_in(dir, 1, NULL, c, err);
}

static int by_start(const void *a, const void *b) {
  const cand *x = a, *y = b;
  return x->start != y->start ? (x->start < y->start ? -1 : 1) : strcmp(x->id, y->id);
}

/* "'name' (id X, experiment 'E'), ..." of the runs `run` selects (NULL:
 * all) into buf[n]; how many it selects. */
static size_t list_runs(const cands *c, const char *run, char *buf, size_t n, size_t *first) {
  size_t k = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < c->n; i++) {
    const cand *r = &c->v[i];
    if (run && strcmp(run, r->id) && strcmp(run, r->name)) continue;
    size_t used = strlen(buf);
    if (!k) *first = i;
    if (k < LISTED)
      snprintf(buf + used, n - used, "%s'%s' (id %s, experiment '%s')", k ? ", " : "", r->name,
               r->id, r->exp);
    else if (k == LISTED)
      snprintf(buf + used, n - used, ", ...");
    k++;
  }
  return k;
}

/* The index of the run `run` selects among c's. */
static fslaw_status select_run(const char *dir, const cands *c, const char *run, size_t *at,
                               fslaw_error *err) {
  char list[2048], all[2048];
  size_t k = list_runs(c, run, list, sizeof list, at), any;
  if (k == 1) return FSLAW_OK;
  if (!c->n) return fslaw_fail(err, FSLAW_EPARSE, "%s: an MLflow file store with no runs", dir);
  if (!k)
    return list_runs(c, NULL, all, sizeof all, &any),
           fslaw_fail(err, FSLAW_EPARSE, "%s: no run named or with id '%s'%s (its runs: %s)", dir,
                      run, c->deleted ? " but a deleted one" : "", all);
  return run ? fslaw_fail(err, FSLAW_EPARSE, "%s: %zu runs are named '%s': %s; give one by its "
                          "id, as %s#ID", dir, k, run, list, dir)
             : fslaw_fail(err, FSLAW_EPARSE, "%s: an MLflow file store of %zu runs: %s; give one "
                          "as %s#NAME or %s#ID", dir, k, list, dir, dir);
}

/* The metric files under dir (keys with '/' are folders), appended to r. */
static fslaw_status metric_files(const char *dir, int depth, mlr_run *r, fslaw_error *err) {
  DIR *d = opendir(dir);
  if (!d) return fslaw_fail(err, FSLAW_EIO, "%s: cannot open: %s", dir, strerror(errno));
  fslaw_status st = FSLAW_OK;
  for (struct dirent *e; !st && (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char path[PATH];
    if (!join(path, dir, e->d_name)) continue;
    if (is_dir(path)) {
      st = depth < DEPTH ? metric_files(path, depth + 1, r, err) : FSLAW_OK;
      continue;
    }
    char **f = realloc(r->file, (r->nfile + 1) * sizeof *f);
    if (!f) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
    else if (!((r->file = f)[r->nfile] = fslaw_strdup(path))) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
    else r->nfile++;
  }
  closedir(d);
  return st;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line of a metric file. */
typedef struct {
  long long time, step; /* its timestamp and step */
  double value;         /* its value */
  size_t line;          /* its line */
} value_line;

static int by_time(const void *a, const void *b) {
  const value_line *x = a, *y = b;
  if (x->time != y->time) return x->time < y->time ? -1 : 1;
  if (x->step != y->step) return x->step < y->step ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

/* Skip spaces; 1 when at least one was skipped. */
static int spaces(const char **p) {
  const char *s = *p;
  while (**p == ' ' || **p == '\t') ++*p;
  return *p > s;
}

static int at_eol(const char *p) { return *p == '\n' || *p == '\r' || *p == '\0'; }

/* An integer at *p, *p moved past it; 0 when there is none. */
static int integer(const char **p, long long *out) {
  char *end;
  *out = strtoll(*p, &end, 10);
  int ok = end > *p;
  *p = end;
  return ok;
}

/* Parse line `no` of a metric file (at s, up to its end) into v. */
static fslaw_status parse_line(const char *path, size_t no, const char *s, value_line *v,
                               fslaw_error *err) {
  const char *p = s;
  spaces(&p);
  const char *bad = p;
  int ok = integer(&p, &v->time) && spaces(&p);
  if (ok) {
    char *end;
    bad = p;
    v->value = fslaw_strtod(p, &end);
    ok = end > p;
    p = end;
  }
  int more = ok && spaces(&p) && !at_eol(p);
  ok = ok && (more || at_eol(p));
  v->step = 0; /* before MLflow 1.0 a line had no step */
  if (more) {
    bad = p;
    ok = integer(&p, &v->step);
    spaces(&p);
    if (ok && !at_eol(p)) ok = 0, bad = p; /* something after the step */
  }
  v->line = no;
  if (ok) return FSLAW_OK;
  return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: expected 'TIMESTAMP VALUE STEP', as MLflow "
                    "writes a metric", path, no, (size_t)(bad - s) + 1);
}

/* Every value of metric file i (key = its path under metrics/) to fn. */
static fslaw_status scan_file(const mlr_run *r, size_t i, size_t prefix, mlr_value_fn fn,
                              void *ctx, fslaw_error *err) {
  char *data;
  size_t len, n = 0;
  fslaw_status st = fslaw_read_file(r->file[i], &data, &len, err);
  if (st) return st;
  size_t lines = 1;
  for (size_t j = 0; j < len; j++) lines += data[j] == '\n';
  value_line *v = malloc(lines * sizeof *v);
  if (!v) st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  size_t no = 0;
  for (const char *s = data; !st && s < data + len; no++) {
    const char *eol = memchr(s, '\n', (size_t)(data + len - s));
    const char *t = s;
    spaces(&t);
    if (!at_eol(t)) st = parse_line(r->file[i], no + 1, s, &v[n++], err);
    s = eol ? eol + 1 : data + len;
  }
  if (!st && n) qsort(v, n, sizeof *v, by_time);
  for (size_t j = 0; j < n && !st; j++) {
    tfe_scalar sc = {r->file[i] + prefix, v[j].step, v[j].value, v[j].line};
    st = fn(ctx, &sc, i, err);
  }
  free(v);
  free(data);
  return st;
}

void fslaw_mlr_run_free(mlr_run *r) {
  free(r->name);
  for (size_t i = 0; i < r->nfile; i++) free(r->file[i]);
  free(r->file);
  *r = (mlr_run){0};
}

int fslaw_mlr_is_store(const char *dir) {
  if (has(dir, "meta.yaml", 0)) return 1;
  DIR *d = opendir(dir);
  if (!d) return 0;
  int found = 0;
  for (struct dirent *e; !found && (e = readdir(d));) {
    char path[PATH];
    if (!join(path, dir, e->d_name)) continue;
    found = e->d_name[0] != '.' && is_experiment_dir(path);
  }
  closedir(d);
  return found;
}

fslaw_status fslaw_mlr_scan(const char *dir, const char *run, mlr_run *r, mlr_value_fn fn, void *ctx,
                      fslaw_error *err) {
  *r = (mlr_run){0};
  cands c = {0};
  c.want = run;
  size_t at = 0;
  fslaw_status st = collect(dir, &c, err);
  if (!st && c.n) qsort(c.v, c.n, sizeof *c.v, by_start);
  if (!st) st = select_run(dir, &c, run, &at, err);
  const cand *w = st ? NULL : &c.v[at];
  if (w && !(r->name = fslaw_strdup(w->name[0] ? w->name : w->id)))
    st = fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  if (w) r->deleted = w->deleted;
  char metrics[PATH];
  if (!st) snprintf(metrics, sizeof metrics, "%s/metrics", w->path);
  if (!st) st = metric_files(metrics, 0, r, err);
  if (!st && r->nfile) qsort(r->file, r->nfile, sizeof *r->file, by_name);
  for (size_t i = 0; i < r->nfile && !st; i++)
    st = scan_file(r, i, strlen(metrics) + 1, fn, ctx, err);
  for (size_t i = 0; i < c.n; i++) free(c.v[i].path);
  free(c.v);
  return st;
}
