/* report_theory.c: `fslaw report --theory --schedule SPEC [MODEL] [--sim SIM.csv]`:
 * one HTML page about the Functional Scaling Law (MATH.md §2) of a schedule
 * for the power-law kernel model: the FSL curve and its three terms, the
 * schedule and intrinsic time, Table 1 of §3 for (s, beta), and with a
 * simulation of `fslaw simulate` the simulated curve beside the raw and the
 * calibrated FSL, the three constants and the deviations. The numbers are
 * those of `fslaw theory` with the same options (shared code: fsl_curve.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fsl_curve.h"
#include "report_html.h"
#include "report_theory.h"

#define CMD "report"
/* Rows of the table of curve values: step 0, this many log-spaced steps, K. */
#define TABLE_STEPS 16

/* Options of the page; `other` collects options of other kinds of report. */
typedef struct th_opts {
  const char *beta, *s, *features, *dim, *sigma, *batch; /* model */
  const char *schedule, *form, *nodes, *sim;             /* curve and simulation */
  const char *title, *out;                               /* page */
  int theory;                                            /* --theory itself */
  const char *other[15];                                 /* must stay NULL */
} th_opts;

/* Names of th_opts.other, in order. */
static const char *const other_names[15] = {"params",   "train",  "after", "col",  "format",
                                            "table",    "where",  "optimize", "steps",
                                            "peak",     "warmup", "warmup-style", "every",
                                            "bins",     "compare"};

/* Everything the page shows. */
typedef struct th_page {
  fslaw_plk_model m;   /* the model */
  fslaw_fsl_options fo;/* evaluator options */
  char *spec;          /* canonical schedule spec */
  double *lr;          /* rates of steps 0..K-1 */
  cli_fsl_curve c;     /* FSL terms at every step 0..K */
  double *x;           /* step of each row, as double */
  fslaw_fsl_table tab; /* Table 1 for (s, beta) */
  int sim;             /* 1 when a simulation was given */
  fslaw_fsl_fit fit;   /* its calibration */
  fslaw_run *simrun;   /* the simulation CSV */
  cli_fsl_sim sp;      /* its points */
  double *sx;          /* their steps as double */
  double *sfit, *dev;  /* calibrated FSL there, (fitted - sim) / sim */
} th_page;

void report_theory_help(FILE *f) {
  fputs("\n       fslaw report --theory --schedule SPEC [--beta B] [--s S] [--features M]\n"
        "                    [--dim N] [--sigma SIGMA] [--batch B] [--form modes|power]\n"
        "                    [--nodes auto|exact|compressed] [--sim SIM.csv] [--title TEXT]\n"
        "                    [--out F.html]\n"
        "The Functional Scaling Law (MATH.md 2) of the schedule for the power-law kernel\n"
        "model (options as in fslaw theory): the excess risk and its terms approx, signal\n"
        "and noise against the step, the schedule and intrinsic time, a table of curve\n"
        "values (the numbers of fslaw theory --out), and Table 1 of MATH.md 3 for (s,\n"
        "beta). With --sim, a CSV step,t,excess written by fslaw simulate --out for the\n"
        "same model and schedule: the simulation beside the raw and the calibrated FSL,\n"
        "the three constants and the max relative deviations (as fslaw theory\n"
        "--calibrate prints them), and the calibrated FSL's relative deviation.\n",
        f);
}

int report_theory_requested(int argc, char **argv) {
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
    if (!strcmp(argv[i], "--theory")) return 1;
  return 0;
}

/* ---- gathering the numbers ------------------------------------------------ */

static void page_free(th_page *p) {
  free(p->spec);
  free(p->lr);
  cli_fsl_curve_free(&p->c);
  free(p->x);
  fslaw_run_destroy(p->simrun);
  free(p->sp.y);
  free(p->sp.t);
  free(p->sx);
  free(p->sfit);
  free(p->dev);
}

static int load_model(const th_opts *o, th_page *p) {
  cli_model_args ma = {o->beta, o->s, o->features, o->dim, o->sigma, o->batch};
  if (cli_parse_model(CMD, &ma, &p->m)) return 1;
  fslaw_error err;
  if (fslaw_fsl_model_check(&p->m, &err)) return cli_error(CMD, "model: %s", err.msg);
  if (fslaw_fsl_table_compute(p->m.s, p->m.beta, &p->tab, &err))
    return cli_error(CMD, "%s", err.msg);
  return cli_fsl_parse_form(CMD, o->form, o->nodes, &p->fo);
}

