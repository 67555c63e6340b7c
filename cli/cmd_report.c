/* cmd_report.c: `fslaw report --params P.json RUN... --out report.html`: one
 * self-contained HTML page about a fitted loss-curve law on runs: observed
 * losses with the fit (training runs) or the prediction (held-out runs),
 * residuals, the metrics `fslaw eval` prints (same library calls, same
 * digits), the fitted parameters and how the fit went, and the runs'
 * learning-rate schedules and intrinsic times.
 *
 * Further kinds of page are modes of the same command, one file each, sharing
 * report.h: report_table.c (--table), report_optimize.c (--optimize),
 * report_theory.c (--theory). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "curves.h"
#include "extrapolation.h"
#include "report.h"
#include "report_theory.h"

static int run(int argc, char **argv);

const cli_command cli_report = {
    "report", "write one self-contained HTML page about a fitted law on runs",
    "usage: fslaw report --params P.json [--train RUN]... [--after STEP] [--bins N]\n"
    "                    [--title TEXT] [--out F.html] RUN...\n\n"
    "Write an HTML page (no network needed to open it; works without scripts) with:\n"
    "  - the notes fslaw eval prints (also on standard error) where a run goes beyond\n"
    "    what the fitted runs covered, in a box at the top;\n"
    "  - loss curves: logged losses after warmup (dots) with the law's fit on the\n"
    "    training runs (solid lines) and its prediction on held-out runs (dashed);\n"
    "  - relative residuals (loss - pred) / loss per run;\n"
    "  - the metrics of fslaw eval per run (R2, MAE, RMSE, PredE, WorstE; MATH.md 5.5)\n"
    "    with their means over held-out and over training runs (of training runs, only\n"
    "    the points inside the fit window: at or after the fit's --from);\n"
    "  - the fitted parameters, the law's formula, the objective and convergence;\n"
    "  - the learning-rate schedule and intrinsic time of every run, and a table of\n"
    "    the runs with the amplification of each one's final loss (docs/fit.md).\n"
    "With scripts on, each chart offers log/linear axes and a read-out of the\n"
    "point under the pointer (step, lr, loss, prediction).\n"
    "A RUN is a training run when the params JSON lists it among the fitted runs\n"
    "(the same file, looked up from here and from the params file's folder; if\n"
    "neither finds it, a path that ends with the other, with a note), or when\n"
    "given with --train.\n\n"
    "options:\n"
    "  --params F      parameters JSON written by fslaw fit (required)\n"
    "  --train RUN     RUN is a training run (repeatable; added to the runs shown)\n"
    "  --after STEP    score only points after STEP, as fslaw eval --after\n"
    "  --bins N        score means of N bins of consecutive points, as fslaw eval --bins\n"
    "  --title TEXT    page title (default: fslaw report: LAW SPEC)\n"
    "  --out F         write the page to F (default: standard output)\n"
    CLI_RUN_OPTS_HELP "\n"
    "       fslaw report --params P.json --table T.csv [--col NAME=COLUMN] [--where COL=VALUE]\n"
    "                    [--log N:RUN]... [--min-tokens T] [--title TEXT] [--out F.html]\n"
    "A table law (params of fslaw fit --law chinchilla|kaplan|twophase) on a table: the\n"
    "losses with the law's prediction (one series per distinct N, or per bin of log N\n"
    "when there are more than 12), predicted against observed loss, relative errors,\n"
    "the parameters with the formula, the objective and convergence, the bootstrap's\n"
    "standard errors and 95% intervals when the fit had one, for chinchilla the\n"
    "compute-optimal N_opt and D_opt over a decade beyond the table's compute on each\n"
    "side (with the bootstrap band), and every row with loss, pred and |loss-pred|/loss\n"
    "and their mean: the numbers of fslaw eval. --col and --where as in fslaw eval.\n"
    "A fit made from training logs (fslaw fit --log N:RUN) takes the same --log\n"
    "options (and --min-tokens) instead of, or beside, --table.\n\n"
    "       fslaw report --params P.json --optimize S.csv [--steps N] [--peak ETA]\n"
    "                    [--warmup W] [--warmup-style standard|inclusive]\n"
    "                    [--continue-at S] [--compare P2.json]... [--out F.html]\n"
    "A schedule file (CSV or JSONL with columns step,lr as fslaw optimize --out and\n"
    "fslaw schedule --out write it, read as --schedule file:path=S.csv reads it)\n"
    "beside the baselines of fslaw optimize (constant, cosine to 0.1 peak, cosine to\n"
    "0, WSD 20% linear tail, 8-1-1) at the same steps, peak and warmup: the rates, the\n"
    "law's predicted loss curves, and the predicted final losses (the numbers fslaw\n"
    "optimize prints). Steps default to the file's (its last step + 1), the peak to\n"
    "its largest rate, the warmup to the end of its initial ramp (read with\n"
    "--warmup-style, default standard). The page states the optimum's shape as fslaw\n"
    "optimize does, and zooms on the end from where the optimum leaves its largest\n"
    "rate (at least the last 20 % of the steps). --compare P2.json (repeatable, up to\n"
    "8) adds every schedule's final loss under another fitted law, each law's gain of\n"
    "the optimum over its best baseline and the verdict, as fslaw optimize --compare.\n"
    "--continue-at S: the schedule continues a run (fslaw optimize --continue): its\n"
    "first S rates are the run's, and the baselines continue them as fslaw optimize\n"
    "does; the peak then defaults to the rate at step S-1, as there (give --peak\n"
    "when fslaw optimize was given one).\n\n"
    "An existing --out is replaced only when it is an HTML page (begins with\n"
    "<!DOCTYPE or <html); it may not be an input.\n",
    run, report_theory_help};

/* Points of the prediction line: this many equal steps, and as many
 * log-spaced ones so the early curve is smooth on a log axis. */
