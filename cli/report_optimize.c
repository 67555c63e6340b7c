/* report_optimize.c: `fslaw report --optimize`: a schedule written by
 * fslaw optimize beside the baselines fslaw optimize prints (MATH.md §4):
 * the rates, the predicted loss curves, the optimum's shape, the predicted
 * final losses, and with --compare those under other laws (compare.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baselines.h"
#include "extrapolation.h"
#include "report.h"

/* Rows of the page: the optimum, then the baselines of fslaw optimize. */
#define OPT_ROWS (CLI_NBASE + 1)

/* The zoomed chart of the end (the final losses differ by a few hundredths,
 * a few pixels of the whole): the optimum's decay, from the step it leaves
 * its largest rate less this share of the steps (an optimum at 100k+ steps
 * decays over 35-48 % of them), and at least the last TAIL_SHARE; at this
 * many points. */
#define TAIL_SHARE 0.2
#define TAIL_MARGIN 0.02
#define TAIL_POINTS 300

/* Everything the --optimize page shows. */
typedef struct opt_page {
  fslaw_law *law;                /* the law the schedule was optimised for */
  double p[FSLAW_MAX_PARAMS];    /* its parameters */
  fslaw_optimize_options oo;     /* steps, peak and warmup of every schedule */
  int given[3];                  /* steps, peak, warmup given (1) or inferred (0) */
  int continued;                 /* --continue-at: the first oo.warmup rates are a run's */
  double *lr[OPT_ROWS];          /* rates: [0] the optimum, [1 + b] baseline b */
  double final[OPT_ROWS];        /* predicted final loss; NaN: does not fit */
  double *x;                     /* steps 0..steps-1 */
  size_t ng;                     /* points of the loss curves */
  double *gx, *gy[OPT_ROWS];     /* their steps and predicted losses */
  size_t held;                   /* the optimum's last step at its largest rate (cli_shape_held) */
  size_t nt;                     /* points of the tail */
  double *tx, *ty[OPT_ROWS];     /* their steps and predicted loss above the optimum's */
  double amp[OPT_ROWS];          /* amplification of each final loss (NaN: none) */
  report_notes notes;            /* fslaw optimize's notes on the schedule */
  fslaw_law *claw[CLI_MAX_COMPARE];               /* --compare laws */
  double cp[CLI_MAX_COMPARE][FSLAW_MAX_PARAMS];   /* their parameters */
  cli_compare cmp;               /* every row under them, the gains */
  char name[128];                /* the schedule's row: "optimum", or its file's name */
  char the[136];                 /* it in a sentence: "the optimum", or the file's name */
} opt_page;

static const char *opt_name(const opt_page *t, int r) {
  return r ? cli_base_name(r - 1) : t->name;
}

/* How the page calls the schedule: "the optimum" when its file is what
 * fslaw optimize (or theory --optimal-schedule) writes, a CSV whose header
 * is step,lr; any other schedule (fslaw schedule's step,lr,t, a file of
 * one's own) by its file's name, since nothing says it is an optimum. */
static void opt_naming(const char *path, opt_page *t) {
  char head[16] = "";
  FILE *f = fopen(path, "r");
  if (f && !fgets(head, sizeof head, f)) *head = '\0';
  if (f) fclose(f);
  if (!strcmp(head, "step,lr\n") || !strcmp(head, "step,lr\r\n")) {
    snprintf(t->name, sizeof t->name, "optimum");
    snprintf(t->the, sizeof t->the, "the optimum");
    return;
  }
  const char *base = strrchr(path, '/');
  snprintf(t->name, sizeof t->name, "%s", base ? base + 1 : path);
  snprintf(t->the, sizeof t->the, "%s", t->name);
}

static void opt_free(opt_page *t) {
  fslaw_law_destroy(t->law);
  for (size_t j = 0; j < t->cmp.n; j++) fslaw_law_destroy(t->claw[j]);
  for (int r = 0; r < OPT_ROWS; r++) {
    free(t->lr[r]);
    free(t->gy[r]);
    free(t->ty[r]);
  }
  free(t->x);
  free(t->gx);
  free(t->tx);
  report_notes_free(&t->notes);
}

