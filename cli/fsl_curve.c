/* fsl_curve.c: the FSL curve of a schedule and its calibration against a
 * simulated curve (MATH.md §2), shared by `fslaw theory` and
 * `fslaw report --theory`. Moved here from cmd_theory.c unchanged but for
 * the command and option names passed in. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fsl_curve.h"

int cli_fsl_parse_form(const char *cmd, const char *form, const char *nodes,
                       fslaw_fsl_options *fo) {
  *fo = fslaw_fsl_options_default();
  if (form) {
    if (!strcmp(form, "modes")) fo->form = FSLAW_FSL_MODES;
    else if (!strcmp(form, "power")) fo->form = FSLAW_FSL_POWER;
    else return cli_error(cmd, "option '--form': expected modes or power, got '%s'", form);
  }
  if (nodes) {
    if (!strcmp(nodes, "auto")) fo->nodes = FSLAW_FSL_NODES_AUTO;
    else if (!strcmp(nodes, "exact")) fo->nodes = FSLAW_FSL_NODES_EXACT;
    else if (!strcmp(nodes, "compressed")) fo->nodes = FSLAW_FSL_NODES_COMPRESSED;
    else
      return cli_error(cmd, "option '--nodes': expected auto, exact or compressed, got '%s'",
                       nodes);
  }
  return 0;
}

void cli_fsl_curve_free(cli_fsl_curve *c) {
  free(c->t);
  free(c->approx);
  free(c->signal);
  free(c->noise);
  free(c->fsl);
  free(c->fitted);
}

int cli_fsl_curve_eval(const char *cmd, const fslaw_plk_model *m, const fslaw_fsl_options *fo,
                       const double *lr, cli_fsl_curve *c) {
  size_t n = c->rows = fslaw_fsl_rows(c->K, c->every);
  c->t = malloc(n * sizeof(double));
  c->approx = malloc(n * sizeof(double));
  c->signal = malloc(n * sizeof(double));
  c->noise = malloc(n * sizeof(double));
  c->fsl = malloc(n * sizeof(double));
  if (!c->t || !c->approx || !c->signal || !c->noise || !c->fsl)
    return cli_error(cmd, "out of memory");
  fslaw_error err;
  if (fslaw_fsl_eval(m, fo, lr, c->K, c->every, c->t, c->approx, c->signal, c->noise, c->fsl,
                     &err))
    return cli_error(cmd, "%s", err.msg);
  cli_note_unstable(cmd, m, lr, c->K, "the schedule");
  return 0;
}

void cli_note_unstable(const char *cmd, const fslaw_plk_model *m, const double *lr, size_t n,
                       const char *what) {
  double bound = fslaw_sim_stability_bound(m);
  for (size_t k = 0; k < n; k++)
    if (lr[k] > bound) {
      fprintf(stderr, "fslaw %s: note: %s has rate %.6g at step %zu, above this model's stability "
                      "bound %.6g (MATH.md §1.1a): SGD diverges there, which the FSL does not "
                      "show\n", cmd, what, lr[k], k, bound);
      return;
    }
}

double cli_theory_peak_default(const fslaw_plk_model *m) {
  return 0.5 * fslaw_sim_stability_bound(m);
}

/* A simulation of another schedule fits constants that mean nothing: its
 * intrinsic time (column t, when present) must be the schedule's. */
static int same_schedule(const char *cmd, const char *opt, const char *path, const fslaw_run *run,
                         size_t i, double t) {
  const double *logged = fslaw_run_tokens(run);
  if (!logged || isnan(logged[i]) || fabs(logged[i] - t) <= 1e-9 * fmax(1, fabs(t))) return 0;
  return cli_error(cmd, "option '--%s': %s: at step %zu the simulation's intrinsic time t is "
                   "%.10g, this schedule's %.10g: simulate the same schedule (and model)",
                   opt, path, fslaw_run_loss_steps(run)[i], logged[i], t);
}

int cli_fsl_calibrate(const char *cmd, const char *opt, const char *path,
                      const cli_fsl_curve *c, fslaw_fsl_fit *fit, fslaw_run **runp,
                      cli_fsl_sim *sp) {
  /* t is read through the tokens slot: a value per excess row */
  fslaw_run_columns cols = {NULL, NULL, "excess", "t"};
  fslaw_error err;
  if (fslaw_run_read(path, FSLAW_RUN_AUTO, &cols, runp, &err))
    return cli_error(cmd, "option '--%s': %s", opt, err.msg);
  sp->n = fslaw_run_nloss(*runp);
  sp->step = fslaw_run_loss_steps(*runp);
  const double *y = fslaw_run_loss(*runp);
  if (!sp->n) return cli_error(cmd, "option '--%s': %s: no 'excess' values", opt, path);
  double *a = malloc(sp->n * sizeof *a), *s = malloc(sp->n * sizeof *s),
         *z = malloc(sp->n * sizeof *z);
  sp->y = malloc(sp->n * sizeof *sp->y);
  sp->t = malloc(sp->n * sizeof *sp->t);
  int rc = !a || !s || !z || !sp->y || !sp->t ? cli_error(cmd, "out of memory") : 0;
  for (size_t i = 0; !rc && i < sp->n; i++) {
    size_t k = sp->step[i];
    if (k > c->K)
      rc = cli_error(cmd, "option '--%s': %s: step %zu is beyond the schedule's %zu steps", opt,
                     path, k, c->K);
    else
      a[i] = c->approx[k], s[i] = c->signal[k], z[i] = c->noise[k], sp->y[i] = y[i],
      sp->t[i] = c->t[k];
  }
  for (size_t i = 0; !rc && i < sp->n; i++)
    if (!(y[i] > 0) || !isfinite(y[i]))
      rc = cli_error(cmd, "option '--%s': %s: step %zu: the excess must be finite and > 0, got %g",
                     opt, path, sp->step[i], y[i]);
  for (size_t i = 0; !rc && i < sp->n; i++) rc = same_schedule(cmd, opt, path, *runp, i, sp->t[i]);
  if (!rc && fslaw_fsl_calibrate(a, s, z, sp->y, sp->n, fit, &err))
    rc = cli_error(cmd, "option '--%s': %s: %s", opt, path, err.msg);
  free(a);
  free(s);
  free(z);
  return rc;
}

int cli_fsl_apply_fit(const char *cmd, cli_fsl_curve *c, const fslaw_fsl_fit *fit) {
  c->fitted = malloc(c->rows * sizeof *c->fitted);
  if (!c->fitted) return cli_error(cmd, "out of memory");
  for (size_t r = 0; r < c->rows; r++)
    c->fitted[r] = fit->c[0] * c->approx[r] + fit->c[1] * c->signal[r] + fit->c[2] * c->noise[r];
  return 0;
}

const char *cli_fsl_table_formula(int easy, int compute, int i) {
  static const char *fd[2][3] = {
      {"D^{-s/(s+1)}", "(D/log D)^{-s}", "D^{-s}"},
      {"D^{-s/(s+1)}", "(D/log D)^{-sb/(1+sb)}", "D^{-sb/(1+sb)} (log D)^{(sb-s)/(1+sb)}"}};
  static const char *fc[2][3] = {
      {"C^{-sb/(1+sb+b)}", "(C/log C)^{-sb/(1+b)}", "C^{-sb/(1+b)}"},
      {"C^{-sb/(1+sb+b)}", "(C/log C)^{-sb/(2+sb)}", "C^{-sb/(2+sb)} (log C)^{(sb-s)/(2+sb)}"}};
  return (compute ? fc : fd)[easy != 0][i];
}
