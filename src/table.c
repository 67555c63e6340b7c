/* table.c: tables of runs (inputs N, D or C and a loss) read from CSV with
 * column mapping and row filters, or built from training logs (fslaw/table.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fslaw/table.h"
#include "internal.h"

struct fslaw_table {
  size_t ninputs;   /* inputs per row (1 or 2) */
  size_t n, cap;    /* rows stored, capacity */
  double *x;        /* inputs, n * ninputs */
  double *loss;     /* losses (NaN where optional and absent) */
  size_t *line;     /* source line of each row (0 = added by hand) */
};

fslaw_table *fslaw_table_create(size_t ninputs) {
  if (ninputs < 1 || ninputs > 2) return NULL;
  fslaw_table *t = calloc(1, sizeof *t);
  if (t) t->ninputs = ninputs;
  return t;
}

void fslaw_table_destroy(fslaw_table *t) {
  if (!t) return;
  free(t->x);
  free(t->loss);
  free(t->line);
  free(t);
}

size_t fslaw_table_rows(const fslaw_table *t) { return t->n; }
size_t fslaw_table_ninputs(const fslaw_table *t) { return t->ninputs; }
const double *fslaw_table_x(const fslaw_table *t) { return t->x; }
const double *fslaw_table_loss(const fslaw_table *t) { return t->loss; }
size_t fslaw_table_line(const fslaw_table *t, size_t i) { return i < t->n ? t->line[i] : 0; }

/* ---- repeated inputs ---- */

/* One row as a sort key: inputs, loss, row. */
typedef struct {
  double x[2], loss;
  size_t row;
} dup_key;

/* A total order of doubles, NaN (an absent loss) last and equal to NaN. */
static int cmp_num(double a, double b) {
  if (isnan(a) || isnan(b)) return isnan(a) - isnan(b);
  return (a > b) - (a < b);
}

static int cmp_key(const void *pa, const void *pb) {
  const dup_key *a = pa, *b = pb;
  int c = cmp_num(a->x[0], b->x[0]);
  if (!c) c = cmp_num(a->x[1], b->x[1]);
  if (!c) c = cmp_num(a->loss, b->loss);
  return c ? c : (a->row > b->row) - (a->row < b->row);
}

static int same_inputs(const dup_key *a, const dup_key *b) {
  return !cmp_num(a->x[0], b->x[0]) && !cmp_num(a->x[1], b->x[1]);
}

/* Sorted by (inputs, loss, row), rows with equal inputs form a group and
 * rows with an equal loss a run inside it, each headed by its earliest row:
 * a run's later rows are copies of its head; a head other than the group's
 * earliest row repeats that row with another loss. */
static void mark_repeats(const dup_key *k, size_t n, fslaw_table_dup *of) {
  for (size_t g = 0, h; g < n; g = h) {
    size_t first = k[g].row;
    for (h = g + 1; h < n && same_inputs(&k[h], &k[g]); h++)
      if (k[h].row < first) first = k[h].row;
    for (size_t i = g, head = g; i < h; i++) {
      if (cmp_num(k[i].loss, k[head].loss)) head = i;
      if (i > head) of[k[i].row] = (fslaw_table_dup){k[i].row, k[head].row, 1};
      else if (k[i].row != first) of[k[i].row] = (fslaw_table_dup){k[i].row, first, 0};
    }
  }
}

fslaw_status fslaw_table_duplicates(const fslaw_table *t, fslaw_table_dup *dups, size_t max,
                                    size_t *count, fslaw_error *err) {
  *count = 0;
  dup_key *k = malloc((t->n ? t->n : 1) * sizeof *k);
  fslaw_table_dup *of = malloc((t->n ? t->n : 1) * sizeof *of);
  if (!k || !of) {
    free(k);
    free(of);
    return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < t->n; i++) {
    const double *x = t->x + i * t->ninputs;
    k[i] = (dup_key){{x[0], t->ninputs > 1 ? x[1] : 0}, t->loss[i], i};
    of[i] = (fslaw_table_dup){i, i, 0}; /* first == row: not a repeat */
  }
  qsort(k, t->n, sizeof *k, cmp_key);
  mark_repeats(k, t->n, of);
  for (size_t i = 0; i < t->n; i++)
    if (of[i].first != i && (*count)++ < max) dups[*count - 1] = of[i];
  free(k);
  free(of);
  return FSLAW_OK;
}