/* The schedule file (fslaw optimize --out, fslaw schedule --out: columns
 * step,lr[,t]) read as the schedule file:path=F reads it (src/schedules/
 * file.c): by the run-log reader, whose errors name file:line:column, with
 * rates between logged steps interpolated. Not through the spec
 * "file:path=F" itself, which cannot name a path holding a comma. */
static int opt_read(const char *path, double **lr, size_t *n) {
  fslaw_run *run = NULL;
  fslaw_error err;
  if (fslaw_run_read(path, FSLAW_RUN_AUTO, NULL, &run, &err))
    return cli_error("report", "%s", err.msg);
  cli_note_partial_line("report", path, run);
  *n = fslaw_run_steps(run);
  const double *v = fslaw_run_lr(run);
  int rc = !v ? cli_error("report", "%s: no 'lr' column (a schedule has columns step,lr)", path)
           : *n < 2 ? cli_error("report", "%s: fewer than 2 steps", path) : 0;
  if (!rc && !(*lr = malloc(*n * sizeof **lr))) rc = cli_error("report", "out of memory");
  if (!rc) memcpy(*lr, v, *n * sizeof **lr);
  fslaw_run_destroy(run);
  return rc;
}

/* Steps, peak and warmup: from the options, else from the schedule (its
 * steps, its largest rate, the end of its initial ramp). */
static int opt_shape(const report_opts *o, opt_page *t, size_t n) {
  fslaw_optimize_options *oo = &t->oo;
  const double *lr = t->lr[0];
  oo->steps = n;
  oo->warmup_inclusive = o->style_s && !strcmp(o->style_s, "inclusive");
  if (o->style_s && strcmp(o->style_s, "standard") && strcmp(o->style_s, "inclusive"))
    return cli_error("report", "option '--warmup-style': expected standard or inclusive, got '%s'", o->style_s);
  if ((t->given[0] = o->steps_s != NULL) && cli_parse_count("report", "steps", o->steps_s, &oo->steps))
    return 1;
  if (oo->steps != n)
    return cli_error("report", "option '--steps': %s has %zu steps, not %zu", o->optimize, n, oo->steps);
  size_t at = 0; /* --continue-at: the run's rates come first, the baselines continue them */
  if ((t->continued = o->cont_at_s != NULL)) {
    if (o->warmup_s || o->style_s)
      return cli_error("report", "option '--%s' cannot be combined with '--continue-at'",
                       o->warmup_s ? "warmup" : "warmup-style");
    if (cli_parse_count("report", "continue-at", o->cont_at_s, &at)) return 1;
    if (at + 2 > n)
      return cli_error("report", "option '--continue-at': %zu leaves fewer than 2 of the %zu steps "
                                 "of %s", at, n, o->optimize);
    oo->head = lr; /* the file's own first rates */
    oo->warmup_inclusive = 1; /* as fslaw optimize --continue: a drop at step S allowed */
  }
  oo->peak = 0;
  for (size_t k = 0; !at && k < n; k++) oo->peak = fmax(oo->peak, lr[k]);
  if (at) oo->peak = lr[at - 1]; /* as fslaw optimize --continue: the run's last rate */
  if ((t->given[1] = o->peak_s != NULL)) {
    char *end;
    oo->peak = strtod(o->peak_s, &end);
    if (*end || end == o->peak_s || !(oo->peak > 0) || oo->peak > 1e6)
      return cli_error("report", "option '--peak': expected a positive rate, got '%s'", o->peak_s);
  }
  if (at && !t->given[1] && (!(oo->peak > 0) || (at >= 2 && lr[at - 1] > lr[at - 2])))
    return cli_error("report", "option '--continue-at': the rate at step %zu of %s (%g) is %s, so "
                               "it is not the peak; give the --peak fslaw optimize was given",
                     at - 1, o->optimize, lr[at - 1], oo->peak > 0 ? "still rising" : "0");
  if (!(oo->peak > 0)) return cli_error("report", "%s: every rate is 0", o->optimize);
  size_t e = fslaw_warmup_end(lr, n);
  oo->warmup = at ? at : e ? e + (size_t)oo->warmup_inclusive : 0;
  if ((t->given[2] = o->warmup_s != NULL)) {
    oo->warmup = 0;
    if (strcmp(o->warmup_s, "0") && cli_parse_count("report", "warmup", o->warmup_s, &oo->warmup))
      return 1;
  }
  if (oo->warmup + 2 > n)
    return cli_error("report", "option '--warmup': %zu leaves fewer than 2 steps of %zu", oo->warmup, n);
  return 0;
}

