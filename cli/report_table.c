/* report_table.c: `fslaw report --table`: the page about a table law
 * (chinchilla, kaplan, twophase) on a table of runs: losses with the
 * prediction, predicted against observed, relative errors, parameters with
 * bootstrap intervals, the compute-optimal allocation (chinchilla) and every
 * row with the numbers of fslaw eval. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "table_cmds.h"

/* Distinct N values drawn as series of their own; with more, rows are
 * binned by log N and the prediction is read from the scatter chart. */
#define TAB_MAX_GROUPS 12
#define TAB_BINS 8
/* Points of each prediction line and of the allocation curve. */
#define TAB_LINE 80

/* Everything the --table page shows. */
typedef struct tab_page {
  const fslaw_tlaw *law;           /* the law */
  double p[16];                    /* its parameters */
  fslaw_tboot boot;                /* its bootstrap (resamples 0 = none) */
  fslaw_table *t;                  /* the table */
  size_t n, m;                     /* rows, inputs per row */
  double *pred, *are;              /* per row: prediction, |loss - pred| / loss */
  double mean_are;                 /* mean of are, as fslaw eval prints it */
  size_t ng;                       /* groups of rows (one series each) */
  size_t gs[TAB_MAX_GROUPS + 1];   /* group g is rows gs[g]..gs[g+1]-1 of the g* arrays */
  char glab[TAB_MAX_GROUPS][64];   /* group labels */
  int exact;                       /* 1: one N (or one input) per group: lines drawn */
  double *gc, *gy, *gp, *gr, *gn, *gd; /* rows by group, then C: C, loss, pred,
                                          (loss - pred) / loss, N, D */
  double *lx, *ly;                 /* prediction lines: TAB_LINE points per group */
  double *so, *sp, *sc;            /* rows by observed loss: loss, pred, C */
  const char *where[16];           /* the row filters applied (--where, or the fit's) */
  size_t nwhere;                   /* how many */
  int where_recorded;              /* 1: the fit's filters, recorded in the params JSON */
  report_notes notes;              /* allocations beyond the fitted rows (as fslaw allocate) */
} tab_page;

static void tab_free(tab_page *t) {
  free(t->boot.samples);
  report_notes_free(&t->notes);
  fslaw_table_destroy(t->t);
  double *a[] = {t->pred, t->are, t->gc, t->gy, t->gp, t->gr, t->gn, t->gd, t->lx, t->ly,
                 t->so, t->sp, t->sc};
  for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) free(a[i]);
}

/* The table spec from --col and the filters of t (as fslaw eval takes them). */
static int tab_spec(const report_opts *o, const tab_page *t, fslaw_table_spec *spec) {
  cli_table_opts to = {{0}, o->ro.ncol, {0}, t->nwhere};
  for (size_t i = 0; i < o->ro.ncol && i < 16; i++) to.col[i] = o->ro.col[i];
  for (size_t i = 0; i < t->nwhere; i++) to.where[i] = t->where[i]; /* checked there */
  if (cli_table_spec("report", t->law, &to, spec, NULL)) return 1;
  spec->where = t->where; /* the spec must not point into the local `to` */
  spec->nwhere = t->nwhere;
  return 0;
}

/* The rows to score: with --where, those; without, the rows the fit used:
 * its filters as the params JSON records them (a fit on 240 of 245 rows is
 * scored on those 240), unless the table has no column they name. */
static int tab_read_table(const report_opts *o, tab_page *t, const cJSON *meta) {
  fslaw_error err;
  fslaw_table_spec spec;
  const cJSON *w = cJSON_GetObjectItemCaseSensitive(meta, "where"), *it;
  t->nwhere = 0;
  for (size_t i = 0; i < o->nwhere; i++) t->where[t->nwhere++] = o->where[i];
  if (!o->nwhere)
    cJSON_ArrayForEach(it, w) if (cJSON_IsString(it) && t->nwhere < 16) t->where[t->nwhere++] = it->valuestring;
  t->where_recorded = !o->nwhere && t->nwhere;
  if (tab_spec(o, t, &spec)) return 1;
  if (!fslaw_table_read(o->table, &spec, &t->t, &err)) {
    if (t->where_recorded) {
      fprintf(stderr, "fslaw report: note: scoring the rows the fit used: its row filters, "
                      "recorded in %s, keep %zu rows of %s (", o->params, fslaw_table_rows(t->t), o->table);
      for (size_t i = 0; i < t->nwhere; i++) fprintf(stderr, "%s--where %s", i ? " " : "", t->where[i]);
      fprintf(stderr, "); give --where to choose other rows\n");
    }
    return 0;
  }
  if (!t->where_recorded) return cli_error("report", "%s", err.msg);
  fprintf(stderr, "fslaw report: note: the fit's row filters do not apply to %s (%s): every row "
                  "is scored\n", o->table, err.msg);
  t->nwhere = 0;
  t->where_recorded = 0;
  if (tab_spec(o, t, &spec)) return 1;
  if (fslaw_table_read(o->table, &spec, &t->t, &err)) return cli_error("report", "%s", err.msg);
  return 0;
}

