/* cmd_theory.c: `fslaw theory`: the discrete FSL of a schedule for the PLK
 * model (MATH.md §2), its calibration against a simulated curve, Table 1 of
 * §3 and the optimal schedules of §4. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fsl_curve.h"
#include "fslaw/fsl.h"

#define CMD "theory"

static int run(int argc, char **argv);

const cli_command cli_theory = {
    "theory", "FSL loss curves, Table 1 exponents and optimal schedules of the PLK model",
    "usage: fslaw theory --schedule SPEC [MODEL] [--form modes|power] [--every N]\n"
    "                    [--out F.csv] [--plot F.svg] [--calibrate SIM.csv]\n"
    "       fslaw theory --table [--s S] [--beta B] [--out F]\n"
    "       fslaw theory --optimal-schedule --steps N [--s S] [--beta B] [--peak-max ETA]\n"
    "                    [--out F.csv]\n\n"
    "Curve mode: the discrete Functional Scaling Law (MATH.md §2) of the schedule\n"
    "for the power-law kernel model, as CSV step,t,fsl,approx,signal,noise; row\n"
    "`step` k is the state after k steps, t = sum of the rates of steps 0..k-1 (the\n"
    "convention of `fslaw simulate`), fsl = approx + signal + noise.\n"
    "  modes form: approx = delta_M = tail/2, signal = e_M(t)/2,\n"
    "    noise = 1/2 sum_{i<k} K_M(t - t_{i+1}) [e_M(t_i) + sigma_eff^2] eta_i^2 / B\n"
    "    (excess-risk units of §1.1, sigma_eff^2 = sigma^2 + tail signal beyond M);\n"
    "  power form: approx = M^-(s beta), signal = (1+t)^-s, noise as above with\n"
    "    K = (1+t)^-(2-1/beta) (a sum of ~100 exponentials, relative error < 1e-8)\n"
    "    and sigma^2.\n\n"
    "model options (as `fslaw simulate`):\n"
    "  --beta B        capacity exponent, lambda_j = j^-B, B > 1 (default 2)\n"
    "  --s S           source exponent, lambda_j theta_j^2 = j^-(S B + 1) (default 0.5)\n"
    "  --features M    learned features, a whole number or inf (default 1000)\n"
    "  --dim N         total dimension >= M or inf (default M)\n"
    "  --sigma SIGMA   label-noise standard deviation (default 1)\n"
    "  --batch B       batch size (default 1)\n\n"
    "curve options:\n"
    "  --schedule SPEC learning-rate schedule (see fslaw schedule --help); required\n"
    "  --form F        modes (mode sums e_M, K_M; default) or power (pure power laws)\n"
    "  --nodes N       auto (exact sums up to M = 1024, compressed above; default),\n"
    "                  exact, or compressed (Gauss nodes on geometric bins of lambda,\n"
    "                  relative error ~1e-9, any M including inf)\n"
    "  --every N       print every N-th step (and always the last one)\n"
    "  --out F         write the CSV to F instead of standard output\n"
    "  --plot F        draw log-log curves of fsl and its terms to the SVG file F\n"
    "  --calibrate SIM fit fsl ~ c_a approx + c_e signal + c_n noise to the column\n"
    "                  `excess` of SIM (CSV step,t,excess of `fslaw simulate`) by\n"
    "                  least squares on relative residuals; adds a column `fitted`\n"
    "                  and reports the constants and the max relative deviation\n"
    "                  (raw and fitted) on standard error\n\n"
    "table mode:\n"
    "  --table         print Table 1 of MATH.md §3 for (s, beta): regime, final-loss\n"
    "                  exponents of constant / exponential decay / WSD-like schedules\n"
    "                  (data- and compute-limited), optimal allocations, and the §4\n"
    "                  optimal-schedule exponents\n\n"
    "optimal-schedule mode (MATH.md §4), CSV step,lr (loadable by the schedule\n"
    "`file:path=F.csv`):\n"
    "  --optimal-schedule\n"
    "  --steps N       horizon\n"
    "  --peak-max ETA  rate cap eta_max (default half the model's stability bound,\n"
    "                  MATH.md §1.1a; a note gives its value)\n"
    "  easy (s >= 1 - 1/beta): eta_max N^-nu (1 - k/N)^(2 beta - 1), nu of §4;\n"
    "  hard: eta_max, then eta_max ((N - k)/L)^(2 beta - 1) over the last\n"
    "  L = N^(1 - f) steps, f = (1 - 1/beta - s)/(2 - 1/beta) (UNVERIFIED in MATH.md).\n",
    run, NULL};

/* Every option of the command. */
typedef struct {
  const char *beta, *s, *features, *dim, *sigma, *batch;         /* model */
  const char *schedule, *form, *nodes, *every, *out, *plot, *sim; /* curve */
  const char *steps, *peak_max;                                   /* optimal schedule */
  int table, optimal;                                             /* modes */
} opts;