#define GRID 300

/* Everything the page shows about one run. */
typedef struct rep_run {
  const char *path;      /* file as given */
  char *label;           /* its name in tables and charts (cli_run_label) */
  fslaw_run *run;        /* the log */
  int train;             /* 1 = fitted on, 0 = held out */
  const char *recorded;  /* the --schedule the fit read it with (NULL: its logged rates) */
  size_t warm;           /* warmup end */
  cli_points pts;        /* scored points with predictions (as fslaw eval) */
  fslaw_metrics m;       /* their metrics */
  double *px, *plr, *res;/* scored points: step, lr there, (loss - pred) / loss */
  size_t ngrid;          /* points of the prediction line */
  double *gx, *gy, *glr; /* its steps, predictions and rates */
  double *sx, *t;        /* every step 0..steps-1 and its intrinsic time */
  size_t nout;           /* scored points before the fit window (training runs): the
                            first of pts; the metrics are of the others */
  double amp;            /* amplification of its final loss (fslaw_law_amplification;
                            NaN when the params file records no curvature) */
  report_notes notes;    /* where its prediction extrapolates (extrapolation.h) */
} rep_run;


/* ---- per-run data ------------------------------------------------------- */

static void run_free(rep_run *r) {
  free(r->label);
  fslaw_run_destroy(r->run);
  cli_points_free(&r->pts);
  free(r->px);
  free(r->plr);
  free(r->res);
  free(r->gx);
  free(r->gy);
  free(r->glr);
  free(r->sx);
  free(r->t);
  report_notes_free(&r->notes);
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* Steps of the prediction line after warmup: equal and log-spaced. */
size_t *report_grid_steps(size_t warm, size_t n, size_t *ng) {
  size_t a = warm + 1, b = n - 1, k = 0;
  size_t *g = malloc((2 * GRID + 1) * sizeof *g);
  if (!g || a > b) {
    *ng = 0;
    return g;
  }
  for (size_t i = 0; i < GRID; i++) {
    double f = (double)i / (GRID - 1);
    g[k++] = a + (size_t)floor(f * (double)(b - a) + 0.5);
    g[k++] = (size_t)floor(exp(log((double)a) + f * (log((double)b) - log((double)a))) + 0.5);
  }
  qsort(g, k, sizeof *g, cmp_size);
  size_t u = 0;
  for (size_t i = 0; i < k; i++)
    if (g[i] >= a && g[i] <= b && (!u || g[i] != g[u - 1])) g[u++] = g[i];
  *ng = u;
  return g;
}

/* The prediction line of run r. */
static int predict_line(const fslaw_law *law, const double *p, rep_run *r) {
  size_t n = fslaw_run_steps(r->run), ng;
  const double *lr = fslaw_run_lr(r->run);
  size_t *g = report_grid_steps(r->warm, n, &ng);
  r->gx = malloc((ng + 1) * sizeof *r->gx);
  r->gy = malloc((ng + 1) * sizeof *r->gy);
  r->glr = malloc((ng + 1) * sizeof *r->glr);
  fslaw_error err;
  int rc = !g || !r->gx || !r->gy || !r->glr ? cli_error("report", "out of memory") : 0;
  if (!rc && ng && fslaw_law_predict(law, p, lr, n, g, ng, r->gy, &err))
    rc = cli_error("report", "%s: %s", r->path, err.msg);
  for (size_t i = 0; !rc && i < ng; i++) {
    r->gx[i] = (double)g[i];
    r->glr[i] = lr[g[i]];
  }
  r->ngrid = ng;
  free(g);
  return rc;
}

/* Scored points as doubles for the charts, and the run's intrinsic time. */
static int chart_arrays(rep_run *r) {
  size_t n = fslaw_run_steps(r->run), k = r->pts.n;
  const double *lr = fslaw_run_lr(r->run);
  r->px = malloc((k + 1) * sizeof *r->px);
  r->plr = malloc((k + 1) * sizeof *r->plr);
  r->res = malloc((k + 1) * sizeof *r->res);
  r->sx = malloc((n + 1) * sizeof *r->sx);
  r->t = malloc((n + 1) * sizeof *r->t);
  if (!r->px || !r->plr || !r->res || !r->sx || !r->t) return cli_error("report", "out of memory");
  for (size_t i = 0; i < k; i++) {
    r->px[i] = (double)r->pts.step[i];
    r->plr[i] = lr[r->pts.step[i]];
    r->res[i] = (r->pts.loss[i] - r->pts.pred[i]) / r->pts.loss[i];
  }
  for (size_t s = 0; s < n; s++) r->sx[s] = (double)s;
  fslaw_intrinsic_time(lr, n, r->t);
  return 0;
}

/* The first step of the fit window (the fit's --from, recorded in the params
 * JSON); 0 when it records none. */
static size_t window_from(const cJSON *meta) {
  const cJSON *w = cJSON_GetObjectItemCaseSensitive(meta, "window");
  const cJSON *from = cJSON_GetObjectItemCaseSensitive(w, "from");
  return cJSON_IsNumber(from) && from->valuedouble > 0 ? (size_t)from->valuedouble : 0;
}

/* The points of r its metrics are of: for a training run, those inside the
 * fit window (a view into r->pts). */
static cli_points scored(const rep_run *r) {
  const cli_points *a = &r->pts;
  return (cli_points){a->n - r->nout, a->step + r->nout, a->loss + r->nout, a->pred + r->nout};
}

/* What the page needs of the fit: its parameters, window and range. */
typedef struct fit_info {
  const fslaw_law *law;  /* the law */
  const double *p;       /* its parameters */
  size_t from;           /* the first step of the fit window (0: all) */
  cli_fit_range range;   /* what the fitted runs covered */
} fit_info;

/* Read run r and compute everything the page shows about it; its notes go
 * on stderr as fslaw eval prints them, from its first scored point (the
 * --bins a batch noise note calls for into *adv, said once for all runs). */
static int load_run(const report_opts *o, const fit_info *fi, rep_run *r, cli_bins_advice *adv) {
  if (cli_read_as_fitted("report", &o->ro, o->params, r->path, r->recorded, &r->run)) return 1;
  const double *lr = fslaw_run_lr(r->run);
  size_t n = fslaw_run_steps(r->run);
  r->warm = fslaw_warmup_end(lr, n);
  if (cli_points_predict("report", fi->law, fi->p, r->run, o->after, r->path, &r->pts, NULL, 0)) return 1;
  while (r->train && r->nout < r->pts.n && r->pts.step[r->nout] < fi->from) r->nout++;
  cli_points in = scored(r);
  r->m = (fslaw_metrics){0, NAN, NAN, NAN, NAN, NAN}; /* every point outside the window */
  if (in.n && cli_points_score("report", &in, o->bins, r->path, &r->m)) return 1;
  char noise[1024]; /* first, as fslaw eval prints it */
  if (in.n && cli_noise_note(&in, o->bins, r->m.prede, r->path, noise, sizeof noise, adv))
    report_note(&r->notes, noise);
  cli_extrapolation_notes(&fi->range, r->path, lr, n, in.n ? in.step[0] : r->pts.step[0],
                          report_note, &r->notes);
  r->amp = cli_final_amplification(&fi->range, fi->law, fi->p, lr, n);
  cli_determination_notes(&fi->range, fi->law, r->amp, r->path, report_note, &r->notes);
  if (r->notes.oom) return cli_error("report", "out of memory");
  return predict_line(fi->law, fi->p, r) || chart_arrays(r);
}

/* ---- the page ------------------------------------------------------------ */

/* A number shown to 6 digits, with the exact value (as fslaw eval prints
 * it) in data-v and the tooltip. */
void report_num_cell(FILE *f, double v) {
  char b[32];
  cli_num(b, v);
  if (isnan(v)) { /* no value (R^2 of one point), as eval prints it */
    fputs("<td class=\"num\" data-v=\"\" title=\"no value\"></td>", f);
    return;
  }
  fprintf(f, "<td class=\"num\" data-v=\"%s\" title=\"%s\">%.6g</td>", b, b, v);
}

void report_note(void *ctx, const char *text) {
  report_notes *nt = ctx;
  fprintf(stderr, "fslaw report: note: %s\n", text);
  char **grown = realloc(nt->text, (nt->n + 1) * sizeof *grown);
  char *copy = malloc(strlen(text) + 1);
  if (grown) nt->text = grown;
  if (!grown || !copy) {
    free(copy);
    nt->oom = 1;
    return;
  }
  nt->text[nt->n++] = strcpy(copy, text);
}

void report_notes_free(report_notes *nt) {
  for (size_t i = 0; i < nt->n; i++) free(nt->text[i]);
  free(nt->text);
  *nt = (report_notes){0};
}

void report_note_items(FILE *f, const report_notes *nt, const char *name, const char *id) {
  for (size_t i = 0; i < nt->n; i++) {
    fputs("<li", f);
    if (!i && id) fprintf(f, " id=\"%s\"", id);
    fputs(">", f);
    if (name) {
      fputs("<b>", f);
      rep_text(f, name);
      fputs("</b>: ", f);
    }
    rep_text(f, nt->text[i]);
    fputs("</li>\n", f);
  }
}

/* The id of run i's first note. */
static const char *note_id(char buf[32], size_t i) {
  snprintf(buf, 32, "note-%zu", i);
  return buf;
}

/* A mark after a run's name linking to its notes (none: nothing). */
static void note_flag(FILE *f, const rep_run *r, size_t i) {
  char id[32];
  if (!r->notes.n) return;
  fprintf(f, " <a class=\"flag\" href=\"#%s\" title=\"", note_id(id, i));
  for (size_t k = 0; k < r->notes.n; k++) {
    fputs(k ? "&#10;" : "", f);
    rep_text(f, r->notes.text[k]);
  }
  fprintf(f, "\">&#9888; %zu note%s</a>", r->notes.n, r->notes.n == 1 ? "" : "s");
}

/* One row of the metrics table; `r` (run `i`) NULL for a mean. */
static void metrics_row(FILE *f, const char *key, const char *name, const char *title,
                        const char *role, const fslaw_metrics *m, const rep_run *r, size_t i) {
  fprintf(f, "<tr%s data-run=\"", r ? "" : " class=\"mean\"");
  rep_text(f, key);
  fputs("\"><td title=\"", f);
  rep_text(f, title);
  fputs("\">", f);
  rep_text(f, name);
  if (r) note_flag(f, r, i);
  fprintf(f, "</td><td>%s</td><td class=\"num\">%zu</td>", role, m->n);
  report_num_cell(f, m->r2);
  report_num_cell(f, m->mae);
  report_num_cell(f, m->rmse);
  report_num_cell(f, m->prede);
  report_num_cell(f, m->worste);
  fputs("</tr>\n", f);
}

/* Mean metrics of the runs with train == which; 0 when there is none. */
static size_t mean_of(const rep_run *runs, size_t n, int which, fslaw_metrics *mean) {
  fslaw_metrics *ms = malloc((n + 1) * sizeof *ms);
  size_t k = 0;
  for (size_t i = 0; ms && i < n; i++)
    if (runs[i].train == which && runs[i].m.n) ms[k++] = runs[i].m; /* n = 0: not scored */
  if (k) fslaw_metrics_mean(ms, k, mean);
  free(ms);
  return k;
}

/* Which points of training runs the metrics leave out, and why. */
static void window_text(FILE *f, const rep_run *runs, size_t n, size_t from) {
  size_t out = 0, none = 0;
  for (size_t i = 0; i < n; i++) {
    out += runs[i].nout;
    none += runs[i].train && runs[i].nout && runs[i].nout == runs[i].pts.n;
  }
  if (!out) return;
  fprintf(f, "<p class=\"window\">The fit saw only points at step %zu and later (its fit window, "
             "<code>fslaw fit --from %zu</code>, recorded in the params JSON). The %zu "
             "logged point%s of training runs before it %s <b>outside the fit window</b>: shown "
             "in the charts, but not scored: the metrics of training runs are of the points "
             "inside the window only.%s</p>\n",
          from, from, out, out == 1 ? "" : "s", out == 1 ? "is" : "are",
          none ? " A training run with none inside it has no metrics and no part in the "
                 "mean." : "");
}

static void write_metrics(FILE *f, const rep_run *runs, size_t n, size_t from) {
  fputs("<h2>Metrics</h2>\n<p>Per run over its scored points (logged losses after warmup), "
        "as <code>fslaw eval</code> prints them; means are unweighted over runs "
        "(MATH.md &sect;5.5): R&sup2; = 1 &minus; &Sigma;(y&minus;&#375;)&sup2; / "
        "&Sigma;(y&minus;&#563;)&sup2;, MAE = mean |y&minus;&#375;|, RMSE = "
        "&radic;mean (y&minus;&#375;)&sup2;, PredE = mean |y&minus;&#375;|/y, WorstE = "
        "max |y&minus;&#375;|/y.</p>\n<div class=\"wide\"><table class=\"metrics\">\n<tr><th>run</th><th>role</th>"
        "<th>n</th><th>R&sup2;</th><th>MAE</th><th>RMSE</th><th>PredE</th><th>WorstE</th></tr>\n",
        f);
  for (size_t i = 0; i < n; i++)
    metrics_row(f, runs[i].path, runs[i].label, runs[i].path,
                runs[i].train ? "<span class=\"role-train\">training</span>"
                              : "<span class=\"role-held\">held out</span>",
                &runs[i].m, &runs[i], i);
  fslaw_metrics mean;
  if (mean_of(runs, n, 0, &mean))
    metrics_row(f, "mean held-out", "mean (held out)", "unweighted mean over held-out runs", "",
                &mean, NULL, 0);
  if (mean_of(runs, n, 1, &mean))
    metrics_row(f, "mean training", "mean (training)", "unweighted mean over training runs", "",
                &mean, NULL, 0);
  fputs("</table></div>\n", f);
  window_text(f, runs, n, from);
}

/* One row "name | value" of the fit table from the params JSON, if present. */
void report_meta_row(FILE *f, const cJSON *meta, const char *key, const char *label) {
  const cJSON *it = cJSON_GetObjectItemCaseSensitive(meta, key);
  char b[32];
  if (!it) return;
  fputs("<tr><th>", f);
  rep_text(f, label);
  fputs("</th><td>", f);
  if (cJSON_IsString(it)) rep_text(f, it->valuestring);
  else if (cJSON_IsBool(it)) fputs(cJSON_IsTrue(it) ? "yes" : "no", f);
  else if (cJSON_IsNumber(it)) fputs(cli_num(b, it->valuedouble), f);
  else if (cJSON_IsArray(it)) {
    const cJSON *e;
    size_t k = 0, len = 0;
    cJSON_ArrayForEach(e, it) len += cJSON_IsString(e) ? strlen(e->valuestring) + 2 : 0;
    const char *sep = len > 80 ? ",<br>" : ", "; /* long lists (run paths): one a line */
    cJSON_ArrayForEach(e, it) {
      if (!cJSON_IsString(e)) continue;
      fputs(k++ ? sep : "", f);
      rep_text(f, e->valuestring);
    }
    if (!k) fputs("none", f);
  }
  fputs("</td></tr>\n", f);
}

void report_write_params(FILE *f, const fslaw_law *law, const double *p, const char *path,
                         const cJSON *meta) {
  fputs("<h2>Fitted parameters</h2>\n<p>Law <code>", f);
  rep_text(f, fslaw_law_spec(law));
  fputs("</code> from <code>", f);
  rep_text(f, path);
  fputs("</code>:</p>\n<pre class=\"formula\">", f);
  rep_text(f, fslaw_law_formula(law));
  fputs("</pre>\n<table class=\"params\">\n<tr><th>parameter</th><th>value</th></tr>\n", f);
  for (size_t i = 0; i < fslaw_law_nparams(law); i++) {
    fputs("<tr><td>", f);
    rep_text(f, fslaw_law_param_name(law, i));
    fputs("</td>", f);
    report_num_cell(f, p[i]);
    fputs("</tr>\n", f);
  }
  fputs("</table>\n<h3>The fit</h3>\n<div class=\"wide\"><table class=\"fit\">\n", f);
  static const char *const keys[][2] = {
      {"objective", "objective reached"}, {"loss", "objective type"}, {"huber", "Huber delta"},
      {"points", "fitted points"},        {"starts", "starts"},       {"evaluations", "evaluations (winning start)"},
      {"converged", "converged"},         {"reason", "stopped because"}, {"on_bound", "parameters on a bound"},
      {"runs", "fitted runs"},            {"fslaw_version", "fitted with fslaw"}};
  for (size_t i = 0; meta && i < sizeof keys / sizeof keys[0]; i++)
    report_meta_row(f, meta, keys[i][0], keys[i][1]);
  const cJSON *g = cJSON_GetObjectItemCaseSensitive(meta, "group"); /* fit --group */
  if (g) {
    report_meta_row(f, g, "name", "group (the objective above is of all groups)");
    report_meta_row(f, g, "objective", "this group's part of the objective");
    report_meta_row(f, g, "of", "groups fitted together");
    report_meta_row(f, meta, "shared", "parameters shared by the groups");
  }
  const cJSON *w = cJSON_GetObjectItemCaseSensitive(meta, "window");
  if (w) report_meta_row(f, w, "from", "fitted from step");
  if (w) report_meta_row(f, w, "max_points", "points kept per run (0: all)");
  fputs("</table></div>\n", f);
  if (!meta || !cJSON_GetObjectItemCaseSensitive(meta, "objective"))
    fputs("<p>The params JSON records no fit (parameters only).</p>\n", f);
}

/* Series labels live as long as the page is being written. */
typedef struct labels {
  char (*text)[160]; /* one label per series */
  size_t n;          /* labels used */
} labels;

static const char *label(labels *l, const char *name, const char *what) {
  snprintf(l->text[l->n], sizeof l->text[0], "%s%s", name, what);
  return l->text[l->n++];
}

static fslaw_svg_style role_style(const rep_run *r) {
  return r->train ? FSLAW_SVG_LINE : FSLAW_SVG_DASHED;
}

/* Observed losses and the law's curve of the runs with train == which. The
 * curve is drawn over the dots; the dots of a training run before the fit
 * window are a series of their own, read out as such. Runs of the other
 * role get an empty series so that run i has the i-th palette colour in
 * every chart. */
static size_t loss_series(const rep_run *runs, size_t n, int which, rep_series *s, labels *l) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const rep_run *r = &runs[i];
    const char *name = r->label;
    if (r->train != which) {
      s[k++] = (rep_series){NULL, name, "loss", NULL, NULL, 0, FSLAW_SVG_MARKERS, {{0}}};
      continue;
    }
    size_t a = r->nout;
    s[k++] = (rep_series){NULL, name, "loss", r->px + a, r->pts.loss + a, r->pts.n - a,
                          FSLAW_SVG_MARKERS, {{"lr", r->plr + a}, {"pred", r->pts.pred + a}}};
    if (a)
      s[k++] = (rep_series){NULL, name, "loss (outside the fit window: not fitted, not scored)",
                            r->px, r->pts.loss, a,
                            (fslaw_svg_style)(FSLAW_SVG_MARKERS | FSLAW_SVG_SAME_COLOR),
                            {{"lr", r->plr}, {"pred", r->pts.pred}}};
    s[k++] = (rep_series){label(l, name, which ? " fit" : " prediction"), name, "pred", r->gx,
                          r->gy, r->ngrid, (fslaw_svg_style)(role_style(r) | FSLAW_SVG_SAME_COLOR),
                          {{"lr", r->glr}}};
  }
  return k;
}

