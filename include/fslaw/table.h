/* fslaw/table.h: scaling laws over tables of runs (MATH.md §6, §7).
 *
 * A table holds one row per run (or per checkpoint): its inputs, N and D
 * (parameters, tokens) or C (compute), and its loss. Table laws predict the
 * loss from the inputs alone:
 *   chinchilla  L = E + A N^-alpha + B D^-beta                      (§6)
 *   kaplan      L = [(Nc/N)^(alpha_N/alpha_D) + Dc/D]^alpha_D        (§6)
 *   twophase    L = Linf + A exp(-C/C0) + B C^-gamma                (§7)
 * Fits follow the Epoch procedure of §6: summed Huber loss (delta 1e-3) of
 * log residuals, positive parameters fitted as their logarithms (the
 * log-sum-exp form), unbounded L-BFGS (NLopt) from every point of a grid of
 * starts, keep the best. Starts run in parallel with OpenMP; a bootstrap
 * refits resampled tables with a random stream seeded from (seed, resample
 * index), so results never depend on the number of threads. */
#ifndef FSLAW_TABLE_H
#define FSLAW_TABLE_H

#include <stdint.h>

#include "fslaw/common.h"
#include "fslaw/runlog.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

/* ---- Tables ----------------------------------------------------------- */

typedef struct fslaw_table fslaw_table;

/* How to read a table from CSV. */
typedef struct fslaw_table_spec {
  size_t ninputs;            /* 2: columns N, D; 1: column C */
  const char *input_col[2];  /* column of each input; NULL = "N", "D" (or "C") */
  const char *loss_col;      /* column of the loss; NULL = "loss" */
  int loss_optional;         /* 1: a missing loss column or empty cell is NaN */
  const char *const *where;  /* row filters "COL=VALUE" or "COL!=VALUE" */
  size_t nwhere;             /* number of filters */
} fslaw_table_spec;

/* Read the RFC 4180 CSV at `path` (header line first, extra columns
 * ignored). Filters compare numerically when both sides are numbers, as text
 * otherwise; a row is kept when every filter holds. Inputs must be positive
 * and finite, and so must the loss (unless optional and empty). Errors name
 * file:line:column. On success *out owns a new table. spec is required (a
 * NULL spec is FSLAW_EINVAL). */
fslaw_status fslaw_table_read(const char *path, const fslaw_table_spec *spec,
                              fslaw_table **out, fslaw_error *err);
/* The same over len bytes in memory; `name` is used in messages. */
fslaw_status fslaw_table_parse(const char *name, const char *data, size_t len,
                               const fslaw_table_spec *spec, fslaw_table **out,
                               fslaw_error *err);
/* An empty table with 1 or 2 inputs; NULL when out of memory or ninputs bad. */
fslaw_table *fslaw_table_create(size_t ninputs);
/* Append a row: x[0..ninputs-1] and its loss (all positive and finite). */
fslaw_status fslaw_table_add(fslaw_table *t, const double *x, double loss, fslaw_error *err);
/* Append every logged checkpoint of a training log as a row (N = n,
 * D = tokens) of a two-input table ([HH]: intermediate checkpoints count).
 * A logged loss that is not positive and finite is an error naming the run
 * and step. Checkpoints without positive tokens (not logged, or the loss
 * at step 0 before any token) are skipped and counted in *skipped (may be
 * NULL); those with tokens <= min_tokens are skipped as asked. Fails when no
 * row is left. */
fslaw_status fslaw_table_add_run(fslaw_table *t, const fslaw_run *run, double n,
                                 double min_tokens, size_t *skipped, fslaw_error *err);
/* Free a table; NULL is allowed. */
void fslaw_table_destroy(fslaw_table *t);