/* Final loss and loss curve of row r; a baseline that cannot be evaluated
 * gets NaN (as in fslaw optimize), the optimum an error. */
static int opt_predict(opt_page *t, int r, const size_t *g) {
  fslaw_error err;
  size_t n = t->oo.steps;
  t->final[r] = NAN;
  for (size_t i = 0; i < t->ng; i++) t->gy[r][i] = NAN;
  if (r && cli_base_rates(r - 1, &t->oo, t->lr[r])) return 0;
  if (fslaw_law_final_loss(t->law, t->p, t->lr[r], n, &t->final[r], NULL, &err) ||
      !isfinite(t->final[r]) ||
      (t->ng && fslaw_law_predict(t->law, t->p, t->lr[r], n, g, t->ng, t->gy[r], &err))) {
    t->final[r] = NAN;
    if (!r) return cli_error("report", "the law cannot evaluate %s: %s", t->the, err.msg);
    for (size_t i = 0; i < t->ng; i++) t->gy[r][i] = NAN;
  }
  return 0;
}

/* The first step of the zoom: the optimum's decay with a margin, at least
 * the last TAIL_SHARE, after warmup. */
static size_t opt_tail_start(const opt_page *t) {
  size_t n = t->oo.steps, a = (size_t)((1 - TAIL_SHARE) * (double)n);
  size_t margin = (size_t)(TAIL_MARGIN * (double)n);
  if (t->held < a + margin) a = t->held > margin ? t->held - margin : 0;
  return a <= t->oo.warmup ? t->oo.warmup + 1 : a;
}

/* The end of every schedule (opt_tail_start on) as its predicted loss above
 * the optimum's at the same step: NaN where a schedule cannot be evaluated. */
static int opt_tail(opt_page *t) {
  t->held = cli_shape_held(&t->oo, t->lr[0], NULL);
  size_t n = t->oo.steps, a = opt_tail_start(t);
  size_t span = n - 1 - a, m = span + 1 < TAIL_POINTS ? span + 1 : TAIL_POINTS;
  size_t *g = malloc((m + 1) * sizeof *g);
  t->tx = malloc((m + 1) * sizeof *t->tx);
  for (int r = 0; r < OPT_ROWS; r++) t->ty[r] = malloc((m + 1) * sizeof *t->ty[r]);
  int ok = g && t->tx;
  for (int r = 0; r < OPT_ROWS; r++) ok = ok && t->ty[r];
  for (size_t i = 0; ok && i < m; i++) {
    g[i] = m > 1 ? a + (size_t)floor((double)i * (double)span / (double)(m - 1) + 0.5) : a;
    t->tx[i] = (double)g[i];
  }
  fslaw_error err;
  for (int r = 0; ok && r < OPT_ROWS; r++)
    if (isnan(t->final[r]) || fslaw_law_predict(t->law, t->p, t->lr[r], n, g, m, t->ty[r], &err))
      for (size_t i = 0; i < m; i++) t->ty[r][i] = NAN;
  for (int r = OPT_ROWS - 1; ok && r >= 0; r--) /* the optimum last: the others need it */
    for (size_t i = 0; i < m; i++) t->ty[r][i] -= t->ty[0][i];
  t->nt = ok ? m : 0;
  free(g);
  return ok ? 0 : cli_error("report", "out of memory");
}

/* fslaw optimize's notes on the schedule (extrapolation.h), and the
 * amplification of every final loss it prints. */
static int opt_notes(const report_opts *o, opt_page *t) {
  cli_fit_range range = {0};
  size_t n = t->oo.steps;
  cli_read_fit_range(o->params, t->law, &range);
  for (int r = 0; r < OPT_ROWS; r++)
    t->amp[r] = isnan(t->final[r]) ? NAN : cli_final_amplification(&range, t->law, t->p, t->lr[r], n);
  cli_extrapolation_notes(&range, t->the, t->lr[0], n, cli_first_predicted(t->lr[0], n),
                          report_note, &t->notes);
  cli_determination_notes(&range, t->law, t->amp[0], t->the, report_note, &t->notes);
  return t->notes.oom ? cli_error("report", "out of memory") : 0;
}

