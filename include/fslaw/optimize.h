/* fslaw/optimize.h: the learning-rate schedule with the lowest final loss
 * predicted by a fitted law (MATH.md §4, §5), for a fixed number of steps
 * and a largest rate.
 *
 * The first `warmup` steps are a linear ramp, or any given rates (`head`:
 * continue a run in progress); only the steps after them are searched.
 *
 * Families: `free` (any non-increasing schedule after warmup with rates in
 * [min_lr, peak], optimised through the law's gradient with respect to every
 * rate, on a coarse grid of knots first and then finer ones, then its
 * abrupt drops moved by BOBYQA on a staircase through them), or a shape
 * whose own parameters are tuned (wsd: decay fraction, tail and end rate;
 * cosine, linear: end rate; power: exponent and peak). */
#ifndef FSLAW_OPTIMIZE_H
#define FSLAW_OPTIMIZE_H

#include "fslaw/common.h"
#include "fslaw/fsl.h"
#include "fslaw/law.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

typedef enum fslaw_family {
  FSLAW_FAMILY_FREE = 0,   /* free-form non-increasing schedule */
  FSLAW_FAMILY_WSD = 1,    /* warmup-stable-decay, tail and fraction tuned */
  FSLAW_FAMILY_COSINE = 2, /* cosine to a tuned end rate */
  FSLAW_FAMILY_LINEAR = 3, /* linear to a tuned end rate */
  FSLAW_FAMILY_POWER = 4   /* peak (1 - x)^p with p and peak tuned */
} fslaw_family;

/* Family by name ("free", "wsd", ...); -1 when unknown. */
int fslaw_family_from_name(const char *name);
const char *fslaw_family_to_string(fslaw_family family);

/* What to optimise. Every field's zero is its default (family free, default
 * budget, no progress, no min_lr), so start from
 * `fslaw_optimize_options o = {0};` and set steps, peak and what else you
 * need. */
typedef struct fslaw_optimize_options {
  size_t steps;          /* total steps including warmup */
  double peak;           /* largest rate (the rate after warmup) */
  size_t warmup;         /* linear warmup steps (schedule module convention) */
  int warmup_inclusive;  /* 1: the ramp reaches the peak at step warmup-1 */
  fslaw_family family;   /* what shape to search */
  size_t max_evals;      /* evaluation budget per stage (0: default 400 free, 300 shapes) */
  /* Called after every evaluation with the number so far, for a caller's
   * progress display (NULL: none); data is passed through. */
  void (*progress)(void *data, size_t evaluations);
  void *progress_data;
  /* Lowest rate after warmup, in [0, peak) (0: none): the free family's rates
   * and the shapes' end rates keep to it (last, so that initialisers written
   * before it leave it 0). */
  double min_lr;
  /* NULL: the first `warmup` rates are the linear ramp. Otherwise they are
   * head[0..warmup-1] (e.g. the rates a run in progress has trained with,
   * any non-negative values, above peak too), held fixed while the steps
   * after them are searched; warmup_inclusive is then unused. Not copied:
   * it must stay valid during the call. */
  const double *head;
} fslaw_optimize_options;

/* What came out. */
typedef struct fslaw_optimize_result {
  double final_loss;     /* predicted loss at the last step */
  size_t evaluations;    /* law evaluations used */
  char spec[512];        /* schedule spec of the optimum (shape families; with a
                            head, its warmup=... stands for the head's rates) */
  char reason[160];      /* how the search stopped */
  int budget_used;       /* 1 when a final free-form search stage (every step,
                            or a kept BOBYQA round) stopped at its
                            evaluation budget (max_evals) before converging */
} fslaw_optimize_result;

/* Predicted loss at the last step of lr[0..n-1] and, when grad != NULL, its
 * derivative with respect to every rate, grad[0..n-1] (analytic, O(n)). */
fslaw_status fslaw_law_final_loss(const fslaw_law *law, const double *params, const double *lr,
                                  size_t n, double *loss, double *grad, fslaw_error *err);

/* Optimise: lr[0..steps-1] receives the schedule, *res (may be NULL) what
 * came out. opt is required (NULL is FSLAW_EINVAL). */
fslaw_status fslaw_optimize(const fslaw_law *law, const double *params,
                            const fslaw_optimize_options *opt, double *lr,
                            fslaw_optimize_result *res, fslaw_error *err);

/* ---- Any final-loss functional; the FSL of the PLK model (MATH.md §2, §4) -- */

/* A final-loss functional of the schedule lr[0..n-1]: the loss into *loss
 * and, when grad != NULL, d loss / d lr[k] into grad[0..n-1]. */
typedef fslaw_status (*fslaw_final_loss_fn)(void *ctx, const double *lr, size_t n, double *loss,
                                            double *grad, fslaw_error *err);

/* fslaw_optimize for a functional given as a callback (fslaw_optimize is
 * this with fslaw_law_final_loss); ctx is passed through to fn. */
fslaw_status fslaw_optimize_custom(fslaw_final_loss_fn fn, void *ctx,
                                   const fslaw_optimize_options *opt, double *lr,
                                   fslaw_optimize_result *res, fslaw_error *err);

/* The discrete FSL of the PLK model m after all n steps of lr (the fsl
 * column of fslaw_fsl_eval at row n, form and nodes from fo; NULL: the
 * defaults) and, when grad != NULL, its exact derivative with respect to
 * every rate (adjoint of the accumulator sweep of §2). Cost O(n) for the
 * power form, O(n * nodes) for the mode sums. */
fslaw_status fslaw_theory_final_loss(const fslaw_plk_model *m, const fslaw_fsl_options *fo,
                                     const double *lr, size_t n, double *loss, double *grad,
                                     fslaw_error *err);

/* Optimise the schedule for the final FSL loss of model m (MATH.md §4): as
 * fslaw_optimize, opt->peak is the rate cap eta_max; the free family may
 * start below it (the easy-regime optimum peaks at ~ N^-nu). */
fslaw_status fslaw_optimize_theory(const fslaw_plk_model *m, const fslaw_fsl_options *fo,
                                   const fslaw_optimize_options *opt, double *lr,
                                   fslaw_optimize_result *res, fslaw_error *err);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