/* The curve at every step, as `fslaw theory` computes it. */
static int load_curve(const th_opts *o, th_page *p) {
  fslaw_error err;
  fslaw_schedule *s;
  if (fslaw_schedule_create(o->schedule, &s, &err))
    return cli_error(CMD, "option '--schedule': %s", err.msg);
  p->c.K = fslaw_schedule_steps(s);
  p->c.every = 1;
  const char *spec = fslaw_schedule_spec(s);
  if ((p->spec = malloc(strlen(spec) + 1))) memcpy(p->spec, spec, strlen(spec) + 1);
  p->lr = malloc(p->c.K * sizeof *p->lr);
  int rc = p->lr && p->spec ? 0 : cli_error(CMD, "out of memory");
  if (!rc) fslaw_schedule_eval(s, p->lr, p->c.K, NULL);
  fslaw_schedule_destroy(s);
  if (!rc) rc = cli_fsl_curve_eval(CMD, &p->m, &p->fo, p->lr, &p->c);
  if (!rc && !(p->x = malloc(p->c.rows * sizeof *p->x))) rc = cli_error(CMD, "out of memory");
  for (size_t r = 0; !rc && r < p->c.rows; r++)
    p->x[r] = (double)fslaw_fsl_row_step(r, p->c.K, 1);
  return rc;
}

/* The simulation, the calibration and the deviations at its points. */
static int load_sim(const th_opts *o, th_page *p) {
  p->sim = 1;
  int rc = cli_fsl_calibrate(CMD, "sim", o->sim, &p->c, &p->fit, &p->simrun, &p->sp);
  if (!rc) rc = cli_fsl_apply_fit(CMD, &p->c, &p->fit);
  size_t n = p->sp.n;
  if (!rc) {
    p->sx = malloc(n * sizeof *p->sx);
    p->sfit = malloc(n * sizeof *p->sfit);
    p->dev = malloc(n * sizeof *p->dev);
    if (!p->sx || !p->sfit || !p->dev) rc = cli_error(CMD, "out of memory");
  }
  for (size_t i = 0; !rc && i < n; i++) {
    size_t k = p->sp.step[i];
    p->sx[i] = (double)k;
    p->sfit[i] = p->c.fitted[k];
    p->dev[i] = (p->sfit[i] - p->sp.y[i]) / p->sp.y[i];
  }
  return rc;
}

/* ---- charts ----------------------------------------------------------------- */

static int chart(rep_html *h, const rep_chart *c, const rep_series *s, size_t ns) {
  fslaw_error err;
  if (ns && rep_chart_write(h, c, s, ns, &err)) return cli_error(CMD, "%s", err.msg);
  return 0;
}

/* First simulated point after step 0 (log axes cannot show step 0). */
static size_t sim_first(const th_page *p) {
  size_t i = 0;
  while (i < p->sp.n && p->sp.step[i] == 0) i++;
  return i;
}

/* A curve from row 1 on (step 0 has no place on a log axis). */
static rep_series curve_series(const th_page *p, const char *label, const double *y,
                               fslaw_svg_style st) {
  size_t n = p->c.rows - 1;
  return (rep_series){label, label, "excess", p->x + 1, y + 1, n, st, {{"t", p->c.t + 1}}};
}

static int excess_chart(rep_html *h, const th_page *p, rep_series *s) {
  rep_chart c = {"Excess risk", "step", "excess risk",
                 p->sim ? "Dots: the simulation; dashed: the FSL with unit constants; solid: the "
                          "FSL with the three calibrated constants."
                        : "The FSL with unit constants (MATH.md §2).",
                 1, 1, 1, 1, 1, 900, 460};
  size_t ns = 0;
  s[ns++] = curve_series(p, "FSL (unit constants)", p->c.fsl,
                         p->sim ? FSLAW_SVG_DASHED : FSLAW_SVG_LINE);
  if (p->sim) {
    size_t i0 = sim_first(p);
    s[ns++] = (rep_series){"simulation", "simulation", "excess", p->sx + i0, p->sp.y + i0,
                           p->sp.n - i0, FSLAW_SVG_MARKERS,
                           {{"t", p->sp.t + i0}, {"calibrated", p->sfit + i0}}};
    s[ns++] = curve_series(p, "FSL (calibrated)", p->c.fitted, FSLAW_SVG_LINE);
  }
  fputs("<h2>Excess risk</h2>\n", h->f);
  return chart(h, &c, s, ns);
}