/* --compare: read the laws (before any work, as fslaw optimize). */
static int opt_read_compare(const report_opts *o, opt_page *t) {
  fslaw_error err;
  t->cmp.paths = o->compare;
  for (size_t j = 0; j < o->ncompare; j++, t->cmp.n++) {
    if (fslaw_params_read(o->compare[j], &t->claw[j], t->cp[j], &err))
      return cli_error("report", "option '--compare': %s", err.msg);
    t->cmp.law[j] = t->claw[j];
    t->cmp.p[j] = t->cp[j];
  }
  return 0;
}

/* --compare: every row under each law, as fslaw optimize --compare scores
 * them (rows that do not fit these steps left out). */
static void opt_score_compare(opt_page *t) {
  double loss[CLI_NBASE];
  const double *rates[CLI_NBASE];
  for (int b = 0; b < CLI_NBASE; b++) {
    loss[b] = t->final[b + 1];
    rates[b] = t->lr[b + 1];
  }
  cli_compare_score(&t->cmp, loss, rates, t->lr[0], t->oo.steps, t->final[0]);
}

static int opt_load(const report_opts *o, opt_page *t) {
  fslaw_error err;
  size_t n = 0;
  if (fslaw_params_read(o->params, &t->law, t->p, &err)) return cli_error("report", "%s", err.msg);
  if (opt_read_compare(o, t)) return 1;
  opt_naming(o->optimize, t);
  if (opt_read(o->optimize, &t->lr[0], &n) || opt_shape(o, t, n)) return 1;
  size_t *g = report_grid_steps(t->oo.warmup, n, &t->ng);
  int rc = !g ? cli_error("report", "out of memory") : 0;
  t->x = malloc(n * sizeof *t->x);
  t->gx = malloc((t->ng + 1) * sizeof *t->gx);
  rc = rc || !t->x || !t->gx ? (rc ? rc : cli_error("report", "out of memory")) : 0;
  for (int r = 0; !rc && r < OPT_ROWS; r++) {
    if (r && !(t->lr[r] = malloc(n * sizeof *t->lr[r]))) rc = cli_error("report", "out of memory");
    if (!rc && !(t->gy[r] = malloc((t->ng + 1) * sizeof *t->gy[r])))
      rc = cli_error("report", "out of memory");
  }
  for (size_t k = 0; !rc && k < n; k++) t->x[k] = (double)k;
  for (size_t i = 0; !rc && i < t->ng; i++) t->gx[i] = (double)g[i];
  for (int r = 0; !rc && r < OPT_ROWS; r++) rc = opt_predict(t, r, g);
  free(g);
  if (!rc) rc = opt_tail(t);
  if (!rc && t->cmp.n) opt_score_compare(t);
  return rc || opt_notes(o, t);
}

/* Title and caption of the zoom: which steps it covers, and why. */
static void opt_tail_text(const opt_page *t, char *title, size_t tlen, char *caption, size_t clen) {
  size_t n = t->oo.steps, a = t->nt ? (size_t)t->tx[0] : n - 1;
  size_t a20 = (size_t)((1 - TAIL_SHARE) * (double)n), margin = (size_t)(TAIL_MARGIN * (double)n);
  char why[400];
  if (a == t->oo.warmup + 1)
    snprintf(why, sizeof why, "every step after warmup, with %s's decay from step %zu", t->the,
             t->held);
  else if (t->held < a20 + margin) /* as opt_tail_start */
    snprintf(why, sizeof why, "%s's decay from step %zu (its last step at its largest "
             "rate, within 1 %%) and %.0f %% of the steps before it", t->the, t->held,
             100 * TAIL_MARGIN);
  else
    snprintf(why, sizeof why, "the last %.0f %% of the steps, which hold %s's decay from "
             "step %zu", 100 * TAIL_SHARE, t->the, t->held);
  snprintf(title, tlen, "The last %.3g%% of the steps (from step %zu): predicted loss above "
           "%s's", 100.0 * (double)(n - a) / (double)n, a, t->the);
  snprintf(caption, clen, "Steps %zu to %zu, %s: each schedule's predicted loss minus "
           "%s's at the same step (below 0: lower than %s there); at the right end, "
           "the gaps of the table below. Colours as above.", a, n - 1, why, t->the, t->the);
}

