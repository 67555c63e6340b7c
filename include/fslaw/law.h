/* fslaw/law.h: loss-curve laws: the loss at any step of a run as a function
 * of the run's per-step learning rates and a few parameters (MATH.md §5).
 *
 * A law is created from a spec `NAME[:key=value,...]`; the registry
 * (fslaw_law_kind_count, fslaw_law_kind_name, fslaw_law_kind_help) holds:
 *   fsl       FSL practical ansatz (§5.1, 7 parameters)
 *   fslq      fsl with a power-law rate response f(lr) = ref (lr/ref)^q
 *             (8 parameters; ref=1e-3 by default; q = 1: fsl)
 *   fslk      FSL kernel form (MATH.md §2): loss-weighted noise injection,
 *             power-law forgetting (7 parameters)
 *   fslkq     fslk with noise floor ~ lr^q (8 parameters; ref=1e-3 by
 *             default; q = 1: fslk)
 *   fslconv   direct-convolution FSL (§5.2, 7 parameters)
 *   mpl       multi-power law (§5.3, 7 parameters); convention=paper
 *             (default) sums the loss drops after warmup only,
 *             convention=code also over the warmup ramp as the reference
 *             code does
 *   mtl       momentum law (§5.4, 4 parameters); lambda=0.999 by default
 * Every law accepts eps=E (default 0.1): the relative resolution of the
 * compression of long sums over steps (blocks of steps whose intrinsic-time
 * width is at most E times their distance from the predicted step are
 * merged); eps=0 sums every step exactly. Every law also accepts unit=U
 * (default 1): it reads every rate as lr / U, so that its parameters,
 * default bounds and starts (made for runs that peak at
 * FSLAW_LAW_DESIGN_PEAK) serve runs of any peak: fslaw_law_create_for_peak.
 * Warmup: the steps up to the end of the initial ramp (the first step at the
 * ramp's peak) are warmup; laws treat them as in §5 and fits use only later
 * points. */
#ifndef FSLAW_LAW_H
#define FSLAW_LAW_H

#include "fslaw/common.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

typedef struct fslaw_law fslaw_law;

/* Create a law from its spec; free with fslaw_law_destroy. */
fslaw_status fslaw_law_create(const char *spec, fslaw_law **out, fslaw_error *err);
/* Free a law; NULL is allowed. */
void fslaw_law_destroy(fslaw_law *law);

/* The peak rate the laws' default bounds and starts are made for (the
 * AdamW runs of MATH.md §5.5). */
#define FSLAW_LAW_DESIGN_PEAK 3e-4
/* Create a law from its spec for fitting runs whose largest rate is `peak`:
 * when the spec sets no unit, unit = peak / FSLAW_LAW_DESIGN_PEAK (to 6
 * significant digits; not added when that is 1) is added to the spec, so
 * that a fit does not depend on the unit the runs' rates are written in
 * (SGD at 0.1 as much as AdamW at 3e-4). Its spec then records the unit.
 * A peak that is not positive and finite is FSLAW_EINVAL. */
fslaw_status fslaw_law_create_for_peak(const char *spec, double peak, fslaw_law **out,
                                       fslaw_error *err);
/* The unit the law reads rates in (its option unit, 1 by default). */
double fslaw_law_unit(const fslaw_law *law);

/* Name ("mpl"), the spec it was created from, and its formula as text. */
const char *fslaw_law_name(const fslaw_law *law);
const char *fslaw_law_spec(const fslaw_law *law);
const char *fslaw_law_formula(const fslaw_law *law);

/* Parameters: count, name, default bounds and default start of parameter i. */
size_t fslaw_law_nparams(const fslaw_law *law);
const char *fslaw_law_param_name(const fslaw_law *law, size_t i);
double fslaw_law_param_lower(const fslaw_law *law, size_t i);
double fslaw_law_param_upper(const fslaw_law *law, size_t i);
double fslaw_law_param_start(const fslaw_law *law, size_t i);
/* The range the multistart samples parameter i from (within the bounds). */
void fslaw_law_param_start_range(const fslaw_law *law, size_t i, double *lo, double *hi);
/* Whether parameter i is searched on a log scale (positive, wide range). */
int fslaw_law_param_logscale(const fslaw_law *law, size_t i);
/* Index of the parameter called `name`, or -1 (also when name is NULL). */
long fslaw_law_param_index(const fslaw_law *law, const char *name);

/* The registry, for help texts: count, then name and help of entry i. */
size_t fslaw_law_kind_count(void);
const char *fslaw_law_kind_name(size_t i);
const char *fslaw_law_kind_help(size_t i);

/* A law prepared on one run: everything that does not depend on the
 * parameters (intrinsic times, compressed sums) computed once. */
typedef struct fslaw_law_eval fslaw_law_eval;

/* Prepare `law` on the per-step rates lr[0..nsteps-1] for predictions at the
 * steps at[0..nat-1] (increasing, each < nsteps). The arrays are copied. */
fslaw_status fslaw_law_eval_create(const fslaw_law *law, const double *lr, size_t nsteps,
                                   const size_t *at, size_t nat, fslaw_law_eval **out,
                                   fslaw_error *err);
/* Free; NULL is allowed. */
void fslaw_law_eval_destroy(fslaw_law_eval *ev);
/* The warmup end detected from the rates (first step at the ramp's peak). */
size_t fslaw_law_eval_warmup(const fslaw_law_eval *ev);
/* Predict the loss at every prepared step: pred[nat]; when jac is not NULL,
 * also d pred[i] / d params[j] into jac[i * nparams + j] (analytic). */
void fslaw_law_eval_predict(const fslaw_law_eval *ev, const double *params, double *pred,
                            double *jac);

/* Convenience: prepare, predict at at[0..nat-1] into pred, free.
 * A parameter that is NaN or infinite is FSLAW_EINVAL (named in the message);
 * a prediction that is not finite, or not positive (a law far from the runs
 * it was fitted to), is FSLAW_EDIVERGED. */
fslaw_status fslaw_law_predict(const fslaw_law *law, const double *params, const double *lr,
                               size_t nsteps, const size_t *at, size_t nat, double *pred,
                               fslaw_error *err);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