static int terms_chart(rep_html *h, const th_page *p, rep_series *s) {
  rep_chart c = {"FSL terms", "step", "excess risk",
                 "Solid: the FSL = approx + signal + noise (unit constants); dashed: its terms.",
                 1, 1, 1, 1, 1, 900, 460};
  size_t ns = 0, nz = 0;
  for (size_t r = 1; r < p->c.rows; r++) nz += p->c.approx[r] > 0;
  s[ns++] = curve_series(p, "fsl", p->c.fsl, FSLAW_SVG_LINE);
  if (nz) s[ns++] = curve_series(p, "approx", p->c.approx, FSLAW_SVG_DASHED);
  else c.caption = "Solid: the FSL = signal + noise (unit constants; the approximation term "
                   "is 0: every feature is learned); dashed: its terms.";
  s[ns++] = curve_series(p, "signal", p->c.signal, FSLAW_SVG_DASHED);
  s[ns++] = curve_series(p, "noise", p->c.noise, FSLAW_SVG_DASHED);
  for (size_t i = 0; i < ns; i++) s[i].yname = s[i].label;
  fputs("<h2>FSL terms</h2>\n", h->f);
  return chart(h, &c, s, ns);
}

static int schedule_charts(rep_html *h, const th_page *p, rep_series *s) {
  rep_chart c = {"Learning-rate schedule", "step", "learning rate", NULL, 0, 0, 1, 1, 0, 900, 340};
  s[0] = (rep_series){p->spec, "schedule", "lr", p->x, p->lr, p->c.K, FSLAW_SVG_LINE,
                      {{"t", p->c.t}}};
  fputs("<h2>Schedule and intrinsic time</h2>\n", h->f);
  if (chart(h, &c, s, 1)) return 1;
  c.title = "Intrinsic time";
  c.ylabel = "t = sum of the rates of earlier steps";
  c.caption = "t_k = lr_0 + ... + lr_(k-1) (MATH.md §2): the FSL's clock.";
  s[0] = (rep_series){"t", "schedule", "t", p->x, p->c.t, p->c.rows, FSLAW_SVG_LINE, {{0}}};
  return chart(h, &c, s, 1);
}

static int deviation_chart(rep_html *h, const th_page *p, rep_series *s) {
  rep_chart c = {"Relative deviation of the calibrated FSL", "step",
                 "(calibrated - simulation) / simulation",
                 "At every point of the simulation (step 0 on a linear step axis only); the "
                 "largest absolute value is the fitted max relative deviation.",
                 1, 0, 1, 0, 0, 900, 340};
  /* Step 0 too, which the calibration counts: the writer and the script
   * leave it out of the log-x view themselves. */
  s[0] = (rep_series){"calibrated FSL", "calibrated FSL", "deviation", p->sx, p->dev, p->sp.n,
                      FSLAW_SVG_MARKERS, {{"simulation", p->sp.y}, {"calibrated", p->sfit}}};
  fputs("<h2>Deviation from the simulation</h2>\n", h->f);
  return chart(h, &c, s, 1);
}

/* ---- tables ------------------------------------------------------------------ */

static void row_num(FILE *f, const char *key, const char *name, const char *fmt, double v) {
  char b[32];
  fprintf(f, "<tr data-k=\"%s\"><th>%s</th><td class=\"num\">", key, name);
  fprintf(f, fmt, v);
  fprintf(f, "</td><td class=\"num\">%s</td></tr>\n", cli_num(b, v));
}