static int opt_charts(rep_html *h, const opt_page *t, rep_series *s) {
  char solid[256], above[160], ylabel[160];
  snprintf(solid, sizeof solid, "Solid: %s; dashed: the baselines of fslaw optimize at the "
           "same steps, peak and warmup.", t->the);
  snprintf(above, sizeof above, "above %s", t->the);
  snprintf(ylabel, sizeof ylabel, "predicted loss - %s's", t->name);
  rep_chart c = {"Learning-rate schedules", "step", "learning rate", solid,
                 0, 0, 1, 1, 0, 900, 380};
  for (int r = 0; r < OPT_ROWS; r++)
    s[r] = (rep_series){opt_name(t, r), opt_name(t, r), "lr", t->x, t->lr[r], t->oo.steps,
                        r ? FSLAW_SVG_DASHED : FSLAW_SVG_LINE, {{0}}};
  fputs("<h2>Schedules</h2>\n", h->f);
  if (report_chart(h, &c, s, OPT_ROWS)) return 1;
  c.title = "Predicted loss curves";
  c.ylabel = "predicted loss";
  c.caption = "The law's prediction after warmup for every schedule; colours as above.";
  c.smooth = 1;
  for (int r = 0; r < OPT_ROWS; r++) {
    s[r].yname = "pred";
    s[r].x = t->gx;
    s[r].y = t->gy[r];
    s[r].n = t->ng;
  }
  fputs("<h2>Predicted losses</h2>\n", h->f);
  if (report_chart(h, &c, s, OPT_ROWS)) return 1;
  char title[256], caption[1024];
  opt_tail_text(t, title, sizeof title, caption, sizeof caption);
  c = (rep_chart){title, "step", ylabel, caption, 0, 0, 0, 0, 1, 900, 380};
  for (int r = 0; r < OPT_ROWS; r++) {
    s[r].yname = above;
    s[r].x = t->tx;
    s[r].y = t->ty[r];
    s[r].n = t->nt;
  }
  return report_chart(h, &c, s, OPT_ROWS);
}

/* The number at v in a spec (a value after '=' or '/', up to ',', '/' or
 * the end) when it is not a whole one, as steps=24000 stays as written: its
 * value, and its end in *end; NaN otherwise. */
static double spec_fraction(const char *v, const char **end) {
  char *e = (char *)v;
  double x = *v && strchr("0123456789-.", *v) ? strtod(v, &e) : NAN;
  if (e == v || (*e && *e != ',' && *e != '/') || strcspn(v, ".eE") >= (size_t)(e - v))
    return NAN;
  *end = e;
  return x;
}

/* spec with its fractional numbers to 6 digits; cli_base_spec already writes
 * them exactly (the tooltip: the very same schedule). */
static void spec_shown(const char *spec, char *out, size_t len) {
  size_t k = 0;
  for (const char *p = spec; *p && k + 1 < len;) {
    const char *end = p;
    double v = p > spec && (p[-1] == '=' || p[-1] == '/') ? spec_fraction(p, &end) : NAN;
    if (isnan(v)) {
      out[k++] = *p++;
      continue;
    }
    int w = snprintf(out + k, len - k, "%.6g", v);
    k = w < 0 || (size_t)w >= len - k ? len - 1 : k + (size_t)w;
    p = end;
  }
  out[k] = '\0';
}

/* The spec of row r: shown to 6 digits, exactly in the tooltip. */
static void opt_spec_cell(FILE *f, const opt_page *t, int r) {
  char spec[256], shown[256];
  fputs("<td class=\"wrap\"><code", f);
  if (!r) {
    fputs(">(the schedule file)</code></td>", f);
    return;
  }
  cli_base_spec(r - 1, &t->oo, spec, sizeof spec);
  spec_shown(spec, shown, sizeof shown);
  fputs(" title=\"", f);
  rep_text(f, spec);
  fputs("\">", f);
  for (const char *c = shown; *c; c++) { /* lines break after commas */
    char one[2] = {*c, '\0'};
    rep_text(f, one);
    if (*c == ',') fputs("<wbr>", f);
  }
  fputs("</code></td>", f);
}