int report_chart(rep_html *h, const rep_chart *c, const rep_series *s, size_t ns) {
  fslaw_error err;
  if (ns && rep_chart_write(h, c, s, ns, &err)) return cli_error("report", "%s", err.msg);
  return 0;
}

/* Scored points of training runs outside the fit window. */
static size_t outside(const rep_run *runs, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += runs[i].nout;
  return k;
}

/* A vertical line at the start of the fit window across the training runs'
 * losses and fit: the dots left of it were not fitted. */
static void window_line(const rep_run *runs, size_t n, size_t from, double x[2], double y[2],
                        rep_series *s, char *text, size_t len) {
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; runs[i].train && k < runs[i].pts.n + runs[i].ngrid; k++) {
      double v = k < runs[i].pts.n ? runs[i].pts.loss[k] : runs[i].gy[k - runs[i].pts.n];
      if (isfinite(v)) lo = fmin(lo, v), hi = fmax(hi, v);
    }
  x[0] = x[1] = (double)from;
  y[0] = lo;
  y[1] = hi;
  snprintf(text, len, "fit window starts (step %zu)", from);
  *s = (rep_series){text, text, "loss", x, y, 2, FSLAW_SVG_DASHED, {{0}}};
}

static int write_loss_charts(rep_html *h, const rep_run *runs, size_t n, size_t from,
                             rep_series *s, labels *l) {
  rep_chart c = {"Training runs: logged loss and the fit", "step", "loss",
                 "Dots: logged losses after warmup; solid lines: the law fitted on these runs.",
                 1, 1, 1, 1, 1, 900, 460};
  fputs("<h2>Loss curves</h2>\n", h->f);
  size_t nt = 0, ns;
  for (size_t i = 0; i < n; i++) nt += runs[i].train != 0;
  double x[2], y[2];
  char text[64], caption[400];
  if (nt && outside(runs, n)) {
    snprintf(caption, sizeof caption, "Dots: logged losses after warmup; solid lines: the law "
             "fitted on these runs. The dots left of the dashed line at step %zu are outside "
             "the fit window: the fit did not see them and the metrics leave them out.", from);
    c.caption = caption;
  }
  if (nt) {
    ns = loss_series(runs, n, 1, s, l);
    if (outside(runs, n)) window_line(runs, n, from, x, y, &s[ns++], text, sizeof text);
    if (report_chart(h, &c, s, ns)) return 1;
  }
  c.title = "Held-out runs: logged loss and the prediction";
  c.caption = "Dots: logged losses after warmup; dashed lines: the law's prediction for runs "
              "it was not fitted on.";
  return nt < n ? report_chart(h, &c, s, loss_series(runs, n, 0, s, l)) : 0;
}