static int parse_model(const opts *o, fslaw_plk_model *m) {
  cli_model_args ma = {o->beta, o->s, o->features, o->dim, o->sigma, o->batch};
  if (cli_parse_model(CMD, &ma, m)) return 1;
  fslaw_error err;
  if (fslaw_fsl_model_check(m, &err)) return cli_error(CMD, "model: %s", err.msg);
  return 0;
}

static int parse_form(const opts *o, fslaw_fsl_options *fo) {
  return cli_fsl_parse_form(CMD, o->form, o->nodes, fo);
}

/* ---- table mode ------------------------------------------------------------ */

static void print_row(FILE *f, const char *sched, const char *setting, char var,
                      fslaw_fsl_scaling x, const char *formula) {
  fprintf(f, "%-10s %-16s %c^-%-10.6g (log %c)^%-10.6g %s\n", sched, setting, var, x.power, var,
          x.log_power, formula);
}

static void print_table(FILE *f, const fslaw_fsl_table *t) {
  static const char *names[3] = {"constant", "exp-decay", "wsd-like"};
  fprintf(f, "FSL Table 1 (MATH.md §3) for s = %.6g, beta = %.6g (sb = s*beta)\n", t->s, t->beta);
  fprintf(f, "regime: %s (s %s 1 - 1/beta = %.6g)\n", t->easy ? "easy" : "hard",
          t->easy ? ">=" : "<", 1 - 1 / t->beta);
  fprintf(f, "\nfinal loss ~ X^-a (log X)^b, optimally tuned; D = data, C = M D = compute\n");
  fprintf(f, "%-10s %-16s %-13s %-17s %s\n", "schedule", "setting", "X^-a", "(log X)^b", "formula");
  for (int i = 0; i < 3; i++)
    print_row(f, names[i], "data-limited", 'D', t->data[i], cli_fsl_table_formula(t->easy, 0, i));
  for (int i = 0; i < 3; i++)
    print_row(f, names[i], "compute-limited", 'C', t->compute[i],
              cli_fsl_table_formula(t->easy, 1, i));
  fprintf(f, "\noptimal allocations (MATH.md §3)\n");
  fprintf(f, "constant, data-limited:    gamma_opt ~ D^-%.6g\n", t->const_gamma_data);
  fprintf(f, "constant, compute-limited: M_opt ~ C^%.6g, gamma_opt ~ C^-%.6g\n",
          t->const_model_compute, t->const_gamma_compute);
  fprintf(f, "exp/WSD, compute-limited:  M_opt ~ C^%.6g (log C)^-%.6g, gamma_opt ~ %s\n",
          t->decay_model_compute.power, t->decay_model_compute.log_power,
          t->easy ? "tuned" : "1");
  if (!t->easy)
    fprintf(f, "WSD, data-limited:         decay fraction r_opt >~ D^-%.6g log D\n",
            t->wsd_fraction_data);
  fprintf(f, "\noptimal schedule (MATH.md §4), N steps: final loss ~ N^-%.6g\n", t->optimal_loss);
  if (t->easy)
    fprintf(f, "shape: power decay eta_peak (1 - z/N)^%.6g, eta_peak ~ N^-nu, nu = %.6g\n",
            2 * t->beta - 1, t->nu);
  else
    fprintf(f, "shape: WSD, eta_max then a (N - z)^%.6g tail over a fraction ~ N^-%.6g "
            "of the run (exponent UNVERIFIED, MATH.md §4)\n", 2 * t->beta - 1, t->decay_fraction);
}

static int run_table(const fslaw_plk_model *m, const opts *o) {
  fslaw_fsl_table t;
  fslaw_error err;
  if (fslaw_fsl_table_compute(m->s, m->beta, &t, &err)) return cli_error(CMD, "%s", err.msg);
  cli_out out;
  if (cli_out_open(CMD, &out, o->out, NULL, 0)) return 1;
  print_table(out.f, &t);
  return cli_out_commit(CMD, &out);
}

/* Before any work: the outputs are writable and replace no input (the
 * simulation to calibrate on, a schedule file) and no file of other data. */
