/* cmd_simulate.c: `fslaw simulate`: the expected excess risk of one-pass SGD
 * on the power-law kernel model (MATH.md §1) under a schedule, by the exact
 * recursion, its spectral compression, or Monte Carlo SGD. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fslaw/plk.h"
#include "fslaw/simulate.h"

static int run(int argc, char **argv);

const cli_command cli_simulate = {
    "simulate", "simulate SGD on the power-law kernel model (expected risk curve) as CSV",
    "usage: fslaw simulate --schedule SPEC [--beta B] [--s S] [--features M] [--dim N]\n"
    "                      [--sigma SIG] [--batch B] [--method exact|spectral|mc]\n"
    "                      [--runs R] [--seed X] [--every K] [--nodes Q] [--threads T]\n"
    "                      [--out F.csv] [--plot F.svg]\n\n"
    "One-pass SGD with a fresh batch of B samples per step on the power-law kernel\n"
    "model: lambda_j = j^-beta, lambda_j theta*_j^2 = j^-(s beta + 1), label noise sigma,\n"
    "the top M of N features learned (MATH.md §1). The rates are the schedule SPEC\n"
    "(see fslaw schedule --help); K = its number of steps.\n"
    "Prints CSV step,t,excess (mc adds stderr): step = SGD steps taken (0..K),\n"
    "t = sum of the rates of the steps taken, excess = E[R] - sigma^2/2.\n\n"
    "model options (defaults in brackets):\n"
    "  --beta B      capacity exponent, > 1 [2]\n"
    "  --s S         source exponent, > 0 [0.5]\n"
    "  --features M  learned features, a whole number (at most 1e8 for exact, and N at\n"
    "                most 1e8 for mc: they store every mode), or inf (spectral only) [1000]\n"
    "  --dim N       total dimension >= M, or inf [M]\n"
    "  --sigma SIG   label-noise standard deviation >= 0 [1]\n"
    "  --batch B     batch size [1]\n\n"
    "simulation options:\n"
    "  --schedule SPEC  learning-rate schedule (required)\n"
    "  --method NAME    exact: the O(M)-per-step expected-risk recursion (§1.1) [default]\n"
    "                   spectral: the recursion on Gauss nodes per geometric bin of the\n"
    "                     spectrum (§1.1b); any M, inf included; prints its estimated\n"
    "                     relative error (q vs q+1 nodes) on stderr\n"
    "                   mc: real SGD with Gaussian features, mean over --runs runs,\n"
    "                     with the standard error (N must be finite)\n"
    "  --runs R         mc: independent runs; 1 gives one SGD path, stderr left empty [100]\n"
    "  --seed X         mc: seed; the output does not depend on the thread count [1]\n"
    "  --nodes Q        spectral: Gauss nodes per bin [3]\n"
    "  --threads T      OpenMP threads [OpenMP default]\n"
    "  --every K        report every K-th step (and always the last) [1]\n"
    "  --out F          write the CSV to F instead of standard output\n"
    "  --plot F         also draw excess vs step (log-log) to the SVG file F\n"
    "                   (both are opened before the simulation; neither may be the\n"
    "                   schedule's file)\n\n"
    "A rate above the stability bound (~2/(lambda_1 + tr H / B), §1.1a) makes the risk\n"
    "grow while it lasts: a warning on stderr names the first such step, the rate and\n"
    "the bound; once the risk passes 1e15 times its start the run stops with an error\n"
    "(diverged) naming the step and the bound.\n\n"
    "example: fslaw simulate --beta 2 --s 0.5 --features 1000 --sigma 0.5 \\\n"
    "           --schedule 'cosine:peak=0.5,final=0.01,steps=10000' --every 100\n",
    run, NULL};

/* The option a model-check message is about (the message starts with the field). */
static const char *model_option(const char *msg) {
  static const char *const fields[][2] = {{"beta", "beta"},         {"s ", "s"},
                                          {"features", "features"}, {"dim", "dim"},
                                          {"sigma", "sigma"},       {"batch", "batch"}};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (!strncmp(msg, fields[i][0], strlen(fields[i][0]))) return fields[i][1];
  return NULL;
}

/* The option values as given (NULL = not given). */
typedef struct {
  const char *beta, *s, *features, *dim, *sigma, *batch; /* model */
  const char *schedule, *method, *runs, *seed, *every;   /* simulation */
  const char *nodes, *threads, *out, *plot;              /* details and outputs */
} sim_args;

static int parse_model(const sim_args *a, fslaw_plk_model *m) {
  cli_model_args ma = {a->beta, a->s, a->features, a->dim, a->sigma, a->batch};
  return cli_parse_model("simulate", &ma, m);
}