/* What the rows come from, for the page: "T.csv", "2 --log runs" or both. */
static const char *tab_source(const report_opts *o, char *b, size_t n) {
  if (!o->nlogs) return o->table;
  snprintf(b, n, "%s%s%zu --log run%s", o->table ? o->table : "", o->table ? " and " : "",
           o->nlogs, o->nlogs > 1 ? "s" : "");
  return b;
}

/* The rows: the table's (tab_read_table), then the checkpoints of every
 * --log, read as fslaw fit --log reads them. */
static int tab_read(const report_opts *o, tab_page *t, const cJSON *meta) {
  if (o->table && tab_read_table(o, t, meta)) return 1;
  if (!o->table && !(t->t = fslaw_table_create(2))) return cli_error("report", "out of memory");
  cli_table_opts to = {{0}, o->ro.ncol, {0}, 0};
  for (size_t i = 0; i < o->ro.ncol && i < 16; i++) to.col[i] = o->ro.col[i];
  fslaw_table_spec spec;
  fslaw_run_columns rc;
  if (o->nlogs && cli_table_spec("report", t->law, &to, &spec, &rc)) return 1;
  return cli_table_add_logs("report", t->law, t->t, o->logs, o->nlogs, &rc, o->min_tokens);
}

/* A row's place: its group, then its compute (for sorting). */
typedef struct tab_key {
  size_t g;   /* group */
  double v;   /* sort value within the group */
  size_t i;   /* row */
} tab_key;