static int grow(fslaw_table *t) {
  if (t->n < t->cap) return 1;
  size_t cap = t->cap ? 2 * t->cap : 256;
  double *x = realloc(t->x, cap * t->ninputs * sizeof *x);
  if (x) t->x = x;
  double *l = x ? realloc(t->loss, cap * sizeof *l) : NULL;
  if (l) t->loss = l;
  size_t *ln = l ? realloc(t->line, cap * sizeof *ln) : NULL;
  if (ln) t->line = ln;
  if (!ln) return 0;
  t->cap = cap;
  return 1;
}

/* Append without validation (callers validate with positions). */
static fslaw_status push(fslaw_table *t, const double *x, double loss, size_t line,
                         fslaw_error *err) {
  if (!grow(t)) return fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  for (size_t k = 0; k < t->ninputs; k++) t->x[t->n * t->ninputs + k] = x[k];
  t->loss[t->n] = loss;
  t->line[t->n++] = line;
  return FSLAW_OK;
}

fslaw_status fslaw_table_add(fslaw_table *t, const double *x, double loss, fslaw_error *err) {
  for (size_t k = 0; k < t->ninputs; k++)
    if (!(x[k] > 0) || !isfinite(x[k]))
      return fslaw_fail(err, FSLAW_EINVAL, "input %zu of a row must be positive and finite, got %g",
                        k + 1, x[k]);
  if (!(loss > 0) || !isfinite(loss))
    return fslaw_fail(err, FSLAW_EINVAL, "a loss must be positive and finite, got %g", loss);
  return push(t, x, loss, 0, err);
}

fslaw_status fslaw_table_add_run(fslaw_table *t, const fslaw_run *run, double n,
                                 double min_tokens, size_t *skipped, fslaw_error *err) {
  if (skipped) *skipped = 0;
  if (t->ninputs != 2)
    return fslaw_fail(err, FSLAW_EINVAL, "training logs give (N, D) rows; the table has one input");
  if (!(n > 0) || !isfinite(n))
    return fslaw_fail(err, FSLAW_EINVAL, "run '%s': N must be positive and finite, got %g",
                      fslaw_run_name(run), n);
  const double *tok = fslaw_run_tokens(run), *loss = fslaw_run_loss(run);
  const size_t *step = fslaw_run_loss_steps(run);
  if (!tok)
    return fslaw_fail(err, FSLAW_EINVAL, "run '%s' has no 'tokens' column (name it with --col tokens=COLUMN)",
                      fslaw_run_name(run));
  size_t added = 0, unseen = 0;
  for (size_t i = 0; i < fslaw_run_nloss(run); i++) {
    if (!(loss[i] > 0) || !isfinite(loss[i])) /* as a table's loss: a broken log, not a row to drop */
      return fslaw_fail(err, FSLAW_EINVAL, "run '%s': step %zu: the loss must be positive and finite, got %g",
                        fslaw_run_name(run), step[i], loss[i]);
    if (!(tok[i] > 0) || !isfinite(tok[i])) { /* no tokens (logged or seen yet): no D to fit */
      unseen++;
      continue;
    }
    if (!(tok[i] > min_tokens)) continue;
    double x[2] = {n, tok[i]};
    fslaw_status st = push(t, x, loss[i], 0, err);
    if (st) return st;
    added++;
  }
  if (skipped) *skipped = unseen;
  if (!added)
    return fslaw_fail(err, FSLAW_EINVAL, "run '%s' has no checkpoint with positive tokens%s and loss",
                      fslaw_run_name(run), min_tokens > 0 ? " above the minimum" : "");
  return FSLAW_OK;
}

/* ---- CSV reading ---- */

/* One parsed filter. */
typedef struct {
  const char *text;  /* the filter as given */
  char col[128];     /* column name */
  const char *value; /* right-hand side */
  int negate;        /* "!=" */
  long idx;          /* column index in the header */
} filter;