/* --compare: a column head per compared law, its file name (the path in
 * the tooltip). */
static void opt_compare_heads(FILE *f, const opt_page *t) {
  for (size_t j = 0; j < t->cmp.n; j++) {
    fputs("<th title=\"final loss under the law of ", f);
    rep_text(f, t->cmp.paths[j]);
    fputs(" (--compare)\">under <code>", f);
    char *label = cli_compare_label(&t->cmp, j);
    rep_text(f, label ? label : "?");
    free(label);
    fputs("</code></th>", f);
  }
}

/* A loss under a compared law as fslaw optimize --compare prints it (6
 * decimals), exactly in the tooltip. */
static void opt_loss_cell(FILE *f, double v) {
  char b[32];
  if (isnan(v)) fputs("<td>n/a</td>", f);
  else fprintf(f, "<td class=\"num\" title=\"%s\">%.6f</td>", cli_num(b, v), v);
}

/* --compare: each law's gain of the schedule over its best baseline, under
 * the searched law in the final loss column. */
static void opt_gain_row(FILE *f, const opt_page *t) {
  fputs("<tr class=\"gain\" data-sched=\"gain over best baseline\"><td title=\"each law's best "
        "baseline's final loss minus ", f);
  rep_text(f, t->the);
  fputs("'s (fslaw optimize --compare)\">gain over best baseline</td>", f);
  opt_loss_cell(f, t->cmp.gain[0]);
  fputs("<td></td><td></td><td></td><td></td>", f);
  for (size_t j = 0; j < t->cmp.n; j++) opt_loss_cell(f, t->cmp.gain[j + 1]);
  fputs("</tr>\n", f);
}

/* Final losses: as fslaw optimize prints them, exactly (the shortest text
 * that reads back, as the theory page's "exact" column), and the gap to
 * the optimum to 6 digits with the exact value in the tooltip. */
static void opt_table(FILE *f, const opt_page *t) {
  fprintf(f, "<p>Predicted loss at the last step (step %zu), as <code>fslaw optimize</code> "
             "prints it (6 decimals), exactly, and above ", t->oo.steps - 1);
  rep_text(f, t->the);
  fprintf(f, "%s:</p>\n<div class=\"wide\"><table class=\"finals\">\n<tr><th>schedule</th>"
             "<th>final loss</th><th>exact</th><th>above ",
          t->cmp.n ? "; then under each law of --compare, with each law's gain over its best "
                     "baseline" : "");
  rep_text(f, t->the);
  fputs("</th><th title=\"amplification of the final "
        "loss, as fslaw optimize prints it: how much more it moves than the fitted curves "
        "when the parameters move (docs/fit.md, What the runs determine); above 50 the "
        "fitted runs barely determine it\">amplif.</th><th>spec</th>", f);
  opt_compare_heads(f, t);
  fputs("</tr>\n", f);
  for (int r = 0; r < OPT_ROWS; r++) {
    char b[32];
    fprintf(f, "<tr%s data-sched=\"", r ? "" : " class=\"mean\"");
    rep_text(f, opt_name(t, r));
    fputs("\"><td>", f);
    rep_text(f, opt_name(t, r));
    if (!r && t->notes.n)
      fprintf(f, " <a class=\"flag\" href=\"#notes\">&#9888; %zu note%s</a>", t->notes.n,
              t->notes.n == 1 ? "" : "s");
    if (isnan(t->final[r])) {
      fputs("</td><td>n/a</td><td></td><td></td>", f);
    } else {
      fprintf(f, "</td><td class=\"num\">%.6f</td><td class=\"num\">%s</td>", t->final[r],
              cli_num(b, t->final[r]));
      report_num_cell(f, t->final[r] - t->final[0]);
    }
    if (isnan(t->amp[r])) fputs("<td></td>", f);
    else if (isinf(t->amp[r])) fputs("<td>not determined</td>", f);
    else fprintf(f, "<td class=\"num\">%.3g</td>", t->amp[r]); /* as fslaw optimize */
    opt_spec_cell(f, t, r);
    for (size_t j = 0; j < t->cmp.n; j++)
      if (r && isnan(t->final[r])) fputs("<td></td>", f); /* left out, as fslaw optimize */
      else opt_loss_cell(f, t->cmp.loss[j][r ? r - 1 : CLI_NBASE]);
    fputs("</tr>\n", f);
  }
  if (t->cmp.n) opt_gain_row(f, t);
  fputs("</table></div>\n", f);
  if (t->cmp.n) {
    char v[200];
    fputs("<p>Under every law (<code>fslaw optimize --compare</code>): <span class=\"verdict\">", f);
    rep_text(f, cli_compare_verdict(&t->cmp, v, sizeof v));
    fputs("</span>. A gain that only the searched law predicts rests on its form, not on the "
          "fitted runs (docs/optimize.md).</p>\n", f);
  }
}