static int write_residuals(rep_html *h, const rep_run *runs, size_t n, rep_series *s) {
  rep_chart c = {"Relative residuals", "step", "(loss - pred) / loss",
                 "Per run at its scored points; colours as in the loss charts (point at a dot "
                 "for its run).",
                 1, 0, 1, 0, 0, 900, 380};
  if (outside(runs, n))
    c.caption = "Per run at its scored points, and at the points of training runs outside the "
                "fit window; colours as in the loss charts (point at a dot for its run).";
  for (size_t i = 0; i < n; i++) {
    const rep_run *r = &runs[i];
    const char *name = r->label;
    s[i] = (rep_series){NULL, name, "residual",
                        r->px, r->res, r->pts.n, FSLAW_SVG_MARKERS,
                        {{"loss", r->pts.loss}, {"pred", r->pts.pred}, {"lr", r->plr}}};
  }
  fputs("<h2>Residuals</h2>\n", h->f);
  return report_chart(h, &c, s, n);
}

static int write_schedules(rep_html *h, const rep_run *runs, size_t n, rep_series *s) {
  rep_chart c = {"Learning-rate schedules", "step", "learning rate",
                 "Every step's rate; solid: training runs, dashed: held-out runs; colours as in "
                 "the loss charts.",
                 0, 0, 1, 1, 0, 900, 340};
  for (size_t i = 0; i < n; i++) {
    const char *name = runs[i].label;
    s[i] = (rep_series){NULL, name, "lr", runs[i].sx, fslaw_run_lr(runs[i].run),
                        fslaw_run_steps(runs[i].run), role_style(&runs[i]), {{"t", runs[i].t}}};
  }
  fputs("<h2>Schedules and intrinsic time</h2>\n", h->f);
  if (report_chart(h, &c, s, n)) return 1;
  c.title = "Intrinsic time t = sum of the rates up to each step (MATH.md 2)";
  c.ylabel = "intrinsic time";
  c.caption = "Solid: training runs, dashed: held-out runs; colours as in the loss charts.";
  c.smooth = 1;
  for (size_t i = 0; i < n; i++) {
    s[i].yname = "t";
    s[i].y = runs[i].t;
    s[i].col[0] = (rep_col){"lr", fslaw_run_lr(runs[i].run)};
  }
  return report_chart(h, &c, s, n);
}