static int cmp_key(const void *a, const void *b) {
  const tab_key *x = a, *y = b;
  if (x->g != y->g) return x->g < y->g ? -1 : 1;
  return x->v < y->v ? -1 : x->v > y->v;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Compute of row i: C = 6 N D for two inputs (MATH.md §6), else the input. */
static double tab_compute(const tab_page *t, size_t i) {
  const double *x = fslaw_table_x(t->t) + i * t->m;
  return t->m == 2 ? 6 * x[0] * x[1] : x[0];
}

/* Group rows: by distinct N when there are few, else by bins of log N. */
static void tab_group(tab_page *t, tab_key *k) {
  const double *x = fslaw_table_x(t->t);
  double *ns = malloc(t->n * sizeof *ns), dv[TAB_MAX_GROUPS];
  size_t nd = 0;
  for (size_t i = 0; ns && t->m == 2 && i < t->n; i++) ns[i] = x[i * 2];
  if (ns && t->m == 2) {
    qsort(ns, t->n, sizeof *ns, cmp_double);
    for (size_t i = 0; i < t->n; i++)
      if (!i || ns[i] != ns[i - 1]) {
        if (nd < TAB_MAX_GROUPS) dv[nd] = ns[i];
        nd++;
      }
  }
  t->exact = t->m == 1 || (ns && nd <= TAB_MAX_GROUPS);
  double lo = ns && t->m == 2 ? log(ns[0]) : 0, hi = ns && t->m == 2 ? log(ns[t->n - 1]) : 0;
  for (size_t i = 0; i < t->n; i++) {
    size_t g = 0;
    if (t->m == 2 && t->exact) {
      while (g + 1 < nd && dv[g] != x[i * 2]) g++;
    } else if (t->m == 2 && hi > lo) {
      g = (size_t)((log(x[i * 2]) - lo) / (hi - lo) * TAB_BINS);
      if (g >= TAB_BINS) g = TAB_BINS - 1;
    }
    k[i] = (tab_key){g, tab_compute(t, i), i};
  }
  free(ns);
  qsort(k, t->n, sizeof *k, cmp_key);
}

/* Group bounds and labels once the keys are sorted (empty bins dropped). */
static void tab_bounds(tab_page *t, const tab_key *k) {
  const double *x = fslaw_table_x(t->t);
  t->ng = 0;
  for (size_t j = 0; j < t->n; j++) {
    if (j && k[j].g == k[j - 1].g) continue;
    t->gs[t->ng] = j;
    size_t e = j;
    while (e + 1 < t->n && k[e + 1].g == k[j].g) e++;
    if (t->m == 1) snprintf(t->glab[t->ng], sizeof t->glab[0], "all rows");
    else if (t->exact) snprintf(t->glab[t->ng], sizeof t->glab[0], "N = %.4g", x[k[j].i * 2]);
    else {
      double nlo = INFINITY, nhi = 0;
      for (size_t q = j; q <= e; q++) {
        nlo = fmin(nlo, x[k[q].i * 2]);
        nhi = fmax(nhi, x[k[q].i * 2]);
      }
      snprintf(t->glab[t->ng], sizeof t->glab[0], "N %.3g to %.3g", nlo, nhi);
    }
    t->ng++;
  }
  t->gs[t->ng] = t->n;
}

/* Prediction line of group g: its N fixed, D (or C) log-spaced over the
 * group's range. */
static void tab_line(tab_page *t, size_t g) {
  size_t a = t->gs[g], b = t->gs[g + 1] - 1;
  double *lx = t->lx + g * TAB_LINE, *ly = t->ly + g * TAB_LINE, in[2 * TAB_LINE];
  double v0 = t->m == 2 ? t->gd[a] : t->gc[a], v1 = t->m == 2 ? t->gd[b] : t->gc[b];
  for (size_t j = 0; j < TAB_LINE; j++) {
    double v = exp(log(v0) + (log(v1) - log(v0)) * (double)j / (TAB_LINE - 1));
    if (t->m == 2) {
      in[2 * j] = t->gn[a];
      in[2 * j + 1] = v;
      lx[j] = 6 * t->gn[a] * v;
    } else {
      in[j] = lx[j] = v;
    }
  }
  fslaw_tlaw_predict(t->law, t->p, in, TAB_LINE, ly);
}

/* Rows by group (and compute), and by observed loss, for the charts. */
static int tab_arrays(tab_page *t) {
  size_t n = t->n;
  tab_key *k = malloc(n * sizeof *k);
  double **arr[] = {&t->gc, &t->gy, &t->gp, &t->gr, &t->gn, &t->gd, &t->so, &t->sp, &t->sc};
  int oom = !k;
  for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) oom |= !(*arr[i] = malloc(n * sizeof **arr[i]));
  t->lx = malloc((TAB_MAX_GROUPS * TAB_LINE) * sizeof *t->lx);
  t->ly = malloc((TAB_MAX_GROUPS * TAB_LINE) * sizeof *t->ly);
  if (oom || !t->lx || !t->ly) {
    free(k);
    return cli_error("report", "out of memory");
  }
  const double *x = fslaw_table_x(t->t), *y = fslaw_table_loss(t->t);
  tab_group(t, k);
  tab_bounds(t, k);
  for (size_t j = 0; j < n; j++) {
    size_t i = k[j].i;
    t->gc[j] = k[j].v;
    t->gy[j] = y[i];
    t->gp[j] = t->pred[i];
    t->gr[j] = (y[i] - t->pred[i]) / y[i];
    t->gn[j] = x[i * t->m];
    t->gd[j] = t->m == 2 ? x[i * 2 + 1] : NAN;
    k[j] = (tab_key){0, y[i], i};
  }
  for (size_t g = 0; t->exact && g < t->ng; g++) tab_line(t, g);
  qsort(k, n, sizeof *k, cmp_key);
  for (size_t j = 0; j < n; j++) {
    t->so[j] = y[k[j].i];
    t->sp[j] = t->pred[k[j].i];
    t->sc[j] = tab_compute(t, k[j].i);
  }
  free(k);
  return 0;
}

static void budget_label(const void *c, size_t i, char b[64]) {
  char x[32];
  snprintf(b, 64, "C = %s", cli_num(x, ((const double *)c)[i]));
}

/* The notes fslaw allocate prints for the budgets of the allocation table
 * (a decade of compute beyond the table's on each side), kept for the page. */