static int check_outputs(const opts *o, const char *head, const char *schedule_file) {
  const cli_target outs[2] = {{"out", o->out, head}, {"plot", o->plot, "<"}};
  const char *inputs[2] = {o->sim, schedule_file};
  return cli_check_outputs(CMD, outs, 2, inputs, 2);
}

/* ---- optimal-schedule mode -------------------------------------------------- */

static int run_optimal(const fslaw_plk_model *m, const opts *o) {
  size_t n;
  if (!o->steps) return cli_error(CMD, "--optimal-schedule needs --steps N");
  if (cli_parse_count(CMD, "steps", o->steps, &n)) return 1;
  double eta_max = cli_theory_peak_default(m);
  if (cli_parse_number(CMD, "peak-max", o->peak_max, 0, &eta_max)) return 1;
  if (!(eta_max > 0) || !isfinite(eta_max))
    return cli_error(CMD, "option '--peak-max': must be a finite number > 0, got '%s'", o->peak_max);
  double *lr = malloc(n * sizeof *lr);
  if (!lr) return cli_error(CMD, "out of memory");
  fslaw_error err;
  fslaw_fsl_table t;
  int rc = 0;
  if (fslaw_fsl_optimal_schedule(m->s, m->beta, n, eta_max, lr, &err) ||
      fslaw_fsl_table_compute(m->s, m->beta, &t, &err))
    rc = cli_error(CMD, "%s", err.msg);
  cli_out out;
  if (!rc && !(rc = cli_out_open(CMD, &out, o->out, NULL, 0))) {
    fprintf(out.f, "step,lr\n");
    for (size_t k = 0; k < n; k++) fprintf(out.f, "%zu,%.17g\n", k, lr[k]);
    rc = cli_out_commit(CMD, &out);
  }
  if (!rc) cli_note_unstable(CMD, m, lr, n, "the optimal schedule");
  if (!rc && !o->peak_max)
    fprintf(stderr, "fslaw theory: note: eta_max %.6g: half the model's stability bound "
            "(MATH.md §1.1a; --peak-max sets it)\n", eta_max);
  if (!rc && t.easy)
    fprintf(stderr, "fslaw theory: note: easy regime: power decay, eta_peak = eta_max N^-nu = "
            "%.6g (nu = %.6g)\n", lr[0], t.nu);
  if (!rc && !t.easy)
    fprintf(stderr, "fslaw theory: note: hard regime: WSD, decay over the last N^(1-%.6g) steps; "
            "that exponent is UNVERIFIED (MATH.md §4)\n", t.decay_fraction);
  free(lr);
  return rc;
}

/* ---- curve mode ------------------------------------------------------------- */

typedef cli_fsl_curve curve;
typedef cli_fsl_sim sim_points;

static int write_curve(const char *path, const curve *c, size_t every, const char *const *inputs) {
  cli_out o;
  if (cli_out_open(CMD, &o, path, inputs, 3)) return 1;
  fprintf(o.f, "step,t,fsl,approx,signal,noise%s\n", c->fitted ? ",fitted" : "");
  for (size_t r = 0; r < c->rows; r++) {
    size_t k = fslaw_fsl_row_step(r, c->K, c->every);
    if (k % every && k != c->K) continue;
    fprintf(o.f, "%zu,%.17g,%.17g,%.17g,%.17g,%.17g", k, c->t[r], c->fsl[r], c->approx[r],
            c->signal[r], c->noise[r]);
    if (c->fitted) fprintf(o.f, ",%.17g", c->fitted[r]);
    fputc('\n', o.f);
  }
  return cli_out_commit(CMD, &o);
}

static void report_fit(const char *path, const fslaw_fsl_fit *fit) {
  static const char *names[3] = {"c_a", "c_e", "c_n"};
  fprintf(stderr, "fslaw theory: calibration on %zu points of %s:", fit->n, path);
  for (int j = 0; j < 3; j++)
    fprintf(stderr, " %s = %.10g%s", names[j], fit->c[j], fit->fitted[j] ? "" : " (term is 0)");
  fprintf(stderr, "\nfslaw theory: max relative deviation: raw %.6g, fitted %.6g (rms %.6g)\n",
          fit->raw_maxrel, fit->fit_maxrel, fit->fit_rmsrel);
}

static int add_series(fslaw_svg *svg, size_t p, const char *label, const double *x,
                      const double *y, size_t n, fslaw_svg_style st) {
  fslaw_error err;
  if (fslaw_svg_series(svg, p, label, x, y, n, st, &err)) return cli_error(CMD, "%s", err.msg);
  return 0;
}

