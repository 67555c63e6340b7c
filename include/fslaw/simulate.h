/* fslaw/simulate.h: expected-risk curves of one-pass SGD on the power-law
 * kernel model (MATH.md §1), by three independent methods:
 *
 *   FSLAW_SIM_EXACT     the O(M)-per-step expected-risk recursion of §1.1
 *   FSLAW_SIM_SPECTRAL  the same recursion on a compressed spectrum (§1.1b):
 *                       Gauss rules per geometric bin, M up to 1e9 or infinite
 *   FSLAW_SIM_MC        real SGD with sampled Gaussian features, averaged over
 *                       independent runs (§1.2), with the standard error
 *
 * A curve is reported at the steps 0, every, 2 every, ..., and always K (the
 * number of rates); "excess" is E[R] - sigma^2/2 (the ½ convention of §1.1).
 * The caller owns every array: size them with fslaw_sim_rows(). */
#ifndef FSLAW_SIMULATE_H
#define FSLAW_SIMULATE_H

#include "fslaw/common.h"
#include "fslaw/plk.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

/* How the curve is computed. */
typedef enum fslaw_sim_method {
  FSLAW_SIM_EXACT = 0,    /* §1.1 recursion over the M modes */
  FSLAW_SIM_SPECTRAL = 1, /* §1.1b compressed recursion (features may be INFINITY) */
  FSLAW_SIM_MC = 2        /* Monte Carlo SGD (dim must be finite) */
} fslaw_sim_method;

/* Options; start from fslaw_sim_options_default() and change what you need. */
typedef struct fslaw_sim_options {
  fslaw_sim_method method; /* which simulator (default exact) */
  size_t every;            /* report every `every`-th step and the last (default 1) */
  size_t runs;             /* mc: independent SGD runs (default 100) */
  unsigned long long seed; /* mc: seed; run r uses a stream derived from (seed, r) (default 1) */
  size_t nodes;            /* spectral: Gauss nodes per bin and measure, q (default 3) */
  size_t exact_modes;      /* spectral: top modes kept exact (default 64) */
  double bins_per_decade;  /* spectral: geometric bins per decade of lambda (default 10) */
  int check;               /* spectral: also run q+1 nodes for the error estimate (default 1) */
  int threads;             /* OpenMP threads, 0 = the OpenMP default (default 0) */
} fslaw_sim_options;

/* What a simulation reports besides the curve. */
typedef struct fslaw_sim_info {
  double
      err_estimate; /* spectral: max relative difference q vs q+1 nodes (-1 if not run); else 0 */
  size_t nodes;     /* recursion size: modes (exact), nodes (spectral), coordinates (mc) */
  double stability_bound; /* largest stable constant rate (§1.1a), see fslaw_sim_stability_bound */
  size_t unstable_steps;  /* steps whose rate exceeds stability_bound (0: none); the risk
                             grows while they last, even when it does not grow enough to
                             count as diverged */
  size_t unstable_first;  /* the first of them (K when there is none) */
} fslaw_sim_info;

/* The defaults listed in fslaw_sim_options. */
fslaw_sim_options fslaw_sim_options_default(void);

/* Number of reported rows for K steps: steps 0, every, 2 every, ... and K.
 * 0 when every is 0. */
size_t fslaw_sim_rows(size_t K, size_t every);

/* The step (number of SGD steps taken) reported in row `row`. */
size_t fslaw_sim_row_step(size_t row, size_t K, size_t every);

/* Stability bound of MATH.md §1.1a: the largest constant rate eta with every
 * a_j < 1 and Q(eta) < 1 over the learned modes (features may be INFINITY);
 * above it the expected risk grows without bound. */
double fslaw_sim_stability_bound(const fslaw_plk_model *m);

/* The rough form 2 / (lambda_1 + tr H / B), tr H over the learned modes. */
double fslaw_sim_stability_bound_approx(const fslaw_plk_model *m);

/* Simulate K steps with rates lr[0..K-1]. Fills excess[0..rows-1] (rows =
 * fslaw_sim_rows(K, opt->every)) and, for mc, stderr_out[0..rows-1] (the
 * standard error of the mean, NAN for runs = 1 where it is undefined; NULL
 * allowed). info may be NULL; it is filled before the run, so it also
 * describes a run that fails. opt NULL means the defaults.
 * Every value written is finite (but for that NAN). Returns FSLAW_EDIVERGED,
 * with a message naming the step and the stability bound, when the risk grows
 * past 1e15 times its start (rates above the bound that grow it less are
 * only counted in info->unstable_steps); FSLAW_EINVAL for a bad model or
 * option (the message names it), among them features (exact) or dim (mc)
 * above 1e8 and a sigma or an initial signal too large for double precision;
 * FSLAW_ENOMEM. */
fslaw_status fslaw_simulate(const fslaw_plk_model *m, const double *lr, size_t K,
                            const fslaw_sim_options *opt, double *excess, double *stderr_out,
                            fslaw_sim_info *info, fslaw_error *err);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