static int tab_alloc_notes(const report_opts *o, tab_page *t) {
  double n0, d0, cmin = INFINITY, cmax = 0, c[64], nd[128];
  size_t nc = 0;
  if (t->m != 2 || fslaw_tlaw_allocate(t->law, t->p, 1e20, &n0, &d0, NULL)) return 0;
  for (size_t i = 0; i < t->n; i++) cmin = fmin(cmin, t->gc[i]), cmax = fmax(cmax, t->gc[i]);
  for (double e = floor(log10(cmin)) - 1; e <= ceil(log10(cmax)) + 1 && nc < 64; e++) {
    c[nc] = pow(10, e);
    if (!fslaw_tlaw_allocate(t->law, t->p, c[nc], &nd[2 * nc], &nd[2 * nc + 1], NULL)) nc++;
  }
  cli_table_range r;
  cli_read_table_range(o->params, &r);
  cli_table_range_notes(&r, t->law, 0, "N_opt", nd, 2, nc, "budget", budget_label, c, report_note, &t->notes);
  cli_table_range_notes(&r, t->law, 1, "D_opt", nd + 1, 2, nc, "budget", budget_label, c, report_note, &t->notes);
  return t->notes.oom ? cli_error("report", "out of memory") : 0;
}

/* Read the params and the table; predict every row as fslaw eval does. */
static int tab_load(const report_opts *o, tab_page *t, const cJSON *meta) {
  fslaw_error err;
  if (fslaw_tparams_read(o->params, &t->law, t->p, &t->boot, &err))
    return cli_error("report", "%s", err.msg);
  if (tab_read(o, t, meta)) return 1;
  t->n = fslaw_table_rows(t->t);
  t->m = fslaw_table_ninputs(t->t);
  char src[4096];
  if (!t->n) return cli_error("report", "%s: no rows", tab_source(o, src, sizeof src));
  t->pred = malloc(t->n * sizeof *t->pred);
  t->are = malloc(t->n * sizeof *t->are);
  if (!t->pred || !t->are) return cli_error("report", "out of memory");
  fslaw_tlaw_predict(t->law, t->p, fslaw_table_x(t->t), t->n, t->pred);
  const double *y = fslaw_table_loss(t->t);
  double s = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (!isfinite(t->pred[i]) || !(t->pred[i] > 0))
      return cli_error("report", "row at line %zu: the law predicts %g (diverged)",
                       fslaw_table_line(t->t, i), t->pred[i]);
    t->are[i] = fabs(y[i] - t->pred[i]) / y[i];
    s += t->are[i];
  }
  t->mean_are = s / (double)t->n; /* summed in row order, as fslaw eval */
  return tab_arrays(t) || tab_alloc_notes(o, t);
}

static const char *tab_xlabel(const tab_page *t) {
  return t->m == 2 ? "compute C = 6 N D" : fslaw_tlaw_input_name(t->law, 0);
}

static int tab_loss_chart(rep_html *h, const tab_page *t, rep_series *s) {
  rep_chart c = {"Observed loss and the law", tab_xlabel(t), "loss", NULL, 1, 1, 1, 1, 1, 900, 460};
  c.caption = t->m == 1 ? "Dots: the table's losses; the line: the law's prediction over the "
                          "table's range."
              : t->exact ? "Dots: the table's losses; lines: the law's prediction along each group "
                           "(N fixed, D varying over the group's range)."
                         : "Dots: the table's losses, coloured by bins of log N (too many distinct "
                           "N for one line each; see the chart of predicted against observed loss).";
  size_t k = 0;
  for (size_t g = 0; g < t->ng; g++) {
    size_t a = t->gs[g], n = t->gs[g + 1] - a;
    s[k++] = (rep_series){t->glab[g], t->glab[g], "loss", t->gc + a, t->gy + a, n,
                          FSLAW_SVG_MARKERS, {{"pred", t->gp + a}}};
    if (t->m == 2) {
      s[k - 1].col[1] = (rep_col){"N", t->gn + a};
      s[k - 1].col[2] = (rep_col){"D", t->gd + a};
    }
    if (t->exact)
      s[k++] = (rep_series){NULL, t->glab[g], "pred", t->lx + g * TAB_LINE, t->ly + g * TAB_LINE,
                            TAB_LINE, (fslaw_svg_style)(FSLAW_SVG_LINE | FSLAW_SVG_SAME_COLOR),
                            {{0}}};
  }
  return report_chart(h, &c, s, k);
}

static int tab_scatter_chart(rep_html *h, const tab_page *t, rep_series *s) {
  rep_chart c = {"Predicted against observed loss", "observed loss", "predicted loss",
                 "One dot per row; the line is prediction = observation.", 1, 1, 1, 1, 0, 620, 460};
  double ends[2] = {fmin(t->so[0], t->sp[0]), fmax(t->so[t->n - 1], t->sp[t->n - 1])};
  for (size_t i = 0; i < t->n; i++) {
    ends[0] = fmin(ends[0], t->sp[i]);
    ends[1] = fmax(ends[1], t->sp[i]);
  }
  s[0] = (rep_series){"rows", "row", "pred", t->so, t->sp, t->n, FSLAW_SVG_MARKERS,
                      {{"C", t->sc}}};
  s[1] = (rep_series){"pred = loss", "diagonal", "pred", ends, ends, 2, FSLAW_SVG_DASHED, {{0}}};
  return report_chart(h, &c, s, 2);
}