static int parse_options(const sim_args *a, fslaw_sim_options *o) {
  *o = fslaw_sim_options_default();
  if (a->method) {
    if (!strcmp(a->method, "exact"))
      o->method = FSLAW_SIM_EXACT;
    else if (!strcmp(a->method, "spectral"))
      o->method = FSLAW_SIM_SPECTRAL;
    else if (!strcmp(a->method, "mc"))
      o->method = FSLAW_SIM_MC;
    else
      return cli_error("simulate", "option '--method': expected exact, spectral or mc, got '%s'",
                       a->method);
  }
  size_t threads = 0;
  if ((a->runs && cli_parse_count("simulate", "runs", a->runs, &o->runs)) ||
      (a->every && cli_parse_count("simulate", "every", a->every, &o->every)) ||
      (a->nodes && cli_parse_count("simulate", "nodes", a->nodes, &o->nodes)) ||
      (a->threads && cli_parse_count("simulate", "threads", a->threads, &threads)))
    return 1;
  o->threads = threads > 1024 ? 1024 : (int)threads;
  if (a->seed) {
    char *end;
    errno = 0;
    o->seed = strtoull(a->seed, &end, 10);
    if (end == a->seed || *end || errno || a->seed[0] == '-')
      return cli_error("simulate", "option '--seed': expected a whole number >= 0, got '%s'",
                       a->seed);
  }
  return 0;
}

/* Draw excess vs step (log-log) into the open output o; se NULL: no band. */
static int plot(cli_out *o, const char *title, const fslaw_sim_options *opt, size_t K,
                const double *e, const double *se, size_t rows) {
  double *x = malloc(rows * sizeof *x), *lo = malloc(rows * sizeof *lo),
         *hi = malloc(rows * sizeof *hi);
  fslaw_svg *svg = fslaw_svg_create(1, 720, 420);
  fslaw_error err;
  fslaw_status st = FSLAW_ENOMEM;
  if (x && lo && hi && svg) {
    for (size_t r = 0; r < rows; r++) {
      x[r] = (double)fslaw_sim_row_step(r, K, opt->every);
      lo[r] = se ? e[r] - se[r] : 0;
      hi[r] = se ? e[r] + se[r] : 0;
    }
    st = fslaw_svg_panel(svg, 0, title, "step", "excess risk E[R] - sigma^2/2", 1, 1, &err);
    if (!st)
      st = fslaw_svg_series(svg, 0, se ? "mean" : "excess", x, e, rows, FSLAW_SVG_LINE, &err);
    if (!st && se)
      st = fslaw_svg_series(svg, 0, "mean + stderr", x, hi, rows, FSLAW_SVG_DASHED, &err);
    if (!st && se)
      st = fslaw_svg_series(svg, 0, "mean - stderr", x, lo, rows, FSLAW_SVG_DASHED, &err);
    if (!st) st = fslaw_svg_write(svg, o->f, &err);
  } else {
    snprintf(err.msg, sizeof err.msg, "out of memory");
  }
  free(x), free(lo), free(hi);
  fslaw_svg_destroy(svg);
  return st ? cli_error("simulate", "%s", err.msg) : 0;
}

/* CSV step,t,excess[,stderr] into the open output o; t = sum of the rates
 * of the steps taken. A NAN stderr (one mc run) is an empty cell. */
static int write_csv(cli_out *o, const double *lr, size_t K, size_t every, const double *e,
                     const double *se, size_t rows) {
  double *t = malloc((K ? K : 1) * sizeof *t);
  if (!t) return cli_error("simulate", "out of memory");
  fslaw_intrinsic_time(lr, K, t);
  fprintf(o->f, se ? "step,t,excess,stderr\n" : "step,t,excess\n");
  for (size_t r = 0; r < rows; r++) {
    size_t k = fslaw_sim_row_step(r, K, every);
    fprintf(o->f, "%zu,%.17g,%.17g", k, k ? t[k - 1] : 0.0, e[r]);
    if (se) fprintf(o->f, isnan(se[r]) ? "," : ",%.17g", se[r]);
    fputc('\n', o->f);
  }
  free(t);
  return 0;
}

/* Notes on stderr about a successful run: the spectral error estimate, rates
 * above the stability bound (§1.1a), one mc run without a standard error. */
static void notes(const fslaw_sim_options *o, const fslaw_sim_info *info, const double *lr,
                  size_t K) {
  if (o->method == FSLAW_SIM_SPECTRAL)
    fprintf(stderr,
            "fslaw simulate: spectral: nodes=%zu (q=%zu per bin), estimated relative error %.2g\n",
            info->nodes, o->nodes, info->err_estimate);
  if (info->unstable_steps) {
    double top = 0;
    for (size_t k = 0; k < K; k++) top = fmax(top, lr[k]);
    fprintf(stderr,
            "fslaw simulate: warning: eta=%.6g at step %zu exceeds the stability bound %.6g of "
            "MATH.md §1.1a (%zu of %zu steps are above it, the largest rate is %.6g): the "
            "expected risk grows while the rate stays above the bound\n",
            lr[info->unstable_first], info->unstable_first, info->stability_bound,
            info->unstable_steps, K, top);
  }
  if (o->method == FSLAW_SIM_MC && o->runs == 1)
    fprintf(stderr, "fslaw simulate: note: one run has no standard error: the stderr column is "
                    "empty (use --runs 2 or more)\n");
}