/* Number of rows and of inputs per row. */
size_t fslaw_table_rows(const fslaw_table *t);
size_t fslaw_table_ninputs(const fslaw_table *t);
/* Inputs x[i * ninputs + k] and losses loss[i]; owned by the table. */
const double *fslaw_table_x(const fslaw_table *t);
const double *fslaw_table_loss(const fslaw_table *t);
/* Line of row i in its source file (0 for rows added by hand, and for
 * i >= fslaw_table_rows). */
size_t fslaw_table_line(const fslaw_table *t, size_t i);

/* A row that repeats the inputs (N and D, or C) of an earlier row. */
typedef struct fslaw_table_dup {
  size_t row;    /* the repeating row */
  size_t first;  /* the earlier row it repeats: with the same loss if any, else the first
                    row with these inputs */
  int same_loss; /* 1: `first` has the same loss too (both absent counts): a copy */
} fslaw_table_dup;
/* Rows repeating the inputs of an earlier row. A fit counts every row as a
 * measurement of its own, so repeated inputs weigh more: right for repeated
 * seeds, a mistake for copied rows. *count receives their number and
 * dups[0..min(count, max)-1] the first of them in row order (dups may be NULL
 * when max is 0). O(n log n). */
fslaw_status fslaw_table_duplicates(const fslaw_table *t, fslaw_table_dup *dups, size_t max,
                                    size_t *count, fslaw_error *err);

/* ---- Table laws -------------------------------------------------------- */

typedef struct fslaw_tlaw fslaw_tlaw;

/* The registry: count, entry i, and look-up by name (NULL when unknown or
 * name is NULL). */
size_t fslaw_tlaw_count(void);
const fslaw_tlaw *fslaw_tlaw_get(size_t i);
const fslaw_tlaw *fslaw_tlaw_find(const char *name);

/* Name, formula, one help line, inputs (count and names). */
const char *fslaw_tlaw_name(const fslaw_tlaw *law);
const char *fslaw_tlaw_formula(const fslaw_tlaw *law);
const char *fslaw_tlaw_help(const fslaw_tlaw *law);
size_t fslaw_tlaw_ninputs(const fslaw_tlaw *law);
const char *fslaw_tlaw_input_name(const fslaw_tlaw *law, size_t k);
/* Parameters: count, name, index by name (-1 when none or name is NULL), and whether the
 * parameter is positive (fitted as its logarithm). */
size_t fslaw_tlaw_nparams(const fslaw_tlaw *law);
const char *fslaw_tlaw_param_name(const fslaw_tlaw *law, size_t i);
long fslaw_tlaw_param_index(const fslaw_tlaw *law, const char *name);
int fslaw_tlaw_param_positive(const fslaw_tlaw *law, size_t i);
/* Derived quantities (chinchilla: a = beta/(alpha+beta), the exponent of
 * N_opt in C): count, name, and their values out[nderived] at params (an
 * out of FSLAW_MAX_PARAMS doubles, fslaw/common.h, fits every law). */
size_t fslaw_tlaw_nderived(const fslaw_tlaw *law);
const char *fslaw_tlaw_derived_name(const fslaw_tlaw *law, size_t j);
void fslaw_tlaw_derived(const fslaw_tlaw *law, const double *params, double *out);
/* Check that params are admissible (positive ones > 0, all finite). */
fslaw_status fslaw_tlaw_check(const fslaw_tlaw *law, const double *params, fslaw_error *err);
/* Predict the loss of n rows x[i * ninputs + k] into pred[n]. */
void fslaw_tlaw_predict(const fslaw_tlaw *law, const double *params, const double *x, size_t n,
                        double *pred);
/* Compute-optimal allocation for C = 6 N D (MATH.md §6; chinchilla only):
 * N_opt, D_opt. Fails for laws without a closed form. */
fslaw_status fslaw_tlaw_allocate(const fslaw_tlaw *law, const double *params, double compute,
                                 double *n_opt, double *d_opt, fslaw_error *err);

/* ---- Fitting ---------------------------------------------------------- */

typedef struct fslaw_tfit fslaw_tfit;