static int tab_residual_chart(rep_html *h, const tab_page *t, rep_series *s) {
  rep_chart c = {"Relative errors", tab_xlabel(t), "(loss - pred) / loss",
                 "Per row, coloured as in the loss chart; the table below lists |loss - pred| / loss.",
                 1, 0, 1, 0, 0, 900, 380};
  for (size_t g = 0; g < t->ng; g++) {
    size_t a = t->gs[g];
    s[g] = (rep_series){t->glab[g], t->glab[g], "rel. error", t->gc + a, t->gr + a,
                        t->gs[g + 1] - a, FSLAW_SVG_MARKERS, {{"loss", t->gy + a}, {"pred", t->gp + a}}};
  }
  return report_chart(h, &c, s, t->ng);
}

/* The statistics of quantity q (a parameter, then the derived ones) over
 * the bootstrap samples; the number of finite values. */
static size_t tab_boot_stat(const tab_page *t, size_t q, double *sd, double *lo, double *hi) {
  size_t np = fslaw_tlaw_nparams(t->law), r = t->boot.resamples;
  double *v = malloc((r + 1) * sizeof *v), d[8];
  if (!v) return 0;
  for (size_t k = 0; k < r; k++) {
    fslaw_tlaw_derived(t->law, t->boot.samples + k * np, d);
    v[k] = q < np ? t->boot.samples[k * np + q] : d[q - np];
  }
  size_t got = fslaw_tfit_interval(v, r, 1, 0.025, sd, lo, hi);
  free(v);
  return got;
}

static void tab_params(FILE *f, const tab_page *t, const char *path, const cJSON *meta) {
  size_t np = fslaw_tlaw_nparams(t->law), nd = fslaw_tlaw_nderived(t->law);
  double d[8];
  int boot = t->boot.resamples > 0;
  fslaw_tlaw_derived(t->law, t->p, d);
  fputs("<h2>Fitted parameters</h2>\n<p>Table law <code>", f);
  rep_text(f, fslaw_tlaw_name(t->law));
  fputs("</code> from <code>", f);
  rep_text(f, path);
  fputs("</code> (MATH.md &sect;6, &sect;7):</p>\n<pre class=\"formula\">", f);
  rep_text(f, fslaw_tlaw_formula(t->law));
  fputs("</pre>\n", f);
  if (boot)
    fprintf(f, "<p>Bootstrap: %zu resamples of the table's rows (seed %llu, %zu fits failed); "
               "standard error and 95 %% percentile interval of every quantity.</p>\n",
            t->boot.resamples, (unsigned long long)t->boot.seed, t->boot.failed);
  fprintf(f, "<table class=\"params\">\n<tr><th>parameter</th><th>value</th>%s</tr>\n",
          boot ? "<th>se</th><th>2.5 %</th><th>97.5 %</th>" : "");
  for (size_t q = 0; q < np + nd; q++) {
    double sd, lo, hi;
    fputs("<tr><td>", f);
    rep_text(f, q < np ? fslaw_tlaw_param_name(t->law, q) : fslaw_tlaw_derived_name(t->law, q - np));
    fputs(q < np ? "</td>" : " (derived)</td>", f);
    report_num_cell(f, q < np ? t->p[q] : d[q - np]);
    if (boot && tab_boot_stat(t, q, &sd, &lo, &hi) >= 2) {
      report_num_cell(f, sd);
      report_num_cell(f, lo);
      report_num_cell(f, hi);
    } else if (boot) {
      fputs("<td></td><td></td><td></td>", f);
    }
    fputs("</tr>\n", f);
  }
  fputs("</table>\n<h3>The fit</h3>\n<div class=\"wide\"><table class=\"fit\">\n", f);
  static const char *const keys[][2] = {
      {"objective", "objective reached"}, {"loss", "objective type"},
      {"huber", "Huber delta"},           {"points", "fitted rows"},
      {"starts", "starts"},               {"starts_at_best", "starts ending at the best"},
      {"evaluations", "evaluations (winning start)"}, {"converged", "converged"},
      {"reason", "stopped because"},      {"fixed", "parameters held fixed"},
      {"inputs", "fitted on"},            {"where", "row filters"},
      {"fslaw_version", "fitted with fslaw"}};
  for (size_t i = 0; meta && i < sizeof keys / sizeof keys[0]; i++)
    report_meta_row(f, meta, keys[i][0], keys[i][1]);
  fputs("</table></div>\n", f);
  if (!meta || !cJSON_GetObjectItemCaseSensitive(meta, "objective"))
    fputs("<p>The params JSON records no fit (parameters only).</p>\n", f);
}

