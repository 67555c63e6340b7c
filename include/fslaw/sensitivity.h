/* fslaw/sensitivity.h: how firmly fitted runs determine a prediction.
 *
 * A fit's curvature M (fslaw_fit_curvature: the fitted log losses change by
 * sqrt(du' M du) RMS under a small move du of the log parameters) says which
 * parameter combinations the runs pin down. A prediction whose gradient
 * g = d log(pred) / d ln(p) lies along a combination M barely constrains is
 * an extrapolation in parameter space: parameters that fit the runs as well
 * predict it differently. Nothing here assumes a noise model; the numbers
 * are ratios of changes, linear in small moves, and do not depend on how the
 * parameters are written (any smooth reparametrisation gives the same). */
#ifndef FSLAW_SENSITIVITY_H
#define FSLAW_SENSITIVITY_H

#include <stddef.h>

#include "fslaw/common.h"
#include "fslaw/law.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

/* Amplification of a prediction: the largest ratio, over small moves of the
 * parameters, of the change of its log to the RMS change of the fitted log
 * losses, sqrt(g' M^+ g). About 1 or less: held as firmly as the fitted
 * curves (a fitted point's is at most sqrt(points)); 30: moves that change
 * the fitted curves by 0.1% move it by 3%. Parameters whose row of M is zero
 * (fixed, on a bound) do not move: the number is conditional on their
 * values. HUGE_VAL when the prediction moves along a combination M does not
 * constrain at all (an eigenvalue below 1e-12 of the largest). Fails when M
 * is not symmetric positive semi-definite. */
fslaw_status fslaw_sensitivity_amplification(size_t np, const double *M, const double *g,
                                             double *amp, fslaw_error *err);

/* The combination the fitted runs constrain least: a unit vector dir[np] of
 * log-parameter moves (zero for parameters that do not move) and the RMS
 * change of the fitted log losses per unit move along it (*rms; 0 when they
 * do not constrain it at all). */
fslaw_status fslaw_sensitivity_weakest(size_t np, const double *M, double *dir, double *rms,
                                       fslaw_error *err);

/* The amplification of the prediction of `law` (parameters `params`) at step
 * `at` of the per-step rates lr[0..nsteps-1], for a fit of curvature M; the
 * prediction itself into *pred (if not NULL). */
fslaw_status fslaw_law_amplification(const fslaw_law *law, const double *params, const double *M,
                                     const double *lr, size_t nsteps, size_t at, double *amp,
                                     double *pred, fslaw_error *err);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
