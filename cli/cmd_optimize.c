/* cmd_optimize.c: `fslaw optimize`: the schedule with the lowest predicted
 * final loss under a fitted law, or under the FSL of the PLK model
 * (--theory, MATH.md §4), beside common baselines. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baselines.h"
#include "cli.h"
#include "compare.h"
#include "fsl_curve.h"
#include "extrapolation.h"
#include "fslaw/optimize.h"

#define CMD "optimize"

static int run(int argc, char **argv);

const cli_command cli_optimize = {
    "optimize", "find the learning-rate schedule with the lowest predicted final loss",
    "usage: fslaw optimize --params P.json --steps N --peak ETA [--warmup W]\n"
    "                      [--warmup-style standard|inclusive] [--family F]\n"
    "                      [--min-lr RATE|fitted] [--out S.csv] [--plot F.svg]\n"
    "                      [--compare P2.json]...\n"
    "       fslaw optimize --params P.json --steps N --continue RUN [--continue-at S]\n"
    "                      [--peak ETA] [--family F] [--min-lr RATE|fitted] ...\n"
    "       fslaw optimize --theory --steps N [MODEL] [--form power|modes] [--peak ETA]\n"
    "                      [--family F] [--min-lr RATE] [--out S.csv] [--plot F.svg]\n\n"
    "Search the schedule of N steps (warmup included, rates at most ETA) whose final\n"
    "loss the fitted law predicts lowest, and print it beside baselines at the same\n"
    "steps and peak: constant, cosine to 0.1 peak, cosine to 0, WSD with a 20 % linear\n"
    "tail, 8-1-1 (steps at 80 % and 90 %), and the optimum.\n\n"
    "families (--family, default free):\n"
    "  free    any non-increasing schedule after warmup in [RATE, ETA] (RATE of\n"
    "          --min-lr, default 0), optimised through\n"
    "          the law's gradient on 32, 256, ... knots up to every step, then its\n"
    "          abrupt drops moved (BOBYQA on a staircase through them) while that helps\n"
    "  wsd     decay fraction, tail (linear, cosine, sqrt, exp, power) and end rate\n"
    "  cosine  end rate       linear  end rate       power  exponent and peak\n"
    "  (the end rates at least RATE)\n\n"
    "options:\n"
    "  --params F      parameters JSON written by fslaw fit (required without --theory)\n"
    "  --steps N       total steps (required)\n"
    "  --peak ETA      largest learning rate (required without --theory or --continue)\n"
    "  --warmup W      linear warmup steps (default 0); --warmup-style as in schedules\n"
    "  --min-lr RATE   no rate after warmup below RATE (default 0); 'fitted': the\n"
    "                  lowest rate the fitted runs reached (the params' fitted_range),\n"
    "                  so that the optimum's rates stay within what the fit has seen\n"
    "  --out S.csv     write the schedule as CSV step,lr (load it with\n"
    "                  --schedule file:path=S.csv); without --out the CSV goes to\n"
    "                  standard output and the summary to standard error\n"
    "  --plot F.svg    draw the optimum beside the baselines\n"
    "  --max-evals E   evaluation budget of each search stage (default 400 for free,\n"
    "                  300 for the shape families; raise it for long smooth optima)\n"
    "  --compare P2.json  also give every row's final loss under another fitted law\n"
    "                  (repeatable, up to 8), and each law's gain of the optimum over\n"
    "                  the best baseline: a gain that only the searched law predicts\n"
    "                  rests on its form, not on your runs (docs/optimize.md)\n\n"
    "a run in progress: --continue RUN keeps the rates RUN has trained with, up to its\n"
    "last logged step, and searches only the steps after them (N counts them all);\n"
    "the baselines continue the run the same way (their decays must start after it).\n"
    "  --continue RUN  the run so far (any log fslaw inspect reads; its losses only\n"
    "                  say how far it got); --peak defaults to its rate at its last\n"
    "                  step, and is required while its rates still rise (in warmup)\n"
    "  --continue-at S keep RUN's rates of steps 0..S-1 only, and search from step S\n"
    "                  (a branch earlier in the run; default: its last logged step\n"
    "                  + 1; with --schedule RUN=SPEC, its last logged loss + 1)\n"
    "  --col NAME=COLUMN, --schedule RUN=SPEC, --format csv|jsonl|tfevents|text\n"
    "                  as in fslaw inspect\n\n"
    "theory mode (MATH.md §4): --theory minimises the final loss of the discrete FSL\n"
    "of the power-law kernel model (MATH.md §2, the fsl of `fslaw theory` after N\n"
    "steps) instead of a fitted law, through its exact gradient with respect to every\n"
    "rate. ETA is the cap eta_max (default half the model's stability bound, MATH.md\n"
    "§1.1a, as `fslaw theory`); the free optimum may stay below it (easy regime:\n"
    "its peak ~ N^-nu). The summary adds the closed-form optimum of §4 (`fslaw\n"
    "theory --optimal-schedule`), the optimum's largest rate and the fraction of its\n"
    "steps below 0.99 ETA (the decay fraction).\n"
    "  --form F        power (default): the functional of §4, M^-(s beta) + (1+T)^-s\n"
    "                  + sum_i K(T - t_{i+1}) [(1+t_i)^-s + sigma^2] eta_i^2 / B with\n"
    "                  K(u) = (1+u)^-(2-1/beta), cost O(N) per evaluation; modes: the\n"
    "                  mode sums e_M, K_M (the finite-M, constant-exact version),\n"
    "                  cost O(N * nodes): about a minute at N = 3e4, M = 1000\n"
    "model options (as `fslaw theory`):\n"
    "  --beta B        capacity exponent, lambda_j = j^-B, B > 1 (default 2)\n"
    "  --s S           source exponent, lambda_j theta_j^2 = j^-(S B + 1) (default 0.5)\n"
    "  --features M    learned features, a whole number or inf (default 1000)\n"
    "  --dim N         total dimension >= M or inf (default M)\n"
    "  --sigma SIGMA   label-noise standard deviation (default 1)\n"
    "  --batch B       batch size (default 1)\n",
    run, NULL};

#define NBASE CLI_NBASE
#define MAX_COMPARE 8
/* Rows of the summary: the baselines, then the §4 closed form (theory mode). */
#define NROW (NBASE + 1)