static void model_table(FILE *f, const th_page *p, const th_opts *o) {
  char b[32];
  const fslaw_plk_model *m = &p->m;
  fputs("<h2>Model</h2>\n<div class=\"wide\"><table class=\"model\">\n", f);
  fprintf(f, "<tr><th>beta (capacity)</th><td>%s</td></tr>\n", cli_num(b, m->beta));
  fprintf(f, "<tr><th>s (source)</th><td>%s</td></tr>\n", cli_num(b, m->s));
  fprintf(f, "<tr><th>features M</th><td>%s</td></tr>\n", cli_num(b, m->features));
  fprintf(f, "<tr><th>dimension N</th><td>%s</td></tr>\n", cli_num(b, m->dim));
  fprintf(f, "<tr><th>sigma (label noise)</th><td>%s</td></tr>\n", cli_num(b, m->sigma));
  fprintf(f, "<tr><th>batch B</th><td>%s</td></tr>\n", cli_num(b, m->batch));
  fprintf(f, "<tr><th>form</th><td>%s</td></tr>\n",
          p->fo.form == FSLAW_FSL_POWER ? "power" : "modes");
  fprintf(f, "<tr><th>nodes</th><td>%s</td></tr>\n", o->nodes ? o->nodes : "auto");
  fputs("<tr><th>schedule</th><td><code>", f);
  rep_text(f, p->spec);
  fprintf(f, "</code></td></tr>\n<tr><th>steps K</th><td>%zu</td></tr>\n", p->c.K);
  fprintf(f, "<tr><th>final intrinsic time</th><td>%s</td></tr>\n",
          cli_num(b, p->c.t[p->c.rows - 1]));
  fprintf(f, "<tr><th>regime</th><td>%s (s %s 1 - 1/beta = %.6g)</td></tr>\n",
          p->tab.easy ? "easy" : "hard", p->tab.easy ? "&ge;" : "&lt;", 1 - 1 / m->beta);
  fputs("</table></div>\n", f);
}

static void calib_table(FILE *f, const th_page *p, const char *path) {
  static const char *names[3] = {"c_a", "c_e", "c_n"};
  static const char *terms[3] = {"approx", "signal", "noise"};
  const fslaw_fsl_fit *fit = &p->fit;
  fprintf(f, "<h2>Calibration</h2>\n<p>fsl &asymp; c_a approx + c_e signal + c_n noise fitted "
             "to the column <code>excess</code> of <code>");
  rep_text(f, path);
  fprintf(f, "</code> on <span class=\"npts\">%zu</span> points by least squares on relative "
             "residuals (MATH.md §2), as <code>fslaw theory --calibrate</code> does; shown as "
             "it prints them and exactly:</p>\n<div class=\"wide\"><table class=\"calib\">\n"
             "<tr><th></th><th>as printed</th><th>exact</th></tr>\n", fit->n);
  for (int j = 0; j < 3; j++) {
    char name[64];
    snprintf(name, sizeof name, "%s (%s%s)", names[j], terms[j],
             fit->fitted[j] ? "" : ": term is 0");
    row_num(f, names[j], name, "%.10g", fit->c[j]);
  }
  row_num(f, "raw", "max relative deviation, unit constants", "%.6g", fit->raw_maxrel);
  row_num(f, "fitted", "max relative deviation, calibrated", "%.6g", fit->fit_maxrel);
  row_num(f, "rms", "rms relative deviation, calibrated", "%.6g", fit->fit_rmsrel);
  fputs("</table></div>\n", f);
}

/* Index of step k among the simulated points, or n. */
static size_t sim_index(const th_page *p, size_t k) {
  size_t i = 0;
  while (i < p->sp.n && p->sp.step[i] != k) i++;
  return i;
}

static void curve_row(FILE *f, const th_page *p, size_t k) {
  const cli_fsl_curve *c = &p->c;
  fprintf(f, "<tr data-step=\"%zu\"><td>%zu</td><td>%.17g</td><td>%.17g</td><td>%.17g</td>"
             "<td>%.17g</td><td>%.17g</td>", k, k, c->t[k], c->fsl[k], c->approx[k],
          c->signal[k], c->noise[k]);
  if (p->sim) {
    fprintf(f, "<td>%.17g</td>", c->fitted[k]);
    size_t i = sim_index(p, k);
    if (i < p->sp.n) fprintf(f, "<td>%.17g</td>", p->sp.y[i]);
    else fputs("<td></td>", f);
  }
  fputs("</tr>\n", f);
}