/* The per-row table: the numbers of fslaw eval, digit for digit; a
 * checkpoint of a --log run (no line) shows "log". */
static void tab_rows(FILE *f, const tab_page *t, const char *path) {
  const double *x = fslaw_table_x(t->t), *y = fslaw_table_loss(t->t);
  fputs("<h2>Rows</h2>\n<p>Every row of <code>", f);
  rep_text(f, path);
  fputs("</code> as <code>fslaw eval</code> prints it: are = |loss &minus; pred| / loss, "
        "and its mean over the rows.</p>\n<div class=\"wide\"><table class=\"rows\">\n<tr><th>line</th>",
        f);
  for (size_t k = 0; k < t->m; k++) {
    fputs("<th>", f);
    rep_text(f, fslaw_tlaw_input_name(t->law, k));
    fputs("</th>", f);
  }
  fputs("<th>loss</th><th>pred</th><th>are</th></tr>\n", f);
  for (size_t i = 0; i < t->n; i++) {
    size_t line = fslaw_table_line(t->t, i);
    if (line) fprintf(f, "<tr data-line=\"%zu\"><td>%zu</td>", line, line);
    else fputs("<tr><td>log</td>", f);
    for (size_t k = 0; k < t->m; k++) report_num_cell(f, x[i * t->m + k]);
    report_num_cell(f, y[i]);
    report_num_cell(f, t->pred[i]);
    report_num_cell(f, t->are[i]);
    fputs("</tr>\n", f);
  }
  fputs("<tr class=\"mean\" data-line=\"mean\"><td>mean</td>", f);
  for (size_t k = 0; k < t->m + 2; k++) fputs("<td></td>", f);
  report_num_cell(f, t->mean_are);
  fputs("</tr>\n</table></div>\n", f);
}

/* ---- the allocation curve (chinchilla: a closed form, MATH.md §6) ---- */

/* N_opt, D_opt and their bootstrap intervals along a log grid of compute. */
typedef struct tab_alloc {
  size_t n;                         /* grid points */
  double c[TAB_LINE];               /* compute */
  double no[TAB_LINE], d[TAB_LINE]; /* N_opt, D_opt */
  double lo[2][TAB_LINE], hi[2][TAB_LINE]; /* 95 % intervals of N_opt [0] and D_opt [1] */
} tab_alloc;

/* 95 % intervals of N_opt [0], D_opt [1] and D_opt / N_opt [2] at compute
 * c over the resamples (the columns of fslaw allocate). */
static void alloc_interval(const tab_page *t, double c, double lo[3], double hi[3]) {
  size_t np = fslaw_tlaw_nparams(t->law), r = t->boot.resamples;
  double *v = malloc((3 * r + 1) * sizeof *v), sd;
  lo[0] = lo[1] = lo[2] = hi[0] = hi[1] = hi[2] = NAN;
  if (!v || !r) {
    free(v);
    return;
  }
  for (size_t k = 0; k < r; k++) {
    const double *q = t->boot.samples + k * np;
    double *e = v + 3 * k;
    if (isnan(q[0]) || fslaw_tlaw_allocate(t->law, q, c, &e[0], &e[1], NULL)) e[0] = e[1] = NAN;
    e[2] = e[1] / e[0];
  }
  for (int j = 0; j < 3; j++)
    if (fslaw_tfit_interval(v + j, r, 3, 0.025, &sd, &lo[j], &hi[j]) < 2) lo[j] = hi[j] = NAN;
  free(v);
}