static const char *row_name(int b) { return b < NBASE ? cli_base_name(b) : "closed form (sec. 4)"; }

/* Every option of the command. */
typedef struct {
  const char *params, *steps, *peak, *warmup, *style, *family, *out, *plot; /* both modes */
  const char *max_evals, *min_lr;                                           /* both modes */
  const char *compare[MAX_COMPARE]; /* law mode: --compare P.json, other fitted laws */
  size_t ncompare;                  /* their number */
  const char *beta, *s, *features, *dim, *sigma, *batch, *form;            /* theory mode */
  int theory;                                                               /* --theory */
  const char *cont, *cont_at; /* law mode: --continue RUN, --continue-at S */
  cli_run_opts ro;            /* how RUN is read */
} opts;

/* What a schedule is judged by: a fitted law, or the FSL of a PLK model. */
typedef struct {
  fslaw_law *law;        /* the law (law mode); NULL in theory mode */
  double p[FSLAW_MAX_PARAMS]; /* its parameters */
  fslaw_plk_model model; /* theory mode: the model */
  fslaw_fsl_options fo;  /* theory mode: the form of the FSL */
} target;

/* Final loss of lr under the target; 1 when it cannot be evaluated. */
static int target_loss(const target *t, const double *lr, size_t n, double *loss) {
  if (t->law) return fslaw_law_final_loss(t->law, t->p, lr, n, loss, NULL, NULL) != FSLAW_OK;
  return fslaw_theory_final_loss(&t->model, &t->fo, lr, n, loss, NULL, NULL) != FSLAW_OK;
}

/* The model and FSL form of theory mode (defaults as `fslaw theory`, except
 * the power form). */
static int parse_theory(const opts *a, target *t) {
  fslaw_plk_model *m = &t->model;
  cli_model_args ma = {a->beta, a->s, a->features, a->dim, a->sigma, a->batch};
  if (cli_parse_model(CMD, &ma, m)) return 1;
  fslaw_error err;
  if (fslaw_fsl_model_check(m, &err)) return cli_error(CMD, "model: %s", err.msg);
  t->fo = fslaw_fsl_options_default();
  t->fo.form = FSLAW_FSL_POWER;
  if (a->form && !strcmp(a->form, "modes")) t->fo.form = FSLAW_FSL_MODES;
  else if (a->form && strcmp(a->form, "power"))
    return cli_error(CMD, "option '--form': expected power or modes, got '%s'", a->form);
  return 0;
}

