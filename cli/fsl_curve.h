/* fsl_curve.h: the FSL curve of a schedule and its calibration against a
 * simulated curve, shared by `fslaw theory` (CSV, --calibrate) and
 * `fslaw report --theory` (HTML page), so both print the same numbers. */
#ifndef FSLAW_CLI_FSL_CURVE_H
#define FSLAW_CLI_FSL_CURVE_H

#include "fslaw/fslaw.h"

/* The FSL terms at every output row (MATH.md §2). */
typedef struct cli_fsl_curve {
  size_t K, every, rows;                     /* steps, stride, rows */
  double *t, *approx, *signal, *noise, *fsl; /* per row */
  double *fitted;                            /* calibrated curve, or NULL */
} cli_fsl_curve;

/* Simulated points matched to the curve's rows (curve evaluated every step). */
typedef struct cli_fsl_sim {
  size_t n;           /* number of points */
  const size_t *step; /* their steps (owned by the run read) */
  double *y, *t;      /* simulated excess and intrinsic time */
} cli_fsl_sim;

/* Evaluator options from --form (modes|power) and --nodes (auto|exact|
 * compressed) texts, NULL = default; errors name the option. */
int cli_fsl_parse_form(const char *cmd, const char *form, const char *nodes,
                       fslaw_fsl_options *fo);
/* Fill c (K and every set by the caller) with fslaw_fsl_eval of rates lr. */
int cli_fsl_curve_eval(const char *cmd, const fslaw_plk_model *m, const fslaw_fsl_options *fo,
                       const double *lr, cli_fsl_curve *c);
/* A note on stderr when a rate of lr[0..n-1] (`what`: "the schedule") is
 * above the model's stability bound (MATH.md §1.1a). */
void cli_note_unstable(const char *cmd, const fslaw_plk_model *m, const double *lr, size_t n,
                       const char *what);
/* Default rate cap of the theory modes: half the stability bound, where
 * the noise plateau is still near its small-rate value. */
double cli_theory_peak_default(const fslaw_plk_model *m);
/* Free the arrays of c. */
void cli_fsl_curve_free(cli_fsl_curve *c);
/* Read the column `excess` of the simulation CSV `path` (given by option
 * `--opt`), match its steps to the rows of c (every = 1) and fit the three
 * constants; *runp (to destroy) and sp->y, sp->t (to free) are set even on
 * failure. A column t that differs from the schedule's intrinsic time (a
 * simulation of another schedule) is an error. */
int cli_fsl_calibrate(const char *cmd, const char *opt, const char *path,
                      const cli_fsl_curve *c, fslaw_fsl_fit *fit, fslaw_run **runp,
                      cli_fsl_sim *sp);
/* c->fitted = c_a approx + c_e signal + c_n noise with the fitted constants. */
int cli_fsl_apply_fit(const char *cmd, cli_fsl_curve *c, const fslaw_fsl_fit *fit);
/* Table 1's formula of schedule i (FSLAW_FSL_CONSTANT..WSD) in the regime
 * `easy`, data-limited (compute 0) or compute-limited (1). */
const char *cli_fsl_table_formula(int easy, int compute, int i);

#endif