/* Simulate and write the outputs (open, committed here). */
static int simulate(const sim_args *a, const fslaw_plk_model *m, const fslaw_sim_options *o,
                    const double *lr, size_t K, cli_out_pair *out) {
  size_t rows = fslaw_sim_rows(K, o->every);
  int mc = o->method == FSLAW_SIM_MC;
  double *e = malloc(rows * sizeof *e), *se = mc ? malloc(rows * sizeof *se) : NULL;
  fslaw_error err;
  fslaw_sim_info info;
  int rc = 0;
  if (!e || (mc && !se)) {
    rc = cli_error("simulate", "out of memory");
  } else if (fslaw_simulate(m, lr, K, o, e, se, &info, &err)) {
    const char *opt = model_option(err.msg);
    rc = opt ? cli_error("simulate", "option '--%s': %s", opt, err.msg)
             : cli_error("simulate", "%s", err.msg);
  } else {
    notes(o, &info, lr, K);
    rc = write_csv(&out->data, lr, K, o->every, e, se, rows);
    if (!rc && a->plot) {
      char title[256];
      snprintf(title, sizeof title, "%s: beta=%g s=%g M=%g N=%g sigma=%g B=%g",
               a->method ? a->method : "exact", m->beta, m->s, m->features, m->dim, m->sigma,
               m->batch);
      rc = plot(&out->plot, title, o, K, e, mc && o->runs > 1 ? se : NULL, rows);
    }
  }
  free(e), free(se);
  return cli_out_pair_close("simulate", out, rc);
}

static int run(int argc, char **argv) {
  sim_args a = {0};
  const cli_opt opts[] = {{"beta", OPT_STRING, &a.beta, 0, 0, 0, 0},
                          {"s", OPT_STRING, &a.s, 0, 0, 0, 0},
                          {"features", OPT_STRING, &a.features, 0, 0, 0, 0},
                          {"dim", OPT_STRING, &a.dim, 0, 0, 0, 0},
                          {"sigma", OPT_STRING, &a.sigma, 0, 0, 0, 0},
                          {"batch", OPT_STRING, &a.batch, 0, 0, 0, 0},
                          {"schedule", OPT_STRING, &a.schedule, 0, 0, 0, 0},
                          {"method", OPT_STRING, &a.method, 0, 0, 0, 0},
                          {"runs", OPT_STRING, &a.runs, 0, 0, 0, 0},
                          {"seed", OPT_STRING, &a.seed, 0, 0, 0, 0},
                          {"every", OPT_STRING, &a.every, 0, 0, 0, 0},
                          {"nodes", OPT_STRING, &a.nodes, 0, 0, 0, 0},
                          {"threads", OPT_STRING, &a.threads, 0, 0, 0, 0},
                          {"out", OPT_STRING, &a.out, 0, 0, 0, 0},
                          {"plot", OPT_STRING, &a.plot, 0, 0, 0, 0},
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos;
  int rc = cli_parse(&cli_simulate, argc, argv, opts, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (npos) return cli_error("simulate", "unexpected argument '%s' (see --help)", pos[0]);
  fslaw_plk_model m;
  fslaw_sim_options o;
  if (parse_model(&a, &m) || parse_options(&a, &o)) return 1;
  if (!a.schedule) return cli_error("simulate", "option '--schedule' is required (see --help)");
  fslaw_error err;
  fslaw_schedule *s;
  cli_out_pair out; /* opened before the simulation: a bad path fails at once */
  if (fslaw_schedule_create(a.schedule, &s, &err))
    return cli_error("simulate", "option '--schedule': %s", err.msg);
  size_t K = fslaw_schedule_steps(s);
  const char *sched_file = fslaw_schedule_path(s);
  double *lr = malloc((K ? K : 1) * sizeof *lr);
  if (!lr)
    rc = cli_error("simulate", "out of memory");
  else if (fslaw_schedule_eval(s, lr, K, &err))
    rc = cli_error("simulate", "option '--schedule': %s", err.msg);
  const cli_target t[2] = {{"out", a.out, "step,t,excess"}, {"plot", a.plot, "<"}};
  if (!rc) rc = cli_check_outputs("simulate", t, 2, &sched_file, 1);
  if (!rc && !(rc = cli_out_pair_open("simulate", &out, a.out, a.plot, &sched_file, 1)))
    rc = simulate(&a, &m, &o, lr, K, &out);
  free(lr);
  fslaw_schedule_destroy(s);
  return rc;
}