static fslaw_status parse_filter(const char *name, const char *text, filter *f, fslaw_error *err) {
  const char *eq = strchr(text, '=');
  memset(f, 0, sizeof *f);
  f->text = text;
  if (!eq || eq == text)
    return fslaw_fail(err, FSLAW_EINVAL, "%s: filter '%s': expected COL=VALUE or COL!=VALUE", name,
                      text);
  size_t len = (size_t)(eq - text);
  f->negate = text[len - 1] == '!';
  if (f->negate) len--;
  if (!len || len >= sizeof f->col)
    return fslaw_fail(err, FSLAW_EINVAL, "%s: filter '%s': bad column name", name, text);
  memcpy(f->col, text, len);
  f->value = eq + 1;
  return FSLAW_OK;
}

/* strtod of trimmed text; 1 when the whole text is a number. */
static int as_number(const char *s, double *v) {
  while (isspace((unsigned char)*s)) s++;
  if (!*s) return 0;
  char *end;
  errno = 0;
  *v = fslaw_strtod(s, &end);
  while (isspace((unsigned char)*end)) end++;
  return !*end;
}

static int filter_holds(const filter *f, const char *cell) {
  double a, b;
  int eq = as_number(cell, &a) && as_number(f->value, &b) ? a == b : !strcmp(cell, f->value);
  return f->negate ? !eq : eq;
}

/* Reader state for one file. */
typedef struct {
  const char *name;          /* file name for messages */
  const char *colname[3];    /* input columns then the loss column */
  long idx[3];               /* their header indices (-1 = absent) */
  size_t ncols;              /* ninputs + 1 */
  int loss_optional;         /* see fslaw_table_spec */
  filter *filters;           /* parsed filters */
  size_t nfilters;           /* number of filters */
} reader;

static fslaw_status header(reader *rd, const csv_reader *r, fslaw_error *err) {
  char have[256] = "";
  for (size_t i = 0; i < r->nfields; i++) {
    if (i) strncat(have, ", ", sizeof have - strlen(have) - 1);
    strncat(have, r->fields[i].text, sizeof have - strlen(have) - 1);
  }
  for (size_t k = 0; k < rd->ncols + rd->nfilters; k++) {
    const char *want = k < rd->ncols ? rd->colname[k] : rd->filters[k - rd->ncols].col;
    long idx = -1;
    for (size_t i = 0; i < r->nfields; i++) {
      if (strcmp(r->fields[i].text, want)) continue;
      if (idx >= 0)
        return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: column '%s' appears twice", rd->name,
                          r->fields[i].line, r->fields[i].col, want);
      idx = (long)i;
    }
    int optional = k == rd->ncols - 1 && rd->loss_optional;
    if (idx < 0 && !optional)
      return fslaw_fail(err, FSLAW_EPARSE, "%s:1: missing column '%s'%s (the header has: %s)",
                        rd->name, want, k >= rd->ncols ? " named in a filter" : "", have);
    if (k < rd->ncols) rd->idx[k] = idx;
    else rd->filters[k - rd->ncols].idx = idx;
  }
  return FSLAW_OK;
}

static fslaw_status cell_value(const reader *rd, const csv_field *f, size_t k, double *v,
                               fslaw_error *err) {
  int optional = k == rd->ncols - 1 && rd->loss_optional;
  const char *s = f->text;
  while (isspace((unsigned char)*s)) s++;
  if (!*s && optional) {
    *v = NAN;
    return FSLAW_OK;
  }
  const char *what = NULL;
  char msg[160];
  if (!as_number(s, v)) {
    snprintf(msg, sizeof msg, "expected a number, got '%.60s'", f->text);
    what = msg;
  } else if (isnan(*v)) {
    what = "NaN is not a valid value";
  } else if (!isfinite(*v)) {
    what = "infinite value";
  } else if (!(*v > 0)) {
    snprintf(msg, sizeof msg, "must be positive, got %.17g", *v);
    what = msg;
  }
  if (!what) return FSLAW_OK;
  return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: column '%s': %s", rd->name, f->line, f->col,
                    rd->colname[k], what);
}