/* Options only theory mode takes, named when given without --theory. */
static int check_mode(const opts *a) {
  const char *txt[7] = {a->beta, a->s, a->features, a->dim, a->sigma, a->batch, a->form};
  const char *names[7] = {"beta", "s", "features", "dim", "sigma", "batch", "form"};
  if (a->theory) {
    if (a->params) return cli_error(CMD, "option '--params' cannot be combined with '--theory'");
    if (a->ncompare) return cli_error(CMD, "option '--compare' cannot be combined with '--theory'");
    if (a->cont) return cli_error(CMD, "option '--continue' needs a fitted law, not --theory");
    if (!a->steps) return cli_error(CMD, "option '--steps' is required");
    return 0;
  }
  for (int i = 0; i < 7; i++)
    if (txt[i]) return cli_error(CMD, "option '--%s' needs --theory", names[i]);
  if (a->cont && (a->warmup || a->style))
    return cli_error(CMD, "option '--%s' cannot be combined with '--continue' (the run's own "
                          "rates come first)", a->warmup ? "warmup" : "warmup-style");
  const char *ro_given = a->cont_at ? "continue-at" : a->ro.ncol ? "col" : a->ro.nschedule ? "schedule"
                         : a->ro.format ? "format" : a->ro.loss_window ? "loss-window" : NULL;
  if (!a->cont && ro_given) return cli_error(CMD, "option '--%s' needs --continue RUN", ro_given);
  if (a->ro.loss_window) /* the run's losses only say how far it got, at their logged steps */
    return cli_error(CMD, "option '--loss-window' does not apply: optimize --continue uses the "
                          "run's rates, and its losses only to see how far it got");
  if (!a->params) return cli_error(CMD, "option '--params' is required");
  if (a->cont && !a->steps) return cli_error(CMD, "option '--steps' is required");
  if (!a->cont && (!a->steps || !a->peak))
    return cli_error(CMD, "options '--steps' and '--peak' are required");
  return 0;
}