/* What a fit reports. */
typedef struct fslaw_tfit_result {
  double objective;     /* summed Huber objective at the returned parameters */
  size_t points;        /* number of fitted rows */
  size_t starts;        /* number of grid starts run */
  size_t best_start;    /* index of the start that won (grid order) */
  size_t near_best;     /* starts that ended within 1e-9 (relative) of the best */
  size_t evaluations;   /* objective evaluations of the winning start */
  int converged;        /* 1 when the winning start met its tolerance */
  char reason[96];      /* why the winning start stopped */
  double input_min[2];  /* smallest value of each input over the fitted rows (0: no input) */
  double input_max[2];  /* largest value of each input over the fitted rows (0: no input) */
  size_t distinct;      /* distinct inputs ((N, D) or C) among the fitted rows */
} fslaw_tfit_result;

/* New fit of `law` (a registry entry); NULL when law is NULL (say, from
 * fslaw_tlaw_find of an unknown name) or out of memory. */
fslaw_tfit *fslaw_tfit_create(const fslaw_tlaw *law);
void fslaw_tfit_destroy(fslaw_tfit *fit);
/* The message of the last failing call; a later call that succeeds keeps
 * it (read it after a failure only). "" before any failure. */
const char *fslaw_tfit_errmsg(const fslaw_tfit *fit);

/* Huber delta on log residuals (> 0; default 1e-3). */
fslaw_status fslaw_tfit_set_huber(fslaw_tfit *fit, double delta);
/* Grid thinning: 0 = the law's full grid (4500 starts for chinchilla);
 * k >= 1 = k evenly spaced values (ends included) of each parameter's list. */
fslaw_status fslaw_tfit_set_grid(fslaw_tfit *fit, size_t levels);
/* Stopping of every local run: relative objective and step tolerances and
 * an evaluation budget (defaults 1e-15, 1e-12, 10000). */
fslaw_status fslaw_tfit_set_tolerance(fslaw_tfit *fit, double ftol_rel, double xtol_rel,
                                      size_t max_evals);
/* Hold parameter i at `value` (admissible for the parameter). */
fslaw_status fslaw_tfit_fix(fslaw_tfit *fit, size_t i, double value);
/* The data: copied. Needs at least as many distinct inputs ((N, D) or C;
 * repeated rows count once) as free parameters, inputs
 * matching the law, and (for two inputs) more than one distinct value of
 * each input. */
fslaw_status fslaw_tfit_set_table(fslaw_tfit *fit, const fslaw_table *t);

/* The objective at params (natural parameters, fixed ones included). */
double fslaw_tfit_objective(const fslaw_tfit *fit, const double *params);
/* The objective at params as above, and its gradient in the natural
 * parameters (fixed ones included) into grad[nparams]; NaN (grad not
 * written) where params are not admissible or the objective is not finite. */
double fslaw_tfit_gradient(const fslaw_tfit *fit, const double *params, double *grad);
/* Run the grid fit: params[nparams] receives the best parameters and *res
 * (may be NULL) how the fit went. */
fslaw_status fslaw_tfit_run(fslaw_tfit *fit, double *params, fslaw_tfit_result *res);

/* How much the fitted predictions depend on each free parameter: s[i] =
 * the RMS over rows of the elasticity d log L-hat / d log|p_i| (for a
 * parameter that may be negative, an exponent, about its mean over the
 * rows); NaN for fixed parameters. A parameter collapsed onto a degenerate
 * boundary (chinchilla's E -> 0, A or B -> 0, an exponent -> 0) has
 * s[i] ~ 0: a tenfold change of it moves no fitted prediction, so its value
 * is where the optimizer stopped, not a measurement. Needs a table. */
fslaw_status fslaw_tfit_sensitivity(fslaw_tfit *fit, const double *params, double *s);
/* Below this sensitivity a parameter counts as undetermined by the rows: a
 * tenfold change moves the fitted log predictions by at most 2.3e-4 RMS
 * beyond what the other parameters absorb, under the Huber delta (1e-3) and
 * the scatter of measured losses. */