/* The runs: the name with its file beneath (both wrap), short headers with
 * their meaning in tooltips, so the table fits the page. */
static void write_runs_table(FILE *f, const rep_run *runs, size_t n) {
  fputs("<div class=\"wide\"><table class=\"runs\">\n<tr><th>run (file)</th><th>role</th>"
        "<th>steps</th><th title=\"logged losses\">logged</th><th>warmup end</th>"
        "<th title=\"points scored in the metrics (after warmup; for training runs, inside "
        "the fit window)\">scored</th><th title=\"intrinsic time at the last step (the "
        "exact value in the tooltip)\">final t</th>"
        "<th title=\"amplification of the final loss: how much more it moves than the fitted "
        "curves when the parameters move (docs/fit.md, What the runs determine); above 50 the "
        "fitted runs barely determine it\">amplif.</th></tr>\n",
        f);
  for (size_t i = 0; i < n; i++) {
    const rep_run *r = &runs[i];
    size_t steps = fslaw_run_steps(r->run);
    fputs("<tr><td class=\"name\">", f);
    rep_text(f, r->label);
    note_flag(f, r, i);
    fputs("<br><small>", f);
    rep_text(f, r->path);
    fprintf(f, "</small></td><td>%s</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
               "<td class=\"num\">%zu</td><td class=\"num\">%zu",
            r->train ? "training" : "held out", steps, fslaw_run_nloss(r->run), r->warm,
            r->pts.n - r->nout);
    if (r->nout) fprintf(f, "<br><small>+%zu outside the fit window</small>", r->nout);
    fputs("</td>", f);
    report_num_cell(f, r->t[steps - 1]);
    if (isnan(r->amp)) fputs("<td></td></tr>\n", f);
    else if (isinf(r->amp)) fputs("<td>not determined</td></tr>\n", f);
    else fprintf(f, "<td class=\"num\">%.3g</td></tr>\n", r->amp);
  }
  fputs("</table></div>\n", f);
}