/* The fsl and its dashed terms. A term that is 0 on every row (approx when
 * every feature is learned) has no point on the log axis: it is left out of
 * the legend, and the fsl's label says it is 0, as the report's caption does. */
static int add_terms(fslaw_svg *svg, const curve *c) {
  static const char *names[3] = {"approx", "signal", "noise"};
  const double *y[3] = {c->approx, c->signal, c->noise};
  int drawn[3] = {0, 0, 0};
  char label[64] = "fsl";
  for (int j = 0; j < 3; j++) {
    for (size_t r = 0; r < c->rows; r++) drawn[j] |= y[j][r] > 0;
    if (!drawn[j])
      snprintf(label + strlen(label), sizeof label - strlen(label), "%s%s = 0",
               strcmp(label, "fsl") ? ", " : " (", names[j]);
  }
  if (strcmp(label, "fsl")) strcat(label, ")");
  int rc = add_series(svg, 0, label, c->t, c->fsl, c->rows, FSLAW_SVG_LINE);
  for (int j = 0; j < 3 && !rc; j++)
    if (drawn[j]) rc = add_series(svg, 0, names[j], c->t, y[j], c->rows, FSLAW_SVG_DASHED);
  return rc;
}

static int plot(const char *path, const char *spec, const curve *c, const sim_points *sp,
                const char *const *inputs) {
  fslaw_svg *svg = fslaw_svg_create(sp ? 2 : 1, 720, 340);
  if (!svg) return cli_error(CMD, "out of memory");
  fslaw_error err;
  int rc = fslaw_svg_panel(svg, 0, spec, "intrinsic time t", "excess risk", 1, 1, &err)
               ? cli_error(CMD, "%s", err.msg) : 0;
  if (!rc) rc = add_terms(svg, c);
  if (!rc && sp) {
    if (fslaw_svg_panel(svg, 1, "calibrated FSL vs simulation", "intrinsic time t",
                        "excess risk", 1, 1, &err))
      rc = cli_error(CMD, "%s", err.msg);
    if (!rc) rc = add_series(svg, 1, "simulation", sp->t, sp->y, sp->n, FSLAW_SVG_MARKERS);
    if (!rc) rc = add_series(svg, 1, "fsl (raw)", c->t, c->fsl, c->rows, FSLAW_SVG_DASHED);
    if (!rc) rc = add_series(svg, 1, "fsl (fitted)", c->t, c->fitted, c->rows, FSLAW_SVG_LINE);
  }
  cli_out o;
  if (!rc && !(rc = cli_out_open(CMD, &o, path, inputs, 3))) {
    if (fslaw_svg_write(svg, o.f, &err)) {
      cli_out_abort(&o);
      rc = cli_error(CMD, "%s", err.msg);
    } else {
      rc = cli_out_commit(CMD, &o);
    }
  }
  fslaw_svg_destroy(svg);
  return rc;
}

static int curve_outputs(const opts *o, const fslaw_schedule *s, curve *c, size_t every) {
  fslaw_fsl_fit fit;
  fslaw_run *simrun = NULL;
  sim_points sp = {0, NULL, NULL, NULL};
  int rc = 0;
  if (o->sim) {
    rc = cli_fsl_calibrate(CMD, "calibrate", o->sim, c, &fit, &simrun, &sp);
    if (!rc) rc = cli_fsl_apply_fit(CMD, c, &fit);
    if (!rc) report_fit(o->sim, &fit);
  }
  const char *file = fslaw_schedule_path(s); /* a file schedule is an input too */
  const char *inputs[3] = {o->sim, o->plot, file};
  if (!rc) rc = write_curve(o->out, c, every, inputs);
  const char *plot_inputs[3] = {o->sim, o->out, file};
  if (!rc && o->plot) rc = plot(o->plot, fslaw_schedule_spec(s), c, o->sim ? &sp : NULL, plot_inputs);
  free(sp.y);
  free(sp.t);
  fslaw_run_destroy(simrun);
  return rc;
}