#define FSLAW_TFIT_UNDETERMINED 1e-4

/* Bootstrap: refit `resamples` tables of n rows drawn with replacement
 * (resample r uses a random stream seeded from (seed, r)), each from the
 * full-data fit `best` and the ends of the `extra` next-best distinct grid
 * optima (objectives 1e-6 apart) of the last fslaw_tfit_run.
 * samples[r * nparams + i] receives resample r's parameters (NaN where its
 * fit failed); *failed counts those. Requires a successful fslaw_tfit_run. */
fslaw_status fslaw_tfit_bootstrap(fslaw_tfit *fit, const double *best, size_t resamples,
                                  uint64_t seed, size_t extra, double *samples, size_t *failed);

/* Statistics of v[0], v[stride], ... (n values, NaN skipped): standard
 * deviation (n-1) and the q-th and (1-q)-th percentiles with linear
 * interpolation (numpy's default). Returns the number of finite values. */
size_t fslaw_tfit_interval(const double *v, size_t n, size_t stride, double q, double *sd,
                           double *lo, double *hi);

/* ---- Params JSON of table laws ----------------------------------------- */

/* Bootstrap output kept with the parameters. */
typedef struct fslaw_tboot {
  size_t resamples;  /* number of resamples (0 = no bootstrap) */
  uint64_t seed;     /* the seed */
  size_t failed;     /* resamples whose fit failed */
  size_t extra_starts; /* next-best grid optima each resample was also refitted
                          from (fslaw_tfit_bootstrap's extra): with the seed,
                          what reproduces the samples */
  double *samples;   /* resamples * nparams values, row-major; NaN = failed */
} fslaw_tboot;

/* What a fit used, written beside the parameters. */
typedef struct fslaw_tfit_info {
  const char *const *inputs; /* table and log file names */
  size_t ninputs;            /* number of them */
  const char *const *where;  /* row filters */
  size_t nwhere;             /* number of filters */
  double delta;              /* Huber delta */
  unsigned long fixed;       /* bit i: parameter i was held fixed */
  const char *const *warnings; /* caveats about the fit, kept for later readers */
  size_t nwarnings;          /* number of them */
} fslaw_tfit_info;

/* Params JSON {"law": "chinchilla", "table_law": true, "params": {...},
 * "derived": {"a": ..}, "objective": .., "bootstrap": {...}, ...} as a new
 * string (free with free()); res, info and boot may be NULL. NULL when out
 * of memory, or when law or values is NULL or a parameter is not finite
 * (JSON has no NaN or infinity, so the file could not be read back). */
char *fslaw_tparams_to_json(const fslaw_tlaw *law, const double *values,
                            const fslaw_tfit_result *res, const fslaw_tfit_info *info,
                            const fslaw_tboot *boot);
/* Read params JSON of a table law: *law, values[nparams] and, when boot is
 * not NULL, the bootstrap (boot->samples owned by the caller: free()).
 * The law is known only once the file is read, so values must hold
 * FSLAW_MAX_PARAMS doubles (fslaw/common.h). */
fslaw_status fslaw_tparams_read(const char *path, const fslaw_tlaw **law, double *values,
                                fslaw_tboot *boot, fslaw_error *err);
/* The range of each input over the fitted rows, recorded as "fitted_range"
 * ({"N": [min, max], "D": [min, max]} or {"C": [...]}, from res): lo[k] and
 * hi[k] of input k of the file's law. *found = 0 when the file has none
 * (written by hand or by fslaw 0.x before it) or one that makes no sense. */
fslaw_status fslaw_tparams_read_range(const char *path, double *lo, double *hi, int *found,
                                      fslaw_error *err);
/* 1 when `path` is readable params JSON whose "law" is a table law. */
int fslaw_tparams_probe(const char *path);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