/* The grid spans a decade beyond the table's compute on each side. */
static void alloc_grid(const tab_page *t, tab_alloc *a, double *e0, double *e1) {
  double cmin = INFINITY, cmax = 0;
  for (size_t i = 0; i < t->n; i++) {
    cmin = fmin(cmin, t->gc[i]);
    cmax = fmax(cmax, t->gc[i]);
  }
  *e0 = floor(log10(cmin)) - 1;
  *e1 = ceil(log10(cmax)) + 1;
  a->n = TAB_LINE;
  for (size_t j = 0; j < a->n; j++) {
    a->c[j] = pow(10, *e0 + (*e1 - *e0) * (double)j / (double)(a->n - 1));
    fslaw_tlaw_allocate(t->law, t->p, a->c[j], &a->no[j], &a->d[j], NULL);
    double lo[3], hi[3];
    alloc_interval(t, a->c[j], lo, hi);
    for (int q = 0; q < 2; q++) a->lo[q][j] = lo[q], a->hi[q][j] = hi[q];
  }
}

static void alloc_table(FILE *f, const tab_page *t, double e0, double e1) {
  int boot = t->boot.resamples > 0;
  fprintf(f, "<div class=\"wide\"><table class=\"alloc\">\n<tr><th>C</th><th>N_opt</th><th>D_opt</th>"
             "<th>D_opt / N_opt</th>%s</tr>\n",
          boot ? "<th>N 2.5 %</th><th>N 97.5 %</th><th>D 2.5 %</th><th>D 97.5 %</th>"
                 "<th>D/N 2.5 %</th><th>D/N 97.5 %</th>" : "");
  for (double e = e0; e <= e1; e++) {
    double c = pow(10, e), n, d, lo[3], hi[3];
    if (fslaw_tlaw_allocate(t->law, t->p, c, &n, &d, NULL)) continue;
    fputs("<tr>", f);
    report_num_cell(f, c);
    report_num_cell(f, n);
    report_num_cell(f, d);
    report_num_cell(f, d / n);
    if (boot) {
      alloc_interval(t, c, lo, hi);
      for (int q = 0; q < 3; q++) {
        if (isfinite(lo[q])) report_num_cell(f, lo[q]), report_num_cell(f, hi[q]);
        else fputs("<td></td><td></td>", f);
      }
    }
    fputs("</tr>\n", f);
  }
  fputs("</table></div>\n", f);
}

static int tab_allocation(rep_html *h, const tab_page *t, rep_series *s) {
  double n0, d0, e0, e1;
  if (t->m != 2 || fslaw_tlaw_allocate(t->law, t->p, 1e20, &n0, &d0, NULL)) return 0;
  tab_alloc *a = malloc(sizeof *a);
  if (!a) return cli_error("report", "out of memory");
  alloc_grid(t, a, &e0, &e1);
  int boot = t->boot.resamples > 0;
  rep_chart c = {"Compute-optimal allocation", "compute C = 6 N D", "N_opt, D_opt",
                 boot ? "Solid: N_opt and D_opt of the fit; dashed: their 95 % bootstrap "
                        "intervals (MATH.md 6)."
                      : "N_opt and D_opt of the fit (MATH.md 6); no bootstrap in the params JSON.",
                 1, 1, 0, 0, 1, 900, 420};
  size_t k = 0;
  const double *v[2] = {a->no, a->d};
  static const char *const nm[2] = {"N_opt", "D_opt"}, *const lo[2] = {"N_opt 2.5 %", "D_opt 2.5 %"},
                           *const hi[2] = {"N_opt 97.5 %", "D_opt 97.5 %"};
  for (int q = 0; q < 2; q++) {
    s[k++] = (rep_series){nm[q], nm[q], nm[q], a->c, v[q], a->n, FSLAW_SVG_LINE, {{0}}};
    if (!boot) continue;
    s[k++] = (rep_series){NULL, lo[q], nm[q], a->c, a->lo[q], a->n,
                          (fslaw_svg_style)(FSLAW_SVG_DASHED | FSLAW_SVG_SAME_COLOR), {{0}}};
    s[k++] = (rep_series){NULL, hi[q], nm[q], a->c, a->hi[q], a->n,
                          (fslaw_svg_style)(FSLAW_SVG_DASHED | FSLAW_SVG_SAME_COLOR), {{0}}};
  }
  fputs("<h2>Compute-optimal allocation</h2>\n<p>For C = 6 N D the law's optimum is "
        "N_opt = G (C/6)^a, D_opt = (C/6)^b / G with a = &beta;/(&alpha;+&beta;), "
        "b = &alpha;/(&alpha;+&beta;), G = (&alpha;A / (&beta;B))^(1/(&alpha;+&beta;)) "
        "(MATH.md &sect;6; the numbers of <code>fslaw allocate</code>), a decade beyond the "
        "table's compute on each side.</p>\n",
        h->f);
  int rc = report_chart(h, &c, s, k);
  if (!rc) alloc_table(h->f, t, e0, e1);
  if (!rc && t->notes.n) {
    fputs("<div class=\"notes\" id=\"notes\"><p><b>&#9888; Beyond the fitted rows.</b> Where "
          "N_opt or D_opt lie beyond the N and D of the fitted rows, the law extrapolates and "
          "nothing fitted checked it (the notes of <code>fslaw allocate</code>):</p>\n<ul>\n",
          h->f);
    report_note_items(h->f, &t->notes, NULL, NULL);
    fputs("</ul></div>\n", h->f);
  }
  free(a);
  return rc;
}