/* Every run's notes in one box under the introduction, each run's first
 * note the target of the marks beside its name in the tables. */
static void write_notes(FILE *f, const rep_run *runs, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += runs[i].notes.n;
  if (!k) return;
  fprintf(f, "<div class=\"notes\" id=\"notes\"><p><b>&#9888; Notes.</b> "
             "Where a run goes beyond what the fitted runs covered, or its final loss is barely "
             "determined by them, the law extrapolates there and nothing fitted checked it; "
             "where its losses scatter from point to point (batch noise), the scatter, not the "
             "law, makes most of its metrics "
             "(the notes <code>fslaw eval</code> prints; docs/fit.md):</p>\n<ul>\n");
  for (size_t i = 0; i < n; i++) {
    char id[32];
    report_note_items(f, &runs[i].notes, runs[i].label, note_id(id, i));
  }
  fputs("</ul></div>\n", f);
}

static void write_intro(FILE *f, const report_opts *o, const rep_run *runs, size_t n) {
  size_t nt = 0, nn = 0;
  for (size_t i = 0; i < n; i++) nt += runs[i].train != 0, nn += runs[i].notes.n;
  fprintf(f, "<p>%zu run%s: %zu training (the law was fitted on them), %zu held out "
             "(never fitted: the law predicts them). Parameters from <code>",
          n, n == 1 ? "" : "s", nt, n - nt);
  rep_text(f, o->params);
  fputs("</code>", f);
  if (o->after) fprintf(f, "; points scored after step %zu", o->after);
  if (o->bins) fprintf(f, "; metrics of the means of %zu bins of consecutive points per run", o->bins);
  fputs(".</p>\n<p class=\"nav\">", f);
  if (nn) fprintf(f, "<a href=\"#notes\">%zu note%s</a> &middot; ", nn, nn == 1 ? "" : "s");
  fputs("<a href=\"#metrics\">metrics</a> &middot; <a href=\"#params\">parameters</a> &middot; "
        "<a href=\"#runs\">runs</a></p>\n", f);
  write_notes(f, runs, n);
}