static int parse_options(int argc, char **argv, opts *a, fslaw_optimize_options *o) {
  const cli_opt opts_[] = {{"params", OPT_STRING, &a->params, 0, 0, 0, 0},
                           {"steps", OPT_STRING, &a->steps, 0, 0, 0, 0},
                           {"peak", OPT_STRING, &a->peak, 0, 0, 0, 0},
                           {"warmup", OPT_STRING, &a->warmup, 0, 0, 0, 0},
                           {"warmup-style", OPT_STRING, &a->style, 0, 0, 0, 0},
                           {"family", OPT_STRING, &a->family, 0, 0, 0, 0},
                           {"out", OPT_STRING, &a->out, 0, 0, 0, 0},
                           {"plot", OPT_STRING, &a->plot, 0, 0, 0, 0},
                           {"max-evals", OPT_STRING, &a->max_evals, 0, 0, 0, 0},
                           {"min-lr", OPT_STRING, &a->min_lr, 0, 0, 0, 0},
                           {"compare", OPT_MULTI, 0, 0, a->compare, &a->ncompare, MAX_COMPARE},
                           {"theory", OPT_FLAG, NULL, &a->theory, 0, 0, 0},
                           {"beta", OPT_STRING, &a->beta, 0, 0, 0, 0},
                           {"s", OPT_STRING, &a->s, 0, 0, 0, 0},
                           {"features", OPT_STRING, &a->features, 0, 0, 0, 0},
                           {"dim", OPT_STRING, &a->dim, 0, 0, 0, 0},
                           {"sigma", OPT_STRING, &a->sigma, 0, 0, 0, 0},
                           {"batch", OPT_STRING, &a->batch, 0, 0, 0, 0},
                           {"form", OPT_STRING, &a->form, 0, 0, 0, 0},
                           {"continue", OPT_STRING, &a->cont, 0, 0, 0, 0},
                           {"continue-at", OPT_STRING, &a->cont_at, 0, 0, 0, 0},
                           CLI_RUN_OPT_ENTRIES(a->ro),
                           {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos;
  int rc = cli_parse(&cli_optimize, argc, argv, opts_, pos, &npos);
  if (rc) return rc;
  if (npos)
    return cli_error(CMD, "unexpected argument '%s' (see --help; to continue that run: "
                          "--continue %s)", pos[0], pos[0]);
  if (check_mode(a)) return 1;
  if (cli_parse_count(CMD, "steps", a->steps, &o->steps)) return 1;
  if (a->peak) {
    char *end;
    o->peak = strtod(a->peak, &end);
    if (*end || end == a->peak || !(o->peak > 0) || o->peak > 1e6)
      return cli_error(CMD, "option '--peak': expected a positive rate up to 1e6, got '%s'", a->peak);
  }
  if (a->warmup) {
    char *end;
    errno = 0;
    unsigned long long w = strtoull(a->warmup, &end, 10);
    if (end == a->warmup || *end || errno || a->warmup[0] == '-')
      return cli_error(CMD, "option '--warmup': expected a whole number of steps (0 or more), "
                       "got '%s'", a->warmup);
    o->warmup = (size_t)w;
  }
  if (a->style && strcmp(a->style, "standard") && strcmp(a->style, "inclusive"))
    return cli_error(CMD, "option '--warmup-style': expected standard or inclusive, got '%s'", a->style);
  o->warmup_inclusive = a->style && !strcmp(a->style, "inclusive");
  int f = a->family ? fslaw_family_from_name(a->family) : 0;
  if (f < 0)
    return cli_error(CMD, "option '--family': expected free, wsd, cosine, linear or power, got '%s'", a->family);
  o->family = (fslaw_family)f;
  if (a->max_evals && cli_parse_count(CMD, "max-evals", a->max_evals, &o->max_evals)) return 1;
  if (a->min_lr && strcmp(a->min_lr, "fitted") &&
      cli_parse_number(CMD, "min-lr", a->min_lr, 0, &o->min_lr))
    return 1;
  if (a->min_lr && !strcmp(a->min_lr, "fitted") && a->theory)
    return cli_error(CMD, "option '--min-lr': 'fitted' needs a fitted law, not --theory");
  return 0;
}

/* --min-lr fitted: the lowest rate of the fitted runs; then any floor
 * checked against the peak (ETA is known only now in theory mode). */
static int set_min_lr(const opts *a, const cli_fit_range *range, fslaw_optimize_options *o) {
  char peak_is[64] = "--peak"; /* where the peak came from, for the messages */
  if (a->cont && !a->peak)
    snprintf(peak_is, sizeof peak_is, "the default --peak (the run's rate at step %zu)", o->warmup - 1);
  if (a->min_lr && !strcmp(a->min_lr, "fitted")) {
    if (!range->found)
      return cli_error(CMD, "option '--min-lr': %s records no fitted range (fitted with an older "
                            "fslaw?); give the rate", a->params);
    o->min_lr = range->range.min_rate;
    if (!(o->min_lr < o->peak))
      return cli_error(CMD, "option '--min-lr': fitted: the lowest fitted rate %g (the params' "
                            "fitted_range.min_rate) is not below %s %g", o->min_lr, peak_is, o->peak);
  }
  if (o->min_lr < 0 || !(o->min_lr < o->peak))
    return cli_error(CMD, "option '--min-lr': expected a rate in [0, peak %g), got %g", o->peak,
                     o->min_lr);
  return 0;
}

static int write_schedule(const char *path, const double *lr, size_t n, const char *params) {
  cli_out o;
  const char *in[1] = {params};
  if (cli_out_open(CMD, &o, path, in, 1)) return 1;
  fprintf(o.f, "step,lr\n");
  char a[32];
  for (size_t k = 0; k < n; k++) fprintf(o.f, "%zu,%s\n", k, cli_num(a, lr[k]));
  return cli_out_commit(CMD, &o);
}

/* Baselines' final losses and rates (for the plot); a baseline that does not
 * fit the request (e.g. a decay inside a long warmup) gets a NaN loss. In
 * theory mode the last row is the §4 closed form (without warmup only). */
static void baselines(const target *t, const fslaw_optimize_options *o, double loss[NROW],
                      double *rates[NROW]) {
  for (int b = 0; b < NROW; b++) {
    loss[b] = NAN;
    memset(rates[b], 0, o->steps * sizeof *rates[b]);
    if (b == NBASE) {
      if (t->law || o->warmup ||
          fslaw_fsl_optimal_schedule(t->model.s, t->model.beta, o->steps, o->peak, rates[b], NULL))
        continue;
    } else if (cli_base_rates(b, o, rates[b])) {
      continue;
    }
    if (target_loss(t, rates[b], o->steps, &loss[b])) loss[b] = NAN;
  }
}

static int plot(const char *path, const double *best, double *const rates[NROW], int nrow,
                const fslaw_optimize_options *opt, const char *params) {
  size_t n = opt->steps;
  double *x = malloc(n * sizeof *x);
  fslaw_svg *svg = fslaw_svg_create(1, 800, 420);
  fslaw_error err;
  int rc = !x || !svg ? cli_error(CMD, "out of memory") : 0;
  for (size_t k = 0; !rc && k < n; k++) x[k] = (double)k;
  if (!rc) fslaw_svg_panel(svg, 0, "optimised schedule and baselines", "step", "learning rate", 0, 0, NULL);
  for (int b = 0; !rc && b < nrow; b++)
    if (fslaw_svg_series(svg, 0, row_name(b), x, rates[b], n, FSLAW_SVG_DASHED, &err))
      rc = cli_error(CMD, "%s", err.msg);
  if (!rc && fslaw_svg_series(svg, 0, "optimum", x, best, n, FSLAW_SVG_LINE, &err))
    rc = cli_error(CMD, "%s", err.msg);
  if (!rc && opt->head && fslaw_svg_marker(svg, 0, (double)opt->warmup, "run so far | searched", &err))
    rc = cli_error(CMD, "%s", err.msg);
  cli_out o;
  const char *in[1] = {params};
  if (!rc && !(rc = cli_out_open(CMD, &o, path, in, 1))) {
    if (fslaw_svg_write(svg, o.f, &err)) {
      cli_out_abort(&o);
      rc = cli_error(CMD, "%s", err.msg);
    } else {
      rc = cli_out_commit(CMD, &o);
    }
  }
  free(x);
  fslaw_svg_destroy(svg);
  return rc;
}

/* Theory mode: the §4 quantities of the optimum (largest rate, decay fraction). */
static void theory_notes(FILE *f, const target *t, const fslaw_optimize_options *o,
                         const double *best) {
  fslaw_fsl_table tab;
  if (fslaw_fsl_table_compute(t->model.s, t->model.beta, &tab, NULL)) return;
  double top = 0;
  size_t below = 0;
  for (size_t k = 0; k < o->steps; k++) {
    top = best[k] > top ? best[k] : top;
    below += best[k] < 0.99 * o->peak;
  }
  double frac = (double)below / (double)o->steps;
  fprintf(f, "  optimum largest rate %.6g (eta_max %.6g", top, o->peak);
  if (tab.easy) fprintf(f, "; easy regime, sec. 4: ~ N^-nu, nu = %.6g)\n", tab.nu);
  else fprintf(f, "; hard regime)\n");
  fprintf(f, "  optimum decay fraction %.6g (steps below 0.99 eta_max", frac);
  if (tab.easy) fprintf(f, ")\n");
  else fprintf(f, "; sec. 4: ~ N^-%.6g, UNVERIFIED)\n", tab.decay_fraction);
}

/* Law mode: the optimum's shape in the terms a schedule is chosen by (a
 * free optimum is a CSV of every step otherwise): its largest rate, how long
 * it is held (within 1 %), over what share of the steps it then decays,
 * and the end rate. */
static void shape_line(FILE *f, const fslaw_optimize_options *o, const double *best) {
  char buf[320];
  fprintf(f, "  optimum shape: %s\n", cli_shape_describe(o, best, buf, sizeof buf));
}

/* "amplification ...: NAME A, ..." of the rows with a number (none: no line). */
static void amplification_line(FILE *f, const double amp[NROW + 1]) {
  int any = 0;
  for (int b = 0; b <= NROW; b++) any |= !isnan(amp[b]);
  if (!any) return;
  fputs("amplification of each final loss (how loosely the fitted runs determine it; "
        "docs/fit.md):", f);
  for (int b = 0, k = 0; b <= NROW; b++) {
    if (isnan(amp[b])) continue;
    fprintf(f, "%s %s ", k++ ? ";" : "", b == NROW ? "optimum" : row_name(b));
    if (isinf(amp[b])) fputs("not determined", f);
    else fprintf(f, "%.3g", amp[b]);
  }
  fputc('\n', f);
}

static void summary(FILE *f, const target *t, const fslaw_optimize_options *o, const char *cont,
                    const double loss[NROW], const fslaw_optimize_result *res, const double *best,
                    const double amp[NROW + 1]) {
  if (cont)
    fprintf(f, "continuing %s: its rates of steps 0..%zu kept, steps %zu..%zu searched (rates at "
               "most %.6g)\n", cont, o->warmup - 1, o->warmup, o->steps - 1, o->peak);
  if (t->law) {
    fprintf(f, "predicted final loss at step %zu (law %s):\n", o->steps - 1, fslaw_law_spec(t->law));
  } else {
    char mf[32];
    fprintf(f, "final FSL loss after %zu steps (theory: s %.6g, beta %.6g, M %s, sigma %.6g, "
            "B %.6g, %s form, eta_max %.6g):\n", o->steps, t->model.s, t->model.beta,
            cli_num(mf, t->model.features), t->model.sigma, t->model.batch,
            t->fo.form == FSLAW_FSL_POWER ? "power" : "modes", o->peak);
  }
  for (int b = 0; b < (t->law ? NBASE : NROW); b++)
    if (isnan(loss[b]))
      fprintf(f, "  %-24s n/a (%s)\n", row_name(b),
              cont ? "its decay would start within the run so far" : "does not fit these steps and warmup");
    else fprintf(f, "  %-24s %.6f\n", row_name(b), loss[b]);
  fprintf(f, "  %-24s %.6f   (%s; %zu evaluations)\n", "optimum", res->final_loss, res->reason,
          res->evaluations);
  if (*res->spec && cont)
    fprintf(f, "  optimum spec: %s (from step %zu; its warmup stands for the run's steps)\n",
            res->spec, o->warmup);
  else if (*res->spec)
    fprintf(f, "  optimum spec: %s\n", res->spec);
  if (t->law) shape_line(f, o, best);
  amplification_line(f, amp);
  if (!t->law) theory_notes(f, t, o, best);
}

/* --compare: every row's final loss under each other law, then each law's
 * gain of the optimum over its best baseline (compare.c). */
static void compare_laws(FILE *f, const opts *a, const target *cmp, const fslaw_optimize_options *o,
                         const double loss[NROW], double *const rates[NROW], const double *best,
                         double final_loss) {
  _Static_assert(MAX_COMPARE <= CLI_MAX_COMPARE, "compare.h holds every --compare");
  cli_compare c = {.n = a->ncompare, .paths = a->compare};
  for (size_t j = 0; j < a->ncompare; j++) {
    c.law[j] = cmp[j].law;
    c.p[j] = cmp[j].p;
  }
  cli_compare_score(&c, loss, (const double *const *)rates, best, o->steps, final_loss);
  cli_compare_print(f, &c, loss, final_loss);
}

/* A shape family's optimum above a baseline that keeps to --min-lr, by
 * more than a search's last digits (a baseline of the family's own shape,
 * WSD for wsd, is reached only that closely): the family cannot reach what a
 * plain schedule does. */
static void note_family_short(const fslaw_optimize_options *o, const double loss[NROW],
                              double *const rates[NROW], double final_loss) {
  int at = -1;
  for (int b = 0; b < NBASE; b++)
    if (!isnan(loss[b]) && rates[b][o->steps - 1] >= o->min_lr && (at < 0 || loss[b] < loss[at]))
      at = b;
  if (o->family == FSLAW_FAMILY_FREE || at < 0 || !(final_loss > loss[at] * (1 + 1e-6))) return;
  fprintf(stderr, "fslaw optimize: note: the best of the %s family (%.6f) is %.3g above the "
                  "baseline '%s' (%.6f): no schedule of that shape reaches it; --family free "
                  "searches every non-increasing one\n", fslaw_family_to_string(o->family), final_loss,
          final_loss - loss[at], row_name(at), loss[at]);
}

/* Read the law or the model; fills o->peak's theory default. */
static int load_target(const opts *a, fslaw_optimize_options *o, target *t) {
  fslaw_error err;
  if (!a->theory) {
    if (fslaw_params_read(a->params, &t->law, t->p, &err)) return cli_error(CMD, "%s", err.msg);
    /* The practical ansatz weighs a drop by the e(T) of its own time, so an
     * early drop keeps a large benefit forever (docs/mpl_results.md). */
    const char *name = fslaw_law_name(t->law);
    if (!strcmp(name, "fsl") || !strcmp(name, "fslq"))
      fprintf(stderr, "fslaw optimize: note: law '%s' keeps each drop's benefit at the value of "
                      "the step it happens, which can favour early drops; check the optimum "
                      "with --compare and a fit of fslkq or mpl\n", name);
    return 0;
  }
  if (parse_theory(a, t)) return 1;
  if (!a->peak) o->peak = cli_theory_peak_default(&t->model);
  return 0;
}

/* --continue: RUN's rates of steps 0..S-1 become the head (*head, the
 * caller frees it; o->warmup = S), S the step after the last one logged
 * (its last loss with a given schedule, which may run past the log) or
 * --continue-at; --peak defaults to the rate of step S-1, but for a run
 * still warming up, whose rate there is not the one it ramps to. */
static int load_head(opts *a, fslaw_optimize_options *o, double **head) {
  fslaw_run *run = NULL;
  const char *runs[1] = {a->cont};
  a->ro.loss_window = "1"; /* losses at their logged steps: where the run got to */
  if (cli_match_schedules(CMD, &a->ro, runs, 1) || cli_read_run(CMD, a->cont, &a->ro, &run)) return 1;
  size_t n = fslaw_run_steps(run), nl = fslaw_run_nloss(run), at = n;
  int rc = 0;
  if (a->cont_at) {
    if (cli_parse_count(CMD, "continue-at", a->cont_at, &at)) rc = 1;
    else if (at > n)
      rc = cli_error(CMD, "option '--continue-at': %s has rates for steps 0..%zu only, got %s",
                     a->cont, n - 1, a->cont_at);
  } else if (cli_run_schedule(&a->ro, a->cont, NULL)) {
    if (!nl) rc = cli_error(CMD, "%s: no loss is logged, so nothing says how far the run got; "
                                 "give --continue-at STEP", a->cont);
    else at = fslaw_run_loss_steps(run)[nl - 1] + 1;
  }
  if (!rc && o->steps < at + 2)
    rc = cli_error(CMD, "option '--steps': %zu steps leave fewer than 2 to search after %s's "
                        "steps 0..%zu; give more than %zu, or --continue-at an earlier step",
                   o->steps, a->cont, at - 1, at + 1);
  const double *lr = rc ? NULL : fslaw_run_lr(run);
  int rising = !rc && at >= 2 && lr[at - 1] > lr[at - 2];
  if (!rc && !a->peak && rising)
    rc = cli_error(CMD, "%s: its rate still rises at step %zu (%g, in warmup), so it is not the "
                        "peak the run ramps to; give --peak", a->cont, at - 1, lr[at - 1]);
  else if (!rc && !a->peak && !(lr[at - 1] > 0))
    rc = cli_error(CMD, "%s: the rate at step %zu is %g, so it gives no peak for the steps after "
                        "it; give --peak", a->cont, at - 1, lr[at - 1]);
  if (!rc && a->peak && o->peak > lr[at - 1] * (1 + 1e-9))
    fprintf(stderr, "fslaw optimize: note: the searched steps may start above %s's rate at step "
                    "%zu (%g), at up to --peak %g: a jump%s, not a ramp\n", a->cont, at - 1,
            lr[at - 1], o->peak, rising ? " that ends its warmup" : "");
  if (!rc && !(*head = malloc(at * sizeof **head))) rc = cli_error(CMD, "out of memory");
  if (!rc) {
    memcpy(*head, lr, at * sizeof **head);
    o->head = *head;
    o->warmup = at;
    /* the specs' ramp stands for the head: inclusive, its peak "reached" at
     * S - 1, lets a baseline drop at step S itself (8-1-1 at 80 % = S); the
     * rates from S on are the same in either style */
    o->warmup_inclusive = 1;
    if (!a->peak) o->peak = lr[at - 1];
  }
  fslaw_run_destroy(run);
  return rc;
}

/* "evaluation N" on a terminal's stderr while the search runs. */
static void show_progress(void *data, size_t evaluations) {
  int *shown = data;
  if (evaluations % 10) return;
  fprintf(stderr, "\rfslaw optimize: evaluation %zu ", evaluations);
  *shown = 1;
}

static int run(int argc, char **argv) {
  fslaw_optimize_options o = {0};
  opts a = {0};
  int rc = parse_options(argc, argv, &a, &o);
  if (rc == 2) return 0;
  if (rc) return rc;
  target t = {0}, cmp[MAX_COMPARE] = {{0}};
  const cli_target outs[2] = {{"out", a.out, CLI_SCHEDULE_HEADS}, {"plot", a.plot, "<"}};
  const char *in[MAX_COMPARE + 1] = {a.params};
  for (size_t j = 0; j < a.ncompare; j++) in[j + 1] = a.compare[j];
  if (cli_check_outputs(CMD, outs, 2, in, a.ncompare + 1) || load_target(&a, &o, &t)) return 1;
  fslaw_error err;
  for (size_t j = 0; j < a.ncompare && !rc; j++)
    if (fslaw_params_read(a.compare[j], &cmp[j].law, cmp[j].p, &err))
      rc = cli_error(CMD, "option '--compare': %s", err.msg);
  double *best = malloc(o.steps * sizeof *best), *rates[NROW] = {0}, loss[NROW], amp[NROW + 1];
  int got = best != NULL;
  for (int b = 0; b < NROW; b++) got &= (rates[b] = malloc(o.steps * sizeof *rates[b])) != NULL;
  if (!rc && !got) rc = cli_error(CMD, "out of memory");
  cli_fit_range range = {0};
  double *head = NULL;
  if (!rc && a.cont) rc = load_head(&a, &o, &head);
  if (!rc && t.law) cli_read_fit_range(a.params, t.law, &range);
  if (!rc) rc = set_min_lr(&a, &range, &o);
  fslaw_optimize_result res;
  fslaw_status st = FSLAW_OK;
  int shown = 0;
  if (isatty(2)) {
    o.progress = show_progress;
    o.progress_data = &shown;
  }
  if (!rc)
    st = t.law ? fslaw_optimize(t.law, t.p, &o, best, &res, &err)
               : fslaw_optimize_theory(&t.model, &t.fo, &o, best, &res, &err);
  if (shown) fputc('\n', stderr);
  if (!rc && st) rc = cli_error(CMD, "%s", err.msg);
  if (!rc) baselines(&t, &o, loss, rates);
  for (int b = 0; b <= NROW; b++) { /* how firmly the fit determines each final loss */
    const double *lr = b == NROW ? best : rates[b];
    amp[b] = NAN;
    if (!rc && range.curved && (b == NROW || !isnan(loss[b])) &&
        fslaw_law_amplification(t.law, t.p, range.M, lr, o.steps, o.steps - 1, &amp[b], NULL, &err))
      amp[b] = NAN;
  }
  if (!rc) {
    int to_file = a.out && strcmp(a.out, "-"); /* else the CSV takes standard output */
    summary(to_file ? stdout : stderr, &t, &o, a.cont, loss, &res, best, amp);
    if (res.budget_used)
      fprintf(stderr, "fslaw optimize: note: a final search stage stopped at its budget of %zu "
                      "evaluations before converging; a larger --max-evals may lower the optimum\n",
              o.max_evals ? o.max_evals : 400);
    if (t.law) {
      cli_note_extrapolation(CMD, &range, "the optimum", best, o.steps);
      if (range.found && !a.min_lr && best[o.steps - 1] < range.range.min_rate)
        fprintf(stderr, "fslaw optimize: note: --min-lr fitted keeps every rate at or above "
                        "the lowest fitted one\n");
      cli_note_determination(CMD, &range, t.law, t.p, "the optimum", best, o.steps);
      note_family_short(&o, loss, rates, res.final_loss);
    } else {
      cli_note_unstable(CMD, &t.model, best, o.steps, "the optimum");
    }
    if (a.ncompare) compare_laws(to_file ? stdout : stderr, &a, cmp, &o, loss, rates, best, res.final_loss);
    rc = write_schedule(a.out, best, o.steps, a.params);
    int nrow = t.law || isnan(loss[NBASE]) ? NBASE : NROW;
    if (!rc && a.plot) rc = plot(a.plot, best, rates, nrow, &o, a.params);
    if (!rc && to_file) printf("wrote %s\n", a.out);
    if (!rc && to_file && a.cont) /* the page's baselines need the step too */
      fprintf(stderr, "fslaw optimize: note: to draw it beside these baselines: fslaw report "
                      "--params %s --optimize %s --continue-at %zu%s\n", a.params, a.out, o.warmup,
              a.peak ? " --peak ..." : "");
  }
  free(best);
  free(head);
  for (int b = 0; b < NROW; b++) free(rates[b]);
  fslaw_law_destroy(t.law);
  for (size_t j = 0; j < a.ncompare; j++) fslaw_law_destroy(cmp[j].law);
  return rc;
}
