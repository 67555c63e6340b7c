/* fslaw/plk.h: the power-law kernel (PLK) regression model of MATH.md §1.
 *
 * Spectrum lambda_j = j^-beta (capacity beta > 1), source condition
 * lambda_j theta*_j^2 = j^-(s beta + 1) (difficulty s > 0), label noise
 * sigma, one-pass SGD with batch B on the top-M features of an N-dimensional
 * feature space (N = M by default, INFINITY for the infinite tail).
 * The simulators and the FSL evaluator take this model. */
#ifndef FSLAW_PLK_H
#define FSLAW_PLK_H

#include "fslaw/common.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

/* The model; a plain caller-owned struct, checked by fslaw_plk_model_check. */
typedef struct fslaw_plk_model {
  double beta;     /* capacity exponent, lambda_j = j^-beta, beta > 1 */
  double s;        /* source exponent, lambda_j theta*_j^2 = j^-(s beta + 1), s > 0 */
  double features; /* M >= 1: number of learned (top) features, a whole number */
  double dim;      /* N >= M: total dimension, a whole number or INFINITY */
  double sigma;    /* label-noise standard deviation, >= 0 */
  double batch;    /* batch size B >= 1, a whole number */
} fslaw_plk_model;

/* Defaults: beta 2, s 0.5, M = N = 1000, sigma 1, B 1. */
fslaw_plk_model fslaw_plk_model_default(void);

/* Check the ranges above; err names the offending field. */
fslaw_status fslaw_plk_model_check(const fslaw_plk_model *m, fslaw_error *err);

/* Eigenvalue lambda_j and initial error lambda_j theta*_j^2 of mode j >= 1. */
double fslaw_plk_lambda(const fslaw_plk_model *m, double j);
double fslaw_plk_signal(const fslaw_plk_model *m, double j);

/* Signal power beyond the model: sum_{M < j <= N} lambda_j theta*_j^2
 * (Hurwitz-zeta tail for N = INFINITY). The approximation error is half of
 * it, delta_M (MATH.md §1), and it adds to the effective noise
 * sigma_eff^2 = sigma^2 + tail (§1.1). */
double fslaw_plk_tail_signal(const fslaw_plk_model *m);

/* Hurwitz zeta sum_{k>=0} (q + k)^-a for a > 1, q > 0 (Euler-Maclaurin). */
double fslaw_hurwitz_zeta(double a, double q);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