static int run_curve(const fslaw_plk_model *m, const opts *o) {
  fslaw_fsl_options fo;
  size_t every = 1;
  if (parse_form(o, &fo)) return 1;
  if (o->every && cli_parse_count(CMD, "every", o->every, &every)) return 1;
  fslaw_error err;
  fslaw_schedule *s;
  if (fslaw_schedule_create(o->schedule, &s, &err))
    return cli_error(CMD, "option '--schedule': %s", err.msg);
  curve c = {fslaw_schedule_steps(s), o->sim ? 1 : every, 0, NULL, NULL, NULL, NULL, NULL, NULL};
  double *lr = malloc(c.K * sizeof *lr);
  int rc = check_outputs(o, "step,t,fsl,", fslaw_schedule_path(s));
  if (!rc && !lr) rc = cli_error(CMD, "out of memory");
  if (!rc) fslaw_schedule_eval(s, lr, c.K, NULL);
  if (!rc) rc = cli_fsl_curve_eval(CMD, m, &fo, lr, &c);
  if (!rc) rc = curve_outputs(o, s, &c, every);
  free(lr);
  cli_fsl_curve_free(&c);
  fslaw_schedule_destroy(s);
  return rc;
}

/* ---- dispatch --------------------------------------------------------------- */

static int check_modes(const opts *o) {
  if (o->table && o->optimal) return cli_error(CMD, "--table and --optimal-schedule exclude each other");
  const char *curve_only[] = {o->schedule, o->form, o->nodes, o->every, o->plot, o->sim};
  const char *curve_names[] = {"schedule", "form", "nodes", "every", "plot", "calibrate"};
  for (int i = 0; i < 6 && (o->table || o->optimal); i++)
    if (curve_only[i])
      return cli_error(CMD, "option '--%s' is not used with --%s", curve_names[i],
                       o->table ? "table" : "optimal-schedule");
  /* Table 1 depends on s and beta alone */
  const char *model_only[] = {o->features, o->dim, o->sigma, o->batch};
  const char *model_names[] = {"features", "dim", "sigma", "batch"};
  for (int i = 0; i < 4 && o->table; i++)
    if (model_only[i])
      return cli_error(CMD, "option '--%s' is not used with --table (its exponents depend on "
                       "--s and --beta alone)", model_names[i]);
  if (!o->optimal && (o->steps || o->peak_max))
    return cli_error(CMD, "option '--%s' needs --optimal-schedule", o->steps ? "steps" : "peak-max");
  if (!o->table && !o->optimal && !o->schedule)
    return cli_error(CMD, "missing --schedule SPEC (or --table / --optimal-schedule; see --help)");
  return 0;
}

static int run(int argc, char **argv) {
  opts o = {0};
  const cli_opt spec[] = {{"beta", OPT_STRING, &o.beta, 0, 0, 0, 0},
                          {"s", OPT_STRING, &o.s, 0, 0, 0, 0},
                          {"features", OPT_STRING, &o.features, 0, 0, 0, 0},
                          {"dim", OPT_STRING, &o.dim, 0, 0, 0, 0},
                          {"sigma", OPT_STRING, &o.sigma, 0, 0, 0, 0},
                          {"batch", OPT_STRING, &o.batch, 0, 0, 0, 0},
                          {"schedule", OPT_STRING, &o.schedule, 0, 0, 0, 0},
                          {"form", OPT_STRING, &o.form, 0, 0, 0, 0},
                          {"nodes", OPT_STRING, &o.nodes, 0, 0, 0, 0},
                          {"every", OPT_STRING, &o.every, 0, 0, 0, 0},
                          {"out", OPT_STRING, &o.out, 0, 0, 0, 0},
                          {"plot", OPT_STRING, &o.plot, 0, 0, 0, 0},
                          {"calibrate", OPT_STRING, &o.sim, 0, 0, 0, 0},
                          {"steps", OPT_STRING, &o.steps, 0, 0, 0, 0},
                          {"peak-max", OPT_STRING, &o.peak_max, 0, 0, 0, 0},
                          {"table", OPT_FLAG, 0, &o.table, 0, 0, 0},
                          {"optimal-schedule", OPT_FLAG, 0, &o.optimal, 0, 0, 0},
                          {0}};
  const char *pos[argc > 0 ? argc : 1];
  size_t npos;
  int rc = cli_parse(&cli_theory, argc, argv, spec, pos, &npos);
  if (rc == 2) return 0;
  if (rc) return rc;
  if (npos) return cli_error(CMD, "unexpected argument '%s' (see --help)", pos[0]);
  if (check_modes(&o)) return 1;
  if (o.table && check_outputs(&o, "FSL Table 1", NULL)) return 1;
  if (o.optimal && check_outputs(&o, CLI_SCHEDULE_HEADS, NULL)) return 1;
  fslaw_plk_model m;
  if (parse_model(&o, &m)) return 1;
  if (o.table) return run_table(&m, &o);
  if (o.optimal) return run_optimal(&m, &o);
  return run_curve(&m, &o);
}