static void curve_table(FILE *f, const th_page *p) {
  fputs("<h2>Curve values</h2>\n<p>At step 0, log-spaced steps and the last step, exactly as "
        "<code>fslaw theory --out</code> writes them (columns step,t,fsl,approx,signal,noise"
        "[,fitted]).</p>\n<div class=\"wide\"><table class=\"curve\">\n<tr><th>step</th>"
        "<th>t</th><th>fsl</th><th>approx</th><th>signal</th><th>noise</th>", f);
  if (p->sim) fputs("<th>fitted</th><th>simulation</th>", f);
  fputs("</tr>\n", f);
  size_t K = p->c.K, last = 0;
  curve_row(f, p, 0);
  for (int i = 0; i <= TABLE_STEPS && K; i++) {
    size_t k = (size_t)llround(pow((double)K, (double)i / TABLE_STEPS));
    if (k <= last || k > K) continue;
    curve_row(f, p, k);
    last = k;
  }
  fputs("</table></div>\n", f);
}

static void table1_row(FILE *f, const char *sched, const char *setting, fslaw_fsl_scaling x,
                       const char *formula) {
  fprintf(f, "<tr><td>%s</td><td>%s</td><td>%.6g</td><td>%.6g</td><td><code>", sched, setting,
          x.power, x.log_power);
  rep_text(f, formula);
  fputs("</code></td></tr>\n", f);
}

static void table1(FILE *f, const fslaw_fsl_table *t) {
  static const char *names[3] = {"constant", "exp-decay", "wsd-like"};
  fprintf(f, "<h2>Table 1: scaling exponents</h2>\n<p>MATH.md §3 for s = %.6g, beta = %.6g "
             "(%s regime): the optimally tuned final loss ~ X<sup>-a</sup> (log X)<sup>b</sup>, "
             "D = data, C = M D = compute; the numbers of <code>fslaw theory --table</code>.</p>\n"
             "<div class=\"wide\"><table class=\"table1\">\n<tr><th>schedule</th><th>setting</th>"
             "<th>a</th><th>b</th><th>formula</th></tr>\n",
          t->s, t->beta, t->easy ? "easy" : "hard");
  for (int i = 0; i < 3; i++)
    table1_row(f, names[i], "data-limited", t->data[i], cli_fsl_table_formula(t->easy, 0, i));
  for (int i = 0; i < 3; i++)
    table1_row(f, names[i], "compute-limited", t->compute[i],
               cli_fsl_table_formula(t->easy, 1, i));
  fputs("</table></div>\n<ul>\n", f);
  fprintf(f, "<li>constant, data-limited: gamma_opt ~ D^-%.6g</li>\n", t->const_gamma_data);
  fprintf(f, "<li>constant, compute-limited: M_opt ~ C^%.6g, gamma_opt ~ C^-%.6g</li>\n",
          t->const_model_compute, t->const_gamma_compute);
  fprintf(f, "<li>exp/WSD, compute-limited: M_opt ~ C^%.6g (log C)^-%.6g</li>\n",
          t->decay_model_compute.power, t->decay_model_compute.log_power);
  fprintf(f, "<li>optimal schedule (MATH.md §4), N steps: final loss ~ N^-%.6g%s</li>\n</ul>\n",
          t->optimal_loss, t->easy ? "" : " (hard-regime decay fraction UNVERIFIED)");
}

/* ---- the page ------------------------------------------------------------------ */

static void intro(FILE *f, const th_page *p, const th_opts *o) {
  fputs("<p>The Functional Scaling Law (MATH.md §2) of the schedule <code>", f);
  rep_text(f, p->spec);
  fprintf(f, "</code> (%zu steps) for the power-law kernel model below, in the %s form", p->c.K,
          p->fo.form == FSLAW_FSL_POWER ? "power" : "modes");
  if (o->sim) {
    fputs(", beside the simulation <code>", f);
    rep_text(f, o->sim);
    fputs("</code> (<code>fslaw simulate --out</code>; same model and schedule)", f);
  }
  fputs(".</p>\n", f);
}

static int write_page(FILE *f, const th_page *p, const th_opts *o) {
  char title[512];
  if (o->title) snprintf(title, sizeof title, "%s", o->title);
  else snprintf(title, sizeof title, "fslaw report: FSL theory of %s", p->spec);
  rep_series s[4];
  rep_html h;
  rep_begin(&h, f, title);
  intro(f, p, o);
  int rc = excess_chart(&h, p, s);
  if (!rc && p->sim) calib_table(f, p, o->sim);
  if (!rc && p->sim) rc = deviation_chart(&h, p, s);
  if (!rc) rc = terms_chart(&h, p, s);
  if (!rc) rc = schedule_charts(&h, p, s);
  if (rc) return rc;
  model_table(f, p, o);
  curve_table(f, p);
  table1(f, &p->tab);
  rep_end(&h);
  return 0;
}

