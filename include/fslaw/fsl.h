/* fslaw/fsl.h: the Functional Scaling Law of MATH.md §2 for the PLK model of
 * §1 (fslaw/plk.h): the mode sums e_M and K_M, the discrete FSL evaluator,
 * the three-constant calibration against a simulated curve, the scaling
 * exponents of Table 1 (§3) and the optimal schedules of §4.
 *
 * Conventions shared with `fslaw simulate`: a run of K steps with rates
 * lr[0..K-1] has rows k = 0..K; row k is the state after k steps, at
 * intrinsic time t_k = sum_{i<k} lr[i]. The caller owns every array. */
#ifndef FSLAW_FSL_H
#define FSLAW_FSL_H

#include "fslaw/common.h"
#include "fslaw/plk.h"

#ifdef __cplusplus
extern "C" {
#endif
FSLAW_BEGIN_API

/* Which functions e(t) and K(t) the evaluator uses (MATH.md §2). */
typedef enum fslaw_fsl_form {
  FSLAW_FSL_MODES = 0, /* mode sums e_M, K_M over the top-M features */
  FSLAW_FSL_POWER = 1  /* pure power laws e = (1+t)^-s, K = (1+t)^-(2-1/beta) */
} fslaw_fsl_form;

/* How the mode sums are represented (modes form only). */
typedef enum fslaw_fsl_nodes {
  FSLAW_FSL_NODES_AUTO = 0,      /* exact when M <= exact_max, compressed otherwise */
  FSLAW_FSL_NODES_EXACT = 1,     /* one node per mode (M must be finite) */
  FSLAW_FSL_NODES_COMPRESSED = 2 /* Gauss rules on geometric bins of lambda */
} fslaw_fsl_nodes;

/* Knobs of the evaluator; start from fslaw_fsl_options_default(). */
typedef struct fslaw_fsl_options {
  fslaw_fsl_form form;       /* modes (default) or power */
  fslaw_fsl_nodes nodes;     /* mode-sum representation (default auto) */
  size_t exact_max;          /* auto: exact mode sums up to this M (default 1024) */
  size_t bins_per_decade;    /* compression: bins per decade of lambda (default 10) */
  size_t order;              /* compression: Gauss nodes per bin, 1..8 (default 4) */
} fslaw_fsl_options;

/* The defaults documented above. */
fslaw_fsl_options fslaw_fsl_options_default(void);

/* Check a model for the FSL: as fslaw_plk_model_check, but features may also
 * be INFINITY (then dim must be INFINITY too). */
fslaw_status fslaw_fsl_model_check(const fslaw_plk_model *m, fslaw_error *err);

/* ---- Mode sums (MATH.md §2) --------------------------------------------- */

/* The spectral measures of e_M and K_M as weighted exponentials:
 *   e_M(t) ~= sum_n we[n] exp(-re[n] t),  K_M(t) ~= sum_n wk[n] exp(-rk[n] t),
 * exact (one node per mode) or compressed (MATH.md §1.1b: the top and bottom
 * 64 modes exact, geometric bins of lambda in between with an `order`-point
 * Gauss rule of the discrete measure in each bin, the sum over j replaced by
 * a midpoint integral where a bin holds more than 4096 modes, and all modes
 * with 2 lambda t_max < 0.1 lumped into one last bin). Compressed sums are
 * accurate for 0 <= t <= t_max only. */
typedef struct fslaw_fsl_spectrum fslaw_fsl_spectrum;

/* Build the mode sums of model m for times up to t_max (> 0). */
fslaw_status fslaw_fsl_spectrum_create(const fslaw_plk_model *m, const fslaw_fsl_options *opt,
                                       double t_max, fslaw_fsl_spectrum **out,
                                       fslaw_error *err);
/* Free; NULL is allowed. */
void fslaw_fsl_spectrum_destroy(fslaw_fsl_spectrum *sp);
/* Number of exponentials of e_M and of K_M. */
size_t fslaw_fsl_spectrum_size(const fslaw_fsl_spectrum *sp);
/* e_M(t) = sum_{j<=M} lambda_j theta*_j^2 exp(-2 lambda_j t). */
double fslaw_fsl_signal_fn(const fslaw_fsl_spectrum *sp, double t);
/* K_M(t) = sum_{j<=M} lambda_j^2 exp(-2 lambda_j t). */
double fslaw_fsl_kernel_fn(const fslaw_fsl_spectrum *sp, double t);

/* Pure power forms of §2: (1+t)^-s and (1+t)^-(2-1/beta). */
double fslaw_fsl_power_signal(const fslaw_plk_model *m, double t);
double fslaw_fsl_power_kernel(const fslaw_plk_model *m, double t);

/* The power kernel (1+u)^-alpha as a sum of exponentials
 * sum_i w[i] exp(-r[i] u), accurate to a relative 1e-8 for 0 <= u <= u_max
 * (trapezoid rule in log x of (1+u)^-alpha = int x^(alpha-1) e^-x e^-xu dx
 * / Gamma(alpha): a geometric grid of rates with closed-form weights).
 * Fills at most cap terms; returns the number needed (call with cap = 0 to
 * size the arrays), 0 for invalid input. */
size_t fslaw_fsl_power_exps(double alpha, double u_max, double *r, double *w, size_t cap);

/* ---- The discrete FSL evaluator (MATH.md §2) ---------------------------- */

/* Number of output rows for K steps printed every `every` steps: rows
 * 0, every, 2 every, ... and always the last row K; 0 when every is 0.
 * The simulator's rows (fslaw_sim_rows), argument for argument. */
size_t fslaw_fsl_rows(size_t K, size_t every);
/* Step number of output row `row` (as fslaw_sim_row_step). */
size_t fslaw_fsl_row_step(size_t row, size_t K, size_t every);

/* Evaluate the FSL terms for rates lr[0..K-1] at the output rows
 * (fslaw_fsl_rows(K, every) entries each; any output may be NULL):
 *   t[r]      intrinsic time t_k of row r's step k
 *   approx[r] modes: delta_M = tail/2 (fslaw_plk_tail_signal); power: M^-(s beta)
 *   signal[r] modes: e_M(t_k)/2;  power: (1+t_k)^-s
 *   noise[r]  modes: (1/2) sum_{i<k} K_M(t_k - t_{i+1}) [e_M(t_i) + sigma_eff^2] lr_i^2/B,
 *             sigma_eff^2 = sigma^2 + tail (MATH.md §1.1);
 *             power: the same sum with the power forms and sigma^2
 *   fsl[r]    approx + signal + noise (the FSL with unit constants)
 * The halves of the modes form put it in excess-risk units, E = (1/2) sum
 * lambda_j p_j + delta_M (§1.1), so that unit constants are the natural
 * raw comparison with `fslaw simulate`. Cost O(K * nodes) (modes) or
 * O(K * #exponentials) (power). Rates must be finite and >= 0. */
fslaw_status fslaw_fsl_eval(const fslaw_plk_model *m, const fslaw_fsl_options *opt,
                            const double *lr, size_t K, size_t every, double *t,
                            double *approx, double *signal, double *noise, double *fsl,
                            fslaw_error *err);

/* ---- Calibration (MATH.md §2, last paragraph) --------------------------- */

/* Result of fitting y ~= c_a approx + c_e signal + c_n noise. */
typedef struct fslaw_fsl_fit {
  double c[3];          /* c_a, c_e, c_n (1 for a term that is identically 0) */
  int fitted[3];        /* 1 if the constant was fitted, 0 if its term is all 0 */
  size_t n;             /* number of points used */
  double raw_maxrel;    /* max |fsl - y| / y with unit constants */
  double fit_maxrel;    /* max |fit - y| / y with the fitted constants */
  double fit_rmsrel;    /* root mean square of (fit - y) / y */
} fslaw_fsl_fit;

/* Linear least squares on relative residuals, min sum ((fit_i - y_i)/y_i)^2,
 * by Gram-Schmidt QR (no normal equations). y must be > 0. */
fslaw_status fslaw_fsl_calibrate(const double *approx, const double *signal,
                                 const double *noise, const double *y, size_t n,
                                 fslaw_fsl_fit *fit, fslaw_error *err);

/* ---- Table 1 and optimal allocations (MATH.md §3, §4) -------------------- */

/* A scaling X^-power (log X)^log_power of the final loss (or of a tuned
 * quantity, then X^power (log X)^log_power with the sign given per field). */
typedef struct fslaw_fsl_scaling {
  double power;     /* exponent a of X^-a */
  double log_power; /* exponent b of (log X)^b */
} fslaw_fsl_scaling;

/* Schedules of Table 1. */
enum { FSLAW_FSL_CONSTANT = 0, FSLAW_FSL_EXPDECAY = 1, FSLAW_FSL_WSD = 2 };

/* Table 1 for one (s, beta), with the optimal allocations. */
typedef struct fslaw_fsl_table {
  double s;                         /* task difficulty */
  double beta;                      /* capacity exponent */
  int easy;                         /* 1 if s >= 1 - 1/beta (easy), 0 (hard) */
  fslaw_fsl_scaling data[3];        /* final loss vs D per schedule (Table 1) */
  fslaw_fsl_scaling compute[3];     /* final loss vs C = M D per schedule */
  double const_gamma_data;          /* constant LR, data-limited: gamma_opt ~ D^-this */
  double const_model_compute;       /* constant, compute-limited: M_opt ~ C^this */
  double const_gamma_compute;       /* constant, compute-limited: gamma_opt ~ C^-this */
  fslaw_fsl_scaling decay_model_compute; /* exp/WSD compute-limited: M_opt ~
                                           C^power (log C)^-log_power */
  double nu;                        /* §4: eta_peak ~ N^-nu (easy); 0 (hard) */
  double optimal_loss;              /* §4: optimal-schedule loss ~ N^-this */
  double decay_fraction;            /* §4 hard: decay fraction ~ N^-this (UNVERIFIED);
                                       0 (easy: the whole run decays) */
  double wsd_fraction_data;         /* §3 WSD hard: r_opt >~ D^-this log D; 0 easy */
} fslaw_fsl_table;

/* Fill *tab for s > 0, beta > 1. */
fslaw_status fslaw_fsl_table_compute(double s, double beta, fslaw_fsl_table *tab,
                                     fslaw_error *err);

/* The §4 optimal schedule for N steps and rate cap eta_max, into lr[0..N-1]:
 * easy: eta_peak (1 - k/N)^(2 beta - 1) with eta_peak = eta_max N^-nu (the
 *   constant: eta_peak = eta_max at N = 1);
 * hard: eta_max for k < N - L, then eta_max ((N - k)/L)^(2 beta - 1), with
 *   L = max(1, round(N * N^-decay_fraction)) (constant 1; exponent UNVERIFIED).
 * Monotone non-increasing, 0 < lr <= eta_max. */
fslaw_status fslaw_fsl_optimal_schedule(double s, double beta, size_t N, double eta_max,
                                        double *lr, fslaw_error *err);

FSLAW_END_API
#ifdef __cplusplus
}
#endif
#endif