/* The page about a curve law on runs (a report_writer). */
typedef struct curve_page {
  const fit_info *fit;  /* the law, its parameters, window and range */
  const rep_run *runs;  /* the runs shown */
  size_t n;             /* how many */
} curve_page;

static int write_page(FILE *f, const report_opts *o, const void *page, const cJSON *meta) {
  const curve_page *cp = page;
  const fslaw_law *law = cp->fit->law;
  const rep_run *runs = cp->runs;
  size_t n = cp->n, from = cp->fit->from;
  char title[512];
  if (o->title) snprintf(title, sizeof title, "%s", o->title);
  else snprintf(title, sizeof title, "fslaw report: %s", fslaw_law_spec(law));
  rep_series *s = calloc(3 * n + 2, sizeof *s); /* per run dots, dots outside, line; window */
  labels l = {calloc(3 * n + 2, sizeof *l.text), 0};
  if (!s || !l.text) {
    free(s);
    free(l.text);
    return cli_error("report", "out of memory");
  }
  rep_html h;
  rep_begin(&h, f, title);
  write_intro(f, o, runs, n);
  int rc = write_loss_charts(&h, runs, n, from, s, &l);
  if (!rc) rc = write_residuals(&h, runs, n, s);
  if (!rc) {
    fputs("<div id=\"metrics\"></div>\n", f);
    write_metrics(f, runs, n, from);
    fputs("<div id=\"params\"></div>\n", f);
    report_write_params(f, law, cp->fit->p, o->params, meta);
    fputs("<div id=\"runs\"></div>\n", f);
    rc = write_schedules(&h, runs, n, s);
  }
  if (!rc) write_runs_table(f, runs, n);
  if (!rc) rep_end(&h);
  free(s);
  free(l.text);
  return rc;
}

/* Every kind of page is written through here (report.h). */
int report_emit(const report_opts *o, const char *const *in, size_t nin, report_writer write,
                const void *page, const cJSON *meta) {
  cli_out out;
  int rc = cli_out_open("report", &out, o->out, in, nin);
  if (rc) return rc;
  rc = write(out.f, o, page, meta);
  if (rc) {
    cli_out_abort(&out);
    return rc;
  }
  rc = cli_out_commit("report", &out);
  if (!rc && o->out && strcmp(o->out, "-")) printf("wrote %s\n", o->out);
  return rc;
}

/* Options that belong to one kind of page only, named when misused. */
static int check_variant(const report_opts *o, size_t npos) {
  if ((o->table || o->nlogs) && o->optimize)
    return cli_error("report", "options '--%s' and '--optimize' cannot be combined",
                     o->table ? "table" : "log");
  if (o->min_tokens && !o->nlogs) return cli_error("report", "option '--min-tokens' needs --log");
  const char *mode = o->table ? "--table" : o->nlogs ? "--log" : o->optimize ? "--optimize" : NULL;
  if (mode && (npos || o->ntrain))
    return cli_error("report", "option '%s' takes no RUN files", mode);
  if (mode && (o->after_s || o->bins_s || o->ro.nschedule || o->ro.format))
    return cli_error("report", "options '--after', '--bins', '--schedule' and '--format' are for RUN files, "
                               "not '%s'", mode);
  if (o->nwhere && o->nlogs && !o->table)
    return cli_error("report", "option '--where' filters a --table, not --log checkpoints");
  if (o->nwhere && !o->table) return cli_error("report", "option '--where' needs --table");
  if (o->optimize && o->ro.ncol) return cli_error("report", "option '--col' does not apply to --optimize");
  const char *opt[6] = {o->steps_s, o->peak_s, o->warmup_s, o->style_s,
                        o->ncompare ? o->compare[0] : NULL, o->cont_at_s};
  static const char *const names[6] = {"steps", "peak", "warmup", "warmup-style", "compare",
                                       "continue-at"};
  for (int i = 0; i < 6 && !o->optimize; i++)
    if (opt[i]) return cli_error("report", "option '--%s' needs --optimize", names[i]);
  return 0;
}

/* ---- the command ---------------------------------------------------------- */

/* Before any work: --out is none of the inputs (the params file, the
 * RUNs, the table, --log files or schedule file, the compared laws) and
 * replaces no file other than a page. */
static int check_out(const report_opts *o, const char *const *pos, size_t npos) {
  size_t n = 0, cap = npos + o->ntrain + o->ncompare + o->nlogs + 3;
  const char **in = malloc(cap * sizeof *in);
  if (!in) return cli_error("report", "out of memory");
  in[n++] = o->params;
  in[n++] = o->table;
  in[n++] = o->optimize;
  for (size_t i = 0; i < npos; i++) in[n++] = pos[i];
  for (size_t i = 0; i < o->ntrain; i++) in[n++] = o->train[i];
  for (size_t i = 0; i < o->ncompare; i++) in[n++] = o->compare[i];
  for (size_t i = 0; i < o->nlogs; i++) { /* N:PATH */
    const char *colon = strchr(o->logs[i], ':');
    in[n++] = colon ? colon + 1 : o->logs[i];
  }
  const cli_target t = {"out", o->out, report_html_head(o->out)};
  int rc = cli_check_outputs("report", &t, 1, in, n);
  free(in);
  return rc;
}

/* The runs to show: the positional RUNs, then --train RUNs not among them. */
static rep_run *collect_runs(const report_opts *o, const cJSON *meta, const char *const *pos,
                             size_t npos, size_t *n) {
  rep_run *runs = calloc(npos + o->ntrain + 1, sizeof *runs);
  size_t k = 0;
  for (size_t i = 0; runs && i < npos + o->ntrain; i++) {
    const char *path = i < npos ? pos[i] : o->train[i - npos];
    int dup = 0, train = 0;
    for (size_t j = 0; j < k; j++) dup |= !strcmp(runs[j].path, path);
    for (size_t j = 0; j < o->ntrain; j++) train |= !strcmp(o->train[j], path);
    if (dup) continue;
    const char *fitted = meta ? cli_fitted_name("report", meta, path, o->params) : NULL;
    runs[k].path = path;
    runs[k].recorded = cli_fitted_schedule(meta, fitted);
    runs[k++].train = train || fitted;
  }
  *n = k;
  return runs;
}

