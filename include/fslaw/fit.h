/* fslaw/fit.h: fitting a loss-curve law to training runs (MATH.md §5.5).
 *
 * Objective: the summed Huber loss (delta 1e-3 by default) of the log
 * residuals r = log(observed) - log(predicted) over the logged points after
 * warmup of every run, or the sum of r^2 (FSLAW_LOSS_SQUARED). Parameters are
 * bounded; a deterministic multistart (the law's default start plus Halton
 * points in its start box) is refined by bounded L-BFGS (NLopt) on
 * coordinates scaled to [0, 1] (log scale for wide positive parameters):
 * every start to a relative tolerance of 1e-6, then the best four on to the
 * fit's tolerance (fslaw_fit_set_tolerance).
 * Starts run in parallel with OpenMP; the result does not depend on the
 * number of threads. Life cycle: create, set, add runs, run, destroy.
 *
 * Groups (e.g. model sizes): runs added after fslaw_fit_set_group(fit,
 * name) belong to that group, and every group has its own parameters except
 * those marked with fslaw_fit_share, which take one value in all groups
 * (MATH.md §5.5: parameters shared across model sizes). The objective is
 * the sum over all groups' runs. Without groups there is one. Parameter
 * vectors are then ngroups x nparams: group g's at params + g nparams.
 * With nothing shared the groups are independent, yet solved as one
 * multistart (every group starting from the same point, the best start the
 * best sum), which finds worse minima than a fit per group: fit such groups
 * one by one (fslaw fit and cv do). */
#ifndef FSLAW_FIT_H
#define FSLAW_FIT_H

#include "fslaw/common.h"
#include "fslaw/law.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

typedef struct fslaw_fit fslaw_fit;

typedef enum fslaw_loss {
  FSLAW_LOSS_HUBER = 0,  /* summed Huber loss of log residuals */
  FSLAW_LOSS_SQUARED = 1 /* summed squared log residuals */
} fslaw_loss;

/* Most groups of a fit (fslaw_fit_set_group). */
#define FSLAW_FIT_MAX_GROUPS 16

/* What the fitted points cover: predictions beyond it are extrapolations. */
typedef struct fslaw_fit_range {
  size_t max_step;       /* last fitted step of the run that reaches max_time */
  double max_time;       /* largest intrinsic time at a fitted point */
  double min_time;       /* smallest intrinsic time at a fitted point */
  double min_rate;       /* lowest rate after warmup up to a run's last fitted point */
  double max_rate;       /* highest rate up to a run's last fitted point (the peak) */
} fslaw_fit_range;

/* What a fit reports. */
typedef struct fslaw_fit_result {
  double objective;      /* objective at the returned parameters */
  size_t points;         /* number of fitted points */
  size_t logged;         /* logged points in the fitted windows (>= points:
                            more when runs were thinned to max_points) */
  size_t starts;         /* number of starts run */
  size_t best_start;     /* index of the start that won (0 = default start) */
  size_t iterations;     /* objective evaluations of the winning start */
  int converged;         /* 1 when the local method met its tolerance */
  char reason[96];       /* why the winning start stopped */
  unsigned long on_bound;/* bit i set: parameter i ended on a bound (in some group) */
  unsigned long group_on_bound[FSLAW_FIT_MAX_GROUPS]; /* the same per group */
  size_t group_points[FSLAW_FIT_MAX_GROUPS];         /* fitted points per group */
  fslaw_fit_range range;                              /* what the runs cover */
  fslaw_fit_range group_range[FSLAW_FIT_MAX_GROUPS];  /* the same per group */
  unsigned long fixed;   /* bit i set: parameter i was held (fslaw_fit_fix) */
} fslaw_fit_result;

/* New fit of `law` (which must outlive the fit); NULL when law is NULL or
 * out of memory. */
fslaw_fit *fslaw_fit_create(const fslaw_law *law);
void fslaw_fit_destroy(fslaw_fit *fit);
/* The message of the last failing call; a later call that succeeds keeps
 * it (read it after a failure only). "" before any failure. */
const char *fslaw_fit_errmsg(const fslaw_fit *fit);

/* Objective: loss type and Huber delta (> 0). */
fslaw_status fslaw_fit_set_loss(fslaw_fit *fit, fslaw_loss loss, double delta);
/* Number of starts (>= 1; default 32). */
fslaw_status fslaw_fit_set_starts(fslaw_fit *fit, size_t n);
/* Bounds of parameter i (lo < hi; the log-scale ones must stay positive). */
fslaw_status fslaw_fit_set_bounds(fslaw_fit *fit, size_t i, double lo, double hi);
/* Hold parameter i at `value` (not fitted). */
fslaw_status fslaw_fit_fix(fslaw_fit *fit, size_t i, double value);
/* Stopping: relative objective tolerance and evaluation budget per start
 * (default 1e-12 and 3000; a grouped fit multiplies the budget by its number
 * of groups, as it has that many more coordinates). */