static void tab_intro(FILE *f, const report_opts *o, const tab_page *t) {
  char src[4096];
  fprintf(f, "<p>The table law <code>%s</code> on %zu rows of <code>", fslaw_tlaw_name(t->law), t->n);
  rep_text(f, tab_source(o, src, sizeof src));
  fputs("</code>", f);
  for (size_t i = 0; i < t->nwhere; i++) {
    fputs(i ? ", " : " (rows where ", f);
    rep_text(f, t->where[i]);
  }
  fputs(!t->nwhere ? "" : t->where_recorded ? "; the fit's filters, as its params JSON records "
                                              "them)" : ")", f);
  fputs("; parameters from <code>", f);
  rep_text(f, o->params);
  char b[32];
  fprintf(f, "</code>. Mean absolute relative error <span class=\"mare\">%s</span>.</p>\n"
             "<p class=\"nav\"><a href=\"#params\">parameters</a> &middot; "
             "<a href=\"#rows\">rows</a></p>\n",
          cli_num(b, t->mean_are));
}

/* The fit's warnings, as its params JSON records them (fslaw fit prints them). */
static void tab_warnings(FILE *f, const cJSON *meta) {
  const cJSON *w = cJSON_GetObjectItemCaseSensitive(meta, "warnings"), *it;
  if (!cJSON_GetArraySize(w)) return;
  fputs("<div class=\"notes\" id=\"warnings\"><p><b>&#9888; Warnings of the fit.</b> "
        "<code>fslaw fit</code> warned:</p>\n<ul>\n", f);
  cJSON_ArrayForEach(it, w) if (cJSON_IsString(it)) {
    fputs("<li>", f);
    rep_text(f, it->valuestring);
    fputs("</li>\n", f);
  }
  fputs("</ul></div>\n", f);
}

static int tab_page_write(FILE *f, const report_opts *o, const void *page, const cJSON *meta) {
  const tab_page *t = page;
  char title[512], src[4096];
  if (o->title) snprintf(title, sizeof title, "%s", o->title);
  else snprintf(title, sizeof title, "fslaw report: %.64s on %.400s", fslaw_tlaw_name(t->law),
                tab_source(o, src, sizeof src));
  rep_series *s = calloc(2 * TAB_MAX_GROUPS + 8, sizeof *s);
  if (!s) return cli_error("report", "out of memory");
  rep_html h;
  rep_begin(&h, f, title);
  tab_intro(f, o, t);
  tab_warnings(f, meta);
  fputs("<h2>Loss</h2>\n", f);
  int rc = tab_loss_chart(&h, t, s);
  if (!rc) rc = tab_scatter_chart(&h, t, s);
  if (!rc) rc = tab_residual_chart(&h, t, s);
  if (!rc) {
    fputs("<div id=\"params\"></div>\n", f);
    tab_params(f, t, o->params, meta);
    rc = tab_allocation(&h, t, s);
  }
  if (!rc) {
    fputs("<div id=\"rows\"></div>\n", f);
    tab_rows(f, t, tab_source(o, src, sizeof src));
    rep_end(&h);
  }
  free(s);
  return rc;
}

/* fslaw report --table: the page about a table law on a table. */
int report_table(const report_opts *o) {
  tab_page t = {0};
  cJSON *meta = cli_params_meta(o->params); /* NULL when unreadable: tab_load says why */
  int rc = tab_load(o, &t, meta);
  if (!rc) cli_table_fit_warnings("report", o->params);
  const char *in[66] = {o->table, o->params};
  for (size_t i = 0; i < o->nlogs && i < 64; i++) { /* N:PATH */
    const char *colon = strchr(o->logs[i], ':');
    in[2 + i] = colon ? colon + 1 : o->logs[i];
  }
  if (!rc) rc = report_emit(o, in, 2 + o->nlogs, tab_page_write, &t, meta);
  cJSON_Delete(meta);
  tab_free(&t);
  return rc;
}