static fslaw_status record(const reader *rd, const csv_reader *r, size_t nheader,
                           fslaw_table *t, fslaw_error *err) {
  if (r->nfields != nheader) {
    const csv_field *f = &r->fields[r->nfields < nheader ? r->nfields - 1 : nheader];
    return fslaw_fail(err, FSLAW_EPARSE, "%s:%zu:%zu: expected %zu fields as in the header, found %zu",
                      rd->name, f->line, f->col, nheader, r->nfields);
  }
  for (size_t j = 0; j < rd->nfilters; j++)
    if (!filter_holds(&rd->filters[j], r->fields[rd->filters[j].idx].text)) return FSLAW_OK;
  double v[3];
  for (size_t k = 0; k < rd->ncols; k++) {
    if (rd->idx[k] < 0) {
      v[k] = NAN;
      continue;
    }
    fslaw_status st = cell_value(rd, &r->fields[rd->idx[k]], k, &v[k], err);
    if (st) return st;
  }
  return push(t, v, v[rd->ncols - 1], r->fields[0].line, err);
}

static fslaw_status read_rows(reader *rd, const char *data, size_t len, fslaw_table *t,
                              fslaw_error *err) {
  csv_reader r;
  fslaw_csv_init(&r, rd->name, data, len);
  int rc = fslaw_csv_next(&r, err);
  fslaw_status st = FSLAW_OK;
  if (rc <= 0) {
    fslaw_csv_free(&r);
    return rc < 0 ? (fslaw_status)rc
                  : fslaw_fail(err, FSLAW_EPARSE, "%s: empty file (expected a header line)", rd->name);
  }
  size_t nheader = r.nfields;
  st = header(rd, &r, err);
  while (!st && (rc = fslaw_csv_next(&r, err)) > 0) st = record(rd, &r, nheader, t, err);
  if (!st && rc < 0) st = (fslaw_status)rc;
  fslaw_csv_free(&r);
  return st;
}

fslaw_status fslaw_table_parse(const char *name, const char *data, size_t len,
                               const fslaw_table_spec *spec, fslaw_table **out,
                               fslaw_error *err) {
  *out = NULL;
  if (!spec) return fslaw_fail(err, FSLAW_EINVAL, "%s: table spec is NULL", name ? name : "table");
  if (spec->ninputs < 1 || spec->ninputs > 2)
    return fslaw_fail(err, FSLAW_EINVAL, "a table has 1 or 2 inputs, not %zu", spec->ninputs);
  static const char *const def2[2] = {"N", "D"};
  reader rd = {name, {0}, {-1, -1, -1}, spec->ninputs + 1, spec->loss_optional, NULL, 0};
  for (size_t k = 0; k < spec->ninputs; k++)
    rd.colname[k] = spec->input_col[k] ? spec->input_col[k] : spec->ninputs == 1 ? "C" : def2[k];
  rd.colname[spec->ninputs] = spec->loss_col ? spec->loss_col : "loss";
  rd.filters = calloc(spec->nwhere + 1, sizeof *rd.filters);
  fslaw_table *t = fslaw_table_create(spec->ninputs);
  fslaw_status st = rd.filters && t ? FSLAW_OK : fslaw_fail(err, FSLAW_ENOMEM, "out of memory");
  for (size_t j = 0; !st && j < spec->nwhere; j++)
    st = parse_filter(name, spec->where[j], &rd.filters[rd.nfilters++], err);
  if (!st) st = read_rows(&rd, data, len, t, err);
  if (!st && !t->n)
    st = fslaw_fail(err, FSLAW_EINVAL, "%s: no row%s", name,
                    spec->nwhere ? " passes the --where filters" : " after the header");
  free(rd.filters);
  if (st) {
    fslaw_table_destroy(t);
    return st;
  }
  *out = t;
  return FSLAW_OK;
}

fslaw_status fslaw_table_read(const char *path, const fslaw_table_spec *spec,
                              fslaw_table **out, fslaw_error *err) {
  *out = NULL;
  if (!spec) return fslaw_fail(err, FSLAW_EINVAL, "%s: table spec is NULL", path ? path : "table");
  char *data;
  size_t len;
  fslaw_status st = fslaw_read_file(path, &data, &len, err);
  if (st) return st;
  st = fslaw_table_parse(path, data, len, spec, out, err);
  free(data);
  return st;
}