fslaw_status fslaw_fit_set_tolerance(fslaw_fit *fit, double ftol_rel, size_t max_evals);

/* Progress: after each start finishes, cb(data, starts done, starts in all)
 * is called, for a caller's progress display. It runs on the fit's worker
 * threads, one call at a time (a critical section shared by all fits), so it
 * must be short and must not run a fit itself. NULL cb: none (default). */
typedef void (*fslaw_fit_progress)(void *data, size_t done, size_t total);
fslaw_status fslaw_fit_set_progress(fslaw_fit *fit, fslaw_fit_progress cb, void *data);

/* Default of fslaw_fit_set_max_points. */
#define FSLAW_FIT_MAX_POINTS 500

/* Steps per run at which the law is evaluated, about (0 = every logged
 * point; default FSLAW_FIT_MAX_POINTS), applied to runs added afterwards: the
 * fitted points of a run logged more densely than n are split into about
 * n / 3 bins of consecutive points, and each bin is fitted as one point:
 * the mean of its log losses against the law's mean log prediction over it
 * (a quadrature at 3 of its points). No bin crosses a jump of the rate, and
 * none spans more than a factor 1.25 of intrinsic time since step 0 or since
 * the jump before it, so some tens of bins more than n / 3 can result. The cost of a fit does not grow with the logging
 * interval (cost ~ points x drops), and a bin's mean has less noise than one
 * logged loss of one batch. */
fslaw_status fslaw_fit_set_max_points(fslaw_fit *fit, size_t n);

/* Runs added from now on belong to group `name` (created on first use, up to
 * FSLAW_FIT_MAX_GROUPS; call before adding the first run). */
fslaw_status fslaw_fit_set_group(fslaw_fit *fit, const char *name);
/* Parameter i takes one value in every group (no effect without groups). */
fslaw_status fslaw_fit_share(fslaw_fit *fit, size_t i);
/* Number of parameter vectors (groups; 1 without groups) and group g's name
 * (NULL without groups). */
size_t fslaw_fit_ngroups(const fslaw_fit *fit);
const char *fslaw_fit_group_name(const fslaw_fit *fit, size_t g);

/* Add a run: per-step rates lr[0..nsteps-1] and n logged losses at
 * increasing steps. Points after warmup and at or after step `from` are
 * fitted. Arrays are copied. Fails when the run has no such point or a
 * loss is not positive and finite, or (FSLAW_EINVAL) when name or lr is
 * NULL (name is shown in messages about the run). */
fslaw_status fslaw_fit_add_run(fslaw_fit *fit, const char *name, const double *lr,
                               size_t nsteps, const size_t *steps, const double *loss,
                               size_t n, size_t from);

/* The objective and (if grad != NULL) its gradient in the law's parameters,
 * params and grad of ngroups x nparams (each group's own vector: sharing is
 * what the fit enforces, not what this sums). With no runs added it is 0
 * (an empty sum); fslaw_fit_run refuses that case. */
double fslaw_fit_objective(const fslaw_fit *fit, const double *params, double *grad);
/* The part of the objective from group g's runs, at group g's parameters. */
double fslaw_fit_group_objective(const fslaw_fit *fit, size_t g, const double *params);

/* How firmly group g's fitted points hold its parameters (a Gauss-Newton
 * matrix; MATH.md §5.5 "report what the fit determines"):
 *   M[i * nparams + j] = (1/n) sum over the n points of d r/d ln p_i  d r/d ln p_j,
 * r a point's log residual, at the fit's parameters `params` (ngroups x
 * nparams, as fslaw_fit_run returns them; group g's are used). A small move
 * du of the log parameters changes the fitted log losses by
 * sqrt(du' M du) (RMS). Rows and columns of fixed parameters and of those
 * whose bit is set in `skip` (e.g. on a bound) are zero. In a grouped fit
 * the other groups' runs hold the shared parameters too: their part, once
 * their own parameters have absorbed what they can (a Schur complement), is
 * added to the shared block, still divided by group g's n. *scale (if not
 * NULL) receives a robust scale of the points' log residuals, 1.4826 x
 * their median absolute value (the RMS were they normal; a few spikes do not
 * move it): how closely the law fits them, against which a change of the
 * curves is small. */
fslaw_status fslaw_fit_curvature(fslaw_fit *fit, size_t g, const double *params,
                                 unsigned long skip, double *M, double *scale);

/* Run the fit: params[ngroups x nparams] (required: NULL is FSLAW_EINVAL)
 * receives the best parameters and *res (may be NULL) how the fit went. Fails (FSLAW_EINVAL) when no run's
 * rate changes after its warmup and the law needs a decay to determine
 * its parameters (e.g. a run still at its peak rate): fit such runs with
 * the decay parameters fixed (fslaw_fit_fix), or wait for a decay. */
fslaw_status fslaw_fit_run(fslaw_fit *fit, double *params, fslaw_fit_result *res);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