/* Each run labelled by its own name (a W&B or MLflow run's name), or its path
 * when another run has that name; after the runs are read. */
static int label_runs(rep_run *runs, size_t n) {
  const char **paths = malloc((n + 1) * sizeof *paths), **names = malloc((n + 1) * sizeof *names);
  int ok = paths && names;
  for (size_t i = 0; ok && i < n; i++) paths[i] = runs[i].path, names[i] = fslaw_run_name(runs[i].run);
  for (size_t i = 0; ok && i < n; i++) ok = (runs[i].label = cli_run_label(paths, names, n, i)) != NULL;
  free(paths);
  free(names);
  return ok ? 0 : cli_error("report", "out of memory");
}

/* Tell the --schedule values apart by the runs shown (RUNs and --train). */
static int match_schedules(report_opts *o, const rep_run *runs, size_t n) {
  const char **paths = malloc((n + 1) * sizeof *paths);
  if (!paths) return cli_error("report", "out of memory");
  for (size_t i = 0; i < n; i++) paths[i] = runs[i].path;
  int rc = cli_match_schedules("report", &o->ro, paths, n);
  free(paths);
  return rc;
}

static int write_report(const report_opts *o, const fit_info *fi, const cJSON *meta,
                        const rep_run *runs, size_t n) {
  const char **in = malloc((n + 1) * sizeof *in);
  if (!in) return cli_error("report", "out of memory");
  for (size_t i = 0; i < n; i++) in[i] = runs[i].path;
  in[n] = o->params;
  curve_page page = {fi, runs, n};
  int rc = report_emit(o, in, n + 1, write_page, &page, meta);
  free(in);
  return rc;
}

static int run(int argc, char **argv) {
  if (report_theory_requested(argc, argv)) return report_theory(argc, argv);
  report_opts o = {0};
  const cli_opt opts[] = {{"params", OPT_STRING, &o.params, 0, 0, 0, 0},
                          {"train", OPT_MULTI, 0, 0, o.train, &o.ntrain, MAX_RUNS},
                          {"after", OPT_STRING, &o.after_s, 0, 0, 0, 0},
                          {"bins", OPT_STRING, &o.bins_s, 0, 0, 0, 0},
                          {"title", OPT_STRING, &o.title, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          CLI_RUN_OPT_ENTRIES(o.ro),
                          {"table", OPT_STRING, &o.table, 0, 0, 0, 0},
                          {"where", OPT_MULTI, 0, 0, o.where, &o.nwhere, 16},
                          {"log", OPT_MULTI, 0, 0, o.logs, &o.nlogs, 64},
                          {"min-tokens", OPT_STRING, &o.min_tokens, 0, 0, 0, 0},
                          {"optimize", OPT_STRING, &o.optimize, 0, 0, 0, 0},
                          {"steps", OPT_STRING, &o.steps_s, 0, 0, 0, 0},
                          {"peak", OPT_STRING, &o.peak_s, 0, 0, 0, 0},
                          {"warmup", OPT_STRING, &o.warmup_s, 0, 0, 0, 0},
                          {"warmup-style", OPT_STRING, &o.style_s, 0, 0, 0, 0},
                          {"continue-at", OPT_STRING, &o.cont_at_s, 0, 0, 0, 0},
                          {"compare", OPT_MULTI, 0, 0, o.compare, &o.ncompare, CLI_MAX_COMPARE},
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos, n = 0;
  int rc = cli_parse(&cli_report, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (!o.params) return cli_error("report", "option '--params' is required");
  if (check_variant(&o, npos) || check_out(&o, pos, npos)) return 1;
  if (o.table || o.nlogs) return report_table(&o);
  if (o.optimize) return report_optimize(&o);
  if (!npos && !o.ntrain) return cli_error("report", "expected at least one RUN file");
  if (o.after_s && cli_parse_count("report", "after", o.after_s, &o.after)) return 1;
  if (o.bins_s && cli_parse_bins("report", o.bins_s, &o.bins)) return 1;
  fslaw_error err;
  fslaw_law *law;
  double p[FSLAW_MAX_PARAMS];
  if (fslaw_params_read(o.params, &law, p, &err)) return cli_error("report", "%s", err.msg);
  cJSON *meta = cli_params_meta(o.params);
  rep_run *runs = collect_runs(&o, meta, pos, npos, &n);
  if (!runs) rc = cli_error("report", "out of memory");
  if (!rc) rc = match_schedules(&o, runs, n);
  fit_info fi = {.law = law, .p = p, .from = window_from(meta)};
  cli_read_fit_range(o.params, law, &fi.range);
  cli_bins_advice adv = {0};
  size_t noted = 0; /* the last run with a batch noise note: the advice goes with it */
  for (size_t i = 0; !rc && i < n; i++) {
    size_t before = adv.noted;
    rc = load_run(&o, &fi, &runs[i], &adv);
    if (adv.noted > before) noted = i;
  }
  if (!rc) rc = label_runs(runs, n);
  char advice[512];
  if (!rc && cli_bins_advice_text(&adv, o.bins, advice, sizeof advice)) {
    report_note(&runs[noted].notes, advice);
    if (runs[noted].notes.oom) rc = cli_error("report", "out of memory");
  }
  if (!rc) rc = write_report(&o, &fi, meta, runs, n);
  for (size_t i = 0; runs && i < n; i++) run_free(&runs[i]);
  free(runs);
  cJSON_Delete(meta);
  fslaw_law_destroy(law);
  return rc;
}