static void opt_intro(FILE *f, const report_opts *o, const opt_page *t) {
  char b[32];
  fputs("<p>The schedule file <code>", f);
  rep_text(f, o->optimize);
  fputs("</code> under the law <code>", f);
  rep_text(f, fslaw_law_spec(t->law));
  fprintf(f, "</code> of <code>");
  rep_text(f, o->params);
  fprintf(f, "</code>, beside the baselines of <code>fslaw optimize</code>: %zu steps (%s), peak "
             "%s (%s), ", t->oo.steps, t->given[0] ? "given" : "the file's steps",
          cli_num(b, t->oo.peak), t->given[1] ? "given" : t->continued ? "the run's last rate"
          : "the file's largest rate");
  if (t->continued)
    fprintf(f, "continuing a run: the file's rates of steps 0..%zu are the run's, kept in every "
               "schedule (--continue-at; in the baselines' specs, warmup=%zu stands for them).</p>\n",
            t->oo.warmup - 1, t->oo.warmup);
  else
    fprintf(f, "warmup %zu %s (%s).</p>\n", t->oo.warmup,
            t->oo.warmup_inclusive ? "inclusive" : "standard",
            t->given[2] ? "given" : "the end of the file's initial ramp");
  char shape[320];
  fputs("<p>The shape of ", f);
  rep_text(f, t->the);
  fputs(", as <code>fslaw optimize</code> prints it (x --peak: of the peak above): "
        "<span class=\"shape\">", f);
  rep_text(f, cli_shape_describe(&t->oo, t->lr[0], shape, sizeof shape));
  fputs("</span>.</p>\n", f);
  if (!t->notes.n) return;
  fputs("<div class=\"notes\" id=\"notes\"><p><b>&#9888; Beyond the fitted runs.</b> Where "
        "the schedule goes beyond what the fitted runs covered, or its final loss is barely "
        "determined by them, the law extrapolates there and nothing fitted checked it (the "
        "notes <code>fslaw optimize</code> prints; docs/fit.md):</p>\n<ul>\n", f);
  report_note_items(f, &t->notes, NULL, NULL);
  fputs("</ul></div>\n", f);
}

static int opt_page_write(FILE *f, const report_opts *o, const void *page, const cJSON *meta) {
  const opt_page *t = page;
  char title[512];
  if (o->title) snprintf(title, sizeof title, "%s", o->title);
  else if (!strcmp(t->name, "optimum"))
    snprintf(title, sizeof title, "fslaw report: optimised schedule under %s", fslaw_law_spec(t->law));
  else
    snprintf(title, sizeof title, "fslaw report: schedule %s under %s", t->name, fslaw_law_spec(t->law));
  rep_series s[OPT_ROWS];
  rep_html h;
  rep_begin(&h, f, title);
  opt_intro(f, o, t);
  int rc = opt_charts(&h, t, s);
  if (!rc) {
    opt_table(f, t);
    report_write_params(f, t->law, t->p, o->params, meta);
    rep_end(&h);
  }
  return rc;
}

/* fslaw report --optimize: the page about an optimised schedule. */
int report_optimize(const report_opts *o) {
  opt_page t = {0};
  int rc = opt_load(o, &t);
  cJSON *meta = rc ? NULL : cli_params_meta(o->params);
  const char *in[2 + CLI_MAX_COMPARE] = {o->optimize, o->params};
  for (size_t j = 0; j < o->ncompare; j++) in[2 + j] = o->compare[j];
  if (!rc) rc = report_emit(o, in, 2 + o->ncompare, opt_page_write, &t, meta);
  cJSON_Delete(meta);
  opt_free(&t);
  return rc;
}