static int write_report(const th_page *p, const th_opts *o) {
  const char *in[1] = {o->sim};
  cli_out out;
  if (cli_out_open(CMD, &out, o->out, in, o->sim ? 1 : 0)) return 1;
  int rc = write_page(out.f, p, o);
  if (rc) {
    cli_out_abort(&out);
    return rc;
  }
  rc = cli_out_commit(CMD, &out);
  if (!rc && o->out && strcmp(o->out, "-")) printf("wrote %s\n", o->out);
  return rc;
}

/* ---- options ------------------------------------------------------------------- */

static int check_opts(const th_opts *o, size_t npos, const char *const *pos) {
  for (size_t i = 0; i < sizeof other_names / sizeof *other_names; i++)
    if (o->other[i])
      return cli_error(CMD, "option '--%s' does not apply to --theory", other_names[i]);
  if (npos) return cli_error(CMD, "option '--theory' takes no RUN files (got '%s')", pos[0]);
  if (!o->schedule) return cli_error(CMD, "option '--theory' needs --schedule SPEC");
  return 0;
}

int report_theory(int argc, char **argv) {
  th_opts o = {0};
  const char **x = o.other;
  const cli_opt spec[] = {{"theory", OPT_FLAG, 0, &o.theory, 0, 0, 0},
                          {"beta", OPT_STRING, &o.beta, 0, 0, 0, 0},
                          {"s", OPT_STRING, &o.s, 0, 0, 0, 0},
                          {"features", OPT_STRING, &o.features, 0, 0, 0, 0},
                          {"dim", OPT_STRING, &o.dim, 0, 0, 0, 0},
                          {"sigma", OPT_STRING, &o.sigma, 0, 0, 0, 0},
                          {"batch", OPT_STRING, &o.batch, 0, 0, 0, 0},
                          {"schedule", OPT_STRING, &o.schedule, 0, 0, 0, 0},
                          {"form", OPT_STRING, &o.form, 0, 0, 0, 0},
                          {"nodes", OPT_STRING, &o.nodes, 0, 0, 0, 0},
                          {"sim", OPT_STRING, &o.sim, 0, 0, 0, 0},
                          {"title", OPT_STRING, &o.title, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          {"params", OPT_STRING, &x[0], 0, 0, 0, 0},
                          {"train", OPT_STRING, &x[1], 0, 0, 0, 0},
                          {"after", OPT_STRING, &x[2], 0, 0, 0, 0},
                          {"col", OPT_STRING, &x[3], 0, 0, 0, 0},
                          {"format", OPT_STRING, &x[4], 0, 0, 0, 0},
                          {"table", OPT_STRING, &x[5], 0, 0, 0, 0},
                          {"where", OPT_STRING, &x[6], 0, 0, 0, 0},
                          {"optimize", OPT_STRING, &x[7], 0, 0, 0, 0},
                          {"steps", OPT_STRING, &x[8], 0, 0, 0, 0},
                          {"peak", OPT_STRING, &x[9], 0, 0, 0, 0},
                          {"warmup", OPT_STRING, &x[10], 0, 0, 0, 0},
                          {"warmup-style", OPT_STRING, &x[11], 0, 0, 0, 0},
                          {"every", OPT_STRING, &x[12], 0, 0, 0, 0},
                          {"bins", OPT_STRING, &x[13], 0, 0, 0, 0},
                          {"compare", OPT_STRING, &x[14], 0, 0, 0, 0},
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos;
  int rc = cli_parse(&cli_report, argc, argv, spec, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (check_opts(&o, npos, pos)) return 1;
  const cli_target out = {"out", o.out, report_html_head(o.out)}; /* before any work */
  const char *in[1] = {o.sim};
  if (cli_check_outputs(CMD, &out, 1, in, 1)) return 1;
  th_page p;
  memset(&p, 0, sizeof p);
  rc = load_model(&o, &p);
  if (!rc) rc = load_curve(&o, &p);
  if (!rc && o.sim) rc = load_sim(&o, &p);
  if (!rc) rc = write_report(&p, &o);
  page_free(&p);
  return rc;
}
